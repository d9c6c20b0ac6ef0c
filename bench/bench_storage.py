"""Storage benchmark: what field encryption costs, how fast blind-index lookups and key rotation are.

    .venv/bin/python bench/bench_storage.py                       # SQLite in a temporary directory
    .venv/bin/python bench/bench_storage.py --url postgresql+asyncpg://postgres@127.0.0.1/scratch

`--url` must name a scratch database: the benchmark drops and recreates the Yuelao schema in it.
"Encryption off" injects an identity field cipher (benchmark only); everything else is the production
path: one unit of work (transaction) per save or load, as one update would do.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from uuid import UUID

from domain.clock import FakeClock
from storage.crypto.aead import AesGcmFieldCipher, DataKey
from storage.crypto.blind_index import ACCOUNT_EXTERNAL_ID, BlindIndexer
from storage.database import Database
from storage.keys import KeyMaterial, generate_master_key
from storage.migrate import downgrade
from storage.rotation import rotate_keys

ROUNDS = 3


class TimedCipher(AesGcmFieldCipher):
    """The production cipher, counting the time it spends."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def seal(self, key: DataKey, plaintext: bytes, associated_data: bytes) -> bytes:
        started = time.perf_counter()
        try:
            return super().seal(key, plaintext, associated_data)
        finally:
            self.elapsed += time.perf_counter() - started

    def open(self, key: DataKey, sealed: bytes, associated_data: bytes) -> bytes:
        started = time.perf_counter()
        try:
            return super().open(key, sealed, associated_data)
        finally:
            self.elapsed += time.perf_counter() - started


class IdentityCipher:
    """Stores the encoded plaintext as is: the 'encryption off' baseline. Never used outside benchmarks."""

    def seal(self, key: DataKey, plaintext: bytes, associated_data: bytes) -> bytes:
        return plaintext

    def open(self, key: DataKey, sealed: bytes, associated_data: bytes) -> bytes:
        return sealed


def profile_fields(number: int) -> dict[str, object]:
    """Values that differ for every call, so the plain baseline really writes every column too."""
    return {
        "display_name": f"Benchmark Client {number}",
        "gender": "female" if number % 2 else "male",
        "birth_date": date(1985 + number % 15, 1 + number % 12, 1 + number % 28),
        "height_cm": 155 + number % 35,
        "education": "bachelor",
        "occupation": f"Accountant at trading company {number}",
        "income_band": f"band_{number % 7}",
        "region_code": "CN-SH",
        "city_text": f"Shanghai, Pudong, lane {number}",
        "marital_history": "never",
        "wants_children": "maybe",
        "personality": ["calm", "curious"],
        "hobbies": ["music", "travel", "cooking"],
        "hobbies_text": f"weekend hiking and {number} jazz records",
        "about_me": f"I like quiet evenings, long walks and honest conversation ({number}). " * 3,
        "relationship_history": f"One long relationship that ended amicably after {number} days.",
        "phone": f"+86139{number:08d}",
    }


async def create_clients(database: Database, count: int, clock: FakeClock, prefix: str) -> list[UUID]:
    ids: list[UUID] = []
    async with database.unit_of_work() as uow:
        for number in range(count):
            account = await uow.accounts.create("telegram", f"{prefix}{number}", locale="zh", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now())
            ids.append(account.id)
    return ids


async def interleaved(
    on: Callable[[UUID, int], Awaitable[object]],
    off: Callable[[UUID, int], Awaitable[object]],
    on_ids: list[UUID],
    off_ids: list[UUID],
    round_number: int,
) -> tuple[list[float], list[float]]:
    """Time each operation, alternating encrypted and plain (and which goes first), so that load on the
    machine and background work such as WAL checkpoints hit both alike."""
    on_times: list[float] = []
    off_times: list[float] = []
    for index, (on_id, off_id) in enumerate(zip(on_ids, off_ids, strict=True)):
        number = round_number * len(on_ids) + index
        pair = ((off, off_id, off_times), (on, on_id, on_times))
        for operation, account_id, times in pair if index % 2 else reversed(pair):
            started = time.perf_counter()
            await operation(account_id, number)
            times.append(time.perf_counter() - started)
    return on_times, off_times


def saver(database: Database, clock: FakeClock) -> Callable[[UUID, int], Awaitable[object]]:
    async def save(account_id: UUID, number: int) -> object:
        async with database.unit_of_work() as uow:
            return await uow.profiles.update(account_id, now=clock.now(), **profile_fields(number))  # type: ignore[arg-type]

    return save


def loader(database: Database) -> Callable[[UUID, int], Awaitable[object]]:
    async def load(account_id: UUID, _number: int) -> object:
        async with database.unit_of_work(read_only=True) as uow:
            return await uow.profiles.require(account_id)

    return load


