"""Proposing a date: the entry buttons (a client's, a counselor's for their client), the calendar and time
picker, and the venue."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import may_open
from domain.dates import MAX_SLOTS, VENUE_LIMIT, SlotProblem, find_venue
from domain.identity import Principal
from domain.staff import Permission
from handlers.dates.flow import (
    AGENCY,
    DateFlow,
    ask_venue,
    begin_draft,
    calendar_range,
    calendar_text,
    chosen_text,
    clear_buttons,
    draft_slots,
    edit_shown,
    load_draft,
    people_of,
    proposer_of,
    reason_given,
    refusal_text,
    save_draft,
    show_calendar,
    slot_problem_text,
    stale_button,
    submit_draft,
)
from handlers.journey import Conversation
from handlers.services.dates.keeper import DateKeeper
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refusal_for
from handlers.views.dates import messages, picker
from handlers.views.dates.buttons import CounselorDate, Draft, DraftButton, ProposeDate, parse_id
from storage.unit_of_work import UnitOfWork

router = Router(name="dates.proposing")


# --- starting a proposal -------------------------------------------------------------------------------------
@router.callback_query(ProposeDate.filter())
async def propose_date(
    callback: CallbackQuery, callback_data: ProposeDate, conversation: Conversation, keeper: DateKeeper
) -> None:
    me = conversation.account_id
    introduction = None if me is None else await keeper.own_introduction(me, parse_id(callback_data.introduction))
    if introduction is None or me is None:
        await callback.answer(stale_button())
        return
    other = introduction.other(me)
    refusal = await keeper.may_propose(introduction)
    if refusal is not None:
        await callback.answer()
        await conversation.send(refusal_text(refusal, await keeper.name_of(other)))
        return
    await callback.answer()
    draft = await begin_draft(
        conversation, keeper, mode="new", me=me, other=other, introduction=introduction.id, record=None
    )
    await show_calendar(conversation, keeper, draft)


@router.callback_query(CounselorDate.filter(), Allowed(Permission.SERVE_CLIENTS))
async def counselor_proposes(
    callback: CallbackQuery,
    callback_data: CounselorDate,
    actor: Actor,
    conversation: Conversation,
    keeper: DateKeeper,
) -> None:
    """A counselor proposes a date for one of a connected pair: the same picker, in the counselor's chat; the
    proposal goes out in the client's name and the client is told."""
    introduction_id = parse_id(callback_data.introduction)
    introduction = None if introduction_id is None else await keeper.uow.introductions.get(introduction_id)
    if introduction is None or callback_data.side not in (0, 1):
        await callback.answer(stale_button())
        return
    client = introduction.first_id if callback_data.side == 0 else introduction.second_id
    if not may_open(actor.role, actor.account_id, await keeper.uow.assignments.counselor_of(client)):
        await callback.answer(_("This client is not assigned to you."), show_alert=True)
        return
    other = introduction.other(client)
    refusal = await keeper.may_propose(introduction)
    if refusal is not None:
        await callback.answer()
        await conversation.send(refusal_text(refusal, await keeper.name_of(other)))
        return
    await callback.answer()
    draft = await begin_draft(
        conversation, keeper, mode="new", me=client, other=other, introduction=introduction.id, record=None
    )
    draft["by"] = actor.account_id.hex if actor.account_id else AGENCY
    await save_draft(conversation, draft)
    await show_calendar(conversation, keeper, draft)


@router.callback_query(CounselorDate.filter())
async def counselor_proposes_refused(
    callback: CallbackQuery, uow: UnitOfWork, principal: Principal | None = None
) -> None:
    await callback.answer(await refusal_for(principal, uow, Permission.SERVE_CLIENTS), show_alert=True)


