"""A counselor's pick: propose a specific candidate to a client, with a personal note."""

from __future__ import annotations

from uuid import UUID

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import CURATION_NOTE_LIMIT, CurationProblem
from domain.staff import Permission
from handlers.answers import say
from handlers.casework.flow import CaseDraft, Curation, allowed_button, drafted_client, reach
from handlers.services.casework.casework import Casework, problem_text
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton
from handlers.views.casework.choices import candidate_choice

# --- curation: a counselor's pick ---------------------------------------------------------------------------


async def ask_candidate(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services, state: FSMContext
) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    if found.profile.status != "active":
        await callback.answer(problem_text(CurationProblem.CLIENT_INACTIVE), show_alert=True)
        return
    refusal = await work.curation_refusal(found, html=False)
    if refusal is not None:
        await callback.answer(refusal, show_alert=True)
        return
    await CaseDraft(case_client=found.client_id).keep(state, Curation.candidate)
    ideas = await work.candidate_ideas(services.match_pool, found.client_id)
    text, markup = candidate_choice(found.client_id, found.profile, ideas, work.today())
    await callback.answer()
    await say(callback, text, markup)


async def choose_candidate(
    work: Casework, actor: Actor, state: FSMContext, client_id: UUID | None, reference: str
) -> str:
    """Check the pick; when it is possible, ask for the note. Returns what to say."""
    found = await work.reach(actor, client_id)
    if isinstance(found, str):
        await state.clear()
        return found
    refusal = await work.curation_refusal(found, html=True)
    if refusal is not None:
        await state.clear()
        return refusal
    picked = await work.candidate_for(found, reference)
    if isinstance(picked, str):
        return picked
    candidate_id, candidate = picked
    await CaseDraft(case_client=found.client_id, case_candidate=candidate_id).keep(state, Curation.note)
    return _(
        "Now a personal note for {client} about {candidate}: why you think they could fit (up to {limit} "
        "character). The client sees it on the card with your pick.",
        "Now a personal note for {client} about {candidate}: why you think they could fit (up to {limit} "
        "characters). The client sees it on the card with your pick.",
        CURATION_NOTE_LIMIT,
    ).format(
        client=views.client_reference(found.client_id, found.profile),
        candidate=views.client_reference(candidate_id, candidate),
        limit=CURATION_NOTE_LIMIT,
    )


async def candidate_button(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services, state: FSMContext
) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    refusal = await work.curation_refusal(found, html=False)
    if refusal is not None:
        await state.clear()
        await callback.answer(refusal, show_alert=True)
        return
    await callback.answer()
    await say(callback, await choose_candidate(work, actor, state, found.client_id, callback_data.arg))


async def candidate_typed(message: Message, actor: Actor, services: Services, state: FSMContext) -> None:
    client_id = await drafted_client(state)
    await message.answer(await choose_candidate(services.casework, actor, state, client_id, message.text or ""))


async def curation_note(message: Message, actor: Actor, services: Services, state: FSMContext) -> None:
    work = services.casework
    note = (message.text or "").strip()
    if not note or note.startswith("/"):
        await message.answer(_("Please send the note as text, or /cancel."))
        return
    if len(note) > CURATION_NOTE_LIMIT:
        await message.answer(
            _(
                "That is {count} character; please keep it under {limit}.",
                "That is {count} characters; please keep it under {limit}.",
                len(note),
            ).format(count=len(note), limit=CURATION_NOTE_LIMIT)
        )
        return
    draft = await CaseDraft.of(state)
    await state.clear()
    found = await work.reach(actor, None if draft is None else draft.case_client)
    if isinstance(found, str):
        await message.answer(found)
        return
    if draft is None or draft.case_candidate is None:
        await message.answer(_("This button is no longer active."))
        return
    refusal = await work.curation_refusal(found, html=True)
    if refusal is not None:  # the membership ended while the note was written
        await message.answer(refusal)
        return
    problem = await work.propose(actor, found, draft.case_candidate, note)
    if problem is not None:
        await message.answer(problem_text(problem))
        return
    await message.answer(
        _("💌 Done: your pick will be first in {client}'s next suggestions, marked as yours.").format(
            client=views.client_reference(found.client_id, found.profile)
        )
    )


async def curation_fallback(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))


def create_router() -> Router:
    router = Router(name="casework.curation")
    router.callback_query.register(ask_candidate, *allowed_button(CaseAction.CURATE))
    router.callback_query.register(candidate_button, *allowed_button(CaseAction.CANDIDATE))
    router.message.register(candidate_typed, Curation.candidate, F.text, Allowed(Permission.RECOMMEND))
    router.message.register(curation_note, Curation.note, F.text, Allowed(Permission.RECOMMEND))
    router.message.register(curation_fallback, Curation.candidate, Allowed(Permission.RECOMMEND))
    router.message.register(curation_fallback, Curation.note, Allowed(Permission.RECOMMEND))
    return router
