"""Answering a proposal (pick a slot, propose other times, decline) and acting on a date (the calendar file,
running late, reschedule, cancel), one handler per button; and the optional reason of a reschedule or a
cancellation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import REASON_LIMIT
from handlers.dates.flow import DateFlow
from handlers.dates.replies import (
    clear_buttons,
    refusal_text,
    refuse,
    send_calendar_file,
    show_picking,
    show_reasoned,
    stale_button,
)
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.services.dates.draft import DateDraft, DraftMode
from handlers.services.dates.keeper import Accepted, Refusal, Refused
from handlers.services.dates.planner import AskReason
from handlers.views.dates import messages, picker
from handlers.views.dates.buttons import DateAct, DateButton, SlotButton, parse_id


# --- answers to a proposal -----------------------------------------------------------------------------------
async def pick_slot(
    callback: CallbackQuery, callback_data: SlotButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    outcome = (
        None if me is None else await services.dates.accept_slot(me, date_id, callback_data.round, callback_data.slot)
    )
    if not isinstance(outcome, Accepted):
        await _slot_refused(callback, outcome)
        return
    await callback.answer(_("🎉 Confirmed!"))
    await clear_buttons(callback)
    await conversation.send_outbound(messages.confirmed(outcome.record, outcome.name, outcome.zone))
    await send_calendar_file(conversation, outcome.ics)


async def _slot_refused(callback: CallbackQuery, refused: Refused | None) -> None:
    if refused is not None and refused.refusal is Refusal.CONFIRMED:  # pressed again: no alarm
        await callback.answer(refusal_text(refused.refusal, refused.name))
        await clear_buttons(callback)
        return
    await refuse(callback, refused)
    if refused is not None and refused.refusal is Refusal.STALE:
        await clear_buttons(callback)


async def counter_propose(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    opened = None if me is None else await services.date_planner.open_counter(me, date_id, callback_data.round)
    if opened is None or isinstance(opened, Refused):
        await refuse(callback, opened)
        return
    await callback.answer()
    await clear_buttons(callback)
    await show_picking(conversation, opened)


async def decline(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    done = None if me is None else await services.dates.decline_proposal(me, date_id, callback_data.round)
    if done is None or isinstance(done, Refused):
        await refuse(callback, done)
        return
    await callback.answer()
    await clear_buttons(callback)
    await conversation.send(_("All right, I have told {name}.").format(name=done.name))


# --- the confirmed date ----------------------------------------------------------------------------------------
async def calendar_file(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    ics = None if me is None else await services.dates.calendar_file(me, date_id, callback_data.round)
    if ics is None:
        await callback.answer(stale_button())
        return
    if isinstance(ics, Refusal):
        await callback.answer(_("This date has changed or is no longer on. See /dates."), show_alert=True)
        return
    await callback.answer()
    await send_calendar_file(conversation, ics)


async def running_late(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    told = None if me is None else await services.dates.tell_running_late(me, date_id, callback_data.round)
    if told is None or isinstance(told, Refused):
        await refuse(callback, told)
        return
    await callback.answer(_("I have told {name}.").format(name=told.name))


async def reschedule(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    opened = (
        None
        if me is None
        else await services.date_planner.open_change(me, date_id, callback_data.round, DraftMode.MOVE)
    )
    question = _(
        "Why do you need to move the date? I will pass your words on to {name}. Type a short reason, or press Skip."
    )
    await _ask_reason(callback, conversation, opened, question)


async def cancel_date(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    opened = (
        None
        if me is None
        else await services.date_planner.open_change(me, date_id, callback_data.round, DraftMode.CANCEL)
    )
    question = _("Why do you need to cancel? I will pass your words on to {name}. Type a short reason, or press Skip.")
    await _ask_reason(callback, conversation, opened, question)


async def _ask_reason(
    callback: CallbackQuery, conversation: Conversation, opened: AskReason | Refused | None, question: str
) -> None:
    if opened is None or isinstance(opened, Refused):
        await refuse(callback, opened)
        return
    await callback.answer()
    await opened.draft.save(conversation)
    await conversation.set_state(DateFlow.reason)
    await conversation.send(question.format(name=opened.name), picker.reason_keyboard(opened.draft.flow))


# --- the reason ------------------------------------------------------------------------------------------------
async def reason_typed(message: Message, conversation: Conversation, services: Services) -> None:
    text = " ".join((message.text or "").split())
    draft = await DateDraft.load(conversation)
    if draft is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    if text.startswith("/") or not text:
        await conversation.send(_("Please type a short reason, or press Skip."), picker.reason_keyboard(draft.flow))
        return
    if len(text) > REASON_LIMIT:
        await conversation.send(
            _(
                "That is {length} character; please keep it under {limit}.",
                "That is {length} characters; please keep it under {limit}.",
                len(text),
            ).format(length=len(text), limit=REASON_LIMIT)
        )
        return
    await show_reasoned(conversation, await services.date_planner.give_reason(draft, text))


async def reason_fallback(message: Message, conversation: Conversation) -> None:
    draft = await DateDraft.load(conversation)
    markup = picker.reason_keyboard(draft.flow) if draft else None
    await conversation.send(_("Please type a short reason, or press Skip."), markup)


def create_router() -> Router:
    router = Router(name="dates.answering")
    on_button = router.callback_query.register
    on_button(pick_slot, SlotButton.filter())
    on_button(counter_propose, DateButton.filter(F.act == DateAct.COUNTER))
    on_button(decline, DateButton.filter(F.act == DateAct.DECLINE))
    on_button(calendar_file, DateButton.filter(F.act == DateAct.ICS))
    on_button(running_late, DateButton.filter(F.act == DateAct.LATE))
    on_button(reschedule, DateButton.filter(F.act == DateAct.RESCHEDULE))
    on_button(cancel_date, DateButton.filter(F.act == DateAct.CANCEL))
    router.message.register(reason_typed, DateFlow.reason, F.text)
    router.message.register(reason_fallback, DateFlow.reason)
    return router
