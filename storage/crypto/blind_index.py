"""Blind indexes: HMAC-SHA256 under a key per column, derived with HKDF from BLIND_INDEX_KEY.

An index lets us find a row by an exact value (a Telegram id, a phone number) without storing the value.
Separate keys per column mean equal values in two columns do not produce equal indexes.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INDEX_SIZE = 32

ACCOUNT_EXTERNAL_ID = "accounts.external_id"
CLIENT_PHONE = "client_profiles.phone"
FSM_STORAGE_KEY = "fsm_states.key"


class BlindIndex:
    """The index function of one column."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)  # keyed once; each digest starts from a copy

    def digest(self, value: str) -> bytes:
        mac = self._keyed.copy()
        mac.update(value.encode("utf-8"))
        return mac.digest()


class BlindIndexer:
    """Derives and caches the per-column index functions."""

    def __init__(self, root_key: bytes) -> None:
        self._root_key = root_key
        self._columns: dict[str, BlindIndex] = {}

    def column(self, name: str) -> BlindIndex:
        index = self._columns.get(name)
        if index is None:
            derived = HKDF(
                algorithm=hashes.SHA256(),
                length=INDEX_SIZE,
                salt=None,
                info=b"yuelao blind index v1:" + name.encode("utf-8"),
            ).derive(self._root_key)
            index = self._columns[name] = BlindIndex(derived)
        return index