async def bench_profiles(url: str, keys: KeyMaterial, count: int, clock: FakeClock) -> None:
    cipher = TimedCipher()
    encrypted = await Database.open(url, keys, clock=clock, field_cipher=cipher)
    plain = await Database.open(url, keys, clock=clock, field_cipher=IdentityCipher())
    try:
        on_ids = await create_clients(encrypted, count, clock, "on-")
        off_ids = await create_clients(plain, count, clock, "off-")
        for name, on, off in (
            ("save", saver(encrypted, clock), saver(plain, clock)),
            ("load", loader(encrypted), loader(plain)),
        ):
            on_times: list[float] = []
            off_times: list[float] = []
            cipher.elapsed = 0.0
            for round_number in range(ROUNDS):
                round_on, round_off = await interleaved(on, off, on_ids, off_ids, round_number)
                on_times += round_on
                off_times += round_off
            on_median, off_median = statistics.median(on_times), statistics.median(off_times)
            # Each encrypted operation ran next to a plain one: the median of the pairs' ratios is the cost,
            # robust to the machine's load changing during the run.
            cost = statistics.median(on / off for on, off in zip(on_times, off_times, strict=True)) - 1
            share = cipher.elapsed / sum(on_times) * 100
            print(
                f"profile {name} (1 transaction each, {count} profiles x {ROUNDS} rounds, median): "
                f"encryption on {1 / on_median:7.0f}/s  off {1 / off_median:7.0f}/s  "
                f"cost {cost * 100:+5.1f}%  (AES-GCM itself: {share:.1f}% of the time)"
            )
        await bench_lookups(encrypted, keys, count)
    finally:
        await encrypted.close()
        await plain.close()


async def bench_lookups(database: Database, keys: KeyMaterial, count: int) -> None:
    external_ids = [f"on-{number}" for number in range(count)]
    timings: list[float] = []
    for _ in range(ROUNDS):
        async with database.unit_of_work(read_only=True) as uow:
            started = time.perf_counter()
            for external_id in external_ids:
                found = await uow.accounts.find_by_external("telegram", external_id)
                assert found is not None
            timings.append((time.perf_counter() - started) / count)
    index = BlindIndexer(keys.blind_index_key).column(ACCOUNT_EXTERNAL_ID)
    started = time.perf_counter()
    for external_id in external_ids * 10:
        index.digest(external_id)
    hmac_time = (time.perf_counter() - started) / (count * 10)
    print(
        f"blind-index lookup (find_by_external, {count} accounts, decrypts to verify): "
        f"{min(timings) * 1e3:.3f} ms each (median round {statistics.median(timings) * 1e3:.3f} ms); "
        f"HMAC alone {hmac_time * 1e6:.1f} µs"
    )


async def bench_rotation(url: str, keys: KeyMaterial, count: int, clock: FakeClock, batch_size: int) -> None:
    database = await Database.open(url, keys, clock=clock)
    try:
        async with database.unit_of_work() as uow:
            for number in range(count):
                await uow.accounts.create("web", f"rotation-{number}", locale="en", now=clock.now())
    finally:
        await database.close()
    rotated = KeyMaterial([generate_master_key("bench-new"), *keys.master_keys], keys.blind_index_key)
    database = await Database.open(url, rotated, clock=clock)
    try:
        started = time.perf_counter()
        report = await rotate_keys(database, batch_size=batch_size, progress=True)
        elapsed = time.perf_counter() - started
    finally:
        await database.close()
    print(
        f"rotate-keys (batch {batch_size}): {report.rewrapped} data keys re-wrapped in {elapsed:.2f} s = "
        f"{report.rewrapped / elapsed:,.0f} rows/s; remaining on old keys: {report.remaining}"
    )


async def main(url: str | None, profiles: int, rotation_rows: int, batch_size: int) -> None:
    keys = KeyMaterial([generate_master_key("bench-old")], secrets.token_bytes(32))
    clock = FakeClock()
    with tempfile.TemporaryDirectory(prefix="yuelao-bench-") as directory:
        if url is None:
            target = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            print(f"Yuelao storage benchmark on SQLite (WAL) in {directory}")
        else:
            target = url
            await downgrade(target, "base")
            print("Yuelao storage benchmark on the given database (schema recreated)")
        print(f"Python {sys.version.split()[0]}")
        await bench_profiles(target, keys, profiles, clock)
        await bench_rotation(target, keys, rotation_rows, clock, batch_size)
        if url is not None:
            await downgrade(target, "base")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a scratch database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--profiles", type=int, default=500, help="profiles saved and loaded per round")
    parser.add_argument("--rotation-rows", type=int, default=5000, help="data keys to re-wrap")
    parser.add_argument("--batch-size", type=int, default=500, help="rotation batch size")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.profiles, arguments.rotation_rows, arguments.batch_size))
