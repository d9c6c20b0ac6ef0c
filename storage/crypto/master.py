"""Wrapping data keys under master keys (AES-256-GCM, bound to the data key's row id and master key id)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.crypto.aead import NONCE_SIZE
from storage.keys import MasterKey


class UnwrapError(Exception):
    """Internal: a wrapped data key names an unknown master key or does not authenticate under it."""


class MasterKeyRing:
    """The configured master keys, newest first; the newest wraps, any of them unwraps."""

    def __init__(self, keys: Sequence[MasterKey]) -> None:
        if not keys:
            raise ValueError("at least one master key is needed")
        self._keys = list(keys)
        self._aeads = {key.key_id: AESGCM(key.secret) for key in keys}

    @property
    def newest_id(self) -> str:
        return self._keys[0].key_id

    def wrap(self, data_key_id: UUID, secret: bytes) -> tuple[str, bytes]:
        """Wrap under the newest key; returns (master key id, nonce | ciphertext | tag)."""
        master_key_id = self.newest_id
        nonce = os.urandom(NONCE_SIZE)
        wrapped = self._aeads[master_key_id].encrypt(nonce, secret, _context(data_key_id, master_key_id))
        return master_key_id, nonce + wrapped

    def unwrap(self, master_key_id: str, data_key_id: UUID, wrapped: bytes) -> bytes:
        aead = self._aeads.get(master_key_id)
        if aead is None:
            raise UnwrapError
        try:
            return aead.decrypt(wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], _context(data_key_id, master_key_id))
        except InvalidTag:
            raise UnwrapError from None


def _context(data_key_id: UUID, master_key_id: str) -> bytes:
    return f"data_keys:wrapped_key:{data_key_id}:{master_key_id}".encode()
