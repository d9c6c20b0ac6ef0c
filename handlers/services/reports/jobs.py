"""The weekly reports job: every Monday at `REPORT_HOUR` (agency time zone) it measures each target for the week
it looks at (stored once), alerts the managers and owners when a target slipped, and sends them the digest of
the last seven days.

    register_report_jobs(registry, settings=..., i18n=...)   # in bot.runner.background_for
    await arm_weekly_report(uow, settings, now)               # at start-up (idempotent)

Each Monday has its own job (`ref_id` the Monday's date); the run arms the next Monday, and every message has a
per-week dedupe key, so a retried run sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.delivery import OutboundMessage
from domain.reports.periods import Period
from domain.reports.report import FlowReport, WeeklyMeasure
from handlers.services.job_registry import JobRegistry
from handlers.services.notifier import Notifier
from handlers.services.reports.flow import FlowReports
from handlers.services.settings import Settings
from handlers.views import reports as views
from storage.repositories.delivery import schedule
from storage.unit_of_work import UnitOfWork

WEEKLY_REPORT = "reports.weekly"
REPORT_HOUR = 9
MONDAY = 0


def next_weekly_at(zone: ZoneInfo, now: datetime) -> datetime:
    """The next Monday `REPORT_HOUR`:00 in `zone` strictly after `now`."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(MONDAY - local.weekday()) % 7)
    due = datetime.combine(day, time(REPORT_HOUR), zone)
    if due <= local:
        due += timedelta(days=7)
    return due


async def arm_weekly_report(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    due = next_weekly_at(ZoneInfo(settings.timezone), now)
    await schedule(uow, WEEKLY_REPORT, due.date().isoformat(), due)


async def run_weekly_report(uow: UnitOfWork, monday: date, *, settings: Settings, clock: Clock, i18n: I18n) -> int:
    """Measure the targets, alert on slips, send the digest; returns how many messages were queued."""
    reports = FlowReports(uow=uow, settings=settings, clock=clock, i18n=i18n)
    now = clock.now()
    measures = await reports.measure_week(now)
    zone = ZoneInfo(settings.timezone)
    end = datetime.combine(monday, time(0), zone)
    report = await reports.report_for(Period(end - timedelta(days=7), end), as_of=now)
    notifier = Notifier(uow, i18n, settings)
    queued = 0
    for reader in await reports.readers():
        for measure in measures:
            if measure.slipped:
                alert = _alert(measure)
                key = f"reports.slip:{measure.target.id}:{measure.week.start.date().isoformat()}:{reader}"
                queued += await notifier.queue_for(reader, alert, dedupe_key=key) is not None
        digest = _digest(report)
        queued += await notifier.queue_for(reader, digest, dedupe_key=f"reports.digest:{monday}:{reader}") is not None
    return queued


def _alert(measure: WeeklyMeasure) -> Callable[[], OutboundMessage]:
    def build() -> OutboundMessage:
        return views.slip_alert(measure)

    return build


def _digest(report: FlowReport) -> Callable[[], OutboundMessage]:
    def build() -> OutboundMessage:
        return views.digest_message(report)

    return build


def register_report_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    async def weekly(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await arm_weekly_report(uow, settings, clock.now())  # this Monday's run arms the next one
        await run_weekly_report(uow, date.fromisoformat(ref_id), settings=settings, clock=clock, i18n=i18n)

    registry.register(WEEKLY_REPORT, weekly)
