"""What each staff command and button needs (None: any active staff member). The permission matrix test
reads these tables; the handlers' `Allowed` filters and the refusals use the same ones."""

from __future__ import annotations

from aiogram import F
from aiogram.filters.callback_data import CallbackQueryFilter

from domain.staff import Permission
from handlers.staff_access import Allowed
from handlers.views.staff import StaffAction, StaffButton

COMMAND_PERMISSIONS: dict[str, Permission | None] = {
    "staff": Permission.VIEW_STAFF,
    "invite": Permission.INVITE_STAFF,
    "standard": None,
    "myname": None,
}
ACTION_PERMISSIONS: dict[StaffAction, Permission] = {
    StaffAction.LIST: Permission.VIEW_STAFF,
    StaffAction.OPEN: Permission.VIEW_STAFF,
    StaffAction.ROLE: Permission.CHANGE_ROLES,
    StaffAction.DEACTIVATE: Permission.DEACTIVATE_STAFF,
    StaffAction.REACTIVATE: Permission.DEACTIVATE_STAFF,
}
NAME_PERMISSION: Permission | None = None  # the name clients see: every staff member chooses their own


def action_filters(action: StaffAction) -> tuple[CallbackQueryFilter, Allowed]:
    """The filters of the handler of one `StaffButton` action: the action, and who may press it."""
    return StaffButton.filter(F.action == action), Allowed(ACTION_PERMISSIONS[action])
