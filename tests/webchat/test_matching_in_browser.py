"""The matching promise in the web chat: a newcomer registers, opens their suggestions, says Interested to a
demo client who fits, is introduced, agrees to share contacts and receives the contact; then proposes a date,
which the demo client accepts, and downloads the calendar file. The outbox worker and the scheduler run for
real on the web chat's bot (demo clients answer at once in this test)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from bot.app import create_dispatcher
from bot.runner import background_for
from domain.clock import SystemClock
from domain.demo import demo_people
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_pool import seed_demo
from storage.models.matching import IntroductionRow
from tests.webchat.browser_walk import press, register_in_browser, see
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")
DELIVERED_WITHIN_MS = 15_000  # the demo answer runs as a job, then the worker delivers it


async def test_a_newcomer_is_introduced_and_receives_the_contact(
    webchat_url: WebChatUrl, browser_page: Page, app_database: Database, tmp_path: Path
) -> None:
    clock = SystemClock()
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100, demo_answer_seconds=0
    )
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(60, today=clock.now().date()), clock.now())
    dp = create_dispatcher(settings, database=app_database, clock=clock)
    background = background_for(settings, app_database, clock, dp)  # every feature's jobs, as in production
    page = browser_page
    await page.goto(await webchat_url(dp, clock=clock, background=background))

    await register_in_browser(page)
    await press(page, "✅ Confirm", then_see="Your registration is complete")
    await press(page, "💘 My suggestions", then_see="Why we suggest them")
    await see(page, "Demo profile: a made-up person")

    await press(page, "💚 Interested", then_see="I will let you know if")
    await see(page, "It's a match!", timeout=DELIVERED_WITHIN_MS)
    await press(page, "🤝 Share my contact", then_see="agreed to share contacts")
    await see(page, "uses the agency's web chat: your counselor will pass your messages on.")

    async with app_database.unit_of_work(read_only=True) as uow:
        states = (await uow.session.scalars(select(IntroductionRow.state))).all()
    assert states == ["connected"]

    # A date: two days from now (in the client's time zone), the first time offered, the first venue idea.
    await press(page, "📅 Propose a date", then_see="Pick a day for your date with")
    day = (clock.now().astimezone(SHANGHAI) + timedelta(days=2)).date()
    if day.month != clock.now().astimezone(SHANGHAI).month:
        await page.get_by_role("button", name="»", exact=True).last.click()
    await press(page, str(day.day), then_see="choose a start time")
    await page.get_by_role("button", name=re.compile(r"^\d\d:\d\d$")).first.click()
    await press(page, "Next: the venue ➡️", then_see="Where would you like to meet?")
    await page.locator(".from-bot .inline-keyboard").last.locator("button.key").first.click()  # a venue idea
    await see(page, "Sent to", timeout=DELIVERED_WITHIN_MS)
    await see(page, "is confirmed", timeout=DELIVERED_WITHIN_MS)
    await page.get_by_role("button", name="📅 Calendar file", exact=True).last.click()
    calendar_file = page.locator(".from-bot .document").last
    await expect(calendar_file).to_contain_text("date.ics", timeout=DELIVERED_WITHIN_MS)
    async with page.expect_download() as downloading:
        await calendar_file.click()
    download = await downloading.value
    assert download.suggested_filename == "date.ics"
    assert b"BEGIN:VEVENT" in await asyncio.to_thread(Path(await download.path()).read_bytes)
