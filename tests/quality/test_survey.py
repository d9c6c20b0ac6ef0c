"""The monthly satisfaction survey on the fake clock: sent on the 1st to active clients who are not new (not
to paused or new ones), once; answered with buttons or typed numbers in either language; one reminder; a low
score opens a complaint case; managers see the results beside the month before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.quality import next_survey_at
from handlers.services.job_registry import JobRegistry
from handlers.services.quality_jobs import arm_quality_jobs, register_quality_jobs
from handlers.views.quality_surveys import SurveyButton, SurveyStep
from storage.database import Database
from storage.models.quality import SurveyResponseRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import COUNSELOR_ID, MANAGER_ID, cases, set_locale
from tests.staff.conftest import add_member

LI, QIAN, SUN, ZHAO, WANG = 9_401, 9_402, 9_403, 9_404, 9_405
QUESTION = "📋 Our monthly satisfaction survey: three short questions."


async def responses(database: Database) -> dict[str, SurveyResponseRow]:
    async with database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(SurveyResponseRow))).all()
        accounts = {row.client_id: await uow.accounts.get(row.client_id) for row in rows}
    return {accounts[row.client_id].external_id or "": row for row in rows}  # type: ignore[union-attr]


async def test_the_monthly_survey(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    settings = dp["settings"]
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    ids = {}
    for user_id, name in ((LI, "Li Wei"), (QIAN, "Qian Hao"), (SUN, "Sun Li"), (ZHAO, "Zhao Lei")):
        ids[user_id] = await make_client(app_database, clock, user_id, name, counselor=anna.account_id)
    zhao = ids[ZHAO]
    await set_locale(app_database, ids[QIAN], "zh")
    async with app_database.unit_of_work() as uow:
        await uow.profiles.update(zhao, now=clock.now(), status="paused")
    clock.advance(timedelta(days=31))
    await make_client(app_database, clock, WANG, "Wang Fang", gender="female")  # new: not asked yet

    registry = JobRegistry()
    register_quality_jobs(registry, settings=settings, i18n=dp["i18n"])
    runner = DueJobRunner(app_database, registry, clock)
    async with app_database.unit_of_work() as uow:
        await arm_quality_jobs(uow, settings, clock.now())
    first = next_survey_at(clock.now(), ZoneInfo(settings.timezone))
    clock.set(first - timedelta(minutes=1))
    await runner.run_due()
    assert await responses(app_database) == {}
    clock.set(first)
    await runner.run_due()
    assert set(await responses(app_database)) == {str(LI), str(QIAN), str(SUN)}

    li = make_user(user_id=LI)
    (question,) = await deliver(app_database, li)
    assert question.text.startswith(QUESTION)
    survey = (await responses(app_database))[str(LI)]
    await li.press(SurveyButton(survey=survey.id.hex, step=SurveyStep.NPS, value=11).pack())
    assert li.view.toasts[-1] == "That is not one of the answers."
    await li.click("3")
    assert li.last_text() == "How satisfied are you with your counselor Anna? 1 star is not at all, 5 stars is very."
    await li.send("great")
    assert li.last_text() == "Please press one of the buttons, from 1 to 5."
    await li.send("seven")
    assert li.last_text() == "Please press one of the buttons, from 1 to 5."
    await li.send("two")
    assert li.last_text().startswith("Anything you would like to tell us?")
    await li.send_sticker()
    assert li.last_text() == "Please describe it in words."
    await li.send("Anna never answers my messages")
    assert li.last_text().startswith("Thank you. We are sorry it was not better")
    await li.press(SurveyButton(survey=survey.id.hex, step=SurveyStep.NPS, value=3).pack())  # pressed again
    assert li.view.toasts[-1] == "This survey was answered already."
    row = (await responses(app_database))[str(LI)]
    assert (row.nps, row.counselor_score) == (3, 2) and row.answered_at is not None
    assert row.comment is not None and b"never answers" not in bytes(row.comment)
    (case,) = await cases(app_database)
    assert (case.source, case.category, case.about_id, case.id) == (
        "survey",
        "staff",
        anna.account_id,
        row.complaint_id,
    )

    qian = make_user(user_id=QIAN, language_code="zh")
    (question,) = await deliver(app_database, qian)
    assert question.text.startswith("📋 我们的每月满意度调查")
    await qian.click("9")
    assert qian.last_text().startswith("您对您的红娘Anna满意吗？")
    await qian.send("四分")
    assert qian.last_text().startswith("还有什么想告诉我们的吗？")
    await qian.click("跳过")
    assert qian.last_text() == "感谢您参与我们的调查！"
    assert len(await cases(app_database)) == 1

    # One reminder for Sun, who did not start; never a second.
    sun = make_user(user_id=SUN)
    await deliver(app_database, sun)
    clock.set(first + timedelta(days=3))
    await runner.run_due()
    (reminder,) = await deliver(app_database, sun)
    assert reminder.text.startswith("A gentle reminder of our monthly survey.\n" + QUESTION)
    assert await deliver(app_database, li) == []
    clock.set(first + timedelta(days=20))
    await runner.run_due()
    assert await deliver(app_database, sun) == []

    zhou = make_user(user_id=MANAGER_ID)
    await zhou.send("/survey")
    month = first.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m")
    results = zhou.last_text()
    assert results.startswith(f"📊 <b>Satisfaction survey</b>\n<b>{month}</b>: 2 answers\nNet promoter score: 0")
    assert "• Anna: 3.0 of 5 (2 answers)" in results
    assert results.endswith(": 0 answers")  # the month before
    anna_chat = make_user(user_id=COUNSELOR_ID)
    await anna_chat.send("/survey")
    assert anna_chat.last_text().startswith("Sorry, this needs the permission")

    # The next month's survey is armed; the same month is never sent twice.
    clock.set(next_survey_at(first, ZoneInfo(settings.timezone)))
    await runner.run_due()
    async with app_database.unit_of_work(read_only=True) as uow:
        months = sorted(set((await uow.session.scalars(select(SurveyResponseRow.month))).all()))
    assert len(months) == 2


async def answer_survey(database: Database, user: BotClient, nps: int, stars: int, *, skip: str = "Skip") -> None:
    """The client's survey question arrives; they press the NPS score, the stars, and skip the comment."""
    (question,) = await deliver(database, user)
    assert question.keyboard
    await user.click(str(nps))
    await user.click("⭐" * stars)
    await user.click(skip)


