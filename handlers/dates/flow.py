"""The dates conversation's shared parts: its states, the draft of a proposal kept in the conversation state, the
calendar and venue steps, sending the draft, and small helpers the dates routers share.

A draft (new proposal, counter-proposal or reschedule) lives in the conversation state under `DRAFT`:
its nonce (carried by every picker button), the mode, the introduction or date and round it answers, the
chosen slots (UTC), the reason given, and (for a counselor proposing for a client) who proposes. Only JSON values.
"""

from __future__ import annotations

import copy
import secrets
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import CALENDAR_DAYS, MAX_SLOTS, VENUE_LIMIT, SlotProblem, find_venue, suggest_venues
from handlers.journey import Conversation
from handlers.services.dates.keeper import DateKeeper, Refusal
from handlers.views.dates import messages, picker
from handlers.views.texts import current_locale, quote
from storage.repositories.dates import DateRecord

DRAFT = "date_draft"
FEEDBACK_REF = "date_feedback"
PAST_SHOWN = 5
AGENCY = "agency"  # a proposal made by an owner known only from ADMIN_IDS (no account)


class DateFlow(StatesGroup):
    slots = State()  # picking days and times in the calendar
    venue = State()  # choosing or typing the venue
    reason = State()  # the optional reason for a reschedule or a cancellation
    comment = State()  # the optional comment of a date's feedback


# --- helpers -------------------------------------------------------------------------------------------------
async def edit_shown(
    callback: CallbackQuery, conversation: Conversation, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show `text` in place of the pressed message (or as a new message when it cannot be edited)."""
    if isinstance(callback.message, Message) and callback.message.text is not None:
        await conversation.bot.edit_message_text(
            text=text, chat_id=callback.message.chat.id, message_id=callback.message.message_id, reply_markup=markup
        )
    else:
        await conversation.send(text, markup)


async def clear_buttons(callback: CallbackQuery, conversation: Conversation) -> None:
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
async def load_draft(conversation: Conversation) -> dict[str, Any] | None:
    draft = (await conversation.data()).get(DRAFT)
    return copy.deepcopy(draft) if isinstance(draft, dict) else None


async def save_draft(conversation: Conversation, draft: dict[str, Any]) -> None:
    data = await conversation.data()
    data[DRAFT] = copy.deepcopy(draft)
    await conversation.set_data(data)


def draft_slots(draft: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in draft.get("slots", [])]


def proposer_of(draft: dict[str, Any]) -> UUID:
    """Whose proposal the draft is: the client themself, or the client a counselor proposes for."""
    return UUID(hex=draft["people"][0])


def people_of(draft: dict[str, Any]) -> tuple[UUID, UUID]:
    first, second = draft["people"]
    return UUID(hex=first), UUID(hex=second)


async def begin_draft(
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
    await save_draft(conversation, draft)
    return draft


async def show_calendar(
    conversation: Conversation, keeper: DateKeeper, draft: dict[str, Any], callback: CallbackQuery | None = None
) -> None:
    zone = await keeper.zone_of(proposer_of(draft))
    first, last = calendar_range(keeper, zone)
    text = await calendar_text(keeper, draft, zone)
    shown = draft_slots(draft)
    month = shown[-1].astimezone(zone).date() if shown else first
    await conversation.set_state(DateFlow.slots)
    markup = picker.calendar_keyboard(draft["flow"], month, first, last)
    if callback is not None:
        await edit_shown(callback, conversation, text, markup)
    else:
        await conversation.send(text, markup)


async def calendar_text(keeper: DateKeeper, draft: dict[str, Any], zone: tzinfo) -> str:
    name = await keeper.name_of(UUID(hex=draft["other"]))
    if draft.get("by"):
        client = await keeper.name_of(proposer_of(draft))
        return _("📅 Pick a day for {client}'s date with {name}. Times are in {client}'s time zone ({zone}).").format(
            client=client, name=name, zone=zone
        )
    return _("📅 Pick a day for your date with {name}. Times are in your time zone ({zone}).").format(
        name=name, zone=zone
    )


def calendar_range(keeper: DateKeeper, zone: tzinfo) -> tuple[date, date]:
    today = keeper.now().astimezone(zone).date()
    return today, today + timedelta(days=CALENDAR_DAYS)


def chosen_text(draft: dict[str, Any], zone: tzinfo) -> str:
    lines = [
        _("<b>The times you propose</b> ({zone}):").format(zone=zone),
        *messages.slot_lines(draft_slots(draft), zone),
    ]
    lines += ["", _("Add another time (up to {count}), or go on to the venue.").format(count=MAX_SLOTS)]
    return "\n".join(lines)


async def ask_venue(
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
            keep = plain_venue_name(record)
    lines = [_("📍 <b>Where would you like to meet?</b> Ideas that suit what you both enjoy:")]
    lines += [messages.venue_line(venue) for venue in venues]
    lines += [
        "",
        _("Or type the name and address of another place (up to {limit} characters).").format(limit=VENUE_LIMIT),
    ]
    await conversation.set_state(DateFlow.venue)
    await edit_shown(callback, conversation, "\n".join(lines), picker.venues_keyboard(draft["flow"], venues, keep))


def plain_venue_name(record: DateRecord) -> str:
    venue = find_venue(record.venue_code) if record.venue_code else None
    if venue is not None:
        return venue.name(current_locale())
    return (record.venue_text or "")[:40]


async def submit_draft(
    conversation: Conversation,
    keeper: DateKeeper,
    draft: dict[str, Any],
    *,
    venue_code: str | None,
    venue_text: str | None,
    keep: bool = False,
) -> None:
    me = proposer_of(draft)
    other = UUID(hex=draft["other"])
    name = await keeper.name_of(other)
    slots = draft_slots(draft)
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
            await save_draft(conversation, draft)
            await conversation.set_state(DateFlow.slots)
            await conversation.send(refusal_text(result, name))
            await show_calendar(conversation, keeper, draft)
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


async def reason_given(
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
        await save_draft(conversation, draft)
        await show_calendar(conversation, keeper, draft)
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
