"""What the reports read from the tables (SQLite and PostgreSQL): each step's first moment for a hand-built pair
of clients, the handoff waits, staff left out, targets kept and measured once per week; and the seeded
histories agree with plain counts of their rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, insert, select

import run_bot
from domain.pipeline import Stage
from domain.reports.events import EventStep, event_funnel
from domain.reports.funnel import STEPS, Dimension, Placed, Step, placed
from domain.reports.periods import Period
from domain.reports.stages import Interval, Span
from domain.reports.targets import Progress, Target
from storage.database import Database
from storage.demo_histories import seed_histories
from storage.models.accounts import AccountRow, ConsentRow
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.clients import ClientProfileRow
from storage.models.dates import DateRow
from storage.models.matching import CaseStageRow, IntroductionRow, SuggestionRow
from storage.repositories.reports import FlowReportsRepository

T0 = datetime(2026, 10, 1, 8, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _account(account_id: UUID, at: datetime) -> dict[str, Any]:
    return {"id": account_id, "channel": "telegram", "locale": "zh", "created_at": at, "unreachable": False,
            "demo": False}  # fmt: skip


def _profile(account_id: UUID, at: datetime, tier: str) -> dict[str, Any]:
    return {"account_id": account_id, "created_at": at, "updated_at": at, "status": "active", "personality": {},
            "hobbies": [], "tier": tier, "region_code": "310000", "activated_at": at}  # fmt: skip


async def _pair(database: Database) -> tuple[UUID, UUID, UUID]:
    a, b, counselor = uuid4(), uuid4(), uuid4()
    async with database.unit_of_work() as uow:
        counselor_account = await uow.accounts.create("telegram", "counselor-1", locale="zh", now=T0 - DAY)
        counselor = counselor_account.id
        await uow.staff.add(counselor, role="counselor", display_name="王芳", now=T0 - DAY)
        run = uow.session.execute
        await run(insert(AccountRow), [_account(a, T0), _account(b, T0 + HOUR)])
        await run(insert(ConsentRow), [
            {"id": uuid4(), "account_id": a, "notice_version": "v", "given_at": T0 + 5 * HOUR},
            {"id": uuid4(), "account_id": a, "notice_version": "w", "given_at": T0 + 9 * HOUR},  # a later one
        ])  # fmt: skip
        await run(insert(ClientProfileRow), [_profile(a, T0 + DAY, "premium")])
        await run(insert(ClientAssignmentRow), [{"client_id": a, "counselor_id": counselor, "assigned_at": T0 + DAY}])
        await run(insert(SuggestionRow), [
            {"id": uuid4(), "asker_id": a, "candidate_id": b, "source": "matcher", "position": 0, "reasons": [],
             "created_at": T0 + 2 * DAY},
        ])  # fmt: skip
        introduction = uuid4()
        await run(insert(IntroductionRow), [
            {"id": introduction, "first_id": b, "second_id": a, "state": "connected", "created_at": T0 + 3 * DAY,
             "connected_at": T0 + 4 * DAY},
        ])  # fmt: skip
        await run(insert(DateRow), [
            {"id": uuid4(), "introduction_id": introduction, "first_id": a, "second_id": b, "state": "confirmed",
             "round": 1, "proposed_by": a, "slots": [], "starts_at": T0 + 6 * DAY, "late_cancellation": False,
             "created_at": T0 + 4 * DAY, "updated_at": T0 + 4 * DAY},
            {"id": uuid4(), "introduction_id": introduction, "first_id": a, "second_id": b, "state": "cancelled",
             "round": 2, "proposed_by": a, "slots": [], "starts_at": T0 + 5 * DAY, "late_cancellation": False,
             "created_at": T0 + 4 * DAY, "updated_at": T0 + 4 * DAY},
        ])  # fmt: skip
        await run(insert(CaseStageRow), [
            {"id": uuid4(), "account_id": a, "stage": "profile_complete", "cause": "registration",
             "changed_at": T0 + DAY},
            {"id": uuid4(), "account_id": a, "stage": "dating", "cause": "date_feedback", "changed_at": T0 + 7 * DAY},
        ])  # fmt: skip
        handoff = uuid4()
        await run(insert(HandoffRow), [
            {"id": handoff, "client_id": a, "reason": "asked", "state": "closed", "counselor_id": counselor,
             "created_at": T0 + 2 * DAY, "claimed_at": T0 + 2 * DAY + 10 * timedelta(minutes=1)},
        ])  # fmt: skip
        await run(insert(RelayMessageRow), [
            {"id": uuid4(), "handoff_id": handoff, "client_id": a, "from_client": True, "author_id": a, "text": b"x",
             "created_at": T0 + 2 * DAY + timedelta(minutes=11)},
            {"id": uuid4(), "handoff_id": handoff, "client_id": a, "from_client": False, "author_id": counselor,
             "text": b"x", "created_at": T0 + 2 * DAY + timedelta(minutes=15)},
        ])  # fmt: skip
    return a, b, counselor


async def test_each_step_is_the_first_time_it_happened(database: Database) -> None:
    a, b, counselor = await _pair(database)
    async with database.unit_of_work(read_only=True) as uow:
        store = FlowReportsRepository.of(uow)
        # ids as the driver gives them (SQLite: the stored hex); the same client is the same key in every step
        histories = {UUID(str(h.client_id)): h for h in await store.arrivals(T0, T0 + 30 * DAY)}
        registered = await store.registration_spans(T0, T0 + 30 * DAY)
        spans = await store.handoff_spans(T0, T0 + 30 * DAY)
        stayed, before = await store.stay_durations(Period(T0, T0 + 30 * DAY), as_of=T0 + 30 * DAY)
        not_yet, _before = await store.stay_durations(Period(T0, T0 + 30 * DAY), as_of=T0 + 6 * DAY)
        in_funnel = await store.placed(Period(T0, T0 + 30 * DAY), as_of=T0 + 30 * DAY)
        early = await store.placed(Period(T0, T0 + 30 * DAY), as_of=T0 + 3 * DAY + HOUR)
    assert set(histories) == {a, b}  # the counselor is staff: not a client
    first = histories[a]
    assert first.reached == {
        Step.CONSENTED: T0 + 5 * HOUR,
        Step.REGISTERED: T0 + DAY,
        Step.SUGGESTED: T0 + 2 * DAY,
        Step.MUTUAL_INTEREST: T0 + 3 * DAY,
        Step.INTRODUCED: T0 + 4 * DAY,
        Step.FIRST_DATE: T0 + 6 * DAY,  # the confirmed date, not the cancelled one
        Step.DATING: T0 + 7 * DAY,
    }
    assert first.cohort == {
        Dimension.MONTH: "2026-10",
        Dimension.CHANNEL: "direct",
        Dimension.TIER: "premium",
        Dimension.COUNSELOR: str(counselor),
        Dimension.REGION: "310000",
    }
    second = histories[b]  # the other side of the introduction, without consent or profile
    assert second.reached == {Step.MUTUAL_INTEREST: T0 + 3 * DAY, Step.INTRODUCED: T0 + 4 * DAY,
                              Step.FIRST_DATE: T0 + 6 * DAY}  # fmt: skip
    assert [(s.started, s.ended, s.cohort[Dimension.TIER]) for s in registered] == [(T0 + DAY, T0 + 4 * DAY, "premium")]
    assert [(s.started, s.ended) for s in spans[Interval.HANDOFF_TO_CLAIM]] == [
        (T0 + 2 * DAY, T0 + 2 * DAY + timedelta(minutes=10))
    ]
    assert [(s.started, s.ended) for s in spans[Interval.CLAIM_TO_FIRST_REPLY]] == [
        (T0 + 2 * DAY + timedelta(minutes=10), T0 + 2 * DAY + timedelta(minutes=15))
    ]
    # profile complete for six days, then dating (still going: not measured)
    assert {stage: [round(d.total_seconds()) for d in ds] for stage, ds in stayed.items()} == {
        Stage.PROFILE_COMPLETE: [6 * 86_400]
    }
    assert before == {} and not_yet == {}
    # what the report reads: a got to dating, b to the first date; three days in, both only to mutual interest
    assert sorted(p.depth for p in in_funnel.current) == [STEPS.index(Step.FIRST_DATE), STEPS.index(Step.DATING)]
    assert [p.depth for p in early.current] == [STEPS.index(Step.MUTUAL_INTEREST)] * 2 and early.previous == []
    assert [(s.started, s.ended) for s in in_funnel.registrations] == [(T0 + DAY, T0 + 4 * DAY)]


async def test_targets_are_kept_and_measured_once_a_week(database: Database) -> None:
    async with database.unit_of_work() as uow:
        store = FlowReportsRepository.of(uow)
        first = await store.set_target(Target(Interval.HANDOFF_TO_CLAIM, HOUR, 0.9), set_by=None, now=T0)
        second = await store.set_target(Target(Interval.HANDOFF_TO_CLAIM, 2 * HOUR, 0.8), set_by=None, now=T0 + DAY)
        other = await store.set_target(Target(Interval.REGISTRATION_TO_INTRODUCTION, 7 * DAY, 0.8), set_by=None,
                                       now=T0 + DAY)  # fmt: skip
        assert [t.id for t in await store.active_targets()] == [second.id, other.id]  # the first was retired
        assert second.target == Target(Interval.HANDOFF_TO_CLAIM, 2 * HOUR, 0.8)
        week = (T0 + 7 * DAY).date()
        assert await store.record_week(second.id, week, Progress(8, 10), True, now=T0 + 8 * DAY)
        assert not await store.record_week(second.id, week, Progress(1, 10), False, now=T0 + 9 * DAY)
        assert await store.record_week(second.id, week + timedelta(days=7), Progress(1, 10), False, now=T0)
        assert await store.last_on_target(second.id, before=week + timedelta(days=7)) is True
        assert await store.last_on_target(first.id, before=week) is None
        weeks = await store.weeks([second.id], since=week)
        assert [(w.week_start, w.progress, w.on_target) for w in weeks] == [
            (week, Progress(8, 10), True), (week + timedelta(days=7), Progress(1, 10), False)
        ]  # fmt: skip


async def test_seeded_histories_agree_with_plain_counts(database: Database) -> None:
    end = datetime(2026, 12, 1, tzinfo=UTC)
    seeded = await seed_histories(database, clients=400, end=end, days=120, seed=5, counselors=3, batch=150)
    assert seeded.rows["accounts"] == 400
    async with database.unit_of_work(read_only=True) as uow:
        histories = await FlowReportsRepository.of(uow).arrivals(end - 120 * DAY, end)
        consents = await uow.session.scalar(select(func.count(func.distinct(ConsentRow.account_id))))
        active = await uow.session.scalar(
            select(func.count()).select_from(ClientProfileRow).where(ClientProfileRow.activated_at.is_not(None))
        )
        asked = await uow.session.scalar(select(func.count(func.distinct(SuggestionRow.asker_id))))
        member = await uow.staff.get(seeded.counselor_ids[0])
    assert len(histories) == 400
    assert sum(Step.CONSENTED in h.reached for h in histories) == consents
    assert sum(Step.REGISTERED in h.reached for h in histories) == active
    assert sum(Step.SUGGESTED in h.reached for h in histories) == asked
    assert member is not None and member.display_name == "王芳"
    assert 0 < seeded.rows["events"] <= 3 * 3  # up to three salons a batch of clients (enough registered before)
    async with database.unit_of_work(read_only=True) as uow:
        held = await FlowReportsRepository.of(uow).event_histories(end - 120 * DAY, end)
    salons = event_funnel(held, as_of=end)
    assert salons.events == seeded.rows["events"]
    assert salons.count(EventStep.SIGNED_UP) == seeded.rows["event_signups"] >= 12 * seeded.rows["events"]
    assert salons.count(EventStep.CHECKED_IN) < salons.count(EventStep.SIGNED_UP)
    assert salons.count(EventStep.MUTUAL_PICK) > 0
    again = await seed_histories(database, clients=0, end=end, seed=5, counselors=3)
    assert again.counselor_ids == seeded.counselor_ids  # the demo counselors are made once


def _counted(placed_clients: list[Placed], spans: list[Span]) -> tuple[Counter[Any], Counter[Any]]:
    """Placed clients and spans as counts of their values (the two reads need not list them in the same order)."""
    return (
        Counter((tuple(sorted(p.cohort.items())), p.depth) for p in placed_clients),
        Counter((s.started, s.ended, tuple(sorted(s.cohort.items()))) for s in spans),
    )


async def test_the_report_places_clients_where_their_histories_say(database: Database) -> None:
    """The report reads only who reached each step by `as_of` (no moments): the same as placing the histories."""
    end = datetime(2026, 12, 1, tzinfo=UTC)
    await seed_histories(database, clients=400, end=end, days=200, seed=7, counselors=3, batch=200)
    period = Period(end - 60 * DAY, end)
    before = period.previous()
    for as_of in (end - 30 * DAY, end):
        async with database.unit_of_work(read_only=True) as uow:
            store = FlowReportsRepository.of(uow)
            read = await store.placed(period, as_of=as_of)
            histories = await store.histories(before.start, period.end)
        current = placed([h for h in histories.arrivals if period.holds(h.arrived_at)], as_of=as_of)
        previous = placed([h for h in histories.arrivals if before.holds(h.arrived_at)], as_of=as_of)
        assert len(read.current) + len(read.previous) == len(histories.arrivals) > 200
        assert _counted(read.current, read.registrations) == _counted(current, histories.registrations)
        assert _counted(read.previous, []) == _counted(previous, [])
        assert {p.depth for p in read.current} >= {0, 1, 2, 3}


def test_the_demo_command_seeds_histories(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert run_bot.main(["seed-demo", "--count", "0", "--histories", "60"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("client histories seeded: 60 (")
    assert run_bot.main(["seed-demo", "--count", "0", "--histories", "-1"]) == 2
