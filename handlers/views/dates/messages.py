"""What dates say: times in the reader's own time zone, proposals, the confirmed date, reminders, feedback
questions, notices to the other side and staff alerts.

Every function renders in the current gettext locale, so the same function serves the person pressing
(directly) and the other side (through the outbox, rendered in their language by `Notifier`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from uuid import UUID

from aiogram.utils.i18n import gettext as _

from domain.dates import Venue, find_venue
from domain.delivery import InlineButton, OutboundMessage
from handlers.views.dates.buttons import DateAct, DateButton, Feedback, FeedbackButton, SlotButton
from handlers.views.punctuation import labelled
from handlers.views.texts import current_locale, quote, quote_clipped
from storage.repositories.dates import DateRecord

Keyboard = tuple[tuple[InlineButton, ...], ...]


def weekday_name(index: int) -> str:
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))[index]


def month_name(month: int) -> str:
    names = (
        _("Jan"),
        _("Feb"),
        _("Mar"),
        _("Apr"),
        _("May"),
        _("Jun"),
        _("Jul"),
        _("Aug"),
        _("Sep"),
        _("Oct"),
        _("Nov"),
        _("Dec"),
    )
    return names[month - 1]


def day_label(day: date) -> str:
    return _("{weekday} {day} {month}").format(
        weekday=weekday_name(day.weekday()), day=day.day, month=month_name(day.month)
    )


def month_label(year: int, month: int) -> str:
    return _("{month} {year}").format(month=month_name(month), year=year)


def when(moment: datetime, zone: tzinfo) -> str:
    """A moment as the reader sees it: their weekday, day, month and time, and their zone's name."""
    local = moment.astimezone(zone)
    return _("{day}, {time} ({zone})").format(day=day_label(local.date()), time=local.strftime("%H:%M"), zone=zone)


def venue_name(record: DateRecord | None = None, *, code: str | None = None, text: str | None = None) -> str:
    """The venue as the reader sees it (escaped): the catalogue's name in their language, or what was typed."""
    if record is not None:
        code, text = record.venue_code, record.venue_text
    venue = find_venue(code) if code else None
    if venue is not None:
        return quote(venue.name(current_locale()))
    if text:
        return quote_clipped(text, 300)
    return _("to be agreed")


def venue_line(venue: Venue) -> str:
    locale = current_locale()
    return "• " + labelled(f"<b>{quote(venue.name(locale))}</b>", quote(venue.about(locale)))


def slot_lines(slots: Sequence[datetime], zone: tzinfo) -> list[str]:
    return [f"{index}. {when(slot, zone)}" for index, slot in enumerate(slots, start=1)]


# --- proposals -------------------------------------------------------------------------------------------------
def proposal_buttons(record: DateRecord, zone: tzinfo) -> Keyboard:
    ref = record.id.hex
    rows: list[tuple[InlineButton, ...]] = []
    for index, slot in enumerate(record.slots):
        data = SlotButton(date=ref, round=record.round, slot=index).pack()
        label = _("✅ {when}").format(when=when(slot, zone))
        rows.append((InlineButton(text=label[:64], callback_data=data),))
    counter = DateButton(act=DateAct.COUNTER, date=ref, round=record.round).pack()
    decline = DateButton(act=DateAct.DECLINE, date=ref, round=record.round).pack()
    rows.append((InlineButton(text=_("🔁 Propose other times"), callback_data=counter),))
    rows.append((InlineButton(text=_("✖️ Not this time"), callback_data=decline),))
    return tuple(rows)


def proposal(record: DateRecord, name: str, zone: tzinfo, *, lead: str | None = None) -> OutboundMessage:
    """A proposal as the other side receives it: the times in their zone, the venue, and the answers."""
    lines = [lead, ""] if lead else []
    lines += [
        _("📅 <b>{name} would like to meet you.</b>").format(name=name),
        _("📍 Venue: {venue}").format(venue=venue_name(record)),
        "",
        _("Which time suits you? Times are in your time zone."),
        *slot_lines(record.slots, zone),
    ]
    return OutboundMessage(text="\n".join(lines), keyboard=proposal_buttons(record, zone))


def proposal_sent(record: DateRecord, name: str, zone: tzinfo) -> str:
    return "\n".join(
        [
            _("✉️ Sent to {name}:").format(name=name),
            *slot_lines(record.slots, zone),
            _("📍 Venue: {venue}").format(venue=venue_name(record)),
            "",
            _("I will tell you as soon as {name} answers.").format(name=name),
        ]
    )


