"""Dates in the conversation and in the jobs: propose, answer, confirm, reschedule, cancel, remind, /dates; and
`feedback` afterwards (`DateFeedback`).

One `DateKeeper` per update or per job, over its unit of work. Everything it changes commits with the update
or job: the other side's messages go through the outbox, the reminders and the feedback question through
the scheduled jobs, armed when a date is confirmed and cancelled when it is moved or called off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cached_property
from uuid import UUID

from domain.dates import (
    DATE_LENGTH,
    DEMO_ACCEPT,
    FEEDBACK,
    NUDGE,
    REMINDER,
    DateState,
    SlotProblem,
    is_late_cancellation,
    reminder_ref,
    slot_problem,
)
from domain.matching.decisions import IntroductionState
from handlers.services.dates.feedback import DateFeedback
from handlers.services.dates.people import DatePeople
from handlers.views.dates import messages
from handlers.views.dates.calendar_file import ics_bytes
from handlers.views.dates.listing import DateEntry, DatesOverview, Partner
from storage.records import Introduction
from storage.repositories.dates import DateRecord
from storage.repositories.delivery import cancel, schedule

LATE_WINDOW_BEFORE = timedelta(hours=3)
LATE_WINDOW_AFTER = timedelta(hours=1)
PAST_SHOWN = 5  # earlier dates /dates lists


class Refusal(StrEnum):
    """Why a date action did not happen (each has its own message in the chat)."""

    CLOSED = "closed"  # the introduction is not (or no longer) connected
    OPEN_DATE = "open_date"  # the pair already has a proposed or confirmed date
    STALE = "stale"  # the proposal or date changed since the button was made
    OWN = "own"  # the proposer pressed an answer to their own proposal
    PAST = "past"
    BOOKED = "booked"
    CONFIRMED = "confirmed"  # a slot of this very proposal was accepted already
    NOT_NOW = "not_now"  # "running late" outside the hours around the date
    NOT_ASSIGNED = "not_assigned"  # a counselor proposing for a client who is not theirs


@dataclass(frozen=True)
class Refused:
    """An action that did not happen, and the other person's name for its message."""

    refusal: Refusal
    name: str


@dataclass(frozen=True)
class Done:
    """An action that happened; `name` is the other person's."""

    name: str


@dataclass(frozen=True)
class Accepted:
    """A proposal accepted: the confirmed date as the accepter sees it, and its calendar file."""

    record: DateRecord
    name: str
    zone: tzinfo
    ics: bytes


