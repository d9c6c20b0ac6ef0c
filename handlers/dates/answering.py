"""Answering a proposal (pick a slot, propose other times, decline) and acting on a date (reschedule, cancel,
the calendar file, running late), with the optional reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import REASON_LIMIT, DateState
from handlers.dates.flow import (
    DateFlow,
    begin_draft,
    clear_buttons,
    load_draft,
    reason_given,
    refusal_text,
    show_calendar,
    stale_button,
)
from handlers.journey import Conversation
from handlers.services.dates.keeper import DateKeeper, Refusal
from handlers.views.dates import messages, picker
from handlers.views.dates.buttons import DateAct, DateButton, SlotButton, parse_id
from handlers.views.dates.calendar_file import ics_file

router = Router(name="dates.answering")


# --- answers to a proposal -----------------------------------------------------------------------------------
@router.callback_query(SlotButton.filter())
async def pick_slot(
    callback: CallbackQuery, callback_data: SlotButton, conversation: Conversation, keeper: DateKeeper
) -> None:
    me = conversation.account_id
    record = None if me is None else await keeper.own_date(me, parse_id(callback_data.date))
    if record is None or me is None:
        await callback.answer(stale_button())
        return
    name = await keeper.name_of(record.other(me))
    result = await keeper.accept(record, callback_data.round, callback_data.slot, me)
    if isinstance(result, Refusal):
        if result is Refusal.STALE and record.state is DateState.CONFIRMED and record.round == callback_data.round:
            await callback.answer(_("This date is already confirmed."))
            await clear_buttons(callback, conversation)
            return
        await callback.answer(refusal_text(result, name), show_alert=True)
        if result is Refusal.STALE:
            await clear_buttons(callback, conversation)
        return
    await callback.answer(_("🎉 Confirmed!"))
    await clear_buttons(callback, conversation)
    zone = await keeper.zone_of(me)
    await conversation.send_outbound(messages.confirmed(result, name, zone))
    await conversation.bot.send_document(
        conversation.chat_id, ics_file(await keeper.ics_for(result, me)), caption=messages.calendar_caption()
    )


@router.callback_query(DateButton.filter())
async def date_button(
    callback: CallbackQuery, callback_data: DateButton, conversation: Conversation, keeper: DateKeeper
) -> None:
    me = conversation.account_id
    record = None if me is None else await keeper.own_date(me, parse_id(callback_data.date))
    if record is None or me is None:
        await callback.answer(stale_button())
        return
    other = record.other(me)
    name = await keeper.name_of(other)
    act = callback_data.act
    current = record.round == callback_data.round
    if act is DateAct.ICS:
        if record.state is not DateState.CONFIRMED or not current:
            await callback.answer(_("This date has changed or is no longer on. See /dates."), show_alert=True)
            return
        await callback.answer()
        await conversation.bot.send_document(
            conversation.chat_id, ics_file(await keeper.ics_for(record, me)), caption=messages.calendar_caption()
        )
        return
    if act is DateAct.LATE:
        if not current or not await keeper.running_late(record, me):
            await callback.answer(_("This only works in the hours around the date."), show_alert=True)
            return
        await callback.answer(_("I have told {name}.").format(name=name))
        return
    if act is DateAct.COUNTER:
        if record.state is not DateState.PROPOSED or not current:
            await callback.answer(refusal_text(Refusal.STALE, name), show_alert=True)
            return
        if record.proposed_by == me:
            await callback.answer(refusal_text(Refusal.OWN, name), show_alert=True)
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        draft = await begin_draft(
            conversation, keeper, mode="counter", me=me, other=other, introduction=record.introduction_id, record=record
        )
        await show_calendar(conversation, keeper, draft)
        return
    if act is DateAct.DECLINE:
        result = await keeper.decline(record, callback_data.round, me)
        if isinstance(result, Refusal):
            await callback.answer(refusal_text(result, name), show_alert=True)
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        await conversation.send(_("All right, I have told {name}.").format(name=name))
        return
    # Reschedule or cancel a date: first the (optional) reason.
    if record.state not in (DateState.CONFIRMED, DateState.PROPOSED) or not current:
        await callback.answer(refusal_text(Refusal.STALE, name), show_alert=True)
        return
    if act is DateAct.RESCHEDULE and record.state is not DateState.CONFIRMED:
        await callback.answer(refusal_text(Refusal.STALE, name), show_alert=True)
        return
    await callback.answer()
    mode = "move" if act is DateAct.RESCHEDULE else "cancel"
    draft = await begin_draft(
        conversation, keeper, mode=mode, me=me, other=other, introduction=record.introduction_id, record=record
    )
    await conversation.set_state(DateFlow.reason)
    question = (
        _("Why do you need to move the date? I will pass your words on to {name}. Type a short reason, or press Skip.")
        if mode == "move"
        else _("Why do you need to cancel? I will pass your words on to {name}. Type a short reason, or press Skip.")
    )
    await conversation.send(question.format(name=name), picker.reason_keyboard(draft["flow"]))


@router.message(DateFlow.reason, F.text)
async def reason_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = " ".join((message.text or "").split())
    draft = await load_draft(conversation)
    if draft is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    if text.startswith("/") or not text:
        await conversation.send(_("Please type a short reason, or press Skip."), picker.reason_keyboard(draft["flow"]))
        return
    if len(text) > REASON_LIMIT:
        await conversation.send(
            _("That is {length} characters; please keep it under {limit}.").format(length=len(text), limit=REASON_LIMIT)
        )
        return
    await reason_given(conversation, keeper, draft, text)


@router.message(DateFlow.reason)
async def reason_fallback(message: Message, conversation: Conversation) -> None:
    draft = await load_draft(conversation)
    markup = picker.reason_keyboard(draft["flow"]) if draft else None
    await conversation.send(_("Please type a short reason, or press Skip."), markup)
