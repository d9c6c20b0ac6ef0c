"""/report and /target as a manager uses them: pick a report and a period, get the charts (PNG), a short summary
and the XLSX export whose figures are the report's; set a target; the weekly job measures targets once, alerts
managers when one slips and sends the digest (FakeClock, no sleeps)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.reports.periods import PeriodChoice, period_of
from domain.reports.stages import Interval
from domain.reports.targets import Target
from handlers.services.job_registry import JobRegistry
from handlers.services.reports.flow import FlowReports
from handlers.services.reports.jobs import WEEKLY_REPORT, arm_weekly_report, next_weekly_at, register_report_jobs
from storage.database import Database
from storage.demo_histories import seed_histories
from storage.models.delivery import ScheduledJobRow
from storage.models.reports import ReportTargetRow, ReportTargetWeekRow
from storage.repositories.reports import FlowReportsRepository
from tests.botclient import BotClient
from tests.matching.chat import deliver
from tests.reports.test_events_funnel import salon_in_tables
from tests.staff.conftest import add_member

MANAGER_ID = 610_000_001
NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)  # a Monday


def _files(calls: list[TelegramMethod[Any]], kind: type[SendPhoto] | type[SendDocument]) -> list[BufferedInputFile]:
    found = []
    for call in calls:
        if isinstance(call, kind):
            media = call.photo if isinstance(call, SendPhoto) else call.document
            assert isinstance(media, BufferedInputFile)
            found.append(media)
    return found


async def test_a_manager_gets_the_funnel_as_charts_summary_and_export(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await salon_in_tables(app_database)  # the only event: a salon in the quarter (tests/reports/test_events_funnel.py)
    clock.set(NOW)
    await seed_histories(app_database, clients=300, end=NOW, days=200, seed=11, counselors=2, events_per_batch=0)
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Boss")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send("/report")
    assert manager.last_text().startswith("📊 <b>Reports</b>")
    assert manager.last_buttons() == ["Funnel", "Stage times", "Bottleneck", "Targets", "Pilot comparisons"]
    await manager.click("Funnel")
    assert "Last quarter (91 days)" in manager.last_buttons()
    calls = await manager.click("Last quarter (91 days)")

    chart, events_chart = _files(calls, SendPhoto)
    assert (chart.filename, events_chart.filename) == ("funnel.png", "events-funnel.png")
    for png in (chart.data, events_chart.data):
        assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 500_000
    summary = [c.text for c in calls if isinstance(c, SendMessage)][-1]
    async with app_database.unit_of_work(read_only=True) as uow:
        service = FlowReports(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        report = await service.report(PeriodChoice.LAST_QUARTER)
    visitors = report.funnel.visitors
    assert visitors > 100
    assert summary.startswith("📊 <b>Funnel</b>, 2026-09-08 – 2026-12-07")
    assert f"visitors: {visitors} (before: {report.previous_funnel.visitors})" in summary
    (export,) = _files(calls, SendDocument)
    assert export.filename == "report-funnel-2026-09-08.xlsx"
    workbook = load_workbook(io.BytesIO(export.data))
    assert workbook.sheetnames == ["funnel", "events", "cohorts", "stage times", "bottleneck", "targets"]
    assert "\n\n🎪 <b>Offline events</b>: 1 event held (before: 0)\ninvited: 6 (before: 0)\n" in summary
    assert "checked in: 4 (80%) (before: 0)\npicked someone: 4 (100%) (before: 0)\n" in summary
    assert summary.endswith("introduced: 2 (50%) (before: 0)\nfirst date: 2 (100%) (before: 0)")
    events = list(workbook["events"].iter_rows(values_only=True))
    assert [row[1] for row in events[1:]] == [1, 6, 5, 4, 4, 4, 2, 2]  # events held, then each step
    rows = list(workbook["funnel"].iter_rows(values_only=True))
    assert rows[1][:2] == ("visitors", visitors)
    assert [row[1] for row in rows[1:]] == [step.count for step in report.funnel.steps]
    tiers = [row for row in workbook["cohorts"].iter_rows(values_only=True) if row[0] == "membership tier"]
    assert sum(row[2] for row in tiers) == visitors  # every visitor is in one tier


async def test_stage_times_and_the_bottleneck_reports(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    clock.set(NOW)
    await seed_histories(app_database, clients=300, end=NOW, days=200, seed=12, counselors=2, batch=300)
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Boss")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send("/report")
    await manager.click("Stage times")
    calls = await manager.click("Last year (365 days)")
    assert len(_files(calls, SendPhoto)) == 1
    summary = [c.text for c in calls if isinstance(c, SendMessage)][-1]
    assert "registration → first introduction: median" in summary
    await manager.send("/report")
    await manager.click("Bottleneck")
    calls = await manager.click("Last year (365 days)")
    summary = [c.text for c in calls if isinstance(c, SendMessage)][-1]
    assert "Bottleneck: " in summary and "Worst cohorts: " in summary


async def test_pilot_comparisons_without_a_pilot(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Boss")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send("/report")
    await manager.click("Pilot comparisons")
    assert manager.last_text() == "Pilot reports are not available yet."


async def test_setting_a_target(make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Boss")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send("/target registration_to_introduction 7d 80")
    assert manager.last_text() == (
        "🎯 Target set: registration → first introduction within 7.0 d for 80% of cases. It is measured every Monday."
    )
    await manager.send("/target registration_to_introduction soon")
    assert manager.last_text().startswith("Set a target: /target")
    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(ReportTargetRow))).all()
    assert [(r.interval, r.within_seconds, r.share_percent) for r in rows] == [
        ("registration_to_introduction", 7 * 86_400, 80)
    ]


async def test_the_weekly_job_measures_targets_alerts_on_a_slip_and_sends_the_digest(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    settings = dp["settings"]
    clock.set(NOW - timedelta(days=1))  # Sunday
    await seed_histories(app_database, clients=300, end=NOW - timedelta(days=1), days=60, seed=13, counselors=2)
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Boss")
    await add_member(app_database, clock, MANAGER_ID + 1, "counselor", name="Anna")
    async with app_database.unit_of_work() as uow:  # nobody is claimed within a minute 99 % of the time
        target = Target(Interval.HANDOFF_TO_CLAIM, timedelta(minutes=1), 0.99)
        await FlowReportsRepository.of(uow).set_target(target, set_by=None, now=clock.now())
        await arm_weekly_report(uow, settings, clock.now())
    registry = JobRegistry()
    register_report_jobs(registry, settings=settings, i18n=dp["i18n"])
    runner = DueJobRunner(app_database, registry, clock)
    assert (await runner.run_due()).ran == 0
    monday = next_weekly_at(runner_zone(settings.timezone), clock.now())
    clock.set(monday + timedelta(seconds=1))
    assert (await runner.run_due()).ran == 1

    sent = await deliver(app_database, make_user(user_id=MANAGER_ID))
    texts = [message.text for message in sent]
    assert any(text.startswith("⚠️ <b>Target slipped</b>: handoff → claim within 1 min") for text in texts), texts
    (digest,) = [text for text in texts if text.startswith("📬 <b>Weekly report</b>")]
    assert "Offline events" not in digest  # none held that week: the digest stays short
    assert await deliver(app_database, make_user(user_id=MANAGER_ID + 1)) == []  # counselors get no digest
    async with app_database.unit_of_work(read_only=True) as uow:
        weeks = (await uow.session.scalars(select(ReportTargetWeekRow))).all()
        refs = (
            await uow.session.scalars(select(ScheduledJobRow.ref_id).where(ScheduledJobRow.kind == WEEKLY_REPORT))
        ).all()
    assert len(weeks) == 1 and weeks[0].on_target is False and weeks[0].decided > 0
    assert weeks[0].measured_at == monday + timedelta(seconds=1)
    assert sorted(refs) == [monday.date().isoformat(), (monday.date() + timedelta(days=7)).isoformat()]

    # The next Monday: still below target, so no second alert; a new digest.
    clock.set(monday + timedelta(days=7, seconds=1))
    assert (await runner.run_due()).ran == 1
    texts = [message.text for message in await deliver(app_database, make_user(user_id=MANAGER_ID))]
    assert not any("Target slipped" in text for text in texts)
    assert sum(text.startswith("📬 <b>Weekly report</b>") for text in texts) == 1


def runner_zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_a_period_ends_at_the_end_of_today() -> None:
    assert period_of(PeriodChoice.LAST_7_DAYS, NOW).end == datetime(2026, 12, 8, tzinfo=UTC)
