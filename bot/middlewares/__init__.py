"""Middlewares in the order they run for each update; `install` wires them onto a Dispatcher."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.middlewares.conversation_state import ConversationStateMiddleware, EventIsolationMiddleware
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.flood import FloodMiddleware
from bot.middlewares.handler_context import HandlerContextMiddleware
from bot.middlewares.locale import LocaleMiddleware
from bot.middlewares.principal import PrincipalMiddleware
from bot.middlewares.trace import HandlerNameMiddleware, UpdateLogMiddleware
from bot.observability.metrics import BotMetrics
from bot.observability.middleware import UpdateMetricsMiddleware
from bot.replies import RepliesAfterCommit, RepliesToOutbox
from domain.clock import Clock
from domain.flood import FloodGuard
from storage.database import Database


def install(
    dp: Dispatcher,
    *,
    database: Database,
    i18n: I18n,
    clock: Clock,
    flood_guard: FloodGuard,
    admin_ids: frozenset[int],
    metrics: BotMetrics | None = None,
) -> None:
    """Outer middlewares run before filters: log, dedupe, events isolation, replies after commit, DB session,
    replies to the outbox, identity, conversation state, locale, flood control, and what handlers take
    (`services`, `conversation`).

    The Bot's calls made during the update are kept and sent once the unit of work committed (bot/replies.py):
    `RepliesAfterCommit` wraps the unit of work (inside the per-user lock, so one person's replies go out in
    order), `RepliesToOutbox` runs inside it and writes the sends to the outbox just before the commit.
    aiogram's own error middleware comes first and wraps everything, so a failing handler's unit of work is
    rolled back and its kept calls dropped before the error handler runs (which then sends directly).
    aiogram's FSM middleware is replaced by the two halves in
    `conversation_state` (the Dispatcher is built with `disable_fsm=True`), so the state is read in the
    update's transaction. With `metrics`, `UpdateMetricsMiddleware` comes first of ours and counts and times
    each update, replies included.
    """
    if metrics is not None:
        dp.update.outer_middleware(UpdateMetricsMiddleware(metrics))
    dp.update.outer_middleware(UpdateLogMiddleware(clock))
    dp.update.outer_middleware(EventIsolationMiddleware(dp.fsm))
    dp.update.outer_middleware(RepliesAfterCommit(database))
    dp.update.outer_middleware(DatabaseMiddleware(database))
    dp.update.outer_middleware(RepliesToOutbox())
    dp.update.outer_middleware(PrincipalMiddleware(admin_ids, i18n.default_locale))
    dp.update.outer_middleware(ConversationStateMiddleware())
    dp.update.outer_middleware(LocaleMiddleware(i18n, i18n_key=None))
    dp.update.outer_middleware(FloodMiddleware(flood_guard, clock))
    dp.update.outer_middleware(HandlerContextMiddleware())
    for observer_name, observer in dp.observers.items():
        if observer_name not in ("update", "error"):
            observer.middleware(HandlerNameMiddleware())
