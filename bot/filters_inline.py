"""Synchronous filters checked on the event loop instead of a worker thread.

aiogram awaits a filter that is a `Filter` (or a coroutine function) and runs any other callable (a `State`, an
`F.text` expression) in a worker thread (`asyncio.to_thread`). That suits a slow handler; for a check that takes
microseconds the trip to the thread pool and back costs more than anything else in routing an update, and it is
paid for every handler whose filters are tried. `run_filters_inline` wraps each such filter of a router tree in
`InlineCheck`, a `Filter` that calls it directly. Only aiogram's public API is used: a handler's `filters` list
and `FilterObject`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.types import TelegramObject


class InlineCheck(Filter):
    """A synchronous check, called in place with the keywords it declares."""

    def __init__(self, check: Callable[..., Any]) -> None:
        self.check = check
        parameters = list(inspect.signature(check).parameters.values())[1:]
        self.takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
        self.names = frozenset(p.name for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD)

    async def __call__(self, event: TelegramObject, **data: Any) -> Any:
        if self.takes_all:
            return self.check(event, **data)
        return self.check(event, **{name: data[name] for name in self.names if name in data})


def _inline(filter_object: FilterObject) -> FilterObject:
    if filter_object.awaitable:
        return filter_object
    return FilterObject(InlineCheck(filter_object.callback))


def run_filters_inline(router: Router) -> None:
    """Wrap the synchronous filters of every handler of `router` and its sub-routers in `InlineCheck`."""
    for observer in router.observers.values():
        for handler in observer.handlers:
            if handler.filters:
                handler.filters = [_inline(f) for f in handler.filters]
    for sub_router in router.sub_routers:
        run_filters_inline(sub_router)
