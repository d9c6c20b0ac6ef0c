"""The web chat in headless Chromium: what a person sees and does on the page."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest
from aiogram import Bot
from aiohttp import web
from playwright.async_api import Browser, FilePayload, Locator, Page, expect

from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot, run_webchat
from domain.clock import FakeClock
from tests.webchat.browser_walk import send
from tests.webchat.conftest import WebChatUrl
from tests.webchat.images_for_tests import tiny_png
from tests.webchat.sample_bot import DOCUMENT_BYTES, make_dispatcher

pytestmark = pytest.mark.browser


def _bot_text(page: Page, text: str) -> Locator:
    return page.locator(".from-bot .text").filter(has_text=text).last


async def test_start_then_press_a_button_and_see_the_answer_and_the_edit(
    webchat_url: WebChatUrl, browser_page: Page
) -> None:
    page = browser_page
    await page.goto(await webchat_url(make_dispatcher()))
    await expect(page.get_by_placeholder("Message")).to_be_visible()

    await page.get_by_role("button", name="Start").click()
    greeting = page.locator(".from-bot .text").filter(has_text="Hello, guest!")
    await expect(greeting).to_be_visible()
    await expect(greeting.locator("b")).to_have_text("guest")
    await expect(page.get_by_role("link", name="Website")).to_have_attribute("href", "https://example.org/")

    await page.get_by_role("button", name="Yes").click()
    await expect(page.locator("#toast")).to_have_text("Noted")
    edited = page.locator(".from-bot").filter(has_text="You chose yes.")
    await expect(edited.locator("i")).to_have_text("yes")
    await expect(edited.locator(".edited")).to_have_text("edited")
    await expect(page.get_by_role("button", name="Yes")).to_have_count(0)
    await expect(page.locator(".from-bot")).to_have_count(1)


async def test_an_alert_answer_opens_a_dialog_and_a_deleted_message_disappears(
    webchat_url: WebChatUrl, browser_page: Page
) -> None:
    page = browser_page
    await page.goto(await webchat_url(make_dispatcher()))
    await send(page, "/start")
    await page.get_by_role("button", name="Alert").click()
    dialog = page.locator("#alert-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("Are you sure?")
    await dialog.get_by_role("button", name="OK").click()
    await expect(dialog).to_be_hidden()

    await send(page, "/gone")
    await expect(_bot_text(page, "Deleted it")).to_be_visible()
    await expect(page.locator(".row").filter(has_text="This will disappear")).to_have_count(0)


async def test_markup_typed_by_the_user_is_shown_as_text(webchat_url: WebChatUrl, browser_page: Page) -> None:
    page = browser_page
    await page.goto(await webchat_url(make_dispatcher()))
    typed = "<img src=x onerror=\"document.title='pwned'\"> <b>not bold</b>"
    await send(page, typed)
    await expect(page.locator(".from-user .text").last).to_have_text(typed)
    await expect(_bot_text(page, "You said: <img")).to_be_visible()
    assert await page.locator(".text img, .text b").count() == 0
    assert await page.title() == "Yuelao · 月老"


async def test_a_reply_keyboard_asks_for_the_phone_number_and_goes_away(
    webchat_url: WebChatUrl, browser_page: Page
) -> None:
    page = browser_page
    await page.goto(await webchat_url(make_dispatcher()))
    await send(page, "/phone")
    keyboard = page.locator("#reply-keyboard")
    await expect(keyboard.get_by_role("button", name="Later")).to_be_visible()
    await expect(page.locator("#input")).to_have_attribute("placeholder", "Your phone")

    await keyboard.get_by_role("button", name="Share my phone").click()
    dialog = page.locator("#contact-dialog")
    await dialog.locator("#phone").fill("+86 138 0013 8000")
    await dialog.get_by_role("button", name="Share").click()

    await expect(page.locator(".from-user .contact")).to_contain_text("+86 138 0013 8000")
    await expect(_bot_text(page, "Thanks, +86 138 0013 8000")).to_be_visible()
    await expect(keyboard).to_be_hidden()
    await expect(page.locator("#input")).to_have_attribute("placeholder", "Message")


async def test_a_photo_goes_to_the_bot_and_a_document_comes_back_as_a_download(
    webchat_url: WebChatUrl, browser_page: Page
) -> None:
    page = browser_page
    await page.goto(await webchat_url(make_dispatcher()))
    await expect(page.get_by_role("button", name="Start")).to_be_visible()
    await page.locator("#photo-input").set_input_files(
        files=[FilePayload(name="me.png", mimeType="image/png", buffer=tiny_png(64, 48))]
    )
    await expect(_bot_text(page, "Got your photo")).to_be_visible()
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.from-bot img.photo')]"
        ".some(image => image.src.startsWith('blob:') && image.complete && image.naturalWidth === 64)"
    )

    await send(page, "/doc")
    document = page.locator(".from-bot .document")
    await expect(document).to_contain_text("约会 notes.txt")
    async with page.expect_download() as downloading:
        await document.click()
    download = await downloading.value
    assert download.suggested_filename == "约会 notes.txt"
    assert await asyncio.to_thread(Path(await download.path()).read_bytes) == DOCUMENT_BYTES


async def test_chinese_labels_and_language_and_one_user_per_browser(
    webchat_url: WebChatUrl, browser_page: Page, chromium: Browser
) -> None:
    url = await webchat_url(make_dispatcher())
    chinese = await chromium.new_context(locale="zh-CN")
    try:
        page = await chinese.new_page()
        await page.goto(url)
        await expect(page.get_by_placeholder("输入消息")).to_be_visible()
        await expect(page.get_by_role("button", name="发送")).to_be_visible()
        await send(page, "你好，月老")
        await expect(_bot_text(page, "You said: 你好，月老 (zh)")).to_be_visible()

        await browser_page.goto(url)
        await expect(browser_page.get_by_role("button", name="Start")).to_be_visible()
        assert await browser_page.locator(".row").count() == 0

        await page.reload()
        await expect(_bot_text(page, "You said: 你好，月老 (zh)")).to_be_visible()
    finally:
        await chinese.close()


async def test_the_page_reconnects_after_the_server_comes_back(tmp_path: Path, browser_page: Page) -> None:
    key = secrets.token_bytes(32)

    async def serve(port: int) -> tuple[Bot, web.AppRunner]:
        hub = WebChatHub(tmp_path / "webchat", key)
        bot = create_webchat_bot(hub, FakeClock())
        return bot, await run_webchat(create_webchat_app(make_dispatcher(), bot, hub), "127.0.0.1", port)

    bot, runner = await serve(0)
    port = runner.addresses[0][1]
    page = browser_page
    try:
        await page.goto(f"http://127.0.0.1:{port}/")
        await send(page, "before")
        await expect(_bot_text(page, "You said: before (en)")).to_be_visible()

        await runner.cleanup()
        await bot.session.close()
        banner = page.locator("#banner")
        await expect(banner).to_have_text("Connection lost, reconnecting…")
        await expect(page.get_by_role("button", name="Send")).to_be_disabled()

        bot, runner = await serve(port)
        await expect(banner).to_be_hidden(timeout=20_000)
        await send(page, "after")
        await expect(_bot_text(page, "You said: after (en)")).to_be_visible()
    finally:
        await runner.cleanup()
        await bot.session.close()
