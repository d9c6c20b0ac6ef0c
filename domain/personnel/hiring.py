"""Hiring: positions with a headcount and requirements, candidates moving through the stages, and the answers a
candidate gives in the bot's short interview (docs/hiring.md).

A candidate moves forward one stage at a time (applied → interview → offer → hired), or is declined from any
stage before hired. Hiring issues the staff invitation for the position's role, so only an offer can become a
hire, and only while the position has a seat left. Pure rules: codes and plain values only, no personal data in
an exception.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from domain.phones import normalise_phone, normalise_shared_contact
from domain.staff import Role


class Stage(StrEnum):
    APPLIED = "applied"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    DECLINED = "declined"


STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
# The forward step from each stage (hiring is the last one; it issues the invitation).
NEXT: dict[Stage, Stage] = {Stage.APPLIED: Stage.INTERVIEW, Stage.INTERVIEW: Stage.OFFER, Stage.OFFER: Stage.HIRED}
FINAL: frozenset[Stage] = frozenset({Stage.HIRED, Stage.DECLINED})


class PositionState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


POSITION_STATES: tuple[str, ...] = tuple(state.value for state in PositionState)

# The roles a position may hire for: every staff role but the owner's (the agency's own) and the team lead's
# (a promotion from within, docs/teams.md).
HIRABLE_ROLES: tuple[Role, ...] = (Role.COUNSELOR, Role.CUSTOMER_SERVICE, Role.FINANCE, Role.MANAGER)
HIRABLE_ROLE_CODES: tuple[str, ...] = tuple(role.value for role in HIRABLE_ROLES)


class EventKind(StrEnum):
    """A line of a candidate's timeline."""

    APPLIED = "applied"
    MOVED = "moved"  # to the next stage
    DECLINED = "declined"
    HIRED = "hired"  # the invitation was issued
    NOTE = "note"


EVENT_KINDS: tuple[str, ...] = tuple(kind.value for kind in EventKind)


class MoveRefusal(StrEnum):
    """Why a candidate cannot go where a button says (an old button, or someone else acted first)."""

    NOT_NEXT = "not_next"  # not the next stage from where the candidate stands
    FINAL = "final"  # hired or declined already
    FULL = "full"  # every seat of the position is filled


def move_refusal(current: Stage, target: Stage, *, filled: int, headcount: int) -> MoveRefusal | None:
    """None when a candidate at `current` may go to `target` now; else why not."""
    if current in FINAL:
        return MoveRefusal.FINAL
    if target is Stage.DECLINED:
        return None
    if NEXT.get(current) is not target:
        return MoveRefusal.NOT_NEXT
    if target is Stage.HIRED and filled >= headcount:
        return MoveRefusal.FULL
    return None


def next_stage(current: Stage) -> Stage | None:
    return None if current in FINAL else NEXT.get(current)


def accepts_applications(state: PositionState, *, filled: int, headcount: int) -> bool:
    return state is PositionState.OPEN and filled < headcount


def closes_when_hired(*, filled_after: int, headcount: int) -> bool:
    """The hire that fills the last seat closes the position (no more applications)."""
    return filled_after >= headcount


# --- The apply link -----------------------------------------------------------------------------------------

PAYLOAD_PREFIX = "apply-"
CODE_LENGTH = 8
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # lower case (payloads may be folded), no look-alikes
_PAYLOAD = re.compile(r"^apply-([a-z0-9]{8})$")


def new_position_code() -> str:
    """The public code of a position's apply link (not a secret: the link is meant to be shared)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def payload(code: str) -> str:
    """The `/start` payload of a position's apply link."""
    return PAYLOAD_PREFIX + code


def code_from_payload(value: str | None) -> str | None:
    """The position code in a `/start apply-<code>` payload, or None."""
    if value is None:
        return None
    found = _PAYLOAD.match(value.strip().lower())
    return None if found is None else found.group(1)


# --- The manager's position form ---------------------------------------------------------------------------

TITLE_LIMIT = 80
REQUIREMENTS_LIMIT = 1000
HEADCOUNT_LIMIT = 99


class FormProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"  # headcount: a whole number from 1 to HEADCOUNT_LIMIT


def _one_text(typed: str, limit: int, *, one_line: bool) -> str | FormProblem:
    text = unicodedata.normalize("NFKC", typed).strip()
    if one_line:
        text = " ".join(text.split())
    if not text or text.startswith("/"):
        return FormProblem.EMPTY
    if len(text) > limit:
        return FormProblem.TOO_LONG
    return text


def position_title(typed: str) -> str | FormProblem:
    return _one_text(typed, TITLE_LIMIT, one_line=True)


def requirements(typed: str) -> str | FormProblem:
    return _one_text(typed, REQUIREMENTS_LIMIT, one_line=False)


def headcount(typed: str) -> int | FormProblem:
    text = unicodedata.normalize("NFKC", typed).strip()
    if not text.isdigit() or not 1 <= int(text) <= HEADCOUNT_LIMIT:
        return FormProblem.NOT_A_NUMBER
    return int(text)


# --- The candidate's interview -----------------------------------------------------------------------------

NAME_LIMIT = 64
ANSWER_LIMIT = 1000
NOTE_LIMIT = 1000
ANSWER_MINIMUM = 2  # characters: "no" is an answer, a single key press is not


class AnswerProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"  # no letter, links or markup, several lines
    NOT_A_PHONE = "not_a_phone"
    TOO_SHORT = "too_short"


def candidate_name(typed: str) -> str | AnswerProblem:
    """The candidate's full name: one line, letters of any script with spaces and . ' ’ - · ・."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if "\n" in text or "\r" in text:
        return AnswerProblem.NOT_A_NAME
    name = " ".join(text.split())
    if not name:
        return AnswerProblem.EMPTY
    if len(name) > NAME_LIMIT:
        return AnswerProblem.TOO_LONG
    allowed = all(char == " " or char in ".'’-·・" or unicodedata.category(char)[0] in "LM" for char in name)
    if not allowed or not any(unicodedata.category(char)[0] == "L" for char in name):
        return AnswerProblem.NOT_A_NAME
    return name


def candidate_phone(typed: str | None, *, shared: str | None = None) -> str | AnswerProblem:
    """E.164 from a typed number (China's plan by default) or from a shared contact's number."""
    number = normalise_shared_contact(shared) if shared is not None else normalise_phone(typed or "")
    return AnswerProblem.NOT_A_PHONE if number is None else number


def free_answer(typed: str, limit: int = ANSWER_LIMIT) -> str | AnswerProblem:
    """A free-text answer (experience, why this job) or a manager's note."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if not text or text.startswith("/"):
        return AnswerProblem.EMPTY
    if len(text) < ANSWER_MINIMUM:
        return AnswerProblem.TOO_SHORT
    if len(text) > limit:
        return AnswerProblem.TOO_LONG
    return text


@dataclass(frozen=True)
class Application:
    """What a candidate answered in the bot's interview, ready to be kept (sealed)."""

    name: str
    phone: str
    experience: str
    motivation: str


@dataclass(frozen=True)
class Pipeline:
    """How many candidates of a position stand at each stage."""

    counts: dict[Stage, int]

    @property
    def filled(self) -> int:
        return self.counts.get(Stage.HIRED, 0)

    @property
    def in_progress(self) -> int:
        return sum(n for stage, n in self.counts.items() if stage not in FINAL)
