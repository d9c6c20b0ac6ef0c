"""What people see of offline events: the organiser's form, its problems and the rooms; a client's list of
events with their buttons, the answers to a sign-up or a cancellation, and the outbox notice of a seat that
freed up."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from html import unescape
from uuid import UUID

import segno
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from icalendar import Calendar, Event

from domain.delivery import InlineButton, OutboundMessage
from domain.events import (
    DOOR_OPENS,
    RATINGS,
    Balance,
    CheckInProblem,
    FormError,
    FormProblem,
    PickProblem,
    RoomFigures,
    Side,
    SignupProblem,
    SignupState,
)
from handlers.views.dates.messages import venue_name, when
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.membership import minor, money
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import current_locale, quote, quote_clipped
from storage.repositories.events import EventRecord, SignupRecord

FORM_TEMPLATE = """title_en: Wine tasting salon
title_zh: 品酒交友沙龙
about_en: An evening of wine and conversation.
about_zh: 品酒聊天的一个晚上。
venue: 310000.huxinting
starts: 2027-01-15 19:00
capacity: 10/10
ages: 25-35
tiers: basic, premium, private
prices: basic=99.00
deadline: 2027-01-14 12:00"""


class EventAct(StrEnum):
    SIGN_UP = "up"
    CANCEL = "cancel"
    CALENDAR = "ics"
    QR = "qr"
    PAY = "pay"  # the invoice for a seat held for the client


class EventButton(CallbackData, prefix="ev"):
    act: EventAct
    event: str  # the event's id, hex


class EventPick(CallbackData, prefix="evp"):
    signup: str  # the sign-up (hex) of the attendee picked


class EventRate(CallbackData, prefix="evr"):
    event: str  # the event's id, hex
    stars: int


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def event_id(data: EventButton | EventRate) -> UUID | None:
    return _uuid(data.event)


def picked_signup(data: EventPick) -> UUID | None:
    return _uuid(data.signup)


# --- the organiser ---------------------------------------------------------------------------------------------
def form_request() -> str:
    return "\n".join(
        [
            _("🎉 <b>New event</b>"),
            _(
                "Copy the form below, fill it in and send it back. Times are the agency's local time "
                "(<code>YYYY-MM-DD HH:MM</code>). Capacity: men/women (<code>10/10</code>) or one number for an open "
                "room. Venue: a code from the venue catalogue or a place in your own words. Prices: "
                "<code>tier=amount</code>, separated by commas; a tier not listed is free. The description lines "
                "and the deadline may be left out."
            ),
            "",
            f"<pre>{quote(FORM_TEMPLATE)}</pre>",
            "",
            _("Send /cancel to stop."),
        ]
    )


def problem_line(error: FormError) -> str:
    text = {
        FormProblem.MISSING: _("this line is missing"),
        FormProblem.TOO_LONG: _("too long"),
        FormProblem.BAD_TIME: _("not a time like <code>2027-01-15 19:00</code>"),
        FormProblem.IN_THE_PAST: _("that time has already passed"),
        FormProblem.DEADLINE_AFTER_START: _("the deadline is after the start"),
        FormProblem.BAD_CAPACITY: _("not <code>10/10</code> or a number of seats from 1 to 500"),
        FormProblem.ROOM_TOO_SMALL: _(
            "fewer seats than are taken, or a per-gender room made open (or the other way) while people hold seats"
        ),
        FormProblem.BAD_AGES: _("not an age range like <code>25-35</code> (18 to 99)"),
        FormProblem.UNKNOWN_TIER: _("unknown membership tier"),
        FormProblem.BAD_PRICE: _("not <code>tier=amount</code> for an invited tier"),
        FormProblem.UNKNOWN_FIELD: _("unknown line"),
    }[error.problem]
    return "• " + labelled(f"<code>{quote(error.field)}</code>", text)


def form_problems(errors: Sequence[FormError]) -> str:
    lines = [
        _("The form has {count} problem:", "The form has {count} problems:", len(errors)).format(count=len(errors))
    ]
    lines += [problem_line(error) for error in errors]
    lines.append(_("Please correct it and send the whole form again, or /cancel."))
    return "\n".join(lines)


def seats_line(event: EventRecord, balance: Balance) -> str:
    capacity = event.spec.capacity
    parts = []
    sides = (Side.OPEN,) if not capacity.per_gender else (Side.MALE, Side.FEMALE)
    for side in sides:
        label = {Side.MALE: _("Men"), Side.FEMALE: _("Women"), Side.OPEN: _("Seats")}[side]
        value = f"{balance.taken(side)}/{capacity.seats(side)}"
        held = balance.held.get(side, 0)
        if held:
            value = with_aside(
                value, _("{count} held for payment", "{count} held for payment", held).format(count=held)
            )
        waiting = balance.waitlisted.get(side, 0)
        if waiting:
            value = with_aside(
                value, _("{count} person waiting", "{count} people waiting", waiting).format(count=waiting)
            )
        parts.append(labelled(label, value))
    return listed(parts)


def start_first() -> str:
    return _("Please send /start once, then publish the event again.")


def published(event: EventRecord, invited: int, zone: tzinfo) -> str:
    return "\n".join(
        [
            _("✅ Event published: <b>{title}</b>").format(title=quote(event.spec.title(current_locale()))),
            when(event.spec.starts_at, zone),
            labelled(_("Reference"), f"<code>{event.id.hex[:8]}</code>"),
            _(
                "Invitations: {count} client it fits, sent a few at a time.",
                "Invitations: {count} clients it fits, sent a few at a time.",
                invited,
            ).format(count=invited),
        ]
    )


def rooms(summaries: Sequence[tuple[EventRecord, RoomFigures]], zone: tzinfo, now: datetime) -> str:
    if not summaries:
        return _("No upcoming events. /newevent publishes one.")
    lines = [_("🎉 <b>Events</b>")]
    for event, room in summaries:
        lines += [
            "",
            f"<b>{quote(event.spec.title(current_locale()))}</b> · <code>{event.id.hex[:8]}</code>",
            when(event.spec.starts_at, zone),
            seats_line(event, room.balance),
        ]
        after = [
            *([labelled(_("Paid"), room.paid)] if event.spec.prices else []),
            labelled(_("Late cancellations"), room.late_cancellations),
        ]
        if now >= event.spec.starts_at - DOOR_OPENS:
            after = [
                labelled(_("Checked in"), room.checked_in),
                labelled(_("No-shows"), room.no_shows),
                *after,
                labelled(_("Picks"), room.picks),
                labelled(_("Mutual"), room.mutual),
            ]
        lines.append(listed(after))
    lines += ["", _("/newevent publishes another one.")]
    return "\n".join(lines)


def call_off_usage() -> str:
    return _(
        "Send the event's reference after the command, e.g. <code>/cancelevent 1a2b3c4d</code> (/events shows it)."
    )


def called_off(event: EventRecord | None, told: int) -> str:
    if event is None:
        return _("No upcoming event has this reference.")
    title = quote(event.spec.title(current_locale()))
    if told < 0:
        return _("<b>{title}</b> was cancelled already.").format(title=title)
    return _(
        "<b>{title}</b> is cancelled; {count} client signed up was told.",
        "<b>{title}</b> is cancelled; {count} clients signed up were told.",
        told,
    ).format(title=title, count=told)


def called_off_notice(event: EventRecord, zone: tzinfo, refund_minor: int = 0, currency: str = "") -> OutboundMessage:
    text = _("😔 We are sorry: <b>{title}</b>, {when}, is cancelled.").format(
        title=quote(event.spec.title(current_locale())), when=when(event.spec.starts_at, zone)
    )
    if refund_minor:
        text += "\n" + _(
            "Your payment of {amount} will be refunded in full; our finance team confirms it here."
        ).format(amount=minor(refund_minor, currency))
    return OutboundMessage(text=text)


# --- the client ------------------------------------------------------------------------------------------------
def no_events() -> str:
    return _("There are no events for you at the moment. We will let you know when there is one.")


def events_heading() -> str:
    return _("🎉 <b>Events</b>")


def price_text(price: Decimal | None, currency: str) -> str:
    if price is None:
        return _("Free for you")
    return labelled(_("Price for you"), money(price, currency))


def event_text(event: EventRecord, price: Decimal | None, zone: tzinfo) -> list[str]:
    spec = event.spec
    locale = current_locale()
    lines = [
        f"<b>{quote(spec.title(locale))}</b>",
        "🕒 " + when(spec.starts_at, zone),
        "📍 " + venue_name(code=spec.venue_code, text=spec.venue_text),
    ]
    if spec.about(locale):
        lines.append(quote_clipped(spec.about(locale), 600))
    lines.append(price_text(price, event.currency))
    if spec.deadline is not None:
        lines.append(labelled(_("Sign up by"), when(spec.deadline, zone)))
    return lines


def invitation(event: EventRecord, price: Decimal | None, zone: tzinfo) -> OutboundMessage:
    """The invitation an event's fitting clients get through the outbox."""
    lines = [_("🎉 You are invited to an event:"), *event_text(event, price, zone)]
    button = InlineButton(
        text=_("✍️ Sign up"), callback_data=EventButton(act=EventAct.SIGN_UP, event=event.id.hex).pack()
    )
    return OutboundMessage(text="\n".join(lines), keyboard=((button,),))


