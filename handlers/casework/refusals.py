"""Whatever the casework handlers' permission filters turned away, answered politely (tried last)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from domain.identity import Principal
from domain.staff import Permission
from handlers.casework.flow import CaseNote, Curation
from handlers.staff_access import refusal_for, refuse_the_rest
from handlers.views.casework.buttons import (
    AUDIT_PERMISSION,
    CASE_PERMISSIONS,
    COMMAND_PERMISSIONS,
    AuditButton,
    CaseButton,
)
from storage.unit_of_work import UnitOfWork

router = Router(name="casework.refusals")


# --- refusals -------------------------------------------------------------------------------------------------


refuse_the_rest(
    router,
    commands=COMMAND_PERMISSIONS,
    buttons=[
        (CaseButton, lambda data: CASE_PERMISSIONS[data.action]),
        (AuditButton, lambda _data: AUDIT_PERMISSION),
    ],
)


@router.message(CaseNote.text)
@router.message(Curation.candidate)
@router.message(Curation.note)
async def refuse_in_state(
    message: Message, state: FSMContext, uow: UnitOfWork, principal: Principal | None = None
) -> None:
    """Access was withdrawn while a note or pick was being written: stop it."""
    await state.clear()
    text = await refusal_for(principal, uow, Permission.SERVE_CLIENTS)
    await message.answer(text)
