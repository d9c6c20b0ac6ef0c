"""Handoff (转人工): a client reaching a human counselor, and the life of that conversation.

States: `open` (waiting for a counselor to claim it) → `claimed` (a counselor and the client talk through
the bot's relay) → `closed` (ended with /end; the client may rate it 1-5). Why it was opened is one of
`Reason`.

Who hears about it, and when (`alert_plan`, `next_step`):
1. At once: the client's assigned counselor, if they are on duty. Otherwise, at once, everyone on duty
   (or the staff group chat, when the agency has one).
2. Still unclaimed `claim_minutes` after it was opened (and only the assigned counselor was told): everyone
   on duty (or the staff chat).
3. Still unclaimed `escalation_minutes` after it was opened: the managers (the owners when there is no
   manager).

Who may claim (`claim_refusal`): anyone who serves clients once it was offered to everyone; before that,
only the client's assigned counselor, a manager or an owner. The first claim wins.

Opening hours (`OpeningHours`, the agency's `OPENING_HOURS` in its `TIMEZONE`): a handoff opened outside them is
alerted when the next shift starts (`ALERT_JOB`), and the steps above count from then.

Misunderstandings (`Misunderstandings`): three messages in a row the bot did not understand open a handoff.
"In a row" means: each within `MISUNDERSTOOD_WINDOW` of the previous one and with the conversation state
unchanged in between; a longer gap or any change of the state starts the count again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.staff import PERMISSIONS, Permission, Role, needs_training


class HandoffState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class HandoffReason(StrEnum):
    ASKED = "asked"  # /human or the "Talk to a counselor" button
    NOT_UNDERSTOOD = "not_understood"  # the bot failed to understand three times in a row
    LOW_RATING = "low_rating"  # a date rated 2 or less, or a no-show
    COMPLAINT = "complaint"  # a report or a feedback comment marked as a complaint
    PAYMENT = "payment"  # a payment problem


HANDOFF_STATES = tuple(state.value for state in HandoffState)
HANDOFF_REASONS = tuple(reason.value for reason in HandoffReason)
MIN_RATING, MAX_RATING = 1, 5
RATINGS = tuple(range(MIN_RATING, MAX_RATING + 1))

# The scheduled jobs of a handoff (ref_id: the handoff id in hex).
ALERT_JOB = "handoff.alert"  # opened outside the opening hours: the first alert, when the shift starts
WIDEN_JOB = "handoff.widen"
ESCALATE_JOB = "handoff.escalate"

MISUNDERSTOOD_LIMIT = 3
MISUNDERSTOOD_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Handoff:
    id: UUID
    client_id: UUID
    reason: HandoffReason
    state: HandoffState
    counselor_id: UUID | None
    created_at: datetime
    claimed_at: datetime | None = None
    widened_at: datetime | None = None
    managers_told_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    rated_at: datetime | None = None


@dataclass(frozen=True)
class Timing:
    """The agency's settings: `HANDOFF_CLAIM_MINUTES`, `HANDOFF_ESCALATION_MINUTES`."""

    claim_minutes: int
    escalation_minutes: int

    def widen_at(self, opened: datetime) -> datetime:
        return opened + timedelta(minutes=self.claim_minutes)

    def escalate_at(self, opened: datetime) -> datetime:
        return opened + timedelta(minutes=max(self.escalation_minutes, self.claim_minutes))


