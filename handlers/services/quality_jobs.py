"""Quality's scheduled jobs.

- `quality.sla_check`: every `SLA_CHECK_MINUTES` the unresolved cases are compared with their targets, and each
  case that missed one is escalated to the managers (once per target); `ref_id` is the run's due minute.
- `quality.monthly_survey`: on the 1st of each month at `SURVEY_DAY_HOUR` (agency time) the satisfaction survey
  goes to every client due one; `ref_id` is the month. It arms the next month and this month's reminder.
- `quality.survey_reminder`: `REMINDER_DAYS` later, one reminder to those who did not start.

    register_quality_jobs(registry, settings=..., i18n=...)   # bot.runner.background_for
    await arm_quality_jobs(uow, settings, clock.now())         # at start-up (idempotent)

Each run arms the next one itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.quality import REMINDER_DAYS, next_survey_at, survey_month
from handlers.services.job_registry import JobRegistry
from handlers.services.quality import ComplaintDesk
from handlers.services.quality_surveys import SurveyDesk
from handlers.services.settings import Settings
from storage.repositories.delivery import schedule
from storage.unit_of_work import UnitOfWork

SLA_CHECK = "quality.sla_check"
SLA_CHECK_MINUTES = 15
MONTHLY_SURVEY = "quality.monthly_survey"
SURVEY_REMINDER = "quality.survey_reminder"


def next_check_at(now: datetime) -> datetime:
    """The next quarter hour strictly after `now`."""
    start = now.replace(second=0, microsecond=0)
    step = SLA_CHECK_MINUTES - start.minute % SLA_CHECK_MINUTES
    return start + timedelta(minutes=step)


async def arm_sla_check(uow: UnitOfWork, now: datetime) -> None:
    due = next_check_at(now)
    await schedule(uow, SLA_CHECK, due.strftime("%Y-%m-%dT%H:%M"), due)


async def arm_monthly_survey(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    due = next_survey_at(now, ZoneInfo(settings.timezone))
    await schedule(uow, MONTHLY_SURVEY, survey_month(due.date()), due)


async def arm_quality_jobs(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    """The next SLA check and the next monthly survey (idempotent)."""
    await arm_sla_check(uow, now)
    await arm_monthly_survey(uow, settings, now)


def register_quality_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    async def check(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await arm_sla_check(uow, clock.now())
        await ComplaintDesk(uow=uow, settings=settings, clock=clock, i18n=i18n).escalate_overdue()

    async def survey(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        now = clock.now()
        await arm_monthly_survey(uow, settings, now + timedelta(minutes=1))
        await schedule(uow, SURVEY_REMINDER, ref_id, now + timedelta(days=REMINDER_DAYS))
        await SurveyDesk(uow=uow, settings=settings, clock=clock, i18n=i18n).send_month(ref_id)

    async def remind(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await SurveyDesk(uow=uow, settings=settings, clock=clock, i18n=i18n).remind(ref_id)

    registry.register(SLA_CHECK, check)
    registry.register(MONTHLY_SURVEY, survey)
    registry.register(SURVEY_REMINDER, remind)