def event_card(
    event: EventRecord, signup: SignupRecord | None, price: Decimal | None, zone: tzinfo
) -> tuple[str, InlineKeyboardMarkup]:
    lines = event_text(event, price, zone)
    builder = InlineKeyboardBuilder()
    if signup is None:
        builder.button(text=_("✍️ Sign up"), callback_data=EventButton(act=EventAct.SIGN_UP, event=event.id.hex))
    elif signup.state is SignupState.HELD and signup.hold_until is not None:
        lines.append(
            _("🎟 A seat is held for you until {time}; pay to confirm it.").format(
                time=signup.hold_until.astimezone(zone).strftime("%H:%M")
            )
        )
        builder.button(text=_("💳 Pay"), callback_data=EventButton(act=EventAct.PAY, event=event.id.hex))
        builder.button(text=_("Cancel my place"), callback_data=EventButton(act=EventAct.CANCEL, event=event.id.hex))
    else:
        lines.append(
            _("✅ You have a seat.") if signup.state is SignupState.CONFIRMED else _("⏳ You are on the waitlist.")
        )
        builder.button(text=_("Cancel my place"), callback_data=EventButton(act=EventAct.CANCEL, event=event.id.hex))
    return "\n".join(lines), builder.as_markup()


def signed_up(event: EventRecord, signup: SignupRecord, waiting_ahead: int, zone: tzinfo) -> str:
    title = quote(event.spec.title(current_locale()))
    if signup.state is SignupState.CONFIRMED:
        return _("✅ You have a seat at <b>{title}</b>, {when}. We will remind you the day before.").format(
            title=title, when=when(event.spec.starts_at, zone)
        )
    return _(
        "⏳ <b>{title}</b> is full on your side, so you are on the waitlist ({count} person ahead of you). "
        "We will tell you as soon as a seat frees up.",
        "⏳ <b>{title}</b> is full on your side, so you are on the waitlist ({count} people ahead of you). "
        "We will tell you as soon as a seat frees up.",
        waiting_ahead,
    ).format(title=title, count=waiting_ahead)