def proposed_for_you(record: DateRecord, counselor: str, name: str, zone: tzinfo) -> OutboundMessage:
    """To the client a counselor proposed a date for: what was proposed in their name."""
    lines = [
        _("💌 Your counselor {counselor} proposed a date with {name} for you:").format(counselor=counselor, name=name),
        *slot_lines(record.slots, zone),
        _("📍 Venue: {venue}").format(venue=venue_name(record)),
        "",
        _("I will tell you as soon as {name} answers; /dates shows it, to change or cancel.").format(name=name),
    ]
    return OutboundMessage(text="\n".join(lines))


def agency_as_proposer() -> str:
    """Who proposed, for a client whose date an owner without a name proposed."""
    return _("at the agency")


def declined(name: str, reason: str | None) -> OutboundMessage:
    text = _("{name} can't meet at the proposed times and withdrew the proposal.").format(name=name)
    return OutboundMessage(text=text + _reason_line(reason))


def _reason_line(reason: str | None) -> str:
    return "\n" + _("Reason: {reason}").format(reason=quote_clipped(reason, 600)) if reason else ""


# --- the confirmed date ----------------------------------------------------------------------------------------
def confirmed_buttons(record: DateRecord) -> Keyboard:
    ics = DateButton(act=DateAct.ICS, date=record.id.hex, round=record.round).pack()
    return ((InlineButton(text=_("📅 Calendar file"), callback_data=ics),),)


def confirmed_text(record: DateRecord, name: str, zone: tzinfo) -> str:
    assert record.starts_at is not None
    return "\n".join(
        [
            _("🎉 <b>Your date with {name} is confirmed.</b>").format(name=name),
            _("🕒 {when}").format(when=when(record.starts_at, zone)),
            _("📍 {venue}").format(venue=venue_name(record)),
            "",
            _("I will remind you before the date. Change or cancel it with /dates."),
        ]
    )


def confirmed(record: DateRecord, name: str, zone: tzinfo) -> OutboundMessage:
    return OutboundMessage(text=confirmed_text(record, name, zone), keyboard=confirmed_buttons(record))


def calendar_summary(name: str) -> str:
    return _("Date with {name}").format(name=name)


def calendar_description(name: str) -> str:
    return _("A date arranged by your matchmaking agency with {name}. Change or cancel it with /dates.").format(
        name=name
    )


def calendar_caption() -> str:
    return _("📅 Add this file to your calendar.")


def reminder(record: DateRecord, name: str, zone: tzinfo) -> OutboundMessage:
    assert record.starts_at is not None
    text = "\n".join(
        [
            _("⏰ <b>Reminder:</b> your date with {name}").format(name=name),
            _("🕒 {when}").format(when=when(record.starts_at, zone)),
            _("📍 {venue}").format(venue=venue_name(record)),
            "",
            _("Running late? Press the button and I will tell {name}.").format(name=name),
        ]
    )
    late = DateButton(act=DateAct.LATE, date=record.id.hex, round=record.round).pack()
    return OutboundMessage(
        text=text,
        keyboard=((InlineButton(text=_("🏃 I'm running late"), callback_data=late),), *confirmed_buttons(record)),
    )


def running_late(name: str) -> OutboundMessage:
    return OutboundMessage(text=_("🏃 {name} is running late and will be there soon.").format(name=name))


def rescheduled(
    record: DateRecord, name: str, zone: tzinfo, old: datetime | None, reason: str | None
) -> OutboundMessage:
    lead = (
        _("🔁 {name} needs to move your date of {when}.").format(name=name, when=when(old, zone))
        if old is not None
        else _("🔁 {name} proposes other times.").format(name=name)
    )
    return proposal(record, name, zone, lead=lead + _reason_line(reason))


def cancelled_by_you(name: str, *, late: bool) -> str:
    """To the person who called the date off."""
    text = _("Your date with {name} is cancelled, and I have told them.").format(name=name)
    if late:
        text += "\n" + _("As it is so close to the date, your counselor has been told as well.")
    return text


