"""`run_bot.py backup` and `run_bot.py restore`: the settings, the keys and what is printed for the operator.

The work itself is `storage.backups`. Keys are never generated here (a fresh key file would read nothing)
and never copied beside a backup; the backup command says where they are and checks a kept copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from domain.clock import SystemClock
from handlers.services.settings import Settings
from storage.backups import (
    BackupError,
    KeyBackupCheck,
    KeyBackupState,
    KeyFingerprints,
    check_key_backup,
    create_backup,
    prune_backups,
    restore_backup,
)
from storage.engine import parse_url, sqlite_file
from storage.keys import KEY_FILE_NAME, KeyMaterial, load_key_material


def keys_from_environment(settings: Settings) -> bool:
    return settings.encryption_keys is not None and settings.blind_index_key is not None


def key_file_of(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE_NAME


def existing_keys(settings: Settings) -> KeyMaterial:
    """The configured keys; BackupError when a key file would have to be generated (it would read nothing)."""
    if not keys_from_environment(settings) and not key_file_of(settings).is_file():
        raise BackupError(
            f"no keys: neither ENCRYPTION_KEYS and BLIND_INDEX_KEY nor the key file {key_file_of(settings)}"
        )
    return load_key_material(
        settings.encryption_keys.get_secret_value() if settings.encryption_keys else None,
        settings.blind_index_key.get_secret_value() if settings.blind_index_key else None,
        settings.data_dir,
    )


def key_report(settings: Settings, keys: KeyMaterial, key_backup: Path | None) -> tuple[list[str], bool]:
    """Lines telling where the keys are and whether the kept copy holds them; False when a check failed."""
    fingerprints = KeyFingerprints.of(keys)
    lines = ["keys: NOT in the backup (it holds ciphertext only); restoring it needs these keys:"]
    lines.append(f"  fingerprints: {fingerprints.describe()}")
    if keys_from_environment(settings):
        lines.append("  they come from ENCRYPTION_KEYS and BLIND_INDEX_KEY: keep them in your secret store")
        if key_backup is None:
            return lines, True
    else:
        lines.append(f"  they are in the key file {key_file_of(settings).resolve()}")
    if key_backup is None:
        lines.append(
            "  key backup: not checked. Keep a copy of the key file away from the backups (another machine, a "
            "password manager, a safe) and check it with --key-backup PATH"
        )
        return lines, True
    check = check_key_backup(fingerprints, key_backup)
    lines.append(f"  key backup {key_backup}: {_check_text(check)}")
    return lines, check.ok


def _check_text(check: KeyBackupCheck) -> str:
    if check.state is KeyBackupState.MATCHES:
        return "holds every configured key (fingerprints match)"
    if check.state is KeyBackupState.STALE:
        return f"STALE, lacks master key(s) {', '.join(check.missing_master_ids)}: copy the key file again"
    if check.state is KeyBackupState.DIFFERENT:
        return "DIFFERENT keys: it cannot read this database; copy the key file again"
    if check.state is KeyBackupState.MISSING:
        return "MISSING: no file there"
    return "UNREADABLE: not a Yuelao key file"


async def run_backup(
    settings: Settings, directory: Path | None, key_backup: Path | None, keep: int | None, pg_bin: Path | None
) -> int:
    url = settings.effective_database_url
    database_file = sqlite_file(parse_url(url))
    if database_file is not None and not database_file.is_file():
        raise BackupError(f"no database at {database_file}: nothing to back up (check DATA_DIR or DATABASE_URL)")
    keys = existing_keys(settings)
    target = directory if directory is not None else settings.data_dir / "backups"
    result = await create_backup(url, keys, target, now=SystemClock().now(), pg_bin=pg_bin)
    manifest = result.manifest
    print(
        f"backup written: {result.file} ({manifest.size / 1e6:.1f} MB, {manifest.engine}, "
        f"schema {manifest.schema_revision or 'empty'}, sha256 {manifest.sha256[:16]})"
    )
    print(f"manifest: {result.manifest_file}")
    lines, keys_ok = key_report(settings, keys, key_backup)
    print("\n".join(lines))
    if database_file is not None and target.resolve().is_relative_to(database_file.parent.resolve()):
        print("note: the backup is on the same disk as the database; copy it elsewhere (docs/deploy.md)")
    if keep is not None:
        for deleted in prune_backups(target, keep):
            print(f"deleted old backup: {deleted}")
    return 0 if keys_ok else 1


async def run_restore(settings: Settings, backup_file: Path, key_file: Path | None, pg_bin: Path | None) -> int:
    """Restore into the database the settings name (a new DATA_DIR, or an empty DATABASE_URL database)."""
    installed_key_file = key_file is not None and _install_key_file(settings, key_file)
    try:
        keys = existing_keys(settings)
        result = await restore_backup(backup_file, settings.effective_database_url, keys, pg_bin=pg_bin)
    except BaseException:
        if installed_key_file:
            key_file_of(settings).unlink(missing_ok=True)
        raise
    print(f"restored {backup_file} into {_target_text(settings)} ({result.engine})")
    if installed_key_file:
        print(f"key file copied from {key_file} to {key_file_of(settings)} (mode 0600), as asked")
    if result.manifest is None:
        print("warning: the backup has no manifest; its checksum and the blind-index key were not checked")
    print("keys: the configured master keys unwrap its data keys")
    if result.schema_revision != result.head_revision:
        print(f"schema {result.schema_revision}: the next start migrates it to {result.head_revision}")
    else:
        print(f"schema {result.schema_revision}: current")
    return 0


def _install_key_file(settings: Settings, key_file: Path) -> bool:
    """Copy a kept key file into the new DATA_DIR, because the operator asked for it with --key-file."""
    if keys_from_environment(settings):
        raise BackupError("--key-file is for key files; ENCRYPTION_KEYS and BLIND_INDEX_KEY are set already")
    if key_file_of(settings).exists():
        raise BackupError(f"{key_file_of(settings)} exists already; leave out --key-file to use it")
    if not key_file.is_file():
        raise BackupError(f"no key file at {key_file}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(key_file, key_file_of(settings))
    key_file_of(settings).chmod(0o600)
    return True


def _target_text(settings: Settings) -> str:
    database_file = sqlite_file(parse_url(settings.effective_database_url))
    if database_file is not None:
        return str(database_file)
    return f"the database {parse_url(settings.effective_database_url).database!r}"
