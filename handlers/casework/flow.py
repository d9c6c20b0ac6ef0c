"""What the casework handlers share: the conversation states of a note and a pick, the permission filter of a
button, the `Casework` service of an update, showing a view in place, and checking that a button's client is
within the presser's reach."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from handlers.answers import show_in_place
from handlers.services.casework.casework import Casework, InReach
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework.buttons import CASE_PERMISSIONS, CaseAction, CaseButton

CLIENT_KEY = "case_client"
CANDIDATE_KEY = "case_candidate"


class CaseNote(StatesGroup):
    text = State()  # a counselor is writing a note about `case_client`


class Curation(StatesGroup):
    candidate = State()  # choosing whom to propose to `case_client`
    note = State()  # writing the personal note for the pick `case_candidate`


def allowed_button(action: CaseAction) -> tuple[CallbackQueryFilter, Allowed]:
    return CaseButton.filter(F.action == action), Allowed(CASE_PERMISSIONS[action])


def casework_of(data: dict[str, Any]) -> Casework:
    return Casework(
        uow=data["uow"],
        settings=data["settings"],
        clock=data["clock"],
        i18n=data["i18n"],
        principal=data.get("principal"),
    )


async def reach(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID | None) -> InReach | None:
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await callback.answer(found, show_alert=True)
        return None
    return found


async def client_from_state(state: FSMContext) -> UUID | None:
    value = (await state.get_data()).get(CLIENT_KEY)
    try:
        return UUID(hex=value) if isinstance(value, str) else None
    except ValueError:
        return None


async def after_change(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID, toast: str) -> None:
    found = await work.reach(actor, client_id)
    await callback.answer(toast)
    if not isinstance(found, str):
        await show_in_place(callback, *await work.card(actor, found))


def problem_text_inactive() -> str:
    return _("This client is not active (paused or gone), so they get no suggestions.")
