"""A counselor's pick: propose a specific candidate to a client, with a personal note."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import CURATION_NOTE_LIMIT
from domain.staff import Permission
from handlers.answers import say
from handlers.casework.flow import (
    CANDIDATE_KEY,
    CLIENT_KEY,
    Curation,
    allowed_button,
    casework_of,
    client_from_state,
    problem_text_inactive,
    reach,
)
from handlers.services.casework.casework import Casework, problem_text
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton, short
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote
from storage.matching_source import MatchPool

router = Router(name="casework.curation")


# --- curation: a counselor's pick ---------------------------------------------------------------------------


@router.callback_query(*allowed_button(CaseAction.CURATE))
async def ask_candidate(
    callback: CallbackQuery,
    callback_data: CaseButton,
    actor: Actor,
    state: FSMContext,
    match_pool: MatchPool,
    **data: Any,
) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
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
    await say(callback, "\n".join(lines), builder.as_markup() if ideas else None)


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


@router.callback_query(*allowed_button(CaseAction.CANDIDATE))
async def candidate_button(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, state: FSMContext, **data: Any
) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await callback.answer()
    text = await _choose_candidate(work, actor, state, found.client_id, callback_data.arg)
    await say(callback, text)


@router.message(Curation.candidate, F.text, Allowed(Permission.RECOMMEND))
async def candidate_typed(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = casework_of(data)
    text = await _choose_candidate(work, actor, state, await client_from_state(state), message.text or "")
    await message.answer(text)


@router.message(Curation.note, F.text, Allowed(Permission.RECOMMEND))
async def curation_note(message: Message, actor: Actor, state: FSMContext, **data: Any) -> None:
    work = casework_of(data)
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
    client_id = await client_from_state(state)
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
