"""/clients, a client's card and what a counselor does with it (stage, notes, follow-up, a pick for the
client), reassignment by managers, and /audit. See docs/casework.md.

Each handler has the `Allowed` filter of its permission (`buttons.CASE_PERMISSIONS`); what it refuses falls
through to the refusal handlers at the end. A button or typed reference naming a client is checked against the
presser afresh (`Casework.reach`): a counselor reaches only the clients assigned to them now.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import (
    CURATION_NOTE_LIMIT,
    FOLLOW_UP_CHOICES,
    NOTE_LIMIT,
    ClosingReason,
    follow_up_day,
    parse_closing_reason,
    parse_stage,
    sees_every_client,
)
from domain.identity import Principal
from domain.pipeline import Stage
from domain.staff import Permission
from handlers.casework import views
from handlers.casework.audit_log import audit_view, resolve_reference
from handlers.casework.buttons import (
    AUDIT_PERMISSION,
    CASE_PERMISSIONS,
    COMMAND_PERMISSIONS,
    AuditButton,
    AuditFilter,
    CaseAction,
    CaseButton,
    Scope,
    short,
)
from handlers.casework.service import Casework, InReach, problem_text
from handlers.keyboards import InlineKeyboardBuilder
from handlers.staff_access import Actor, Allowed, refusal_for, refuse_the_rest
from handlers.texts import quote
from storage.matching_source import MatchPool
from storage.unit_of_work import UnitOfWork

router = Router(name="casework")

CLIENT_KEY = "case_client"
CANDIDATE_KEY = "case_candidate"


class CaseNote(StatesGroup):
    text = State()  # a counselor is writing a note about `case_client`


class Curation(StatesGroup):
    candidate = State()  # choosing whom to propose to `case_client`
    note = State()  # writing the personal note for the pick `case_candidate`


def _action(action: CaseAction) -> tuple[CallbackQueryFilter, Allowed]:
    return CaseButton.filter(F.action == action), Allowed(CASE_PERMISSIONS[action])


def _casework(data: dict[str, Any]) -> Casework:
    return Casework(
        uow=data["uow"],
        settings=data["settings"],
        clock=data["clock"],
        i18n=data["i18n"],
        principal=data.get("principal"),
    )


async def _show(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(callback.message, Message):
        try:
            await callback.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            if "message is not modified" not in exc.message:
                raise
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def _say(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the presser's chat (the pressed message may be too old to answer)."""
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def _reach(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID | None) -> InReach | None:
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await callback.answer(found, show_alert=True)
        return None
    return found