def signup_refused(problem: SignupProblem) -> str:
    return {
        SignupProblem.CANCELLED: _("This event is no longer on."),
        SignupProblem.CLOSED: _("Sign-up for this event has closed."),
        SignupProblem.ALREADY: _("You are already signed up for this event."),
        SignupProblem.AGE: _("This event is for another age group."),
        SignupProblem.TIER: _("This event is for members of other tiers. /membership shows what each tier includes."),
        SignupProblem.REGION: _("This event is for clients of another city."),
        SignupProblem.PAUSED: _("Your profile is paused or not finished, so you cannot sign up now."),
        SignupProblem.NO_SIDE: _("This event counts seats for men and women; please complete your profile first."),
        SignupProblem.UNPAID: _(
            "This event has a fee for your membership, and this chat cannot take payments. "
            "A counselor can sign you up: /human."
        ),
    }[problem]


def cancelled(event: EventRecord, late: bool, money_line: str | None = None) -> str:
    """A place given up; `money_line` says what happens to a paid seat's fee (`event_payments.refund_line`)."""
    title = quote(event.spec.title(current_locale()))
    if late:
        text = _(
            "Your place at <b>{title}</b> is given up. As it is less than a day before the start, this is "
            "recorded as a late cancellation."
        ).format(title=title)
    else:
        text = _("Your place at <b>{title}</b> is given up.").format(title=title)
    return text if money_line is None else f"{text}\n{money_line}"


