"""What a counselor does on a card: move the case through the pipeline, set the next follow-up, write notes."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import (
    FOLLOW_UP_CHOICES,
    NOTE_LIMIT,
    ClosingReason,
    follow_up_day,
    parse_closing_reason,
    parse_stage,
)
from domain.pipeline import Stage
from domain.staff import Permission
from handlers.answers import say, show_in_place
from handlers.casework.flow import (
    CLIENT_KEY,
    CaseNote,
    after_change,
    allowed_button,
    casework_of,
    client_from_state,
    reach,
)
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton
from handlers.views.keyboards import InlineKeyboardBuilder

router = Router(name="casework.pipeline")


# --- the pipeline ------------------------------------------------------------------------------------------


@router.callback_query(*allowed_button(CaseAction.STAGES))
async def choose_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    current = await work.uow.case_stages.current(found.client_id)
    builder = InlineKeyboardBuilder()
    for stage in Stage:
        if stage is not current and stage is not Stage.NEW:
            builder.button(
                text=views.stage_label(stage),
                callback_data=CaseButton(action=CaseAction.STAGE, client=found.client_id, arg=stage.value),
            )
    builder.button(text=_("« Back"), callback_data=CaseButton(action=CaseAction.OPEN, client=found.client_id))
    builder.adjust(2)
    await callback.answer()
    text = _("The case of {client} is now “{stage}”. Move it to:").format(
        client=views.client_reference(found.client_id, found.profile), stage=views.stage_label(current)
    )
    await show_in_place(callback, text, builder.as_markup())


@router.callback_query(*allowed_button(CaseAction.STAGE))
async def set_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    stage = parse_stage(callback_data.arg)
    if stage is None:
        await callback.answer(_("This button is no longer active."))
        return
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if stage is Stage.CLOSED:
        builder = InlineKeyboardBuilder()
        for reason in ClosingReason:
            builder.button(
                text=views.closing_reason_label(reason),
                callback_data=CaseButton(action=CaseAction.CLOSE, client=found.client_id, arg=reason.value),
            )
        builder.button(text=_("« Back"), callback_data=CaseButton(action=CaseAction.STAGES, client=found.client_id))
        builder.adjust(1)
        await callback.answer()
        await show_in_place(callback, _("Why is the case closed?"), builder.as_markup())
        return
    changed = await work.change_stage(actor, found.client_id, stage)
    toast = _("Stage: {stage}.").format(stage=views.stage_label(stage)) if changed else _("Already in this stage.")
    await after_change(callback, work, actor, found.client_id, toast)


@router.callback_query(*allowed_button(CaseAction.CLOSE))
async def close_case(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    reason = parse_closing_reason(callback_data.arg)
    if reason is None:
        await callback.answer(_("This button is no longer active."))
        return
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    changed = await work.change_stage(actor, found.client_id, Stage.CLOSED, reason)
    toast = _("Case closed: {reason}.").format(reason=views.closing_reason_label(reason))
    await after_change(callback, work, actor, found.client_id, toast if changed else _("Already in this stage."))


# --- follow-up ---------------------------------------------------------------------------------------------


@router.callback_query(*allowed_button(CaseAction.FOLLOW_UP))
async def choose_follow_up(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if found.assignment is None:
        await callback.answer(_("Assign the client to a counselor first."), show_alert=True)
        return
    builder = InlineKeyboardBuilder()
    today = work.today()
    for days in FOLLOW_UP_CHOICES:
        day = follow_up_day(today, days)
        assert day is not None
        builder.button(
            text=_("in {days} d · {date}").format(days=days, date=day.strftime("%m-%d")),
            callback_data=CaseButton(action=CaseAction.FOLLOW_UP_SET, client=found.client_id, arg=str(days)),
        )
    builder.button(
        text=_("No follow-up"),
        callback_data=CaseButton(action=CaseAction.FOLLOW_UP_SET, client=found.client_id, arg="0"),
    )
    builder.button(text=_("« Back"), callback_data=CaseButton(action=CaseAction.OPEN, client=found.client_id))
    builder.adjust(3, 2, 1)
    await callback.answer()
    text = _("When should {client} be followed up next? Now: {date}.").format(
        client=views.client_reference(found.client_id, found.profile),
        date=views.follow_up_text(found.assignment.follow_up_on, today),
    )
    await show_in_place(callback, text, builder.as_markup())


@router.callback_query(*allowed_button(CaseAction.FOLLOW_UP_SET))
async def set_follow_up(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    if not callback_data.arg.isdigit() or int(callback_data.arg) not in (0, *FOLLOW_UP_CHOICES):
        await callback.answer(_("This button is no longer active."))
        return
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    day = follow_up_day(work.today(), int(callback_data.arg))
    if not await work.set_follow_up(actor, found.client_id, day):
        await callback.answer(_("Assign the client to a counselor first."), show_alert=True)
        return
    toast = _("Follow-up: {date}.").format(date=day.isoformat()) if day else _("No follow-up planned.")
    await after_change(callback, work, actor, found.client_id, toast)


# --- notes -------------------------------------------------------------------------------------------------


@router.callback_query(*allowed_button(CaseAction.NOTE))
async def ask_note(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, state: FSMContext, **data: Any
) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await state.set_state(CaseNote.text)
    await state.update_data({CLIENT_KEY: found.client_id.hex})
    await callback.answer()
    await say(
        callback,
        _(
            "Write your note about {client} (up to {limit} characters). It is stored encrypted and shown on "
            "the card to staff who may open it. /cancel to stop."
        ).format(client=views.client_reference(found.client_id, found.profile), limit=NOTE_LIMIT),
    )


@router.message(CaseNote.text, F.text, Allowed(Permission.SERVE_CLIENTS))
async def save_note(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = casework_of(data)
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(_("Please send the note as text, or /cancel."))
        return
    if len(text) > NOTE_LIMIT:
        await message.answer(
            _("That is {count} characters; please keep it under {limit}.").format(count=len(text), limit=NOTE_LIMIT)
        )
        return
    found = await work.reach(actor, await client_from_state(state))
    await state.clear()
    if isinstance(found, str):
        await message.answer(found)
        return
    await work.add_note(actor, found.client_id, text)
    await message.answer(_("📝 Note saved."))
    text, markup = await work.card(actor, found)
    await message.answer(text, reply_markup=markup)


@router.message(CaseNote.text, Allowed(Permission.SERVE_CLIENTS))
async def note_fallback(message: Message) -> None:
    await message.answer(_("Please send the note as text, or /cancel."))