# --- the picker ----------------------------------------------------------------------------------------------
@router.callback_query(DraftButton.filter())
async def draft_button(
    callback: CallbackQuery, callback_data: DraftButton, conversation: Conversation, keeper: DateKeeper
) -> None:
    draft = await load_draft(conversation)
    state = await conversation.get_state()
    if (
        draft is None
        or draft.get("flow") != callback_data.flow
        or state not in (DateFlow.slots.state, DateFlow.venue.state, DateFlow.reason.state)
        or conversation.account_id is None
    ):
        await callback.answer(_("This calendar is no longer active. Start again from /dates."))
        return
    zone = await keeper.zone_of(proposer_of(draft))
    act, value = callback_data.act, callback_data.value
    if act is Draft.NOOP:
        await callback.answer()
        return
    if act is Draft.QUIT:
        await callback.answer()
        await conversation.clear_state()
        await edit_shown(callback, conversation, _("All right, nothing was sent."), None)
        return
    if state == DateFlow.reason.state:
        if act is not Draft.SKIP:
            await callback.answer(stale_button())
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        await reason_given(conversation, keeper, draft, None)
        return
    first, last = calendar_range(keeper, zone)
    if act in (Draft.MONTH, Draft.CALENDAR, Draft.MORE):
        shown = first
        if act is Draft.MONTH:
            try:
                shown = datetime.strptime(value + "01", "%Y%m%d").date()
            except ValueError:
                shown = first
            if shown < first.replace(day=1) or shown > last:
                shown = first
        if act is Draft.MORE and len(draft_slots(draft)) >= MAX_SLOTS:
            await callback.answer(slot_problem_text(SlotProblem.FULL), show_alert=True)
            return
        await callback.answer()
        await conversation.set_state(DateFlow.slots)
        text = await calendar_text(keeper, draft, zone)
        await edit_shown(callback, conversation, text, picker.calendar_keyboard(draft["flow"], shown, first, last))
        return
    if act is Draft.DAY:
        try:
            day = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            await callback.answer(stale_button())
            return
        if not first <= day <= last:
            await callback.answer(slot_problem_text(SlotProblem.PAST if day < first else SlotProblem.TOO_FAR))
            return
        await callback.answer()
        earliest = keeper.now().astimezone(zone).replace(tzinfo=None) if day == first else None
        markup = picker.times_keyboard(draft["flow"], day, earliest)
        text = _("{day}: choose a start time ({zone}).").format(day=messages.day_label(day), zone=zone)
        await edit_shown(callback, conversation, text, markup)
        return
    if act is Draft.TIME:
        try:
            local = datetime.strptime(value, "%Y%m%d%H%M")
        except ValueError:
            await callback.answer(stale_button())
            return
        slot = local.replace(tzinfo=zone).astimezone(keeper.now().tzinfo)
        chosen = draft_slots(draft)
        except_date = UUID(hex=draft["date"]) if draft["date"] else None
        problem = await keeper.check_slot(people_of(draft), slot, chosen, except_date=except_date)
        if problem is not None:
            await callback.answer(slot_problem_text(problem), show_alert=True)
            return
        await callback.answer()
        draft["slots"] = [s.isoformat() for s in sorted([*chosen, slot])]
        await save_draft(conversation, draft)
        await edit_shown(
            callback,
            conversation,
            chosen_text(draft, zone),
            picker.chosen_keyboard(draft["flow"], len(draft["slots"])),
        )
        return
    if act is Draft.UNDO:
        await callback.answer()
        draft["slots"] = draft["slots"][:-1]
        await save_draft(conversation, draft)
        await edit_shown(
            callback,
            conversation,
            chosen_text(draft, zone),
            picker.chosen_keyboard(draft["flow"], len(draft["slots"])),
        )
        return
    if act is Draft.VENUE:
        if not draft["slots"]:
            await callback.answer(_("Please choose at least one time first."))
            return
        await callback.answer()
        await ask_venue(conversation, keeper, draft, callback)
        return
    if state != DateFlow.venue.state:
        await callback.answer(stale_button())
        return
    if act is Draft.PLACE:
        if find_venue(value) is None:
            await callback.answer(stale_button())
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        await submit_draft(conversation, keeper, draft, venue_code=value, venue_text=None)
        return
    if act is Draft.KEEP and draft["date"]:
        await callback.answer()
        await clear_buttons(callback, conversation)
        await submit_draft(conversation, keeper, draft, venue_code=None, venue_text=None, keep=True)
        return
    await callback.answer(stale_button())


def ask_venue_again() -> str:
    return _("Please choose a place from the buttons, or type its name and address.")


@router.message(DateFlow.venue, F.text)
async def venue_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = " ".join((message.text or "").split())
    draft = await load_draft(conversation)
    if draft is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    if text.startswith("/"):
        await conversation.send(_("I don't know that command.") + " " + ask_venue_again())
        return
    if len(text) > VENUE_LIMIT:
        await conversation.send(
            _("That is {length} characters; please keep the venue under {limit}.").format(
                length=len(text), limit=VENUE_LIMIT
            )
        )
        return
    if not text:
        await conversation.send(ask_venue_again())
        return
    await submit_draft(conversation, keeper, draft, venue_code=None, venue_text=text)


@router.message(DateFlow.venue)
async def venue_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(ask_venue_again())


@router.message(DateFlow.slots)
async def slots_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please pick the day and time with the buttons above, or send /cancel."))
