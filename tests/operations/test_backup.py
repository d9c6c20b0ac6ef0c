"""Backups of a SQLite database: taken while the bot writes, only ciphertext inside, restored into a fresh
directory where the kept keys read a profile back."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from domain.clock import FakeClock
from storage.backups import BackupError, create_backup, prune_backups, restore_backup
from storage.database import Database
from storage.keys import KeyMaterial
from tests.operations.backup_helpers import account_count, read_back, seeded_database, sqlite_url
from tests.storage.sample_data import ABOUT_ME, CHINESE_NAME, DISPLAY_NAME, SECRETS


async def test_a_backup_taken_while_writes_go_on_is_consistent_and_restores(
    tmp_path: Path, key_material: KeyMaterial
) -> None:
    live = sqlite_url(tmp_path / "live")
    account_id = await seeded_database(live, key_material)
    clock = FakeClock()
    database = await Database.open(live, key_material, clock=clock)
    written = 0
    stop, progressed = asyncio.Event(), asyncio.Event()

    async def until_written(count: int) -> None:
        while written < count:
            progressed.clear()
            await progressed.wait()

    async def keep_writing() -> None:
        nonlocal written
        while not stop.is_set():
            async with database.unit_of_work() as uow:
                await uow.accounts.create("telegram", str(7_000_000 + written), locale="en", now=clock.now())
            written += 1
            progressed.set()

    writer = asyncio.create_task(keep_writing())
    try:
        await until_written(20)
        before = written
        result = await create_backup(live, key_material, tmp_path / "backups", now=clock.now())
        after = written
        await until_written(after + 20)  # the bot kept writing after the backup
    finally:
        stop.set()
        await writer
        await database.close()

    restored = sqlite_url(tmp_path / "fresh")
    await restore_backup(result.file, restored, key_material)

    # two accounts of the sample (client, counselor) plus one per committed write before the copy's snapshot
    copied = await account_count(restored, key_material) - 2
    assert before <= copied <= after < written
    assert await read_back(restored, key_material, account_id) == (f"{DISPLAY_NAME} {CHINESE_NAME}", ABOUT_ME)


async def test_the_backup_file_holds_no_personal_value_in_plaintext(tmp_path: Path, key_material: KeyMaterial) -> None:
    live = sqlite_url(tmp_path / "live")
    await seeded_database(live, key_material)

    result = await create_backup(live, key_material, tmp_path / "backups", now=FakeClock().now())

    raw = result.file.read_bytes()
    assert b"CN-ZJ" in raw, "the clear region code is there: the copy holds the rows"
    assert [secret for secret in SECRETS if secret.encode() in raw] == []
    assert [secret for secret in SECRETS if secret.encode("utf-16-le") in raw] == []
    manifest = json.loads(result.manifest_file.read_text())
    assert manifest["master_key_ids_used"] == ["test-key-1"]
    secret = key_material.master_keys[0].encoded().split(":")[1]
    assert secret not in result.manifest_file.read_text() and secret.encode() not in raw, "never a key"
    assert result.file.stat().st_mode & 0o077 == 0


async def test_restore_refuses_a_directory_that_has_a_database(tmp_path: Path, key_material: KeyMaterial) -> None:
    live = sqlite_url(tmp_path / "live")
    await seeded_database(live, key_material)
    result = await create_backup(live, key_material, tmp_path / "backups", now=FakeClock().now())

    with pytest.raises(BackupError, match="exists"):
        await restore_backup(result.file, live, key_material)


async def test_restore_with_other_keys_says_so(
    tmp_path: Path, key_material: KeyMaterial, other_key_material: KeyMaterial
) -> None:
    live = sqlite_url(tmp_path / "live")
    await seeded_database(live, key_material)
    result = await create_backup(live, key_material, tmp_path / "backups", now=FakeClock().now())

    with pytest.raises(BackupError, match="cannot unwrap"):
        await restore_backup(result.file, sqlite_url(tmp_path / "fresh"), other_key_material)


async def test_a_damaged_backup_is_refused(tmp_path: Path, key_material: KeyMaterial) -> None:
    live = sqlite_url(tmp_path / "live")
    await seeded_database(live, key_material)
    result = await create_backup(live, key_material, tmp_path / "backups", now=FakeClock().now())
    with result.file.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff")

    with pytest.raises(BackupError, match="SHA-256"):
        await restore_backup(result.file, sqlite_url(tmp_path / "fresh"), key_material)
    assert not (tmp_path / "fresh" / "yuelao.db").exists()


def test_pruning_keeps_the_newest_backups(tmp_path: Path) -> None:
    for stamp in ("20261201T000000Z", "20261202T000000Z", "20261203T000000Z"):
        (tmp_path / f"yuelao-{stamp}.sqlite").write_bytes(b"x")
        (tmp_path / f"yuelao-{stamp}.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")

    deleted = prune_backups(tmp_path, keep=2)

    assert [path.name for path in deleted] == ["yuelao-20261201T000000Z.sqlite"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "notes.txt",
        "yuelao-20261202T000000Z.json",
        "yuelao-20261202T000000Z.sqlite",
        "yuelao-20261203T000000Z.json",
        "yuelao-20261203T000000Z.sqlite",
    ]
