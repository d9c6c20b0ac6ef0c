"""Matching's scheduled jobs: the daily offer of new suggestions, and the demo clients' answers.

    register_matching_jobs(background.registry, pool=..., settings=..., i18n=...)   # before the start
    await arm_daily_offer(database, settings, clock)                                 # once at start-up

The daily offer runs at `DAILY_SUGGESTIONS_HOUR` in the agency's time zone. Each day has its own job
(`ref_id` "YYYY-MM-DD"); a run handles a batch of clients and, when more are left, schedules the rest right
away (`YYYY-MM-DD:<last id>`), then arms the next day.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.scheduling import next_daily_at
from handlers.services.job_registry import JobRegistry
from handlers.services.matching.learning import learn_from_dates
from handlers.services.matching.matchmaker import DAILY_OFFER, DEMO_ANSWER, Matchmaker
from handlers.services.settings import Settings
from storage.database import Database
from storage.matching_source import MatchPool
from storage.repositories.delivery import schedule
from storage.unit_of_work import UnitOfWork

DAILY_BATCH = 200


def next_offer_at(settings: Settings, now: datetime) -> datetime:
    """The next moment the daily offer is due (strictly after `now`)."""
    return next_daily_at(ZoneInfo(settings.timezone), settings.daily_suggestions_hour, now)


async def arm_daily_offer(database: Database, settings: Settings, clock: Clock) -> None:
    """Make sure the next daily offer is scheduled (idempotent: the job of a day is one row)."""
    async with database.unit_of_work() as uow:
        await _arm_next(uow, settings, clock.now())


async def _arm_next(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    due = next_offer_at(settings, now)
    await schedule(uow, DAILY_OFFER, due.date().isoformat(), due)


def register_matching_jobs(registry: JobRegistry, *, pool: MatchPool, settings: Settings, i18n: I18n) -> None:
    def matchmaker(uow: UnitOfWork, clock: Clock) -> Matchmaker:
        return Matchmaker(uow=uow, pool=pool, settings=settings, clock=clock, i18n=i18n)

    async def daily_offer(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        day, _sep, cursor = ref_id.partition(":")
        after = UUID(hex=cursor) if cursor else None
        if not cursor:  # the day's first run arms the next day and learns from yesterday's dates
            await _arm_next(uow, settings, clock.now())
            await learn_from_dates(uow, clock.now())
        last = await matchmaker(uow, clock).offer_daily(after=after, limit=DAILY_BATCH)
        if last is not None:
            await schedule(uow, DAILY_OFFER, f"{date.fromisoformat(day).isoformat()}:{last.hex}", clock.now())

    async def demo_answer(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        demo, _sep, asker = ref_id.partition(":")
        await matchmaker(uow, clock).demo_answers(UUID(hex=demo), UUID(hex=asker))

    registry.register(DAILY_OFFER, daily_offer)
    registry.register(DEMO_ANSWER, demo_answer)
