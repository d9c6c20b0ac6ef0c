"""The bot's routers in the order they are tried; the catch-alls come last.

Commands come before the journey's state handlers, so /profile, /mydata or /delete work in the middle of a
question; the journey's state handlers come before the global fallback, so every state has its own.
"""

from __future__ import annotations

from aiogram import Router

from handlers import errors, fallback, intake, language, mydata, operations, profile, review, service, staff, start
from handlers.casework import router as casework
from handlers.dates import router as dates
from handlers.handoff import router as handoff
from handlers.matching import router as matching
from handlers.routing import fresh_router


def get_routers() -> list[Router]:
    """New routers on each call: every Dispatcher (a restart, a test, the web chat) owns its own."""
    templates = [
        errors.router,
        service.router,
        staff.router,
        operations.router,
        casework.router,
        handoff.router,
        start.router,
        language.router,
        matching.router,
        dates.router,
        profile.router,
        mydata.router,
        review.router,
        intake.router,
        fallback.router,
    ]
    return [fresh_router(template) for template in templates]
