"""Buttons of matching: answers to a suggestion, report reasons, contact sharing after an introduction and
what comes with the contact (a counselor to connect the two, a date).

Callback data names the suggestion or introduction by id (32 hex digits); the handlers check it belongs to
the person pressing, so forged or forwarded data reaches nothing of anyone else's.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton
from domain.matching.decisions import ReportReason
from handlers.views.dates.buttons import propose_date_button
from handlers.views.keyboards import InlineKeyboardBuilder, MenuAction, MenuButton
from handlers.views.outbound import keyboard_markup


class MatchAction(StrEnum):
    INTERESTED = "yes"
    DECLINE = "no"
    REPORT = "report"


class MatchButton(CallbackData, prefix="match"):
    action: MatchAction
    suggestion: str


class ReportChoice(StrEnum):
    FAKE = ReportReason.FAKE.value
    OFFENSIVE = ReportReason.OFFENSIVE.value
    SCAM = ReportReason.SCAM.value
    OTHER = ReportReason.OTHER.value
    BACK = "back"


class ReportButton(CallbackData, prefix="rep"):
    choice: ReportChoice
    suggestion: str


class IntroAction(StrEnum):
    SHARE = "share"
    DECLINE = "decline"
    RELAY = "relay"  # ask a counselor to put the two in touch (one of them uses the web chat)


class IntroButton(CallbackData, prefix="intro"):
    action: IntroAction
    introduction: str


def parse_id(value: str) -> UUID | None:
    """The id a button names, or None for anything that is not one (forged data)."""
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def suggestion_buttons(suggestion_id: UUID) -> tuple[tuple[InlineButton, ...], ...]:
    ref = suggestion_id.hex
    interested = MatchButton(action=MatchAction.INTERESTED, suggestion=ref).pack()
    decline = MatchButton(action=MatchAction.DECLINE, suggestion=ref).pack()
    report = MatchButton(action=MatchAction.REPORT, suggestion=ref).pack()
    return (
        (
            InlineButton(text=_("💚 Interested"), callback_data=interested),
            InlineButton(text=_("Pass"), callback_data=decline),
        ),
        (InlineButton(text=_("⚠️ Report"), callback_data=report),),
    )


def suggestion_keyboard(suggestion_id: UUID) -> InlineKeyboardMarkup:
    return keyboard_markup(suggestion_buttons(suggestion_id))


def report_keyboard(suggestion_id: UUID) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    ref = suggestion_id.hex
    labels = {
        ReportChoice.FAKE: _("Fake profile"),
        ReportChoice.OFFENSIVE: _("Offensive"),
        ReportChoice.SCAM: _("Scam or asks for money"),
        ReportChoice.OTHER: _("Something else…"),
        ReportChoice.BACK: _("« Back"),
    }
    for choice, text in labels.items():
        builder.button(text=text, callback_data=ReportButton(choice=choice, suggestion=ref))
    builder.adjust(2, 2, 1)
    return builder.as_markup()


def share_buttons(introduction_id: UUID) -> tuple[tuple[InlineButton, ...], ...]:
    """Share my contact / not now, as outbox buttons (the same data as `share_keyboard`)."""
    ref = introduction_id.hex
    share = IntroButton(action=IntroAction.SHARE, introduction=ref).pack()
    decline = IntroButton(action=IntroAction.DECLINE, introduction=ref).pack()
    return (
        (InlineButton(text=_("🤝 Share my contact"), callback_data=share),),
        (InlineButton(text=_("Not this time"), callback_data=decline),),
    )


def contact_buttons(introduction_id: UUID, *, relay: bool) -> tuple[tuple[InlineButton, ...], ...]:
    """Under a contact message: ask a counselor to connect us (`relay`), and propose a date."""
    date = (propose_date_button(introduction_id),)
    if not relay:
        return (date,)
    data = IntroButton(action=IntroAction.RELAY, introduction=introduction_id.hex).pack()
    return ((InlineButton(text=_("🙋 Ask a counselor to connect us"), callback_data=data),), date)


def matches_buttons() -> tuple[tuple[InlineButton, ...], ...]:
    """A button that opens the client's suggestions, for messages sent through the outbox."""
    data = MenuButton(action=MenuAction.MATCHES).pack()
    return ((InlineButton(text=_("💘 See my suggestions"), callback_data=data),),)
