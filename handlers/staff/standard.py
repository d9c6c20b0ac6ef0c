"""/standard shows the agency's service standard: the text of the first training module, whose quiz (with the
other modules) is under /training (docs/training.md)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.staff.permissions import COMMAND_PERMISSIONS
from handlers.staff_access import Allowed
from handlers.views.staff import standard_view


async def show_standard(message: Message) -> None:
    await message.answer(standard_view())


def create_router() -> Router:
    router = Router(name="staff.standard")
    router.message.register(show_standard, Command("standard"), Allowed(COMMAND_PERMISSIONS["standard"]))
    return router
