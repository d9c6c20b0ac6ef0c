"""Events conversations: clients and an organiser made in the database, and the form an organiser sends."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from handlers.services.events_jobs import register_event_jobs
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.models.events import EventRow, EventSignupRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced
from tests.personnel.training_support import pass_training

FORM = """title_en: Wine salon
title_zh: 品酒交友沙龙
about_en: An evening of wine.
about_zh: 一起品酒。
venue: 310000.huxinting
starts: 2026-01-20 19:00
capacity: 1/1
ages: 25-35
tiers: basic, premium
deadline: 2026-01-19 12:00
"""


async def make_client(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    database: Database,
    user_id: int,
    *,
    gender: str = "male",
    birth_year: int = 1996,
    region: str | None = "310100",
    tier: str = "basic",
    locale: str = "en",
    name: str = "Li Wei",
    channel: str = "telegram",
) -> tuple[PacedClient, UUID]:
    """A registered, active client of Shanghai (made in the database) and the person behind them."""
    clock = session.clock
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(channel, str(user_id), locale=locale, now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
        await uow.profiles.update(
            account.id,
            now=clock.now(),
            display_name=name,
            gender=gender,
            birth_year=birth_year,
            region_code=region,
            tier=tier,
        )
    return paced(dp, bot, session, error_log, user_id=user_id, language_code=locale, channel=channel), account.id


async def make_organiser(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    database: Database,
    user_id: int,
    *,
    role: str = "counselor",
    locale: str = "en",
) -> PacedClient:
    clock = session.clock
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", str(user_id), locale=locale, now=clock.now())
        await uow.staff.add(account.id, role=role, display_name="Hong", now=clock.now())
        await pass_training(uow, account.id, clock)
    return paced(dp, bot, session, error_log, user_id=user_id, language_code=locale)


async def publish(organiser: PacedClient, form: str = FORM) -> None:
    await organiser.send("/newevent")
    await organiser.send(form)


async def events(database: Database) -> list[EventRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(EventRow))).all())


async def signups(database: Database) -> dict[UUID, EventSignupRow]:
    async with database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(EventSignupRow))).all()
        return {row.client_id: row for row in rows}


def job_runner(dp: Dispatcher, database: Database, clock: FakeClock) -> DueJobRunner:
    registry = JobRegistry()
    register_event_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    return DueJobRunner(database, registry, clock)
