"""Registering the membership timers (see `timers`): the reminder before expiry and the expiry itself.

register_membership_jobs(background.registry, settings=..., i18n=...)   # before the start
"""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from handlers.services.job_registry import JobRegistry
from handlers.services.membership.desk import MembershipDesk
from handlers.services.membership.timers import EXPIRY, REMINDER, parse_ref
from handlers.services.settings import Settings
from handlers.views import membership as views
from storage.unit_of_work import UnitOfWork


def register_membership_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    def desk(uow: UnitOfWork, clock: Clock) -> MembershipDesk:
        return MembershipDesk(uow=uow, settings=settings, clock=clock, i18n=i18n)

    async def reminder(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        parsed = parse_ref(ref_id)
        if parsed is None:
            return
        client_id, expires_at, days = parsed
        if days is None:
            return
        service = desk(uow, clock)
        membership = await service.membership_for_job(client_id, expires_at)
        if membership is None:
            return
        tier = service.schedule.tier(membership.tier)
        await service.notifier.to_client(
            client_id,
            lambda: views.renewal_reminder(tier, expires_at, days, settings.timezone),
            dedupe_key=f"membership-reminder:{ref_id}",
        )

    async def expiry(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        parsed = parse_ref(ref_id)
        if parsed is None:
            return
        client_id, expires_at, _days = parsed
        service = desk(uow, clock)
        membership = await service.membership_for_job(client_id, expires_at)
        if membership is None or not await service.expire(client_id, expires_at):
            return
        old, free = service.schedule.tier(membership.tier), service.schedule.free
        await service.notifier.to_client(
            client_id, lambda: views.membership_ended(old, free), dedupe_key=f"membership-expired:{ref_id}"
        )

    registry.register(REMINDER, reminder)
    registry.register(EXPIRY, expiry)
