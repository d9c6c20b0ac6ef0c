"""The real bot in the web chat, in headless Chromium: a newcomer opens the page, starts, picks a language."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher
from playwright.async_api import Page, expect

from domain.clock import FakeClock
from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser


async def test_start_pick_chinese_and_read_the_answer_in_it(
    webchat_url: WebChatUrl, browser_page: Page, dp: Dispatcher, clock: FakeClock
) -> None:
    page = browser_page
    await page.goto(await webchat_url(dp, clock=clock))

    await send(page, "/start")
    await expect(page.locator(".from-bot .text").filter(has_text="Welcome to Yuelao").last).to_be_visible()

    await page.get_by_role("button", name="简体中文").last.click()

    await expect(page.locator(".from-bot .text").filter(has_text="欢迎来到月老").last).to_be_visible()
    await send(page, "/help")
    await expect(page.locator(".from-bot .text").filter(has_text="我可以为您做这些").last).to_be_visible()


async def test_a_command_in_the_bots_message_is_sent_when_tapped(
    webchat_url: WebChatUrl, browser_page: Page, dp: Dispatcher, clock: FakeClock
) -> None:
    page = browser_page
    await page.goto(await webchat_url(dp, clock=clock))
    await send(page, "/help")
    help_text = page.locator(".from-bot .text").filter(has_text="/mydata").last
    await expect(help_text).to_be_visible()

    await help_text.get_by_role("button", name="/mydata", exact=True).click()

    await expect(page.locator(".from-user .text").last).to_have_text("/mydata")
    no_data = page.locator(".from-bot .text").filter(has_text="I hold no data about you").last
    await expect(no_data).to_be_visible()
    await no_data.get_by_role("button", name="/start", exact=True).click()
    await expect(page.locator(".from-bot .text").filter(has_text="Welcome to Yuelao").last).to_be_visible()
    # A command the user typed stays plain text, and so does a slash inside a word or a link.
    await expect(page.locator(".from-user .text button")).to_have_count(0)
