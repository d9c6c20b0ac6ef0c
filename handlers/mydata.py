"""A client's rights over their data: /mydata sends everything we hold as a JSON file, /delete erases it
(confirmed twice) by crypto-shredding."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.journey import Conversation, Deletion, navigation, privacy
from handlers.views.keyboards import DeleteAction, DeleteButton

DELETING = StateFilter(Deletion.first, Deletion.final)


async def my_data(message: Message, conversation: Conversation) -> None:
    await privacy.send_export(conversation)


async def delete(message: Message, conversation: Conversation) -> None:
    await privacy.ask_deletion(conversation)


async def confirm_once(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await privacy.ask_finally(conversation)


async def confirm_twice(callback: CallbackQuery, conversation: Conversation) -> None:
    await privacy.delete_everything(conversation, callback)


async def keep(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer(_("Your data is kept."))
    await privacy.keep_data(conversation)


async def other_button_while_deleting(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer(_("That button belongs to an earlier message."))
    await privacy.ask_again(conversation)


async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await navigation.outdated(conversation, callback)


async def deletion_fallback(message: Message, conversation: Conversation) -> None:
    await privacy.ask_again(conversation, lead=_("Please answer with the buttons."))


def create_router() -> Router:
    router = Router(name="mydata")
    router.message.register(my_data, Command("mydata"))
    router.message.register(delete, Command("delete"))
    router.callback_query.register(confirm_once, Deletion.first, DeleteButton.filter(F.action == DeleteAction.YES))
    router.callback_query.register(confirm_twice, Deletion.final, DeleteButton.filter(F.action == DeleteAction.CONFIRM))
    router.callback_query.register(keep, DeleteButton.filter(F.action == DeleteAction.KEEP))
    router.callback_query.register(other_button_while_deleting, DELETING)
    router.callback_query.register(outdated, DeleteButton.filter())
    router.message.register(deletion_fallback, DELETING)
    return router
