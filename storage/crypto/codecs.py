"""How plain values become bytes before encryption, and back."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Codec(Protocol, Generic[T]):
    def encode(self, value: T) -> bytes: ...

    def decode(self, raw: bytes) -> T: ...


class TextCodec:
    def encode(self, value: str) -> bytes:
        if not isinstance(value, str):
            raise TypeError("expected text")
        return value.encode("utf-8")

    def decode(self, raw: bytes) -> str:
        return raw.decode("utf-8")


class DateCodec:
    def encode(self, value: date) -> bytes:
        if not isinstance(value, date):
            raise TypeError("expected a date")
        return value.isoformat().encode("ascii")

    def decode(self, raw: bytes) -> date:
        return date.fromisoformat(raw.decode("ascii"))


class JsonCodec:
    """Any JSON value (FSM data: dicts of JSON values)."""

    def encode(self, value: Any) -> bytes:
        try:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        except (TypeError, ValueError):
            raise TypeError("only JSON-serialisable values can be stored here") from None

    def decode(self, raw: bytes) -> Any:
        return json.loads(raw.decode("utf-8"))


TEXT = TextCodec()
DATE = DateCodec()
JSON_VALUE = JsonCodec()
