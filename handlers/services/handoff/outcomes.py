"""What the handoff desk's use cases tell their handlers: the router renders these and sets the relay states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.handoff import ClaimRefusal, Handoff
from storage.records import Account


class Ask(StrEnum):
    """A client's /human."""

    TALKING = "talking"  # a counselor already claimed their request: back into the conversation
    WAITING = "waiting"  # they asked already and nobody claimed it yet
    OPENED = "opened"  # a new request, staff alerted


@dataclass(frozen=True)
class Asking:
    ask: Ask
    handoff: Handoff
    counselor: str | None = None  # TALKING: the counselor's display name
    answer_from: datetime | None = None  # outside the opening hours: when counselors are back


@dataclass(frozen=True)
class Waiting:
    """/queue: the longest waiting requests (with the client's display name) and how many wait in all;
    `serving`: the member's own conversation (the client's display name), if any."""

    requests: list[tuple[Handoff, str | None]]
    total: int
    now: datetime
    serving: Handoff | None = None
    serving_name: str | None = None


@dataclass(frozen=True)
class AlertEdit:
    """A delivered copy of a handoff alert and its new text (without the Claim button), in its reader's language."""

    chat_id: int
    message_id: int
    outbox_id: int
    text: str


class ClaimProblem(StrEnum):
    GONE = "gone"  # no such request (a stale or forged button)
    NO_ACCOUNT = "no_account"  # the staff member never wrote to the bot: the relay could not reach them
    UNREACHABLE = "unreachable"  # the client is on another channel, or their data was deleted


@dataclass(frozen=True)
class NotClaimed:
    problem: ClaimProblem | ClaimRefusal
    holder: str | None = None  # TAKEN: the display name of who took it


@dataclass(frozen=True)
class Claimed:
    handoff: Handoff
    client: Account  # the client's private chat, to put into relay mode
    alert_edits: list[AlertEdit]
    # The client's card and what they wrote while waiting, for the counselor's private chat; empty: they went
    # through the outbox.
    card: list[str]


@dataclass(frozen=True)
class ClientEnded:
    """A client's /end: a withdrawn request (`withdrawn`), or a finished conversation."""

    handoff: Handoff
    withdrawn: bool
    alert_edits: list[AlertEdit]
    counselor: Account | None  # the counselor's private chat (same channel), to leave relay mode
    counselor_name: str | None


@dataclass(frozen=True)
class CounselorEnded:
    handoff: Handoff
    client: Account | None  # the client's private chat (same channel), to leave relay mode
    asked: bool  # the client was asked to rate the conversation


class Relayed(StrEnum):
    SENT = "sent"
    KEPT = "kept"  # nobody has claimed the request yet: in the transcript, for the counselor who claims
    UNDELIVERED = "undelivered"  # kept in the transcript; the other side cannot receive messages now
    TOO_LONG = "too_long"
    ENDED = "ended"  # the conversation is over, or not this person's: nothing was kept or sent


@dataclass(frozen=True)
class RelayResult:
    """A relayed line: what happened, the handoff it belongs to (ENDED: none), and, when the sender came back
    from another flow (`resumed`), the other side's name. KEPT: `answer_from` as in `Asking`."""

    relayed: Relayed
    handoff: Handoff | None = None
    partner: str | None = None
    answer_from: datetime | None = None


class Rated(StrEnum):
    THANKED = "thanked"
    ALREADY = "already"
    STALE = "stale"  # not their conversation, not over, or not a rating
