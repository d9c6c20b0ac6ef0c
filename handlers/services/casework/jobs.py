"""The daily follow-up digest: at `FOLLOW_UP_DIGEST_HOUR` (agency time zone) each counselor hears whose
follow-up is due today or overdue, with a button per client.

    await start_casework_jobs(background.registry, database, settings=..., clock=..., i18n=...)

Each day has its own job (`ref_id` "YYYY-MM-DD"); the day's run arms the next day, and each counselor's
message has a per-day dedupe key, so a retried run sends nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.casework import DueFollowUp, digest_groups
from domain.clock import Clock
from domain.delivery import InlineButton, OutboundMessage
from domain.scheduling import next_daily_at
from handlers.services.job_registry import JobRegistry
from handlers.services.notifier import Notifier
from handlers.services.settings import Settings
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton, short
from storage.database import Database
from storage.records import ClientProfile
from storage.repositories.delivery import schedule
from storage.unit_of_work import UnitOfWork

FOLLOW_UP_DIGEST = "casework.follow_up_digest"
MAX_LINES = 40
MAX_BUTTONS = 10


def next_digest_at(settings: Settings, now: datetime) -> datetime:
    """The next moment the digest is due (strictly after `now`)."""
    return next_daily_at(ZoneInfo(settings.timezone), settings.follow_up_digest_hour, now)


async def arm_follow_up_digest(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    due = next_digest_at(settings, now)
    await schedule(uow, FOLLOW_UP_DIGEST, due.date().isoformat(), due)


def digest_message(items: list[tuple[DueFollowUp, ClientProfile | None]], today: date) -> OutboundMessage:
    lines = [_("⏰ <b>Follow-ups due</b> ({count})").format(count=len(items))]
    buttons: list[tuple[InlineButton, ...]] = []
    for item, profile in items[:MAX_LINES]:
        client_id = item.client_id
        assert isinstance(client_id, UUID)
        lines.append(views.list_line(client_id, profile, item.due, today))
        if len(buttons) < MAX_BUTTONS:
            buttons.append(
                (
                    InlineButton(
                        text=f"{views.button_name(profile)} · {short(client_id)}",
                        callback_data=CaseButton(action=CaseAction.OPEN, client=client_id).pack(),
                    ),
                )
            )
    if len(items) > MAX_LINES:
        lines.append(_("…and {count} more.").format(count=len(items) - MAX_LINES))
    lines.append(_("Send /clients for all of your clients."))
    return OutboundMessage(text="\n".join(lines), keyboard=tuple(buttons))


async def send_digest(uow: UnitOfWork, day: date, *, settings: Settings, i18n: I18n) -> int:
    """Queue each active counselor's digest for `day`; returns how many were queued."""
    groups = digest_groups(await uow.assignments.due_follow_ups(day), day)
    notifier = Notifier(uow, i18n, settings)
    sent = 0
    for counselor, items in groups.items():
        member = await uow.staff.get(counselor)
        if member is None or not member.active:
            continue
        rows = []
        for item in items:
            assert isinstance(item.client_id, UUID)
            rows.append((item, await uow.profiles.get(item.client_id)))

        def build(rows: list[tuple[DueFollowUp, ClientProfile | None]] = rows) -> OutboundMessage:
            return digest_message(rows, day)

        if await notifier.to_client(counselor, build, dedupe_key=f"digest:{day.isoformat()}:{counselor}"):
            sent += 1
    return sent


def register_casework_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    async def digest(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await arm_follow_up_digest(uow, settings, clock.now())  # the day's run arms the next day
        await send_digest(uow, date.fromisoformat(ref_id), settings=settings, i18n=i18n)

    registry.register(FOLLOW_UP_DIGEST, digest)


async def start_casework_jobs(
    registry: JobRegistry, database: Database, *, settings: Settings, clock: Clock, i18n: I18n
) -> None:
    """Register the jobs and make sure the next digest is scheduled (idempotent)."""
    register_casework_jobs(registry, settings=settings, i18n=i18n)
    async with database.unit_of_work() as uow:
        await arm_follow_up_digest(uow, settings, clock.now())
