"""Photos and documents of the web chat, encrypted at rest.

Each file is one file on disk named by a random token (also its Bot API `file_id`): a format tag, a 96-bit
random nonce and the AES-256-GCM ciphertext of a small JSON header (kind, type, name, size) followed by the
bytes. The token and the format tag are the associated data, so a file renamed to another token does not
decrypt. Nothing about the content, not even the file name, is readable on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("yuelao.webchat")

FileKind = Literal["photo", "document"]
KEY_BYTES = 32
_FORMAT = b"YLWF1"
_NONCE_BYTES = 12
_HEADER_LENGTH_BYTES = 4
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def is_token(value: object) -> bool:
    return isinstance(value, str) and bool(_TOKEN.match(value))


def unique_id(token: str) -> str:
    """A `file_unique_id` for a token: stable, but not usable to fetch or resend the file."""
    return hashlib.sha256(b"yuelao-webchat-unique:" + token.encode("ascii")).hexdigest()[:24]


@dataclass(frozen=True)
class StoredFile:
    token: str
    kind: FileKind
    content_type: str
    name: str | None
    data: bytes
    width: int | None = None
    height: int | None = None


class EncryptedFileStore:
    """Puts and gets files by token; blocking disk and cipher work runs in a worker thread."""

    def __init__(self, directory: Path, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the web chat file key must be {KEY_BYTES} bytes")
        self._directory = directory
        self._cipher = AESGCM(key)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    async def put(
        self,
        data: bytes,
        *,
        kind: FileKind,
        content_type: str,
        name: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> str:
        token = secrets.token_urlsafe(24)
        header: dict[str, object] = {"kind": kind, "type": content_type, "name": name, "width": width, "height": height}
        await asyncio.to_thread(self._write, token, header, data)
        return token

    async def get(self, token: str) -> StoredFile | None:
        """The file, or None when the token is malformed, unknown or its file does not decrypt."""
        if not is_token(token):
            return None
        return await asyncio.to_thread(self._read, token)

    def _path(self, token: str) -> Path:
        return self._directory / f"{token}.bin"

    def _write(self, token: str, header: dict[str, object], data: bytes) -> None:
        header_bytes = json.dumps(header, ensure_ascii=False).encode("utf-8")
        plaintext = len(header_bytes).to_bytes(_HEADER_LENGTH_BYTES, "big") + header_bytes + data
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = _FORMAT + nonce + self._cipher.encrypt(nonce, plaintext, _FORMAT + token.encode("ascii"))
        target = self._path(token)
        partial = target.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(sealed)
        partial.replace(target)

    def _read(self, token: str) -> StoredFile | None:
        try:
            sealed = self._path(token).read_bytes()
        except FileNotFoundError:
            return None
        if not sealed.startswith(_FORMAT):
            log.warning("webchat: a stored file has an unknown format")
            return None
        nonce = sealed[len(_FORMAT) : len(_FORMAT) + _NONCE_BYTES]
        try:
            plaintext = self._cipher.decrypt(
                nonce, sealed[len(_FORMAT) + _NONCE_BYTES :], _FORMAT + token.encode("ascii")
            )
        except InvalidTag:
            log.warning("webchat: a stored file does not decrypt with the current key")
            return None
        header_length = int.from_bytes(plaintext[:_HEADER_LENGTH_BYTES], "big")
        header = json.loads(plaintext[_HEADER_LENGTH_BYTES : _HEADER_LENGTH_BYTES + header_length])
        return StoredFile(
            token=token,
            kind="photo" if header["kind"] == "photo" else "document",
            content_type=str(header["type"]),
            name=header.get("name"),
            data=plaintext[_HEADER_LENGTH_BYTES + header_length :],
            width=header.get("width"),
            height=header.get("height"),
        )
