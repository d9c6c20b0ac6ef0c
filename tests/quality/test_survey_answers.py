"""The monthly survey's answers typed instead of pressed, in English, Chinese and Russian: the NPS question (sent
by a job, so no conversation state) takes digits, full-width digits and number words; off the scale or not a
number is said so, with the question again. A low score opens the survey's one complaint case when it is given;
a client who has not accepted the current privacy notice is not surveyed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from aiogram import Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from domain.consent import NOTICE_VERSION
from domain.quality import survey_month, typed_score
from handlers.services.quality_surveys import SurveyDesk
from handlers.views.quality_surveys import SurveyButton, SurveyStep
from storage.database import Database
from storage.models.quality import ComplaintEventRow, SurveyResponseRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import COUNSELOR_ID, MANAGER_ID, cases, set_locale
from tests.staff.conftest import add_member

LI, QIAN, IVAN, SUN, ZHAO = 9_501, 9_502, 9_503, 9_504, 9_505
QUESTION = "📋 Our monthly satisfaction survey: three short questions."
NPS_BUTTONS = [str(n) for n in range(11)]
ANNA_QUESTION = "How satisfied are you with your counselor Anna? 1 star is not at all, 5 stars is very."


async def send_surveys(database: Database, clock: FakeClock, dp: Dispatcher) -> int:
    """The 1st of the month's job, run directly."""
    async with database.unit_of_work() as uow:
        desk = SurveyDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        return await desk.send_month(survey_month(clock.now().date()))


async def survey_of(database: Database, client_id: UUID) -> SurveyResponseRow:
    async with database.unit_of_work(read_only=True) as uow:
        row = await uow.session.scalar(select(SurveyResponseRow).where(SurveyResponseRow.client_id == client_id))
    assert row is not None
    return row


async def surveyed(database: Database) -> set[UUID]:
    async with database.unit_of_work(read_only=True) as uow:
        return set((await uow.session.scalars(select(SurveyResponseRow.client_id))).all())


async def clients_a_month_old(
    database: Database, clock: FakeClock, people: dict[int, str], counselor: UUID | None
) -> dict[int, UUID]:
    ids = {
        user_id: await make_client(database, clock, user_id, name, counselor=counselor)
        for user_id, name in people.items()
    }
    clock.advance(timedelta(days=31))
    return ids


def test_typed_scores_in_every_language() -> None:
    assert [typed_score(text) for text in ("7", "７", " 10. ", "seven", "Ten!", "七", "七分", "十", "兩", "семь")] == [
        7,
        7,
        10,
        7,
        10,
        7,
        7,
        10,
        2,
        7,
    ]
    assert [typed_score(text) for text in ("11", "-1", "１２")] == [11, -1, 12]
    assert [typed_score(text) for text in ("great", "", "7.5", "十一", "двенадцать", "٣")] == [None] * 6


