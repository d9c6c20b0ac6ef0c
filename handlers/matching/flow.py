"""What the matching handlers share: whether the person may see suggestions, showing the next card, and
the buttons of the card just pressed."""

from __future__ import annotations

from uuid import UUID

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.profile import Status
from handlers.journey import Conversation
from handlers.services.matching.matchmaker import Matchmaker
from handlers.views.keyboards import menu_keyboard, profile_keyboard
from handlers.views.matching.buttons import parse_id
from storage.records import SuggestionRecord


async def client_account(conversation: Conversation) -> UUID | None:
    """The registered client's account, or None after resuming whatever they have not finished (or saying
    that their profile is paused)."""
    profile = await conversation.registered_profile()
    if profile is None or conversation.account_id is None:
        return None
    if profile.status == Status.PAUSED:
        await conversation.send(
            _("Your profile is paused, so I am not suggesting anyone. Resume suggestions to see new people."),
            profile_keyboard(paused=True),
        )
        return None
    return conversation.account_id


async def show_next(
    conversation: Conversation, matchmaker: Matchmaker, account_id: UUID, *, lead: str | None = None
) -> None:
    """The client's next suggestion, or that there is nobody more today (after `lead`, when given)."""
    if lead:
        await conversation.send(lead)
    card = await matchmaker.next_offer(account_id)
    if card is None:
        await conversation.send(
            _(
                "That's all for today. I will send you new suggestions tomorrow; your counselor is also "
                "looking out for you."
            ),
            menu_keyboard(),
        )
        return
    await conversation.send_outbound(card)


async def unanswered(
    callback: CallbackQuery, conversation: Conversation, matchmaker: Matchmaker, ref: str
) -> SuggestionRecord | None:
    """The presser's own suggestion the button names, still unanswered; otherwise the callback is answered
    with why nothing happens."""
    account_id = conversation.account_id
    record = None if account_id is None else await matchmaker.own_suggestion(account_id, parse_id(ref))
    if record is None:
        await callback.answer(_("This button is no longer active."))
        return None
    if record.decision is not None:
        await callback.answer(_("You have already answered this one."))
        return None
    return record


async def set_buttons(callback: CallbackQuery, markup: InlineKeyboardMarkup | None) -> bool:
    """Replace the buttons of the message pressed (no edit when they are these already, which Telegram
    rejects); False when that message is not at hand."""
    if not isinstance(callback.message, Message):
        return False
    if callback.message.reply_markup != markup:
        await callback.message.edit_reply_markup(reply_markup=markup)
    return True


async def clear_buttons(callback: CallbackQuery) -> None:
    """Take the buttons off the message just answered, so it cannot be answered twice."""
    await set_buttons(callback, None)
