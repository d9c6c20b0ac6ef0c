"""A client's photos: Telegram file ids (or web chat file references), sealed, in display order."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import bindparam, func, select

from storage.errors import NotFoundError
from storage.models.clients import PhotoRow
from storage.records import Photo
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

PHOTOS = RecordSpec(PhotoRow, Photo, row_id="id")
_TABLE = PHOTOS.table
_COUNT = select(func.count()).select_from(_TABLE).where(_TABLE.c.account_id == bindparam("account_id"))


class PhotosRepository(Repository):
    async def add(self, account_id: UUID, file_id: str, *, now: datetime) -> Photo:
        """Append a photo after the client's existing ones."""
        last = await self._session.scalar(select(func.max(PhotoRow.position)).where(PhotoRow.account_id == account_id))
        key = await self._keys.for_account(account_id)
        row = PhotoRow(id=uuid4(), account_id=account_id, position=(last or 0) + 1, created_at=now)
        PHOTOS.apply(self._crypto, key, row, {"file_id": file_id})
        self._session.add(row)
        await self._session.flush()
        return PHOTOS.decode(self._crypto, key, row)

    async def get(self, photo_id: UUID) -> Photo | None:
        row = await self._session.get(PhotoRow, photo_id)
        if row is None:
            return None
        return PHOTOS.decode(self._crypto, await self._keys.for_account(row.account_id), row)

    async def list_for(self, account_id: UUID) -> list[Photo]:
        rows = (
            await self._session.scalars(
                select(PhotoRow).where(PhotoRow.account_id == account_id).order_by(PhotoRow.position)
            )
        ).all()
        if not rows:
            return []
        key = await self._keys.for_account(account_id)
        return [PHOTOS.decode(self._crypto, key, row) for row in rows]

    async def count_for(self, account_id: UUID) -> int:
        count = await self._session.scalar(_COUNT, {"account_id": account_id})
        return int(count or 0)

    async def remove(self, photo_id: UUID) -> None:
        """Delete one photo; the ones after it move up."""
        row = await self._session.get(PhotoRow, photo_id)
        if row is None:
            raise NotFoundError("photo", photo_id)
        await self._session.delete(row)
        later = (
            await self._session.scalars(
                select(PhotoRow)
                .where(PhotoRow.account_id == row.account_id, PhotoRow.position > row.position)
                .order_by(PhotoRow.position)
            )
        ).all()
        for photo in later:
            photo.position -= 1
        await self._session.flush()
