"""Dates in the chat: propose (calendar, times, venue), answer (pick a slot, propose other times, decline),
/dates (reschedule, cancel), the calendar file, "running late", and feedback. Thin: `DateKeeper` decides,
`messages` and `picker` render.

The handlers live in `proposing`, `answering`, `listing` and `feedback` (sub-routers, tried in that order);
their shared states, draft and helpers in `flow`.
"""

from __future__ import annotations

from aiogram import Router

from handlers.dates import answering, feedback, listing, proposing
from handlers.dates.flow import DateFlow
from handlers.routing import provide
from handlers.services.dates.keeper import DateKeeper

router = Router(name="dates")
for part in (proposing.router, answering.router, listing.router, feedback.router):
    provide(
        part,
        "keeper",
        lambda data: DateKeeper(uow=data["uow"], settings=data["settings"], clock=data["clock"], i18n=data["i18n"]),
    )
    router.include_router(part)

__all__ = ["DateFlow", "router"]
