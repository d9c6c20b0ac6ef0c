"""What the casework handlers share: the conversation states of a note and a pick with their typed draft, the
permission filters of a button, and checking that a button's client is within the presser's reach."""

from __future__ import annotations

from uuid import UUID

from aiogram import F
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from pydantic import BaseModel, ValidationError

from handlers.answers import show_in_place
from handlers.services.casework.casework import Casework, InReach
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework.buttons import CASE_PERMISSIONS, CaseAction, CaseButton


class CaseNote(StatesGroup):
    text = State()  # a counselor is writing a note about the draft's client


class Curation(StatesGroup):
    candidate = State()  # choosing whom to propose to the draft's client
    note = State()  # writing the personal note for the draft's candidate


class CaseDraft(BaseModel):
    """The conversation data while a note or a pick is written (JSON): whose case it is about and, for a pick,
    the candidate. Other keys of the data are ignored."""

    case_client: UUID
    case_candidate: UUID | None = None

    async def keep(self, state: FSMContext, step: State, *, alone: bool = True) -> None:
        """Go to `step` with this draft (`alone`: in place of any other data of the conversation)."""
        await state.set_state(step)
        data = self.model_dump(mode="json", exclude_none=True)
        if alone:
            await state.set_data(data)
        else:
            await state.update_data(data)

    @classmethod
    async def of(cls, state: FSMContext) -> CaseDraft | None:
        try:
            return cls.model_validate(await state.get_data())
        except ValidationError:
            return None


async def drafted_client(state: FSMContext) -> UUID | None:
    draft = await CaseDraft.of(state)
    return None if draft is None else draft.case_client


def allowed_button(action: CaseAction) -> tuple[CallbackQueryFilter, Allowed]:
    return CaseButton.filter(F.action == action), Allowed(CASE_PERMISSIONS[action])


async def reach(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID | None) -> InReach | None:
    """The button's client, if the presser may act on them; else the refusal is shown (and None returned)."""
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await callback.answer(found, show_alert=True)
        return None
    return found


async def after_change(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID, toast: str) -> None:
    found = await work.reach(actor, client_id)
    await callback.answer(toast)
    if not isinstance(found, str):
        await show_in_place(callback, *await work.card(actor, found))
