"""What management reports read (clients' histories, stage stays, handoff waits) and the targets they keep.

Reached as `FlowReportsRepository.of(uow)` (`uow.reports` is the match reports' repository). Every read is a
few grouped queries over the whole period, never one per client; stay durations are worked out by the database
(each change paired with the case's next one). Nothing here opens a sealed column. bench/bench_reports.py times
a quarter of 100,000 clients' histories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast
from uuid import UUID

from sqlalchemy import ColumnElement, Executable, Select, String, Table, func, select, type_coerce, update

from domain.pipeline import Stage
from domain.reports.funnel import DIRECT, NO_COUNSELOR, UNKNOWN_REGION, ClientHistory, Dimension, Step
from domain.reports.periods import Period
from domain.reports.stages import Interval, Span
from domain.reports.targets import Progress, StoredTarget, Target, TargetWeek
from storage.models.accounts import AccountRow, ConsentRow
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.clients import ClientProfileRow
from storage.models.dates import DateRow
from storage.models.finance import AcquisitionChannelRow, ClientChannelRow
from storage.models.matching import CaseStageRow, IntroductionRow, SuggestionRow
from storage.models.reports import ReportTargetRow, ReportTargetWeekRow
from storage.models.staff import StaffMemberRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

_PROFILE = cast(Table, ClientProfileRow.__table__).c  # declared columns (domain.profile)
STAGES = {stage.value: stage for stage in Stage}
LONG_TERM_STAGES = (Stage.MEETING_FAMILIES.value, Stage.ENGAGED_OR_MARRIED.value)


_Code = str | None
_HistoryRow = tuple[UUID, datetime, datetime | None, _Code, _Code, _Code, UUID | None]
_HandoffRow = tuple[datetime, datetime | None, datetime | None, _Code, _Code, _Code, UUID | None]


_MONTHS: dict[tuple[int, int], str] = {}


def _month(moment: datetime) -> str:
    key = (moment.year, moment.month)
    if key not in _MONTHS:
        _MONTHS[key] = f"{moment.year:04d}-{moment.month:02d}"
    return _MONTHS[key]


@lru_cache(maxsize=4096)
def _counselor(raw: object) -> str:
    """A counselor's id as `str(UUID)`, whether the driver gave a UUID or SQLite's stored hex (see `_id`)."""
    return str(raw) if isinstance(raw, UUID) else str(UUID(hex=str(raw)))


def _cohort(
    arrived: datetime, tier: _Code, region: _Code, channel: _Code, counselor: UUID | None
) -> dict[Dimension, str]:
    return {
        Dimension.MONTH: _month(arrived),
        Dimension.CHANNEL: channel or DIRECT,
        Dimension.TIER: tier or "basic",
        Dimension.COUNSELOR: _counselor(counselor) if counselor is not None else NO_COUNSELOR,
        Dimension.REGION: region or UNKNOWN_REGION,
    }


class FlowReportsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> FlowReportsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    def _id(self, column: Any) -> Any:
        """An id column as the driver gives it: on SQLite the stored hex text, without making a UUID of each
        (the reports read hundreds of thousands and only compare them). Clients' ids in histories are such."""
        return type_coerce(column, String) if self._dialect_name == "sqlite" else column

    async def _rows(self, query: Executable) -> Sequence[Any]:
        """Rows of a Core query, without the ORM's result processing (reports read many rows)."""
        connection = await self._session.connection()
        result = await connection.execute(query)
        return list(result.all())

    # --- histories --------------------------------------------------------------------------------------------
    async def arrivals(self, start: datetime, end: datetime) -> list[ClientHistory]:
        """The histories of the clients who first came in [start, end) (staff accounts aside).

        Everything a client does happens after they came, so each step's first moment is looked for from `start`
        on only, and kept for the clients of the period."""
        rows = await self._rows(
            self._cohort_select(AccountRow.created_at, ClientProfileRow.activated_at).where(
                AccountRow.created_at >= start, AccountRow.created_at < end
            )
        )
        chosen = {row[0] for row in rows}
        reached: dict[Step, dict[Any, datetime]] = {}

        async def first(step: Step, person: Any, moment: Any, query: Select[Any]) -> None:
            found = reached.setdefault(step, {})
            grouped = query.add_columns(self._id(person), func.min(moment)).where(moment >= start).group_by(person)
            for client, at in await self._rows(grouped):
                if client in chosen and (client not in found or at < found[client]):
                    found[client] = at

        await first(Step.CONSENTED, ConsentRow.account_id, ConsentRow.given_at, select().select_from(ConsentRow))
        await first(
            Step.SUGGESTED, SuggestionRow.asker_id, SuggestionRow.created_at, select().select_from(SuggestionRow)
        )
        for side in (IntroductionRow.first_id, IntroductionRow.second_id):
            introductions = select().select_from(IntroductionRow)
            await first(Step.MUTUAL_INTEREST, side, IntroductionRow.created_at, introductions)
            await first(Step.INTRODUCED, side, IntroductionRow.connected_at, introductions)
        for side in (DateRow.first_id, DateRow.second_id):
            confirmed = select().select_from(DateRow).where(DateRow.state == "confirmed")
            await first(Step.FIRST_DATE, side, DateRow.starts_at, confirmed)
        stages = select().select_from(CaseStageRow)
        await first(Step.DATING, CaseStageRow.account_id, CaseStageRow.changed_at, stages.where(
            CaseStageRow.stage == Stage.DATING.value
        ))  # fmt: skip
        await first(Step.LONG_TERM, CaseStageRow.account_id, CaseStageRow.changed_at, stages.where(
            CaseStageRow.stage.in_(LONG_TERM_STAGES)
        ))  # fmt: skip
        steps_of: dict[Any, dict[Step, datetime]] = {}
        for step, found in reached.items():
            for client, at in found.items():
                steps_of.setdefault(client, {})[step] = at
        histories: list[ClientHistory] = []
        for row in rows:
            client, arrived, activated, tier, region, channel, counselor = cast(_HistoryRow, tuple(row))
            steps = steps_of.get(client, {})
            if activated is not None:
                steps[Step.REGISTERED] = activated
            histories.append(ClientHistory(client, arrived, steps, _cohort(arrived, tier, region, channel, counselor)))
        return histories

    def _cohort_select(self, *columns: Any) -> Select[Any]:
        """The client's id, `columns`, then what the cohorts are cut by (tier, region, channel, counselor), for
        clients only (staff accounts left out)."""
        return (
            select(
                self._id(AccountRow.id),
                *columns,
                _PROFILE.tier,
                _PROFILE.region_code,
                AcquisitionChannelRow.code,
                self._id(ClientAssignmentRow.counselor_id),
            )
            .select_from(AccountRow)
            .outerjoin(ClientProfileRow, ClientProfileRow.account_id == AccountRow.id)
            .outerjoin(ClientChannelRow, ClientChannelRow.client_id == AccountRow.id)
            .outerjoin(AcquisitionChannelRow, AcquisitionChannelRow.id == ClientChannelRow.channel_id)
            .outerjoin(ClientAssignmentRow, ClientAssignmentRow.client_id == AccountRow.id)
            .outerjoin(StaffMemberRow, StaffMemberRow.account_id == AccountRow.id)
            .where(StaffMemberRow.account_id.is_(None))
        )

    async def registration_spans(self, start: datetime, end: datetime) -> list[Span]:
        """Registration to the first introduction (contacts shared), for the clients registered in [start, end)."""
        rows = await self._rows(
            self._cohort_select(AccountRow.created_at, ClientProfileRow.activated_at).where(
                ClientProfileRow.activated_at >= start, ClientProfileRow.activated_at < end
            )
        )
        introduced: dict[Any, datetime] = {}
        for side in (IntroductionRow.first_id, IntroductionRow.second_id):
            query = (
                select(self._id(side), func.min(IntroductionRow.connected_at))
                .where(IntroductionRow.connected_at >= start)
                .group_by(side)
            )
            for client, at in await self._rows(query):
                if client not in introduced or at < introduced[client]:
                    introduced[client] = at
        spans = []
        for row in rows:
            client, arrived, activated, tier, region, channel, counselor = cast(_HistoryRow, tuple(row))
            assert activated is not None
            ended = introduced.get(client)
            spans.append(Span(activated, ended, _cohort(arrived, tier, region, channel, counselor)))
        return spans

    # --- stage changes and waits ---------------------------------------------------------------------------
    async def stay_durations(
        self, period: Period, *, as_of: datetime
    ) -> tuple[dict[Stage, list[timedelta]], dict[Stage, list[timedelta]]]:
        """How long each stay in a stage lasted, for the stays that began in `period` and in the period before
        (by stage), counting only stays that had ended by `as_of`. The database pairs each change with the
        case's next one and subtracts, so no timestamp crosses over to Python."""
        before = period.previous()
        left_at = (
            func.lead(CaseStageRow.changed_at)
            .over(partition_by=CaseStageRow.account_id, order_by=(CaseStageRow.changed_at, CaseStageRow.id))
            .label("left_at")
        )
        changes = (
            select(CaseStageRow.stage, CaseStageRow.changed_at, left_at)
            .where(CaseStageRow.changed_at >= before.start)
            .subquery()
        )
        query = select(
            changes.c.stage,
            changes.c.changed_at >= period.start,
            self._seconds(changes.c.changed_at, changes.c.left_at),
        ).where(
            changes.c.changed_at < period.end,
            changes.c.stage != Stage.CLOSED.value,
            changes.c.left_at.is_not(None),
            changes.c.left_at <= as_of,
        )
        current: dict[Stage, list[timedelta]] = {}
        previous: dict[Stage, list[timedelta]] = {}
        for stage, in_period, seconds in await self._rows(query):
            (current if in_period else previous).setdefault(STAGES[stage], []).append(timedelta(seconds=float(seconds)))
        return current, previous

    def _seconds(self, start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[float]:
        """`end - start` in seconds, in SQL."""
        if self._dialect_name == "postgresql":
            return cast(ColumnElement[float], func.extract("epoch", end - start))
        return (func.julianday(end) - func.julianday(start)) * 86_400.0

    async def handoff_spans(self, start: datetime, end: datetime) -> dict[Interval, list[Span]]:
        """Handoffs opened in [start, end): their wait for a claim, and the claim's wait for the first reply."""
        first_reply = (
            select(RelayMessageRow.handoff_id, func.min(RelayMessageRow.created_at).label("replied_at"))
            .where(RelayMessageRow.from_client.is_(False))
            .group_by(RelayMessageRow.handoff_id)
            .subquery()
        )
        query = (
            select(
                HandoffRow.created_at,
                HandoffRow.claimed_at,
                first_reply.c.replied_at,
                _PROFILE.tier,
                _PROFILE.region_code,
                AcquisitionChannelRow.code,
                self._id(ClientAssignmentRow.counselor_id),
            )
            .select_from(HandoffRow)
            .outerjoin(first_reply, first_reply.c.handoff_id == HandoffRow.id)
            .outerjoin(ClientProfileRow, ClientProfileRow.account_id == HandoffRow.client_id)
            .outerjoin(ClientChannelRow, ClientChannelRow.client_id == HandoffRow.client_id)
            .outerjoin(AcquisitionChannelRow, AcquisitionChannelRow.id == ClientChannelRow.channel_id)
            .outerjoin(ClientAssignmentRow, ClientAssignmentRow.client_id == HandoffRow.client_id)
            .where(HandoffRow.created_at >= start, HandoffRow.created_at < end)
        )
        spans: dict[Interval, list[Span]] = {Interval.HANDOFF_TO_CLAIM: [], Interval.CLAIM_TO_FIRST_REPLY: []}
        for row in await self._rows(query):
            opened, claimed, replied, tier, region, channel, counselor = cast(_HandoffRow, tuple(row))
            cohort = {
                Dimension.CHANNEL: channel or DIRECT,
                Dimension.TIER: tier or "basic",
                Dimension.COUNSELOR: _counselor(counselor) if counselor is not None else NO_COUNSELOR,
                Dimension.REGION: region or UNKNOWN_REGION,
            }
            spans[Interval.HANDOFF_TO_CLAIM].append(Span(opened, claimed, cohort))
            if claimed is not None:
                spans[Interval.CLAIM_TO_FIRST_REPLY].append(Span(claimed, replied, cohort))
        return spans

    # --- targets --------------------------------------------------------------------------------------------
    async def set_target(self, target: Target, *, set_by: UUID | None, now: datetime) -> StoredTarget:
        """Keep `target`, retiring the one set earlier on the same interval."""
        await self._session.execute(
            update(ReportTargetRow)
            .where(ReportTargetRow.interval == target.interval.value, ReportTargetRow.retired_at.is_(None))
            .values(retired_at=now)
        )
        row = ReportTargetRow(
            interval=target.interval.value,
            within_seconds=int(target.within.total_seconds()),
            share_percent=round(target.share * 100),
            set_by=set_by,
            created_at=now,
            retired_at=None,
        )
        self._session.add(row)
        await self._session.flush()
        return _stored(row)

    async def active_targets(self) -> list[StoredTarget]:
        rows = await self._session.scalars(
            select(ReportTargetRow).where(ReportTargetRow.retired_at.is_(None)).order_by(ReportTargetRow.id)
        )
        return [_stored(row) for row in rows]

    async def record_week(
        self, target_id: int, week: date, progress: Progress, on_target: bool | None, *, now: datetime
    ) -> bool:
        """Store a week's measure once; False when that week was measured already."""
        existing = await self._session.get(ReportTargetWeekRow, (target_id, week))
        if existing is not None:
            return False
        self._session.add(
            ReportTargetWeekRow(
                target_id=target_id,
                week_start=week,
                met=progress.met,
                decided=progress.decided,
                on_target=on_target,
                measured_at=now,
            )
        )
        await self._session.flush()
        return True

    async def weeks(self, target_ids: Sequence[int], *, since: date) -> list[TargetWeek]:
        """The weekly measures of the targets from `since` on, oldest first."""
        if not target_ids:
            return []
        rows = await self._session.scalars(
            select(ReportTargetWeekRow)
            .where(ReportTargetWeekRow.target_id.in_(target_ids), ReportTargetWeekRow.week_start >= since)
            .order_by(ReportTargetWeekRow.week_start, ReportTargetWeekRow.target_id)
        )
        return [
            TargetWeek(row.target_id, row.week_start, Progress(row.met, row.decided), row.on_target) for row in rows
        ]

    async def last_on_target(self, target_id: int, *, before: date) -> bool | None:
        """Whether the latest measure before `before` was on target (None: none, or nothing known then)."""
        return await self._session.scalar(
            select(ReportTargetWeekRow.on_target)
            .where(ReportTargetWeekRow.target_id == target_id, ReportTargetWeekRow.week_start < before)
            .order_by(ReportTargetWeekRow.week_start.desc())
            .limit(1)
        )


def _stored(row: ReportTargetRow) -> StoredTarget:
    target = Target(Interval(row.interval), timedelta(seconds=row.within_seconds), row.share_percent / 100)
    return StoredTarget(row.id, target, row.created_at)
