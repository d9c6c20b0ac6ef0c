"""The Russian labels on a phone: the calendar, personality, hobbies and regions keyboards keep every word whole
at 360 and 390 px (Russian words are long: "Целеустремлённость", "Внутренняя Монголия")."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl
from tests.webchat.test_keyboards_on_a_phone import _CALENDAR_ROWS, _LAYOUT_PROBLEMS, PHONES, _screens_dispatcher

pytestmark = pytest.mark.browser


async def test_russian_buttons_keep_their_words_whole_on_a_phone(webchat_url: WebChatUrl, chromium: Browser) -> None:
    url = await webchat_url(_screens_dispatcher())
    context = await chromium.new_context(locale="ru-RU", viewport=PHONES["390 px"])
    try:
        page = await context.new_page()
        await page.goto(url)
        await send(page, "/screens ru")
        await expect(page.locator(".from-bot .inline-keyboard")).to_have_count(4)
        assert await page.get_by_text("Целеустремлённость").count() == 1
        problems: dict[str, Any] = {}
        for phone, size in PHONES.items():
            await page.set_viewport_size(size)
            found = await page.evaluate(_LAYOUT_PROBLEMS, "ru")
            if found:
                problems[phone] = found
            rows = await page.evaluate(_CALENDAR_ROWS)
            if any(lines != 1 for lines in rows):
                problems[f"{phone} calendar rows"] = rows
        assert problems == {}
    finally:
        await context.close()
