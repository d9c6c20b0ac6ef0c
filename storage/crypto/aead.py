"""Field encryption: AES-256-GCM under a per-account data key, bound to `table:column:row-id`."""

from __future__ import annotations

import os
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
FORMAT_AES_GCM_V1 = 0x01
PAD_BLOCK = 16


class InvalidCiphertextError(Exception):
    """Internal: authentication failed. Callers translate it into `CiphertextIntegrityError` with names."""


class DataKey:
    """An unwrapped data key. Lives in memory for one unit of work (the system key: for the process)."""

    __slots__ = ("aead", "key_id", "secret")

    def __init__(self, key_id: UUID, secret: bytes) -> None:
        if len(secret) != DATA_KEY_SIZE:
            raise ValueError("a data key is 32 bytes")
        self.key_id = key_id
        self.secret = secret
        self.aead = AESGCM(secret)

    def __repr__(self) -> str:
        return f"DataKey({self.key_id})"

    @classmethod
    def generate(cls, key_id: UUID) -> DataKey:
        return cls(key_id, AESGCM.generate_key(bit_length=DATA_KEY_SIZE * 8))


class FieldCipher(Protocol):
    """Turns a field's plaintext into stored bytes and back; `open` raises `InvalidCiphertextError`."""

    def seal(self, key: DataKey, plaintext: bytes, associated_data: bytes) -> bytes: ...

    def open(self, key: DataKey, sealed: bytes, associated_data: bytes) -> bytes: ...


class AesGcmFieldCipher:
    """The production cipher.

    Stored form: ``0x01 | nonce (12) | AES-GCM(padded plaintext) with tag (16)``. The plaintext is padded
    to a multiple of 16 bytes (ISO/IEC 7816-4) so that lengths leak only coarsely. The random 96-bit nonce
    is safe for far more messages than one account's data key will ever see.
    """

    def seal(self, key: DataKey, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        body = key.aead.encrypt(nonce, _pad(plaintext), associated_data)
        return bytes((FORMAT_AES_GCM_V1,)) + nonce + body

    def open(self, key: DataKey, sealed: bytes, associated_data: bytes) -> bytes:
        if len(sealed) < 1 + NONCE_SIZE + TAG_SIZE or sealed[0] != FORMAT_AES_GCM_V1:
            raise InvalidCiphertextError
        nonce = sealed[1 : 1 + NONCE_SIZE]
        try:
            padded = key.aead.decrypt(nonce, sealed[1 + NONCE_SIZE :], associated_data)
        except InvalidTag:
            raise InvalidCiphertextError from None
        return _unpad(padded)


def _pad(plaintext: bytes) -> bytes:
    padding = PAD_BLOCK - (len(plaintext) + 1) % PAD_BLOCK
    if padding == PAD_BLOCK:
        padding = 0
    return plaintext + b"\x80" + bytes(padding)


def _unpad(padded: bytes) -> bytes:
    end = padded.rfind(b"\x80")
    if end < 0 or padded[end + 1 :].strip(b"\x00"):
        raise InvalidCiphertextError
    return padded[:end]
