"""Master keys and the blind-index key: where they come from and how they are written down.

Settings (production):
    ENCRYPTION_KEYS  comma-separated ``id:base64url(32 bytes)``, newest first, e.g.
                     ``k2026b:9Yk...,k2026a:Qm3...``. The newest wraps new data keys; the older ones stay
                     until `rotate_keys` reports nothing left on them.
    BLIND_INDEX_KEY  base64url of at least 32 random bytes. Long-lived: changing it orphans every index.

Embedded default: when a setting is unset, the missing key(s) come from ``DATA_DIR/keys.json``, which is
generated on first use with mode 0600 and announced by a WARNING line: it must be backed up, because
without it the database cannot be read.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.errors import KeyConfigError

logger = logging.getLogger(__name__)

MASTER_KEY_SIZE = 32
MIN_BLIND_INDEX_KEY_SIZE = 32
DERIVED_KEY_SIZE = 32
KEY_FILE_NAME = "keys.json"
KEY_FILE_FORMAT = "yuelao-keys/1"
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True)
class MasterKey:
    """One key-encryption key: wraps the per-account data keys. `secret` never appears in repr."""

    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not KEY_ID_PATTERN.match(self.key_id):
            raise KeyConfigError("a master key id must be 1-40 characters of A-Z a-z 0-9 _ . -")
        if len(self.secret) != MASTER_KEY_SIZE:
            raise KeyConfigError(f"master key {self.key_id} must be {MASTER_KEY_SIZE} bytes")

    def encoded(self) -> str:
        """The ``id:base64url`` form used by ENCRYPTION_KEYS and the key file."""
        return f"{self.key_id}:{b64encode(self.secret)}"


@dataclass(frozen=True)
class KeyMaterial:
    """Everything the storage layer needs to encrypt: master keys (newest first) and the blind-index key."""

    master_keys: list[MasterKey]
    blind_index_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not self.master_keys:
            raise KeyConfigError("ENCRYPTION_KEYS: at least one master key is needed")
        ids = [key.key_id for key in self.master_keys]
        if len(set(ids)) != len(ids):
            raise KeyConfigError("ENCRYPTION_KEYS: key ids must be distinct")
        if len(self.blind_index_key) < MIN_BLIND_INDEX_KEY_SIZE:
            raise KeyConfigError(f"BLIND_INDEX_KEY: must be at least {MIN_BLIND_INDEX_KEY_SIZE} bytes")

    @property
    def newest(self) -> MasterKey:
        return self.master_keys[0]

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for another component (e.g. "webchat-files"), stable across restarts.

        Derived with HKDF from the blind-index key, which is long-lived, so rotating master keys does not
        change it; distinct purposes give independent keys.
        """
        if not purpose:
            raise ValueError("a purpose is needed")
        return HKDF(
            algorithm=hashes.SHA256(),
            length=DERIVED_KEY_SIZE,
            salt=None,
            info=b"yuelao derived key v1:" + purpose.encode(),
        ).derive(self.blind_index_key)


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    """Strict base64url (padding optional); raises ValueError on anything else."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except binascii.Error:
        raise ValueError("not base64url") from None


def generate_master_key(key_id: str | None = None) -> MasterKey:
    """A fresh random master key; the id defaults to ``k`` and 8 random hex digits."""
    return MasterKey(key_id or f"k{secrets.token_hex(4)}", secrets.token_bytes(MASTER_KEY_SIZE))


def parse_encryption_keys(value: str) -> list[MasterKey]:
    """Parse ENCRYPTION_KEYS (``id:base64url,...``, newest first). Messages never echo key material."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if not entries:
        raise KeyConfigError("ENCRYPTION_KEYS: expected id:base64url(32 bytes), comma-separated, newest first")
    keys: list[MasterKey] = []
    for number, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id:
            raise KeyConfigError(f"ENCRYPTION_KEYS: entry {number} is not of the form id:base64url(32 bytes)")
        try:
            secret = b64decode(encoded)
        except ValueError:
            raise KeyConfigError(f"ENCRYPTION_KEYS: entry {number} is not valid base64url") from None
        if len(secret) != MASTER_KEY_SIZE:
            raise KeyConfigError(
                f"ENCRYPTION_KEYS: entry {number} decodes to {len(secret)} bytes, expected {MASTER_KEY_SIZE}"
            )
        try:
            keys.append(MasterKey(key_id, secret))
        except KeyConfigError as exc:
            raise KeyConfigError(f"ENCRYPTION_KEYS: entry {number}: {exc}") from None
    return keys


