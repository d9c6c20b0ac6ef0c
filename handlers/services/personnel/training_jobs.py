"""The daily training notice (docs/training.md): each active member who is to re-take a module that changed,
or to take one that was added, is told once per module version, with the day it is due by.

Each day has its own job (`ref_id` "YYYY-MM-DD"); the day's run arms the next day, and each notice has a dedupe
key per member, module and version, so a member hears of a version once, however many days it stays due.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.delivery import OutboundMessage
from domain.personnel.training import EMPTY, Standing, Status, current_catalog, standings, training_day
from domain.scheduling import next_daily_at
from domain.staff import needs_training, parse_role
from handlers.services.job_registry import JobRegistry
from handlers.services.notifier import Notifier
from handlers.services.settings import Settings
from handlers.views.training import version_notice
from storage.repositories.delivery import schedule
from storage.repositories.training import TrainingRepository
from storage.unit_of_work import UnitOfWork

TRAINING_NOTICE = "training.notice"
NOTICE_HOUR = 9  # agency time: the start of a working day


async def arm_training_notice(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    due = next_daily_at(ZoneInfo(settings.timezone), NOTICE_HOUR, now)
    await schedule(uow, TRAINING_NOTICE, due.date().isoformat(), due)


async def send_training_notices(uow: UnitOfWork, now: datetime, *, settings: Settings, i18n: I18n) -> int:
    """Queue a notice for each (member, module version) that became due since the member was trained; returns
    how many were queued (a notice sent before is not sent again)."""
    catalog = current_catalog()
    today = training_day(now)
    members = [
        member
        for member in await uow.staff.list()
        if (role := parse_role(member.role)) is not None and needs_training(role)
    ]
    records = await TrainingRepository.of(uow).records([member.account_id for member in members])
    notifier = Notifier(uow, i18n, settings)
    sent = 0
    for member in members:
        for found in standings(catalog, records.get(member.account_id, EMPTY), today):
            if found.status not in (Status.DUE, Status.OVERDUE):
                continue  # passed, or a new member (told when joining)

            def build(found: Standing = found) -> OutboundMessage:
                return version_notice(found)

            key = f"training:{member.account_id}:{found.module.code}:{found.module.version}"
            if await notifier.queue_for(member.account_id, build, dedupe_key=key) is not None:
                sent += 1
    return sent


def register_training_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    async def notice(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        del ref_id  # the day is the job's own: what is due is read from the clock
        await arm_training_notice(uow, settings, clock.now())  # the day's run arms the next day
        await send_training_notices(uow, clock.now(), settings=settings, i18n=i18n)

    registry.register(TRAINING_NOTICE, notice)
