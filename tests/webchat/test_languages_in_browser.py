"""The page's own labels and times in the chat's language, in headless Chromium: a Chinese browser sees Chinese
labels at once, and choosing another language in the chat relabels the page."""

from __future__ import annotations

import re

import pytest
from aiogram import Dispatcher
from playwright.async_api import Browser, Page, expect

from domain.clock import FakeClock
from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser


async def test_a_traditional_chinese_browser_sees_traditional_labels(
    webchat_url: WebChatUrl, chromium: Browser, dp: Dispatcher, clock: FakeClock
) -> None:
    url = await webchat_url(dp, clock=clock)
    context = await chromium.new_context(locale="zh-TW")
    try:
        page = await context.new_page()
        await page.goto(url)
        await expect(page.locator("#status")).to_have_text("線上")
        await expect(page.get_by_role("button", name="傳送")).to_be_visible()
        await expect(page.get_by_placeholder("輸入訊息")).to_be_visible()
        await expect(page.locator("html")).to_have_attribute("lang", "zh-TW")

        await page.get_by_role("button", name="開始").click()

        await expect(page.locator(".from-bot .text").filter(has_text="歡迎來到月老").last).to_be_visible()
        await expect(page.locator(".from-bot .meta").last).to_have_text(re.compile("^[上下]午"))
    finally:
        await context.close()


async def test_choosing_chinese_in_the_chat_relabels_the_page(
    webchat_url: WebChatUrl, browser_page: Page, dp: Dispatcher, clock: FakeClock
) -> None:
    page = browser_page
    await page.goto(await webchat_url(dp, clock=clock))
    await expect(page.locator("#status")).to_have_text("online")
    await send(page, "/start")
    await expect(page.locator(".from-bot .text").filter(has_text="Welcome to Yuelao").last).to_be_visible()
    await expect(page.locator(".from-bot .meta").last).to_have_text(re.compile("[AP]M"))

    await page.get_by_role("button", name="简体中文").last.click()

    await expect(page.get_by_role("button", name="发送")).to_be_visible()
    await expect(page.get_by_placeholder("输入消息")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("在线")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator(".from-bot .meta").last).not_to_have_text(re.compile("[AP]M"))

    await send(page, "/language")
    await page.get_by_role("button", name="Русский").last.click()

    await expect(page.get_by_role("button", name="Отправить")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("в сети")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
