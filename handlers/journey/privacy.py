"""A client's data rights in the chat: the export file, and deletion (asked twice, then crypto-shredded)."""

from __future__ import annotations

from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.i18n import gettext as _

from handlers.journey.chat import ClientChat
from handlers.journey.navigation import outdated, resume
from handlers.journey.states import Deletion
from handlers.views.keyboards import delete_keyboard

EXPORT_FILE_NAME = "yuelao-my-data.json"


async def send_export(chat: ClientChat) -> None:
    if chat.account_id is None:
        await chat.send(_("I hold no data about you: you have not registered. Send /start to begin."))
        return
    body = await chat.services.privacy.export(chat.account_id)
    await chat.send_document(
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


async def ask_deletion(chat: ClientChat) -> None:
    """The first of the two questions (nothing to delete for a visitor)."""
    if chat.account_id is None:
        await chat.clear_state()
        await chat.send(_("I hold no data about you: you have not registered, so there is nothing to delete."))
        return
    await chat.set_state(Deletion.first)
    await chat.send(deletion_question(final=False), delete_keyboard(final=False))


async def ask_again(chat: ClientChat, *, lead: str | None = None) -> None:
    """The question being asked (the first or the final one), once more."""
    final = await chat.get_state() == Deletion.final.state
    text = deletion_question(final=final)
    await chat.send(f"{lead}\n\n{text}" if lead else text, delete_keyboard(final=final))


async def ask_finally(chat: ClientChat) -> None:
    await chat.set_state(Deletion.final)
    await chat.send(deletion_question(final=True), delete_keyboard(final=True))


async def delete_everything(chat: ClientChat, callback: CallbackQuery) -> None:
    """Shred the account (and this chat's conversation state), then say so."""
    if chat.account_id is None:
        await outdated(chat, callback)
        return
    await chat.services.privacy.delete(chat.account_id, fsm_keys=[chat.state.context.key])
    await callback.answer()
    await chat.send(
        _(
            "Your data has been deleted, and the key that protected it destroyed. "
            "Thank you for trusting us. If you ever want to come back, send /start."
        )
    )


async def keep_data(chat: ClientChat) -> None:
    """No deletion after all: back to whatever the client was doing."""
    if await chat.get_state() in (Deletion.first.state, Deletion.final.state):
        await chat.set_state(None)
    await resume(chat, lead=_("Good: nothing was deleted."))