_HOURS = re.compile(r"^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$")
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class OpeningHours:
    """When counselors answer, every day, in the agency's time zone: from `opens` until `closes` (exclusive).
    `closes` before `opens` runs past midnight; "00:00-24:00" is round the clock."""

    start: int  # minutes after midnight
    end: int  # minutes after midnight, up to 24:00; before `start`: the next day
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: ZoneInfo) -> OpeningHours:
        """From `HH:MM-HH:MM` (24-hour clock; 24:00 may end the day); ValueError when unusable."""
        found = _HOURS.match(text)
        if found is None:
            raise ValueError("expected opening hours like 09:00-21:00")
        oh, om, ch, cm = (int(part) for part in found.groups())
        if oh > 23 or om > 59 or cm > 59 or ch > 24 or (ch == 24 and cm != 0):
            raise ValueError("expected times from 00:00 to 24:00, like 09:00-21:00")
        start, end = oh * 60 + om, ch * 60 + cm
        if start == end % DAY_MINUTES and (start, end) != (0, DAY_MINUTES):
            raise ValueError("the opening and closing times are the same; for round the clock use 00:00-24:00")
        return cls(start, end, zone)

    @property
    def opens(self) -> time:
        return time(self.start // 60, self.start % 60)

    @property
    def closes(self) -> time:
        return time(self.end // 60 % 24, self.end % 60)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def answer_from(self, moment: datetime) -> datetime | None:
        """When counselors are next there, if they are not now (None: open)."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(self.zone)
        opening = datetime.combine(local.date(), self.opens, tzinfo=self.zone)
        if opening <= local:
            opening = datetime.combine(local.date() + timedelta(days=1), self.opens, tzinfo=self.zone)
        return opening.astimezone(moment.tzinfo)

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the start of the next shift."""
        return self.answer_from(moment) or moment


@dataclass(frozen=True)
class StaffOnDuty:
    """What the rules need to know of a staff member: codes and ids only."""

    account_id: UUID
    role: Role
    active: bool
    trained: bool  # passed the required training (domain.personnel.training.cleared)


def on_duty(member: StaffOnDuty) -> bool:
    """Active, serves clients, and has passed the required training (owners need not)."""
    return (
        member.active
        and Permission.SERVE_CLIENTS in PERMISSIONS[member.role]
        and (member.trained or not needs_training(member.role))
    )


@dataclass(frozen=True)
class AlertPlan:
    """Who is told now, and whether the handoff counts as offered to everyone from now on."""

    recipients: tuple[UUID, ...]
    to_staff_chat: bool
    widened: bool


def first_alert(*, assigned: UUID | None, staff: list[StaffOnDuty], client_id: UUID, has_staff_chat: bool) -> AlertPlan:
    """The alert when a handoff opens: the assigned counselor if on duty, else everyone on duty."""
    duty = [m for m in staff if on_duty(m) and m.account_id != client_id]
    if assigned is not None and any(m.account_id == assigned for m in duty):
        return AlertPlan((assigned,), to_staff_chat=False, widened=False)
    return widened_alert(staff=duty, client_id=client_id, has_staff_chat=has_staff_chat, already=())


def widened_alert(
    *, staff: list[StaffOnDuty], client_id: UUID, has_staff_chat: bool, already: tuple[UUID, ...]
) -> AlertPlan:
    """Everyone on duty (not told yet), or the staff group chat when the agency has one."""
    if has_staff_chat:
        return AlertPlan((), to_staff_chat=True, widened=True)
    recipients = tuple(
        m.account_id for m in staff if on_duty(m) and m.account_id != client_id and m.account_id not in already
    )
    return AlertPlan(recipients, to_staff_chat=False, widened=True)


def managers_to_tell(staff: list[StaffOnDuty], client_id: UUID) -> tuple[UUID, ...]:
    """The active managers; the active owners with a staff row when there is no manager."""
    for role in (Role.MANAGER, Role.OWNER):
        found = tuple(m.account_id for m in staff if m.role is role and m.active and m.account_id != client_id)
        if found:
            return found
    return ()


class ClaimRefusal(StrEnum):
    TAKEN = "taken"  # someone else claimed it first
    CLOSED = "closed"  # it is over
    NOT_YOURS = "not_yours"  # not offered to everyone yet, and the client is not (or no longer) assigned to you
    BUSY = "busy"  # the member is already serving another conversation


def claim_refusal(
    handoff: Handoff, *, member: UUID, role: Role, assigned: UUID | None, serving: UUID | None
) -> ClaimRefusal | None:
    """Why `member` may not claim `handoff` now (None: they may). `serving`: the handoff they already serve."""
    if handoff.state is HandoffState.CLOSED:
        return ClaimRefusal.CLOSED
    if handoff.state is HandoffState.CLAIMED:
        return ClaimRefusal.TAKEN
    if serving is not None and serving != handoff.id:
        return ClaimRefusal.BUSY
    offered_to_all = handoff.widened_at is not None or handoff.managers_told_at is not None
    if not offered_to_all and role not in (Role.OWNER, Role.MANAGER) and assigned != member:
        return ClaimRefusal.NOT_YOURS
    return None


def valid_rating(value: int) -> bool:
    return MIN_RATING <= value <= MAX_RATING


# --- Misunderstandings -------------------------------------------------------------------------------------

MISUNDERSTOOD_KEY = "misunderstood"


@dataclass(frozen=True)
class Misunderstandings:
    """How many messages in a row the bot did not understand (kept in the conversation state's data: a count,
    a time and the state's name, no personal data)."""

    count: int
    at: datetime
    state: str | None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.count, "at": self.at.isoformat(), "state": self.state}

    @classmethod
    def from_json(cls, value: object) -> Misunderstandings | None:
        if not isinstance(value, dict):
            return None
        try:
            count, at, state = int(value["n"]), datetime.fromisoformat(str(value["at"])), value.get("state")
        except (KeyError, TypeError, ValueError):
            return None
        return cls(count, at, state if isinstance(state, str) else None)


def count_misunderstanding(
    previous: Misunderstandings | None, *, now: datetime, state: str | None
) -> Misunderstandings:
    """One more message not understood: counted on from `previous` only if it is recent and in the same state."""
    continues = (
        previous is not None and previous.state == state and timedelta(0) <= now - previous.at <= MISUNDERSTOOD_WINDOW
    )
    count = previous.count + 1 if continues and previous is not None else 1
    return Misunderstandings(count, now, state)


def should_hand_off(counted: Misunderstandings) -> bool:
    return counted.count >= MISUNDERSTOOD_LIMIT
