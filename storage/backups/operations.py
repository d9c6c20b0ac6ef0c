"""Making a backup of the configured database and restoring one into a fresh place.

    result = await create_backup(settings.effective_database_url, keys, Path("backups"), now=clock.now())
    restored = await restore_backup(result.file, "sqlite+aiosqlite:///new/yuelao.db", keys)

A backup is one file (`yuelao-<UTC time>.sqlite` or `.pgdump`) and its manifest (`.json`: schema revision,
size, SHA-256, the fingerprints of the keys that read it). It holds what the database holds: ciphertext for
every personal field, and the data keys wrapped by the master keys. The keys themselves are never copied:
without them a backup is unreadable, which is the point, so they must be kept elsewhere (docs/deploy.md).

A restore goes only into a new SQLite file or an empty PostgreSQL database, then checks that the configured
keys open what was restored (the master keys unwrap its data keys; the blind-index key has the fingerprint
the manifest recorded). Migrations are not run: the next start brings an older backup up to date.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from storage.backups import postgres_tools, sqlite_files
from storage.backups.errors import BackupError
from storage.backups.fingerprints import KeyFingerprints
from storage.backups.manifest import BackupManifest, file_sha256, read_manifest, write_manifest
from storage.crypto.master import MasterKeyRing
from storage.data_keys import verify_master_keys
from storage.engine import READ_ONLY_OPTIONS, create_engine, parse_url, sqlite_file
from storage.errors import MasterKeyMismatchError
from storage.keys import KeyMaterial
from storage.migrate import check_known_revision, head_revision

BACKUP_PREFIX = "yuelao-"
SQLITE_SUFFIX = ".sqlite"
POSTGRES_SUFFIX = ".pgdump"


@dataclass(frozen=True)
class BackupResult:
    file: Path
    manifest_file: Path
    manifest: BackupManifest


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    schema_revision: str | None
    head_revision: str
    manifest: BackupManifest | None  # None: the backup had no manifest, the blind-index key was not checked


def backup_name(now: datetime, engine: str) -> str:
    suffix = SQLITE_SUFFIX if engine == "sqlite" else POSTGRES_SUFFIX
    return f"{BACKUP_PREFIX}{now.strftime('%Y%m%dT%H%M%S')}Z{suffix}"


async def create_backup(
    url: str, keys: KeyMaterial, directory: Path, *, now: datetime, pg_bin: Path | None = None
) -> BackupResult:
    """Back up the database at `url` into `directory` (created when missing) and write the manifest."""
    parsed = parse_url(url)
    database_file = sqlite_file(parsed)
    engine = "sqlite" if database_file is not None else "postgresql"
    destination = directory / backup_name(now, engine)
    if database_file is not None:
        await asyncio.to_thread(sqlite_files.copy_database, database_file, destination)
        revision, key_ids = await asyncio.to_thread(sqlite_files.describe, destination)
    else:
        revision, key_ids = await _describe_postgres(url)
        await asyncio.to_thread(postgres_tools.dump, parsed, destination, pg_bin)
    manifest = BackupManifest(
        created_at=now,
        engine=engine,
        file_name=destination.name,
        size=destination.stat().st_size,
        sha256=await asyncio.to_thread(file_sha256, destination),
        schema_revision=revision,
        master_key_ids_used=key_ids,
        keys=KeyFingerprints.of(keys),
    )
    return BackupResult(destination, write_manifest(destination, manifest), manifest)


async def restore_backup(
    backup_file: Path, url: str, keys: KeyMaterial, *, pg_bin: Path | None = None
) -> RestoreResult:
    """Restore `backup_file` into the new SQLite file or the empty PostgreSQL database at `url`, then check
    that `keys` read it. Refuses a target that holds a database, a backup whose checksum does not match its
    manifest, and keys that cannot read it (the restored copy is then left for inspection)."""
    manifest = await asyncio.to_thread(_checked_manifest, backup_file, keys)
    parsed = parse_url(url)
    database_file = sqlite_file(parsed)
    if database_file is not None:
        if sqlite_files.database_in_use(database_file):
            raise BackupError(f"{database_file} exists: restore into a new data directory or move it away first")
        await asyncio.to_thread(sqlite_files.copy_database, backup_file, database_file)
    else:
        await _require_empty_postgres(parsed, url)
        await asyncio.to_thread(postgres_tools.restore, parsed, backup_file, pg_bin)
    revision = await _check_keys_open(url, keys)
    return RestoreResult(
        engine="sqlite" if database_file is not None else "postgresql",
        schema_revision=revision,
        head_revision=head_revision(),
        manifest=manifest,
    )


def _checked_manifest(backup_file: Path, keys: KeyMaterial) -> BackupManifest | None:
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    manifest = read_manifest(backup_file)
    if manifest is not None:
        if file_sha256(backup_file) != manifest.sha256:
            raise BackupError(f"{backup_file} does not match the SHA-256 in its manifest: damaged or replaced")
        if manifest.keys.blind_index != KeyFingerprints.of(keys).blind_index:
            raise BackupError(
                "the configured BLIND_INDEX_KEY is not the one this backup was made with "
                f"(fingerprint {manifest.keys.blind_index}); configure the keys kept with it"
            )
    return manifest


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups made by `create_backup` in `directory` (with their
    manifests); returns the deleted backup files."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    backups = sorted(
        (
            path
            for path in directory.glob(f"{BACKUP_PREFIX}*")
            if path.suffix in (SQLITE_SUFFIX, POSTGRES_SUFFIX) and path.is_file()
        ),
        key=lambda path: path.name,
        reverse=True,
    )
    deleted = backups[keep:]
    for path in deleted:
        path.unlink()
        path.with_suffix(".json").unlink(missing_ok=True)
    return deleted


async def _describe_postgres(url: str) -> tuple[str | None, tuple[str, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(**READ_ONLY_OPTIONS)
            revision = await check_known_revision(connection)
            if revision is None:
                return None, ()
            rows = await connection.execute(
                text("SELECT DISTINCT master_key_id FROM data_keys WHERE wrapped_key IS NOT NULL ORDER BY 1")
            )
            return revision, tuple(str(row[0]) for row in rows)
    except (OSError, DBAPIError) as exc:
        raise BackupError(f"cannot reach the database to back it up ({type(exc).__name__})") from None
    finally:
        await engine.dispose()


async def _require_empty_postgres(parsed: URL, url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.scalar(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            )
    except (OSError, DBAPIError) as exc:
        raise BackupError(
            f"cannot reach the database {parsed.database!r} to restore into ({type(exc).__name__}); "
            "create it first (createdb) and check DATABASE_URL"
        ) from None
    finally:
        await engine.dispose()
    if tables:
        raise BackupError(
            f"the database {parsed.database!r} is not empty ({tables} tables): restore into a new, empty database"
        )


async def _check_keys_open(url: str, keys: KeyMaterial) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(**READ_ONLY_OPTIONS)
            revision = await check_known_revision(connection)
            try:
                await verify_master_keys(connection, MasterKeyRing(keys.master_keys))
            except MasterKeyMismatchError:
                raise BackupError(
                    "restored, but the configured master keys cannot unwrap its data keys: configure the keys "
                    "kept with this backup (the restored copy was left in place for inspection)"
                ) from None
            return revision
    finally:
        await engine.dispose()
