"""A newcomer completes the whole registration in the web chat, in headless Chromium, as a person would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.app import create_dispatcher
from bot.settings import Settings
from domain.clock import FakeClock
from storage.database import Database
from tests.webchat.conftest import WebChatUrl
from tests.webchat.images_for_tests import tiny_png

try:
    from playwright.async_api import FilePayload, Page, expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser


async def _see(page: Page, text: str) -> None:
    await expect(page.locator(".from-bot .text").filter(has_text=text).last).to_be_visible()


async def _type(page: Page, text: str, then_see: str) -> None:
    await page.locator("#input").fill(text)
    await page.locator("#input").press("Enter")
    await _see(page, then_see)


async def _press(page: Page, *buttons: str, then_see: str) -> None:
    for button in buttons:
        await page.get_by_role("button", name=button, exact=True).last.click()
    await _see(page, then_see)


async def test_from_start_to_an_active_profile_in_the_web_chat(
    webchat_url: WebChatUrl, browser_page: Page, app_database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    # A quick typist in a browser: the flood guard is for people hammering the bot, not for this test.
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100)
    page = browser_page
    await page.goto(await webchat_url(create_dispatcher(settings, database=app_database, clock=clock), clock=clock))

    await _type(page, "/start", "Welcome to Yuelao")
    await _press(page, "I agree, let's begin", then_see="Step 1 of 17")
    await _type(page, "Li Wei", "Step 2 of 17")
    await _press(page, "Man", then_see="Step 3 of 17")
    await _type(page, "17.05.1994", "Step 4 of 17")
    await _type(page, "175cm", "Step 5 of 17")
    await _press(page, "Master's degree", then_see="Step 6 of 17")
    await _type(page, "Architect", "Step 7 of 17")
    await _press(page, "100,000 to 200,000 CNY", then_see="Step 8 of 17")
    await _type(page, "Shanghai", "Step 9 of 17")
    await _press(page, "Never married", then_see="Step 10 of 17")
    await _press(page, "No children", then_see="Step 11 of 17")
    await _press(page, "Yes", then_see="Step 12 of 17")
    await _press(page, "Cheerful", "Steady", "Done", then_see="Step 13 of 17")
    await _press(page, "Hiking", "Done", then_see="Step 14 of 17")
    await _type(page, "I design libraries and hike on weekends.", "Step 15 of 17")
    await _press(page, "Skip", then_see="Step 16 of 17")
    await _press(page, "Skip", then_see="Step 17 of 17")
    await page.locator("#photo-input").set_input_files(
        files=[FilePayload(name="me.png", mimeType="image/png", buffer=tiny_png(64, 48))]
    )
    await _press(page, "Done (1 of 5)", then_see="question 1 of 8")
    await _press(page, "A woman", then_see="question 2 of 8")
    await _type(page, "26-34", "question 3 of 8")
    await _press(page, "No preference", then_see="question 4 of 8")
    await _press(page, "Bachelor's degree", then_see="question 5 of 8")
    await _press(page, "Shanghai", "Done", then_see="question 6 of 8")
    await _press(page, "No preference", then_see="question 7 of 8")
    await _press(page, "No preference", then_see="question 8 of 8")
    await _press(page, "Age", "Done", then_see="Only you and the agency's staff see this")
    await _press(page, "✅ Confirm", then_see="Your registration is complete")

    async with app_database.unit_of_work(read_only=True) as uow:
        active = await uow.profiles.list_by_status("active")
    assert len(active) == 1
    assert active[0].display_name == "Li Wei"
    assert active[0].height_cm == 175
