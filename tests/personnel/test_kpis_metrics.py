"""Each appraisal KPI on a hand-built history with a known answer, on SQLite and PostgreSQL: what counts in the
period, what falls just outside it (the agency's midnight), and what belongs to someone else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.personnel.kpis import FOLLOW_UP_ACTION, Period, PeriodKind, StaffKpis
from domain.pipeline import Stage
from handlers.services.personnel.kpis import KpiDesk
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.audit import AuditLogRow
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.dates import DateFeedbackRow, DateRow
from storage.models.matching import CaseStageRow, IntroductionRow
from storage.models.quality import ComplaintRow, StaffPenaltyRow, SurveyResponseRow

JANUARY = Period(PeriodKind.MONTH, 2026, 1)
# Asia/Shanghai (UTC+8): January 2026 runs from 2025-12-31 16:00 to 2026-01-31 16:00 UTC.
OPENS = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
CLOSES = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)
IN = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
NOW = datetime(2026, 2, 10, 2, 0, tzinfo=UTC)
SEALED = b"\x00sealed"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@dataclass
class History:
    """Rows written straight through the ORM (faster and more exact than walking every conversation)."""

    database: Database
    clock: FakeClock
    counter: int = 0
    pairs: dict[frozenset[UUID], UUID] = field(default_factory=dict)

    async def _account(self) -> UUID:
        self.counter += 1
        async with self.database.unit_of_work() as uow:
            account, _ = await uow.accounts.get_or_create("telegram", str(880_000 + self.counter), locale="en", now=NOW)
        return account.id

    async def staff(self, role: str = "counselor", name: str = "Member") -> UUID:
        account = await self._account()
        async with self.database.unit_of_work() as uow:
            await uow.staff.add(account, role=role, display_name=name, now=NOW)
        return account

    async def client(self, counselor: UUID | None = None, follow_up_on: date | None = None) -> UUID:
        account = await self._account()
        if counselor is not None:
            await self.add(
                ClientAssignmentRow(
                    client_id=account,
                    counselor_id=counselor,
                    assigned_at=OPENS - timedelta(days=30),
                    follow_up_on=follow_up_on,
                )
            )
        return account

    async def add(self, *rows: object) -> None:
        async with self.database.unit_of_work() as uow:
            uow.session.add_all(rows)

    async def audit(self, actor: UUID, subject: UUID, action: str, at: datetime) -> None:
        entry = AuditLogRow(id=uuid4(), at=at, actor_account_id=actor, subject_account_id=subject, action=action)
        await self.add(entry)

    async def handoff(
        self,
        client: UUID,
        counselor: UUID,
        asked: datetime,
        claim_after: timedelta,
        reply_after: timedelta | None = None,
        rating: int | None = None,
    ) -> UUID:
        handoff = uuid4()
        rows: list[object] = [
            HandoffRow(
                id=handoff,
                client_id=client,
                reason="asked",
                state="closed",
                counselor_id=counselor,
                created_at=asked,
                claimed_at=asked + claim_after,
                closed_at=asked + timedelta(hours=2),
                rating=rating,
                rated_at=None if rating is None else asked + timedelta(hours=2),
            ),
            RelayMessageRow(
                id=uuid4(),
                handoff_id=handoff,
                client_id=client,
                from_client=True,
                author_id=client,
                text=SEALED,
                created_at=asked + claim_after,
            ),
        ]
        if reply_after is not None:
            for later in (reply_after, reply_after + timedelta(minutes=10)):
                rows.append(
                    RelayMessageRow(
                        id=uuid4(),
                        handoff_id=handoff,
                        client_id=client,
                        from_client=False,
                        author_id=counselor,
                        text=SEALED,
                        created_at=asked + later,
                    )
                )
        await self.add(*rows)
        return handoff

    async def introduction(self, first: UUID, second: UUID, at: datetime) -> UUID:
        introduction = uuid4()
        a, b = sorted((first, second), key=str)
        await self.add(
            IntroductionRow(id=introduction, first_id=a, second_id=b, state="connected", created_at=at, connected_at=at)
        )
        return introduction

    async def date(self, first: UUID, second: UUID, starts: datetime, state: str = "confirmed") -> UUID:
        pair = frozenset((first, second))
        if pair not in self.pairs:
            self.pairs[pair] = await self.introduction(first, second, starts - timedelta(days=3))
        introduction = self.pairs[pair]
        meeting = uuid4()
        await self.add(
            DateRow(
                id=meeting,
                introduction_id=introduction,
                first_id=first,
                second_id=second,
                state=state,
                round=1,
                proposed_by=first,
                slots=[starts.isoformat()],
                starts_at=starts,
                confirmed_at=starts - timedelta(days=1),
                created_at=starts - timedelta(days=2),
                updated_at=starts - timedelta(days=1),
            )
        )
        return meeting

    async def stage(self, client: UUID, stage: Stage, at: datetime) -> None:
        await self.add(CaseStageRow(id=uuid4(), account_id=client, stage=stage.value, cause="counselor", changed_at=at))

    async def feedback(self, meeting: UUID, author: UUID, about: UUID, rating: int | None, asked: datetime) -> None:
        await self.add(
            DateFeedbackRow(
                id=uuid4(),
                date_id=meeting,
                author_id=author,
                about_id=about,
                rating=rating,
                asked_at=asked,
                completed_at=asked + timedelta(minutes=5),
            )
        )

    async def survey(self, client: UUID, counselor: UUID, score: int | None, answered: datetime) -> None:
        await self.add(
            SurveyResponseRow(
                id=uuid4(),
                client_id=client,
                month=answered.strftime("%Y-%m"),
                counselor_id=counselor,
                sent_at=answered - timedelta(hours=1),
                nps=9,
                counselor_score=score,
                answered_at=answered,
            )
        )

    async def complaint(
        self, client: UUID, about: UUID, outcome: str | None, resolved: datetime, category: str = "staff"
    ) -> None:
        await self.add(
            ComplaintRow(
                id=uuid4(),
                client_id=client,
                source="complain",
                category=category,
                severity="high",
                owner="manager",
                state="resolved" if outcome else "in_progress",
                about_id=about,
                created_at=resolved - timedelta(days=1),
                first_response_due=resolved,
                resolution_due=resolved + timedelta(days=1),
                responded_at=resolved - timedelta(hours=20),
                resolved_at=resolved if outcome else None,
                outcome=outcome,
                escalation_level=0,
            )
        )

    async def penalty(self, member: UUID, at: datetime, kind: str = "warning", appeal: str | None = None) -> None:
        await self.add(
            StaffPenaltyRow(
                id=uuid4(),
                staff_id=member,
                kind=kind,
                reason=SEALED,
                created_at=at,
                amount_minor=10_000 if kind == "fine" else None,
                currency="CNY" if kind == "fine" else None,
                appeal_decision=appeal,
                decided_at=None if appeal is None else at + timedelta(days=1),
            )
        )

    async def kpis(self, tmp_path: Path, period: Period = JANUARY, staff: list[UUID] | None = None) -> list[StaffKpis]:
        async with self.database.unit_of_work(read_only=True) as uow:
            desk = desk_over(uow, self.clock, tmp_path)
            return await desk.for_period(period, staff)


def desk_over(uow: object, clock: FakeClock, tmp_path: Path) -> KpiDesk:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    return KpiDesk(uow=uow, settings=settings, clock=clock, i18n=create_i18n())  # type: ignore[arg-type]


def of(figures: list[StaffKpis], member: UUID) -> StaffKpis:
    (found,) = [kpis for kpis in figures if kpis.staff_id == member]
    return found


@pytest.fixture
def history(database: Database, clock: FakeClock) -> History:
    return History(database, clock)


async def test_clients_served_counts_each_client_once(history: History, tmp_path: Path) -> None:
    anna, bo = await history.staff(), await history.staff()
    first, second, third, fourth = [await history.client(anna) for _ in range(4)]
    await history.handoff(first, anna, IN, timedelta(minutes=3))
    await history.audit(anna, first, "client.note_added", IN)  # the same client again
    await history.audit(anna, second, "client.stage_changed", OPENS)  # the first moment of January
    await history.audit(anna, third, "client.card_opened", IN)  # reading a card is not serving
    await history.audit(anna, fourth, "client.note_added", CLOSES)  # February already
    await history.audit(bo, fourth, FOLLOW_UP_ACTION, IN)

    figures = await history.kpis(tmp_path, staff=[anna, bo])
    assert of(figures, anna).clients_served == 2
    assert of(figures, bo).clients_served == 1


async def test_introductions_count_once_per_member_with_a_client_on_either_side(
    history: History, tmp_path: Path
) -> None:
    anna, bo = await history.staff(), await history.staff()
    a1, a2, b1 = await history.client(anna), await history.client(anna), await history.client(bo)
    loner = await history.client()
    await history.introduction(a1, a2, IN)  # both Anna's: one introduction
    await history.introduction(a1, b1, IN)  # one each
    await history.introduction(a2, loner, OPENS - timedelta(seconds=1))  # December
    await history.introduction(b1, loner, CLOSES - timedelta(seconds=1))  # the last second of January

    figures = await history.kpis(tmp_path, staff=[anna, bo])
    assert (of(figures, anna).introductions, of(figures, bo).introductions) == (2, 2)


async def test_dates_held_are_confirmed_dates_that_took_place(
    history: History, clock: FakeClock, tmp_path: Path
) -> None:
    anna = await history.staff()
    a1, a2, other = await history.client(anna), await history.client(anna), await history.client()
    await history.date(a1, other, IN)
    await history.date(a1, a2, IN + timedelta(days=1))  # both hers: one date
    await history.date(a2, other, IN, state="cancelled")
    await history.date(a2, other, CLOSES + timedelta(hours=1))  # February
    clock.set(IN + timedelta(days=2))
    await history.date(a2, other, IN + timedelta(days=3))  # confirmed, but it has not happened yet

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert figures.dates_held == 2


async def test_reaching_dating_counts_the_first_time_only(history: History, tmp_path: Path) -> None:
    anna = await history.staff()
    new, beyond, again, earlier = [await history.client(anna) for _ in range(4)]
    await history.stage(new, Stage.MET, OPENS - timedelta(days=3))
    await history.stage(new, Stage.DATING, IN)
    await history.stage(beyond, Stage.ENGAGED_OR_MARRIED, IN)  # straight past "dating"
    await history.stage(again, Stage.DATING, IN)
    await history.stage(again, Stage.MEETING_FAMILIES, IN + timedelta(days=2))  # the same client
    await history.stage(earlier, Stage.DATING, OPENS - timedelta(days=1))  # reached in December
    await history.stage(earlier, Stage.MEETING_FAMILIES, IN)

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert figures.reached_dating == 3


async def test_claim_and_first_reply_times_are_medians(history: History, tmp_path: Path) -> None:
    anna, bo = await history.staff(), await history.staff(role="customer_service")
    client = await history.client()
    await history.handoff(client, anna, IN, timedelta(minutes=2), reply_after=timedelta(minutes=4))
    await history.handoff(client, anna, IN, timedelta(minutes=10), reply_after=timedelta(minutes=11))
    await history.handoff(client, anna, IN, timedelta(minutes=4))  # never answered: no reply time
    await history.handoff(client, anna, OPENS - timedelta(hours=1), timedelta(minutes=30))  # claimed in December
    await history.handoff(client, bo, IN, timedelta(seconds=90), reply_after=timedelta(minutes=3))

    figures = await history.kpis(tmp_path, staff=[anna, bo])
    assert (of(figures, anna).handoffs, of(figures, anna).claim_minutes) == (3, Decimal("4.0"))
    assert of(figures, anna).reply_minutes == Decimal("7.5")  # median of 4 and 11 minutes
    assert (of(figures, bo).claim_minutes, of(figures, bo).reply_minutes) == (Decimal("1.5"), Decimal("3.0"))


async def test_follow_ups_kept_and_missed(history: History, tmp_path: Path) -> None:
    anna = await history.staff()
    done = [await history.client(anna) for _ in range(3)]
    for client in done:
        await history.audit(anna, client, FOLLOW_UP_ACTION, IN)
    await history.client(anna, follow_up_on=date(2026, 1, 20))  # due in January, still pending: missed
    await history.client(anna, follow_up_on=date(2026, 2, 1))  # due in February
    await history.client(anna, follow_up_on=date(2025, 12, 31))  # missed, but in December

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert (figures.follow_ups_done, figures.follow_ups_missed, figures.follow_up_share) == (3, 1, Decimal("75.0"))


async def test_a_follow_up_due_today_is_not_missed_yet(history: History, clock: FakeClock, tmp_path: Path) -> None:
    anna = await history.staff()
    clock.set(datetime(2026, 1, 20, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    await history.client(anna, follow_up_on=date(2026, 1, 20))
    await history.client(anna, follow_up_on=date(2026, 1, 19))

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert (figures.follow_ups_missed, figures.follow_up_share) == (1, Decimal("0.0"))


async def test_satisfaction_from_the_survey_conversations_and_dates(history: History, tmp_path: Path) -> None:
    anna = await history.staff()
    mine, theirs = await history.client(anna), await history.client()
    await history.survey(mine, anna, 5, IN)
    await history.survey(theirs, anna, 2, IN)  # a survey names the counselor the client talked to
    await history.survey(await history.client(), anna, None, IN)  # answered only the first question
    await history.survey(await history.client(), anna, 1, CLOSES)  # February
    await history.handoff(theirs, anna, IN, timedelta(minutes=1), rating=4)
    await history.handoff(theirs, anna, OPENS - timedelta(days=1), timedelta(minutes=1), rating=1)  # December
    meeting = await history.date(mine, theirs, IN)
    await history.feedback(meeting, mine, theirs, 3, IN + timedelta(hours=3))
    await history.feedback(meeting, theirs, mine, 1, IN + timedelta(hours=3))  # not Anna's client

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert (figures.survey_score, figures.relay_rating, figures.date_rating) == (
        Decimal("3.5"),
        Decimal("4.0"),
        Decimal("3.0"),
    )
    assert (figures.satisfaction, figures.ratings) == (Decimal("3.5"), 4)  # (5 + 2 + 4 + 3) / 4


async def test_complaints_upheld_about_the_member(history: History, tmp_path: Path) -> None:
    anna = await history.staff()
    client = await history.client(anna)
    await history.complaint(client, anna, "upheld", IN)
    await history.complaint(client, anna, "partly_upheld", IN)
    await history.complaint(client, anna, "not_upheld", IN)
    await history.complaint(client, anna, None, IN)  # still open
    await history.complaint(client, anna, "upheld", OPENS - timedelta(minutes=1))  # December
    await history.complaint(client, anna, "upheld", IN, category="service")  # about the service, not her

    (figures,) = await history.kpis(tmp_path, staff=[anna])
    assert figures.complaints_upheld == 2


async def test_penalties_lifted_on_appeal_do_not_count(history: History, tmp_path: Path) -> None:
    anna, bo = await history.staff(), await history.staff()
    await history.penalty(anna, IN)
    await history.penalty(anna, IN, kind="fine", appeal="kept")
    await history.penalty(anna, IN, appeal="lifted")
    await history.penalty(anna, CLOSES)
    await history.penalty(bo, IN)

    figures = await history.kpis(tmp_path, staff=[anna, bo])
    assert (of(figures, anna).penalties, of(figures, bo).penalties) == (2, 1)


async def test_a_quarter_spans_three_months_and_ranks_by_points(history: History, tmp_path: Path) -> None:
    anna, bo, idle = await history.staff(name="Anna"), await history.staff(name="Bo"), await history.staff()
    a1, b1, b2 = await history.client(anna), await history.client(bo), await history.client(bo)
    await history.stage(a1, Stage.DATING, datetime(2026, 3, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 March
    await history.introduction(b1, b2, datetime(2026, 2, 2, tzinfo=UTC))
    await history.stage(b1, Stage.DATING, datetime(2026, 3, 31, 16, 0, tzinfo=UTC))  # April in Shanghai
    await history.penalty(bo, datetime(2026, 1, 2, tzinfo=UTC))

    first_quarter = Period(PeriodKind.QUARTER, 2026, 1)
    figures = await history.kpis(tmp_path, first_quarter, staff=[bo, idle, anna])
    assert [kpis.staff_id for kpis in figures] == [anna, idle, bo]  # 10 points, 0, 3 - 10
    assert [kpis.points for kpis in figures] == [10, 0, -7]
    assert of(figures, bo).introductions == 1 and of(figures, anna).reached_dating == 1


async def test_by_default_the_active_counselors_and_customer_service(
    history: History, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    anna, desk = await history.staff(), await history.staff(role="customer_service")
    await history.staff(role="manager")
    await history.staff(role="finance")
    gone = await history.staff()
    async with database.unit_of_work() as uow:
        await uow.staff.set_active(gone, False)
    async with database.unit_of_work(read_only=True) as uow:
        service = desk_over(uow, clock, tmp_path)
        figures = await service.for_period(JANUARY)
        average = await service.team_average(JANUARY)
        assert service.current(PeriodKind.QUARTER) == Period(PeriodKind.QUARTER, 2026, 1)
    assert {kpis.staff_id for kpis in figures} == {anna, desk}
    assert average.members == 2 and average.points == Decimal("0.0") and average.satisfaction is None