@dataclass
class DateKeeper(DatePeople):
    @cached_property
    def feedback(self) -> DateFeedback:
        return DateFeedback(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    # --- proposing -------------------------------------------------------------------------------------------
    async def may_propose(self, introduction: Introduction) -> Refusal | None:
        """Only on a connected introduction neither of the two blocked (a block closes it too; this also holds
        for a block older than that rule), and one open date at a time."""
        if introduction.state != IntroductionState.CONNECTED.value or await self.blocked(introduction):
            return Refusal.CLOSED
        if await self.uow.dates.open_for_introduction(introduction.id) is not None:
            return Refusal.OPEN_DATE
        return None

    async def check_slot(
        self, people: tuple[UUID, UUID], slot: datetime, chosen: list[datetime], *, except_date: UUID | None = None
    ) -> SlotProblem | None:
        busy = await self.uow.dates.busy_times(people, except_date=except_date)
        return slot_problem(slot, now=self.now(), busy=busy, chosen=chosen)

    async def propose(
        self,
        introduction: Introduction,
        proposer: UUID,
        slots: list[datetime],
        *,
        venue_code: str | None,
        venue_text: str | None,
    ) -> DateRecord | Refusal:
        refusal = await self.may_propose(introduction)
        if refusal is not None:
            return refusal
        refusal = await self._check_all(introduction.first_id, introduction.second_id, slots, None)
        if refusal is not None:
            return refusal
        record = await self.uow.dates.propose(
            introduction_id=introduction.id,
            first_id=introduction.first_id,
            second_id=introduction.second_id,
            proposer=proposer,
            slots=sorted(slots),
            venue_code=venue_code,
            venue_text=venue_text,
            now=self.now(),
        )
        await self._send_proposal(record, old=None, reason=None)
        return record

    async def repropose(
        self,
        record: DateRecord,
        proposer: UUID,
        slots: list[datetime],
        *,
        venue_code: str | None,
        venue_text: str | None,
        reason: str | None = None,
    ) -> DateRecord | Refusal:
        """A counter-proposal (on a proposal) or a reschedule (of a confirmed date): new slots, next round."""
        refusal = await self._check_all(record.first_id, record.second_id, slots, record.id)
        if refusal is not None:
            return refusal
        introduction = await self.uow.introductions.get(record.introduction_id)
        if introduction is None or introduction.state != IntroductionState.CONNECTED.value:
            return Refusal.CLOSED
        updated = await self.uow.dates.repropose(
            record, proposer=proposer, slots=sorted(slots), venue_code=venue_code, venue_text=venue_text, now=self.now()
        )
        if updated is None:
            return Refusal.STALE
        if record.state is DateState.CONFIRMED:
            await self.disarm(record)
        await self._send_proposal(updated, old=record.starts_at, reason=reason)
        return updated

    async def _check_all(
        self, first: UUID, second: UUID, slots: list[datetime], except_date: UUID | None
    ) -> Refusal | None:
        busy = await self.uow.dates.busy_times((first, second), except_date=except_date)
        for slot in slots:
            problem = slot_problem(slot, now=self.now(), busy=busy)
            if problem is SlotProblem.BOOKED:
                return Refusal.BOOKED
            if problem is not None:
                return Refusal.PAST
        return None

    async def _send_proposal(self, record: DateRecord, *, old: datetime | None, reason: str | None) -> None:
        proposer = record.proposed_by
        other = record.other(proposer)
        name, zone = await self.name_of(proposer), await self.zone_of(other)
        if await self.is_demo(other):
            due = self.now() + timedelta(seconds=self.settings.demo_answer_seconds)
            await schedule(self.uow, DEMO_ACCEPT, f"{record.id.hex}:{record.round}", due)
            return
        if record.round == 1:
            build = lambda: messages.proposal(record, name, zone)  # noqa: E731
        else:
            build = lambda: messages.rescheduled(record, name, zone, old, reason)  # noqa: E731
        await self.notifier.to_client(other, build, dedupe_key=f"date-proposal:{record.id}:{record.round}")

    # --- answering a proposal --------------------------------------------------------------------------------
    async def accept(self, record: DateRecord, round_: int, slot_index: int, accepter: UUID) -> DateRecord | Refusal:
        if record.state is not DateState.PROPOSED or record.round != round_:
            return Refusal.STALE
        if record.proposed_by == accepter:
            return Refusal.OWN
        if not 0 <= slot_index < len(record.slots):
            return Refusal.STALE
        slot = record.slots[slot_index]
        refusal = await self._check_all(record.first_id, record.second_id, [slot], record.id)
        if refusal is not None:
            return refusal
        confirmed = await self.uow.dates.accept(record, round_, slot, self.now())
        if confirmed is None:
            return Refusal.STALE
        await self.arm(confirmed)
        proposer = confirmed.proposed_by
        name, zone = await self.name_of(accepter), await self.zone_of(proposer)
        await self.notifier.to_client(
            proposer,
            lambda: messages.confirmed(confirmed, name, zone),
            dedupe_key=f"date-confirmed:{confirmed.id}:{confirmed.round}",
        )
        await self.uow.audit.record(
            action="date.confirmed", now=self.now(), actor_account_id=accepter, subject_account_id=proposer
        )
        return confirmed

    async def decline(self, record: DateRecord, round_: int, by: UUID) -> DateRecord | Refusal:
        if record.state is not DateState.PROPOSED or record.round != round_:
            return Refusal.STALE
        closed = await self.uow.dates.withdraw(record, round_, by, self.now())
        if closed is None:
            return Refusal.STALE
        other = record.other(by)
        name = await self.name_of(by)
        if by == record.proposed_by:
            zone = await self.zone_of(other)
            build = lambda: messages.cancelled(name, None, zone, None)  # noqa: E731
        else:
            build = lambda: messages.declined(name, None)  # noqa: E731
        await self.notifier.to_client(other, build, dedupe_key=f"date-closed:{record.id}")
        return closed

    async def accept_slot(
        self, me: UUID, date_id: UUID | None, round_: int, slot_index: int
    ) -> Accepted | Refused | None:
        """`me` accepts slot `slot_index` of proposal `round_` (None when the date is not theirs); CONFIRMED
        when that proposal was accepted already (a second press)."""
        record = await self.own_date(me, date_id)
        if record is None:
            return None
        name = await self.name_of(record.other(me))
        result = await self.accept(record, round_, slot_index, me)
        if isinstance(result, Refusal):
            if result is Refusal.STALE and record.state is DateState.CONFIRMED and record.round == round_:
                result = Refusal.CONFIRMED
            return Refused(result, name)
        return Accepted(result, name, await self.zone_of(me), await self.ics_for(result, me))

    async def decline_proposal(self, me: UUID, date_id: UUID | None, round_: int) -> Done | Refused | None:
        """`me` refuses proposal `round_`, or withdraws their own."""
        record = await self.own_date(me, date_id)
        if record is None:
            return None
        name = await self.name_of(record.other(me))
        result = await self.decline(record, round_, me)
        return Refused(result, name) if isinstance(result, Refusal) else Done(name)

    # --- the confirmed date ----------------------------------------------------------------------------------
    async def arm(self, record: DateRecord) -> None:
        """Schedule the reminders still ahead and the feedback question."""
        assert record.starts_at is not None
        now = self.now()
        for hours in self.settings.date_reminder_offsets_hours:
            due = record.starts_at - timedelta(hours=hours)
            if due > now:
                await schedule(self.uow, REMINDER, reminder_ref(record.id.hex, hours), due)
        feedback_at = record.starts_at + timedelta(hours=self.settings.feedback_after_hours)
        await schedule(self.uow, FEEDBACK, record.id.hex, feedback_at)

    async def disarm(self, record: DateRecord) -> None:
        for hours in self.settings.date_reminder_offsets_hours:
            await cancel(self.uow, REMINDER, reminder_ref(record.id.hex, hours))
        await cancel(self.uow, FEEDBACK, record.id.hex)
        await cancel(self.uow, NUDGE, record.id.hex)

    async def cancel(
        self, record: DateRecord, by: UUID, reason: str | None, *, excused: bool = False
    ) -> DateRecord | Refusal:
        """Call off an open date; a confirmed one inside the late-cancellation window is recorded and the
        counselor is told (unless `excused`: a block is never a late cancellation)."""
        if record.state not in (DateState.PROPOSED, DateState.CONFIRMED):
            return Refusal.STALE
        late = (
            not excused
            and record.starts_at is not None
            and is_late_cancellation(
                record.starts_at, self.now(), timedelta(hours=self.settings.late_cancellation_hours)
            )
        )
        closed = await self.uow.dates.cancel(record, by, reason=reason, late=late, now=self.now())
        if closed is None:
            return Refusal.STALE
        if record.state is DateState.CONFIRMED:
            await self.disarm(record)
        other = record.other(by)
        name, zone = await self.name_of(by), await self.zone_of(other)
        await self.notifier.to_client(
            other,
            lambda: messages.cancelled(name, record.starts_at, zone, reason),
            dedupe_key=f"date-closed:{record.id}",
        )
        if late:
            await self.notifier.to_counselors(
                lambda: messages.late_cancellation_alert(record, by), dedupe_key=f"date-late:{record.id}"
            )
        await self.uow.audit.record(
            action="date.late_cancelled" if late else "date.cancelled",
            now=self.now(),
            actor_account_id=by,
            subject_account_id=other,
        )
        return closed

    async def call_off(self, introduction_id: UUID, by: UUID) -> None:
        """A block ends the pair's open date, if any: a proposal is withdrawn or refused, a confirmed date
        cancelled. The other hears it as any withdrawal or cancellation, without a reason and without the block."""
        record = await self.uow.dates.open_for_introduction(introduction_id)
        if record is None:
            return
        if record.state is DateState.PROPOSED:
            await self.decline(record, record.round, by)
        else:
            await self.cancel(record, by, None, excused=True)

    async def ics_for(self, record: DateRecord, reader: UUID) -> bytes:
        """The calendar file as `reader` sees the date (call inside the reader's locale)."""
        other = await self.name_of(record.other(reader))
        return ics_bytes(
            record,
            zone=await self.zone_of(reader),
            summary=messages.calendar_summary(other),
            location=_plain(messages.venue_name(record)),
            description=messages.calendar_description(other),
            now=self.now(),
        )

    async def running_late(self, record: DateRecord, by: UUID) -> bool:
        """Tell the other side `by` is running late; False outside the hours around the date."""
        now = self.now()
        if (
            record.state is not DateState.CONFIRMED
            or record.starts_at is None
            or not record.starts_at - LATE_WINDOW_BEFORE <= now <= record.starts_at + LATE_WINDOW_AFTER
        ):
            return False
        name = await self.name_of(by)
        await self.notifier.to_client(
            record.other(by), lambda: messages.running_late(name), dedupe_key=f"date-late-run:{record.id}:{by}"
        )
        return True

    async def calendar_file(self, me: UUID, date_id: UUID | None, round_: int) -> bytes | Refusal | None:
        """The confirmed date's calendar file as `me` sees it; STALE when the date changed or is off since."""
        record = await self.own_date(me, date_id)
        if record is None:
            return None
        if record.state is not DateState.CONFIRMED or record.round != round_:
            return Refusal.STALE
        return await self.ics_for(record, me)

    async def tell_running_late(self, me: UUID, date_id: UUID | None, round_: int) -> Done | Refused | None:
        record = await self.own_date(me, date_id)
        if record is None:
            return None
        name = await self.name_of(record.other(me))
        if record.round != round_ or not await self.running_late(record, me):
            return Refused(Refusal.NOT_NOW, name)
        return Done(name)

    # --- /dates ----------------------------------------------------------------------------------------------
    async def overview(self, me: UUID) -> DatesOverview:
        """`me`'s dates: upcoming (confirmed and not over), proposals waiting for an answer, the latest earlier
        ones, and the connected introductions without an open date."""
        now = self.now()
        records = await self.uow.dates.list_for(me)
        upcoming = [
            r for r in records if r.state is DateState.CONFIRMED and r.starts_at and r.starts_at + DATE_LENGTH > now
        ]
        pending = [r for r in records if r.state is DateState.PROPOSED]
        past = [r for r in records if r not in upcoming and r not in pending]
        open_introductions = {r.introduction_id for r in upcoming + pending}
        partners = [i for i in await self.connected_partners(me) if i.id not in open_introductions]
        return DatesOverview(
            zone=await self.zone_of(me),
            upcoming=await self._entries(me, sorted(upcoming, key=lambda r: r.starts_at or now)),
            pending=await self._entries(me, pending),
            past=await self._entries(me, sorted(past, key=lambda r: r.created_at, reverse=True)[:PAST_SHOWN]),
            partners=tuple([Partner(i.id, await self.name_of(i.other(me))) for i in partners]),
        )

    async def _entries(self, me: UUID, records: list[DateRecord]) -> tuple[DateEntry, ...]:
        return tuple([DateEntry(r, await self.name_of(r.other(me)), mine=r.proposed_by == me) for r in records])

    # --- jobs ------------------------------------------------------------------------------------------------
    async def remind(self, date_id: UUID, hours: int) -> None:
        record = await self.uow.dates.get(date_id)
        if record is None or record.state is not DateState.CONFIRMED or record.starts_at is None:
            return
        if self.now() >= record.starts_at:
            return
        for person in record.people:
            name, zone = await self.name_of(record.other(person)), await self.zone_of(person)
            await self.notifier.to_client(
                person,
                functools.partial(messages.reminder, record, name, zone),
                dedupe_key=f"date-reminder:{record.id}:{record.round}:{hours}:{person}",
            )
        await self.uow.dates.mark_reminded(record.id, self.now())

    async def demo_accept(self, date_id: UUID, round_: int) -> None:
        """A demo client accepts the first slot that is still possible, as a person would."""
        record = await self.uow.dates.get(date_id)
        if record is None or record.state is not DateState.PROPOSED or record.round != round_:
            return
        demo = record.other(record.proposed_by)
        if not await self.is_demo(demo):
            return
        for index in range(len(record.slots)):
            result = await self.accept(record, round_, index, demo)
            if isinstance(result, DateRecord) or result is Refusal.STALE:
                return
        await self.decline(record, round_, demo)


def _plain(html_text: str) -> str:
    """An escaped name back to plain text (for the calendar file)."""
    return html_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