async def _client_from_state(state: FSMContext) -> UUID | None:
    value = (await state.get_data()).get(CLIENT_KEY)
    try:
        return UUID(hex=value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- /clients and the card ---------------------------------------------------------------------------------


@router.message(Command("clients"), Allowed(COMMAND_PERMISSIONS["clients"]))
async def list_clients(message: Message, command: CommandObject, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    if not command.args:
        text, markup = await work.list_view(actor, Scope.MINE, 0)
        await message.answer(text, reply_markup=markup)
        return
    reference = command.args.strip()
    found = await work.find_candidates(reference)
    if len(found) != 1:
        await message.answer(
            _("No single client has the reference “{reference}”. Send /clients to see your clients.").format(
                reference=quote(reference[:32])
            )
        )
        return
    reached = await work.reach(actor, found[0])
    if isinstance(reached, str):
        await message.answer(reached)
        return
    text, markup = await work.card(actor, reached)
    await message.answer(text, reply_markup=markup)


@router.callback_query(*_action(CaseAction.LIST))
async def page_clients(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    if callback_data.scope is not Scope.MINE and not sees_every_client(actor.role):
        await callback.answer(_("Only managers see every client."), show_alert=True)
        return
    page = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    await callback.answer()
    await _show(callback, *await _casework(data).list_view(actor, callback_data.scope, page))


@router.callback_query(*_action(CaseAction.OPEN))
async def open_card(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await callback.answer()
    await _show(callback, *await work.card(actor, found))


# --- the pipeline ------------------------------------------------------------------------------------------


@router.callback_query(*_action(CaseAction.STAGES))
async def choose_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
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
    await _show(callback, text, builder.as_markup())


async def _after_change(callback: CallbackQuery, work: Casework, actor: Actor, client_id: UUID, toast: str) -> None:
    found = await work.reach(actor, client_id)
    await callback.answer(toast)
    if not isinstance(found, str):
        await _show(callback, *await work.card(actor, found))


@router.callback_query(*_action(CaseAction.STAGE))
async def set_stage(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    stage = parse_stage(callback_data.arg)
    if stage is None:
        await callback.answer(_("This button is no longer active."))
        return
    found = await _reach(callback, work, actor, callback_data.client)
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
        await _show(callback, _("Why is the case closed?"), builder.as_markup())
        return
    changed = await work.change_stage(actor, found.client_id, stage)
    toast = _("Stage: {stage}.").format(stage=views.stage_label(stage)) if changed else _("Already in this stage.")
    await _after_change(callback, work, actor, found.client_id, toast)


@router.callback_query(*_action(CaseAction.CLOSE))
async def close_case(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    reason = parse_closing_reason(callback_data.arg)
    if reason is None:
        await callback.answer(_("This button is no longer active."))
        return
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    changed = await work.change_stage(actor, found.client_id, Stage.CLOSED, reason)
    toast = _("Case closed: {reason}.").format(reason=views.closing_reason_label(reason))
    await _after_change(callback, work, actor, found.client_id, toast if changed else _("Already in this stage."))


# --- follow-up ---------------------------------------------------------------------------------------------


@router.callback_query(*_action(CaseAction.FOLLOW_UP))
async def choose_follow_up(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
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
    await _show(callback, text, builder.as_markup())


@router.callback_query(*_action(CaseAction.FOLLOW_UP_SET))
async def set_follow_up(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    if not callback_data.arg.isdigit() or int(callback_data.arg) not in (0, *FOLLOW_UP_CHOICES):
        await callback.answer(_("This button is no longer active."))
        return
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    day = follow_up_day(work.today(), int(callback_data.arg))
    if not await work.set_follow_up(actor, found.client_id, day):
        await callback.answer(_("Assign the client to a counselor first."), show_alert=True)
        return
    toast = _("Follow-up: {date}.").format(date=day.isoformat()) if day else _("No follow-up planned.")
    await _after_change(callback, work, actor, found.client_id, toast)


# --- notes -------------------------------------------------------------------------------------------------


@router.callback_query(*_action(CaseAction.NOTE))
async def ask_note(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, state: FSMContext, **data: Any
) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await state.set_state(CaseNote.text)
    await state.update_data({CLIENT_KEY: found.client_id.hex})
    await callback.answer()
    await _say(
        callback,
        _(
            "Write your note about {client} (up to {limit} characters). It is stored encrypted and shown on "
            "the card to staff who may open it. /cancel to stop."
        ).format(client=views.client_reference(found.client_id, found.profile), limit=NOTE_LIMIT),
    )


@router.message(CaseNote.text, F.text, Allowed(Permission.SERVE_CLIENTS))
async def save_note(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = _casework(data)
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(_("Please send the note as text, or /cancel."))
        return
    if len(text) > NOTE_LIMIT:
        await message.answer(
            _("That is {count} characters; please keep it under {limit}.").format(count=len(text), limit=NOTE_LIMIT)
        )
        return
    found = await work.reach(actor, await _client_from_state(state))
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


# --- curation: a counselor's pick ---------------------------------------------------------------------------


@router.callback_query(*_action(CaseAction.CURATE))
async def ask_candidate(
    callback: CallbackQuery,
    callback_data: CaseButton,
    actor: Actor,
    state: FSMContext,
    match_pool: MatchPool,
    **data: Any,
) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if found.profile.status != "active":
        await callback.answer(problem_text_inactive(), show_alert=True)
        return
    await state.set_state(Curation.candidate)
    await state.set_data({CLIENT_KEY: found.client_id.hex})
    ideas = await work.candidate_ideas(match_pool, found.client_id)
    builder = InlineKeyboardBuilder()
    lines = [
        _(
            "Whom would you like to propose to {client}? Send the candidate's reference (the 8 characters in "
            "/clients), or choose one of the matcher's best ideas. /cancel to stop."
        ).format(client=views.client_reference(found.client_id, found.profile))
    ]
    for candidate_id in ideas:
        profile = await work.uow.profiles.get(candidate_id)
        lines.append(views.list_line(candidate_id, profile, None, work.today()))
        builder.button(
            text=f"{views.button_name(profile)} · {short(candidate_id)}",
            callback_data=CaseButton(action=CaseAction.CANDIDATE, client=found.client_id, arg=short(candidate_id)),
        )
    await callback.answer()
    await _say(callback, "\n".join(lines), builder.as_markup() if ideas else None)


def problem_text_inactive() -> str:
    return _("This client is not active (paused or gone), so they get no suggestions.")


async def _choose_candidate(
    work: Casework, actor: Actor, state: FSMContext, client_id: UUID | None, reference: str
) -> str:
    """Check the pick; when it is possible, ask for the note. Returns what to say."""
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await state.clear()
        return found
    candidates = await work.find_candidates(reference)
    if len(candidates) != 1:
        return _("No single client has the reference “{reference}”. Please check it and send it again.").format(
            reference=quote(reference[:32])
        )
    candidate_id = candidates[0]
    problem = await work.curation_check(found.client_id, candidate_id)
    if problem is not None:
        return problem_text(problem) + "\n" + _("Send another reference, or /cancel.")
    await state.set_state(Curation.note)
    await state.set_data({CLIENT_KEY: found.client_id.hex, CANDIDATE_KEY: candidate_id.hex})
    candidate = await work.uow.profiles.get(candidate_id)
    return _(
        "Now a personal note for {client} about {candidate}: why you think they could fit (up to {limit} "
        "characters). The client sees it on the card with your pick."
    ).format(
        client=views.client_reference(found.client_id, found.profile),
        candidate=views.client_reference(candidate_id, candidate),
        limit=CURATION_NOTE_LIMIT,
    )


@router.callback_query(*_action(CaseAction.CANDIDATE))
async def candidate_button(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, state: FSMContext, **data: Any
) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await callback.answer()
    text = await _choose_candidate(work, actor, state, found.client_id, callback_data.arg)
    await _say(callback, text)


@router.message(Curation.candidate, F.text, Allowed(Permission.RECOMMEND))
async def candidate_typed(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = _casework(data)
    text = await _choose_candidate(work, actor, state, await _client_from_state(state), message.text or "")
    await message.answer(text)


@router.message(Curation.note, F.text, Allowed(Permission.RECOMMEND))
async def curation_note(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = _casework(data)
    note = (message.text or "").strip()
    if not note or note.startswith("/"):
        await message.answer(_("Please send the note as text, or /cancel."))
        return
    if len(note) > CURATION_NOTE_LIMIT:
        await message.answer(
            _("That is {count} characters; please keep it under {limit}.").format(
                count=len(note), limit=CURATION_NOTE_LIMIT
            )
        )
        return
    stored = await state.get_data()
    client_id = await _client_from_state(state)
    candidate_hex = stored.get(CANDIDATE_KEY)
    await state.clear()
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await message.answer(found)
        return
    try:
        candidate_id = UUID(hex=str(candidate_hex))
    except ValueError:
        await message.answer(_("This button is no longer active."))
        return
    problem = await work.curation_check(found.client_id, candidate_id)  # things may have changed meanwhile
    if problem is not None:
        await message.answer(problem_text(problem))
        return
    await work.curate(actor, found.client_id, candidate_id, note)
    await message.answer(
        _("💌 Done: your pick will be first in {client}'s next suggestions, marked as yours.").format(
            client=views.client_reference(found.client_id, found.profile)
        )
    )


@router.message(Curation.candidate, Allowed(Permission.RECOMMEND))
@router.message(Curation.note, Allowed(Permission.RECOMMEND))
async def curation_fallback(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))


# --- reassignment (managers) -------------------------------------------------------------------------------


@router.callback_query(*_action(CaseAction.REASSIGN))
async def choose_counselor(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    current = None if found.assignment is None else found.assignment.counselor_id
    builder = InlineKeyboardBuilder()
    for member, load in await work.counselors():
        mark = "✓ " if member.account_id == current else ""
        name = (member.display_name or "?")[:24]
        builder.button(
            text=_("{mark}{name} (clients: {count})").format(mark=mark, name=name, count=load),
            callback_data=CaseButton(action=CaseAction.ASSIGN_TO, client=found.client_id, arg=short(member.account_id)),
        )
    builder.button(text=_("« Back"), callback_data=CaseButton(action=CaseAction.OPEN, client=found.client_id))
    await callback.answer()
    text = _("Who should look after {client}? Counselors who accepted the service standard:").format(
        client=views.client_reference(found.client_id, found.profile)
    )
    await _show(callback, text, builder.as_markup())


@router.callback_query(*_action(CaseAction.ASSIGN_TO))
async def assign_to(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = _casework(data)
    found = await _reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    counselor = await work.counselor_by_reference(callback_data.arg)
    if counselor is None:
        await callback.answer(_("This counselor cannot take clients now."), show_alert=True)
        return
    changed = await work.reassign(actor, found, counselor)
    name = views.staff_name(counselor)
    toast = _("Now looked after by {name}.").format(name=name) if changed else _("Nothing changed.")
    await _after_change(callback, work, actor, found.client_id, toast)


# --- /audit -------------------------------------------------------------------------------------------------


@router.message(Command("audit"), Allowed(AUDIT_PERMISSION))
async def show_audit(message: Message, command: CommandObject, **data: Any) -> None:
    work = _casework(data)
    if not command.args:
        text, markup = await audit_view(work, AuditFilter.ALL, None, 0)
        await message.answer(text, reply_markup=markup)
        return
    resolved = await resolve_reference(work, command.args.strip())
    if resolved is None:
        await message.answer(
            _("No staff member or client has the reference “{reference}”.").format(
                reference=quote(command.args.strip()[:32])
            )
        )
        return
    text, markup = await audit_view(work, *resolved, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AuditButton.filter(), Allowed(AUDIT_PERMISSION))
async def page_audit(callback: CallbackQuery, callback_data: AuditButton, **data: Any) -> None:
    await callback.answer()
    view = await audit_view(_casework(data), callback_data.kind, callback_data.who, max(callback_data.page, 0))
    await _show(callback, *view)


# --- refusals -------------------------------------------------------------------------------------------------


refuse_the_rest(
    router,
    commands=COMMAND_PERMISSIONS,
    buttons=[
        (CaseButton, lambda data: CASE_PERMISSIONS[data.action]),
        (AuditButton, lambda _data: AUDIT_PERMISSION),
    ],
)


@router.message(CaseNote.text)
@router.message(Curation.candidate)
@router.message(Curation.note)
async def refuse_in_state(
    message: Message, state: FSMContext, uow: UnitOfWork, principal: Principal | None = None
) -> None:
    """Access was withdrawn while a note or pick was being written: stop it."""
    await state.clear()
    text = await refusal_for(principal, uow, Permission.SERVE_CLIENTS)
    await message.answer(text)