def nothing_to_cancel() -> str:
    return _("You have no place at this event to give up.")


def promoted_notice(event: EventRecord, starts: datetime, zone: tzinfo) -> OutboundMessage:
    title = quote(event.spec.title(current_locale()))
    text = _("🎉 A seat freed up: you now have a seat at <b>{title}</b>, {when}.").format(
        title=title, when=when(starts, zone)
    )
    button = InlineButton(
        text=_("Cancel my place"), callback_data=EventButton(act=EventAct.CANCEL, event=event.id.hex).pack()
    )
    return OutboundMessage(text=text, keyboard=((button,),))


# --- reminders, the calendar file and the check-in code ---------------------------------------------------------
EVENT_LENGTH = timedelta(hours=3)  # the calendar entry's length
PRODUCT = "-//Yuelao//Events//EN"


def seat_buttons(event: EventRecord) -> tuple[tuple[InlineButton, ...], ...]:
    return (
        (
            InlineButton(
                text=_("📅 Calendar file"), callback_data=EventButton(act=EventAct.CALENDAR, event=event.id.hex).pack()
            ),
            InlineButton(
                text=_("🎟 Check-in QR code"), callback_data=EventButton(act=EventAct.QR, event=event.id.hex).pack()
            ),
        ),
    )


def reminder(event: EventRecord, code: str, zone: tzinfo) -> OutboundMessage:
    spec = event.spec
    text = "\n".join(
        [
            _("⏰ Reminder: <b>{title}</b>, {when}").format(
                title=quote(spec.title(current_locale())), when=when(spec.starts_at, zone)
            ),
            "📍 " + venue_name(code=spec.venue_code, text=spec.venue_text),
            _("Your check-in code: <code>{code}</code>. Show its QR code or say it at the door.").format(code=code),
        ]
    )
    return OutboundMessage(text=text, keyboard=seat_buttons(event))


