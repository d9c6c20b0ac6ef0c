"""Dates in the conversation and in the jobs: propose, answer, confirm, reschedule, cancel, remind, feedback.

One `DateKeeper` per update or per job, over its unit of work. Everything it changes commits with the update
or job: the other side's messages go through the outbox, the reminders and the feedback question through
the scheduled jobs, armed when a date is confirmed and cancelled when it is moved or called off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from uuid import UUID

from domain.dates import (
    DEMO_ACCEPT,
    FEEDBACK,
    NUDGE,
    REMINDER,
    DateState,
    SlotProblem,
    both_want_more,
    is_late_cancellation,
    needs_alert,
    reminder_ref,
    slot_problem,
    zone_for,
)
from domain.delivery import OutboundMessage
from domain.handoff import HandoffReason
from domain.matching.decisions import IntroductionState
from domain.pipeline import Stage
from handlers.services.feature import FeatureService
from handlers.services.handoff.requests import open_handoff
from handlers.views.cards import first_name
from handlers.views.dates import messages
from handlers.views.dates.calendar_file import ics_bytes
from handlers.views.texts import quote
from storage.records import Introduction
from storage.repositories.dates import DateRecord, FeedbackRecord
from storage.repositories.delivery import cancel, schedule

LATE_WINDOW_BEFORE = timedelta(hours=3)
LATE_WINDOW_AFTER = timedelta(hours=1)
DEMO_RATING = 5


class Refusal(StrEnum):
    """Why a date action did not happen (each has its own message in the chat)."""

    CLOSED = "closed"  # the introduction is not (or no longer) connected
    OPEN_DATE = "open_date"  # the pair already has a proposed or confirmed date
    STALE = "stale"  # the proposal or date changed since the button was made
    OWN = "own"  # the proposer pressed an answer to their own proposal
    PAST = "past"
    BOOKED = "booked"


@dataclass
class DateKeeper(FeatureService):
    # --- people ----------------------------------------------------------------------------------------------
    async def zone_of(self, account_id: UUID) -> tzinfo:
        profile = await self.uow.profiles.get(account_id)
        return zone_for(None if profile is None else profile.region_code, self.settings.timezone)

    async def name_of(self, account_id: UUID) -> str:
        profile = await self.uow.profiles.get(account_id)
        return quote(first_name(None if profile is None else profile.display_name))

    async def is_demo(self, account_id: UUID) -> bool:
        account = await self.uow.accounts.get(account_id)
        return account is not None and account.demo

    async def own_introduction(self, account_id: UUID, introduction_id: UUID | None) -> Introduction | None:
        if introduction_id is None:
            return None
        introduction = await self.uow.introductions.get(introduction_id)
        return introduction if introduction is not None and introduction.includes(account_id) else None

    async def own_date(self, account_id: UUID, date_id: UUID | None) -> DateRecord | None:
        if date_id is None:
            return None
        record = await self.uow.dates.get(date_id)
        return record if record is not None and record.includes(account_id) else None

    async def connected_partners(self, account_id: UUID) -> list[Introduction]:
        return [
            i for i in await self.uow.introductions.list_for(account_id) if i.state == IntroductionState.CONNECTED.value
        ]

    # --- proposing -------------------------------------------------------------------------------------------
    async def may_propose(self, introduction: Introduction) -> Refusal | None:
        if introduction.state != IntroductionState.CONNECTED.value:
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

    async def cancel(self, record: DateRecord, by: UUID, reason: str | None) -> DateRecord | Refusal:
        """Call off an open date; a confirmed one inside the late-cancellation window is recorded and the
        counselor is told."""
        if record.state not in (DateState.PROPOSED, DateState.CONFIRMED):
            return Refusal.STALE
        late = record.starts_at is not None and is_late_cancellation(
            record.starts_at, self.now(), timedelta(hours=self.settings.late_cancellation_hours)
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

    async def ask_feedback(self, date_id: UUID) -> None:
        record = await self.uow.dates.get(date_id)
        if record is None or record.state is not DateState.CONFIRMED:
            return
        now = self.now()
        for person in record.people:
            feedback = await self.uow.dates.ask_feedback(record, person, now)
            if await self.is_demo(person):
                await self.uow.dates.answer(
                    feedback, rating=DEMO_RATING, meet_again=True, completed_at=now, expect_open=True
                )
                continue
            name = await self.name_of(record.other(person))
            await self.notifier.to_client(
                person,
                functools.partial(messages.feedback_rating, record, name),
                dedupe_key=f"date-feedback:{record.id}:{person}",
            )
        await schedule(self.uow, NUDGE, record.id.hex, now + timedelta(hours=self.settings.feedback_nudge_hours))

    async def nudge(self, date_id: UUID) -> None:
        """One gentle nudge to whoever has not finished their feedback; never a second one."""
        record = await self.uow.dates.get(date_id)
        if record is None:
            return
        for feedback in await self.uow.dates.feedback_on(record.id):
            if feedback.completed_at is not None or feedback.nudged_at is not None:
                continue
            name = await self.name_of(feedback.about_id)
            await self.notifier.to_client(
                feedback.author_id,
                functools.partial(self.next_question, record, feedback, name, nudge=True),
                dedupe_key=f"date-nudge:{record.id}:{feedback.author_id}",
            )
            await self.uow.dates.answer(feedback, nudged_at=self.now())

    def next_question(self, record: DateRecord, feedback: FeedbackRecord, name: str, *, nudge: bool) -> OutboundMessage:
        if feedback.rating is None and not feedback.no_show:
            return messages.feedback_rating(record, name, nudge=nudge)
        if feedback.meet_again is None:
            return messages.feedback_again(record, name, nudge=nudge)
        return messages.feedback_comment(record, nudge=nudge)

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

    # --- feedback answers ------------------------------------------------------------------------------------
    async def own_feedback(self, account_id: UUID, date_id: UUID | None) -> tuple[DateRecord, FeedbackRecord] | None:
        record = await self.own_date(account_id, date_id)
        if record is None:
            return None
        feedback = await self.uow.dates.feedback(record.id, account_id)
        return None if feedback is None else (record, feedback)

    async def rate(self, record: DateRecord, feedback: FeedbackRecord, rating: int) -> bool:
        if feedback.rating is not None or feedback.no_show:
            return False
        if not await self.uow.dates.answer(feedback, rating=rating):
            return False
        await self.uow.case_stages.advance(feedback.author_id, Stage.MET, cause="date", now=self.now())
        if needs_alert(rating=rating, no_show=False, complaint=False):
            await self._alert(record, feedback, rating=rating)
        return True

    async def no_show(self, record: DateRecord, feedback: FeedbackRecord) -> bool:
        if feedback.rating is not None or feedback.no_show:
            return False
        if not await self.uow.dates.answer(feedback, no_show=True, meet_again=False):
            return False
        await self._alert(record, feedback, no_show=True)
        return True

    async def meet_again(self, record: DateRecord, feedback: FeedbackRecord, yes: bool) -> bool | None:
        """Record the answer; True when both now want to meet again (the case moves to dating), None when
        it was answered already."""
        if feedback.meet_again is not None or (feedback.rating is None and not feedback.no_show):
            return None
        if not await self.uow.dates.answer(feedback, meet_again=yes):
            return None
        theirs = await self.uow.dates.feedback(record.id, feedback.about_id)
        if not both_want_more(yes, None if theirs is None else theirs.meet_again):
            return False
        now = self.now()
        for person in record.people:
            await self.uow.case_stages.advance(person, Stage.DATING, cause="date_feedback", now=now)
        name = await self.name_of(feedback.author_id)
        await self.notifier.to_client(
            feedback.about_id, lambda: messages.both_want_more(name), dedupe_key=f"date-dating:{record.id}"
        )
        return True

    async def comment(self, record: DateRecord, feedback: FeedbackRecord, text: str) -> bool:
        if feedback.completed_at is not None:
            return False
        return await self.uow.dates.answer(feedback, comment=text)

    async def finish(self, record: DateRecord, feedback: FeedbackRecord, *, complaint: bool) -> bool:
        if not await self.uow.dates.answer(feedback, complaint=complaint, completed_at=self.now()):
            return False
        if complaint:
            await self._alert(record, feedback, complaint=True)
        return True

    async def _alert(
        self,
        record: DateRecord,
        feedback: FeedbackRecord,
        *,
        rating: int | None = None,
        no_show: bool = False,
        complaint: bool = False,
    ) -> None:
        """Queue a counselor alert (in the agency's language) for feedback that needs attention."""

        def build() -> OutboundMessage:
            why = messages.alert_reason(rating=rating, no_show=no_show, complaint=complaint)
            return messages.feedback_alert(record, feedback.author_id, why)

        code = "no_show" if no_show else "complaint" if complaint else "rating"
        await self.notifier.to_counselors(build, dedupe_key=f"date-alert:{feedback.id}:{code}")
        # And a counselor should talk with the client: into the handoff queue (a no-op when one is open).
        await open_handoff(
            self.uow,
            client_id=feedback.author_id,
            reason=HandoffReason.COMPLAINT if complaint else HandoffReason.LOW_RATING,
            now=self.now(),
            settings=self.settings,
            i18n=self.i18n,
        )


def _plain(html_text: str) -> str:
    """An escaped name back to plain text (for the calendar file)."""
    return html_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
