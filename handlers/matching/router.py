"""/matches: the day's suggestions one card at a time, Interested / Pass / Report, and the introduction's
contact sharing. Thin: `services.matchmaker` (`Matchmaker`) decides, `handlers.views.matching` renders.

The handlers live in `suggestions`, `reports` and `introductions` (sub-routers, tried in that order); what
they share in `flow`.
"""

from __future__ import annotations

from aiogram import Router

from handlers.matching import introductions, reports, suggestions


def create_router() -> Router:
    router = Router(name="matching")
    router.include_routers(suggestions.create_router(), reports.create_router(), introductions.create_router())
    return router
