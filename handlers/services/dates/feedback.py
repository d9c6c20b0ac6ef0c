"""Feedback after a date: the question (a job after the date), the one nudge, and the answers: the rating or a
no-show, "would you meet again?", the optional comment and whether it is a complaint. Low ratings, no-shows
and complaints alert the counselors and open a handoff; both wanting to meet again moves the case on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from uuid import UUID

from domain.dates import COMMENT_LIMIT, NUDGE, RATINGS, DateState, both_want_more, needs_alert
from domain.delivery import OutboundMessage
from domain.handoff import HandoffReason
from domain.pipeline import Stage
from handlers.services.dates.people import DatePeople
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.quality import ComplaintDesk
from handlers.views.dates import messages
from storage.repositories.dates import DateRecord, FeedbackRecord
from storage.repositories.delivery import schedule

DEMO_RATING = 5


class FeedbackRefusal(StrEnum):
    """Why a feedback answer was not taken."""

    COMPLETED = "completed"  # the whole feedback is finished
    ANSWERED = "answered"  # this question was answered already


@dataclass(frozen=True)
class FeedbackStep:
    """A feedback answer taken: the date, the other person's name, and whether both now want to meet again."""

    record: DateRecord
    name: str
    both_want_more: bool = False


class CommentProblem(StrEnum):
    EMPTY = "empty"  # no words (or a command): ask again
    TOO_LONG = "too_long"
    CLOSED = "closed"  # the feedback was finished meanwhile


@dataclass(frozen=True)
class CommentOutcome:
    record: DateRecord
    problem: CommentProblem | None = None  # None: the comment is recorded


@dataclass
class DateFeedback(DatePeople):
    # --- the question ----------------------------------------------------------------------------------------
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

    # --- feedback answers ------------------------------------------------------------------------------------
    async def own_feedback(self, account_id: UUID, date_id: UUID | None) -> tuple[DateRecord, FeedbackRecord] | None:
        record = await self.own_date(account_id, date_id)
        if record is None:
            return None
        feedback = await self.uow.dates.feedback(record.id, account_id)
        return None if feedback is None else (record, feedback)

    async def _open_feedback(self, me: UUID, date_id: UUID | None) -> _OpenFeedback | FeedbackRefusal | None:
        """`me`'s feedback on the date while it is not finished (None: there is none)."""
        found = await self.own_feedback(me, date_id)
        if found is None:
            return None
        record, feedback = found
        if feedback.completed_at is not None:
            return FeedbackRefusal.COMPLETED
        return _OpenFeedback(record, feedback, await self.name_of(feedback.about_id))

    async def rate(self, me: UUID, date_id: UUID | None, rating: int) -> FeedbackStep | FeedbackRefusal | None:
        """The date's rating (1 to 5; None for another value); a low one alerts the counselor."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        record, feedback = opened.record, opened.feedback
        if rating not in RATINGS:
            return None
        if feedback.rating is not None or feedback.no_show or not await self.uow.dates.answer(feedback, rating=rating):
            return FeedbackRefusal.ANSWERED
        await self.uow.case_stages.advance(feedback.author_id, Stage.MET, cause="date", now=self.now())
        if needs_alert(rating=rating, no_show=False, complaint=False):
            await self._alert(record, feedback, rating=rating)
        return opened.step()

    async def no_show(self, me: UUID, date_id: UUID | None) -> FeedbackStep | FeedbackRefusal | None:
        """The other person did not come: recorded instead of a rating, and the counselor is alerted."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        feedback = opened.feedback
        if (
            feedback.rating is not None
            or feedback.no_show
            or not await self.uow.dates.answer(feedback, no_show=True, meet_again=False)
        ):
            return FeedbackRefusal.ANSWERED
        await self._alert(opened.record, feedback, no_show=True)
        return opened.step()

    async def meet_again(self, me: UUID, date_id: UUID | None, yes: bool) -> FeedbackStep | FeedbackRefusal | None:
        """Record the answer (after the rating); when both now want to meet again, the case moves to dating and
        the other side is told."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        record, feedback = opened.record, opened.feedback
        if feedback.meet_again is not None or (feedback.rating is None and not feedback.no_show):
            return FeedbackRefusal.ANSWERED
        if not await self.uow.dates.answer(feedback, meet_again=yes):
            return FeedbackRefusal.ANSWERED
        theirs = await self.uow.dates.feedback(record.id, feedback.about_id)
        if not both_want_more(yes, None if theirs is None else theirs.meet_again):
            return opened.step()
        now = self.now()
        for person in record.people:
            await self.uow.case_stages.advance(person, Stage.DATING, cause="date_feedback", now=now)
        name = await self.name_of(feedback.author_id)
        await self.notifier.to_client(
            feedback.about_id, lambda: messages.both_want_more(name), dedupe_key=f"date-dating:{record.id}"
        )
        return opened.step(both_want_more=True)

    async def may_comment(self, me: UUID, date_id: UUID | None) -> FeedbackStep | FeedbackRefusal | None:
        """Whether `me` may write a comment now (after "would you meet again?")."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        return FeedbackRefusal.ANSWERED if opened.feedback.meet_again is None else opened.step()

    async def leave_comment(self, me: UUID, date_id: UUID | None, text: str) -> CommentOutcome | None:
        """The comment typed (a command or nothing is asked again); None when `me` has no such feedback."""
        found = await self.own_feedback(me, date_id)
        if found is None:
            return None
        record, feedback = found
        if text.startswith("/") or not text:
            return CommentOutcome(record, CommentProblem.EMPTY)
        if len(text) > COMMENT_LIMIT:
            return CommentOutcome(record, CommentProblem.TOO_LONG)
        if feedback.completed_at is not None or not await self.uow.dates.answer(feedback, comment=text):
            return CommentOutcome(record, CommentProblem.CLOSED)
        return CommentOutcome(record)

    async def skip_comment(self, me: UUID, date_id: UUID | None) -> FeedbackStep | FeedbackRefusal | None:
        """No comment: the feedback is finished (once "would you meet again?" is answered)."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        if opened.feedback.meet_again is None:
            return FeedbackRefusal.ANSWERED
        return await self._finish(opened, complaint=False)

    async def mark_complaint(
        self, me: UUID, date_id: UUID | None, complaint: bool
    ) -> FeedbackStep | FeedbackRefusal | None:
        """Whether the comment is a complaint (which alerts the counselor); the feedback is finished."""
        opened = await self._open_feedback(me, date_id)
        if not isinstance(opened, _OpenFeedback):
            return opened
        return await self._finish(opened, complaint=complaint)

    async def _finish(self, opened: _OpenFeedback, *, complaint: bool) -> FeedbackStep | FeedbackRefusal:
        if not await self.uow.dates.answer(opened.feedback, complaint=complaint, completed_at=self.now()):
            return FeedbackRefusal.ANSWERED
        if complaint:
            await self._alert(opened.record, opened.feedback, complaint=True)
        return opened.step()

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
        reason = HandoffReason.COMPLAINT if complaint else HandoffReason.LOW_RATING
        await HandoffRequests.beside(self).open(feedback.author_id, reason)
        other = record.second_id if feedback.author_id == record.first_id else record.first_id
        await ComplaintDesk.beside(self).from_date_feedback(feedback.author_id, feedback.id, other, no_show=no_show)


@dataclass(frozen=True)
class _OpenFeedback:
    record: DateRecord
    feedback: FeedbackRecord
    name: str  # the other person's

    def step(self, *, both_want_more: bool = False) -> FeedbackStep:
        return FeedbackStep(self.record, self.name, both_want_more)
