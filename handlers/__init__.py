"""The bot's routers in the order they are tried; the catch-alls come last.

Commands come before the journey's state handlers, so /profile, /mydata or /delete work in the middle of a
question; the journey's state handlers come before the global fallback, so every state has its own.

Each handlers module builds its router in `create_router()`: every Dispatcher (a restart, a test, the web chat)
gets routers of its own, since an aiogram Router belongs to one parent only.
"""

from __future__ import annotations

from types import ModuleType

from aiogram import Router

from handlers import errors, fallback, intake, language, mydata, operations, profile, review, service, staff, start
from handlers.casework import router as casework
from handlers.dates import router as dates
from handlers.handoff import router as handoff
from handlers.matching import router as matching
from handlers.routing import fresh_router

# In the order they are tried.
AREAS: tuple[ModuleType, ...] = (
    errors,
    service,
    staff,
    operations,
    casework,
    handoff,
    start,
    language,
    matching,
    dates,
    profile,
    mydata,
    review,
    intake,
    fallback,
)


def create_routers() -> list[Router]:
    """New routers on each call."""
    routers = []
    for area in AREAS:
        factory = getattr(area, "create_router", None)
        routers.append(factory() if factory is not None else fresh_router(area.router))
    return routers
