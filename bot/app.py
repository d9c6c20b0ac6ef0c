"""The composition root: `create_dispatcher` builds the whole bot without starting it.

Tests, the web chat and production all run this same wiring.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot import middlewares
from bot.filters_inline import run_filters_inline
from bot.i18n import create_i18n
from bot.observability.metrics import BotMetrics
from bot.router_guards import install_router_guards
from bot.user_locks import UserLocks
from domain.clock import Clock, SystemClock
from domain.flood import FloodGuard
from handlers.routers import create_routers
from handlers.services.settings import Settings
from storage.database import Database
from storage.matching_source import MatchPool


def create_dispatcher(
    settings: Settings,
    *,
    database: Database,
    clock: Clock | None = None,
    i18n: I18n | None = None,
    metrics: BotMetrics | None = None,
) -> Dispatcher:
    clock = clock or SystemClock()
    i18n = i18n or create_i18n(settings.default_locale)
    dp = Dispatcher(
        storage=database.fsm_storage(),
        disable_fsm=True,  # its FSM middleware runs inside the unit of work instead: see bot.middlewares
        # one asyncio lock per FSM key (bot, chat, user), held for the whole update: a user's updates in this
        # process run one at a time; bot.middlewares.database adds the lock other instances respect
        events_isolation=UserLocks(),
        settings=settings,
        database=database,
        clock=clock,
        i18n=i18n,
        match_pool=MatchPool(timezone=ZoneInfo(settings.timezone)),
    )
    middlewares.install(
        dp,
        database=database,
        i18n=i18n,
        clock=clock,
        flood_guard=FloodGuard(settings.throttle_rate, settings.throttle_burst),
        admin_ids=frozenset(settings.admin_ids),
        metrics=metrics,
    )
    if metrics is not None:
        dp["metrics"] = metrics  # the runner reports the Telegram Bot's calls and the scheduler's jobs to it
    dp.include_routers(*create_routers())
    install_router_guards(dp)  # reads the handlers' own filters, so before they are wrapped
    run_filters_inline(dp)
    return dp
