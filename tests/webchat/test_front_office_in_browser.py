"""The counselor front office in the web chat, three browsers: the first owner joins with the start-up
invitation and invites a counselor; a client registers and asks for help; the counselor claims it; they talk
through the bot; the owner reads the audit trail. The outbox worker and the scheduler run for real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from bot.app import create_dispatcher
from bot.demo import owner_invite_for_webchat
from bot.runner import background_for
from domain.clock import SystemClock
from domain.personnel.training import current_catalog
from handlers.services.settings import Settings
from storage.database import Database
from tests.webchat.browser_walk import press, register_in_browser, see, send, type_in
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser
DELIVERED_WITHIN_MS = 15_000


async def _page(chromium: Browser, url: str) -> Page:
    page = await (await chromium.new_context(locale="en-US")).new_page()
    await page.goto(url)
    return page


async def test_invite_claim_talk_and_audit_in_three_browsers(
    webchat_url: WebChatUrl, chromium: Browser, app_database: Database, tmp_path: Path
) -> None:
    clock = SystemClock()
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        throttle_rate=100,
        throttle_burst=100,
        opening_hours="00:00-24:00",  # a real clock: a counselor is there whenever the test runs
    )
    dp = create_dispatcher(settings, database=app_database, clock=clock)
    url = await webchat_url(dp, clock=clock, background=background_for(settings, app_database, clock, dp))
    first_owner = await owner_invite_for_webchat(settings, app_database, clock)
    assert first_owner is not None

    owner = await _page(chromium, url)
    await type_in(owner, f"/start {first_owner}", "What name should clients see")
    await type_in(owner, "Olivia", "Clients will see you as “Olivia”.")
    await type_in(owner, "/invite counselor", "An invitation for a new counselor")
    text = await owner.locator(".from-bot .text").filter(has_text="In the web chat, they send").last.inner_text()
    found = re.search(r"/start (staff-[A-Za-z0-9_-]+)", text)
    assert found is not None

    counselor = await _page(chromium, url)
    await type_in(counselor, f"/start {found.group(1)}", "please pass your training")
    await see(counselor, "What name should clients see")
    await type_in(counselor, "Cora", "Clients will see you as “Cora”.")  # the web chat calls everyone "Guest"
    await type_in(counselor, "/training", "Open a module to read it and take its quiz.")
    for module in current_catalog().modules:
        await press(counselor, module.title.en, then_see="The quiz: ")
        await press(counselor, "Take the quiz", then_see="question 1 of")
        for number, question in enumerate(module.questions, start=1):
            after = f"question {number + 1} of" if number < len(module.questions) else "You answered"
            await press(counselor, question.answers[question.correct].en, then_see=after)
        await press(counselor, "« My training", then_see="Open a module to read it and take its quiz.")

    client = await _page(chromium, url)
    await register_in_browser(client)
    await press(client, "✅ Confirm", then_see="Your registration is complete")
    await type_in(client, "/human", "I have asked a counselor to join you.")

    await see(counselor, "A client needs a counselor", timeout=DELIVERED_WITHIN_MS)
    await press(counselor, "✋ Claim", then_see="You are now talking with Li Wei.")
    await see(client, "Cora from the agency is here to help you.", timeout=DELIVERED_WITHIN_MS)

    await send(client, "Can you help me with my preferences?")
    await see(counselor, "Li Wei: Can you help me with my preferences?", timeout=DELIVERED_WITHIN_MS)
    await send(counselor, "Of course: open /preferences.")
    await see(client, "Of course: open /preferences.", timeout=DELIVERED_WITHIN_MS)

    await type_in(owner, "/audit", "Audit log")
    await see(owner, "took the client's request")
