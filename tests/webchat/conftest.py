"""Fixtures to run the web chat for real: a server for any Dispatcher, and headless Chromium to open it.

`webchat_url`: ``url = await webchat_url(dp, clock=clock, background=None, **workflow_data)`` serves `dp`
through the web chat on 127.0.0.1 and a free port and returns the page's URL; with a `background` (outbox
worker and scheduler) it is started on the web chat's bot. Everything is stopped after the test.

`chromium`: a Playwright `Browser` (Debian's /usr/bin/chromium); `browser_page`: a `Page` in a fresh context
(its own localStorage, so its own web user) with an English locale, failing the test on an uncaught script
error. Without Chromium the test is skipped, or fails when the environment variable CI is set. Playwright is a
development dependency: the browser test modules import it like any other. Mark such tests `@pytest.mark.browser`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.delivery.service import Background
from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot, run_webchat
from domain.clock import Clock, FakeClock

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# How long an `expect` waits before failing: a guard against hanging, not a measure. The first update of a test
# loads the catalogs, the region book and Chinese conversion; on a loaded 2-core machine that has taken over 5 s
# (Playwright's default).
EXPECT_WITHIN_MS = 30_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WebChatUrl = Callable[..., Awaitable[str]]


@pytest.fixture
async def webchat_url(tmp_path: Path) -> AsyncIterator[WebChatUrl]:
    started: list[tuple[web.AppRunner, Bot]] = []
    backgrounds: list[Background] = []

    async def start(
        dispatcher: Dispatcher,
        *,
        clock: Clock | None = None,
        background: Background | None = None,
        **workflow_data: Any,
    ) -> str:
        hub = WebChatHub(tmp_path / f"webchat-{len(started)}", secrets.token_bytes(32))
        bot = create_webchat_bot(hub, clock or FakeClock())
        runner = await run_webchat(create_webchat_app(dispatcher, bot, hub, **workflow_data), "127.0.0.1", 0)
        started.append((runner, bot))
        if background is not None:
            await background.start({"web": bot})
            backgrounds.append(background)
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}/"

    try:
        yield start
    finally:
        for background in backgrounds:
            await background.stop()
        for runner, bot in reversed(started):
            await runner.cleanup()
            await bot.session.close()


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required when CI is set)")
    pytest.skip(reason)


def _playwright_with_chromium() -> Callable[[], AbstractAsyncContextManager[Playwright]]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    return async_playwright


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    async with _playwright_with_chromium()() as playwright:
        from playwright.async_api import expect

        expect.set_options(timeout=EXPECT_WITHIN_MS)
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def browser_page(chromium: Browser) -> AsyncIterator[Page]:
    """A page in a fresh context; an uncaught script error on it fails the test."""
    context = await chromium.new_context(locale="en-US")
    script_errors: list[str] = []
    try:
        page = await context.new_page()
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        yield page
    finally:
        await context.close()
    assert not script_errors, f"the page raised: {script_errors}"
