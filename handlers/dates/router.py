"""Dates in the chat: propose (calendar, times, venue), answer (pick a slot, propose other times, decline),
/dates (reschedule, cancel), the calendar file, "running late", and feedback. Thin: `DateKeeper` and
`DatePlanner` decide, `handlers.views.dates` renders.

The handlers live in `proposing`, `answering`, `listing` and `feedback` (sub-routers, tried in that order);
their states and the draft's filter in `flow`, what they share when answering in `replies`.
"""

from __future__ import annotations

from aiogram import Router

from handlers.dates import answering, feedback, listing, proposing


def create_router() -> Router:
    router = Router(name="dates")
    router.include_routers(
        proposing.create_router(), answering.create_router(), listing.create_router(), feedback.create_router()
    )
    return router
