"""The case pipeline (服务流程): the stages a client's case moves through, from registration to its end.

Stage changes come from events (a registration, an introduction, a date, feedback) and from counselors; every
change is recorded with its time so that the time spent in each stage can be measured.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    NEW = "new"
    PROFILE_COMPLETE = "profile_complete"
    RECOMMENDING = "recommending"
    INTRODUCED = "introduced"
    MET = "met"
    DATING = "dating"
    MEETING_FAMILIES = "meeting_families"
    ENGAGED_OR_MARRIED = "engaged_or_married"
    CLOSED = "closed"


CASE_STAGES = tuple(stage.value for stage in Stage)
_ORDER = {stage: i for i, stage in enumerate(Stage)}


def advances(current: Stage | None, event_stage: Stage) -> bool:
    """Whether an event moves a case to `event_stage`: events only move a case forward (a second
    introduction does not pull a dating couple back to "introduced"), and never reopen a closed case."""
    if current is None:
        return True
    if current is Stage.CLOSED:
        return False
    return _ORDER[event_stage] > _ORDER[current]
