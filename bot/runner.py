"""Starting and stopping the bot on one of its channels: web chat, long polling or webhook."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.utils.i18n import I18n
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.admin_server import admin_port
from bot.api_session import TelegramSession
from bot.app import create_dispatcher
from bot.commands import register_commands
from bot.delivery.service import Background, BackgroundSettings
from bot.delivery.worker import WorkerConfig
from bot.demo import owner_invite_for_webchat, seed_demo_once
from bot.i18n import create_i18n
from bot.observability.drain import Drain
from bot.observability.metrics import BotMetrics
from bot.polling import UpdatePoller
from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot
from domain.clock import Clock, SystemClock
from domain.delivery import RateLimits
from domain.languages import to_traditional
from domain.membership.schedule import schedule
from domain.regions import region_book
from handlers.services.casework.jobs import arm_follow_up_digest, register_casework_jobs
from handlers.services.dates.jobs import register_date_jobs
from handlers.services.events_jobs import register_event_jobs
from handlers.services.handoff.jobs import register_handoff_jobs
from handlers.services.matching.jobs import arm_daily_offer, register_matching_jobs
from handlers.services.membership.jobs import register_membership_jobs
from handlers.services.operations import unreachable_notice
from handlers.services.personnel.commissions import arm_commission_jobs, register_commission_jobs
from handlers.services.personnel.training_jobs import arm_training_notice, register_training_jobs
from handlers.services.quality_jobs import arm_quality_jobs, register_quality_jobs
from handlers.services.reports.jobs import arm_weekly_report, register_report_jobs
from handlers.services.settings import Settings, SettingsError
from storage.database import Database
from storage.keys import KeyMaterial, load_key_material

log = logging.getLogger("yuelao")

# Telegram's ceiling for a webhook's simultaneous connections.
_WEBHOOK_MAX_CONNECTIONS = 100


def telegram_bot(settings: Settings, metrics: BotMetrics | None = None) -> Bot:
    """A Bot for the Telegram channel; `TELEGRAM_API_BASE` points it at any Bot API server. With `metrics`, its
    calls are counted by method and result."""
    assert settings.bot_token is not None
    session = (
        TelegramSession(api=TelegramAPIServer.from_base(settings.telegram_api_base), observer=metrics)
        if settings.telegram_api_base
        else TelegramSession(observer=metrics)
    )
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML"),
    )


def metrics_of(dp: Dispatcher) -> BotMetrics | None:
    metrics = dp.workflow_data.get("metrics")
    return metrics if isinstance(metrics, BotMetrics) else None


@asynccontextmanager
async def opened_app(
    settings: Settings, clock: Clock, *, metrics: BotMetrics | None = None
) -> AsyncIterator[tuple[Dispatcher, Database, KeyMaterial, I18n]]:
    keys = load_key_material(
        settings.encryption_keys.get_secret_value() if settings.encryption_keys else None,
        settings.blind_index_key.get_secret_value() if settings.blind_index_key else None,
        settings.data_dir,
    )
    database = await Database.open(
        settings.effective_database_url,
        keys,
        migrate=True,
        pool_size=settings.database_pool_size,
        writers=settings.database_writers,
    )
    try:
        i18n = create_i18n(settings.default_locale)
        dp = create_dispatcher(settings, database=database, clock=clock, i18n=i18n, metrics=metrics)
        yield dp, database, keys, i18n
    finally:
        await database.close()


def background_for(settings: Settings, database: Database, clock: Clock, dp: Dispatcher | None = None) -> Background:
    """The outbox worker and the scheduler; they run only while this instance holds the leader lock. With the
    Dispatcher `dp`, the features' scheduled jobs and the 403 hook are registered too."""
    limits = RateLimits(
        messages_per_second=settings.delivery_rate_per_second,
        private_chat_per_second=settings.delivery_private_chat_per_second,
        group_per_minute=settings.delivery_group_per_minute,
    )
    grace = timedelta(seconds=settings.scheduler_grace_seconds)
    worker = WorkerConfig(lease=timedelta(seconds=settings.delivery_lease_seconds))
    background = Background(database, clock, BackgroundSettings(limits=limits, grace=grace, worker=worker))
    if dp is not None:
        i18n = dp["i18n"]
        registry = background.registry
        register_matching_jobs(registry, pool=dp["match_pool"], settings=settings, i18n=i18n)
        register_date_jobs(registry, settings=settings, i18n=i18n)
        register_event_jobs(registry, settings=settings, i18n=i18n)
        register_handoff_jobs(registry, settings=settings, i18n=i18n)
        register_casework_jobs(registry, settings=settings, i18n=i18n)
        register_membership_jobs(registry, settings=settings, i18n=i18n)
        register_quality_jobs(registry, settings=settings, i18n=i18n)
        register_report_jobs(registry, settings=settings, i18n=i18n)
        register_commission_jobs(registry, settings=settings, i18n=i18n)
        register_training_jobs(registry, settings=settings, i18n=i18n)
        background.on_unreachable = unreachable_notice(settings, i18n)
        metrics = metrics_of(dp)
        if metrics is not None:
            background.job_observer = metrics.job_finished
        dp["background"] = background
    return background