def cancelled(name: str, starts_at: datetime | None, zone: tzinfo, reason: str | None) -> OutboundMessage:
    if starts_at is None:
        text = _("{name} withdrew the date proposal.").format(name=name)
    else:
        text = _("😔 {name} cancelled your date of {when}.").format(name=name, when=when(starts_at, zone))
    return OutboundMessage(text=text + _reason_line(reason))


# --- feedback --------------------------------------------------------------------------------------------------
def feedback_rating(record: DateRecord, name: str, *, nudge: bool = False) -> OutboundMessage:
    ref = record.id.hex
    stars = tuple(
        InlineButton(
            text="⭐" * value if value <= 1 else f"{value}⭐", callback_data=_fb(ref, Feedback.RATE, str(value))
        )
        for value in range(1, 6)
    )
    no_show = InlineButton(text=_("😶 They didn't come"), callback_data=_fb(ref, Feedback.NO_SHOW))
    lead = _("A gentle reminder: ") if nudge else ""
    text = lead + _("💬 How was your date with {name}? Please rate it from 1 to 5 stars.").format(name=name)
    return OutboundMessage(text=text, keyboard=(stars, (no_show,)))


def feedback_again(record: DateRecord, name: str, *, nudge: bool = False) -> OutboundMessage:
    ref = record.id.hex
    lead = _("A gentle reminder: ") if nudge else ""
    return OutboundMessage(
        text=lead + _("Would you like to meet {name} again?").format(name=name),
        keyboard=(
            (
                InlineButton(text=_("💚 Yes"), callback_data=_fb(ref, Feedback.AGAIN, "y")),
                InlineButton(text=_("No"), callback_data=_fb(ref, Feedback.AGAIN, "n")),
            ),
        ),
    )


def feedback_comment(record: DateRecord, *, nudge: bool = False) -> OutboundMessage:
    lead = _("A gentle reminder: ") if nudge else ""
    return OutboundMessage(
        text=lead
        + _(
            "Anything you would like to tell your counselor about the date? Type it here (only the agency "
            "reads it), or press Skip."
        ),
        keyboard=(
            *(
                ((InlineButton(text=_("✍️ Write a comment"), callback_data=_fb(record.id.hex, Feedback.WRITE)),),)
                if nudge
                else ()
            ),
            (InlineButton(text=_("Skip"), callback_data=_fb(record.id.hex, Feedback.SKIP)),),
        ),
    )


def feedback_complaint(record: DateRecord) -> OutboundMessage:
    ref = record.id.hex
    return OutboundMessage(
        text=_("Thank you. Is this a complaint about how the other person behaved?"),
        keyboard=(
            (InlineButton(text=_("⚠️ Yes, a complaint"), callback_data=_fb(ref, Feedback.COMPLAINT, "y")),),
            (InlineButton(text=_("No, just a comment"), callback_data=_fb(ref, Feedback.COMPLAINT, "n")),),
        ),
    )


def _fb(ref: str, step: Feedback, value: str = "") -> str:
    return FeedbackButton(date=ref, step=step, value=value).pack()


def feedback_thanks() -> str:
    return _("Thank you for your feedback! Your counselor will take it into account.")


def both_want_more(name: str) -> OutboundMessage:
    return OutboundMessage(
        text=_("💞 Good news: you and {name} would both like to meet again. Your counselor will be in touch.").format(
            name=name
        )
    )


# --- staff alerts ----------------------------------------------------------------------------------------------
def reference(account_id: object) -> str:
    return f"<code>{str(account_id)[:8]}</code>"


def late_cancellation_alert(record: DateRecord, by: UUID) -> OutboundMessage:
    assert record.starts_at is not None
    return OutboundMessage(
        text=_("⚠️ Late cancellation: client {by} cancelled the date with {other} starting {when} (UTC).").format(
            by=reference(by),
            other=reference(record.other(by)),
            when=record.starts_at.strftime("%Y-%m-%d %H:%M"),
        )
    )


def feedback_alert(record: DateRecord, author: UUID, why: str) -> OutboundMessage:
    return OutboundMessage(
        text=_("⚠️ Date feedback needs attention: client {author} about client {other}: {why}.").format(
            author=reference(author),
            other=reference(record.other(author)),
            why=why,
        )
    )


def alert_reason(*, rating: int | None = None, no_show: bool = False, complaint: bool = False) -> str:
    if no_show:
        return _("the other person did not come")
    if complaint:
        return _("a complaint in the comment")
    return _("rated the date {rating} of 5").format(rating=rating)
