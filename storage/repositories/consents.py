"""Consents: which version of the privacy notice an account accepted, and when."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select

from storage.models.accounts import ConsentRow
from storage.records import Consent
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

CONSENTS = RecordSpec(ConsentRow, Consent, row_id="id")


class ConsentsRepository(Repository):
    async def record(self, account_id: UUID, notice_version: str, *, now: datetime) -> Consent:
        row = ConsentRow(id=uuid4(), account_id=account_id, notice_version=notice_version, given_at=now)
        self._session.add(row)
        await self._session.flush()
        return CONSENTS.decode(self._crypto, None, row)

    async def list_for(self, account_id: UUID) -> list[Consent]:
        rows = (
            await self._session.scalars(
                select(ConsentRow)
                .where(ConsentRow.account_id == account_id)
                .order_by(ConsentRow.given_at, ConsentRow.id)
            )
        ).all()
        return [CONSENTS.decode(self._crypto, None, row) for row in rows]

    async def latest(self, account_id: UUID) -> Consent | None:
        consents = await self.list_for(account_id)
        return consents[-1] if consents else None

    async def has_consented(self, account_id: UUID, notice_version: str) -> bool:
        found = await self._session.scalar(
            select(ConsentRow.id)
            .where(ConsentRow.account_id == account_id, ConsentRow.notice_version == notice_version)
            .limit(1)
        )
        return found is not None
