"""The composition root: `create_dispatcher` builds the whole bot without starting it.

Tests, the web chat and production all run this same wiring.
"""

from __future__ import annotations

import copy
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.utils.i18n import I18n

from bot import middlewares
from bot.i18n import create_i18n
from bot.router_guards import install_router_guards
from domain.clock import Clock, SystemClock
from domain.flood import FloodGuard
from handlers import get_routers
from handlers.services.settings import Settings
from storage.database import Database
from storage.matching_source import MatchPool


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
        disable_fsm=True,  # its FSM middleware runs inside the unit of work instead: see bot.middlewares
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
    )
    dp.include_routers(*get_routers())
    install_router_guards(dp)
    run_sync_filters_inline(dp)
    return dp


class InlineFilterObject(FilterObject):
    """A synchronous filter, called on the event loop.

    aiogram runs a synchronous callable in a worker thread (`asyncio.to_thread`). That is meant for slow
    handlers; for a filter such as a `State` or an `F.text` check, which takes microseconds, the trip to the
    thread pool and back cost more than anything else in routing an update (it is paid for every handler
    whose filters are checked).
    """

    async def call(self, *args: Any, **kwargs: Any) -> Any:
        return self.callback(*args, **self._prepare_kwargs(kwargs))


def run_sync_filters_inline(router: Router) -> None:
    """Make the synchronous filters of this router and its sub-routers run inline.

    Handler objects are replaced by copies, never changed: `handlers.routing.fresh_router` shares them with the
    module templates other Dispatchers are built from. Each observer's root handler belongs to its router.
    """
    for observer in router.observers.values():
        root = observer._handler
        root.filters = _inline_filters(root.filters)
        observer.handlers[:] = [_with_inline_filters(handler) for handler in observer.handlers]
    for sub_router in router.sub_routers:
        run_sync_filters_inline(sub_router)


def _with_inline_filters(handler: HandlerObject) -> HandlerObject:
    if not handler.filters or all(f.awaitable or isinstance(f, InlineFilterObject) for f in handler.filters):
        return handler
    inline = copy.copy(handler)
    inline.filters = _inline_filters(handler.filters)
    return inline


def _inline_filters(filters: list[FilterObject] | None) -> list[FilterObject] | None:
    if not filters:
        return filters
    return [
        f if f.awaitable or isinstance(f, InlineFilterObject) else InlineFilterObject(f.callback, magic=f.magic)
        for f in filters
    ]
