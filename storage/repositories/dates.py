"""Dates and date feedback (see storage/models/dates.py).

Every change of a date's state is one conditional UPDATE naming the state and the round it expects, so two
people pressing buttons at the same moment (or a stale button) change it at most once: the loser gets False
or None and the caller says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, or_, select, update

from domain.dates import OPEN_STATES, DateState
from storage.crypto.aead import DataKey
from storage.models.dates import DateFeedbackRow, DateRow
from storage.repositories.base import Repository
from storage.sealing import RecordSpec


@dataclass(frozen=True)
class DateRecord:
    id: UUID
    introduction_id: UUID
    first_id: UUID
    second_id: UUID
    state: DateState
    round: int
    proposed_by: UUID
    slots: tuple[datetime, ...]
    venue_code: str | None
    venue_text: str | None
    starts_at: datetime | None
    confirmed_at: datetime | None
    reminded_at: datetime | None
    cancelled_by: UUID | None
    reason: str | None
    late_cancellation: bool
    closed_at: datetime | None
    created_at: datetime

    def other(self, account_id: UUID) -> UUID:
        return self.second_id if account_id == self.first_id else self.first_id

    def includes(self, account_id: UUID) -> bool:
        return account_id in (self.first_id, self.second_id)

    @property
    def people(self) -> tuple[UUID, UUID]:
        return self.first_id, self.second_id


@dataclass(frozen=True)
class FeedbackRecord:
    id: UUID
    date_id: UUID
    author_id: UUID
    about_id: UUID
    rating: int | None
    no_show: bool
    meet_again: bool | None
    comment: str | None
    complaint: bool
    asked_at: datetime
    nudged_at: datetime | None
    completed_at: datetime | None


DATES: RecordSpec[DateRecord] = RecordSpec(DateRow, DateRecord, row_id="id")
FEEDBACK: RecordSpec[FeedbackRecord] = RecordSpec(DateFeedbackRow, FeedbackRecord, row_id="id")


def _iso(slots: Iterable[datetime]) -> list[str]:
    return [slot.isoformat() for slot in slots]


class DatesRepository(Repository):
    # --- dates -------------------------------------------------------------------------------------------------
    async def propose(
        self,
        *,
        introduction_id: UUID,
        first_id: UUID,
        second_id: UUID,
        proposer: UUID,
        slots: Sequence[datetime],
        venue_code: str | None,
        venue_text: str | None,
        now: datetime,
    ) -> DateRecord:
        row = DateRow(
            id=uuid4(),
            introduction_id=introduction_id,
            first_id=first_id,
            second_id=second_id,
            state=DateState.PROPOSED.value,
            round=1,
            proposed_by=proposer,
            slots=_iso(slots),
            venue_code=venue_code,
            late_cancellation=False,
            created_at=now,
            updated_at=now,
        )
        key = await self._keys.for_account(proposer)
        DATES.apply(self._crypto, key, row, {"venue_text": venue_text})
        self._session.add(row)
        await self._session.flush()
        return await self._record(row)

    async def get(self, date_id: UUID) -> DateRecord | None:
        row = await self._session.scalar(
            select(DateRow).where(DateRow.id == date_id).execution_options(populate_existing=True)
        )
        return None if row is None else await self._record(row)

    async def open_for_introduction(self, introduction_id: UUID) -> DateRecord | None:
        """The proposed or confirmed date of an introduction (there is at most one at a time)."""
        row = await self._session.scalar(
            select(DateRow)
            .where(DateRow.introduction_id == introduction_id, DateRow.state.in_([s.value for s in OPEN_STATES]))
            .order_by(DateRow.created_at.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return None if row is None else await self._record(row)

    async def list_for(self, account_id: UUID) -> list[DateRecord]:
        rows = (
            await self._session.scalars(
                select(DateRow)
                .where(or_(DateRow.first_id == account_id, DateRow.second_id == account_id))
                .order_by(DateRow.created_at)
                .execution_options(populate_existing=True)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def busy_times(self, account_ids: Iterable[UUID], *, except_date: UUID | None = None) -> list[datetime]:
        """The start times of the confirmed dates of any of these people."""
        ids = list(account_ids)
        query = select(DateRow.starts_at).where(
            DateRow.state == DateState.CONFIRMED.value,
            DateRow.starts_at.is_not(None),
            or_(DateRow.first_id.in_(ids), DateRow.second_id.in_(ids)),
        )
        if except_date is not None:
            query = query.where(DateRow.id != except_date)
        return [at for at in (await self._session.scalars(query)).all() if at is not None]

    async def repropose(
        self,
        date: DateRecord,
        *,
        proposer: UUID,
        slots: Sequence[datetime],
        venue_code: str | None,
        venue_text: str | None,
        now: datetime,
    ) -> DateRecord | None:
        """New slots for an open date (a counter-proposal, or a reschedule of a confirmed date): the next
        round, waiting for the other side. None when the date changed since `date` was read."""
        key = await self._keys.for_account(proposer)
        return await self._move(
            date.id,
            [*self._unchanged(date), DateRow.state.in_([s.value for s in OPEN_STATES])],
            state=DateState.PROPOSED.value,
            round=date.round + 1,
            proposed_by=proposer,
            slots=_iso(slots),
            venue_code=venue_code,
            starts_at=None,
            confirmed_at=None,
            reminded_at=None,
            updated_at=now,
            **DATES.encode(self._crypto, key, date.id, {"venue_text": venue_text}),
        )

    async def accept(self, date: DateRecord, round_: int, starts_at: datetime, now: datetime) -> DateRecord | None:
        """Confirm the slot `starts_at` of proposal `round_`; None when that proposal is no longer open."""
        return await self._move(
            date.id,
            self._open_proposal(round_),
            state=DateState.CONFIRMED.value,
            starts_at=starts_at,
            confirmed_at=now,
            updated_at=now,
        )

    async def withdraw(self, date: DateRecord, round_: int, by: UUID, now: datetime) -> DateRecord | None:
        return await self._move(
            date.id,
            self._open_proposal(round_),
            state=DateState.WITHDRAWN.value,
            cancelled_by=by,
            closed_at=now,
            updated_at=now,
        )

    async def cancel(
        self, date: DateRecord, by: UUID, *, reason: str | None, late: bool, now: datetime
    ) -> DateRecord | None:
        """Call off an open date (confirmed, or a proposal); None when it changed since it was read."""
        key = await self._keys.for_account(by)
        return await self._move(
            date.id,
            [*self._unchanged(date), DateRow.state.in_([s.value for s in OPEN_STATES])],
            state=(DateState.CANCELLED if date.state is DateState.CONFIRMED else DateState.WITHDRAWN).value,
            cancelled_by=by,
            late_cancellation=late,
            closed_at=now,
            updated_at=now,
            **DATES.encode(self._crypto, key, date.id, {"reason": reason}),
        )

    @staticmethod
    def _unchanged(date: DateRecord) -> list[ColumnElement[bool]]:
        """The date is still in the round and state it was read in."""
        return [DateRow.round == date.round, DateRow.state == date.state.value]

    @staticmethod
    def _open_proposal(round_: int) -> list[ColumnElement[bool]]:
        return [DateRow.round == round_, DateRow.state == DateState.PROPOSED.value]

    async def _move(self, date_id: UUID, conditions: list[ColumnElement[bool]], **values: Any) -> DateRecord | None:
        """A state change made only while `conditions` hold (one conditional UPDATE, so two people pressing at
        the same moment change it once); the date afterwards, or None when it had changed meanwhile."""
        changed = await self._execute_dml(
            update(DateRow)
            .where(DateRow.id == date_id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return await self.get(date_id) if changed == 1 else None

    async def mark_reminded(self, date_id: UUID, now: datetime) -> None:
        await self._execute_dml(
            update(DateRow)
            .where(DateRow.id == date_id)
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )

    async def _record(self, row: DateRow) -> DateRecord:
        venue_text = await self._open(DATES, row.proposed_by, "venue_text", row.id, row.venue_text)
        reason = (
            None
            if row.cancelled_by is None
            else await self._open(DATES, row.cancelled_by, "reason", row.id, row.reason)
        )
        return DateRecord(
            id=row.id,
            introduction_id=row.introduction_id,
            first_id=row.first_id,
            second_id=row.second_id,
            state=DateState(row.state),
            round=row.round,
            proposed_by=row.proposed_by,
            slots=tuple(datetime.fromisoformat(slot) for slot in row.slots),
            venue_code=row.venue_code,
            venue_text=venue_text,
            starts_at=row.starts_at,
            confirmed_at=row.confirmed_at,
            reminded_at=row.reminded_at,
            cancelled_by=row.cancelled_by,
            reason=reason,
            late_cancellation=row.late_cancellation,
            closed_at=row.closed_at,
            created_at=row.created_at,
        )

    async def _open(self, spec: RecordSpec[Any], owner: UUID, column: str, row_id: UUID, raw: bytes | None) -> Any:
        if raw is None:
            return None
        key: DataKey | None = await self._keys.usable_key(owner)
        return None if key is None else spec.open_column(self._crypto, key, column, row_id, raw)

    # --- feedback ----------------------------------------------------------------------------------------------
    async def ask_feedback(self, date: DateRecord, author: UUID, now: datetime) -> FeedbackRecord:
        """The author's feedback row for the date, created when first asked (idempotent)."""
        found = await self.feedback(date.id, author)
        if found is not None:
            return found
        row = DateFeedbackRow(
            id=uuid4(),
            date_id=date.id,
            author_id=author,
            about_id=date.other(author),
            no_show=False,
            complaint=False,
            asked_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return await self._feedback_record(row)

    async def feedback(self, date_id: UUID, author: UUID) -> FeedbackRecord | None:
        row = await self._session.scalar(
            select(DateFeedbackRow)
            .where(DateFeedbackRow.date_id == date_id, DateFeedbackRow.author_id == author)
            .execution_options(populate_existing=True)
        )
        return None if row is None else await self._feedback_record(row)

    async def feedback_on(self, date_id: UUID) -> list[FeedbackRecord]:
        rows = (
            await self._session.scalars(
                select(DateFeedbackRow)
                .where(DateFeedbackRow.date_id == date_id)
                .order_by(DateFeedbackRow.asked_at)
                .execution_options(populate_existing=True)
            )
        ).all()
        return [await self._feedback_record(row) for row in rows]

    async def answer(self, feedback: FeedbackRecord, expect_open: bool = True, **changes: Any) -> bool:
        """Record answers (rating, no_show, meet_again, comment, complaint, completed_at, nudged_at) once:
        False when the feedback was completed meanwhile."""
        values = dict(changes)
        if "comment" in values:
            key = await self._keys.for_account(feedback.author_id)
            values.update(FEEDBACK.encode(self._crypto, key, feedback.id, {"comment": values.pop("comment")}))
        query = update(DateFeedbackRow).where(DateFeedbackRow.id == feedback.id)
        if expect_open:
            query = query.where(DateFeedbackRow.completed_at.is_(None))
        changed = await self._execute_dml(query.values(**values).execution_options(synchronize_session=False))
        return changed == 1

    async def _feedback_record(self, row: DateFeedbackRow) -> FeedbackRecord:
        comment = await self._open(FEEDBACK, row.author_id, "comment", row.id, row.comment)
        return FeedbackRecord(
            id=row.id,
            date_id=row.date_id,
            author_id=row.author_id,
            about_id=row.about_id,
            rating=row.rating,
            no_show=row.no_show,
            meet_again=row.meet_again,
            comment=comment,
            complaint=row.complaint,
            asked_at=row.asked_at,
            nudged_at=row.nudged_at,
            completed_at=row.completed_at,
        )
