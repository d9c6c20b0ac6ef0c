"""After registration: /profile (view, change one answer, pause or resume suggestions), /preferences, and
the menu buttons (one handler each; "My suggestions" and "Talk to a counselor" belong to matching and
handoff)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.journey import Conversation, Target, menus, navigation, privacy, screens
from handlers.views.keyboards import MenuAction, MenuButton, profile_keyboard
from handlers.views.texts import help_text

# Menu buttons that only a client who finished registration can use.
AFTER_REGISTRATION = (
    MenuAction.PROFILE,
    MenuAction.PREFERENCES,
    MenuAction.EDIT_PROFILE,
    MenuAction.EDIT_PREFERENCES,
    MenuAction.PAUSE,
    MenuAction.RESUME,
)


async def unregistered(callback: CallbackQuery, conversation: Conversation) -> bool:
    """A filter: the presser has not finished registration."""
    return not await menus.finished_registration(conversation)


async def show_profile(message: Message, conversation: Conversation) -> None:
    await menus.show_profile(conversation)


async def show_preferences(message: Message, conversation: Conversation) -> None:
    await menus.show_preferences(conversation)


async def show_help(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await conversation.send(help_text())


async def send_my_data(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await privacy.send_export(conversation)


async def ask_deletion(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await privacy.ask_deletion(conversation)


async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await navigation.outdated(conversation, callback)


async def profile_button(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await menus.show_profile(conversation)


async def preferences_button(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await menus.show_preferences(conversation)


async def edit_profile(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await screens.show_fields(conversation, Target.PROFILE)


async def edit_preferences(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await screens.show_fields(conversation, Target.PREFERENCES)


async def pause(callback: CallbackQuery, conversation: Conversation) -> None:
    await set_paused(callback, conversation, paused=True)


async def resume_suggestions(callback: CallbackQuery, conversation: Conversation) -> None:
    await set_paused(callback, conversation, paused=False)


async def set_paused(callback: CallbackQuery, conversation: Conversation, *, paused: bool) -> None:
    sentence = await menus.set_paused(conversation, paused)
    await callback.answer(sentence[:200])
    await conversation.send(sentence, profile_keyboard(paused=paused))


def create_router() -> Router:
    router = Router(name="profile")
    router.message.register(show_profile, Command("profile"))
    router.message.register(show_preferences, Command("preferences"))
    router.callback_query.register(show_help, MenuButton.filter(F.action == MenuAction.HELP))
    router.callback_query.register(send_my_data, MenuButton.filter(F.action == MenuAction.MY_DATA))
    router.callback_query.register(ask_deletion, MenuButton.filter(F.action == MenuAction.DELETE))
    router.callback_query.register(outdated, MenuButton.filter(F.action.in_(AFTER_REGISTRATION)), unregistered)
    router.callback_query.register(profile_button, MenuButton.filter(F.action == MenuAction.PROFILE))
    router.callback_query.register(preferences_button, MenuButton.filter(F.action == MenuAction.PREFERENCES))
    router.callback_query.register(edit_profile, MenuButton.filter(F.action == MenuAction.EDIT_PROFILE))
    router.callback_query.register(edit_preferences, MenuButton.filter(F.action == MenuAction.EDIT_PREFERENCES))
    router.callback_query.register(pause, MenuButton.filter(F.action == MenuAction.PAUSE))
    router.callback_query.register(resume_suggestions, MenuButton.filter(F.action == MenuAction.RESUME))
    router.callback_query.register(outdated, MenuButton.filter())  # an action another area no longer takes
    return router
