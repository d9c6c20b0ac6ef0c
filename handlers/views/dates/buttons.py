"""Buttons of dates: the entry button, the calendar and time picker of a proposal, the answers to a proposal,
the confirmed date's buttons, and feedback.

Callback data names the date (32 hex digits) and the proposal round it was made for, so an answer to an
older proposal is recognised as stale; the picker's buttons carry the draft's nonce, so a calendar left
over from an earlier draft is recognised too. Handlers check the date belongs to the person pressing.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton


class ProposeDate(CallbackData, prefix="dstart"):
    """ "📅 Propose a date" for a connected introduction (the contact message and /dates show it)."""

    introduction: str


class CounselorDate(CallbackData, prefix="dcoun"):
    """A counselor proposes a date on behalf of one of an introduction's pair (the client card shows it):
    `side` 0 proposes for the introduction's first person, 1 for the second."""

    introduction: str
    side: int


def propose_date_button(introduction_id: UUID) -> InlineButton:
    data = ProposeDate(introduction=introduction_id.hex).pack()
    return InlineButton(text=_("📅 Propose a date"), callback_data=data)


class DraftAct(StrEnum):
    """What a picker button does (one handler each)."""

    DAY = "day"  # value: YYYYMMDD, the day picked in the calendar
    MONTH = "month"  # value: YYYYMM, the month to show
    TIME = "time"  # value: YYYYMMDDHHMM, a local start time
    CALENDAR = "cal"  # back to the calendar
    MORE = "more"  # add another time
    UNDO = "undo"  # remove the last time
    VENUE = "venue"  # done with times: on to the venue
    PLACE = "place"  # value: a catalogue venue code
    KEEP = "keep"  # keep the current venue (a counter-proposal or a reschedule)
    SKIP = "skip"  # no reason given
    QUIT = "quit"  # abandon the draft
    NOOP = "noop"  # a blank or disabled calendar cell


class DraftButton(CallbackData, prefix="dd"):
    """A button of the calendar and time picker: `flow` is the draft's nonce, `value` what `act` needs."""

    flow: str
    act: DraftAct
    value: str = ""


class SlotButton(CallbackData, prefix="dslot"):
    """Accept slot number `slot` of proposal `round`."""

    date: str
    round: int
    slot: int


class DateAct(StrEnum):
    COUNTER = "counter"  # propose other times
    DECLINE = "decline"  # withdraw or refuse a proposal
    ICS = "ics"  # send me the calendar file
    LATE = "late"  # I am running late
    RESCHEDULE = "move"
    CANCEL = "cancel"


class DateButton(CallbackData, prefix="dact"):
    act: DateAct
    date: str
    round: int = 0


class Feedback(StrEnum):
    RATE = "rate"  # value: 1-5
    NO_SHOW = "noshow"
    AGAIN = "again"  # value: y / n
    SKIP = "skip"  # no comment
    WRITE = "write"  # I want to write a comment (the nudge's way back into the comment step)
    COMPLAINT = "complaint"  # value: y / n


class FeedbackButton(CallbackData, prefix="dfb"):
    date: str
    step: Feedback
    value: str = ""


def parse_id(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None
