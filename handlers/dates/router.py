"""Dates in the chat: propose (calendar, times, venue), answer (pick a slot, propose other times, decline),
/dates (reschedule, cancel), the calendar file, "running late", and feedback. Thin: `DateKeeper` decides,
`messages` and `picker` render.

A draft (new proposal, counter-proposal or reschedule) lives in the conversation state under `DRAFT`:
its nonce (carried by every picker button), the mode, the introduction or date and round it answers, the
chosen slots (UTC) and the reason given. Only JSON values.
"""

from __future__ import annotations

import copy
import secrets
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import may_open
from domain.dates import (
    CALENDAR_DAYS,
    COMMENT_LIMIT,
    DATE_LENGTH,
    MAX_SLOTS,
    REASON_LIMIT,
    VENUE_LIMIT,
    DateState,
    SlotProblem,
    find_venue,
    suggest_venues,
)
from domain.delivery import InlineButton
from domain.identity import Principal
from domain.staff import Permission
from handlers.dates import messages, picker
from handlers.dates.buttons import (
    CounselorDate,
    DateAct,
    DateButton,
    Draft,
    DraftButton,
    Feedback,
    FeedbackButton,
    ProposeDate,
    SlotButton,
    parse_id,
    propose_date_button,
)
from handlers.dates.calendar_file import ics_file
from handlers.dates.service import DateKeeper, Refusal
from handlers.journey import Conversation, install_conversation
from handlers.matching.buttons import markup_of
from handlers.routing import provide
from handlers.staff_access import Actor, Allowed, refusal_for
from handlers.texts import current_locale, quote
from storage.repositories.dates import DateRecord
from storage.unit_of_work import UnitOfWork

router = Router(name="dates")
install_conversation(router.message, router.callback_query)

DRAFT = "date_draft"
FEEDBACK_REF = "date_feedback"
PAST_SHOWN = 5


class DateFlow(StatesGroup):
    slots = State()  # picking days and times in the calendar
    venue = State()  # choosing or typing the venue
    reason = State()  # the optional reason for a reschedule or a cancellation
    comment = State()  # the optional comment of a date's feedback


provide(
    router,
    "keeper",
    lambda data: DateKeeper(uow=data["uow"], settings=data["settings"], clock=data["clock"], i18n=data["i18n"]),
)


