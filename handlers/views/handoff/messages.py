"""What the handoff shows: the alert and its buttons, /queue, why a claim was refused, the counselor's view of
the client (and what they wrote while waiting), relayed lines, the rating question, what the client is told
when they ask (in or outside the opening hours). Texts are HTML; everything a person typed is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import MAX_TEXT, InlineButton, OutboundMessage
from domain.handoff import RATINGS, ClaimRefusal, Handoff, HandoffReason, OpeningHours
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote, quote_clipped

NAME_BUDGET = 40
BUTTON_NAME = 20  # a client's first name on a /queue button
MAX_RELAYED = 3800  # a relayed line's text, as sent (HTML-escaped); with its header within Telegram's 4,096
WAITING_SHOWN = 20  # the newest lines written while waiting that the claiming counselor is shown


class HandoffAction(StrEnum):
    CLAIM = "claim"


class HandoffButton(CallbackData, prefix="ho"):
    """A staff button naming a handoff by id (32 hex digits); checked against the presser, never trusted."""

    action: HandoffAction
    handoff: str


class RateButton(CallbackData, prefix="horate"):
    """The client's 1-5 for a finished conversation."""

    handoff: str
    stars: int


def parse_id(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def reason_label(reason: HandoffReason) -> str:
    labels = {
        HandoffReason.ASKED: _("asked to talk to a counselor"),
        HandoffReason.NOT_UNDERSTOOD: _("the bot did not understand them three times in a row"),
        HandoffReason.LOW_RATING: _("a low date rating or a missed date"),
        HandoffReason.COMPLAINT: _("a complaint"),
        HandoffReason.PAYMENT: _("a payment problem"),
    }
    return labels[reason]


def called(short_name: str | None) -> str:
    """What to call the client in an alert, escaped: their short name (`ProfileData.short_name`, never a
    family name alone)."""
    return quote_clipped(short_name, NAME_BUDGET) if short_name else _("a client (no name yet)")


def full_name(display_name: str | None) -> str:
    return quote_clipped(display_name or "", NAME_BUDGET) or _("a client (no name yet)")


def staff_name(display_name: str | None) -> str:
    return quote_clipped(display_name or "", NAME_BUDGET) or _("the agency's counselor")


def waited_minutes(handoff: Handoff, now: datetime) -> int:
    return max(0, int((now - handoff.created_at).total_seconds() // 60))


def minutes_or_hours(minutes: int) -> str:
    """A wait of one minute or more in words: "1 minute", "12 minutes", "1 hour", "8 hours"."""
    if minutes < 60:
        return _("{count} minute", "{count} minutes", minutes).format(count=minutes)
    hours = minutes // 60
    return _("{count} hour", "{count} hours", hours).format(count=hours)


def waiting_for(minutes: int) -> str:
    """How long a request has waited, for a list: "just now", "3 minutes"."""
    return _("just now") if minutes < 1 else minutes_or_hours(minutes)


def clock_time(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def claim_keyboard(handoff: Handoff) -> tuple[tuple[InlineButton, ...], ...]:
    data = HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex).pack()
    return ((InlineButton(_("✋ Claim"), callback_data=data),),)


def alert(handoff: Handoff, client_name: str | None, *, timezone: str) -> OutboundMessage:
    text = _(
        "🙋 <b>A client needs a counselor</b>\nClient: {name}\nWhy: {reason}\nWaiting since {time}.\n"
        "Press Claim to talk with them through the bot."
    ).format(
        name=called(client_name),
        reason=reason_label(handoff.reason),
        time=clock_time(handoff.created_at, timezone),
    )
    return OutboundMessage(text, keyboard=claim_keyboard(handoff))


def escalation(handoff: Handoff, client_name: str | None, *, minutes: int) -> OutboundMessage:
    text = _(
        "⏰ <b>Nobody has claimed a client's request for {minutes} minute</b>\nClient: {name}\nWhy: {reason}\n"
        "Please claim it or ask a counselor to.",
        "⏰ <b>Nobody has claimed a client's request for {minutes} minutes</b>\nClient: {name}\nWhy: {reason}\n"
        "Please claim it or ask a counselor to.",
        minutes,
    ).format(minutes=minutes, name=called(client_name), reason=reason_label(handoff.reason))
    return OutboundMessage(text, keyboard=claim_keyboard(handoff))


def taken(handoff: Handoff, client_name: str | None, counselor: str | None) -> str:
    """What every copy of the alert says once somebody claimed it."""
    return _("🙋 A request from {name} ({reason}).\n✋ Taken by {counselor}.").format(
        name=called(client_name), reason=reason_label(handoff.reason), counselor=staff_name(counselor)
    )


def closed_alert(handoff: Handoff, client_name: str | None) -> str:
    return _("🙋 A request from {name} ({reason}).\nIt has ended.").format(
        name=called(client_name), reason=reason_label(handoff.reason)
    )


def button_name(short_name: str | None) -> str:
    name = short_name or _("a client (no name yet)")
    return name[:BUTTON_NAME] + "…" if len(name) > BUTTON_NAME else name


def serving_line(client_name: str | None) -> str:
    """/queue for a member in a conversation: where their words go."""
    return _(
        "💬 You are talking with {name}. Everything you write here goes to them; send /end when the conversation "
        "is over."
    ).format(name=full_name(client_name))


def queue_view(
    requests: Sequence[tuple[Handoff, str | None]], total: int, now: datetime, *, serving: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/queue: the waiting requests (with the client's display name), a Claim button each; `serving`: the
    member's own conversation first (the client's display name)."""
    head = [] if serving is None else [serving]
    if not requests:
        return "\n".join([*head, _("Nobody is waiting for a counselor right now.")]), None
    builder = InlineKeyboardBuilder()
    lines = [*head, _("<b>Waiting for a counselor</b> ({count}), the longest waiting first:").format(count=total)]
    for handoff, name in requests:
        waited = waiting_for(waited_minutes(handoff, now))
        lines.append(
            _("• {name}: {reason}, {waited}").format(
                name=called(name), reason=reason_label(handoff.reason), waited=waited
            )
        )
        builder.button(
            text=_("✋ Claim: {name}, {waited}").format(name=button_name(name), waited=waited),
            callback_data=HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex),
        )
    if total > len(requests):
        lines.append(_("…and {count} more.").format(count=total - len(requests)))
    return "\n".join(lines), builder.as_markup()


def claim_refused(refusal: ClaimRefusal, holder: str | None) -> str:
    """Why a Claim did not go through; `holder`: who has it (TAKEN)."""
    if refusal is ClaimRefusal.TAKEN:
        return _("{name} has already taken this conversation.").format(name=staff_name(holder))
    if refusal is ClaimRefusal.CLOSED:
        return _("This conversation has already ended.")
    if refusal is ClaimRefusal.BUSY:
        return _("You are already talking with another client. Send /end to finish that conversation first.")
    return _(
        "This client is looked after by another counselor. If they do not answer in time, the request is offered "
        "to everyone."
    )


def client_card(
    handoff: Handoff, client_name: str | None, *, now: datetime, phone: str | None, telegram_id: str | None
) -> str:
    """What the counselor sees after claiming. `phone`/`telegram_id` only for roles that may see contacts."""
    minutes = waited_minutes(handoff, now)
    reason = reason_label(handoff.reason)
    lines = [
        _("✅ <b>You are now talking with {name}.</b>").format(name=full_name(client_name)),
        _("Why: {reason}. They asked just now.").format(reason=reason)
        if minutes < 1
        else _("Why: {reason}. They waited {waited}.").format(reason=reason, waited=minutes_or_hours(minutes)),
    ]
    if phone:
        lines.append(_("Phone: {phone}").format(phone=quote(phone)))
    if telegram_id:
        lines.append(
            _("Telegram: {link}").format(
                link=f'<a href="tg://user?id={quote(telegram_id)}">{full_name(client_name)}</a>'
            )
        )
    lines.append(
        _(
            "Everything you write here now goes to the client, signed with your name. "
            "Send /end when the conversation is over."
        )
    )
    return "\n".join(lines)


def waiting_lines(client_name: str | None, lines: Sequence[tuple[datetime, str]], *, timezone: str) -> list[str]:
    """What the client wrote while waiting (the newest `WAITING_SHOWN`), for the counselor who claims: as few
    messages as fit Telegram's limit, each line with its time. None written: no message."""
    if not lines:
        return []
    shown = lines[-WAITING_SHOWN:]
    head = _("✉️ <b>While waiting, {name} wrote:</b>").format(name=full_name(client_name))
    if len(lines) > len(shown):
        hidden = len(lines) - len(shown)
        head += "\n" + _(
            "({count} earlier message is not shown.)", "({count} earlier messages are not shown.)", hidden
        ).format(count=hidden)
    chunks: list[str] = []
    current = head
    for at, text in shown:
        line = f"<i>{clock_time(at, timezone)}</i> {quote(text)}"
        if len(current) + 1 + len(line) > MAX_TEXT:
            chunks.append(current)
            current = line
        else:
            current += "\n" + line
    chunks.append(current)
    return chunks


def to_counselor(client_name: str | None, text: str) -> OutboundMessage:
    return OutboundMessage(_("💬 <b>{name}</b>: {text}").format(name=full_name(client_name), text=quote(text)))


def to_client(counselor: str | None, text: str) -> OutboundMessage:
    return OutboundMessage(_("💬 <b>{name}</b>: {text}").format(name=staff_name(counselor), text=quote(text)))


def counselor_joined(counselor: str | None) -> OutboundMessage:
    return OutboundMessage(
        _(
            "🙋 {name} from the agency is here to help you. Write your message and they will answer here. "
            "Send /end when you are done."
        ).format(name=staff_name(counselor))
    )


def rating_question(handoff: Handoff, counselor: str | None) -> OutboundMessage:
    buttons = tuple(
        InlineButton("⭐" * stars, callback_data=RateButton(handoff=handoff.id.hex, stars=stars).pack())
        for stars in RATINGS
    )
    return OutboundMessage(
        _(
            "The conversation with {name} has ended. How satisfied are you with it? "
            "Please choose from 1 star (not at all) to 5 stars (very). Send /start to go on with the service."
        ).format(name=staff_name(counselor)),
        keyboard=(buttons[:3], buttons[3:]),
    )


def client_ended(client_name: str | None) -> OutboundMessage:
    return OutboundMessage(
        _("{name} has ended the conversation. The transcript is kept.").format(name=full_name(client_name))
    )


def resumed_for_counselor(client_name: str | None) -> str:
    return _("↩️ Back in your conversation with {name}: your message was passed on. Send /end when it is over.").format(
        name=full_name(client_name)
    )


def resumed_for_client(counselor: str | None) -> str:
    return _(
        "↩️ Back in your conversation with {name}: your message was passed on. Send /end when you are done."
    ).format(name=staff_name(counselor))


# --- what the client is told while waiting ------------------------------------------------------------


def answer_time(moment: datetime, now: datetime, hours: OpeningHours) -> str:
    """When counselors are back, from the client's side: "today at 09:00", "tomorrow at 09:00"."""
    local, today = moment.astimezone(hours.zone), now.astimezone(hours.zone).date()
    at = local.strftime("%H:%M")
    if local.date() == today:
        return _("today at {time}").format(time=at)
    return _("tomorrow at {time}").format(time=at)


def request_opened(escalation_minutes: int, answer_from: datetime | None, now: datetime, hours: OpeningHours) -> str:
    """A new request: when someone will answer (`answer_from`: outside the opening hours)."""
    if answer_from is None:
        return _(
            "I have asked a counselor to join you. They will write to you here, usually within {minutes} minute. "
            "You can write your question now: they will read it when they join. "
            "Send /end if you no longer need them.",
            "I have asked a counselor to join you. They will write to you here, usually within {minutes} minutes. "
            "You can write your question now: they will read it when they join. "
            "Send /end if you no longer need them.",
            escalation_minutes,
        ).format(minutes=escalation_minutes)
    return _(
        "Our counselors answer from {opens} to {closes}. I have passed on your request: a counselor will write to "
        "you here {when}. You can write your question now: they will read it then. "
        "Send /end if you no longer need them."
    ).format(
        opens=hours.opens.strftime("%H:%M"),
        closes=hours.closes.strftime("%H:%M"),
        when=answer_time(answer_from, now, hours),
    )


def request_waiting(answer_from: datetime | None, now: datetime, hours: OpeningHours) -> str:
    if answer_from is None:
        return _("You have asked for a counselor already. Someone will write to you here soon.")
    return _("You have asked for a counselor already. A counselor will write to you here {when}.").format(
        when=answer_time(answer_from, now, hours)
    )


def message_kept(answer_from: datetime | None, now: datetime, hours: OpeningHours) -> str:
    """A client's line while nobody has claimed their request yet."""
    if answer_from is None:
        return _(
            "Thank you, your message is kept for the counselor, who will read it when they join you. "
            "Send /end if you no longer need them."
        )
    return _(
        "Thank you, your message is kept for the counselor, who will read it {when}. "
        "Send /end if you no longer need them."
    ).format(when=answer_time(answer_from, now, hours))


def too_long_to_relay(text: str) -> bool:
    """Whether a line would not fit a message once escaped (`<` takes four characters as `&lt;`)."""
    return len(quote(text)) > MAX_RELAYED


def only_text() -> str:
    return _(
        "Only text messages can be passed on in this conversation. Please describe it in words; "
        "photos, stickers and files are not forwarded."
    )


def too_long() -> str:
    return _(
        "This message is too long to pass on. Please send it in parts of up to {count} character.",
        "This message is too long to pass on. Please send it in parts of up to {count} characters.",
        MAX_RELAYED,
    ).format(count=MAX_RELAYED)
