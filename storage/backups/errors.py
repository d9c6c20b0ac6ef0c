"""The one error of backups and restores: its message says what to do, in one line."""

from __future__ import annotations

from storage.errors import StorageError


class BackupError(StorageError):
    """A backup or restore cannot be made; nothing half-written is left behind."""
