"""What management reports read (clients' place in the funnel or their histories, stage stays, handoff waits,
what happened around offline events) and the targets they keep.

Reached as `FlowReportsRepository.of(uow)` (`uow.reports` is the match reports' repository). Every read is a
few grouped queries over the whole period, never one per client, and each table is read once per report (the
clients and their first steps serve the funnels and the registration spans alike). The database does what it
does faster than Python: it keeps each client's first moment of a step (indexes of migration 0025 on the
(client, moment) pairs), pairs each stage change with the case's next one and hands the durations over as one
text per stage. Nothing here opens a sealed column. bench/bench_reports.py times a quarter of 100,000 clients'
histories and prints each read's time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    String,
    Table,
    and_,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)

from domain.events import EventState, invitation_key
from domain.pipeline import Stage
from domain.reports.events import EventHistory, Pair
from domain.reports.funnel import (
    DIRECT,
    NO_COUNSELOR,
    STEP_INDEX,
    UNKNOWN_REGION,
    ClientHistory,
    Dimension,
    Placed,
    Step,
)
from domain.reports.periods import Period
from domain.reports.stages import Interval, Span
from domain.reports.targets import Progress, StoredTarget, Target, TargetWeek
from storage.models.accounts import AccountRow, ConsentRow
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.clients import ClientProfileRow
from storage.models.dates import DateRow
from storage.models.delivery import OUTBOX_DEDUPE_INDEX, OutboxMessageRow
from storage.models.events import EventPickRow, EventRow, EventSignupRow
from storage.models.finance import AcquisitionChannelRow, ClientChannelRow
from storage.models.matching import CaseStageRow, IntroductionRow, SuggestionRow
from storage.models.reports import ReportTargetRow, ReportTargetWeekRow
from storage.models.staff import StaffMemberRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

_PROFILE = cast(Table, ClientProfileRow.__table__).c  # declared columns (domain.profile)
STAGES = {stage.value: stage for stage in Stage}
LONG_TERM_STAGES = (Stage.MEETING_FAMILIES.value, Stage.ENGAGED_OR_MARRIED.value)
# Invitations are queued in the transaction that publishes the event (handlers/services/events.py).
INVITATIONS_QUEUED_WITHIN = timedelta(hours=1)
_INTRODUCTION_SIDES = (IntroductionRow.first_id, IntroductionRow.second_id)


_Code = str | None
_HistoryRow = tuple[UUID, datetime, datetime | None, _Code, _Code, _Code, UUID | None]
_Met = tuple[datetime, datetime | None, datetime | None]  # an introduction made, connected, first date
_HandoffRow = tuple[datetime, datetime | None, datetime | None, _Code, _Code, _Code, UUID | None]


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


@lru_cache(maxsize=4096)
def _counselor(raw: object) -> str:
    """A counselor's id as `str(UUID)`, whether the driver gave a UUID or SQLite's stored hex (see `_id`)."""
    return str(raw) if isinstance(raw, UUID) else str(UUID(hex=str(raw)))


class _Cohorts:
    """Each client's cohort values; clients with the same values share one mapping (read-only), so a report of
    tens of thousands of clients builds a few thousand."""

    def __init__(self) -> None:
        self._known: dict[tuple[Any, ...], Mapping[Dimension, str]] = {}

    def of(
        self, arrived: datetime | None, tier: _Code, region: _Code, channel: _Code, counselor: UUID | None
    ) -> Mapping[Dimension, str]:
        """The cohort of a client (`arrived` None: one without a month, as a handoff's)."""
        key = (None if arrived is None else (arrived.year, arrived.month), tier, region, channel, counselor)
        cohort = self._known.get(key)
        if cohort is None:
            cohort = {
                Dimension.CHANNEL: channel or DIRECT,
                Dimension.TIER: tier or "basic",
                Dimension.COUNSELOR: _counselor(counselor) if counselor is not None else NO_COUNSELOR,
                Dimension.REGION: region or UNKNOWN_REGION,
            }
            if arrived is not None:
                cohort = {Dimension.MONTH: _month(arrived), **cohort}
            self._known[key] = cohort
        return cohort


@dataclass(frozen=True)
class PlacedClients:
    """The clients of a period and of the one before, placed in the funnel, and both periods' registrations."""

    current: list[Placed]
    previous: list[Placed]
    registrations: list[Span]


@dataclass(frozen=True)
class FlowHistories:
    """What one read of the clients gives a report: the arrivals' histories and the registrations' spans."""

    arrivals: list[ClientHistory]
    registrations: list[Span]


@dataclass(frozen=True)
class _StepSource:
    """Where one side of a funnel step is found: whose step it is, its moment, and which rows count."""

    step: Step
    person: Any
    moment: Any
    where: tuple[ColumnElement[bool], ...] = ()


_STEP_SOURCES = (
    _StepSource(Step.CONSENTED, ConsentRow.account_id, ConsentRow.given_at),
    _StepSource(Step.SUGGESTED, SuggestionRow.asker_id, SuggestionRow.created_at),
    *(_StepSource(Step.MUTUAL_INTEREST, side, IntroductionRow.created_at) for side in _INTRODUCTION_SIDES),
    *(_StepSource(Step.INTRODUCED, side, IntroductionRow.connected_at) for side in _INTRODUCTION_SIDES),
    *(
        _StepSource(Step.FIRST_DATE, side, DateRow.starts_at, (DateRow.state == "confirmed",))
        for side in (DateRow.first_id, DateRow.second_id)
    ),
    _StepSource(Step.DATING, CaseStageRow.account_id, CaseStageRow.changed_at,
                (CaseStageRow.stage == Stage.DATING.value,)),
    _StepSource(Step.LONG_TERM, CaseStageRow.account_id, CaseStageRow.changed_at,
                (CaseStageRow.stage.in_(LONG_TERM_STAGES),)),
)  # fmt: skip
REGISTERED_INDEX = STEP_INDEX[Step.REGISTERED]
INTRODUCED_INDEX = STEP_INDEX[Step.INTRODUCED]


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
    async def histories(self, start: datetime, end: datetime) -> FlowHistories:
        """The histories of the clients who first came in [start, end), and the registration spans of those
        registered in it (staff accounts aside), from one read of the clients and of each step's table.

        Everything a client does happens after they came, so each step's first moment is looked for from `start`
        on only (the database groups by client and keeps the earliest), and kept for the clients of the period."""
        rows = await self._rows(self._clients_select(start, end))
        reached: dict[Any, dict[Step, datetime]] = {row[0]: {} for row in rows if row[1] >= start}
        for source in _STEP_SOURCES:
            if source.step is Step.INTRODUCED:  # with the registration spans, below
                continue
            for client, at in await self._rows(self._first_moments(source, start)):
                steps = reached.get(client)
                if steps is not None and (source.step not in steps or at < steps[source.step]):
                    steps[source.step] = at
        introduced = await self._first_introductions(start)
        for client, at in introduced.items():
            if client in reached:
                reached[client][Step.INTRODUCED] = at
        cohorts = _Cohorts()
        arrivals: list[ClientHistory] = []
        registrations: list[Span] = []
        for row in rows:
            client, arrived, activated, tier, region, channel, counselor = cast(_HistoryRow, tuple(row))
            cohort = cohorts.of(arrived, tier, region, channel, counselor)
            steps = reached.get(client)
            if steps is not None:
                if activated is not None:
                    steps[Step.REGISTERED] = activated
                arrivals.append(ClientHistory(client, arrived, steps, cohort))
            if activated is not None and start <= activated < end:
                registrations.append(Span(activated, introduced.get(client), cohort))
        return FlowHistories(arrivals, registrations)

    async def placed(self, period: Period, *, as_of: datetime) -> PlacedClients:
        """What `histories` gives for the period and the one before it, with each client placed in the funnel as
        it stood at `as_of` (domain.reports.funnel.Placed: the furthest step reached) instead of their history.
        The database names only who reached each step by then, without the moment, except for contacts shared
        (the registration spans need it): what a report reads. Tests hold it equal to placing the histories."""
        before = period.previous()
        start, end = before.start, period.end
        rows = await self._rows(self._clients_select(start, end))
        deepest: dict[Any, int] = {row[0]: 0 for row in rows if row[1] >= start}
        for source in _STEP_SOURCES:
            if source.step is Step.INTRODUCED:  # with the registration spans, below
                continue
            index = STEP_INDEX[source.step]
            for (client,) in await self._rows(self._reached_by(source, start, as_of)):
                if deepest.get(client, index) < index:
                    deepest[client] = index
        introduced = await self._first_introductions(start)
        for client, at in introduced.items():
            if at <= as_of and deepest.get(client, INTRODUCED_INDEX) < INTRODUCED_INDEX:
                deepest[client] = INTRODUCED_INDEX
        cohorts = _Cohorts()
        result = PlacedClients([], [], [])
        for row in rows:
            client, arrived, activated, tier, region, channel, counselor = cast(_HistoryRow, tuple(row))
            cohort = cohorts.of(arrived, tier, region, channel, counselor)
            if client in deepest:
                depth = deepest[client]
                if activated is not None and activated <= as_of and depth < REGISTERED_INDEX:
                    depth = REGISTERED_INDEX
                (result.current if arrived >= period.start else result.previous).append(Placed(cohort, depth))
            if activated is not None and start <= activated < end:
                result.registrations.append(Span(activated, introduced.get(client), cohort))
        return result

    def _clients_select(self, start: datetime, end: datetime) -> Select[Any]:
        """The clients who came in [start, end) or registered in it, with their cohort values."""
        return self._cohort_select(AccountRow.created_at, ClientProfileRow.activated_at).where(
            AccountRow.created_at < end,
            or_(
                AccountRow.created_at >= start,
                and_(ClientProfileRow.activated_at >= start, ClientProfileRow.activated_at < end),
            ),
        )

    def _first_moments(self, source: _StepSource, start: datetime) -> Select[Any]:
        """Each person's first moment of one side of a step, from `start` on."""
        moment = source.moment
        query = select(self._id(source.person), func.min(moment)).where(moment >= start, *source.where)
        return query.group_by(source.person)

    async def _first_introductions(self, start: datetime) -> dict[Any, datetime]:
        """When each person first had contacts shared (either side of an introduction), from `start` on."""
        introduced: dict[Any, datetime] = {}
        for source in _STEP_SOURCES:
            if source.step is Step.INTRODUCED:
                for client, at in await self._rows(self._first_moments(source, start)):
                    if client not in introduced or at < introduced[client]:
                        introduced[client] = at
        return introduced

    def _reached_by(self, source: _StepSource, start: datetime, as_of: datetime) -> Select[Any]:
        """The people who reached one side of a step from `start` on, by `as_of`."""
        moment = source.moment
        return select(self._id(source.person)).where(moment >= start, moment <= as_of, *source.where).distinct()

    async def arrivals(self, start: datetime, end: datetime) -> list[ClientHistory]:
        """The histories of the clients who first came in [start, end) (see `histories`)."""
        return (await self.histories(start, end)).arrivals

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
        introduced = await self._first_introductions(start)
        cohorts = _Cohorts()
        spans = []
        for row in rows:
            client, arrived, activated, tier, region, channel, counselor = cast(_HistoryRow, tuple(row))
            assert activated is not None
            spans.append(Span(activated, introduced.get(client), cohorts.of(arrived, tier, region, channel, counselor)))
        return spans

    # --- stage changes and waits ---------------------------------------------------------------------------
    async def stay_durations(
        self, period: Period, *, as_of: datetime
    ) -> tuple[dict[Stage, list[timedelta]], dict[Stage, list[timedelta]]]:
        """How long each stay in a stage lasted, for the stays that began in `period` and in the period before
        (by stage), counting only stays that had ended by `as_of`. The database pairs each change with the
        case's next one and subtracts, so no timestamp crosses over to Python; it hands the durations over as one
        list of seconds per stage and period (a quarter holds tens of thousands of stays, and a row each costs
        more to fetch than the numbers)."""
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
        stays = (
            select(
                changes.c.stage,
                (changes.c.changed_at >= period.start).label("in_period"),
                self._seconds(changes.c.changed_at, changes.c.left_at).label("seconds"),
            )
            .where(
                changes.c.changed_at < period.end,
                changes.c.stage != Stage.CLOSED.value,
                changes.c.left_at.is_not(None),
                changes.c.left_at <= as_of,
            )
            .subquery()
        )
        query = select(stays.c.stage, stays.c.in_period, self._joined(stays.c.seconds)).group_by(
            stays.c.stage, stays.c.in_period
        )
        current: dict[Stage, list[timedelta]] = {}
        previous: dict[Stage, list[timedelta]] = {}
        for stage, in_period, seconds in await self._rows(query):
            durations = [timedelta(seconds=float(value)) for value in seconds.split(",")]
            (current if in_period else previous).setdefault(STAGES[stage], []).extend(durations)
        return current, previous

    def _joined(self, numbers: ColumnElement[Any]) -> ColumnElement[str]:
        """The group's `numbers` as one comma-separated text (exact: PostgreSQL's numeric as written, SQLite's
        reals with all 17 digits)."""
        if self._dialect_name == "postgresql":
            return func.string_agg(sql_cast(numbers, String), literal_column("','"))
        return func.group_concat(func.printf("%!.17g", numbers), ",")

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
        cohorts = _Cohorts()
        for row in await self._rows(query):
            opened, claimed, replied, tier, region, channel, counselor = cast(_HandoffRow, tuple(row))
            cohort = cohorts.of(None, tier, region, channel, counselor)
            spans[Interval.HANDOFF_TO_CLAIM].append(Span(opened, claimed, cohort))
            if claimed is not None:
                spans[Interval.CLAIM_TO_FIRST_REPLY].append(Span(claimed, replied, cohort))
        return spans

    # --- offline events ---------------------------------------------------------------------------------------
    async def event_histories(self, start: datetime, end: datetime) -> list[EventHistory]:
        """What happened around each event held in [start, end) and not called off (domain.reports.events): a
        few queries over the period's events, their sign-ups and picks, and the introductions and dates of
        the pairs who picked each other."""
        events = list(
            await self._session.execute(
                select(EventRow.id, EventRow.starts_at, EventRow.created_at).where(
                    EventRow.starts_at >= start, EventRow.starts_at < end, EventRow.state != EventState.CANCELLED
                )
            )
        )
        if not events:
            return []
        ids = [event_id for event_id, _starts, _created in events]
        signups = await self._session.execute(
            select(EventSignupRow.event_id, EventSignupRow.client_id, EventSignupRow.checked_in_at).where(
                EventSignupRow.event_id.in_(ids)
            )
        )
        signed_up: dict[UUID, set[object]] = {}
        checked_in: dict[UUID, dict[object, datetime]] = {}
        for event_id, client, at in signups:
            signed_up.setdefault(event_id, set()).add(client)
            if at is not None:
                checked_in.setdefault(event_id, {})[client] = at
        picks: dict[UUID, dict[tuple[object, object], datetime]] = {}
        for event_id, picker, picked, at in await self._session.execute(
            select(EventPickRow.event_id, EventPickRow.picker_id, EventPickRow.picked_id, EventPickRow.created_at)
            .where(EventPickRow.event_id.in_(ids))
        ):  # fmt: skip
            picks.setdefault(event_id, {})[(picker, picked)] = at
        pairs = await self._pairs_met({pair for chosen in picks.values() for pair in chosen})
        invited = await self._invited(events)
        return [
            EventHistory(
                event_id,
                starts_at,
                invited=invited.get(event_id, frozenset()),
                signed_up=frozenset(signed_up.get(event_id, ())),
                checked_in=checked_in.get(event_id, {}),
                picks=picks.get(event_id, {}),
                introduced={pair: at for pair, (made, at, _date) in pairs.items() if made >= starts_at and at},
                first_dates={pair: date for pair, (made, _at, date) in pairs.items() if made >= starts_at and date},
            )
            for event_id, starts_at, _created in events
        ]

    async def _pairs_met(self, picks: set[tuple[object, object]]) -> dict[Pair, _Met]:
        """For each pair among `picks` that has an introduction: when it was made, when contacts were shared and
        when their first confirmed date began."""
        people = {person for pick in picks for person in pick}
        if not people:
            return {}
        first_date = (
            select(DateRow.introduction_id, func.min(DateRow.starts_at).label("starts_at"))
            .where(DateRow.state == "confirmed")
            .group_by(DateRow.introduction_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(IntroductionRow.first_id, IntroductionRow.second_id, IntroductionRow.created_at,
                   IntroductionRow.connected_at, first_date.c.starts_at)
            .outerjoin(first_date, first_date.c.introduction_id == IntroductionRow.id)
            .where(IntroductionRow.first_id.in_(people), IntroductionRow.second_id.in_(people))
        )  # fmt: skip
        met: dict[Pair, _Met] = {}
        for row in rows:
            first, second, *moments = tuple(row)
            met[frozenset((first, second))] = cast(_Met, tuple(moments))
        return met

    async def _invited(self, events: Sequence[Any]) -> dict[UUID, frozenset[object]]:
        """Who was sent each event's invitation, while the outbox keeps it (the delivery's purge drops sent
        messages after a while; a sign-up counts as invited all the same). Invitations are queued when the
        event is published; their dedupe key is kept only as a blind index, so each recipient's key is worked
        out and compared. One pass over the outbox for all the events (it has no index on the moment)."""
        windows = [(event_id, published, published + INVITATIONS_QUEUED_WITHIN) for event_id, _s, published in events]
        rows = await self._session.execute(
            select(OutboxMessageRow.created_at, OutboxMessageRow.account_id, OutboxMessageRow.dedupe_index).where(
                or_(*(and_(OutboxMessageRow.created_at >= low, OutboxMessageRow.created_at < high)
                      for _event, low, high in windows)),
                OutboxMessageRow.account_id.is_not(None),
                OutboxMessageRow.dedupe_index.is_not(None),
            )
        )  # fmt: skip
        invited: dict[UUID, set[object]] = {event_id: set() for event_id, _low, _high in windows}
        for queued, account, index in rows:
            for event_id, low, high in windows:
                if (
                    account is not None
                    and low <= queued < high
                    and index == self._crypto.blind_index(OUTBOX_DEDUPE_INDEX, invitation_key(event_id, account))
                ):
                    invited[event_id].add(account)
        return {event_id: frozenset(accounts) for event_id, accounts in invited.items()}

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
