"""Dates in conversations: two registered clients with a connected introduction, the job runner, the calendar
files the bot sent, and the counselors' alerts."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot, Dispatcher
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from icalendar import Calendar
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import Clock, FakeClock
from domain.delivery import OutboundMessage
from handlers.services.dates.jobs import register_date_jobs
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from storage.repositories.dates import DateRecord
from storage.repositories.delivery import OUTBOX, ScheduledJobsRepository
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced, register
from tests.matching.chat import account_of

LI, WANG = 7_001, 7_002
ADD_TIME = {"en": "➕ Add another time", "zh": "➕ 再加一个时间"}


async def connected_pair(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, database: Database
) -> tuple[PacedClient, PacedClient, UUID, UUID, UUID]:
    """Li (English, Shanghai) and Wang (Chinese, Hangzhou), introduced and connected: (li, wang, li's
    account, wang's account, the introduction)."""
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    wang = paced(dp, bot, session, error_log, user_id=WANG, language_code="zh")
    await register(li, "en")
    await register(wang, "zh")
    li_id, wang_id = await account_of(database, li), await account_of(database, wang)
    return li, wang, li_id, wang_id, await connect(database, session.clock, li_id, wang_id)


async def connect(database: Database, clock: Clock, one: UUID, other: UUID) -> UUID:
    """A connected introduction of the two (both agreed to share contacts)."""
    async with database.unit_of_work() as uow:
        introduction = await uow.introductions.create(one, other, now=clock.now())
        introduction = await uow.introductions.agree_to_share(introduction, one, clock.now())
        introduction = await uow.introductions.agree_to_share(introduction, other, clock.now())
        assert introduction.state == "connected"
        return introduction.id


async def pick(client: BotClient, *slots: tuple[str, str]) -> None:
    """In the open calendar: pick each (day, time), adding another time in between."""
    for index, (day, time) in enumerate(slots):
        if index:
            await client.click(ADD_TIME[client.user.language_code or "en"])
        await client.click(day)
        await client.click(time)


async def job_states(database: Database, date_id: UUID) -> dict[tuple[str, str], str]:
    """(kind, ref_id) -> state of every scheduled job of this date."""
    async with database.unit_of_work(read_only=True) as uow:
        jobs = await ScheduledJobsRepository(uow.session).jobs(limit=1000)
    return {(j.kind, j.ref_id): j.state for j in jobs if j.ref_id.startswith(date_id.hex)}


async def only_date(database: Database, account_id: UUID) -> DateRecord:
    async with database.unit_of_work(read_only=True) as uow:
        (record,) = await uow.dates.list_for(account_id)
        return record


def runner_for(dp: Dispatcher, database: Database, clock: FakeClock) -> DueJobRunner:
    registry = JobRegistry()
    register_date_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    return DueJobRunner(database, registry, clock)


def calendar_files(session: RecordingSession, chat_id: int) -> list[Calendar]:
    """Every .ics the bot sent to this chat, parsed back."""
    found = []
    for request in session.requests:
        if isinstance(request, SendDocument) and request.chat_id == chat_id:
            document = request.document
            assert isinstance(document, BufferedInputFile) and document.filename == "date.ics"
            found.append(Calendar.from_ical(document.data))
    return found


async def counselor_alerts(database: Database) -> list[OutboundMessage]:
    """The date alerts queued for the counselors' chat (no account: sealed with the system key)."""
    async with database.unit_of_work(read_only=True) as uow:
        rows = (
            await uow.session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.account_id.is_(None)).order_by(OutboxMessageRow.id)
            )
        ).all()
        crypto, key = uow.context.crypto, uow.context.system_key
        queued = [OutboundMessage.from_json(OUTBOX.decode(crypto, key, row).content) for row in rows]
        return [message for message in queued if message.text.startswith("⚠️")]
