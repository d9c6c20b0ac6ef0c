"""A client's conversation survives a server restart, in headless Chromium: the open page gets it back when it
reconnects, a reload shows it (the photo too), and a button of a message from before the restart still works.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import FilePayload, Page, expect

from bot.app import create_dispatcher
from bot.runner import background_for
from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot, run_webchat
from domain.clock import SystemClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.webchat.browser_walk import press, see, type_in
from tests.webchat.images_for_tests import tiny_png

pytestmark = pytest.mark.browser
DELIVERED_WITHIN_MS = 15_000


async def test_the_conversation_is_back_after_a_restart_and_a_reload(
    browser_page: Page, app_database: Database, tmp_path: Path
) -> None:
    clock = SystemClock()
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100)
    key = secrets.token_bytes(32)

    @asynccontextmanager
    async def server(port: int) -> AsyncIterator[web.AppRunner]:
        """One run of the server: a new dispatcher, hub, bot and worker on the same database and key."""
        hub = WebChatHub(tmp_path / "webchat", key)
        bot = create_webchat_bot(hub, clock)
        dispatcher = create_dispatcher(settings, database=app_database, clock=clock)
        background = background_for(settings, app_database, clock, dispatcher)
        runner = await run_webchat(create_webchat_app(dispatcher, bot, hub), "127.0.0.1", port)
        await background.start({"web": bot})
        try:
            yield runner
        finally:
            await background.stop()
            await runner.cleanup()
            await bot.session.close()

    page = browser_page
    async with server(0) as runner:
        port = runner.addresses[0][1]
        await page.goto(f"http://127.0.0.1:{port}/")
        await type_in(page, "/start", "Welcome to Yuelao")
        await press(page, "I agree, let's begin", then_see="Step 1 of")
        await type_in(page, "Li Wei", "Step 2 of")
        await page.locator("#photo-input").set_input_files(
            files=[FilePayload(name="me.png", mimeType="image/png", buffer=tiny_png(64, 48))]
        )
        await expect(page.locator(".from-user img.photo")).to_have_count(1)
        await type_in(page, "/delete", "Delete your data?")
        rows_before = await page.locator(".row").count()

    await expect(page.locator("#banner")).to_be_visible()
    async with server(port):
        # The open page reconnects by itself and is shown the conversation again, not an empty chat.
        await expect(page.locator("#banner")).to_be_hidden(timeout=20_000)
        await expect(page.locator(".row")).to_have_count(rows_before)
        await expect(page.get_by_role("button", name="Start")).to_be_hidden()

        await page.reload()
        await see(page, "Welcome to Yuelao")
        await expect(page.locator(".from-user .text").filter(has_text="Li Wei")).to_be_visible()
        await expect(page.locator(".row")).to_have_count(rows_before)
        photo = page.locator(".from-user img.photo")
        await expect(photo).to_have_js_property("complete", True)
        assert await photo.evaluate("image => image.naturalWidth") == 64

        await press(page, "No, keep my data", then_see="Step 2 of", timeout=DELIVERED_WITHIN_MS)
        await expect(page.locator("#toast")).to_have_text("Your data is kept.")
