"""Whatever the staff office's `Allowed` filters turned away, answered with what is missing (tried last)."""

from __future__ import annotations

from aiogram import Router

from handlers.staff.permissions import ACTION_PERMISSIONS, COMMAND_PERMISSIONS, NAME_PERMISSION
from handlers.staff_access import refuse_the_rest
from handlers.views.staff import StaffButton, StaffNameButton


def create_router() -> Router:
    router = Router(name="staff.refusals")
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[
            (StaffButton, lambda data: ACTION_PERMISSIONS[data.action]),
            (StaffNameButton, lambda _data: NAME_PERMISSION),
        ],
    )
    return router
