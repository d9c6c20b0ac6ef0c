"""The manifest written next to each backup file: what it holds and which keys read it (never the keys)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.backups.errors import BackupError
from storage.backups.fingerprints import KeyFingerprints

MANIFEST_FORMAT = "yuelao-backup/1"
MANIFEST_SUFFIX = ".json"


@dataclass(frozen=True)
class BackupManifest:
    created_at: datetime
    engine: str  # "sqlite" or "postgresql"
    file_name: str
    size: int
    sha256: str
    schema_revision: str | None
    master_key_ids_used: tuple[str, ...]  # the master keys wrapping live data keys in this backup
    keys: KeyFingerprints  # the keys configured when it was made

    def to_json(self) -> dict[str, object]:
        return {
            "format": MANIFEST_FORMAT,
            "created_at": self.created_at.isoformat(),
            "engine": self.engine,
            "file": self.file_name,
            "size": self.size,
            "sha256": self.sha256,
            "schema_revision": self.schema_revision,
            "master_key_ids_used": list(self.master_key_ids_used),
            "key_fingerprints": self.keys.to_json(),
            "note": "Holds ciphertext only. Restoring it needs the keys with these fingerprints; they are not here.",
        }

    @classmethod
    def from_json(cls, content: object) -> BackupManifest:
        if not isinstance(content, dict) or content.get("format") != MANIFEST_FORMAT:
            raise ValueError("not a Yuelao backup manifest")
        revision = content.get("schema_revision")
        return cls(
            created_at=datetime.fromisoformat(str(content["created_at"])),
            engine=str(content["engine"]),
            file_name=str(content["file"]),
            size=int(content["size"]),
            sha256=str(content["sha256"]),
            schema_revision=None if revision is None else str(revision),
            master_key_ids_used=tuple(str(key_id) for key_id in content.get("master_key_ids_used", [])),
            keys=KeyFingerprints.from_json(content.get("key_fingerprints")),
        )


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_suffix(MANIFEST_SUFFIX)


def write_manifest(backup_file: Path, manifest: BackupManifest) -> Path:
    path = manifest_path(backup_file)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def read_manifest(backup_file: Path) -> BackupManifest | None:
    """The backup's manifest, or None when there is none; BackupError when it is unreadable."""
    path = manifest_path(backup_file)
    if not path.exists():
        return None
    try:
        return BackupManifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"the manifest {path} is unreadable or not a Yuelao backup manifest") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
