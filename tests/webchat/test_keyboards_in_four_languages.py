"""The phone layout check of tests/webchat/test_keyboards_on_a_phone.py for the two newer languages: Russian words
are long, Traditional characters are as wide as Simplified ones; buttons still keep their words whole."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl
from tests.webchat.test_keyboards_on_a_phone import _CALENDAR_ROWS, _LAYOUT_PROBLEMS, PHONES, _screens_dispatcher

pytestmark = pytest.mark.browser
BROWSER_LOCALES = {"zh_Hant": "zh-TW", "ru": "ru-RU"}


@pytest.mark.parametrize("locale", list(BROWSER_LOCALES))
async def test_buttons_keep_their_words_whole_on_a_phone(
    webchat_url: WebChatUrl, chromium: Browser, locale: str
) -> None:
    url = await webchat_url(_screens_dispatcher())
    context = await chromium.new_context(locale=BROWSER_LOCALES[locale], viewport=PHONES["390 px"])
    try:
        page = await context.new_page()
        await page.goto(url)
        await send(page, f"/screens {locale}")
        await expect(page.locator(".from-bot .inline-keyboard")).to_have_count(4)
        problems: dict[str, Any] = {}
        for phone, size in PHONES.items():
            await page.set_viewport_size(size)
            found = await page.evaluate(_LAYOUT_PROBLEMS, BROWSER_LOCALES[locale])
            if found:
                problems[phone] = found
            rows = await page.evaluate(_CALENDAR_ROWS)
            if any(lines != 1 for lines in rows):
                problems[f"{phone} calendar rows"] = rows
        assert problems == {}
    finally:
        await context.close()
