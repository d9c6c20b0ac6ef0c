"""The timers of offline events: the reminders a day and two hours before (with the check-in code), the
close after the door shuts (no-shows recorded), and the end of a seat held for payment (freed when unpaid).
Registered in `bot.runner.background_for`; armed when an event is published (`EventDesk.publish`), a hold when
a seat is held (`EventDesk.sign_up`, `EventDesk.promote`)."""

from __future__ import annotations

from uuid import UUID

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.events import CLOSE, HOLD_EXPIRY, REMINDER, parse_hold_ref, parse_reminder_ref
from handlers.services.events import EventDesk
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from storage.unit_of_work import UnitOfWork


def _event_id(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def register_event_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    def desk(uow: UnitOfWork, clock: Clock) -> EventDesk:
        return EventDesk(uow=uow, settings=settings, clock=clock, i18n=i18n)

    async def remind(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        parsed = parse_reminder_ref(ref_id)
        event_id = None if parsed is None else _event_id(parsed[0])
        if parsed is not None and event_id is not None:
            await desk(uow, clock).remind(event_id, parsed[1])

    async def close(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        event_id = _event_id(ref_id)
        if event_id is not None:
            await desk(uow, clock).close(event_id)

    async def hold_expiry(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        parsed = parse_hold_ref(ref_id)
        signup_id = None if parsed is None else _event_id(parsed[0])
        if parsed is not None and signup_id is not None:
            await desk(uow, clock).expire_hold(signup_id, parsed[1])

    registry.register(REMINDER, remind)
    registry.register(HOLD_EXPIRY, hold_expiry)
    registry.register(CLOSE, close)
