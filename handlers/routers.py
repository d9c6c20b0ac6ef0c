"""The bot's routers in the order they are tried; the catch-alls come last.

Commands come before the journey's state handlers, so /profile, /mydata or /delete work in the middle of a
question; the journey's state handlers come before the global fallback, so every state has its own.

Each handlers module builds its router in `create_router()`: every Dispatcher (a restart, a test, the web chat)
gets routers of its own, since an aiogram Router belongs to one parent only.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router

from handlers import (
    commissions,
    consent_gate,
    errors,
    fallback,
    finance,
    intake,
    kpis,
    language,
    mydata,
    operations,
    pilots,
    profile,
    quality,
    quality_penalties,
    ranking,
    reports,
    review,
    service,
    start,
    teams,
    training,
)
from handlers.casework import router as casework
from handlers.dates import router as dates
from handlers.events import answers as event_answers
from handlers.events import router as events
from handlers.handoff import router as handoff
from handlers.hiring import answers as hiring_answers
from handlers.hiring import router as hiring
from handlers.matching import router as matching
from handlers.membership import answers as membership_answers
from handlers.membership import pricing_question
from handlers.membership import router as membership
from handlers.staff import router as staff

# In the order they are tried.
FACTORIES: tuple[Callable[[], Router], ...] = (
    errors.create_router,
    service.create_router,
    consent_gate.create_router,  # a client on an earlier privacy notice: the new one first, before any feature
    membership.create_router,  # a payment is credited whatever else the client is doing
    staff.create_router,
    hiring.create_router,  # before start: a job link (/start apply-...) never begins the client intake
    training.create_router,
    operations.create_router,
    quality.create_router,
    quality_penalties.create_router,
    kpis.create_router,
    finance.create_router,
    commissions.create_router,
    teams.create_router,
    pilots.create_router,
    reports.create_router,
    casework.create_router,
    handoff.create_router,
    start.create_router,
    language.create_router,
    ranking.create_router,
    matching.create_router,
    dates.create_router,
    events.create_router,
    profile.create_router,
    mydata.create_router,
    review.create_router,
    intake.create_router,
    membership_answers.create_router,
    event_answers.create_router,
    hiring_answers.create_router,
    finance.create_answers_router,
    commissions.create_answers_router,
    pricing_question.create_router,
    fallback.create_router,
)


def create_routers() -> list[Router]:
    """New routers on each call."""
    return [create() for create in FACTORIES]
