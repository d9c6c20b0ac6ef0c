"""The declarative base, the constraint naming convention and the column helpers every model uses.

Column markers (in `Column.info`), read by the generic record mapper and by crypto-shredding:
- `SEALED`: the column holds a ciphertext of a plain value, encoded with the given codec and encrypted
  under the owner's data key with associated data `table:column:row-id`.
- `BLIND_INDEX_OF`: the column holds the blind index of the named sealed column, kept in step on write.
- `SHRED_WITH_ACCOUNT`: on a column referencing an account, True means "the row is that account's data
  and is deleted when the account is crypto-shredded"; False means "a reference only, keep the row".
  Every foreign key to `accounts.id` must say which (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import CheckConstraint, Column, ForeignKey, LargeBinary, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, MappedColumn, mapped_column

from storage.crypto.blind_index import INDEX_SIZE
from storage.crypto.codecs import Codec
from storage.types import UTCDateTime

SEALED = "yuelao.sealed"
BLIND_INDEX_OF = "yuelao.blind_index_of"
BLIND_INDEX_NAME = "yuelao.blind_index_name"
SHRED_WITH_ACCOUNT = "yuelao.shred_with_account"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), UUID: Uuid()}


def sealed(codec: Codec[Any], *, nullable: bool = True) -> MappedColumn[Any]:
    """An encrypted column (see `SEALED`)."""
    return mapped_column(LargeBinary, nullable=nullable, info={SEALED: codec})


def sealed_column(name: str, codec: Codec[Any], *, nullable: bool = True) -> Column[bytes]:
    """`sealed` as a Core column of its own name (for columns made from a declaration, storage/models/declared.py)."""
    return Column(name, LargeBinary, nullable=nullable, info={SEALED: codec})


def blind_index_of(column: str, index_name: str, *, unique: bool = False, index: bool = True) -> MappedColumn[Any]:
    """The blind index of the sealed column `column`, computed with the HKDF-derived key `index_name`."""
    return mapped_column(
        LargeBinary(INDEX_SIZE),
        nullable=True,
        index=index and not unique,
        unique=unique or None,
        info={BLIND_INDEX_OF: column, BLIND_INDEX_NAME: index_name},
    )


def account_reference(
    *,
    shred_with_account: bool,
    nullable: bool = False,
    primary_key: bool = False,
    unique: bool = False,
    target: str = "accounts.id",
) -> MappedColumn[Any]:
    """A foreign key to an account (or a 1:1 child of one), saying whether shredding deletes the row."""
    return mapped_column(
        Uuid(),
        ForeignKey(target),
        nullable=nullable,
        primary_key=primary_key,
        index=not primary_key and not unique,
        unique=unique or None,
        info={SHRED_WITH_ACCOUNT: shred_with_account},
    )


def choice_check(column: str, choices: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint limiting a code column to its choices (NULL allowed where nullable)."""
    quoted = ", ".join(f"'{choice}'" for choice in choices)
    return f"{column} IN ({quoted})"


def choice_checks(choices: Mapping[str, tuple[str, ...]]) -> list[CheckConstraint]:
    """One CHECK constraint per code column, named after the column."""
    return [CheckConstraint(choice_check(column, codes), name=column) for column, codes in choices.items()]
