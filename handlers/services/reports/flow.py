"""Management reports of the service flow (docs/reports.md): the funnel with its cohorts, the offline events'
funnel, stage times against the period before, the bottleneck, the targets and their weekly measures.

    report = await services.flow_reports.report(PeriodChoice.LAST_QUARTER)

One report reads the period and the one before it with a handful of grouped queries (each table once: the
clients and each step's first moments serve the funnels and the registration spans alike), then works in memory
(domain/reports). The funnel follows the clients who arrived in the period up to now (`as_of`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from domain.reports.bottleneck import bottleneck, conversion_bottleneck, time_bottleneck
from domain.reports.events import event_funnel
from domain.reports.funnel import Dimension, funnel_of_placed, funnels_by
from domain.reports.periods import Period, PeriodChoice, period_of, week_start
from domain.reports.report import FlowReport, TargetStatus, WeeklyMeasure
from domain.reports.stages import Interval, Span, durations_compared, stage_times
from domain.reports.targets import StoredTarget, Target, measured_week, progress, slipped
from domain.staff import PERMISSIONS, Permission, Role
from handlers.services.feature import FeatureService
from handlers.services.reports.collector import collector_paused
from storage.repositories.reports import FlowReportsRepository

TARGET_HISTORY_WEEKS = 12
HANDOFF_LEAD = timedelta(days=1)  # handoffs opened this long before a period may be claimed inside it


def report_readers() -> frozenset[Role]:
    """The roles that see reports and hear the weekly digest and target alerts."""
    return frozenset(role for role, permissions in PERMISSIONS.items() if Permission.VIEW_REPORTS in permissions)


class FlowReports(FeatureService):
    @property
    def _store(self) -> FlowReportsRepository:
        return FlowReportsRepository.of(self.uow)

    async def report(self, choice: PeriodChoice) -> FlowReport:
        now = self.now()
        return await self.report_for(period_of(choice, now), as_of=now)

    async def report_for(self, period: Period, *, as_of: datetime) -> FlowReport:
        with collector_paused():  # see handlers/services/reports/collector.py
            return await self._report_for(period, as_of=as_of)

    async def _report_for(self, period: Period, *, as_of: datetime) -> FlowReport:
        store = self._store
        before = period.previous()
        read = await store.placed(period, as_of=as_of)
        clients, previous = read.current, read.previous
        overall = funnel_of_placed(clients)
        cohorts = {dimension: funnels_by(clients, dimension) for dimension in Dimension}
        spans = await store.handoff_spans(before.start - HANDOFF_LEAD, period.end)
        spans[Interval.REGISTRATION_TO_INTRODUCTION] = read.registrations
        held = await store.event_histories(before.start, period.end)
        current_stays, previous_stays = await store.stay_durations(period, as_of=as_of)
        times = stage_times(durations_compared(current_stays, previous_stays), spans, period, as_of=as_of)
        targets = await self._target_statuses(spans, period, as_of=as_of)
        found = bottleneck(
            time_bottleneck(spans, [status.target for status in targets], period, as_of=as_of),
            conversion_bottleneck(overall, clients, cohorts=cohorts),
        )
        return FlowReport(
            period=period,
            as_of=as_of,
            funnel=overall,
            previous_funnel=funnel_of_placed(previous),
            cohorts=cohorts,
            times=times,
            bottleneck=found,
            targets=targets,
            counselor_names=await self._counselor_names(),
            events=event_funnel((e for e in held if period.holds(e.starts_at)), as_of=as_of),
            previous_events=event_funnel((e for e in held if before.holds(e.starts_at)), as_of=as_of),
        )

    async def _interval_spans(self, start: datetime, end: datetime) -> dict[Interval, list[Span]]:
        store = self._store
        spans = await store.handoff_spans(start - HANDOFF_LEAD, end)
        spans[Interval.REGISTRATION_TO_INTRODUCTION] = await store.registration_spans(start, end)
        return spans

    async def _target_statuses(
        self, spans: dict[Interval, list[Span]], period: Period, *, as_of: datetime
    ) -> tuple[TargetStatus, ...]:
        stored = await self._store.active_targets()
        since = (week_start(as_of) - timedelta(weeks=TARGET_HISTORY_WEEKS)).date()
        weeks = await self._store.weeks([s.id for s in stored], since=since)
        return tuple(
            TargetStatus(
                s,
                progress(spans.get(s.target.interval, ()), s.target, period, as_of=as_of),
                tuple(w for w in weeks if w.target_id == s.id),
            )
            for s in stored
        )

    async def _counselor_names(self) -> dict[str, str]:
        members = await self.uow.staff.list(active_only=False)
        return {str(m.account_id): m.display_name for m in members if m.display_name}

    # --- targets ------------------------------------------------------------------------------------------
    async def set_target(self, actor_id: UUID | None, target: Target) -> StoredTarget:
        stored = await self._store.set_target(target, set_by=actor_id, now=self.now())
        await self.uow.audit.record(action="reports.target_set", now=self.now(), actor_account_id=actor_id)
        return stored

    async def active_targets(self) -> list[StoredTarget]:
        return await self._store.active_targets()

    async def measure_week(self, moment: datetime) -> list[WeeklyMeasure]:
        """Measure every active target for the week it looks at (see domain.reports.targets) and store it once;
        a measure already stored for that week is not taken again."""
        store = self._store
        measures: list[WeeklyMeasure] = []
        for stored in await store.active_targets():
            week = measured_week(stored.target, moment)
            spans = await self._interval_spans(week.start, week.end)
            measured = progress(spans.get(stored.target.interval, ()), stored.target, week, as_of=moment)
            before = await store.last_on_target(stored.id, before=week.start.date())
            on_target = measured.on_target(stored.target)
            if await store.record_week(stored.id, week.start.date(), measured, on_target, now=moment):
                measures.append(WeeklyMeasure(stored, week, measured, slipped(measured, before, stored.target)))
        return measures

    async def readers(self) -> list[UUID]:
        """The active staff members who see reports (managers and owners)."""
        roles = {role.value for role in report_readers()}
        return [m.account_id for m in await self.uow.staff.list() if m.role in roles]
