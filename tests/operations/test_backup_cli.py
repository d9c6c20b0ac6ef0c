"""`run_bot.py backup` and `run_bot.py restore` as an operator uses them: where the keys are, whether the
kept copy holds them, and a restore into a fresh directory that reads the client back."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

import run_bot
from storage.keys import KEY_FILE_NAME, add_master_key_to_file, load_key_material
from tests.operations.backup_helpers import read_back, seeded_database, sqlite_url
from tests.storage.sample_data import ABOUT_ME, CHINESE_NAME, DISPLAY_NAME


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment on the embedded default: DATA_DIR with a generated key file and one client."""
    for name in ("DATABASE_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "BOT_TOKEN", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "live"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    keys = load_key_material(None, None, data_dir)
    asyncio.run(seeded_database(sqlite_url(data_dir), keys))
    return data_dir


def test_backup_says_where_the_keys_are_and_that_they_are_not_in_it(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bot.main(["backup", "--to", str(tmp_path / "backups")]) == 0

    out = capsys.readouterr().out
    assert "backup written:" in out
    assert "keys: NOT in the backup" in out
    assert f"key file {(live / KEY_FILE_NAME).resolve()}" in out
    assert "key backup: not checked" in out
    assert not list((tmp_path / "backups").glob("*keys*"))


def test_a_kept_copy_of_the_key_file_is_checked_by_fingerprint(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "safe" / "keys.json"
    kept.parent.mkdir()
    shutil.copyfile(live / KEY_FILE_NAME, kept)

    assert run_bot.main(["backup", "--to", str(tmp_path / "b1"), "--key-backup", str(kept)]) == 0
    assert "holds every configured key" in capsys.readouterr().out

    add_master_key_to_file(live, "k-next")  # a rotation begins: the kept copy no longer holds every key
    assert run_bot.main(["backup", "--to", str(tmp_path / "b2"), "--key-backup", str(kept)]) == 1
    assert "STALE, lacks master key(s) k-next" in capsys.readouterr().out

    other = tmp_path / "other"
    load_key_material(None, None, other)
    assert run_bot.main(["backup", "--to", str(tmp_path / "b3"), "--key-backup", str(other / KEY_FILE_NAME)]) == 1
    assert "DIFFERENT keys" in capsys.readouterr().out

    assert run_bot.main(["backup", "--to", str(tmp_path / "b4"), "--key-backup", str(tmp_path / "nowhere")]) == 1
    assert "MISSING" in capsys.readouterr().out


def test_restore_into_a_fresh_directory_reads_the_client_back(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "safe-keys.json"
    shutil.copyfile(live / KEY_FILE_NAME, kept)
    assert run_bot.main(["backup", "--to", str(tmp_path / "backups")]) == 0
    (backup,) = (tmp_path / "backups").glob("yuelao-*.sqlite")
    capsys.readouterr()
    fresh = tmp_path / "fresh"

    assert run_bot.main(["restore", str(backup), "--data-dir", str(fresh), "--key-file", str(kept)]) == 0

    out = capsys.readouterr().out
    assert f"into {fresh / 'yuelao.db'}" in out
    assert "the configured master keys unwrap its data keys" in out
    assert (fresh / KEY_FILE_NAME).stat().st_mode & 0o077 == 0
    keys = load_key_material(None, None, fresh)
    account_id = _only_client(fresh)
    name, about = asyncio.run(read_back(sqlite_url(fresh), keys, account_id))
    assert (name, about) == (f"{DISPLAY_NAME} {CHINESE_NAME}", ABOUT_ME)


def test_restore_without_keys_stops_and_generates_none(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bot.main(["backup", "--to", str(tmp_path / "backups")]) == 0
    (backup,) = (tmp_path / "backups").glob("yuelao-*.sqlite")
    fresh = tmp_path / "fresh"

    assert run_bot.main(["restore", str(backup), "--data-dir", str(fresh)]) == 2

    assert "no keys" in capsys.readouterr().err
    assert not (fresh / KEY_FILE_NAME).exists() and not (fresh / "yuelao.db").exists()


def test_backup_of_a_missing_database_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "empty"))

    assert run_bot.main(["backup"]) == 2

    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "empty" / KEY_FILE_NAME).exists()


def _only_client(data_dir: Path) -> UUID:
    with sqlite3.connect(data_dir / "yuelao.db") as connection:
        (raw,) = connection.execute("SELECT account_id FROM client_profiles").fetchone()
    return UUID(bytes=raw) if isinstance(raw, bytes) else UUID(str(raw))
