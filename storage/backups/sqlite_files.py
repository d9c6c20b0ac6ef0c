"""SQLite: copies through SQLite's online backup API, consistent while the bot keeps writing.

The backup copies every page in one step inside one read transaction. In WAL mode (how the bot opens the
database) a reader never blocks the writers and always sees one committed state, so the copy is the
database as it was at one instant: no torn transaction, whatever the bot writes meanwhile. The copy is
switched to the rollback journal (one self-contained file), checked with `PRAGMA integrity_check`, made
mode 0600 and renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from storage.backups.errors import BackupError

BUSY_TIMEOUT_SECONDS = 30.0


@contextlib.contextmanager
def _connected(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def copy_database(source: Path, destination: Path) -> None:
    """Copy the SQLite database `source` to the new file `destination` (which must not exist)."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    if destination.exists():
        raise BackupError(f"{destination} exists already; give a new name or move it away")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with _connected(source) as reading, _connected(partial) as writing:
            reading.backup(writing)  # pages=-1: all pages in one step, one snapshot
            writing.execute("PRAGMA journal_mode = DELETE")
            verdict = writing.execute("PRAGMA integrity_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise BackupError(f"the copy of {source} failed its integrity check")
        os.chmod(partial, 0o600)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def describe(database_file: Path) -> tuple[str | None, tuple[str, ...]]:
    """The schema revision of a SQLite file and the master key ids wrapping its live data keys."""
    try:
        with _connected(database_file) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = None if row is None else str(row[0])
            key_ids: tuple[str, ...] = ()
            if "data_keys" in tables:
                key_ids = tuple(
                    str(row[0])
                    for row in connection.execute(
                        "SELECT DISTINCT master_key_id FROM data_keys WHERE wrapped_key IS NOT NULL ORDER BY 1"
                    )
                )
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read {database_file} as SQLite: {exc}") from None
    return revision, key_ids


def database_in_use(database_file: Path) -> bool:
    """Whether the target of a restore already has a database (or its write-ahead log)."""
    return any(Path(f"{database_file}{suffix}").exists() for suffix in ("", "-wal", "-journal"))
