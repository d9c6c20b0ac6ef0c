"""Yuelao command line: run the bot, migrate the database, rotate keys, bootstrap staff, export a client,
seed demo clients, back up and restore."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.logging_setup import configure_logging
from handlers.services.settings import Settings, SettingsError, load_settings
from storage.errors import StorageError

log = logging.getLogger("yuelao")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_bot.py", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default): web chat without BOT_TOKEN, else Telegram")
    commands.add_parser("migrate", help="bring the database schema up to date and exit")
    rotate = commands.add_parser("rotate-keys", help="re-wrap every data key under the newest master key")
    rotate.add_argument("--batch-size", type=int, default=500)
    admin = commands.add_parser("admin", help="manage owners")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    admin_add = admin_commands.add_parser("add", help="make a Telegram user an owner of the agency's bot")
    admin_add.add_argument("telegram_id", type=int)
    admin_invite = admin_commands.add_parser("invite", help="print a one-time staff invitation (any channel)")
    admin_invite.add_argument("role", choices=["owner", "manager", "counselor", "customer_service", "finance"])
    export = commands.add_parser("export", help="print everything held about one Telegram user as JSON")
    export.add_argument("telegram_id", type=int)
    seed = commands.add_parser("seed-demo", help="add synthetic demo clients (web chat demo) and exit")
    seed.add_argument("--count", type=int, default=500, help="demo clients demo-1..demo-N (existing ones are kept)")
    seed.add_argument("--force", action="store_true", help="seed even though BOT_TOKEN is set")
    seed.add_argument(
        "--histories", type=int, default=0, help="also N clients' histories for the reports (a year of them)"
    )
    backup = commands.add_parser("backup", help="back up the database (online; ciphertext only, keys not included)")
    backup.add_argument("--to", type=Path, help="directory for the backup (default: DATA_DIR/backups)")
    backup.add_argument("--key-backup", type=Path, help="a kept copy of the key file to check against the keys")
    backup.add_argument("--keep", type=int, help="then delete all but the newest N backups in that directory")
    backup.add_argument("--pg-bin", type=Path, help="directory of pg_dump (default: PATH, /usr/lib/postgresql)")
    restore = commands.add_parser("restore", help="restore a backup into a new DATA_DIR or an empty database")
    restore.add_argument("backup_file", type=Path)
    restore.add_argument("--data-dir", type=Path, help="the new data directory (default: DATA_DIR)")
    restore.add_argument("--database-url", help="an empty PostgreSQL database (default: DATABASE_URL)")
    restore.add_argument("--key-file", type=Path, help="copy this kept key file into the new data directory")
    restore.add_argument("--pg-bin", type=Path, help="directory of pg_restore")
    return parser


async def _migrate(settings: Settings) -> None:
    from bot.runner import opened_app
    from domain.clock import SystemClock

    async with opened_app(settings, SystemClock()):
        log.info("database is up to date")


async def _rotate(settings: Settings, batch_size: int) -> int:
    from bot.runner import opened_app
    from domain.clock import SystemClock
    from storage.rotation import rotate_keys

    async with opened_app(settings, SystemClock()) as (_dp, database, _keys, _i18n):
        report = await rotate_keys(database, batch_size=batch_size, progress=sys.stderr.isatty())
    print(f"data keys re-wrapped: {report.rewrapped}; still on old keys: {report.remaining}")
    return 0 if report.remaining == 0 else 1


async def _admin_add(settings: Settings, telegram_id: int) -> None:
    from bot.runner import opened_app
    from domain.clock import SystemClock

    clock = SystemClock()
    async with opened_app(settings, clock) as (_dp, database, _keys, _i18n), database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(
            "telegram", str(telegram_id), locale=settings.default_locale, now=clock.now()
        )
        member = await uow.staff.get(account.id)
        if member is None:
            await uow.staff.add(account.id, role="owner", display_name=None, now=clock.now())
        else:
            await uow.staff.set_role(account.id, "owner")
            await uow.staff.set_active(account.id, True)
        await uow.audit.record(action="staff.owner_added", now=clock.now(), subject_account_id=account.id)
    print("owner added")


async def _admin_invite(settings: Settings, role: str) -> None:
    from bot.runner import opened_app
    from domain.clock import SystemClock

    clock = SystemClock()
    async with opened_app(settings, clock) as (_dp, database, _keys, _i18n), database.unit_of_work() as uow:
        payload = await uow.invites.issue(role, created_by=None, now=clock.now(), hours=settings.staff_invite_hours)
        await uow.audit.record(action="staff.invited", now=clock.now())
    print(f"a one-time invitation for a new {role}, valid {settings.staff_invite_hours} h:")
    print(f"  Telegram: https://t.me/<your bot's username>?start={payload}")
    print(f"  web chat or Telegram: send /start {payload}")


async def _export(settings: Settings, telegram_id: int) -> int:
    from bot.runner import opened_app
    from domain.clock import SystemClock
    from storage.privacy_ops import export_account

    async with opened_app(settings, SystemClock()) as (_dp, database, _keys, _i18n), database.unit_of_work() as uow:
        account = await uow.accounts.find_by_external("telegram", str(telegram_id))
        if account is None:
            print("yuelao: no account for that Telegram id", file=sys.stderr)
            return 1
        exported = await export_account(uow, account.id)
    json.dump(exported, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


async def _seed_demo(settings: Settings, count: int, histories: int = 0) -> int:
    import time

    from bot.runner import opened_app
    from domain.clock import SystemClock
    from domain.demo import demo_people
    from storage.demo_pool import seed_demo_in_batches

    clock = SystemClock()
    async with opened_app(settings, clock) as (_dp, database, _keys, _i18n):
        now = clock.now()
        started = time.perf_counter()
        people = demo_people(count, today=now.date(), currency=settings.currency)
        created = await seed_demo_in_batches(database, people, now)
        if histories:
            from storage.demo_histories import seed_histories

            seeded = await seed_histories(database, clients=histories, end=now, seed=int(now.timestamp()))
            print(f"client histories seeded: {seeded.clients} ({seeded.seconds:.1f} s)")
    print(f"demo clients created: {created} (of {count}; {time.perf_counter() - started:.1f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            return 0
        if args.command == "rotate-keys":
            return asyncio.run(_rotate(settings, args.batch_size))
        if args.command == "admin" and args.admin_command == "invite":
            asyncio.run(_admin_invite(settings, args.role))
            return 0
        if args.command == "admin":
            asyncio.run(_admin_add(settings, args.telegram_id))
            return 0
        if args.command == "export":
            return asyncio.run(_export(settings, args.telegram_id))
        if args.command == "seed-demo":
            if args.count < 0 or args.histories < 0:
                print("yuelao: --count and --histories must not be negative", file=sys.stderr)
                return 2
            if settings.bot_token is not None and not args.force:
                print(
                    "yuelao: BOT_TOKEN is set: demo clients do not belong in a real bot (--force to seed anyway)",
                    file=sys.stderr,
                )
                return 2
            return asyncio.run(_seed_demo(settings, args.count, args.histories))
        if args.command == "backup":
            from bot.backup_cli import run_backup

            return asyncio.run(run_backup(settings, args.to, args.key_backup, args.keep, args.pg_bin))
        if args.command == "restore":
            from bot.backup_cli import run_restore

            overrides = {"data_dir": args.data_dir, "database_url": args.database_url}
            target = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
            return asyncio.run(run_restore(target, args.backup_file, args.key_file, args.pg_bin))
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
