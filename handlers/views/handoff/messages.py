"""What the handoff shows: the alert and its buttons, /queue, why a claim was refused, the counselor's view of
the client, relayed lines, the rating question. Texts are HTML; everything a person typed is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.handoff import RATINGS, ClaimRefusal, Handoff, HandoffReason
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote, quote_clipped

NAME_BUDGET = 40
BUTTON_NAME = 20  # a client's first name on a /queue button
MAX_RELAYED = 3800  # a relayed line's text; with its header it stays within Telegram's 4,096 characters


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


def first_name(display_name: str | None) -> str:
    """The first word of the client's display name, escaped (never a surname in an alert)."""
    words = (display_name or "").split()
    return quote_clipped(words[0], NAME_BUDGET) if words else _("a client (no name yet)")


def full_name(display_name: str | None) -> str:
    return quote_clipped(display_name or "", NAME_BUDGET) or _("a client (no name yet)")


def staff_name(display_name: str | None) -> str:
    return quote_clipped(display_name or "", NAME_BUDGET) or _("the agency's counselor")


def waited_minutes(handoff: Handoff, now: datetime) -> int:
    return max(0, int((now - handoff.created_at).total_seconds() // 60))


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
        name=first_name(client_name),
        reason=reason_label(handoff.reason),
        time=clock_time(handoff.created_at, timezone),
    )
    return OutboundMessage(text, keyboard=claim_keyboard(handoff))


def escalation(handoff: Handoff, client_name: str | None, *, minutes: int) -> OutboundMessage:
    text = _(
        "⏰ <b>Nobody has claimed a client's request for {minutes} minutes</b>\nClient: {name}\nWhy: {reason}\n"
        "Please claim it or ask a counselor to."
    ).format(minutes=minutes, name=first_name(client_name), reason=reason_label(handoff.reason))
    return OutboundMessage(text, keyboard=claim_keyboard(handoff))


def taken(handoff: Handoff, client_name: str | None, counselor: str | None) -> str:
    """What every copy of the alert says once somebody claimed it."""
    return _("🙋 A request from {name} ({reason}).\n✋ Taken by {counselor}.").format(
        name=first_name(client_name), reason=reason_label(handoff.reason), counselor=staff_name(counselor)
    )


def closed_alert(handoff: Handoff, client_name: str | None) -> str:
    return _("🙋 A request from {name} ({reason}).\nIt has ended.").format(
        name=first_name(client_name), reason=reason_label(handoff.reason)
    )


def button_name(display_name: str | None) -> str:
    words = (display_name or "").split()
    name = words[0] if words else _("a client (no name yet)")
    return name[:BUTTON_NAME] + "…" if len(name) > BUTTON_NAME else name


def queue_view(
    requests: Sequence[tuple[Handoff, str | None]], total: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/queue: the waiting requests (with the client's display name), a Claim button each."""
    if not requests:
        return _("Nobody is waiting for a counselor right now."), None
    builder = InlineKeyboardBuilder()
    lines = [_("<b>Waiting for a counselor</b> ({count}), the longest waiting first:").format(count=total)]
    for handoff, name in requests:
        minutes = waited_minutes(handoff, now)
        lines.append(
            _("• {name}: {reason}, {minutes} min").format(
                name=first_name(name), reason=reason_label(handoff.reason), minutes=minutes
            )
        )
        builder.button(
            text=_("✋ Claim: {name}, {minutes} min").format(name=button_name(name), minutes=minutes),
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
    lines = [
        _("✅ <b>You are now talking with {name}.</b>").format(name=full_name(client_name)),
        _("Why: {reason}. They waited {minutes} min.").format(
            reason=reason_label(handoff.reason), minutes=waited_minutes(handoff, now)
        ),
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


def only_text() -> str:
    return _(
        "Only text messages can be passed on in this conversation. Please describe it in words; "
        "photos, stickers and files are not forwarded."
    )


def too_long() -> str:
    return _("This message is too long to pass on. Please send it in parts of up to {count} characters.").format(
        count=MAX_RELAYED
    )
