"""What a counselor does on a card: move the case through the pipeline, set the next follow-up, write notes."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import FOLLOW_UP_CHOICES, NOTE_LIMIT, follow_up_day, parse_closing_reason, parse_stage
from domain.pipeline import Stage
from domain.staff import Permission
from handlers.answers import say, show_in_place
from handlers.casework.flow import CaseDraft, CaseNote, after_change, allowed_button, drafted_client, reach
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton
from handlers.views.casework.choices import closing_choice, follow_up_choice, stage_choice

# --- the pipeline ------------------------------------------------------------------------------------------


async def choose_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    screen = stage_choice(found.client_id, found.profile, await work.current_stage(found.client_id))
    await callback.answer()
    await show_in_place(callback, *screen)


async def set_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
    stage = parse_stage(callback_data.arg)
    if stage is None:
        await callback.answer(_("This button is no longer active."))
        return
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if stage is Stage.CLOSED:  # first, why
        await callback.answer()
        await show_in_place(callback, *closing_choice(found.client_id))
        return
    changed = await work.change_stage(actor, found.client_id, stage)
    toast = _("Stage: {stage}.").format(stage=views.stage_label(stage)) if changed else _("Already in this stage.")
    await after_change(callback, work, actor, found.client_id, toast)


async def close_case(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
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


async def choose_follow_up(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services
) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if found.assignment is None:
        await callback.answer(_("Assign the client to a counselor first."), show_alert=True)
        return
    screen = follow_up_choice(found.client_id, found.profile, found.assignment.follow_up_on, work.today())
    await callback.answer()
    await show_in_place(callback, *screen)


async def set_follow_up(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
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


async def ask_note(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services, state: FSMContext
) -> None:
    found = await reach(callback, services.casework, actor, callback_data.client)
    if found is None:
        return
    await CaseDraft(case_client=found.client_id).keep(state, CaseNote.text, alone=False)
    await callback.answer()
    await say(
        callback,
        _(
            "Write your note about {client} (up to {limit} character). It is stored encrypted and shown on "
            "the card to staff who may open it. /cancel to stop.",
            "Write your note about {client} (up to {limit} characters). It is stored encrypted and shown on "
            "the card to staff who may open it. /cancel to stop.",
            NOTE_LIMIT,
        ).format(client=views.client_reference(found.client_id, found.profile), limit=NOTE_LIMIT),
    )


async def save_note(message: Message, actor: Actor, services: Services, state: FSMContext) -> None:
    work = services.casework
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(_("Please send the note as text, or /cancel."))
        return
    if len(text) > NOTE_LIMIT:
        await message.answer(
            _(
                "That is {count} character; please keep it under {limit}.",
                "That is {count} characters; please keep it under {limit}.",
                len(text),
            ).format(count=len(text), limit=NOTE_LIMIT)
        )
        return
    found = await work.reach(actor, await drafted_client(state))
    await state.clear()
    if isinstance(found, str):
        await message.answer(found)
        return
    await work.add_note(actor, found.client_id, text)
    await message.answer(_("📝 Note saved."))
    text, markup = await work.card(actor, found)
    await message.answer(text, reply_markup=markup)


async def note_fallback(message: Message) -> None:
    await message.answer(_("Please send the note as text, or /cancel."))


def create_router() -> Router:
    router = Router(name="casework.pipeline")
    router.callback_query.register(choose_stage, *allowed_button(CaseAction.STAGES))
    router.callback_query.register(set_stage, *allowed_button(CaseAction.STAGE))
    router.callback_query.register(close_case, *allowed_button(CaseAction.CLOSE))
    router.callback_query.register(choose_follow_up, *allowed_button(CaseAction.FOLLOW_UP))
    router.callback_query.register(set_follow_up, *allowed_button(CaseAction.FOLLOW_UP_SET))
    router.callback_query.register(ask_note, *allowed_button(CaseAction.NOTE))
    router.message.register(save_note, CaseNote.text, F.text, Allowed(Permission.SERVE_CLIENTS))
    router.message.register(note_fallback, CaseNote.text, Allowed(Permission.SERVE_CLIENTS))
    return router
