"""The audit log: append and read, nothing else (the database refuses UPDATE and DELETE as well).

The free-text reason is sealed under the subject's data key (the system key when there is no subject),
so it becomes unreadable when the subject is crypto-shredded; the entry itself stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, select

from storage.errors import AccountDeletedError
from storage.models.audit import AuditLogRow
from storage.records import AuditEntry
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

AUDIT = RecordSpec(AuditLogRow, AuditEntry, row_id="id")
DEFAULT_LIMIT = 100


class AuditRepository(Repository):
    async def record(
        self,
        *,
        action: str,
        now: datetime,
        actor_account_id: UUID | None = None,
        subject_account_id: UUID | None = None,
        reason: str | None = None,
    ) -> AuditEntry:
        """Append one entry. `action` is a code (e.g. "profile.read"); `reason` may be free text."""
        if not action or len(action) > 64:
            raise ValueError("action must be a code of 1-64 characters")
        row = AuditLogRow(
            id=uuid4(),
            at=now,
            actor_account_id=actor_account_id,
            subject_account_id=subject_account_id,
            action=action,
        )
        if reason is not None:
            if subject_account_id is None:
                key = self._keys.system
            else:
                usable = await self._keys.usable_key(subject_account_id)
                if usable is None:
                    raise AccountDeletedError(subject_account_id)
                key = usable
            AUDIT.apply(self._crypto, key, row, {"reason": reason})
        self._session.add(row)
        await self._session.flush()
        return AuditEntry(
            id=row.id,
            at=now,
            actor_account_id=actor_account_id,
            subject_account_id=subject_account_id,
            action=action,
            reason=reason,
        )

    async def by_reference(self, reference: str) -> AuditEntry | None:
        """The entry whose id starts with `reference` (the hex digits /audit shows), if exactly one does."""
        text = reference.strip().lower()
        if not 4 <= len(text) <= 32 or any(c not in "0123456789abcdef" for c in text):
            return None
        low, high = UUID(hex=text.ljust(32, "0")), UUID(hex=text.ljust(32, "f"))
        rows = (
            await self._session.scalars(select(AuditLogRow).where(AuditLogRow.id.between(low, high)).limit(2))
        ).all()
        return (await self._decode(rows))[0] if len(rows) == 1 else None

    async def list_for_subject(
        self, subject_account_id: UUID, *, limit: int | None = DEFAULT_LIMIT
    ) -> list[AuditEntry]:
        """Who did what to this account's data, newest first (`limit=None`: all of it)."""
        return await self._entries(limit, AuditLogRow.subject_account_id == subject_account_id)

    async def list_by_actor(self, actor_account_id: UUID, *, limit: int = DEFAULT_LIMIT) -> list[AuditEntry]:
        """What this staff member did, newest first."""
        return await self._entries(limit, AuditLogRow.actor_account_id == actor_account_id)

    async def list_recent(self, *, limit: int = DEFAULT_LIMIT, before: datetime | None = None) -> list[AuditEntry]:
        """The newest entries (page back with `before` = the oldest `at` seen)."""
        conditions = [] if before is None else [AuditLogRow.at < before]
        return await self._entries(limit, *conditions)

    async def list_page(
        self,
        *,
        actor_account_id: UUID | None = None,
        subject_account_id: UUID | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """One page of entries, newest first, optionally only one actor's and/or one subject's."""
        conditions = []
        if actor_account_id is not None:
            conditions.append(AuditLogRow.actor_account_id == actor_account_id)
        if subject_account_id is not None:
            conditions.append(AuditLogRow.subject_account_id == subject_account_id)
        query = select(AuditLogRow).where(*conditions)
        rows = (
            await self._session.scalars(
                query.order_by(AuditLogRow.at.desc(), AuditLogRow.id.desc()).limit(limit).offset(offset)
            )
        ).all()
        return await self._decode(rows)

    async def _entries(self, limit: int | None, *conditions: ColumnElement[bool]) -> list[AuditEntry]:
        query = select(AuditLogRow).where(*conditions)
        rows = (
            await self._session.scalars(query.order_by(AuditLogRow.at.desc(), AuditLogRow.id.desc()).limit(limit))
        ).all()
        return await self._decode(rows)

    async def _decode(self, rows: Sequence[AuditLogRow]) -> list[AuditEntry]:
        await self._keys.preload(
            row.subject_account_id for row in rows if row.subject_account_id is not None and row.reason is not None
        )
        entries: list[AuditEntry] = []
        for row in rows:
            if row.reason is None or row.subject_account_id is None:
                entries.append(AUDIT.decode(self._crypto, self._keys.system, row))
                continue
            key = await self._keys.usable_key(row.subject_account_id)
            if key is None:
                entries.append(AUDIT.decode(self._crypto, None, row, reason=None, reason_erased=True))
            else:
                entries.append(AUDIT.decode(self._crypto, key, row))
        return entries
