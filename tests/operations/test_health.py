"""/healthz and /readyz on the admin port: alive, and ready only with the database reachable, its schema at the
migration head, a leader known and no drain under way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientSession
from sqlalchemy import text

from bot.admin_server import admin_port, create_admin_app
from bot.delivery.leadership import LEADER_LOCK_KEY
from bot.health import HealthChecks
from bot.observability.drain import Drain
from bot.observability.metrics import BotMetrics
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.engine import create_engine
from storage.migrate import script_directory
from tests.operations.scrape import admin_client


@dataclass
class Leadership:
    is_leader: bool


async def readyz(database: Database, **checks: Any) -> tuple[int, dict[str, Any]]:
    async with admin_client(create_admin_app(HealthChecks(database, **checks))) as admin:
        response = await admin.get("/readyz")
        return response.status, await response.json()


async def test_healthz_says_the_process_is_alive(database: Database) -> None:
    async with admin_client(create_admin_app(HealthChecks(database))) as admin:
        response = await admin.get("/healthz")
        assert (response.status, await response.text()) == (200, "ok\n")
        assert (await admin.get("/metrics")).status == 404  # no metrics given: no such page


async def test_ready_with_the_database_current_and_this_instance_leading(database: Database) -> None:
    status, body = await readyz(database, background=Leadership(True))
    assert status == 200
    assert body == {
        "ready": True, "database": "ok", "migrations": "current", "leader": "this instance", "draining": False,
    }


async def test_not_ready_when_the_migrations_are_behind(database: Database) -> None:
    head = script_directory().get_current_head()
    assert head is not None
    current = script_directory().get_revision(head)
    assert current is not None
    previous = current.down_revision
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    status, body = await readyz(database, background=Leadership(True))
    assert (status, body["ready"], body["migrations"]) == (503, False, "behind")


async def test_not_ready_when_the_schema_is_newer_than_the_code(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    status, body = await readyz(database, background=Leadership(True))
    assert (status, body["migrations"]) == (503, "ahead")


async def test_not_ready_when_the_database_is_unreachable(database: Database) -> None:
    gone = Database(create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"), database.context)
    try:
        status, body = await readyz(gone, background=Leadership(True))
    finally:
        await gone.close()
    assert status == 503
    assert body == {
        "ready": False, "database": "unreachable", "migrations": "unknown", "leader": "this instance",
        "draining": False,
    }


async def test_not_ready_while_draining_but_still_alive(database: Database) -> None:
    drain = Drain()
    drain.begin()
    checks = HealthChecks(database, background=Leadership(True), drain=drain)
    async with admin_client(create_admin_app(checks)) as admin:
        ready = await admin.get("/readyz")
        assert (ready.status, (await ready.json())["draining"]) == (503, True)
        assert (await admin.get("/healthz")).status == 200


async def test_a_standby_is_ready_once_another_instance_leads(database: Database) -> None:
    if database.dialect_name != "postgresql":
        pytest.skip("several instances share PostgreSQL only")
    status, body = await readyz(database, background=Leadership(False))
    assert (status, body["leader"]) == (503, "none")
    async with database.engine.connect() as other_instance:
        await other_instance.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LEADER_LOCK_KEY})
        status, body = await readyz(database, background=Leadership(False))
        await other_instance.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK_KEY})
    assert (status, body["leader"]) == (200, "another instance")


async def test_the_admin_port_is_off_unless_set_and_serves_the_three_pages_when_set(
    database: Database, settings: Settings, clock: FakeClock
) -> None:
    metrics = BotMetrics(process=False)
    async with admin_port(settings, database, clock, metrics=metrics) as port:
        assert port is None
    on = settings.model_copy(update={"admin_port": _free_port()})
    async with (
        admin_port(on, database, clock, metrics=metrics, background=Leadership(True)) as port,
        ClientSession() as http,
    ):
        assert port == on.admin_port
        base = f"http://127.0.0.1:{port}"
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 200
        async with http.get(f"{base}/metrics") as response:
            assert "yuelao_outbox_depth" in await response.text()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
