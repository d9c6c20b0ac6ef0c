"""The scheduled jobs of dates: reminders before a date, the feedback question after it, the one nudge, and
a demo client's answer to a proposal.

    register_date_jobs(background.registry, settings=..., i18n=...)   # before the start

Reference ids are opaque: `<date id hex>:<hours>h` for a reminder, `<date id hex>` for feedback and the
nudge, `<date id hex>:<round>` for a demo's answer. No handler schedules its own (kind, ref_id) again.
"""

from __future__ import annotations

from uuid import UUID

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.dates import DEMO_ACCEPT, FEEDBACK, NUDGE, REMINDER, parse_reminder_ref
from handlers.services.dates.keeper import DateKeeper
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from storage.unit_of_work import UnitOfWork


def _date_id(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def register_date_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    def keeper(uow: UnitOfWork, clock: Clock) -> DateKeeper:
        return DateKeeper(uow=uow, settings=settings, clock=clock, i18n=i18n)

    async def reminder(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        parsed = parse_reminder_ref(ref_id)
        date_id = None if parsed is None else _date_id(parsed[0])
        if parsed is not None and date_id is not None:
            await keeper(uow, clock).remind(date_id, parsed[1])

    async def feedback(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        date_id = _date_id(ref_id)
        if date_id is not None:
            await keeper(uow, clock).feedback.ask_feedback(date_id)

    async def nudge(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        date_id = _date_id(ref_id)
        if date_id is not None:
            await keeper(uow, clock).feedback.nudge(date_id)

    async def demo_accept(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        date_hex, _sep, round_ = ref_id.partition(":")
        date_id = _date_id(date_hex)
        if date_id is not None and round_.isdigit():
            await keeper(uow, clock).demo_accept(date_id, int(round_))

    registry.register(REMINDER, reminder)
    registry.register(FEEDBACK, feedback)
    registry.register(NUDGE, nudge)
    registry.register(DEMO_ACCEPT, demo_accept)
