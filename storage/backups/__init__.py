"""Backups and restores of the database (SQLite online backup, pg_dump/pg_restore) and key-backup checks."""

from storage.backups.errors import BackupError
from storage.backups.fingerprints import KeyBackupCheck, KeyBackupState, KeyFingerprints, check_key_backup
from storage.backups.manifest import BackupManifest, read_manifest
from storage.backups.operations import BackupResult, RestoreResult, create_backup, prune_backups, restore_backup

__all__ = [
    "BackupError",
    "BackupManifest",
    "BackupResult",
    "KeyBackupCheck",
    "KeyBackupState",
    "KeyFingerprints",
    "RestoreResult",
    "check_key_backup",
    "create_backup",
    "prune_backups",
    "read_manifest",
    "restore_backup",
]