def parse_blind_index_key(value: str) -> bytes:
    try:
        key = b64decode(value)
    except ValueError:
        raise KeyConfigError("BLIND_INDEX_KEY: not valid base64url") from None
    if len(key) < MIN_BLIND_INDEX_KEY_SIZE:
        raise KeyConfigError(f"BLIND_INDEX_KEY: must decode to at least {MIN_BLIND_INDEX_KEY_SIZE} bytes")
    return key


def load_key_material(encryption_keys: str | None, blind_index_key: str | None, data_dir: Path) -> KeyMaterial:
    """Key material from the settings, falling back to (and if needed generating) ``DATA_DIR/keys.json``."""
    env_master = (
        parse_encryption_keys(encryption_keys) if encryption_keys is not None and encryption_keys.strip() else None
    )
    env_blind = parse_blind_index_key(blind_index_key) if blind_index_key and blind_index_key.strip() else None
    if env_master is not None and env_blind is not None:
        return KeyMaterial(env_master, env_blind)

    key_file = KeyFile(data_dir / KEY_FILE_NAME)
    master_keys, blind_key = key_file.load_or_generate(
        need_master=env_master is None, need_blind_index=env_blind is None
    )
    return KeyMaterial(
        env_master if env_master is not None else master_keys,
        env_blind if env_blind is not None else blind_key,
    )


def add_master_key_to_file(data_dir: Path, key_id: str | None = None) -> MasterKey:
    """Prepend a new master key to the key file (embedded deployments), ready for `rotate_keys`."""
    key_file = KeyFile(data_dir / KEY_FILE_NAME)
    master_keys, blind_key = key_file.load_or_generate(need_master=True, need_blind_index=True)
    new_key = generate_master_key(key_id)
    if any(key.key_id == new_key.key_id for key in master_keys):
        raise KeyConfigError(f"key file already holds a master key with id {new_key.key_id}")
    key_file.write([new_key, *master_keys], blind_key)
    logger.warning(
        "Added master key %s to %s; back up this file again before rotating keys.", new_key.key_id, key_file.path
    )
    return new_key


class KeyFile:
    """The generated key file of embedded deployments (JSON, mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load_or_generate(self, *, need_master: bool, need_blind_index: bool) -> tuple[list[MasterKey], bytes]:
        master_keys, blind_key = self._read() if self.path.exists() else ([], b"")
        generated: list[str] = []
        if need_master and not master_keys:
            master_keys = [generate_master_key()]
            generated.append("master key")
        if need_blind_index and not blind_key:
            blind_key = secrets.token_bytes(MIN_BLIND_INDEX_KEY_SIZE)
            generated.append("blind-index key")
        if generated:
            self.write(master_keys, blind_key)
            logger.warning(
                "GENERATED NEW ENCRYPTION KEYS (%s) in %s (mode 0600). BACK UP THIS FILE NOW: without it the "
                "database cannot be decrypted. In production set ENCRYPTION_KEYS and BLIND_INDEX_KEY instead.",
                " and ".join(generated),
                self.path.resolve(),
            )
        else:
            logger.info("Using encryption keys from %s; keep a backup of it.", self.path.resolve())
        return master_keys, blind_key

    def _read(self) -> tuple[list[MasterKey], bytes]:
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            logger.warning("Key file %s is readable by others (mode %o); run chmod 600 on it.", self.path, mode)
        try:
            content = json.loads(self.path.read_text(encoding="utf-8"))
            if content.get("format") != KEY_FILE_FORMAT:
                raise ValueError("unknown format")
            master_keys = [
                MasterKey(str(entry["id"]), b64decode(str(entry["key"]))) for entry in content["master_keys"]
            ]
            blind_text = content.get("blind_index_key")
            blind_key = b64decode(str(blind_text)) if blind_text else b""
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise KeyConfigError(f"key file {self.path} is unreadable or not a Yuelao key file") from None
        except KeyConfigError as exc:
            raise KeyConfigError(f"key file {self.path}: {exc}") from None
        return master_keys, blind_key

    def write(self, master_keys: list[MasterKey], blind_key: bytes) -> None:
        """Write atomically: a 0600 temporary file in the same directory, fsynced, then renamed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        content = {
            "format": KEY_FILE_FORMAT,
            "note": "Yuelao encryption keys. Back this file up; without it the database cannot be read.",
            "master_keys": [{"id": key.key_id, "key": b64encode(key.secret)} for key in master_keys],
            "blind_index_key": b64encode(blind_key) if blind_key else None,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
