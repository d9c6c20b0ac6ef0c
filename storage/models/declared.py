"""Columns made from a declaration in `domain.profile`: one field, one column, as its declaration says.

A sealed field becomes a ciphertext column (see `SEALED` in storage/models/base.py) opened with the codec of
its type; a clear one a plain column of its type: text of its declared length, integers, booleans, aware UTC
timestamps, lists of codes as JSON. A field may be NULL exactly when its type admits None.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Integer, String
from sqlalchemy.types import TypeEngine

from domain.profile import Clear, DeclaredField, declared_fields
from storage.crypto.codecs import DATE, TEXT, Codec
from storage.models.base import sealed_column
from storage.types import UTCDateTime, json_column_type

SEALED_CODECS: dict[object, Codec[Any]] = {str: TEXT, date: DATE}


def declared_columns(declaration: type, *, indexed: Collection[str] = ()) -> list[Column[Any]]:
    """The columns of every field of `declaration`, in its order; the clear ones named in `indexed` get an index."""
    return [declared_column(item, index=item.name in indexed) for item in declared_fields(declaration)]


def declared_column(item: DeclaredField, *, index: bool = False) -> Column[Any]:
    """The column of one declared field."""
    if isinstance(item.kept, Clear):
        return Column(item.name, clear_type(item, item.kept), nullable=item.nullable, index=index or None)
    if index:
        raise ValueError(f"a ciphertext column cannot be searched by an index (field {item.name})")
    codec = SEALED_CODECS.get(item.type)
    if codec is None:
        raise TypeError(f"no codec seals a {item.type} (field {item.name})")
    return sealed_column(item.name, codec, nullable=item.nullable)


def clear_type(item: DeclaredField, kept: Clear) -> TypeEngine[Any]:
    """The column type of a clear field."""
    if item.type is str:
        if kept.length is None:
            raise TypeError(f"the clear text field {item.name} needs a length")
        return String(kept.length)
    if kept.length is not None:
        raise TypeError(f"only text has a length (field {item.name})")
    if item.type == list[str]:
        return json_column_type()
    simple: dict[object, TypeEngine[Any]] = {int: Integer(), bool: Boolean(), datetime: UTCDateTime()}
    if item.type not in simple:
        raise TypeError(f"no clear column type for {item.type} (field {item.name})")
    return simple[item.type]
