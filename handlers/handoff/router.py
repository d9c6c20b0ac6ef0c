"""Handoff in the chat (see docs/handoff.md): `asking` (/human, the menu button), `claiming` (/queue, Claim),
`talking` (the relay both ways, /end, the rating), tried in that order; shared parts in `relay_state`, the
rules in `handlers.services.handoff.handoffs.Handoffs` (`services.handoffs`)."""

from __future__ import annotations

from aiogram import Router

from handlers.handoff import asking, claiming, talking
from handlers.handoff.relay_state import ACTION_PERMISSIONS, COMMAND_PERMISSIONS, Relay

__all__ = ["ACTION_PERMISSIONS", "COMMAND_PERMISSIONS", "Relay", "create_router"]


def create_router() -> Router:
    router = Router(name="handoff")
    router.include_routers(asking.create_router(), claiming.create_router(), talking.create_router())
    return router