async def test_a_typed_nps_in_english(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    ids = await clients_a_month_old(app_database, clock, {LI: "Li Wei", SUN: "Sun Li"}, anna.account_id)
    assert await send_surveys(app_database, clock, dp) == 2
    li = make_user(user_id=LI)
    (question,) = await deliver(app_database, li)
    assert question.text.startswith(QUESTION)

    await li.send("great")  # not a number: an ordinary misunderstanding (three bring a counselor)
    assert li.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."
    await li.send("11")
    assert li.last_text().startswith(
        "11 is not on the scale: please press a button or type a number from 0 to 10.\n" + QUESTION
    )
    assert li.last_buttons() == NPS_BUTTONS
    await li.send("-1")
    assert li.last_text().startswith("-1 is not on the scale")
    await li.send("/help")  # commands still work while the survey waits
    assert not li.last_text().startswith(("Sorry", "-1", QUESTION))
    assert (await survey_of(app_database, ids[LI])).nps is None

    await li.send("seven")
    assert li.last_text() == ANNA_QUESTION
    await li.send("５")  # full-width: the counselor question takes it too
    assert li.last_text().startswith("Anything you would like to tell us?")
    await li.click("Skip")
    assert li.last_text() == "Thank you for answering our survey!"
    row = await survey_of(app_database, ids[LI])
    assert (row.nps, row.counselor_score, row.complaint_id) == (7, 5, None) and row.answered_at is not None
    await li.send("8")  # answered: an ordinary message again
    assert li.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."

    sun = make_user(user_id=SUN)
    await deliver(app_database, sun)
    await sun.send("１０")
    assert sun.last_text() == ANNA_QUESTION
    assert (await survey_of(app_database, ids[SUN])).nps == 10
    assert await cases(app_database) == []


async def test_a_typed_nps_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    ids = await clients_a_month_old(app_database, clock, {QIAN: "钱浩", SUN: "孙丽"}, anna.account_id)
    for client in ids.values():
        await set_locale(app_database, client, "zh")
    await send_surveys(app_database, clock, dp)
    qian = make_user(user_id=QIAN, language_code="zh")
    (question,) = await deliver(app_database, qian)
    assert question.text.startswith("📋 我们的每月满意度调查")

    await qian.send("十一")  # a word the survey does not read: an ordinary misunderstanding
    assert qian.last_text() == "抱歉，我没有理解您的意思。发送 /help 查看我能为您做什么。"
    await qian.send("12")
    assert qian.last_text().startswith("12不在评分范围内：请按下方按钮，或输入0到10之间的数字。\n📋")
    await qian.send("七分")
    assert qian.last_text().startswith("您对您的红娘Anna满意吗？")
    await qian.send("兩")  # Traditional script: a low counselor score opens the case at once
    assert qian.last_text().startswith("还有什么想告诉我们的吗？")
    row = await survey_of(app_database, ids[QIAN])
    (case,) = await cases(app_database)
    assert (row.nps, row.counselor_score, row.answered_at) == (7, 2, None)
    assert (case.source, case.category, case.about_id, case.id) == (
        "survey",
        "staff",
        anna.account_id,
        row.complaint_id,
    )

    sun = make_user(user_id=SUN, language_code="zh")
    await deliver(app_database, sun)
    await sun.send("九")
    assert sun.last_text().startswith("您对您的红娘Anna满意吗？")
    assert (await survey_of(app_database, ids[SUN])).nps == 9


async def test_a_typed_nps_in_russian(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    ids = await clients_a_month_old(app_database, clock, {IVAN: "Иван Петров"}, anna.account_id)
    await set_locale(app_database, ids[IVAN], "ru")
    await send_surveys(app_database, clock, dp)
    ivan = make_user(user_id=IVAN, language_code="ru")
    await deliver(app_database, ivan)

    await ivan.send("двенадцать")
    assert ivan.last_text() == "Извините, я не понимаю это сообщение. Отправьте /help, чтобы увидеть, что я умею."
    await ivan.send("12")
    assert ivan.last_text().startswith("12 — вне шкалы: нажмите кнопку или напишите число от 0 до 10.\n")
    await ivan.send("Семь")
    assert "Anna" in ivan.last_text() and ivan.last_text() != ANNA_QUESTION
    await ivan.send("пять")
    row = await survey_of(app_database, ids[IVAN])
    assert (row.nps, row.counselor_score) == (7, 5)


async def test_a_low_nps_opens_the_case_at_once_and_only_one(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    ids = await clients_a_month_old(app_database, clock, {LI: "Li Wei", SUN: "Sun Li"}, anna.account_id)
    zhao = (await clients_a_month_old(app_database, clock, {ZHAO: "Zhao Lei"}, None))[ZHAO]  # no counselor
    await send_surveys(app_database, clock, dp)

    # Li answers 0 and leaves: the case is open already, about the service.
    li = make_user(user_id=LI)
    await deliver(app_database, li)
    await li.send("0")
    assert li.last_text() == ANNA_QUESTION
    (case,) = await cases(app_database)
    row = await survey_of(app_database, ids[LI])
    assert (case.source, case.category, case.about_id, case.ref_id) == ("survey", "service", None, row.id)
    assert row.complaint_id == case.id and row.answered_at is None
    survey = row.id.hex
    await li.press(SurveyButton(survey=survey, step=SurveyStep.NPS, value=0).pack())  # pressed as well
    assert li.view.toasts[-1] == "This survey was answered already."
    assert len(await cases(app_database)) == 1

    # Sun: a low NPS, then a low counselor score: the same case, now about the counselor; the comment joins it.
    sun = make_user(user_id=SUN)
    await deliver(app_database, sun)
    await sun.click("2")
    await sun.click("⭐")
    sun_case = (await cases(app_database))[1]
    sun_row = await survey_of(app_database, ids[SUN])
    assert (sun_case.category, sun_case.owner, sun_case.about_id) == ("staff", "manager", anna.account_id)
    assert sun_row.complaint_id == sun_case.id
    await sun.send("Anna never calls back")
    assert sun.last_text().startswith("Thank you. We are sorry it was not better")
    assert len(await cases(app_database)) == 2
    async with app_database.unit_of_work(read_only=True) as uow:
        events = (
            await uow.session.scalars(
                select(ComplaintEventRow.kind).where(ComplaintEventRow.complaint_id == sun_case.id)
            )
        ).all()
    assert sorted(events) == ["note", "opened"]

    # Zhao has no counselor: 0 opens the case, the comment question follows, skipping keeps the one case.
    zhao_chat = make_user(user_id=ZHAO)
    await deliver(app_database, zhao_chat)
    await zhao_chat.send("zero")
    assert zhao_chat.last_text().startswith("Anything you would like to tell us?")
    assert len(await cases(app_database)) == 3
    await zhao_chat.click("Skip")
    assert zhao_chat.last_text().startswith("Thank you. We are sorry it was not better")
    zhao_row = await survey_of(app_database, zhao)
    assert len(await cases(app_database)) == 3 and zhao_row.complaint_id == (await cases(app_database))[2].id


async def test_no_survey_before_the_current_privacy_notice_is_accepted(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    people = {LI: "Li Wei", SUN: "Sun Li", ZHAO: "Zhao Lei"}
    ids = await clients_a_month_old(app_database, clock, people, None)
    async with app_database.unit_of_work() as uow:
        await uow.consents.record(ids[SUN], NOTICE_VERSION, now=clock.now())
        await uow.consents.record(ids[ZHAO], "2020-01", now=clock.now() - timedelta(days=400))
    assert await send_surveys(app_database, clock, dp) == 2
    assert await surveyed(app_database) == {ids[LI], ids[SUN]}
    zhao = make_user(user_id=ZHAO)
    assert await deliver(app_database, zhao) == []

    async with app_database.unit_of_work() as uow:  # Zhao accepts the new notice: asked next month
        await uow.consents.record(ids[ZHAO], NOTICE_VERSION, now=clock.now())
    clock.advance(timedelta(days=31))
    assert await send_surveys(app_database, clock, dp) == 3
    (question,) = await deliver(app_database, zhao)
    assert question.text.startswith(QUESTION)


async def test_a_waiting_survey_does_not_keep_a_confused_client_from_a_counselor(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    ids = await clients_a_month_old(app_database, clock, {LI: "Li Wei"}, anna.account_id)
    await send_surveys(app_database, clock, dp)
    li = make_user(user_id=LI)
    await deliver(app_database, li)
    for words in ("where is my match", "hello?", "I need help"):
        await li.send(words)
    assert li.last_text().startswith("Sorry, I keep misunderstanding you.")
    assert (await survey_of(app_database, ids[LI])).nps is None
