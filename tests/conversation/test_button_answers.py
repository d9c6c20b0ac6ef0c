"""Button presses against what Telegram refuses: no edit that changes nothing, every press answered exactly once
(also when the handler fails), and a press handled too late to be answered still does its work."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.webchat.telegram_html import parse_html
from domain.clock import FakeClock
from handlers.answers import unchanged
from handlers.journey import screens
from storage.database import Database
from tests.botclient import ErrorLogCapture
from tests.conversation.telegram import TelegramChat, TelegramClient
from tests.journey_walk import answer_until, consent, stored


@pytest.fixture
def session(clock: FakeClock) -> TelegramChat:
    return TelegramChat(clock)


# --- no edit that changes nothing ---------------------------------------------------------------------------------
async def test_the_language_already_shown_on_the_greeting_changes_nothing_and_is_kept(
    person: TelegramClient,
) -> None:
    await person.send("/start")

    calls = await person.click("English")

    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    await person.send("/help")
    assert person.last_text().startswith("Here is what I can do")


async def test_switching_the_greeting_back_and_forth_edits_it_each_time_and_keeps_the_last_choice(
    person: TelegramClient,
) -> None:
    await person.send("/start")
    greeting = max(person.view.messages)

    assert [type(c) for c in await person.click("简体中文")] == [AnswerCallbackQuery, EditMessageText]
    assert [type(c) for c in await person.click("简体中文", message_id=greeting)] == [AnswerCallbackQuery]
    assert [type(c) for c in await person.click("English", message_id=greeting)] == [
        AnswerCallbackQuery,
        EditMessageText,
    ]

    assert person.view.messages[greeting].text.startswith("Welcome to <b>Yuelao</b>")
    await person.send("/help")
    assert person.last_text().startswith("Here is what I can do")


# --- answered exactly once, also when the handler fails -------------------------------------------------------------
async def test_a_button_whose_handler_fails_is_answered_once_with_the_apology(
    person: TelegramClient, error_log: ErrorLogCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await person.send("/start")

    def broken(*, consented: bool) -> object:
        raise RuntimeError("the screen could not be drawn")

    monkeypatch.setattr(screens, "greeting_screen", broken)
    error_log.expected = 1

    calls = await person.click("简体中文")  # the handler answers the press, then fails

    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert person.view.toasts[-1].startswith("Sorry, something went wrong on my side.")


async def test_an_apology_the_person_cannot_receive_is_logged_and_the_bot_goes_on(
    dp: Dispatcher,
    person: TelegramClient,
    session: TelegramChat,
    error_log: ErrorLogCapture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails(message: Message) -> None:
        raise RuntimeError("the handler failed")

    dp.message.register(fails, Command("boom"))
    session.blocked.add(person.chat.id)
    error_log.expected = 1

    await person.send("/boom")  # the apology is refused (blocked): nothing escapes the update

    assert [type(c) for c in session.refused] == [SendMessage]
    assert "the apology was not delivered: TelegramForbiddenError" in caplog.text


# --- a press handled too late to be answered -------------------------------------------------------------------------
async def test_a_press_handled_too_late_to_answer_still_does_its_work(
    person: TelegramClient, session: TelegramChat, app_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await person.send("/start")

    with caplog.at_level(logging.INFO):
        calls = await person.press_late("I agree, let's begin")

    assert [type(c) for c in session.refused] == [AnswerCallbackQuery]  # Telegram refused the answer...
    assert [type(c) for c in calls if isinstance(c, SendMessage)] == [SendMessage]  # ...the next question went out
    assert "<i>Step 1 of " in person.last_text()
    db = await stored(app_database, person)  # ...and the consent and the profile were committed
    assert db.account is not None and [c.notice_version for c in db.consents] == ["2026-12.2"]
    assert db.profile is not None and db.profile.intake_step == "name"
    assert "query is too old" in caplog.text  # logged, not fatal


async def test_an_answer_tapped_too_late_to_answer_is_saved_and_the_interview_goes_on(
    person: TelegramClient, app_database: Database
) -> None:
    await consent(person)
    await answer_until(person, "gender")

    await person.press_late("Woman")

    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.gender == "female"
    assert "What is your date of birth?" in person.last_text()


# --- what "changes nothing" means --------------------------------------------------------------------------------
def _shown(bot: Bot, html: str, markup: InlineKeyboardMarkup | None) -> Message:
    """A message as it comes with an update: plain text and entities, bound to the Bot."""
    parsed = parse_html(html)
    message = Message(
        message_id=1,
        date=datetime(2026, 1, 5, tzinfo=UTC),
        chat=Chat(id=1, type="private"),
        text=parsed.text,
        entities=parsed.entities or None,
        reply_markup=markup,
    )
    return message.as_(bot)


def _buttons(*labels: str) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(text=label, callback_data=f"x:{label}") for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=[row])


@pytest.mark.parametrize(
    ("shown", "new"),
    [
        ("Welcome to <b>Yuelao</b>, let's begin", "Welcome to <b>Yuelao</b>, let's begin"),
        ('He said "hi" &amp; left', "He said &quot;hi&quot; &amp; left"),
        ("<b>bold</b> and <i>italic</i>", "<strong>bold</strong> and <em>italic</em>"),
        ("Trimmed", "Trimmed\n"),
        ('<a href="https://example.org">site</a>', "<a href='https://example.org'>site</a>"),
    ],
)
def test_the_same_content_however_the_html_spells_it_is_unchanged(bot: Bot, shown: str, new: str) -> None:
    assert unchanged(_shown(bot, shown, _buttons("A", "B")), new, _buttons("A", "B"))


@pytest.mark.parametrize(
    ("new", "markup"),
    [
        ("Welcome to Yuelao", _buttons("A", "B")),  # the formatting differs
        ("Welcome to <b>Yuelao</b>!", _buttons("A", "B")),
        ("Welcome to <b>Yuelao</b>", _buttons("A")),
        ("Welcome to <b>Yuelao</b>", None),
    ],
)
def test_other_text_formatting_or_buttons_is_a_change(
    bot: Bot, new: str, markup: InlineKeyboardMarkup | None
) -> None:
    assert not unchanged(_shown(bot, "Welcome to <b>Yuelao</b>", _buttons("A", "B")), new, markup)
