"""Casework rules (pure): who gets a new client, who sees which client, manual stage changes, closing reasons,
follow-up dates, the daily digest's grouping and finding a client by name. See docs/casework.md.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from domain.pipeline import Stage
from domain.staff import PERMISSIONS, Permission, Role

K = TypeVar("K", bound=Hashable)

COUNSELOR_CAUSE = "counselor"  # the cause of a stage a counselor set by hand
NOTE_LIMIT = 2000
CURATION_NOTE_LIMIT = 300
FOLLOW_UP_CHOICES = (1, 3, 7, 14, 30)  # days from today offered by the follow-up buttons
MAX_FOLLOW_UP_DAYS = 366
# Names are sealed, so a search by name opens them one by one: at most this many clients, the most recently
# active, per search (0.1 to 0.5 s for 1,000: docs/casework.md); anyone else is found by reference.
NAME_SEARCH_LIMIT = 1000


class ClosingReason(StrEnum):
    MARRIED = "married"
    FOUND_ELSEWHERE = "found_elsewhere"
    PAUSED_SEARCH = "paused_search"
    UNRESPONSIVE = "unresponsive"
    OTHER = "other"


class StageChangeError(ValueError):
    """A manual stage change that is not allowed: the same stage, or closing without a reason."""


def least_loaded(loads: Mapping[K, int], candidates: Sequence[K]) -> K | None:
    """The candidate with the fewest clients (`loads`, missing means none); ties go to the earlier candidate
    (the longest-serving counselor, when `candidates` is in joining order). None without candidates."""
    best: K | None = None
    for candidate in candidates:
        if best is None or loads.get(candidate, 0) < loads.get(best, 0):
            best = candidate
    return best


def sees_every_client(role: Role) -> bool:
    """Owners and managers (who assign clients) see every client; everyone else only the clients assigned
    to them."""
    return Permission.ASSIGN_CLIENTS in PERMISSIONS[role]


def may_open(role: Role, actor_id: object, assigned_to: object | None) -> bool:
    """Whether a staff member of `role` may act on a client assigned to `assigned_to` (None: unassigned)."""
    return sees_every_client(role) or (assigned_to is not None and assigned_to == actor_id)


def parse_closing_reason(value: str) -> ClosingReason | None:
    try:
        return ClosingReason(value)
    except ValueError:
        return None


def parse_stage(value: str) -> Stage | None:
    try:
        return Stage(value)
    except ValueError:
        return None


def stage_cause(stage: Stage, current: Stage | None, reason: ClosingReason | None = None) -> str:
    """The recorded cause of a counselor's change: "counselor", or "counselor:<reason>" when closing.

    A counselor may move a case to any other stage (back as well as forward, and reopen a closed one); closing
    needs a reason, and only closing takes one."""
    if stage is current:
        raise StageChangeError("the case is already in this stage")
    if stage is Stage.CLOSED:
        if reason is None:
            raise StageChangeError("closing a case needs a reason")
        return f"{COUNSELOR_CAUSE}:{reason.value}"
    if reason is not None:
        raise StageChangeError("only closing takes a reason")
    return COUNSELOR_CAUSE


def closing_reason_of(cause: str) -> ClosingReason | None:
    """The closing reason recorded in a stage's cause, if any."""
    prefix, _sep, code = cause.partition(":")
    return parse_closing_reason(code) if prefix == COUNSELOR_CAUSE and code else None


def follow_up_day(today: date, days: int) -> date | None:
    """The follow-up date `days` from today (0: no follow-up); None for a number out of range."""
    if days < 0 or days > MAX_FOLLOW_UP_DAYS:
        raise ValueError("follow-up days out of range")
    return None if days == 0 else today + timedelta(days=days)


@dataclass(frozen=True)
class DueFollowUp:
    client_id: object
    due: date

    def overdue_days(self, today: date) -> int:
        return max((today - self.due).days, 0)


def digest_groups(rows: Iterable[tuple[K, object, date]], today: date) -> dict[K, list[DueFollowUp]]:
    """(counselor, client, follow-up date) rows grouped by counselor: only dates due today or earlier, the most
    overdue first."""
    groups: dict[K, list[DueFollowUp]] = {}
    for counselor, client, due in rows:
        if due <= today:
            groups.setdefault(counselor, []).append(DueFollowUp(client, due))
    for items in groups.values():
        items.sort(key=lambda item: (item.due, str(item.client_id)))
    return groups


class CurationProblem(StrEnum):
    """Why a counselor's pick cannot go to the client."""

    CLIENT_INACTIVE = "client_inactive"  # the client is paused or gone
    SAME_PERSON = "same_person"
    CANDIDATE_INACTIVE = "candidate_inactive"  # not an active, reachable client
    ALREADY_SUGGESTED = "already_suggested"  # suggested before, passed, reported, introduced (either way)
    NOT_ACCEPTABLE = "not_acceptable"  # one does not meet the other's must-haves


def curation_problem(
    client_id: object,
    candidate_id: object,
    *,
    client_active: bool,
    candidate_active: bool,
    already: bool,
    acceptable: bool,
) -> CurationProblem | None:
    """The first reason a pick cannot be made, in the order a counselor would want to hear it; None: fine."""
    if not client_active:
        return CurationProblem.CLIENT_INACTIVE
    if client_id == candidate_id:
        return CurationProblem.SAME_PERSON
    if not candidate_active:
        return CurationProblem.CANDIDATE_INACTIVE
    if already:
        return CurationProblem.ALREADY_SUGGESTED
    if not acceptable:
        return CurationProblem.NOT_ACCEPTABLE
    return None


def _folded(text: str) -> str:
    """Text compared without case, width or spaces (full-width letters, "Li Wei" / "liwei", "诸葛 青云")."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def name_matches(query: str, name: str | None) -> bool:
    """Whether a client's `name` matches what staff typed: every word of the query is part of the name, case,
    width and spaces aside ("wei" finds "Li Wei", "青云" and "诸葛青云" find "诸葛 青云")."""
    if not name:
        return False
    words = [_folded(word) for word in query.split()]
    folded = _folded(name)
    return bool(words) and all(word in folded for word in words)
