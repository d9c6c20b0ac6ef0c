"""Suggestions and their answers, introductions, reports and case stages (see storage/models/matching.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, exists, func, or_, select, update

from domain.matching.decisions import (
    Decision,
    IntroductionState,
    ReportReason,
    ReportState,
    Source,
    ordered_pair,
)
from domain.pipeline import Stage, advances
from storage.errors import NotFoundError
from storage.models.accounts import AccountRow
from storage.models.clients import ClientProfileRow
from storage.models.matching import CaseStageRow, IntroductionRow, ReportRow, SuggestionRow
from storage.models.quality import ClientBlockRow
from storage.records import Introduction, Report, SuggestionRecord
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

SUGGESTIONS = RecordSpec(SuggestionRow, SuggestionRecord, row_id="id")
INTRODUCTIONS = RecordSpec(IntroductionRow, Introduction, row_id="id")
REPORTS = RecordSpec(ReportRow, Report, row_id="id")
_BLOCKING = (Decision.PASSED.value, Decision.REPORTED.value)


class SuggestionsRepository(Repository):
    async def add(
        self,
        asker_id: UUID,
        candidate_id: UUID,
        *,
        source: Source,
        now: datetime,
        offered_on: date | None = None,
        position: int = 0,
        score: float | None = None,
        reasons: Sequence[dict[str, object]] = (),
        note: str | None = None,
    ) -> SuggestionRecord:
        row = SuggestionRow(
            id=uuid4(),
            asker_id=asker_id,
            candidate_id=candidate_id,
            source=source.value,
            offered_on=offered_on,
            position=position,
            score=score,
            reasons=list(reasons),
            created_at=now,
        )
        key = await self._keys.for_account(asker_id)
        SUGGESTIONS.apply(self._crypto, key, row, {"note": note})
        self._session.add(row)
        await self._session.flush()
        return SUGGESTIONS.decode(self._crypto, key, row)

    async def get(self, suggestion_id: UUID) -> SuggestionRecord | None:
        row = await self._session.get(SuggestionRow, suggestion_id)
        return None if row is None else await self._record(row)

    async def for_pair(self, asker_id: UUID, candidate_id: UUID) -> SuggestionRecord | None:
        row = await self._session.scalar(
            select(SuggestionRow).where(SuggestionRow.asker_id == asker_id, SuggestionRow.candidate_id == candidate_id)
        )
        return None if row is None else await self._record(row)

    async def list_for_asker(self, asker_id: UUID) -> list[SuggestionRecord]:
        """Everyone suggested to the asker, with their answers (the asker's data export)."""
        rows = (
            await self._session.scalars(
                select(SuggestionRow).where(SuggestionRow.asker_id == asker_id).order_by(SuggestionRow.created_at)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def next_undecided(self, asker_id: UUID) -> SuggestionRecord | None:
        """The oldest suggestion in the asker's lists still waiting for an answer."""
        row = await self._session.scalar(
            select(SuggestionRow)
            .where(
                SuggestionRow.asker_id == asker_id,
                SuggestionRow.offered_on.is_not(None),
                SuggestionRow.decision.is_(None),
            )
            .order_by(SuggestionRow.offered_on, SuggestionRow.position, SuggestionRow.created_at)
            .limit(1)
        )
        return None if row is None else await self._record(row)

    async def offered_on(self, asker_id: UUID, day: date) -> int:
        """How many suggestions the asker's list of `day` holds."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(SuggestionRow)
            .where(SuggestionRow.asker_id == asker_id, SuggestionRow.offered_on == day)
        )
        return int(count or 0)

    async def queued(self, asker_id: UUID) -> list[SuggestionRecord]:
        """Suggestions waiting for the asker's next list (someone interested in them, a counselor's pick)."""
        rows = (
            await self._session.scalars(
                select(SuggestionRow)
                .where(
                    SuggestionRow.asker_id == asker_id,
                    SuggestionRow.offered_on.is_(None),
                    SuggestionRow.decision.is_(None),
                )
                .order_by(SuggestionRow.created_at)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def offer(self, suggestion_ids: Iterable[UUID], day: date, first_position: int) -> None:
        """Put queued suggestions into the asker's list of `day`, in the given order."""
        for position, suggestion_id in enumerate(suggestion_ids, start=first_position):
            await self._session.execute(
                update(SuggestionRow).where(SuggestionRow.id == suggestion_id).values(offered_on=day, position=position)
            )

    async def withdraw(self, suggestion_id: UUID) -> None:
        """Take back a suggestion not yet answered (the candidate paused or left): the pair may come again."""
        await self._execute_dml(
            delete(SuggestionRow).where(SuggestionRow.id == suggestion_id, SuggestionRow.decision.is_(None))
        )

    async def decide(self, suggestion_id: UUID, decision: Decision, now: datetime) -> bool:
        """Record the asker's answer once: False when it was already answered (a second tap, a race)."""
        changed = await self._execute_dml(
            update(SuggestionRow)
            .where(SuggestionRow.id == suggestion_id, SuggestionRow.decision.is_(None))
            .values(decision=decision.value, decided_at=now)
        )
        return changed == 1

    async def excluded_for(self, account_id: UUID) -> set[UUID]:
        """Everyone never to suggest to `account_id`: already suggested to them (whatever the answer), or who
        passed on or reported them, or introduced to them, or reported by or reporting them, or blocked by or
        blocking them."""
        mine = select(SuggestionRow.candidate_id).where(SuggestionRow.asker_id == account_id)
        theirs = select(SuggestionRow.asker_id).where(
            SuggestionRow.candidate_id == account_id, SuggestionRow.decision.in_(_BLOCKING)
        )
        introduced = select(IntroductionRow.first_id, IntroductionRow.second_id).where(
            or_(IntroductionRow.first_id == account_id, IntroductionRow.second_id == account_id)
        )
        reports = select(ReportRow.reporter_id, ReportRow.reported_id).where(
            or_(ReportRow.reporter_id == account_id, ReportRow.reported_id == account_id)
        )
        blocks = select(ClientBlockRow.blocker_id, ClientBlockRow.blocked_id).where(
            or_(ClientBlockRow.blocker_id == account_id, ClientBlockRow.blocked_id == account_id)
        )
        found: set[UUID] = set((await self._session.scalars(mine)).all())
        found.update((await self._session.scalars(theirs)).all())
        for row in (await self._session.execute(introduced)).all():
            found.update(row)
        for row in (await self._session.execute(reports)).all():
            found.update(row)
        for row in (await self._session.execute(blocks)).all():
            found.update(row)
        found.discard(account_id)
        return found

    async def exposure_on(self, day: date) -> dict[UUID, int]:
        """How many askers' lists of `day` each candidate is in."""
        rows = await self._session.execute(
            select(SuggestionRow.candidate_id, func.count())
            .where(SuggestionRow.offered_on == day)
            .group_by(SuggestionRow.candidate_id)
        )
        return {candidate: int(count) for candidate, count in rows.all()}

    async def askers_due_a_list(self, day: date, *, after: UUID | None = None, limit: int) -> list[UUID]:
        """Active, reachable, real clients with nothing waiting for their answer and no list for `day` yet,
        in id order after `after`."""
        pending = exists().where(
            SuggestionRow.asker_id == ClientProfileRow.account_id,
            or_(
                SuggestionRow.offered_on == day,
                and_(SuggestionRow.offered_on.is_not(None), SuggestionRow.decision.is_(None)),
            ),
        )
        query = (
            select(ClientProfileRow.account_id)
            .join(AccountRow, AccountRow.id == ClientProfileRow.account_id)
            .where(
                ClientProfileRow.status == "active",
                AccountRow.demo.is_(False),
                AccountRow.unreachable.is_(False),
                AccountRow.deleted_at.is_(None),
                ~pending,
            )
            .order_by(ClientProfileRow.account_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(ClientProfileRow.account_id > after)
        return list((await self._session.scalars(query)).all())

    async def _record(self, row: SuggestionRow) -> SuggestionRecord:
        key = None if row.note is None else await self._keys.for_account(row.asker_id)
        return SUGGESTIONS.decode(self._crypto, key, row)


class IntroductionsRepository(Repository):
    async def create(self, one: UUID, other: UUID, *, now: datetime) -> Introduction:
        first, second = ordered_pair(one, other)
        row = IntroductionRow(
            id=uuid4(), first_id=first, second_id=second, state=IntroductionState.AWAITING.value, created_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return INTRODUCTIONS.decode(self._crypto, None, row)

    async def get(self, introduction_id: UUID) -> Introduction | None:
        row = await self._session.get(IntroductionRow, introduction_id)
        return None if row is None else INTRODUCTIONS.decode(self._crypto, None, row)

    async def for_pair(self, one: UUID, other: UUID) -> Introduction | None:
        first, second = ordered_pair(one, other)
        row = await self._session.scalar(
            select(IntroductionRow).where(IntroductionRow.first_id == first, IntroductionRow.second_id == second)
        )
        return None if row is None else INTRODUCTIONS.decode(self._crypto, None, row)

    async def list_for(self, account_id: UUID) -> list[Introduction]:
        rows = (
            await self._session.scalars(
                select(IntroductionRow)
                .where(or_(IntroductionRow.first_id == account_id, IntroductionRow.second_id == account_id))
                .order_by(IntroductionRow.created_at)
            )
        ).all()
        return [INTRODUCTIONS.decode(self._crypto, None, row) for row in rows]

    async def agree_to_share(self, introduction: Introduction, account_id: UUID, now: datetime) -> Introduction:
        """Record that `account_id` agrees to share their contact; connects the pair when both agreed.
        The row is locked for the update, so two people agreeing at the same moment connect it once."""
        row = await self._locked(introduction.id)
        if row.state == IntroductionState.AWAITING.value:
            if account_id == row.first_id and row.first_shares_at is None:
                row.first_shares_at = now
            elif account_id == row.second_id and row.second_shares_at is None:
                row.second_shares_at = now
            if row.first_shares_at is not None and row.second_shares_at is not None:
                row.state, row.connected_at = IntroductionState.CONNECTED.value, now
        await self._session.flush()
        return INTRODUCTIONS.decode(self._crypto, None, row)

    async def decline(self, introduction: Introduction, now: datetime) -> Introduction:
        row = await self._locked(introduction.id)
        if row.state == IntroductionState.AWAITING.value:
            row.state, row.closed_at = IntroductionState.DECLINED.value, now
        await self._session.flush()
        return INTRODUCTIONS.decode(self._crypto, None, row)

    async def close(self, introduction: Introduction, now: datetime) -> Introduction:
        """End the introduction whether it waits for contacts or is connected (a block): it is declined from
        now on, so no date can be arranged on it."""
        row = await self._locked(introduction.id)
        if row.state in (IntroductionState.AWAITING.value, IntroductionState.CONNECTED.value):
            row.state, row.closed_at = IntroductionState.DECLINED.value, now
        await self._session.flush()
        return INTRODUCTIONS.decode(self._crypto, None, row)

    async def _locked(self, introduction_id: UUID) -> IntroductionRow:
        row = await self._session.scalar(
            select(IntroductionRow).where(IntroductionRow.id == introduction_id).with_for_update()
        )
        if row is None:
            raise NotFoundError("introduction", introduction_id)
        await self._session.refresh(row)
        return row


class ReportsRepository(Repository):
    async def add(
        self, reporter_id: UUID, reported_id: UUID, reason: ReportReason, *, comment: str | None, now: datetime
    ) -> Report:
        row = ReportRow(
            id=uuid4(),
            reporter_id=reporter_id,
            reported_id=reported_id,
            reason=reason.value,
            state=ReportState.OPEN.value,
            created_at=now,
        )
        key = await self._keys.for_account(reporter_id)
        REPORTS.apply(self._crypto, key, row, {"comment": comment})
        self._session.add(row)
        await self._session.flush()
        return REPORTS.decode(self._crypto, key, row)

    async def close(self, report_id: UUID) -> bool:
        """Close a report once its complaint case is resolved; False when it was closed already."""
        statement = (
            update(ReportRow)
            .where(ReportRow.id == report_id, ReportRow.state == ReportState.OPEN.value)
            .values(state=ReportState.CLOSED.value)
        )
        return await self._execute_dml(statement) > 0

    async def list_open(self) -> list[Report]:
        rows = (
            await self._session.scalars(
                select(ReportRow).where(ReportRow.state == ReportState.OPEN.value).order_by(ReportRow.created_at)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def list_by(self, reporter_id: UUID) -> list[Report]:
        rows = (
            await self._session.scalars(
                select(ReportRow).where(ReportRow.reporter_id == reporter_id).order_by(ReportRow.created_at)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def list_about(self, account_id: UUID) -> list[Report]:
        rows = (
            await self._session.scalars(
                select(ReportRow).where(ReportRow.reported_id == account_id).order_by(ReportRow.created_at)
            )
        ).all()
        return [await self._record(row) for row in rows]

    async def _record(self, row: ReportRow) -> Report:
        """A report; the comment reads as None once the reporter's key was destroyed."""
        key = None if row.comment is None else await self._keys.usable_key(row.reporter_id)
        if row.comment is not None and key is None:
            return REPORTS.decode(self._crypto, None, row, comment=None)
        return REPORTS.decode(self._crypto, key, row)


class CaseStagesRepository(Repository):
    async def current(self, account_id: UUID) -> Stage | None:
        stage = await self._session.scalar(
            select(CaseStageRow.stage)
            .where(CaseStageRow.account_id == account_id)
            .order_by(CaseStageRow.changed_at.desc(), CaseStageRow.id)
            .limit(1)
        )
        return None if stage is None else Stage(stage)

    async def history(self, account_id: UUID) -> list[tuple[Stage, str, datetime]]:
        rows = await self._session.execute(
            select(CaseStageRow.stage, CaseStageRow.cause, CaseStageRow.changed_at)
            .where(CaseStageRow.account_id == account_id)
            .order_by(CaseStageRow.changed_at)
        )
        return [(Stage(stage), cause, at) for stage, cause, at in rows.all()]

    async def advance(self, account_id: UUID, stage: Stage, *, cause: str, now: datetime) -> bool:
        """Move the case to `stage` if that is a step forward (events never move a case back)."""
        if not advances(await self.current(account_id), stage):
            return False
        row = CaseStageRow(id=uuid4(), account_id=account_id, stage=stage.value, cause=cause, changed_at=now)
        self._session.add(row)
        await self._session.flush()
        return True