async def survey_runner(database: Database, clock: FakeClock, dp: Dispatcher) -> DueJobRunner:
    """The scheduled jobs, armed now (the clients made a month ago are due the next survey)."""
    registry = JobRegistry()
    register_quality_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    async with database.unit_of_work() as uow:
        await arm_quality_jobs(uow, dp["settings"], clock.now())
    return DueJobRunner(database, registry, clock)


async def test_results_beside_the_month_before(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    zone = ZoneInfo(dp["settings"].timezone)
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    bo = await add_member(app_database, clock, COUNSELOR_ID + 10, "counselor", name="Bo")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    for user_id, name, counselor in ((LI, "Li Wei", anna), (QIAN, "Qian Hao", anna), (SUN, "Sun Li", bo)):
        await make_client(app_database, clock, user_id, name, counselor=counselor.account_id)
    clock.advance(timedelta(days=31))
    runner = await survey_runner(app_database, clock, dp)
    li, qian, sun = (make_user(user_id=user_id) for user_id in (LI, QIAN, SUN))

    first = next_survey_at(clock.now(), zone)
    clock.set(first)
    await runner.run_due()
    await answer_survey(app_database, li, 9, 5)
    await answer_survey(app_database, qian, 10, 4)
    await answer_survey(app_database, sun, 3, 2)

    second = next_survey_at(first, zone)
    clock.set(second)
    await runner.run_due()
    await answer_survey(app_database, li, 6, 3)
    await answer_survey(app_database, qian, 10, 5)
    (unanswered,) = await deliver(app_database, sun)  # Sun does not answer this month
    assert unanswered.text.startswith(QUESTION)

    zhou = make_user(user_id=MANAGER_ID)
    await zhou.send("/survey")
    this, before = (moment.astimezone(zone).strftime("%Y-%m") for moment in (second, first))
    assert zhou.last_text() == (
        "📊 <b>Satisfaction survey</b>\n"
        f"<b>{this}</b>: 2 answers\n"
        "Net promoter score: 0\n"  # one promoter (10), one detractor (6)
        "• Anna: 4.0 of 5 (2 answers)\n"
        "\n"
        f"<b>{before}</b>: 3 answers\n"
        "Net promoter score: 33\n"  # two promoters (9, 10), one detractor (3): a third
        "• Anna: 4.5 of 5 (2 answers)\n"
        "• Bo: 2.0 of 5 (1 answer)"
    )
    async with app_database.unit_of_work(read_only=True) as uow:
        months = (await uow.session.scalars(select(SurveyResponseRow.month))).all()
    assert sorted(months) == sorted([before] * 3 + [this] * 3)
