"""The one place where row values are sealed on write and opened on read.

A `RecordSpec` ties a model to the frozen record the repositories return. It reads the column markers of
the model (`SEALED`, `BLIND_INDEX_OF`), so a repository only says which data key owns the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Table

from storage.crypto.aead import DataKey, FieldCipher, InvalidCiphertextError
from storage.crypto.blind_index import BlindIndexer
from storage.crypto.codecs import Codec
from storage.errors import CiphertextIntegrityError
from storage.models.base import BLIND_INDEX_NAME, BLIND_INDEX_OF, SEALED, Base

R = TypeVar("R")


@dataclass(frozen=True)
class FieldCrypto:
    """The process-wide tools: the field cipher and the blind indexer."""

    cipher: FieldCipher
    indexer: BlindIndexer

    def seal(self, key: DataKey, codec: Codec[Any], location: CipherLocation, value: Any) -> bytes | None:
        if value is None:
            return None
        return self.cipher.seal(key, codec.encode(value), location.associated_data)

    def open(self, key: DataKey, codec: Codec[Any], location: CipherLocation, sealed: bytes | None) -> Any:
        if sealed is None:
            return None
        try:
            return codec.decode(self.cipher.open(key, bytes(sealed), location.associated_data))
        except InvalidCiphertextError:
            raise CiphertextIntegrityError(location.table, location.column, location.row_id) from None

    def blind_index(self, index_name: str, value: str) -> bytes:
        return self.indexer.column(index_name).digest(value)


@dataclass(frozen=True)
class CipherLocation:
    """Where a ciphertext lives; its text is the associated data, so a moved ciphertext fails to open."""

    table: str
    column: str
    row_id: str

    @property
    def associated_data(self) -> bytes:
        return f"{self.table}:{self.column}:{self.row_id}".encode()


def row_id_text(value: object) -> str:
    return value.hex() if isinstance(value, bytes) else str(value)


class RecordSpec(Generic[R]):
    """How the rows of one model become records of one frozen dataclass, and changes become row values."""

    def __init__(self, model: type[Base], record: type[R], *, row_id: str) -> None:
        table = model.__table__
        assert isinstance(table, Table)
        self.table = table
        self.record = record
        self.row_id_column = row_id
        self.sealed: dict[str, Codec[Any]] = {
            column.name: column.info[SEALED] for column in table.columns if SEALED in column.info
        }
        self.blind_indexes: dict[str, tuple[str, str]] = {
            column.info[BLIND_INDEX_OF]: (column.name, column.info[BLIND_INDEX_NAME])
            for column in table.columns
            if BLIND_INDEX_OF in column.info
        }
        self.record_fields = [f.name for f in dataclasses.fields(record)]  # type: ignore[arg-type]
        unknown = set(self.record_fields) - set(table.columns.keys())
        self.derived_fields = unknown

    def location(self, column: str, row_id: object) -> CipherLocation:
        return CipherLocation(self.table.name, column, row_id_text(row_id))

    def encode(self, crypto: FieldCrypto, key: DataKey, row_id: object, values: Mapping[str, Any]) -> dict[str, Any]:
        """Column values for `values` (plain, by column name): sealed and blind-indexed where marked."""
        encoded: dict[str, Any] = {}
        for name, value in values.items():
            if name not in self.table.columns:
                raise AttributeError(f"{self.table.name} has no column {name}")
            codec = self.sealed.get(name)
            if codec is None:
                encoded[name] = value
                continue
            encoded[name] = crypto.seal(key, codec, self.location(name, row_id), value)
            index = self.blind_indexes.get(name)
            if index is not None:
                index_column, index_name = index
                encoded[index_column] = None if value is None else crypto.blind_index(index_name, value)
        return encoded

    def apply(self, crypto: FieldCrypto, key: DataKey, row: Base, values: Mapping[str, Any]) -> None:
        """Write plain `values` into an ORM row, sealing and indexing where marked."""
        row_id = getattr(row, self.row_id_column)
        for name, value in self.encode(crypto, key, row_id, values).items():
            setattr(row, name, value)

    def decode(self, crypto: FieldCrypto, key: DataKey | None, row: Any, **extra: Any) -> R:
        """The record of a row (ORM object or Core row); sealed columns are opened with `key`."""
        row_id = getattr(row, self.row_id_column)
        values: dict[str, Any] = {}
        for name in self.record_fields:
            if name in self.derived_fields or name in extra:
                continue
            raw = getattr(row, name)
            codec = self.sealed.get(name)
            if codec is None:
                values[name] = raw
            elif raw is None:
                values[name] = None
            else:
                if key is None:
                    raise ValueError("a data key is needed to open sealed columns")
                values[name] = crypto.open(key, codec, self.location(name, row_id), raw)
        values.update(extra)
        return self.record(**values)

    def open_column(self, crypto: FieldCrypto, key: DataKey, column: str, row_id: object, raw: bytes | None) -> Any:
        return crypto.open(key, self.sealed[column], self.location(column, row_id), raw)

    def seal_column(self, crypto: FieldCrypto, key: DataKey, column: str, row_id: object, value: Any) -> bytes | None:
        return crypto.seal(key, self.sealed[column], self.location(column, row_id), value)
