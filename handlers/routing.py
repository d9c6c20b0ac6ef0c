"""Fresh routers for every Dispatcher.

Each handlers module declares one module-level `router` with decorators (aiogram's usual style), but an
aiogram Router can belong to one parent only, and the app builds a new Dispatcher per test, per restart and
per web chat instance. So the module routers are templates: `fresh_router` copies one (handlers, filters,
middlewares and sub-routers) into a new Router that the new Dispatcher can own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.types import TelegramObject


def fresh_router(template: Router) -> Router:
    copy = Router(name=template.name)
    for event_name, observer in template.observers.items():
        target = copy.observers[event_name]
        target.handlers.extend(observer.handlers)
        # Router-level filters (`router.message.filter(...)`) live on the observer's root handler.
        root_filters = observer._handler.filters
        if root_filters:
            target._handler.filters = list(root_filters)
        for middleware in observer.middleware:
            target.middleware.register(middleware)
        for middleware in observer.outer_middleware:
            target.outer_middleware.register(middleware)
    copy.startup.handlers.extend(template.startup.handlers)
    copy.shutdown.handlers.extend(template.shutdown.handlers)
    for sub_router in template.sub_routers:
        copy.include_router(fresh_router(sub_router))
    return copy


class _Provide(BaseMiddleware):
    def __init__(self, name: str, build: Callable[[dict[str, Any]], object]) -> None:
        self._name = name
        self._build = build

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data[self._name] = self._build(data)
        return await handler(event, data)


def provide(router: Router, name: str, build: Callable[[dict[str, Any]], object]) -> None:
    """Hand the message and callback handlers of `router` a per-update object as `name`, made by `build(data)`
    (for instance a feature's service over the update's unit of work). An inner middleware: it runs only for
    the handler that takes the update."""
    middleware = _Provide(name, build)
    router.message.middleware(middleware)
    router.callback_query.middleware(middleware)