# --- helpers -------------------------------------------------------------------------------------------------
async def _edit(
    callback: CallbackQuery, conversation: Conversation, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show `text` in place of the pressed message (or as a new message when it cannot be edited)."""
    if isinstance(callback.message, Message) and callback.message.text is not None:
        await conversation.bot.edit_message_text(
            text=text, chat_id=callback.message.chat.id, message_id=callback.message.message_id, reply_markup=markup
        )
    else:
        await conversation.send(text, markup)


async def _clear_buttons(callback: CallbackQuery, conversation: Conversation) -> None:
    if isinstance(callback.message, Message) and callback.message.reply_markup is not None:
        await conversation.bot.edit_message_reply_markup(
            chat_id=callback.message.chat.id, message_id=callback.message.message_id, reply_markup=None
        )


def refusal_text(refusal: Refusal, name: str) -> str:
    return {
        Refusal.CLOSED: _("This introduction is no longer active, so a date cannot be arranged."),
        Refusal.OPEN_DATE: _("You already have a date in progress with {name}. See /dates."),
        Refusal.STALE: _("This proposal has changed in the meantime. Please look at the latest message or /dates."),
        Refusal.OWN: _("This is your own proposal: I am waiting for {name}'s answer."),
        Refusal.PAST: _("That time has already passed. Please choose another time."),
        Refusal.BOOKED: _("One of you already has a date close to that time. Please choose another time."),
    }[refusal].format(name=name)


def slot_problem_text(problem: SlotProblem) -> str:
    return {
        SlotProblem.PAST: _("That time has already passed. Please choose another time."),
        SlotProblem.TOO_FAR: _("That is too far ahead: please choose a day within {days} days.").format(
            days=CALENDAR_DAYS
        ),
        SlotProblem.BOOKED: _("One of you already has a date close to that time. Please choose another time."),
        SlotProblem.DUPLICATE: _("You have already chosen that time."),
        SlotProblem.FULL: _("You can propose up to {count} times.").format(count=MAX_SLOTS),
    }[problem]


def stale_button() -> str:
    return _("This button is no longer active.")


# --- the draft -----------------------------------------------------------------------------------------------
async def _draft(conversation: Conversation) -> dict[str, Any] | None:
    draft = (await conversation.data()).get(DRAFT)
    return copy.deepcopy(draft) if isinstance(draft, dict) else None


async def _save_draft(conversation: Conversation, draft: dict[str, Any]) -> None:
    data = await conversation.data()
    data[DRAFT] = copy.deepcopy(draft)
    await conversation.set_data(data)


def _slots(draft: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in draft.get("slots", [])]


def _proposer(draft: dict[str, Any]) -> UUID:
    """Whose proposal the draft is: the client themself, or the client a counselor proposes for."""
    return UUID(hex=draft["people"][0])


def _people(draft: dict[str, Any]) -> tuple[UUID, UUID]:
    first, second = draft["people"]
    return UUID(hex=first), UUID(hex=second)


async def _begin(
    conversation: Conversation,
    keeper: DateKeeper,
    *,
    mode: str,
    me: UUID,
    other: UUID,
    introduction: UUID,
    record: DateRecord | None,
) -> dict[str, Any]:
    draft = {
        "flow": secrets.token_hex(3),
        "mode": mode,
        "intro": introduction.hex,
        "date": record.id.hex if record else "",
        "round": record.round if record else 0,
        "people": [me.hex, other.hex],
        "other": other.hex,
        "slots": [],
        "reason": None,
    }
    await _save_draft(conversation, draft)
    return draft


async def _show_calendar(
    conversation: Conversation, keeper: DateKeeper, draft: dict[str, Any], callback: CallbackQuery | None = None
) -> None:
    zone = await keeper.zone_of(_proposer(draft))
    first, last = _range(keeper, zone)
    text = await _calendar_text(keeper, draft, zone)
    shown = _slots(draft)
    month = shown[-1].astimezone(zone).date() if shown else first
    await conversation.set_state(DateFlow.slots)
    markup = picker.calendar_keyboard(draft["flow"], month, first, last)
    if callback is not None:
        await _edit(callback, conversation, text, markup)
    else:
        await conversation.send(text, markup)


async def _calendar_text(keeper: DateKeeper, draft: dict[str, Any], zone: tzinfo) -> str:
    name = await keeper.name_of(UUID(hex=draft["other"]))
    if draft.get("by"):
        client = await keeper.name_of(_proposer(draft))
        return _("📅 Pick a day for {client}'s date with {name}. Times are in {client}'s time zone ({zone}).").format(
            client=client, name=name, zone=zone
        )
    return _("📅 Pick a day for your date with {name}. Times are in your time zone ({zone}).").format(
        name=name, zone=zone
    )


def _range(keeper: DateKeeper, zone: tzinfo) -> tuple[date, date]:
    today = keeper.now().astimezone(zone).date()
    return today, today + timedelta(days=CALENDAR_DAYS)


def _chosen_text(draft: dict[str, Any], zone: tzinfo) -> str:
    lines = [_("<b>The times you propose</b> ({zone}):").format(zone=zone), *messages.slot_lines(_slots(draft), zone)]
    lines += ["", _("Add another time (up to {count}), or go on to the venue.").format(count=MAX_SLOTS)]
    return "\n".join(lines)


async def _ask_venue(
    conversation: Conversation, keeper: DateKeeper, draft: dict[str, Any], callback: CallbackQuery
) -> None:
    me, other = UUID(hex=draft["people"][0]), UUID(hex=draft["other"])
    my_profile, their_profile = await conversation.uow.profiles.get(me), await conversation.uow.profiles.get(other)
    regions = [p.region_code if p else None for p in (my_profile, their_profile)]
    hobbies = [list(p.hobbies) if p else [] for p in (my_profile, their_profile)]
    venues = suggest_venues(regions, hobbies)
    keep = None
    if draft["date"]:
        record = await keeper.uow.dates.get(UUID(hex=draft["date"]))
        if record is not None and (record.venue_code or record.venue_text):
            keep = _plain_name(record)
    lines = [_("📍 <b>Where would you like to meet?</b> Ideas that suit what you both enjoy:")]
    lines += [messages.venue_line(venue) for venue in venues]
    lines += [
        "",
        _("Or type the name and address of another place (up to {limit} characters).").format(limit=VENUE_LIMIT),
    ]
    await conversation.set_state(DateFlow.venue)
    await _edit(callback, conversation, "\n".join(lines), picker.venues_keyboard(draft["flow"], venues, keep))


def _plain_name(record: DateRecord) -> str:
    venue = find_venue(record.venue_code) if record.venue_code else None
    if venue is not None:
        return venue.name(current_locale())
    return (record.venue_text or "")[:40]


async def _submit(
    conversation: Conversation,
    keeper: DateKeeper,
    draft: dict[str, Any],
    *,
    venue_code: str | None,
    venue_text: str | None,
    keep: bool = False,
) -> None:
    me = _proposer(draft)
    other = UUID(hex=draft["other"])
    name = await keeper.name_of(other)
    slots = _slots(draft)
    result: DateRecord | Refusal
    if draft["mode"] == "new":
        introduction = await keeper.own_introduction(me, UUID(hex=draft["intro"]))
        if introduction is None:
            result = Refusal.CLOSED
        else:
            result = await keeper.propose(introduction, me, slots, venue_code=venue_code, venue_text=venue_text)
    else:
        record = await keeper.own_date(me, UUID(hex=draft["date"]))
        if record is None or record.round != draft["round"]:
            result = Refusal.STALE
        else:
            if keep:
                venue_code, venue_text = record.venue_code, record.venue_text
            result = await keeper.repropose(
                record, me, slots, venue_code=venue_code, venue_text=venue_text, reason=draft.get("reason")
            )
            if isinstance(result, DateRecord) and record.reminded_at is not None:
                await conversation.send(
                    _(
                        "A reminder for the old time has already gone out; "
                        "I am telling {name} that it no longer stands."
                    ).format(name=name)
                )
    if isinstance(result, Refusal):
        if result in (Refusal.PAST, Refusal.BOOKED):
            draft["slots"] = []
            await _save_draft(conversation, draft)
            await conversation.set_state(DateFlow.slots)
            await conversation.send(refusal_text(result, name))
            await _show_calendar(conversation, keeper, draft)
            return
        await conversation.clear_state()
        await conversation.send(refusal_text(result, name))
        return
    await conversation.clear_state()
    zone = await keeper.zone_of(me)
    await conversation.send(messages.proposal_sent(result, name, zone))
    counselor = draft.get("by")
    if counselor:
        by = None if counselor == AGENCY else await keeper.uow.staff.get(UUID(hex=counselor))
        by_name = quote(by.display_name) if by and by.display_name else _("at the agency")
        proposal = result
        await keeper.notifier.to_client(
            me,
            lambda: messages.proposed_for_you(proposal, by_name, name, zone),
            dedupe_key=f"date-for-you:{proposal.id}:{proposal.round}",
        )


AGENCY = "agency"  # a proposal made by an owner known only from ADMIN_IDS (no account)


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
    draft = await _begin(
        conversation, keeper, mode="new", me=me, other=other, introduction=introduction.id, record=None
    )
    await _show_calendar(conversation, keeper, draft)


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
    draft = await _begin(
        conversation, keeper, mode="new", me=client, other=other, introduction=introduction.id, record=None
    )
    draft["by"] = actor.account_id.hex if actor.account_id else AGENCY
    await _save_draft(conversation, draft)
    await _show_calendar(conversation, keeper, draft)


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
    draft = await _draft(conversation)
    state = await conversation.get_state()
    if (
        draft is None
        or draft.get("flow") != callback_data.flow
        or state not in (DateFlow.slots.state, DateFlow.venue.state, DateFlow.reason.state)
        or conversation.account_id is None
    ):
        await callback.answer(_("This calendar is no longer active. Start again from /dates."))
        return
    zone = await keeper.zone_of(_proposer(draft))
    act, value = callback_data.act, callback_data.value
    if act is Draft.NOOP:
        await callback.answer()
        return
    if act is Draft.QUIT:
        await callback.answer()
        await conversation.clear_state()
        await _edit(callback, conversation, _("All right, nothing was sent."), None)
        return
    if state == DateFlow.reason.state:
        if act is not Draft.SKIP:
            await callback.answer(stale_button())
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await _reason_given(conversation, keeper, draft, None)
        return
    first, last = _range(keeper, zone)
    if act in (Draft.MONTH, Draft.CALENDAR, Draft.MORE):
        shown = first
        if act is Draft.MONTH:
            try:
                shown = datetime.strptime(value + "01", "%Y%m%d").date()
            except ValueError:
                shown = first
            if shown < first.replace(day=1) or shown > last:
                shown = first
        if act is Draft.MORE and len(_slots(draft)) >= MAX_SLOTS:
            await callback.answer(slot_problem_text(SlotProblem.FULL), show_alert=True)
            return
        await callback.answer()
        await conversation.set_state(DateFlow.slots)
        text = await _calendar_text(keeper, draft, zone)
        await _edit(callback, conversation, text, picker.calendar_keyboard(draft["flow"], shown, first, last))
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
        await _edit(callback, conversation, text, markup)
        return
    if act is Draft.TIME:
        try:
            local = datetime.strptime(value, "%Y%m%d%H%M")
        except ValueError:
            await callback.answer(stale_button())
            return
        slot = local.replace(tzinfo=zone).astimezone(keeper.now().tzinfo)
        chosen = _slots(draft)
        except_date = UUID(hex=draft["date"]) if draft["date"] else None
        problem = await keeper.check_slot(_people(draft), slot, chosen, except_date=except_date)
        if problem is not None:
            await callback.answer(slot_problem_text(problem), show_alert=True)
            return
        await callback.answer()
        draft["slots"] = [s.isoformat() for s in sorted([*chosen, slot])]
        await _save_draft(conversation, draft)
        await _edit(
            callback,
            conversation,
            _chosen_text(draft, zone),
            picker.chosen_keyboard(draft["flow"], len(draft["slots"])),
        )
        return
    if act is Draft.UNDO:
        await callback.answer()
        draft["slots"] = draft["slots"][:-1]
        await _save_draft(conversation, draft)
        await _edit(
            callback,
            conversation,
            _chosen_text(draft, zone),
            picker.chosen_keyboard(draft["flow"], len(draft["slots"])),
        )
        return
    if act is Draft.VENUE:
        if not draft["slots"]:
            await callback.answer(_("Please choose at least one time first."))
            return
        await callback.answer()
        await _ask_venue(conversation, keeper, draft, callback)
        return
    if state != DateFlow.venue.state:
        await callback.answer(stale_button())
        return
    if act is Draft.PLACE:
        if find_venue(value) is None:
            await callback.answer(stale_button())
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await _submit(conversation, keeper, draft, venue_code=value, venue_text=None)
        return
    if act is Draft.KEEP and draft["date"]:
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await _submit(conversation, keeper, draft, venue_code=None, venue_text=None, keep=True)
        return
    await callback.answer(stale_button())


def ask_venue_again() -> str:
    return _("Please choose a place from the buttons, or type its name and address.")


@router.message(DateFlow.venue, F.text)
async def venue_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = " ".join((message.text or "").split())
    draft = await _draft(conversation)
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
    await _submit(conversation, keeper, draft, venue_code=None, venue_text=text)


@router.message(DateFlow.venue)
async def venue_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(ask_venue_again())


@router.message(DateFlow.slots)
async def slots_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please pick the day and time with the buttons above, or send /cancel."))


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
            await _clear_buttons(callback, conversation)
            return
        await callback.answer(refusal_text(result, name), show_alert=True)
        if result is Refusal.STALE:
            await _clear_buttons(callback, conversation)
        return
    await callback.answer(_("🎉 Confirmed!"))
    await _clear_buttons(callback, conversation)
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
        await _clear_buttons(callback, conversation)
        draft = await _begin(
            conversation, keeper, mode="counter", me=me, other=other, introduction=record.introduction_id, record=record
        )
        await _show_calendar(conversation, keeper, draft)
        return
    if act is DateAct.DECLINE:
        result = await keeper.decline(record, callback_data.round, me)
        if isinstance(result, Refusal):
            await callback.answer(refusal_text(result, name), show_alert=True)
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
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
    draft = await _begin(
        conversation, keeper, mode=mode, me=me, other=other, introduction=record.introduction_id, record=record
    )
    await conversation.set_state(DateFlow.reason)
    question = (
        _("Why do you need to move the date? I will pass your words on to {name}. Type a short reason, or press Skip.")
        if mode == "move"
        else _("Why do you need to cancel? I will pass your words on to {name}. Type a short reason, or press Skip.")
    )
    await conversation.send(question.format(name=name), picker.reason_keyboard(draft["flow"]))


async def _reason_given(
    conversation: Conversation, keeper: DateKeeper, draft: dict[str, Any], reason: str | None
) -> None:
    me = conversation.account_id
    assert me is not None
    record = await keeper.own_date(me, UUID(hex=draft["date"]))
    name = await keeper.name_of(UUID(hex=draft["other"]))
    if record is None or record.round != draft["round"]:
        await conversation.clear_state()
        await conversation.send(refusal_text(Refusal.STALE, name))
        return
    if draft["mode"] == "move":
        draft["reason"] = reason
        await _save_draft(conversation, draft)
        await _show_calendar(conversation, keeper, draft)
        return
    result = await keeper.cancel(record, me, reason)
    await conversation.clear_state()
    if isinstance(result, Refusal):
        await conversation.send(refusal_text(result, name))
        return
    text = _("Your date with {name} is cancelled, and I have told them.").format(name=name)
    if result.late_cancellation:
        text += "\n" + _("As it is so close to the date, your counselor has been told as well.")
    await conversation.send(text)


@router.message(DateFlow.reason, F.text)
async def reason_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = " ".join((message.text or "").split())
    draft = await _draft(conversation)
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
    await _reason_given(conversation, keeper, draft, text)


@router.message(DateFlow.reason)
async def reason_fallback(message: Message, conversation: Conversation) -> None:
    draft = await _draft(conversation)
    markup = picker.reason_keyboard(draft["flow"]) if draft else None
    await conversation.send(_("Please type a short reason, or press Skip."), markup)


# --- /dates ----------------------------------------------------------------------------------------------------
@router.message(Command("dates"))
async def list_dates(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    me = await conversation.registered_account()
    if me is None:
        return
    now = keeper.now()
    zone = await keeper.zone_of(me)
    records = await keeper.uow.dates.list_for(me)
    upcoming = [
        r for r in records if r.state is DateState.CONFIRMED and r.starts_at and r.starts_at + DATE_LENGTH > now
    ]
    pending = [r for r in records if r.state is DateState.PROPOSED]
    past = [r for r in records if r not in upcoming and r not in pending]
    open_intros = {r.introduction_id for r in upcoming + pending}
    partners = [i for i in await keeper.connected_partners(me) if i.id not in open_intros]
    if not records and not partners:
        await conversation.send(
            _("You have no dates yet. Once you and someone have exchanged contacts, you can propose a date here.")
        )
        return
    await conversation.send(_("📅 <b>Your dates</b>"))
    for record in sorted(upcoming, key=lambda r: r.starts_at or now):
        name = await keeper.name_of(record.other(me))
        ref, round_ = record.id.hex, record.round
        rows = (
            (
                InlineButton(
                    text=_("🔁 Reschedule"),
                    callback_data=DateButton(act=DateAct.RESCHEDULE, date=ref, round=round_).pack(),
                ),
                InlineButton(
                    text=_("✖️ Cancel"), callback_data=DateButton(act=DateAct.CANCEL, date=ref, round=round_).pack()
                ),
            ),
            *messages.confirmed_buttons(record),
        )
        await conversation.send(messages.confirmed_text(record, name, zone), markup_of(rows))
    for record in pending:
        other = record.other(me)
        name = await keeper.name_of(other)
        if record.proposed_by == me:
            lines = [_("⏳ Waiting for {name}'s answer to your proposal:").format(name=name)]
            lines += messages.slot_lines(record.slots, zone)
            lines.append(_("📍 Venue: {venue}").format(venue=messages.venue_name(record)))
            withdraw = DateButton(act=DateAct.DECLINE, date=record.id.hex, round=record.round).pack()
            rows2 = ((InlineButton(text=_("✖️ Withdraw the proposal"), callback_data=withdraw),),)
            await conversation.send("\n".join(lines), markup_of(rows2))
        else:
            await conversation.send_outbound(messages.proposal(record, await keeper.name_of(record.proposed_by), zone))
    shown_past = sorted(past, key=lambda r: r.created_at, reverse=True)[:PAST_SHOWN]
    if shown_past:
        lines = [_("<b>Earlier</b>")]
        for record in shown_past:
            name = await keeper.name_of(record.other(me))
            lines.append(_past_line(record, name, zone))
        await conversation.send("\n".join(lines))
    for introduction in partners:
        name = await keeper.name_of(introduction.other(me))
        await conversation.send(
            _("You and {name} have exchanged contacts. Would you like to propose a date?").format(name=name),
            markup_of(((propose_date_button(introduction.id),),)),
        )


def _past_line(record: DateRecord, name: str, zone: tzinfo) -> str:
    moment = messages.when(record.starts_at, zone) if record.starts_at else messages.when(record.created_at, zone)
    label = {
        DateState.CONFIRMED: _("met"),
        DateState.CANCELLED: _("cancelled"),
        DateState.WITHDRAWN: _("not arranged"),
        DateState.PROPOSED: _("proposed"),
    }[record.state]
    return _("• {when}, with {name}: {state}").format(when=moment, name=name, state=label)


# --- feedback --------------------------------------------------------------------------------------------------
@router.callback_query(FeedbackButton.filter())
async def feedback_button(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, keeper: DateKeeper
) -> None:
    me = conversation.account_id
    found = None if me is None else await keeper.own_feedback(me, parse_id(callback_data.date))
    if found is None:
        await callback.answer(stale_button())
        return
    record, feedback = found
    if feedback.completed_at is not None:
        await callback.answer(_("Your feedback is already recorded. Thank you!"))
        await _clear_buttons(callback, conversation)
        return
    name = await keeper.name_of(feedback.about_id)
    step, value = callback_data.step, callback_data.value
    already = _("You have already answered this one.")
    if step is Feedback.RATE:
        rating = int(value) if value.isdigit() else 0
        if not 1 <= rating <= 5:
            await callback.answer(stale_button())
            return
        if not await keeper.rate(record, feedback, rating):
            await callback.answer(already)
            return
        await callback.answer(_("Thank you!"))
        await _clear_buttons(callback, conversation)
        await conversation.send_outbound(messages.feedback_again(record, name))
        return
    if step is Feedback.NO_SHOW:
        if not await keeper.no_show(record, feedback):
            await callback.answer(already)
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await conversation.send(_("I am sorry that happened. Your counselor has been told and will follow up."))
        await _ask_comment(conversation, record)
        return
    if step is Feedback.AGAIN:
        result = await keeper.meet_again(record, feedback, value == "y")
        if result is None:
            await callback.answer(already)
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        if result:
            await conversation.send_outbound(messages.both_want_more(name))
        await _ask_comment(conversation, record)
        return
    if step is Feedback.WRITE:
        if feedback.meet_again is None:
            await callback.answer(already)
            return
        await callback.answer()
        data = await conversation.data()
        data[FEEDBACK_REF] = record.id.hex
        await conversation.set_state(DateFlow.comment)
        await conversation.set_data(data)
        await conversation.send(_("Please type your comment."))
        return
    if step is Feedback.SKIP or step is Feedback.COMPLAINT:
        if step is Feedback.SKIP and feedback.meet_again is None:
            await callback.answer(already)
            return
        if not await keeper.finish(record, feedback, complaint=step is Feedback.COMPLAINT and value == "y"):
            await callback.answer(already)
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await conversation.clear_state()
        await conversation.send(messages.feedback_thanks())
        return
    await callback.answer(stale_button())


async def _ask_comment(conversation: Conversation, record: DateRecord) -> None:
    data = await conversation.data()
    data[FEEDBACK_REF] = record.id.hex
    await conversation.set_state(DateFlow.comment)
    await conversation.set_data(data)
    await conversation.send_outbound(messages.feedback_comment(record))


@router.message(DateFlow.comment, F.text)
async def comment_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = (message.text or "").strip()
    me = conversation.account_id
    data = await conversation.data()
    found = None if me is None else await keeper.own_feedback(me, parse_id(str(data.get(FEEDBACK_REF, ""))))
    if found is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    record, feedback = found
    if text.startswith("/") or not text:
        await conversation.send_outbound(messages.feedback_comment(record))
        return
    if len(text) > COMMENT_LIMIT:
        await conversation.send(
            _("That is {length} characters; please keep it under {limit}.").format(
                length=len(text), limit=COMMENT_LIMIT
            )
        )
        return
    await conversation.clear_state()
    if not await keeper.comment(record, feedback, text):
        await conversation.send(_("Your feedback is already recorded. Thank you!"))
        return
    await conversation.send_outbound(messages.feedback_complaint(record))


@router.message(DateFlow.comment)
async def comment_fallback(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    await conversation.send(_("Please type your comment in words, or press Skip."))
