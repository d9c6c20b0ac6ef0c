"""Deleting a client who used every feature (suggestions, an introduction, a date with feedback, a report, a
handoff with its alert copies and transcript, an assignment and notes) leaves none of their rows and breaks no
foreign key, whichever of the pair is deleted (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import func, or_, select

from domain.clock import FakeClock
from domain.delivery import ChatAddress, OutboundMessage
from domain.handoff import HandoffReason
from domain.identity import Channel
from domain.matching.decisions import ReportReason, Source
from domain.pipeline import Stage
from storage.database import Database
from storage.models.casework import ClientAssignmentRow, ClientNoteRow, HandoffAlertRow, HandoffRow, RelayMessageRow
from storage.models.dates import DateFeedbackRow, DateRow
from storage.models.matching import CaseStageRow, IntroductionRow, ReportRow, SuggestionRow
from storage.privacy_ops import shred_account
from storage.repositories.delivery import enqueue

NOTE = "Prefers long walks by the Huangpu"
LINE = "Could you call me after work?"


async def _client(database: Database, clock: FakeClock, number: int) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", str(8_800 + number), locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


@pytest.mark.parametrize("deleted", ["ann", "bob"])
async def test_deleting_either_side_leaves_nothing_of_theirs(
    database: Database, clock: FakeClock, deleted: str
) -> None:
    ann, bob = await _client(database, clock, 1), await _client(database, clock, 2)
    async with database.unit_of_work() as uow:
        staff = await uow.accounts.create("telegram", "8899", locale="en", now=clock.now())
        await uow.staff.add(staff.id, role="counselor", display_name="Cora", now=clock.now())
        now = clock.now()
        await uow.suggestions.add(ann, bob, source=Source.MATCHER, now=now, offered_on=now.date())
        await uow.suggestions.add(bob, ann, source=Source.INTEREST, now=now)
        introduction = await uow.introductions.create(ann, bob, now=now)
        introduction = await uow.introductions.agree_to_share(introduction, ann, now)
        introduction = await uow.introductions.agree_to_share(introduction, bob, now)
        date = await uow.dates.propose(
            introduction_id=introduction.id,
            first_id=introduction.first_id,
            second_id=introduction.second_id,
            proposer=ann,
            slots=[now + timedelta(days=2)],
            venue_code=None,
            venue_text="The tea house on Wukang Road",
            now=now,
        )
        await uow.dates.ask_feedback(date, ann, now)
        await uow.dates.ask_feedback(date, bob, now)
        await uow.reports.add(ann, bob, ReportReason.OTHER, comment="rude", now=now)
        await uow.case_stages.advance(ann, Stage.INTRODUCED, cause="introduction", now=now)
        await uow.assignments.assign(ann, staff.id, now=now, by=None)
        await uow.notes.add(ann, author_id=staff.id, text=NOTE, now=now)
        handoff = await uow.handoffs.open(ann, HandoffReason.ASKED, now=now)
        outbox_id = await enqueue(
            uow, ChatAddress(Channel.TELEGRAM, 8899), OutboundMessage(text="alert"), account_id=staff.id
        )
        assert outbox_id is not None
        await uow.handoffs.add_alert(handoff.id, ann, recipient_id=staff.id, outbox_id=outbox_id, now=now)
        await uow.handoffs.add_line(handoff.id, ann, from_client=True, author_id=ann, text=LINE, now=now)

    gone = ann if deleted == "ann" else bob
    async with database.unit_of_work() as uow:
        await shred_account(uow, gone, clock.now())

    async with database.unit_of_work(read_only=True) as uow:

        async def count(table: type, *columns: str) -> int:
            condition = or_(*(getattr(table, column) == gone for column in columns))
            return int(await uow.session.scalar(select(func.count()).select_from(table).where(condition)) or 0)

        assert await count(SuggestionRow, "asker_id", "candidate_id") == 0
        assert await count(IntroductionRow, "first_id", "second_id") == 0
        assert await count(DateRow, "first_id", "second_id") == 0
        assert await count(DateFeedbackRow, "author_id", "about_id") == 0
        assert await count(CaseStageRow, "account_id") == 0
        assert await count(ClientAssignmentRow, "client_id") == 0
        assert await count(ClientNoteRow, "client_id") == 0
        assert await count(HandoffRow, "client_id") == 0
        assert await count(HandoffAlertRow, "client_id") == 0
        assert await count(RelayMessageRow, "client_id") == 0
        # The complaint stays as the agency's quality record, pointing at a tombstone.
        assert await count(ReportRow, "reporter_id", "reported_id") == 1
        assert await uow.staff.get(staff.id) is not None
