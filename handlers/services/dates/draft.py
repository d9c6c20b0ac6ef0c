"""The draft of a proposal (a new one, a counter-proposal, a reschedule) or of a cancellation, kept in the
conversation's state while the proposer picks times, a venue or a reason.

In the state's data the draft is one JSON object under `DRAFT`: its nonce (`flow`, carried by every picker
button so a calendar left over from an earlier draft is recognised), the mode, the introduction and the date
and round it answers, the pair (the proposer first), the chosen times (UTC), the reason given and, when a
counselor proposes for a client, who did. Only ids, times and the reason: no names.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

DRAFT = "date_draft"
AGENCY = "agency"  # `by` of a proposal made by an owner known only from ADMIN_IDS (no account)


class DraftMode(StrEnum):
    NEW = "new"  # a first proposal for an introduction
    COUNTER = "counter"  # other times for a proposal received
    MOVE = "move"  # a confirmed date rescheduled (first the reason, then the times)
    CANCEL = "cancel"  # a date called off (only the reason)


class DraftStore(Protocol):
    """Where the draft lives: the conversation state's data (`handlers.journey.Conversation` is one)."""

    async def data(self) -> Mapping[str, object]: ...

    async def set_data(self, data: dict[str, object]) -> None: ...


@dataclass(frozen=True)
class DateDraft:
    flow: str  # the nonce of this draft's buttons
    mode: DraftMode
    introduction: UUID
    proposer: UUID  # whose proposal: the client, also when a counselor proposes for them
    other: UUID
    date: UUID | None = None  # the date answered, moved or cancelled
    round: int = 0  # the round of that date the draft answers
    slots: tuple[datetime, ...] = ()  # chosen so far, in order
    reason: str | None = None  # why a date is moved
    for_client: bool = False  # a counselor (or the agency) proposes in the client's name
    counselor: UUID | None = None  # that counselor (None: an owner without an account)

    @classmethod
    def start(
        cls,
        mode: DraftMode,
        *,
        proposer: UUID,
        other: UUID,
        introduction: UUID,
        date: UUID | None = None,
        round_: int = 0,
        for_client: bool = False,
        counselor: UUID | None = None,
    ) -> DateDraft:
        return cls(
            flow=secrets.token_hex(3),
            mode=mode,
            introduction=introduction,
            proposer=proposer,
            other=other,
            date=date,
            round=round_,
            for_client=for_client,
            counselor=counselor,
        )

    @property
    def people(self) -> tuple[UUID, UUID]:
        """The proposer, then the other."""
        return self.proposer, self.other

    def with_slot(self, slot: datetime) -> DateDraft:
        return replace(self, slots=tuple(sorted((*self.slots, slot))))

    def without_last_slot(self) -> DateDraft:
        return replace(self, slots=self.slots[:-1])

    def without_slots(self) -> DateDraft:
        return replace(self, slots=())

    def with_reason(self, reason: str | None) -> DateDraft:
        return replace(self, reason=reason)

    # --- in the conversation state -----------------------------------------------------------------------------
    @classmethod
    async def load(cls, store: DraftStore) -> DateDraft | None:
        """The conversation's draft; None when there is none (or it cannot be read)."""
        return cls.from_json((await store.data()).get(DRAFT))

    async def save(self, store: DraftStore) -> None:
        data = dict(await store.data())
        data[DRAFT] = self.to_json()
        await store.set_data(data)

    def to_json(self) -> dict[str, object]:
        value: dict[str, object] = {
            "flow": self.flow,
            "mode": self.mode.value,
            "intro": self.introduction.hex,
            "date": self.date.hex if self.date else "",
            "round": self.round,
            "people": [self.proposer.hex, self.other.hex],
            "other": self.other.hex,
            "slots": [slot.isoformat() for slot in self.slots],
            "reason": self.reason,
        }
        if self.for_client:
            value["by"] = self.counselor.hex if self.counselor else AGENCY
        return value

    @classmethod
    def from_json(cls, value: object) -> DateDraft | None:
        if not isinstance(value, dict):
            return None
        try:
            flow, mode, people = value["flow"], DraftMode(value["mode"]), value["people"]
            date, round_, slots = value.get("date"), value.get("round", 0), value.get("slots", [])
            reason, by = value.get("reason"), value.get("by")
            if (
                not isinstance(flow, str)
                or not isinstance(people, list)
                or len(people) != 2
                or not isinstance(round_, int)
                or not isinstance(slots, list)
            ):
                return None
            proposer, other = (UUID(hex=str(person)) for person in people)
            return cls(
                flow=flow,
                mode=mode,
                introduction=UUID(hex=str(value["intro"])),
                proposer=proposer,
                other=other,
                date=UUID(hex=date) if isinstance(date, str) and date else None,
                round=round_,
                slots=tuple(datetime.fromisoformat(str(slot)) for slot in slots),
                reason=reason if isinstance(reason, str) else None,
                for_client=bool(by),
                counselor=UUID(hex=by) if isinstance(by, str) and by and by != AGENCY else None,
            )
        except (KeyError, TypeError, ValueError):
            return None
