"""Handoffs (handoffs), the copies of their alerts (handoff_alerts) and the relay transcript (relay_messages).

State changes are conditional UPDATEs (`... WHERE state = 'open'`), so two counselors claiming at the same
moment cannot both win: on PostgreSQL the second UPDATE waits for the first and then matches no row, on
SQLite the transactions are serialised. Relayed words are sealed under the client's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, func, select, update

from domain.delivery import ChatAddress, DeliveryState
from domain.handoff import Handoff, HandoffReason, HandoffState
from storage.models.casework import HandoffAlertRow, HandoffRow, RelayMessageRow
from storage.models.delivery import OutboxMessageRow
from storage.repositories.base import Repository
from storage.repositories.delivery import OUTBOX
from storage.sealing import RecordSpec

_ACTIVE = (HandoffState.OPEN.value, HandoffState.CLAIMED.value)


@dataclass(frozen=True)
class RelayLine:
    """One line of a handoff's transcript, opened."""

    id: UUID
    handoff_id: UUID
    client_id: UUID
    from_client: bool
    author_id: UUID
    text: str
    created_at: datetime


RELAY = RecordSpec(RelayMessageRow, RelayLine, row_id="id")


@dataclass(frozen=True)
class AlertCopy:
    """One copy of a handoff's alert as delivered: where it is shown (None while it is not sent yet)."""

    recipient_id: UUID | None
    outbox_id: int
    chat: ChatAddress | None
    message_id: int | None


def _handoff(row: HandoffRow) -> Handoff:
    return Handoff(
        id=row.id,
        client_id=row.client_id,
        reason=HandoffReason(row.reason),
        state=HandoffState(row.state),
        counselor_id=row.counselor_id,
        created_at=row.created_at,
        claimed_at=row.claimed_at,
        widened_at=row.widened_at,
        managers_told_at=row.managers_told_at,
        closed_at=row.closed_at,
        rating=row.rating,
        rated_at=row.rated_at,
    )


