"""What the dates routers share when they answer: the text of a refusal, dropping the pressed message's buttons,
and showing a draft's outcome (its calendar, the proposal sent, the cancellation) in the chat."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.dates.flow import DateFlow
from handlers.journey import Conversation
from handlers.services.dates.keeper import Refusal, Refused
from handlers.services.dates.planner import Cancelled, Picking, Sent
from handlers.views.dates import messages, picker
from handlers.views.dates.calendar_file import ics_file


def stale_button() -> str:
    return _("This button is no longer active.")


def refusal_text(refusal: Refusal, name: str) -> str:
    return {
        Refusal.CLOSED: _("This introduction is no longer active, so a date cannot be arranged."),
        Refusal.OPEN_DATE: _("You already have a date in progress with {name}. See /dates."),
        Refusal.STALE: _("This proposal has changed in the meantime. Please look at the latest message or /dates."),
        Refusal.OWN: _("This is your own proposal: I am waiting for {name}'s answer."),
        Refusal.PAST: _("That time has already passed. Please choose another time."),
        Refusal.BOOKED: _("One of you already has a date close to that time. Please choose another time."),
        Refusal.CONFIRMED: _("This date is already confirmed."),
        Refusal.NOT_NOW: _("This only works in the hours around the date."),
        Refusal.NOT_ASSIGNED: _("This client is not assigned to you."),
    }[refusal].format(name=name)


async def refuse(callback: CallbackQuery, refused: Refused | None) -> None:
    """A button that names nothing of the presser's (None), or an action refused (an alert saying why)."""
    if refused is None:
        await callback.answer(stale_button())
    else:
        await callback.answer(refusal_text(refused.refusal, refused.name), show_alert=True)


async def clear_buttons(callback: CallbackQuery) -> None:
    """Take the buttons off the pressed message (they have done their work)."""
    if isinstance(callback.message, Message) and callback.message.reply_markup is not None:
        await callback.message.edit_reply_markup(reply_markup=None)


async def send_calendar_file(conversation: Conversation, ics: bytes) -> None:
    await conversation.bot.send_document(conversation.chat_id, ics_file(ics), caption=messages.calendar_caption())


# --- a draft's outcomes ----------------------------------------------------------------------------------------
async def show_picking(conversation: Conversation, picking: Picking) -> None:
    """Keep the draft and show its calendar (after why the times chosen were dropped, if they were)."""
    await picking.draft.save(conversation)
    await conversation.set_state(DateFlow.slots)
    if picking.retry is not None:
        await conversation.send(refusal_text(picking.retry.refusal, picking.retry.name))
    await conversation.send(*picker.calendar_page(picking.draft.flow, picking.page))


async def give_up(conversation: Conversation, refused: Refused) -> None:
    """The draft cannot go on: it ends, and the chat says why."""
    await conversation.clear_state()
    await conversation.send(refusal_text(refused.refusal, refused.name))


async def show_sent(conversation: Conversation, outcome: Sent | Picking | Refused) -> None:
    if isinstance(outcome, Picking):
        await show_picking(conversation, outcome)
        return
    if isinstance(outcome, Refused):
        await give_up(conversation, outcome)
        return
    if outcome.reminder_withdrawn:
        await conversation.send(
            _("A reminder for the old time has already gone out; I am telling {name} that it no longer stands.").format(
                name=outcome.name
            )
        )
    await conversation.clear_state()
    await conversation.send(messages.proposal_sent(outcome.record, outcome.name, outcome.zone))


async def show_reasoned(conversation: Conversation, outcome: Picking | Cancelled | Refused) -> None:
    """After the reason of a reschedule (the calendar) or of a cancellation (done)."""
    if isinstance(outcome, Picking):
        await show_picking(conversation, outcome)
        return
    if isinstance(outcome, Refused):
        await give_up(conversation, outcome)
        return
    await conversation.clear_state()
    await conversation.send(messages.cancelled_by_you(outcome.name, late=outcome.late))
