"""The embedded web chat demo on start-up: synthetic clients once, on an empty database, so a newcomer sees real
suggestions (never on Telegram, never twice, never when anyone is registered already); and, while the agency
has no staff at all, a one-time owner invitation to type in the web chat, so the staff side can be tried too."""

from __future__ import annotations

import logging
import time

from domain.clock import Clock
from domain.demo import demo_people
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_pool import has_clients, seed_demo_in_batches

log = logging.getLogger("yuelao")


def demo_allowed(settings: Settings) -> bool:
    """The web chat demo only: no Telegram token, no webhook, and a pool size above 0."""
    return settings.demo_pool_size > 0 and settings.bot_token is None and not settings.webhook_url


async def seed_demo_once(settings: Settings, database: Database, clock: Clock) -> int:
    """Seed `settings.demo_pool_size` demo clients when allowed and no client or demo client exists yet;
    returns how many were created (0 when nothing was done)."""
    if not demo_allowed(settings):
        return 0
    async with database.unit_of_work() as uow:
        if await has_clients(uow):
            return 0
    now = clock.now()
    people = demo_people(settings.demo_pool_size, today=now.date(), currency=settings.currency)
    started = time.perf_counter()
    created = await seed_demo_in_batches(database, people, now)
    log.info(
        "seeded %d demo clients for the web chat demo in %.1f s (DEMO_POOL_SIZE=0 disables this)",
        created,
        time.perf_counter() - started,
    )
    return created


async def owner_invite_for_webchat(settings: Settings, database: Database, clock: Clock) -> str | None:
    """In the web chat (no Telegram), while nobody is on the staff: a one-time owner invitation, as the
    `/start` payload to type; None otherwise. (On Telegram, owners come from ADMIN_IDS or `admin add`.)"""
    if settings.bot_token is not None or settings.webhook_url:
        return None
    async with database.unit_of_work() as uow:
        if await uow.staff.list(active_only=False):
            return None
        payload = await uow.invites.issue("owner", created_by=None, now=clock.now(), hours=settings.staff_invite_hours)
        await uow.audit.record(action="staff.invited", now=clock.now())
    return payload