async def arm_daily_jobs(settings: Settings, database: Database, clock: Clock) -> None:
    """Make sure the next daily offer and the next follow-up digest are scheduled (idempotent)."""
    await arm_daily_offer(database, settings, clock)
    async with database.unit_of_work() as uow:
        await arm_follow_up_digest(uow, settings, clock.now())
        await arm_quality_jobs(uow, settings, clock.now())
        await arm_weekly_report(uow, settings, clock.now())
        await arm_commission_jobs(uow, settings, clock.now())
        await arm_training_notice(uow, settings, clock.now())


@asynccontextmanager
async def running_background(background: Background, channel: str, bot: Bot) -> AsyncIterator[None]:
    await background.start({channel: bot})
    try:
        yield
    finally:
        await background.stop()


def freeze_startup_objects() -> None:
    """Hide what startup built (modules, catalogs, the Dispatcher, caches: hundreds of thousands of objects that
    live as long as the process) from the cyclic garbage collector (`gc.freeze`). Otherwise each of its full
    collections walks all of them while the event loop stands still: about 200 ms four times a minute under
    load, which was most of the reply p99 in bench/bench_latency.py; frozen, a full collection takes about 10 ms.
    Only for a serving process: objects frozen here that later become cyclic garbage are never collected.
    The tables read once on first use are built first (frozen too): the first update that needed one would
    otherwise hold the event loop for it, under load a stall every update in flight waits out."""
    build_lazy_tables()
    gc.collect()
    gc.freeze()


def build_lazy_tables() -> None:
    """Read the data files and build the converters the handlers load on first use (regions: 75 ms)."""
    region_book()
    schedule()
    to_traditional("月老")


