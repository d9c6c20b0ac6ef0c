"""Scheduled jobs: a reminder or a follow-up is a row with a kind, a reference, a due time and a state.

This module holds the rules; the rows live in storage and the runner in bot/scheduling.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_.:-]{0,63}$")
REF_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
DEFAULT_GRACE = timedelta(hours=1)


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    MISSED = "missed"  # found more than the grace period after its due time (the process was down)
    CANCELLED = "cancelled"
    FAILED = "failed"  # its handler kept failing, or no handler is registered for its kind


class DueAction(StrEnum):
    WAIT = "wait"
    RUN = "run"
    MISS = "miss"


def due_action(due_at: datetime, now: datetime, grace: timedelta, *, first_attempt: bool = True) -> DueAction:
    """Run a due job, unless it is a first attempt found more than `grace` late: then it was missed.

    A retry after a failed run is never turned into a miss: it was on time once, its lateness is ours.
    """
    if now < due_at:
        return DueAction.WAIT
    if first_attempt and now - due_at > grace:
        return DueAction.MISS
    return DueAction.RUN


def validate_kind(kind: str) -> str:
    """A kind is a short code such as `date.reminder`: lowercase letters, digits and `_ . : -`."""
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValueError("a job kind is 1-64 characters: a-z first, then a-z 0-9 _ . : -")
    return kind


def validate_ref_id(ref_id: str) -> str:
    """A reference is an opaque id (a row id), never personal data: it is stored and logged in clear."""
    if not isinstance(ref_id, str) or not REF_ID_PATTERN.match(ref_id):
        raise ValueError("a job reference is 1-128 characters of A-Z a-z 0-9 _ . : -")
    return ref_id


def next_daily_at(zone: tzinfo, hour: int, now: datetime) -> datetime:
    """The next `hour`:00 in `zone` strictly after `now`: when a daily job (an offer, a digest) runs next."""
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), time(hour), zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), time(hour), zone)
    return due
