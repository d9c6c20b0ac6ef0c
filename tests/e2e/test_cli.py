"""The command line: a bad setting stops start-up with one line, exit code 2, no traceback."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "WEBHOOK_URL", "ADMIN_IDS")}
    environment.update(env, DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unparseable_admin_ids_stop_start_up_with_one_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run", ADMIN_IDS="12,abc")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "yuelao: ADMIN_IDS: expected Telegram user ids separated by commas, e.g. 12345,67890"
    ]


def test_a_token_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run", BOT_TOKEN="hello")

    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(tmp_path, "run", WEBCHAT_PORT=str(port))

    assert result.returncode == 2
    assert f"WEBCHAT_PORT: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "yuelao.db").exists()


def test_admin_add_then_export_shows_the_owner_and_the_database_hides_the_id(tmp_path: Path) -> None:
    added = run_cli(tmp_path, "admin", "add", "5550001234")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "owner added"

    exported = run_cli(tmp_path, "export", "5550001234")
    assert exported.returncode == 0, exported.stderr
    assert "5550001234" in exported.stdout
    assert '"owner"' in exported.stdout
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("yuelao.db*"))
    assert b"5550001234" not in raw


def test_export_of_an_unknown_user_says_so(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "export", "42")

    assert result.returncode == 1
    assert "no account" in result.stderr


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('=')}"


def test_rotate_keys_moves_every_data_key_to_the_new_master_key(tmp_path: Path) -> None:
    old, new = _key("k2026a"), _key("k2026b")
    blind = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    assert run_cli(tmp_path, "admin", "add", "777", ENCRYPTION_KEYS=old, BLIND_INDEX_KEY=blind).returncode == 0

    rotated = run_cli(tmp_path, "rotate-keys", ENCRYPTION_KEYS=f"{new},{old}", BLIND_INDEX_KEY=blind)
    assert rotated.returncode == 0, rotated.stderr
    assert "still on old keys: 0" in rotated.stdout
    assert "re-wrapped: 0;" not in rotated.stdout

    exported = run_cli(tmp_path, "export", "777", ENCRYPTION_KEYS=new, BLIND_INDEX_KEY=blind)
    assert exported.returncode == 0, exported.stderr
    assert '"owner"' in exported.stdout


def test_a_wrong_master_key_stops_start_up_with_one_line(tmp_path: Path) -> None:
    blind = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    assert run_cli(tmp_path, "admin", "add", "777", ENCRYPTION_KEYS=_key("a"), BLIND_INDEX_KEY=blind).returncode == 0

    result = run_cli(tmp_path, "migrate", ENCRYPTION_KEYS=_key("b"), BLIND_INDEX_KEY=blind)

    assert result.returncode == 2
    assert result.stderr.startswith("yuelao: cannot decrypt data keys with the configured ENCRYPTION_KEYS")
    assert len(result.stderr.strip().splitlines()) == 1
