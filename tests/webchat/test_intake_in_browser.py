"""A newcomer completes the whole registration in the web chat, in headless Chromium, as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page

from bot.app import create_dispatcher
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.webchat.browser_walk import press, register_in_browser
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser


async def test_from_start_to_an_active_profile_in_the_web_chat(
    webchat_url: WebChatUrl, browser_page: Page, app_database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    # A quick typist in a browser: the flood guard is for people hammering the bot, not for this test.
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100)
    page = browser_page
    await page.goto(await webchat_url(create_dispatcher(settings, database=app_database, clock=clock), clock=clock))

    await register_in_browser(page)
    await press(page, "✅ Confirm", then_see="Your registration is complete")

    async with app_database.unit_of_work(read_only=True) as uow:
        active = await uow.profiles.list_by_status("active")
    assert len(active) == 1
    assert active[0].display_name == "Li Wei"
    assert active[0].height_cm == 175
