"""Complaint cases on SQLite and PostgreSQL: sealed text, the timeline, one winner when two act at once, the
satisfaction answer once, escalation once per level, and a deleted client's words gone with their key."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from sqlalchemy import select

from domain.clock import FakeClock
from domain.quality import CaseState, Category, EventKind, Outcome, Owner, Severity, Source
from storage.database import Database
from storage.models.quality import ComplaintEventRow, ComplaintRow
from storage.privacy_ops import shred_account
from storage.repositories.complaints import ComplaintsRepository

WORDS = "The counselor shared my phone number without asking"


async def _account(database: Database, clock: FakeClock, external: str) -> UUID:
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


async def test_a_case_from_opening_to_satisfaction(database: Database, clock: FakeClock) -> None:
    client = await _account(database, clock, "1")
    handler = await _account(database, clock, "2")
    opened_at = clock.now()
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        case = await complaints.open(
            client,
            source=Source.COMPLAIN,
            category=Category.STAFF,
            severity=Severity.HIGH,
            owner=Owner.MANAGER,
            now=opened_at,
            text=WORDS,
            about_id=handler,
        )
    assert case.text == WORDS and case.state == CaseState.OPEN.value
    assert case.first_response_due == opened_at + timedelta(hours=4)
    async with database.unit_of_work() as uow:
        raw = await uow.session.scalar(select(ComplaintRow.text).where(ComplaintRow.id == case.id))
    assert raw is not None and WORDS.encode() not in bytes(raw)

    clock.advance(timedelta(minutes=5))
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        assert await complaints.resolve(case.id, handler, Outcome.UPHELD, now=clock.now()) is False  # not taken
        assert await complaints.take(case.id, handler, now=clock.now())
        assert not await complaints.take(case.id, handler, now=clock.now())
        assert [c.id for c in await complaints.list_open()] == [case.id]
        assert await complaints.count_open_about(handler) == 1
        clock.advance(timedelta(minutes=5))
        assert await complaints.resolve(case.id, handler, Outcome.UPHELD, now=clock.now())
        clock.advance(timedelta(minutes=5))
        assert not await complaints.resolve(case.id, handler, Outcome.NOT_UPHELD, now=clock.now())
        assert not await complaints.answer_satisfaction(case.id, handler, True, now=clock.now())  # not theirs
        assert await complaints.answer_satisfaction(case.id, client, False, now=clock.now())
        assert not await complaints.answer_satisfaction(case.id, client, True, now=clock.now())
        done = await complaints.get(case.id)
        events = await complaints.timeline(case.id)
        assert await complaints.list_open() == []
    assert done is not None
    assert (done.state, done.outcome, done.satisfied, done.handler_id) == ("resolved", "upheld", False, handler)
    assert [e.kind for e in events] == [
        EventKind.OPENED.value,
        EventKind.RESPONDED.value,
        EventKind.RESOLVED.value,
        EventKind.UNSATISFIED.value,
    ]


async def test_open_cases_by_age_and_by_owner(database: Database, clock: FakeClock) -> None:
    client = await _account(database, clock, "1")
    ids = []
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        for category in (Category.SERVICE, Category.STAFF, Category.SUGGESTION):
            clock.advance(timedelta(minutes=1))
            case = await complaints.open(
                client,
                source=Source.COMPLAIN,
                category=category,
                severity=Severity.NORMAL,
                owner=Owner.MANAGER if category is Category.STAFF else Owner.CUSTOMER_SERVICE,
                now=clock.now(),
            )
            ids.append(case.id)
        assert [c.id for c in await complaints.list_open()] == ids
        assert [c.id for c in await complaints.list_open(owners=(Owner.CUSTOMER_SERVICE,))] == [ids[0], ids[2]]
        assert await complaints.count_open(owners=(Owner.MANAGER,)) == 1


async def test_escalation_is_recorded_once_per_level(database: Database, clock: FakeClock) -> None:
    client = await _account(database, clock, "1")
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        case = await complaints.open(
            client,
            source=Source.REPORT,
            category=Category.CLIENT,
            severity=Severity.NORMAL,
            owner=Owner.CUSTOMER_SERVICE,
            now=clock.now(),
        )
        assert await complaints.escalate(case.id, 1, now=clock.now())
        assert not await complaints.escalate(case.id, 1, now=clock.now())
        assert await complaints.escalate(case.id, 2, now=clock.now())
        kinds = [e.kind for e in await complaints.timeline(case.id)]
    assert kinds.count(EventKind.ESCALATED.value) == 2


async def test_two_handlers_resolving_at_once_one_wins(database: Database, clock: FakeClock) -> None:
    client = await _account(database, clock, "1")
    first, second = await _account(database, clock, "2"), await _account(database, clock, "3")
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        case = await complaints.open(
            client,
            source=Source.COMPLAIN,
            category=Category.SERVICE,
            severity=Severity.NORMAL,
            owner=Owner.CUSTOMER_SERVICE,
            now=clock.now(),
        )
        await complaints.take(case.id, first, now=clock.now())

    async def resolve(handler: UUID, outcome: Outcome) -> bool:
        async with database.unit_of_work() as uow:
            return await ComplaintsRepository.of(uow).resolve(case.id, handler, outcome, now=clock.now())

    results = await asyncio.gather(resolve(first, Outcome.UPHELD), resolve(second, Outcome.NOT_UPHELD))
    assert sorted(results) == [False, True]
    async with database.unit_of_work() as uow:
        resolved = (
            await uow.session.scalars(
                select(ComplaintEventRow).where(ComplaintEventRow.kind == EventKind.RESOLVED.value)
            )
        ).all()
    assert len(resolved) == 1


async def test_a_deleted_clients_words_are_gone_but_the_case_counts(database: Database, clock: FakeClock) -> None:
    client = await _account(database, clock, "1")
    async with database.unit_of_work() as uow:
        case = await ComplaintsRepository.of(uow).open(
            client,
            source=Source.COMPLAIN,
            category=Category.SERVICE,
            severity=Severity.NORMAL,
            owner=Owner.CUSTOMER_SERVICE,
            now=clock.now(),
            text=WORDS,
        )
    async with database.unit_of_work() as uow:
        await shred_account(uow, client, clock.now())
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        kept = await complaints.get(case.id)
        assert [c.id for c in await complaints.list_open()] == [case.id]
    assert kept is not None and kept.text is None


async def test_moderation_state_hidden_ids_and_blocks(database: Database, clock: FakeClock) -> None:
    from domain.matching.decisions import ReportReason
    from domain.quality import ModerationState
    from storage.repositories.quality_moderation import ModerationRepository

    ann, bob, cat = [await _account(database, clock, str(n)) for n in (1, 2, 3)]
    now = clock.now()
    async with database.unit_of_work() as uow:
        moderation = ModerationRepository.of(uow)
        await moderation.apply(ann, ModerationState.WARNED, hidden_until=None, by=None, now=now)
        await moderation.apply(ann, ModerationState.HIDDEN, hidden_until=now + timedelta(days=7), by=None, now=now)
        await moderation.apply(bob, ModerationState.SUSPENDED, hidden_until=None, by=None, now=now)
        assert await moderation.hidden_ids(now) == {ann, bob}
        assert await moderation.hidden_ids(now + timedelta(days=7)) == {bob}
        record = await moderation.get(ann)
        assert record is not None and record.warnings == 1 and record.state is ModerationState.HIDDEN
        assert await moderation.block(ann, cat, now=now)
        assert not await moderation.block(ann, cat, now=now)
        assert await moderation.blocked_between(cat, ann) and not await moderation.blocked_between(bob, cat)
        assert await moderation.blocked_among(cat, [ann, bob]) == {ann}
        report = await uow.reports.add(ann, bob, ReportReason.FAKE, comment=None, now=now)
        assert await uow.reports.close(report.id)
        assert not await uow.reports.close(report.id)
        assert await uow.reports.list_open() == []
    async with database.unit_of_work() as uow:
        await shred_account(uow, ann, clock.now())
    async with database.unit_of_work() as uow:
        moderation = ModerationRepository.of(uow)
        assert await moderation.get(ann) is None
        assert not await moderation.blocked_between(cat, ann)


async def test_penalties_a_sealed_reason_one_appeal_one_decision(database: Database, clock: FakeClock) -> None:
    from domain.quality import AppealDecision, PenaltyKind
    from storage.models.quality import StaffPenaltyRow
    from storage.repositories.quality_penalties import PenaltiesRepository

    member, manager = await _account(database, clock, "1"), await _account(database, clock, "2")
    reason = "Told a client she would be married within a month"
    async with database.unit_of_work() as uow:
        penalties = PenaltiesRepository.of(uow)
        fine = await penalties.add(
            member, PenaltyKind.FINE, reason, issued_by=manager, now=clock.now(), amount_minor=20000, currency="CNY"
        )
        assert not await penalties.decide(fine.id, AppealDecision.LIFTED, by=manager, now=clock.now())  # no appeal
        assert not await penalties.appeal(fine.id, manager, "not mine", now=clock.now())
        assert await penalties.appeal(fine.id, member, "I only said it might happen", now=clock.now())
        assert not await penalties.appeal(fine.id, member, "again", now=clock.now())
        assert await penalties.decide(fine.id, AppealDecision.KEPT, by=manager, now=clock.now())
        assert not await penalties.decide(fine.id, AppealDecision.LIFTED, by=manager, now=clock.now())
        (kept,) = await penalties.list_for(member)
        raw = await uow.session.scalar(select(StaffPenaltyRow.reason).where(StaffPenaltyRow.id == fine.id))
    assert (kept.reason, kept.appeal, kept.appeal_decision, kept.amount_minor) == (
        reason,
        "I only said it might happen",
        "kept",
        20000,
    )
    assert raw is not None and reason.encode() not in bytes(raw)
