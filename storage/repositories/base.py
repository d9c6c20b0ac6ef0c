"""What every repository is built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncSession

from storage.data_keys import DataKeyRing
from storage.sealing import FieldCrypto


@dataclass(frozen=True)
class RepositoryContext:
    session: AsyncSession
    keys: DataKeyRing
    crypto: FieldCrypto


class Repository:
    def __init__(self, context: RepositoryContext) -> None:
        self._context = context
        self._session = context.session
        self._keys = context.keys
        self._crypto = context.crypto

    @property
    def _dialect_name(self) -> str:
        return self._session.get_bind().dialect.name

    async def _execute_dml(self, statement: Executable) -> int:
        """Run an UPDATE/DELETE and return how many rows it touched."""
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return result.rowcount
