"""The composition root: `create_dispatcher` builds the whole bot without starting it.

Tests, the web chat and production all run this same wiring.
"""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from storage.database import Database

from bot import middlewares
from bot.i18n import create_i18n
from bot.settings import Settings
from domain.clock import Clock, SystemClock
from domain.flood import FloodGuard
from handlers import get_routers


def create_dispatcher(
    settings: Settings,
    *,
    database: Database,
    clock: Clock | None = None,
    i18n: I18n | None = None,
) -> Dispatcher:
    clock = clock or SystemClock()
    i18n = i18n or create_i18n(settings.default_locale)
    dp = Dispatcher(
        storage=database.fsm_storage(),
        settings=settings,
        database=database,
        clock=clock,
        i18n=i18n,
    )
    middlewares.install(
        dp,
        database=database,
        i18n=i18n,
        clock=clock,
        flood_guard=FloodGuard(settings.throttle_rate, settings.throttle_burst),
        admin_ids=frozenset(settings.admin_ids),
    )
    dp.include_routers(*get_routers())
    return dp
