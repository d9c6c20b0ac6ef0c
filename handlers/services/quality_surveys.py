"""The monthly satisfaction survey: on the 1st of each month (a scheduled job) each active client who has
been with us for a while is asked the NPS question (0-10), then how satisfied they are with their counselor
(1-5), then for a comment (sealed); one reminder a few days later to those who did not start. A low score opens
a complaint case (about the counselor, or about the service). Managers see the results per counselor and
overall beside the month before (`/survey`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.consent import NOTICE_VERSION
from domain.quality import (
    Category,
    EventKind,
    Source,
    average,
    low_score_category,
    month_before,
    net_promoter_score,
    survey_month,
    valid_counselor_score,
    valid_nps,
)
from handlers.services.feature import FeatureService
from handlers.services.quality import ComplaintDesk
from handlers.views import quality_surveys as views
from storage.repositories.complaints import ComplaintsRepository
from storage.repositories.quality_surveys import SurveyResponse, SurveysRepository


class Answered(StrEnum):
    NEXT_COUNSELOR = "next_counselor"  # ask about the counselor
    NEXT_COMMENT = "next_comment"  # ask for a comment
    STALE = "stale"  # not theirs, answered already, or finished
    OUT_OF_RANGE = "out_of_range"


@dataclass
class SurveyDesk(FeatureService):
    @property
    def surveys(self) -> SurveysRepository:
        return SurveysRepository.of(self.uow)

    # --- the jobs -----------------------------------------------------------------------------------------
    async def send_month(self, month: str) -> int:
        """Ask every client due a survey this month (once each; not one who has yet to accept the current privacy
        notice); how many were asked."""
        asked = 0
        for client_id in await self.surveys.clients_to_ask(self.now(), notice_version=NOTICE_VERSION):
            counselor = await self.uow.assignments.counselor_of(client_id)
            survey = await self.surveys.create(client_id, month, counselor_id=counselor, now=self.now())
            if survey is None:
                continue
            question = functools.partial(views.survey_question, survey.id.hex)
            if await self.notifier.to_client(client_id, question, dedupe_key=f"survey:{survey.id}"):
                asked += 1
        return asked

    async def remind(self, month: str) -> int:
        reminded = 0
        for survey in await self.surveys.to_remind(month):
            if not await self.surveys.mark_reminded(survey.id, self.now()):
                continue
            question = functools.partial(views.survey_question, survey.id.hex, reminder=True)
            if await self.notifier.to_client(survey.client_id, question, dedupe_key=f"survey-reminder:{survey.id}"):
                reminded += 1
        return reminded

    # --- the client's answers -----------------------------------------------------------------------------
    async def own(self, client_id: UUID | None, survey_id: UUID | None) -> SurveyResponse | None:
        survey = None if survey_id is None else await self.surveys.get(survey_id)
        if survey is None or client_id is None or survey.client_id != client_id:
            return None
        return survey

    async def counselor_name(self, survey: SurveyResponse) -> str | None:
        if survey.counselor_id is None:
            return None
        member = await self.uow.staff.get(survey.counselor_id)
        return None if member is None else member.display_name

    async def awaiting_nps(self, client_id: UUID | None) -> SurveyResponse | None:
        """The client's survey of this month while its first question (the NPS) waits for an answer."""
        if client_id is None:
            return None
        return await self.surveys.awaiting_nps(client_id, survey_month(self.today()))

    async def answer_nps(self, client_id: UUID | None, survey_id: UUID | None, value: int) -> Answered:
        """The NPS answer; a low one opens the survey's complaint case at once (the client may not go on)."""
        survey = await self.own(client_id, survey_id)
        if survey is None:
            return Answered.STALE
        if not valid_nps(value):
            return Answered.OUT_OF_RANGE
        if not await self.surveys.answer_nps(survey.id, survey.client_id, value):
            return Answered.STALE
        await self._case_for_low_score(survey.id)
        return Answered.NEXT_COMMENT if survey.counselor_id is None else Answered.NEXT_COUNSELOR

    async def answer_counselor(self, client_id: UUID | None, survey_id: UUID | None, value: int) -> Answered:
        survey = await self.own(client_id, survey_id)
        if survey is None:
            return Answered.STALE
        if not valid_counselor_score(value):
            return Answered.OUT_OF_RANGE
        if not await self.surveys.answer_counselor(survey.id, survey.client_id, value):
            return Answered.STALE
        await self._case_for_low_score(survey.id)
        return Answered.NEXT_COMMENT

    async def finish(self, client_id: UUID | None, survey_id: UUID | None, comment: str | None) -> bool | None:
        """The last step. None: stale; otherwise whether the survey has a complaint case (a low score)."""
        survey = await self.own(client_id, survey_id)
        if survey is None or not await self.surveys.finish(survey.id, survey.client_id, comment, now=self.now()):
            return None
        return await self._case_for_low_score(survey.id, comment)

    async def _case_for_low_score(self, survey_id: UUID, comment: str | None = None) -> bool:
        """Open the survey's complaint case at its first low score, one case per survey (keyed by the survey);
        a comment given later goes on that case's timeline. Whether the survey has a case."""
        survey = await self.surveys.get(survey_id)
        if survey is None:
            return False
        category = low_score_category(survey.nps, survey.counselor_score)
        if survey.complaint_id is not None:
            if category is Category.STAFF:  # the low NPS's case, now about the counselor (unless taken)
                await ComplaintDesk.beside(self).reclassify(survey.complaint_id, category, survey.counselor_id)
            if comment is not None:
                await ComplaintsRepository.of(self.uow).add_event(
                    survey.complaint_id,
                    survey.client_id,
                    EventKind.NOTE,
                    now=self.now(),
                    actor_id=survey.client_id,
                    note=comment,
                )
            return True
        if category is None:
            return False
        case = await ComplaintDesk.beside(self).open_case(
            survey.client_id,
            source=Source.SURVEY,
            category=category,
            text=comment,
            about_id=survey.counselor_id if category is Category.STAFF else None,
            ref_id=survey.id,
        )
        await self.surveys.link_complaint(survey.id, case.id)
        return True

    # --- results ----------------------------------------------------------------------------------------------
    async def results(self) -> tuple[views.MonthFigures, views.MonthFigures]:
        this = survey_month(self.today())
        return await self._figures(this), await self._figures(month_before(this))

    async def _figures(self, month: str) -> views.MonthFigures:
        rows = await self.surveys.scores(month)
        by_counselor: dict[UUID, list[int]] = defaultdict(list)
        for counselor, _nps, score in rows:
            if counselor is not None and score is not None:
                by_counselor[counselor].append(score)
        counselors = []
        for counselor, scores in by_counselor.items():
            member = await self.uow.staff.get(counselor)
            name = (None if member is None else member.display_name) or counselor.hex[:8]
            counselors.append((name, average(scores), len(scores)))
        counselors.sort(key=lambda item: item[0])
        return views.MonthFigures(month, len(rows), net_promoter_score([nps for _c, nps, _s in rows]), counselors)