class HandoffsRepository(Repository):
    # --- handoffs -----------------------------------------------------------------------------------------
    async def open(self, client_id: UUID, reason: HandoffReason, *, now: datetime) -> Handoff:
        row = HandoffRow(
            id=uuid4(), client_id=client_id, reason=reason.value, state=HandoffState.OPEN.value, created_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return _handoff(row)

    async def get(self, handoff_id: UUID) -> Handoff | None:
        row = await self._session.scalar(
            select(HandoffRow).where(HandoffRow.id == handoff_id).execution_options(populate_existing=True)
        )
        return None if row is None else _handoff(row)

    async def active_for_client(self, client_id: UUID) -> Handoff | None:
        """The client's open or claimed handoff, if any (the newest)."""
        row = await self._session.scalar(
            select(HandoffRow)
            .where(HandoffRow.client_id == client_id, HandoffRow.state.in_(_ACTIVE))
            .order_by(HandoffRow.created_at.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return None if row is None else _handoff(row)

    async def serving(self, counselor_id: UUID) -> Handoff | None:
        """The conversation this member is serving now, if any."""
        row = await self._session.scalar(
            select(HandoffRow)
            .where(HandoffRow.counselor_id == counselor_id, HandoffRow.state == HandoffState.CLAIMED.value)
            .order_by(HandoffRow.claimed_at.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return None if row is None else _handoff(row)

    async def waiting(self, *, limit: int = 20) -> list[Handoff]:
        """Open handoffs, the longest waiting first."""
        rows = (
            await self._session.scalars(
                select(HandoffRow)
                .where(HandoffRow.state == HandoffState.OPEN.value)
                .order_by(HandoffRow.created_at, HandoffRow.id)
                .limit(limit)
            )
        ).all()
        return [_handoff(row) for row in rows]

    async def count_waiting(self) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(HandoffRow).where(HandoffRow.state == HandoffState.OPEN.value)
        )
        return int(count or 0)

    async def for_client(self, client_id: UUID) -> list[Handoff]:
        """Every handoff of the client, oldest first (the client's data export)."""
        rows = (
            await self._session.scalars(
                select(HandoffRow).where(HandoffRow.client_id == client_id).order_by(HandoffRow.created_at)
            )
        ).all()
        return [_handoff(row) for row in rows]

    async def claim(self, handoff_id: UUID, counselor_id: UUID, *, now: datetime) -> bool:
        """The first claim wins: True only if the handoff was still open."""
        return await self._change(
            handoff_id,
            [HandoffRow.state == HandoffState.OPEN.value],
            state=HandoffState.CLAIMED.value,
            counselor_id=counselor_id,
            claimed_at=now,
        )

    async def close(self, handoff_id: UUID, *, now: datetime) -> bool:
        """Open or claimed → closed; False when it was closed already."""
        return await self._change(
            handoff_id, [HandoffRow.state.in_(_ACTIVE)], state=HandoffState.CLOSED.value, closed_at=now
        )

    async def mark_widened(self, handoff_id: UUID, *, now: datetime) -> bool:
        return await self._change(
            handoff_id,
            [HandoffRow.state == HandoffState.OPEN.value, HandoffRow.widened_at.is_(None)],
            widened_at=now,
        )

    async def mark_managers_told(self, handoff_id: UUID, *, now: datetime) -> bool:
        return await self._change(
            handoff_id,
            [HandoffRow.state == HandoffState.OPEN.value, HandoffRow.managers_told_at.is_(None)],
            managers_told_at=now,
        )

    async def rate(self, handoff_id: UUID, client_id: UUID, rating: int, *, now: datetime) -> bool:
        """The client's 1-5 for a closed conversation; once only."""
        return await self._change(
            handoff_id,
            [
                HandoffRow.client_id == client_id,
                HandoffRow.state == HandoffState.CLOSED.value,
                HandoffRow.rating.is_(None),
            ],
            rating=rating,
            rated_at=now,
        )

    async def _change(self, handoff_id: UUID, conditions: list[ColumnElement[bool]], **values: Any) -> bool:
        """One conditional UPDATE (so two people acting at the same moment change it once); whether it applied."""
        statement = (
            update(HandoffRow)
            .where(HandoffRow.id == handoff_id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return await self._execute_dml(statement) == 1

    # --- alert copies -------------------------------------------------------------------------------------
    async def add_alert(
        self, handoff_id: UUID, client_id: UUID, *, recipient_id: UUID | None, outbox_id: int, now: datetime
    ) -> None:
        self._session.add(
            HandoffAlertRow(
                id=uuid4(),
                handoff_id=handoff_id,
                client_id=client_id,
                recipient_id=recipient_id,
                outbox_id=outbox_id,
                created_at=now,
            )
        )
        await self._session.flush()

    async def alerted(self, handoff_id: UUID) -> tuple[UUID, ...]:
        """The staff members who were sent a copy already."""
        rows = await self._session.scalars(
            select(HandoffAlertRow.recipient_id).where(
                HandoffAlertRow.handoff_id == handoff_id, HandoffAlertRow.recipient_id.is_not(None)
            )
        )
        return tuple(recipient for recipient in rows.all() if recipient is not None)

    async def alert_copies(self, handoff_id: UUID) -> list[AlertCopy]:
        """Every copy of the alert, with the chat and message it was delivered as (when it was)."""
        found = (
            await self._session.execute(
                select(HandoffAlertRow.recipient_id, HandoffAlertRow.outbox_id, OutboxMessageRow)
                .outerjoin(OutboxMessageRow, OutboxMessageRow.id == HandoffAlertRow.outbox_id)
                .where(HandoffAlertRow.handoff_id == handoff_id)
                .order_by(HandoffAlertRow.created_at, HandoffAlertRow.id)
            )
        ).all()
        copies: list[AlertCopy] = []
        for recipient_id, outbox_id, message in found:
            chat: ChatAddress | None = None
            message_id: int | None = None
            if message is not None and message.state == DeliveryState.SENT and message.sent_message_id is not None:
                key = (
                    self._keys.system if message.account_id is None else await self._keys.usable_key(message.account_id)
                )
                if key is not None:
                    chat = ChatAddress.from_key(
                        OUTBOX.open_column(self._crypto, key, "chat", message.uid, message.chat)
                    )
                    message_id = message.sent_message_id
            copies.append(AlertCopy(recipient_id, outbox_id, chat, message_id))
        return copies

    # --- the transcript -----------------------------------------------------------------------------------
    async def add_line(
        self, handoff_id: UUID, client_id: UUID, *, from_client: bool, author_id: UUID, text: str, now: datetime
    ) -> None:
        row = RelayMessageRow(
            id=uuid4(),
            handoff_id=handoff_id,
            client_id=client_id,
            from_client=from_client,
            author_id=author_id,
            created_at=now,
        )
        RELAY.apply(self._crypto, await self._keys.for_account(client_id), row, {"text": text})
        self._session.add(row)
        await self._session.flush()

    async def transcript(self, handoff_id: UUID) -> list[RelayLine]:
        rows = (
            await self._session.scalars(
                select(RelayMessageRow)
                .where(RelayMessageRow.handoff_id == handoff_id)
                .order_by(RelayMessageRow.created_at, RelayMessageRow.id)
            )
        ).all()
        lines: list[RelayLine] = []
        for row in rows:
            key = await self._keys.usable_key(row.client_id)
            if key is not None:
                lines.append(RELAY.decode(self._crypto, key, row))
        return lines

    async def transcript_for_client(self, client_id: UUID) -> list[RelayLine]:
        """Every relayed line of every conversation of the client, oldest first (the client's data export)."""
        rows = (
            await self._session.scalars(
                select(RelayMessageRow)
                .where(RelayMessageRow.client_id == client_id)
                .order_by(RelayMessageRow.created_at, RelayMessageRow.id)
            )
        ).all()
        key = await self._keys.usable_key(client_id) if rows else None
        return [] if key is None else [RELAY.decode(self._crypto, key, row) for row in rows]
