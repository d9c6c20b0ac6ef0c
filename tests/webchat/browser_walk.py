"""A newcomer registering in the web chat in headless Chromium, as a person would (shared by browser tests)."""

from __future__ import annotations

from playwright.async_api import FilePayload, Page, expect

from tests.webchat.images_for_tests import tiny_png


async def see(page: Page, text: str, *, timeout: float | None = None) -> None:
    """The bot's message with `text` shows (within `timeout` ms, else the conftest's guard)."""
    await expect(page.locator(".from-bot .text").filter(has_text=text).last).to_be_visible(timeout=timeout)


async def send(page: Page, text: str) -> None:
    """Type `text` and press Enter once the chat is connected (until then the page keeps what was typed and
    sends nothing, as a person would see from the disabled Send button)."""
    await expect(page.locator("#send")).to_be_enabled()
    await page.locator("#input").fill(text)
    await page.locator("#input").press("Enter")


async def type_in(page: Page, text: str, then_see: str) -> None:
    await send(page, text)
    await see(page, then_see)


async def press(page: Page, *buttons: str, then_see: str, timeout: float | None = None) -> None:
    for button in buttons:
        await page.get_by_role("button", name=button, exact=True).last.click()
    await see(page, then_see, timeout=timeout)


async def register_in_browser(page: Page) -> None:
    """/start to the review of a finished profile: Li Wei (called Wei), an architect in Shanghai looking for a
    woman."""
    await type_in(page, "/start", "Welcome to Yuelao")
    await press(page, "I agree, let's begin", then_see="Step 1 of")
    await type_in(page, "Li Wei", "Step 2 of")
    await type_in(page, "Wei", "Step 3 of")
    await press(page, "Man", then_see="Step 4 of")
    await type_in(page, "17.05.1994", "Step 5 of")
    await type_in(page, "175cm", "Step 6 of")
    await press(page, "Master's degree", then_see="Step 7 of")
    await type_in(page, "Architect", "Step 8 of")
    await press(page, "100,000 to 200,000 CNY", then_see="Step 9 of")
    await type_in(page, "Shanghai", "Step 10 of")
    await press(page, "Never married", then_see="Step 11 of")
    await press(page, "No children", then_see="Step 12 of")
    await press(page, "Yes", then_see="Step 13 of")
    await press(page, "Cheerful", "Steady", "Done", then_see="Step 14 of")
    await press(page, "Hiking", "Done", then_see="Step 15 of")
    await type_in(page, "I design libraries and hike on weekends.", "Step 16 of")
    await press(page, "Skip", then_see="Step 17 of")
    await press(page, "Skip", then_see="Step 18 of")
    await page.locator("#photo-input").set_input_files(
        files=[FilePayload(name="me.png", mimeType="image/png", buffer=tiny_png(64, 48))]
    )
    await press(page, "Done (1 of 5)", then_see="question 1 of 8")
    await press(page, "A woman", then_see="question 2 of 8")
    await type_in(page, "26-34", "question 3 of 8")
    await press(page, "No preference", then_see="question 4 of 8")
    await press(page, "Bachelor's degree", then_see="question 5 of 8")
    await press(page, "Shanghai", "Done", then_see="question 6 of 8")
    await press(page, "No preference", then_see="question 7 of 8")
    await press(page, "No preference", then_see="question 8 of 8")
    await press(page, "Age", "Done", then_see="Only you and the agency's staff see this")
