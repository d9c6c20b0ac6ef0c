"""Key fingerprints: which keys a backup needs, and whether a kept copy of the key file holds them.

A fingerprint is the first 16 hex digits of SHA-256 over a fixed label and the key: it tells keys apart
without revealing them. Backups record the fingerprints of the keys that were configured when they were
made; they never contain a key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from storage.errors import KeyConfigError
from storage.keys import KeyFile, KeyMaterial

_LABEL = b"yuelao key fingerprint v1\x00"


def key_fingerprint(secret: bytes) -> str:
    return hashlib.sha256(_LABEL + secret).hexdigest()[:16]


@dataclass(frozen=True)
class KeyFingerprints:
    """Master key id -> fingerprint (newest first) and the blind-index key's fingerprint."""

    master: dict[str, str]
    blind_index: str

    @classmethod
    def of(cls, keys: KeyMaterial) -> KeyFingerprints:
        return cls(
            {key.key_id: key_fingerprint(key.secret) for key in keys.master_keys},
            key_fingerprint(keys.blind_index_key),
        )

    def to_json(self) -> dict[str, object]:
        return {"master": dict(self.master), "blind_index": self.blind_index}

    @classmethod
    def from_json(cls, content: object) -> KeyFingerprints:
        if not isinstance(content, dict):
            raise ValueError("key fingerprints: expected an object")
        master = content.get("master")
        blind = content.get("blind_index")
        if not isinstance(master, dict) or not isinstance(blind, str):
            raise ValueError("key fingerprints: expected master and blind_index")
        return cls({str(k): str(v) for k, v in master.items()}, blind)

    def describe(self) -> str:
        masters = ", ".join(f"{key_id}={value}" for key_id, value in self.master.items())
        return f"master {masters}; blind index {self.blind_index}"


class KeyBackupState(StrEnum):
    MATCHES = "matches"  # the copy holds every configured key
    STALE = "stale"  # the copy lacks a master key added since (a rotation): back it up again
    DIFFERENT = "different"  # the copy holds other keys: it cannot read this database
    MISSING = "missing"  # no file at that path
    UNREADABLE = "unreadable"  # not a Yuelao key file


@dataclass(frozen=True)
class KeyBackupCheck:
    state: KeyBackupState
    path: Path
    missing_master_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.state is KeyBackupState.MATCHES


def check_key_backup(current: KeyFingerprints, copy: Path) -> KeyBackupCheck:
    """Compare a kept copy of the key file (format yuelao-keys/1) with the configured keys, by fingerprint."""
    if not copy.is_file():
        return KeyBackupCheck(KeyBackupState.MISSING, copy)
    try:
        master_keys, blind_key = KeyFile(copy).load_or_generate(need_master=False, need_blind_index=False)
    except KeyConfigError:
        return KeyBackupCheck(KeyBackupState.UNREADABLE, copy)
    kept = {key.key_id: key_fingerprint(key.secret) for key in master_keys}
    if not blind_key or key_fingerprint(blind_key) != current.blind_index:
        return KeyBackupCheck(KeyBackupState.DIFFERENT, copy)
    if any(key_id in kept and kept[key_id] != value for key_id, value in current.master.items()):
        return KeyBackupCheck(KeyBackupState.DIFFERENT, copy)
    missing = tuple(key_id for key_id in current.master if key_id not in kept)
    if len(missing) == len(current.master):
        return KeyBackupCheck(KeyBackupState.DIFFERENT, copy, missing)
    if missing:
        return KeyBackupCheck(KeyBackupState.STALE, copy, missing)
    return KeyBackupCheck(KeyBackupState.MATCHES, copy)
