"""Whatever the casework handlers' permission filters turned away, answered politely (tried last)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from domain.staff import Permission
from handlers.casework.flow import CaseNote, Curation
from handlers.services.container import Services
from handlers.staff_access import refusal_for, refuse_the_rest
from handlers.views.casework.buttons import (
    AUDIT_PERMISSION,
    CASE_PERMISSIONS,
    COMMAND_PERMISSIONS,
    AuditButton,
    CaseButton,
)


async def refuse_in_state(message: Message, state: FSMContext, services: Services) -> None:
    """Access was withdrawn while a note or pick was being written: stop it."""
    await state.clear()
    await message.answer(await refusal_for(services, Permission.SERVE_CLIENTS))


def create_router() -> Router:
    router = Router(name="casework.refusals")
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[
            (CaseButton, lambda data: CASE_PERMISSIONS[data.action]),
            (AuditButton, lambda _data: AUDIT_PERMISSION),
        ],
    )
    for step in (Curation.note, Curation.candidate, CaseNote.text):
        router.message.register(refuse_in_state, step)
    return router
