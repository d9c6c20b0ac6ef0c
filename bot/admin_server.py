"""The admin port: `/healthz`, `/readyz` and `/metrics`, for the machine's supervisor, a load balancer and
Prometheus. Off unless `ADMIN_PORT` is set; it listens on `ADMIN_HOST` (127.0.0.1 by default: keep it off the
internet, the metrics describe the agency's traffic). See docs/operations.md.

    GET /healthz  200 "ok"                        the process and its event loop are alive
    GET /readyz   200 / 503 {"ready": ..., ...}  database, migrations, leader, draining (bot/health.py)
    GET /metrics  the Prometheus text format      (bot/observability)
"""

from __future__ import annotations

import errno
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.health import HealthChecks, LeaderSource
from bot.observability.collector import StateCollector
from bot.observability.drain import Drain
from bot.observability.metrics import BotMetrics
from domain.clock import Clock
from handlers.services.settings import Settings, SettingsError
from storage.database import Database

log = logging.getLogger("yuelao.admin")

HEALTHZ = "/healthz"
READYZ = "/readyz"
METRICS = "/metrics"


def create_admin_app(
    checks: HealthChecks, metrics: BotMetrics | None = None, state: StateCollector | None = None
) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_: web.Request) -> web.Response:
        readiness = await checks.readiness()
        return web.json_response(readiness.as_json(), status=200 if readiness.ready else 503)

    async def scrape(_: web.Request) -> web.Response:
        assert metrics is not None
        if state is not None:
            await state.refresh()
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app = web.Application()
    app.router.add_get(HEALTHZ, healthz)
    app.router.add_get(READYZ, readyz)
    if metrics is not None:
        app.router.add_get(METRICS, scrape)
    return app


@asynccontextmanager
async def serving_admin(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Serve the admin app on host:port while the block runs; yields the port bound (0 picks a free one)."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise SettingsError(f"ADMIN_PORT: cannot listen on {host}:{port} ({exc.strerror})") from None
            raise
        bound = runner.addresses[0][1] if runner.addresses else port
        log.info("admin port: http://%s:%s%s, %s, %s", host, bound, HEALTHZ, READYZ, METRICS)
        yield int(bound)
    finally:
        await runner.cleanup()


@asynccontextmanager
async def admin_port(
    settings: Settings,
    database: Database,
    clock: Clock,
    *,
    metrics: BotMetrics,
    background: LeaderSource | None = None,
    drain: Drain | None = None,
) -> AsyncIterator[int | None]:
    """The admin server for `run`, when `ADMIN_PORT` is set; yields the port (None: off)."""
    if settings.admin_port is None:
        yield None
        return
    checks = HealthChecks(database, background=background, drain=drain)
    state = StateCollector(database, clock, background=background, drain=drain)
    metrics.registry.register(state)
    try:
        app = create_admin_app(checks, metrics, state)
        async with serving_admin(app, settings.admin_host, settings.admin_port) as port:
            yield port
    finally:
        metrics.registry.unregister(state)
