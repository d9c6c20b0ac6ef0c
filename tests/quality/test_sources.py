"""Cases opened by other features: a profile report (repeated reports about one profile raise priority), a
low date rating or a no-show (one case per feedback), and a low rating of a conversation with a counselor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from domain.handoff import HandoffReason
from domain.matching.decisions import ReportReason
from domain.quality import REPEAT_WINDOW, Outcome
from handlers.services.quality import ComplaintDesk
from handlers.services.settings import Settings
from handlers.views.handoff.messages import RateButton
from storage.database import Database
from storage.repositories.complaints import ComplaintsRepository
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.casework.conftest import make_client
from tests.dates.conftest import AGENCY_ZONE
from tests.dates.test_dates_jobs import _after_the_date
from tests.matching.chat import account_of, deliver
from tests.matching.test_matches_chat import two_clients
from tests.quality.conftest import CLIENT_ID, COUNSELOR_CHAT, COUNSELOR_ID, MANAGER_ID, cases
from tests.staff.conftest import OWNER_ID, add_member


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        admin_ids=[OWNER_ID],
        counselor_chat_id=COUNSELOR_CHAT,
        timezone=AGENCY_ZONE,
    )


async def test_a_profile_report_opens_a_case_about_the_reported_client(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, wang = await two_clients(dp, bot, session, error_log)
    await li.send("/matches")
    await li.click("⚠️ Report")
    await li.click("Scam or asks for money")
    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    (case,) = await cases(app_database)
    async with app_database.unit_of_work(read_only=True) as uow:
        (report,) = await uow.reports.list_open()
    assert (case.source, case.category, case.client_id, case.about_id, case.ref_id) == (
        "report",
        "client",
        li_id,
        wang_id,
        report.id,
    )
    assert (case.severity, case.owner) == ("high", "customer_service")  # a scam is serious


async def test_repeated_reports_about_one_profile_raise_priority(
    app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    """A reason that is not serious in itself (a fake profile): only the repetition raises the priority, and a
    case resolved meanwhile still counts; after REPEAT_WINDOW the earlier ones no longer do."""
    reported = await make_client(app_database, clock, 9_200, "Zhang San")
    reporters = [await make_client(app_database, clock, 9_201 + n, f"Reporter {n}") for n in range(4)]
    severities = []
    for number, reporter in enumerate(reporters):
        if number == 3:
            clock.advance(REPEAT_WINDOW + timedelta(days=1))
        async with app_database.unit_of_work() as uow:
            report = await uow.reports.add(reporter, reported, ReportReason.FAKE, comment=None, now=clock.now())
            desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
            case = await desk.from_report(report)
            severities.append(case.severity)
            assert (await desk.from_report(report)).severity == severities[-1]  # one case per report
            complaints = ComplaintsRepository.of(uow)  # each is handled before the next report comes
            assert await complaints.take(case.id, None, now=clock.now())
            assert await complaints.resolve(case.id, None, Outcome.NOT_UPHELD, now=clock.now())
        clock.advance(timedelta(days=20))
    assert severities == ["normal", "high", "urgent", "normal"]
    assert [row.state for row in await cases(app_database)] == ["resolved"] * 4


async def test_low_date_feedback_opens_one_case_per_feedback(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, _date_id = await _after_the_date(dp, bot, session, error_log, app_database, clock)
    await li.click("2⭐")
    await li.click("No")
    await li.send("She was an hour late and rude to the waiter.")
    await li.click("⚠️ Yes, a complaint")
    await wang.click("😶 对方没有来")
    by_client = {case.client_id: case for case in await cases(app_database)}
    assert set(by_client) == {li_id, wang_id}  # Li's rating and complaint are one case
    assert (by_client[li_id].source, by_client[li_id].about_id, by_client[li_id].severity) == (
        "date_feedback",
        wang_id,
        "normal",
    )
    assert (by_client[wang_id].about_id, by_client[wang_id].severity) == (li_id, "high")  # a no-show


@pytest.mark.parametrize(("stars", "opens"), [(2, True), (3, False)])
async def test_a_low_conversation_rating_opens_a_case_about_the_counselor(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, stars: int, opens: bool
) -> None:
    cora = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Cora")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    client_id = await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    async with app_database.unit_of_work() as uow:
        handoff = await uow.handoffs.open(client_id, HandoffReason.ASKED, now=clock.now())
        await uow.handoffs.claim(handoff.id, cora.account_id, now=clock.now())
        await uow.handoffs.close(handoff.id, now=clock.now())
    client = make_user(user_id=CLIENT_ID)
    await client.press(RateButton(handoff=handoff.id.hex, stars=stars).pack())
    found = await cases(app_database)
    if not opens:
        assert found == []
        return
    (case,) = found
    assert (case.source, case.category, case.owner, case.about_id, case.ref_id) == (
        "handoff_rating",
        "staff",
        "manager",
        cora.account_id,
        handoff.id,
    )
    (alert,) = await deliver(app_database, make_user(user_id=MANAGER_ID))
    assert alert.text.startswith("🆕 New case #")