async def run(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT, then drain (bot/observability/drain.py): stop taking updates, let those in flight
    finish, stop the background; the admin port (`ADMIN_PORT`) answers until the end, /readyz with 503."""
    clock = SystemClock()
    metrics = BotMetrics()  # this process's registry, scraped at /metrics
    drain = Drain(grace=settings.drain_seconds)
    async with opened_app(settings, clock, metrics=metrics) as (dp, database, keys, i18n):
        background = background_for(settings, database, clock, dp)
        await arm_daily_jobs(settings, database, clock)
        freeze_startup_objects()
        async with admin_port(settings, database, clock, metrics=metrics, background=background, drain=drain):
            with drain.on_signals():
                await _run_channel(settings, dp, database, keys, i18n, clock, background, drain)
    log.info("stopped")


async def _run_channel(
    settings: Settings,
    dp: Dispatcher,
    database: Database,
    keys: KeyMaterial,
    i18n: I18n,
    clock: Clock,
    background: Background,
    drain: Drain,
) -> None:
    if settings.webhook_url:
        await _serve_webhook(settings, dp, i18n, background, drain)
    elif settings.bot_token is not None:
        await poll_telegram(settings, dp, i18n, background=background, handle_signals=False, stop=drain.requested)
    else:
        await seed_demo_once(settings, database, clock)
        owner_invite = await owner_invite_for_webchat(settings, database, clock)
        if owner_invite is not None:
            print(
                f"Nobody is on the staff yet: send /start {owner_invite} in the web chat to become the owner "
                f"(one person, valid {settings.staff_invite_hours} h).",
                flush=True,
            )
        await _serve_webchat(settings, dp, keys, clock, background, drain)


async def poll_telegram(
    settings: Settings,
    dp: Dispatcher,
    i18n: I18n,
    *,
    handle_signals: bool = True,
    background: Background | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Poll Telegram until SIGTERM/SIGINT (with `handle_signals`) or until `stop` is set; then the updates in
    flight get `DRAIN_SECONDS` to finish."""
    bot = telegram_bot(settings, metrics_of(dp))
    try:
        await bot.me()  # kept by the Bot: handlers that need the bot's username never wait for getMe in an update
        await register_commands(bot, i18n)
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("polling Telegram for updates")
        if background is not None:
            await background.start({"telegram": bot})
        try:
            await _poll(dp, bot, settings.max_concurrent_updates, handle_signals, stop, settings.drain_seconds)
        finally:
            if background is not None:
                await background.stop()
    finally:
        await bot.session.close()


async def _poll(
    dp: Dispatcher, bot: Bot, max_in_flight: int, handle_signals: bool, stop: asyncio.Event | None, grace: float
) -> None:
    # Users side by side, each user's updates in order; the offset acknowledges only finished updates.
    poller = UpdatePoller(
        dp, bot, max_in_flight=max_in_flight, allowed_updates=dp.resolve_used_update_types(), shutdown_grace=grace
    )
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for sig in signals:
        loop.add_signal_handler(sig, poller.stop)
    watcher = asyncio.create_task(_stop_when(stop, poller)) if stop is not None else None
    # What aiogram's start_polling hands the startup and shutdown hooks.
    hook_data = {**dp.workflow_data, "dispatcher": dp, "bots": [bot]}
    hook_data.pop("bot", None)
    await dp.emit_startup(bot=bot, **hook_data)
    try:
        await poller.run()
    finally:
        if watcher is not None:
            watcher.cancel()
        for sig in signals:
            loop.remove_signal_handler(sig)
        await dp.emit_shutdown(bot=bot, **hook_data)
    log.info("polling stopped")


async def _stop_when(stop: asyncio.Event, poller: UpdatePoller) -> None:
    await stop.wait()
    poller.stop()


def webhook_app(
    settings: Settings, dp: Dispatcher, i18n: I18n, background: Background | None = None, drain: Drain | None = None
) -> web.Application:
    """The aiohttp app that receives Telegram's webhook calls; a wrong secret header gets 401; once `drain`
    began, 503 (Telegram sends the update again later)."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    bot = telegram_bot(settings, metrics_of(dp))
    secret = settings.webhook_secret.get_secret_value()
    app = web.Application(middlewares=[drain.middleware] if drain is not None else [])
    # Answer Telegram only after the update was handled and committed. aiohttp serves the requests side by side
    # (Telegram opens up to `max_connections`); one user's updates wait for each other on the per-user lock.
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False, channel="telegram"
    ).register(app, path=settings.webhook_path)
    setup_application(app, dp, bot=bot)

    async def announce(_: web.Application) -> None:
        await bot.me()  # see poll_telegram
        await register_commands(bot, i18n)
        await bot.set_webhook(
            settings.webhook_url or "",
            secret_token=secret,
            allowed_updates=dp.resolve_used_update_types(),
            max_connections=min(_WEBHOOK_MAX_CONNECTIONS, settings.max_concurrent_updates),
        )

    app.on_startup.append(announce)
    if background is not None:
        watched = background

        async def start_background(_: web.Application) -> None:
            await watched.start({"telegram": bot})

        async def stop_background(_: web.Application) -> None:
            await watched.stop()

        app.on_startup.append(start_background)
        app.on_shutdown.append(stop_background)
    return app


async def _serve_webhook(settings: Settings, dp: Dispatcher, i18n: I18n, background: Background, drain: Drain) -> None:
    app = webhook_app(settings, dp, i18n, background, drain)
    log.info(
        "webhook listening on %s:%s%s",
        settings.webhook_listen_host,
        settings.webhook_listen_port,
        settings.webhook_path,
    )
    await _serve(app, settings.webhook_listen_host, settings.webhook_listen_port, "WEBHOOK_LISTEN_PORT", drain=drain)


async def _serve_webchat(
    settings: Settings, dp: Dispatcher, keys: KeyMaterial, clock: Clock, background: Background, drain: Drain
) -> None:
    hub = WebChatHub(settings.data_dir / "webchat", keys.derive("webchat-files"))
    bot = create_webchat_bot(hub, clock)
    app = create_webchat_app(dp, bot, hub)
    async with running_background(background, "web", bot):
        await _serve(
            app, settings.webchat_host, settings.webchat_port, "WEBCHAT_PORT", announce_webchat=True, drain=drain
        )


async def _serve(
    app: web.Application,
    host: str,
    port: int,
    setting: str,
    *,
    announce_webchat: bool = False,
    drain: Drain | None = None,
) -> None:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise SettingsError(f"{setting}: cannot listen on {host}:{port} ({exc.strerror})") from None
            raise
        if announce_webchat:
            bound_port = runner.addresses[0][1] if runner.addresses else port
            print(f"Yuelao web chat: http://{host}:{bound_port}/  (Ctrl-C to stop)", flush=True)
        await _until_stopped(drain)
    finally:
        await runner.cleanup()


async def _until_stopped(drain: Drain | None = None) -> None:
    if drain is not None:  # its signal handlers are installed by `run`
        await drain.requested.wait()
        log.info("stopping")
        await drain.until_idle()
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    log.info("stopping")
