"""Yuelao command line: run the bot, migrate the database, rotate keys, bootstrap staff, export a client."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.logging_setup import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from storage.errors import StorageError

log = logging.getLogger("yuelao")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_bot.py", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default): web chat without BOT_TOKEN, else Telegram")
    commands.add_parser("migrate", help="bring the database schema up to date and exit")
    rotate = commands.add_parser("rotate-keys", help="re-wrap every data key under the newest master key")
    rotate.add_argument("--batch-size", type=int, default=500)
    return parser


async def _migrate(settings: Settings) -> None:
    from bot.runner import opened_app
    from domain.clock import SystemClock

    async with opened_app(settings, SystemClock()):
        log.info("database is up to date")


async def _rotate(settings: Settings, batch_size: int) -> int:
    from storage.rotation import rotate_keys

    from bot.runner import opened_app
    from domain.clock import SystemClock

    async with opened_app(settings, SystemClock()) as (_dp, database, _keys, _i18n):
        report = await rotate_keys(database, batch_size=batch_size, progress=sys.stderr.isatty())
    print(f"data keys re-wrapped: {report.rewrapped}; still on old keys: {report.remaining}")
    return 0 if report.remaining == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            return 0
        if args.command == "rotate-keys":
            return asyncio.run(_rotate(settings, args.batch_size))
        from bot.runner import run

        asyncio.run(run(settings))
        return 0
    except (SettingsError, StorageError) as exc:
        print(f"yuelao: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
