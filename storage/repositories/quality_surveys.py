"""The monthly satisfaction survey (survey_responses): one row per client and month, answered step by step
(each step a conditional UPDATE, so a repeated or late press changes nothing); the comment sealed under the
client's key. And who is asked: active, non-demo clients registered long enough."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, select, update

from domain.quality import NEW_CLIENT_DAYS
from storage.models.accounts import AccountRow, ConsentRow
from storage.models.clients import ClientProfileRow
from storage.models.quality import SurveyResponseRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SurveyResponse:
    id: UUID
    client_id: UUID
    month: str
    counselor_id: UUID | None
    sent_at: datetime
    reminded_at: datetime | None
    nps: int | None
    counselor_score: int | None
    comment: str | None
    answered_at: datetime | None
    complaint_id: UUID | None


SURVEYS = RecordSpec(SurveyResponseRow, SurveyResponse, row_id="id")
OPEN = SurveyResponseRow.answered_at.is_(None)


class SurveysRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> SurveysRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def clients_to_ask(self, now: datetime, *, notice_version: str | None = None) -> list[UUID]:
        """Active, non-demo clients registered at least NEW_CLIENT_DAYS before `now`; with `notice_version`, not
        those who accepted only an earlier privacy notice (as `ModerationRepository.hidden_ids` counts them)."""
        conditions = [
            ClientProfileRow.status == "active",
            ClientProfileRow.activated_at <= now - timedelta(days=NEW_CLIENT_DAYS),
            AccountRow.demo.is_(False),
        ]
        if notice_version is not None:
            current = select(ConsentRow.account_id).where(ConsentRow.notice_version == notice_version)
            stale = select(ConsentRow.account_id).where(ConsentRow.account_id.not_in(current))
            conditions.append(ClientProfileRow.account_id.not_in(stale))
        rows = await self._session.scalars(
            select(ClientProfileRow.account_id)
            .join(AccountRow, AccountRow.id == ClientProfileRow.account_id)
            .where(*conditions)
            .order_by(ClientProfileRow.account_id)
        )
        return list(rows.all())

    async def create(
        self, client_id: UUID, month: str, *, counselor_id: UUID | None, now: datetime
    ) -> SurveyResponse | None:
        """The client's survey of `month`; None when they were asked that month already."""
        existing = await self._session.scalar(
            select(SurveyResponseRow.id).where(
                SurveyResponseRow.client_id == client_id, SurveyResponseRow.month == month
            )
        )
        if existing is not None:
            return None
        row = SurveyResponseRow(id=uuid4(), client_id=client_id, month=month, counselor_id=counselor_id, sent_at=now)
        self._session.add(row)
        await self._session.flush()
        return SURVEYS.decode(self._crypto, None, row)

    async def get(self, survey_id: UUID) -> SurveyResponse | None:
        row = await self._session.get(SurveyResponseRow, survey_id, populate_existing=True)
        if row is None:
            return None
        key = None if row.comment is None else await self._keys.usable_key(row.client_id)
        if row.comment is not None and key is None:
            return SURVEYS.decode(self._crypto, None, row, comment=None)
        return SURVEYS.decode(self._crypto, key, row)

    async def awaiting_nps(self, client_id: UUID, month: str) -> SurveyResponse | None:
        """The client's survey of `month` if its first question (the NPS) is not answered yet."""
        row = await self._session.scalar(
            select(SurveyResponseRow).where(
                SurveyResponseRow.client_id == client_id,
                SurveyResponseRow.month == month,
                SurveyResponseRow.nps.is_(None),
                OPEN,
            )
        )
        return None if row is None else SURVEYS.decode(self._crypto, None, row, comment=None)

    async def answer_nps(self, survey_id: UUID, client_id: UUID, value: int) -> bool:
        return await self._change(survey_id, client_id, [SurveyResponseRow.nps.is_(None)], nps=value)

    async def answer_counselor(self, survey_id: UUID, client_id: UUID, value: int) -> bool:
        return await self._change(
            survey_id,
            client_id,
            [SurveyResponseRow.nps.is_not(None), SurveyResponseRow.counselor_score.is_(None)],
            counselor_score=value,
        )

    async def finish(self, survey_id: UUID, client_id: UUID, comment: str | None, *, now: datetime) -> bool:
        """The last step (the comment, or none); False when it was finished already."""
        sealed = None
        if comment is not None:
            key = await self._keys.for_account(client_id)
            sealed = SURVEYS.seal_column(self._crypto, key, "comment", survey_id, comment)
        return await self._change(
            survey_id, client_id, [SurveyResponseRow.nps.is_not(None)], comment=sealed, answered_at=now
        )

    async def link_complaint(self, survey_id: UUID, complaint_id: UUID) -> None:
        await self._execute_dml(
            update(SurveyResponseRow).where(SurveyResponseRow.id == survey_id).values(complaint_id=complaint_id)
        )

    async def to_remind(self, month: str) -> list[SurveyResponse]:
        """Surveys of `month` nobody started and nobody reminded yet."""
        rows = await self._session.scalars(
            select(SurveyResponseRow).where(
                SurveyResponseRow.month == month,
                SurveyResponseRow.nps.is_(None),
                SurveyResponseRow.reminded_at.is_(None),
            )
        )
        return [SURVEYS.decode(self._crypto, None, row, comment=None) for row in rows.all()]

    async def mark_reminded(self, survey_id: UUID, now: datetime) -> bool:
        statement = (
            update(SurveyResponseRow)
            .where(SurveyResponseRow.id == survey_id, SurveyResponseRow.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        return await self._execute_dml(statement) > 0

    async def scores(self, month: str) -> list[tuple[UUID | None, int, int | None]]:
        """(counselor, NPS, counselor score) of every survey of `month` with an NPS."""
        rows = await self._session.execute(
            select(SurveyResponseRow.counselor_id, SurveyResponseRow.nps, SurveyResponseRow.counselor_score).where(
                SurveyResponseRow.month == month, SurveyResponseRow.nps.is_not(None)
            )
        )
        return [(counselor, int(nps), score) for counselor, nps, score in rows.all() if nps is not None]

    async def _change(
        self, survey_id: UUID, client_id: UUID, conditions: list[ColumnElement[bool]], **values: Any
    ) -> bool:
        statement = (
            update(SurveyResponseRow)
            .where(SurveyResponseRow.id == survey_id, SurveyResponseRow.client_id == client_id, OPEN, *conditions)
            .values(**values)
        )
        return await self._execute_dml(statement.execution_options(synchronize_session=False)) > 0
