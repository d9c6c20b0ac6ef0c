"""The bot's routers in the order they are tried; the catch-alls come last.

Commands come before the journey's state handlers, so /profile, /mydata or /delete work in the middle of a
question; the journey's state handlers come before the global fallback, so every state has its own.

Each handlers module builds its router in `create_router()`: every Dispatcher (a restart, a test, the web chat)
gets routers of its own, since an aiogram Router belongs to one parent only.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router

from handlers import errors, fallback, intake, language, mydata, operations, profile, review, service, start
from handlers.casework import router as casework
from handlers.dates import router as dates
from handlers.handoff import router as handoff
from handlers.matching import router as matching
from handlers.staff import router as staff

# In the order they are tried.
FACTORIES: tuple[Callable[[], Router], ...] = (
    errors.create_router,
    service.create_router,
    staff.create_router,
    operations.create_router,
    casework.create_router,
    handoff.create_router,
    start.create_router,
    language.create_router,
    matching.create_router,
    dates.create_router,
    profile.create_router,
    mydata.create_router,
    review.create_router,
    intake.create_router,
    fallback.create_router,
)


def create_routers() -> list[Router]:
    """New routers on each call."""
    return [create() for create in FACTORIES]
