"""Commands that work everywhere: /help and /cancel."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.identity import VISITOR_LOCALE_KEY

router = Router(name="service")

# Conversation states whose answers are saved as they are given: /cancel pauses them, /start resumes.
JOURNEY_STATE_PREFIX = "Journey:"


def help_text() -> str:
    return _(
        "Here is what I can do:\n"
        "/start: begin or continue your registration\n"
        "/matches: today's suggestions\n"
        "/dates: your dates: propose, reschedule or cancel\n"
        "/profile: see or change your profile, pause or resume suggestions\n"
        "/preferences: the partner you hope to meet\n"
        "/human: talk to a counselor\n"
        "/mydata: get everything we hold about you, as a file\n"
        "/delete: delete your data for good\n"
        "/language: choose English or Chinese\n"
        "/cancel: stop what we are doing\n"
        "/help: this list"
    )


@router.message(Command("help"))
async def show_help(message: Message) -> None:
    await message.answer(help_text())


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current is None:
        await message.answer(_("There is nothing to cancel."), reply_markup=ReplyKeyboardRemove())
        return
    kept = {k: v for k, v in (await state.get_data()).items() if k == VISITOR_LOCALE_KEY}
    await state.set_state(None)
    await state.set_data(kept)
    if current.startswith(JOURNEY_STATE_PREFIX):
        text = _("Stopped. Everything you answered is saved; send /start when you want to continue.")
    else:
        text = _("Cancelled. Send /help to see what I can do.")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())
