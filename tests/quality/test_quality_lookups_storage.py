"""The lookups behind typed survey answers and penalty evidence, on SQLite and PostgreSQL: who is surveyed given
the privacy notice they accepted, the survey waiting for its NPS, an audit entry by its reference, a case made
about staff while nobody took it, and a penalty lifted once without an appeal."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.clock import FakeClock
from domain.quality import AppealDecision, Category, Owner, PenaltyKind, Severity, Source
from storage.database import Database
from storage.repositories.complaints import ComplaintsRepository
from storage.repositories.quality_penalties import PenaltiesRepository
from storage.repositories.quality_surveys import SurveysRepository

CURRENT, OLD = "2026-03", "2020-01"


async def _client(database: Database, clock: FakeClock, external: str, *, consents: tuple[str, ...] = ()) -> UUID:
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
        for version in consents:
            await uow.consents.record(account.id, version, now=clock.now())
    return account.id


async def test_who_is_surveyed_and_which_survey_waits(database: Database, clock: FakeClock) -> None:
    legacy = await _client(database, clock, "1")  # no consent on record: as before
    current = await _client(database, clock, "2", consents=(OLD, CURRENT))
    outdated = await _client(database, clock, "3", consents=(OLD,))
    clock.advance(timedelta(days=31))
    async with database.unit_of_work() as uow:
        surveys = SurveysRepository.of(uow)
        assert await surveys.clients_to_ask(clock.now()) == sorted([legacy, current, outdated])
        assert await surveys.clients_to_ask(clock.now(), notice_version=CURRENT) == sorted([legacy, current])
        survey = await surveys.create(current, "2026-04", counselor_id=None, now=clock.now())
        assert survey is not None
        assert (await surveys.awaiting_nps(current, "2026-04")) == survey
        assert await surveys.awaiting_nps(current, "2026-05") is None
        assert await surveys.answer_nps(survey.id, current, 8)
        assert await surveys.awaiting_nps(current, "2026-04") is None


async def test_an_audit_entry_by_its_reference(database: Database, clock: FakeClock) -> None:
    client = await _client(database, clock, "1")
    async with database.unit_of_work() as uow:
        entry = await uow.audit.record(action="client.card_opened", now=clock.now(), subject_account_id=client)
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.audit.by_reference(entry.id.hex[:8]) == entry
        assert await uow.audit.by_reference(entry.id.hex[:8].upper()) == entry
        assert await uow.audit.by_reference("zzzzzzzz") is None
        assert await uow.audit.by_reference("abc") is None


async def test_a_case_reclassified_until_taken(database: Database, clock: FakeClock) -> None:
    client = await _client(database, clock, "1")
    staff = await _client(database, clock, "2")
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        case = await complaints.open(
            client,
            source=Source.SURVEY,
            category=Category.SERVICE,
            severity=Severity.NORMAL,
            owner=Owner.CUSTOMER_SERVICE,
            now=clock.now(),
        )
    clock.advance(timedelta(minutes=5))
    async with database.unit_of_work() as uow:
        complaints = ComplaintsRepository.of(uow)
        changed = await complaints.reclassify(
            case.id, category=Category.STAFF, severity=Severity.HIGH, owner=Owner.MANAGER, about_id=staff
        )
        assert changed
        after = await complaints.get(case.id)
        assert after is not None
        assert (after.category, after.owner, after.about_id) == ("staff", "manager", staff)
        assert after.first_response_due == case.created_at + timedelta(hours=4)  # from when it was opened
        assert await complaints.take(case.id, staff, now=clock.now())
        assert not await complaints.reclassify(
            case.id, category=Category.SERVICE, severity=Severity.NORMAL, owner=Owner.CUSTOMER_SERVICE, about_id=None
        )


async def test_a_penalty_lifted_once_without_an_appeal(database: Database, clock: FakeClock) -> None:
    member = await _client(database, clock, "1")
    async with database.unit_of_work() as uow:
        penalties = PenaltiesRepository.of(uow)
        penalty = await penalties.add(member, PenaltyKind.SUSPENSION, "Late", issued_by=None, now=clock.now())
        assert not await penalties.decide(penalty.id, AppealDecision.LIFTED, by=None, now=clock.now())
        assert await penalties.lift(penalty.id, by=None, now=clock.now())
        assert not await penalties.lift(penalty.id, by=None, now=clock.now())
        lifted = await penalties.get(penalty.id)
    assert lifted is not None and (lifted.appeal_decision, lifted.appealed_at) == ("lifted", None)
