"""Acquisition channels: the codes of the agency's `/start` deep links, the channel each client came through,
and what each channel brought in a period (new clients, registered clients, introductions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import func, select, union_all

from storage.models.clients import ClientProfileRow
from storage.models.finance import AcquisitionChannelRow, ClientChannelRow
from storage.models.matching import IntroductionRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

REGISTERED = ("active", "paused")


@dataclass(frozen=True)
class Channel:
    id: int
    code: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Brought:
    """What one channel brought: clients who came through it in the period, how many of them registered, and
    how many introductions they have had."""

    new_clients: int
    registered: int
    introductions: int


def _channel(row: AcquisitionChannelRow) -> Channel:
    return Channel(row.id, row.code, row.name, row.created_at)


class ChannelsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> ChannelsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def create(self, code: str, name: str, *, created_by: UUID | None, now: datetime) -> Channel:
        row = AcquisitionChannelRow(code=code, name=name, created_by=created_by, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return _channel(row)

    async def by_code(self, code: str) -> Channel | None:
        row = await self._session.scalar(select(AcquisitionChannelRow).where(AcquisitionChannelRow.code == code))
        return None if row is None else _channel(row)

    async def get(self, channel_id: int) -> Channel | None:
        row = await self._session.get(AcquisitionChannelRow, channel_id)
        return None if row is None else _channel(row)

    async def all(self) -> list[Channel]:
        rows = await self._session.scalars(select(AcquisitionChannelRow).order_by(AcquisitionChannelRow.code))
        return [_channel(row) for row in rows.all()]

    async def record_client(self, client_id: UUID, channel_id: int, *, day: date) -> bool:
        """The channel a client came through; the first one recorded stays (False when one was there)."""
        if await self._session.get(ClientChannelRow, client_id) is not None:
            return False
        self._session.add(ClientChannelRow(client_id=client_id, channel_id=channel_id, recorded_on=day))
        await self._session.flush()
        return True

    async def channel_of(self, client_id: UUID) -> int | None:
        row = await self._session.get(ClientChannelRow, client_id)
        return None if row is None else row.channel_id

    async def brought(self, start: date, end: date) -> dict[int, Brought]:
        """Per channel: clients recorded in [start, end), how many of them registered, their introductions."""
        clients = (
            select(ClientChannelRow.client_id, ClientChannelRow.channel_id)
            .where(ClientChannelRow.recorded_on >= start, ClientChannelRow.recorded_on < end)
            .subquery()
        )
        new = await self._session.execute(select(clients.c.channel_id, func.count()).group_by(clients.c.channel_id))
        registered = await self._session.execute(
            select(clients.c.channel_id, func.count())
            .join(ClientProfileRow, ClientProfileRow.account_id == clients.c.client_id)
            .where(ClientProfileRow.status.in_(REGISTERED))
            .group_by(clients.c.channel_id)
        )
        parties = union_all(
            select(IntroductionRow.first_id.label("client_id")), select(IntroductionRow.second_id.label("client_id"))
        ).subquery()
        introduced = await self._session.execute(
            select(clients.c.channel_id, func.count())
            .join(parties, parties.c.client_id == clients.c.client_id)
            .group_by(clients.c.channel_id)
        )
        counts: dict[int, list[int]] = {}
        for position, result in enumerate((new, registered, introduced)):
            for row in result.all():
                counts.setdefault(int(row[0]), [0, 0, 0])[position] = int(row[1])
        return {channel_id: Brought(*values) for channel_id, values in counts.items()}
