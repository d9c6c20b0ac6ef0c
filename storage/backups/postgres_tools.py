"""PostgreSQL: dumps with pg_dump (custom format) and restores with pg_restore into an empty database.

The tools are looked for in `--pg-bin DIR`, then on PATH, then in Debian's /usr/lib/postgresql/<version>/bin
(the newest first). pg_dump must be at least the server's major version. The password travels in the
child's environment (PGPASSWORD), never on its command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from storage.backups.errors import BackupError

DEBIAN_TOOL_DIRS = Path("/usr/lib/postgresql")
TOOL_TIMEOUT_SECONDS = 6 * 3600


def find_tool(name: str, bin_dir: Path | None = None) -> Path:
    """The path of `pg_dump` or `pg_restore`; BackupError naming how to get it when there is none."""
    if bin_dir is not None:
        candidate = bin_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise BackupError(f"{name} is not in {bin_dir}")
    found = shutil.which(name)
    if found is not None:
        return Path(found)
    versions = sorted(
        (path for path in DEBIAN_TOOL_DIRS.glob(f"*/bin/{name}") if path.parent.parent.name.isdigit()),
        key=lambda path: int(path.parent.parent.name),
        reverse=True,
    )
    if versions:
        return versions[0]
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client tools of your server's version "
        "(Debian: apt-get install postgresql-client) or pass --pg-bin DIR"
    )


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries the password."""
    query: dict[str, str] = {}
    ssl = url.query.get("ssl")
    if isinstance(ssl, str):
        query["sslmode"] = ssl  # asyncpg's ssl=require is libpq's sslmode=require
    plain = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database, query=query
    )
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    try:
        finished = subprocess.run(  # noqa: S603 (a found pg tool, arguments as a list, no shell)
            command, env=environment, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
        )
    except OSError as exc:
        raise BackupError(f"{what}: could not run {command[0]} ({exc.strerror})") from None
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what}: {command[0]} did not finish within {TOOL_TIMEOUT_SECONDS} s") from None
    if finished.returncode != 0:
        raise BackupError(f"{what} failed: {_last_lines(finished.stderr)}")


def _last_lines(stderr: str) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    text = " / ".join(lines[-3:]) or "no message"
    return re.sub(r"password=\S+", "password=***", text)


def dump(url: URL, destination: Path, bin_dir: Path | None = None) -> None:
    """pg_dump the database into the new file `destination` (custom format, mode 0600)."""
    if destination.exists():
        raise BackupError(f"{destination} exists already; give a new name or move it away")
    pg_dump = find_tool("pg_dump", bin_dir)
    target, environment = libpq_target(url)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        command = [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
        _run([*command, f"--dbname={target}"], environment, "pg_dump")
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def restore(url: URL, backup_file: Path, bin_dir: Path | None = None) -> None:
    """pg_restore `backup_file` into the (empty) database at `url`, in one transaction."""
    pg_restore = find_tool("pg_restore", bin_dir)
    target, environment = libpq_target(url)
    command = [str(pg_restore), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run([*command, "--clean", "--if-exists", f"--dbname={target}", str(backup_file)], environment, "pg_restore")
