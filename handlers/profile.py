"""After registration: /profile (view, change one answer, pause or resume suggestions), /preferences, and
the menu buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from domain.profile import ProfileData, is_registered
from handlers.journey import Conversation, Target
from handlers.mydata import ask_deletion, send_export
from handlers.service import help_text
from handlers.views.keyboards import MenuAction, MenuButton, profile_keyboard

router = Router(name="profile")


@router.message(Command("profile"))
async def show_profile(message: Message, conversation: Conversation) -> None:
    await conversation.show_profile()


@router.message(Command("preferences"))
async def show_preferences(message: Message, conversation: Conversation) -> None:
    await conversation.show_preferences()


@router.callback_query(MenuButton.filter())
async def menu(callback: CallbackQuery, callback_data: MenuButton, conversation: Conversation) -> None:
    action = callback_data.action
    if action is MenuAction.HELP:
        await callback.answer()
        await conversation.send(help_text())
        return
    if action is MenuAction.MY_DATA:
        await callback.answer()
        await send_export(conversation)
        return
    if action is MenuAction.DELETE:
        await callback.answer()
        await ask_deletion(conversation)
        return
    profile = await _registered_or_outdated(callback, conversation)
    if profile is None:
        return
    match action:
        case MenuAction.PROFILE:
            await callback.answer()
            await conversation.show_profile()
        case MenuAction.PREFERENCES:
            await callback.answer()
            await conversation.show_preferences()
        case MenuAction.EDIT_PROFILE:
            await callback.answer()
            await conversation.show_fields(Target.PROFILE)
        case MenuAction.EDIT_PREFERENCES:
            await callback.answer()
            await conversation.show_fields(Target.PREFERENCES)
        case MenuAction.PAUSE | MenuAction.RESUME:
            paused = action is MenuAction.PAUSE
            sentence = await conversation.set_paused(paused)
            await callback.answer(sentence[:200])
            await conversation.send(sentence, profile_keyboard(paused=paused))


async def _registered_or_outdated(callback: CallbackQuery, conversation: Conversation) -> ProfileData | None:
    profile, _prefs = await conversation.load()
    if profile is None or not is_registered(profile.status):
        await conversation.outdated(callback)
        return None
    return profile
