"""A client's rights over their data: /mydata sends everything we hold as a JSON file, /delete erases it
(confirmed twice) by crypto-shredding."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.journey import Conversation, Deletion
from handlers.views.keyboards import DeleteAction, DeleteButton, delete_keyboard
from storage.privacy_ops import export_account, shred_account

router = Router(name="mydata")

EXPORT_FILE_NAME = "yuelao-my-data.json"
DELETION_ACTION = "client.deleted_own_data"


async def send_export(conversation: Conversation) -> None:
    if conversation.account_id is None:
        await conversation.send(_("I hold no data about you: you have not registered. Send /start to begin."))
        return
    export = await export_account(conversation.uow, conversation.account_id)
    body = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await conversation.bot.send_document(
        conversation.chat_id,
        BufferedInputFile(body, filename=EXPORT_FILE_NAME),
        caption=_(
            "Here is everything the agency holds about you, as a JSON file. "
            "Keep it somewhere safe: it contains your personal data."
        ),
    )


def deletion_question(*, final: bool) -> str:
    if final:
        return _(
            "<b>Are you sure?</b> This cannot be undone. Tap <b>Delete everything now</b> to confirm, "
            "or keep your data."
        )
    return _(
        "<b>Delete your data?</b>\n"
        "This erases your profile, photos, partner preferences, consents and our conversation, and destroys "
        "the key that encrypts them, so that even backups can no longer be read. Your counselor will no longer "
        "be able to help you, and any introductions in progress end.\n\n"
        "If you only need a break, you can pause suggestions in /profile instead."
    )


async def ask_deletion(conversation: Conversation) -> None:
    if conversation.account_id is None:
        await conversation.clear_state()
        await conversation.send(_("I hold no data about you: you have not registered, so there is nothing to delete."))
        return
    await conversation.set_state(Deletion.first)
    await conversation.send(deletion_question(final=False), delete_keyboard(final=False))


@router.message(Command("mydata"))
async def my_data(message: Message, conversation: Conversation) -> None:
    await send_export(conversation)


@router.message(Command("delete"))
async def delete(message: Message, conversation: Conversation) -> None:
    await ask_deletion(conversation)


@router.callback_query(Deletion.first, DeleteButton.filter(F.action == DeleteAction.YES))
async def confirm_once(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await conversation.set_state(Deletion.final)
    await conversation.send(deletion_question(final=True), delete_keyboard(final=True))


@router.callback_query(Deletion.final, DeleteButton.filter(F.action == DeleteAction.CONFIRM))
async def confirm_twice(callback: CallbackQuery, conversation: Conversation) -> None:
    account_id = conversation.account_id
    if account_id is None:
        await conversation.outdated(callback)
        return
    now = conversation.clock.now()
    # The entry names ids and an action only; it outlives the account, as the audit log must.
    await conversation.uow.audit.record(
        action=DELETION_ACTION, now=now, actor_account_id=account_id, subject_account_id=account_id
    )
    await shred_account(conversation.uow, account_id, now, fsm_keys=[conversation.state.key])
    await callback.answer()
    await conversation.send(
        _(
            "Your data has been deleted, and the key that protected it destroyed. "
            "Thank you for trusting us. If you ever want to come back, send /start."
        )
    )


@router.callback_query(DeleteButton.filter(F.action == DeleteAction.KEEP))
async def keep(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer(_("Your data is kept."))
    if await conversation.get_state() in (Deletion.first.state, Deletion.final.state):
        await conversation.set_state(None)
    await conversation.resume(lead=_("Good: nothing was deleted."))


@router.callback_query(DeleteButton.filter())
@router.callback_query(StateFilter(Deletion.first, Deletion.final))
async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    state = await conversation.get_state()
    if state in (Deletion.first.state, Deletion.final.state):
        await callback.answer(_("That button belongs to an earlier message."))
        final = state == Deletion.final.state
        await conversation.send(deletion_question(final=final), delete_keyboard(final=final))
        return
    await conversation.outdated(callback)


@router.message(StateFilter(Deletion.first, Deletion.final))
async def deletion_fallback(message: Message, conversation: Conversation) -> None:
    final = await conversation.get_state() == Deletion.final.state
    await conversation.send(
        _("Please answer with the buttons.") + "\n\n" + deletion_question(final=final), delete_keyboard(final=final)
    )
