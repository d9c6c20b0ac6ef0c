"""The command line: a bad setting stops start-up with one line, exit code 2, no traceback."""

from __future__ import annotations

import os
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