def calendar_file(event: EventRecord, zone: tzinfo, now: datetime) -> BufferedInputFile:
    """One VEVENT in the reader's zone and language, `UID` `<event id>@yuelao` (the same as `.ics` of dates)."""
    spec = event.spec
    with_zones = hasattr(Calendar, "add_missing_timezones")
    start = spec.starts_at.astimezone(zone if with_zones else UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", f"{event.id}@yuelao")
    entry.add("dtstamp", now)
    entry.add("dtstart", start)
    entry.add("dtend", start + EVENT_LENGTH)
    entry.add("summary", spec.title(current_locale()))
    entry.add("location", venue_plain(event))
    entry.add("description", spec.about(current_locale()))
    entry.add("status", "CONFIRMED")
    calendar.add_component(entry)
    if with_zones:
        calendar.add_missing_timezones()
    return BufferedInputFile(calendar.to_ical(), filename="event.ics")


def venue_plain(event: EventRecord) -> str:
    return unescape(venue_name(code=event.spec.venue_code, text=event.spec.venue_text))


def qr_image(code: str) -> BufferedInputFile:
    """The check-in code as a QR image (PNG) the door staff scan."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=8, border=4)
    return BufferedInputFile(buffer.getvalue(), filename="check-in.png")


def calendar_caption(event: EventRecord) -> str:
    return _("📅 {title}: add it to your calendar.").format(title=quote(event.spec.title(current_locale())))


def qr_caption(code: str) -> str:
    return _("🎟 Your check-in code: <code>{code}</code>").format(code=code)


def no_seat() -> str:
    return _("You have no seat at this event.")


def checkin_usage() -> str:
    return _("Send the code after the command, e.g. <code>/checkin ABCD2345</code>.")


def checked_in(event: EventRecord, side: Side, inside: int, seated: int) -> str:
    label = {Side.MALE: _("men's side"), Side.FEMALE: _("women's side"), Side.OPEN: _("open seat")}[side]
    return _(
        "✅ Checked in ({side}) at <b>{title}</b>: {count} of {total} seated guest is in.",
        "✅ Checked in ({side}) at <b>{title}</b>: {count} of {total} seated guests are in.",
        seated,
    ).format(side=label, title=quote(event.spec.title(current_locale())), count=inside, total=seated)


def checkin_refused(problem: CheckInProblem, at: datetime | None, zone: tzinfo) -> str:
    if problem is CheckInProblem.USED:
        if at is None:
            return _("This code was used already.")
        return _("This code was used already, at {time}.").format(time=at.astimezone(zone).strftime("%H:%M"))
    return {
        CheckInProblem.UNKNOWN: _("No seat has this code. Check it and try again."),
        CheckInProblem.NOT_SEATED: _("This sign-up was cancelled or is still on the waitlist."),
        CheckInProblem.NOT_TODAY: _("This code is for an event that is not open at the door now."),
        CheckInProblem.CANCELLED: _("This code is for an event that was cancelled."),
    }[problem]


# --- afterwards ------------------------------------------------------------------------------------------------
def afterwards(event: EventRecord, choices: Sequence[tuple[UUID, str]]) -> OutboundMessage:
    """Whom the attendee would like to see again: one button per checked-in attendee of the other side."""
    text = "\n".join(
        [
            _("🙏 Thank you for coming to <b>{title}</b>!").format(title=quote(event.spec.title(current_locale()))),
            _(
                "Whom would you like to see again? Press as many names as you like. Nobody is told whom you "
                "picked; when two people pick each other, we introduce them."
            ),
        ]
    )
    buttons = tuple(
        (InlineButton(text=name[:60], callback_data=EventPick(signup=signup.hex).pack()),) for signup, name in choices
    )
    return OutboundMessage(text=text, keyboard=buttons)


def rating_question(event: EventRecord) -> OutboundMessage:
    text = _("How was <b>{title}</b>?").format(title=quote(event.spec.title(current_locale())))
    row = tuple(
        InlineButton(text="⭐" * stars, callback_data=EventRate(event=event.id.hex, stars=stars).pack())
        for stars in RATINGS
    )
    return OutboundMessage(text=text, keyboard=(row[:3], row[3:]))


def picked(name: str | None, again: bool) -> str:
    who = name or "—"
    if again:
        return _("You picked {name} already.").format(name=who)
    return _("Noted: you would like to see {name} again.").format(name=who)


def pick_refused(problem: PickProblem) -> str:
    return {
        PickProblem.NOT_ATTENDED: _("Only guests who were checked in at the door can pick."),
        PickProblem.DID_NOT_ATTEND: _("This person did not attend the event."),
        PickProblem.SAME_SIDE: _("You can pick guests of the other side only."),
        PickProblem.SELF: _("You cannot pick yourself."),
        PickProblem.CLOSED: _("Picks for this event are closed."),
    }[problem]


def mutual() -> str:
    return _("💞 You picked each other! Here is your introduction:")


def rated(recorded: bool | None) -> str:
    if recorded is None:
        return _("Only guests who were checked in can rate the event.")
    return _("Thank you for your feedback!") if recorded else _("You rated this event already.")
