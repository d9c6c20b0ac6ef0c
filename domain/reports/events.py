"""The events funnel (线下活动漏斗): offline events as a channel of the service flow, from the invitation to the
first date.

Each client's place at one event held in the period (not called off) is followed step by step: invited,
signed up (a seat, a place on the waitlist or one given up later), checked in at the door, picked someone
afterwards, picked by someone they picked (a mutual pick), introduced to such a person (contacts shared, in the
introduction made at or after the event), and a first confirmed date with them. A later step implies the
earlier ones (a client who signed up from the list of events counts as invited); a check-in, a pick, an
introduction and a date count once they happened by the moment the report looks at (`as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.reports.funnel import reached_counts


class EventStep(StrEnum):
    INVITED = "invited"
    SIGNED_UP = "signed_up"
    CHECKED_IN = "checked_in"
    PICKED = "picked"
    MUTUAL_PICK = "mutual_pick"
    INTRODUCED = "introduced"
    FIRST_DATE = "first_date"


EVENT_STEPS = tuple(EventStep)

Pair = frozenset[object]  # two clients, either way round


@dataclass(frozen=True)
class EventHistory:
    """What happened around one event: who was invited, signed up and checked in, who picked whom, and when each
    pair of its attendees was introduced and first went on a date (after the event)."""

    event_id: object
    starts_at: datetime
    invited: Set[object] = frozenset()
    signed_up: Set[object] = frozenset()
    checked_in: Mapping[object, datetime] = field(default_factory=dict)
    picks: Mapping[tuple[object, object], datetime] = field(default_factory=dict)  # (picker, picked) -> when
    introduced: Mapping[Pair, datetime] = field(default_factory=dict)  # contacts shared
    first_dates: Mapping[Pair, datetime] = field(default_factory=dict)  # a confirmed date's start

    def depths(self, as_of: datetime) -> Iterable[int]:
        """Each client's furthest step at this event by `as_of`, as an index in EVENT_STEPS."""
        picked: dict[object, list[object]] = {}
        for (picker, chosen), at in self.picks.items():
            if at <= as_of:
                picked.setdefault(picker, []).append(chosen)
        for client in self.invited | self.signed_up | set(self.checked_in):
            yield self._depth(client, picked, as_of)

    def _depth(self, client: object, picked: Mapping[object, list[object]], as_of: datetime) -> int:
        mutual = [other for other in picked.get(client, ()) if client in picked.get(other, ())]
        pairs = [frozenset((client, other)) for other in mutual]
        reached = (
            any(self._by(self.first_dates, pair, as_of) for pair in pairs),
            any(self._by(self.introduced, pair, as_of) for pair in pairs),
            bool(mutual),
            client in picked,
            self._by(self.checked_in, client, as_of),
            client in self.signed_up,
        )
        for index, done in enumerate(reached):
            if done:
                return len(EVENT_STEPS) - 1 - index
        return 0

    @staticmethod
    def _by(moments: Mapping[Any, datetime], key: object, as_of: datetime) -> bool:
        at = moments.get(key)
        return at is not None and at <= as_of


@dataclass(frozen=True)
class EventFunnel:
    """How many places at the period's events reached each step (of `EVENT_STEPS`), and the events counted."""

    events: int
    counts: tuple[int, ...]

    def count(self, step: EventStep) -> int:
        return self.counts[EVENT_STEPS.index(step)]

    def conversion(self, step: EventStep) -> float | None:
        """Of the step before (None for the first step, or when the step before has none)."""
        index = EVENT_STEPS.index(step)
        before = self.counts[index - 1] if index else 0
        return self.counts[index] / before if before else None


def event_funnel(events: Iterable[EventHistory], *, as_of: datetime) -> EventFunnel:
    held = list(events)
    depths = (depth for event in held for depth in event.depths(as_of))
    return EventFunnel(len(held), tuple(reached_counts(depths, len(EVENT_STEPS))))
