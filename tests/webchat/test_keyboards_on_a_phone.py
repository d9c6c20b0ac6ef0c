"""Inline keyboards on a phone, in headless Chromium at 360 and 390 px wide, in English and Chinese: the real
date calendar (seven day buttons in a row), the personality, hobbies and regions questions. Button rows use
the width of the chat, a button's text wraps only between words, and nothing is wider than the screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import InlineKeyboardMarkup, Message
from playwright.async_api import Browser, ViewportSize, expect

from bot.i18n import create_i18n
from domain.intake import HOBBIES, PERSONALITY, STEPS, AnswerRules
from domain.regions import region_book
from handlers.views.dates.picker import calendar_keyboard
from handlers.views.keyboards import question_keyboard
from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl

pytestmark = pytest.mark.browser
PHONES: dict[str, ViewportSize] = {"360 px": {"width": 360, "height": 780}, "390 px": {"width": 390, "height": 844}}

# Every button whose text wraps inside a word (Intl.Segmenter's words of the page's language) or overflows,
# and whether the page scrolls sideways.
_LAYOUT_PROBLEMS = """
(language) => {
  const words = new Intl.Segmenter(language, { granularity: "word" });
  const problems = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth}px`);
  for (const row of document.querySelectorAll(".keyboard-row")) {
    if (row.scrollWidth > row.clientWidth + 1) problems.push(`a row overflows: ${row.textContent}`);
  }
  for (const key of document.querySelectorAll(".inline-keyboard .key")) {
    if (key.scrollWidth > key.clientWidth + 1) problems.push(`overflows its button: ${key.textContent}`);
    const walker = document.createTreeWalker(key, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const part of words.segment(node.data)) {
        if (!part.isWordLike) continue;
        const range = document.createRange();
        range.setStart(node, part.index);
        range.setEnd(node, part.index + part.segment.length);
        const lines = new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top)));
        if (lines.size > 1) problems.push(`"${part.segment}" is split in: ${key.textContent}`);
      }
    }
  }
  return problems;
}
"""

# The tops of the buttons of each row of the last calendar: one line per row.
_CALENDAR_ROWS = """
() => {
  const keyboards = document.querySelectorAll(".inline-keyboard");
  const calendar = keyboards[0];
  return Array.from(calendar.querySelectorAll(".keyboard-row"), (row) =>
    new Set(Array.from(row.querySelectorAll(".key"), (key) => Math.round(key.getBoundingClientRect().top))).size
  );
}
"""


def _no_phone(text: str) -> str | None:
    return None


def _screens_dispatcher() -> Dispatcher:
    """`/screens <locale>`: the keyboards of real screens, built by the bot's own views in that language."""
    i18n = create_i18n("en")
    rules = AnswerRules(today=date(2026, 12, 6), min_age=18, currency="CNY", regions=region_book(), phone=_no_phone)
    router = Router()

    async def show(message: Message, command: CommandObject) -> None:
        with i18n.context(), i18n.use_locale(command.args or "en"):
            keyboards: list[tuple[str, InlineKeyboardMarkup]] = [
                ("calendar", calendar_keyboard("propose", date(2026, 12, 1), date(2026, 12, 8), date(2027, 1, 20))),
                ("personality", question_keyboard(STEPS["personality"], PERSONALITY, picked=PERSONALITY[:3])),
                ("hobbies", question_keyboard(STEPS["hobbies"], HOBBIES, picked=HOBBIES[::4])),
                (
                    "regions",
                    question_keyboard(
                        STEPS["p_regions"],
                        STEPS["p_regions"].options_for(rules),
                        picked=STEPS["p_regions"].options_for(rules)[::5],
                    ),
                ),
            ]
        for name, markup in keyboards:
            await message.answer(name, reply_markup=markup)

    router.message.register(show, Command("screens"))
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


@pytest.mark.parametrize("locale", ["en", "zh"])
async def test_buttons_keep_their_words_whole_on_a_phone(
    webchat_url: WebChatUrl, chromium: Browser, locale: str
) -> None:
    url = await webchat_url(_screens_dispatcher())
    context = await chromium.new_context(locale="zh-CN" if locale == "zh" else "en-US", viewport=PHONES["390 px"])
    try:
        page = await context.new_page()
        await page.goto(url)
        await send(page, f"/screens {locale}")
        await expect(page.locator(".from-bot .inline-keyboard")).to_have_count(4)
        problems: dict[str, Any] = {}
        for phone, size in PHONES.items():
            await page.set_viewport_size(size)
            found = await page.evaluate(_LAYOUT_PROBLEMS, locale)
            if found:
                problems[phone] = found
            rows = await page.evaluate(_CALENDAR_ROWS)
            if any(lines != 1 for lines in rows):
                problems[f"{phone} calendar rows"] = rows
        assert problems == {}
    finally:
        await context.close()
