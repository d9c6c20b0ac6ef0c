"""A question answered with a tap keeps what was chosen: it is written under the question and its buttons go, so
scrolling back shows the answers (a multi-select's once the client taps Done). Against Telegram's memory of
each message, so no edit that changes nothing slips through."""

from __future__ import annotations

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage

from domain.clock import FakeClock
from storage.database import Database
from tests.conversation.telegram import TelegramChat, TelegramClient
from tests.journey_walk import answer, answer_until, consent, stored


@pytest.fixture
def session(clock: FakeClock) -> TelegramChat:
    return TelegramChat(clock)


async def test_a_tapped_choice_is_written_under_its_question_and_the_buttons_go(person: TelegramClient) -> None:
    await consent(person)
    await answer_until(person, "gender")
    question = max(person.view.messages)

    calls = await person.click("Man")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText, SendMessage]
    shown = person.view.messages[question]
    assert shown.text.endswith("<b>Are you a man or a woman?</b>\n\n✅ Man")
    assert shown.text.startswith("<i>Step 3 of 18</i>")
    assert shown.inline is None
    assert "What is your date of birth?" in person.last_text()


async def test_a_skipped_question_says_so(person: TelegramClient) -> None:
    await consent(person)
    await answer_until(person, "income")
    question = max(person.view.messages)

    await person.click("Skip")

    assert person.view.messages[question].text.endswith("\n\n⏭ Skipped")
    assert person.view.messages[question].inline is None


async def test_a_multi_select_shows_the_picks_once_done(person: TelegramClient) -> None:
    await consent(person)
    await answer_until(person, "personality")
    question = max(person.view.messages)

    await person.click("Cheerful")
    await person.click("Steady")
    assert "✅ Cheerful" in person.last_buttons()

    calls = await person.click("Done")

    assert [type(c) for c in calls][:2] == [AnswerCallbackQuery, EditMessageText]
    assert person.view.messages[question].text.endswith("\n\n✅ Cheerful, Steady")
    assert person.view.messages[question].inline is None


async def test_a_tapped_city_own_words_and_photos_are_shown_too(person: TelegramClient) -> None:
    await consent(person)
    await answer_until(person, "region")
    region = max(person.view.messages)
    await person.click("Shanghai")
    assert person.view.messages[region].text.endswith("\n\n✅ Shanghai")

    await answer(person, "marital")
    await answer(person, "has_children")
    await answer(person, "wants_children")
    await answer(person, "personality")
    await person.click("Reading")
    await person.click("Travel")
    await person.send("I sing in a choir")  # the question is asked again, with the words
    hobbies = max(person.view.messages)
    await person.click("Done")
    assert person.view.messages[hobbies].text.endswith("\n\n✅ Reading, Travel, I sing in a choir")

    for step in ("about", "history", "phone"):
        await answer(person, step)
    await person.send_photo("photo-1")
    photos = max(person.view.messages)
    await person.click("Done (1 of 5)")
    assert person.view.messages[photos].text.endswith("\n\n✅ Photos received: 1 of 5.")
    assert person.view.messages[photos].inline is None


async def test_an_answer_changed_from_the_review_is_shown_under_its_question(
    person: TelegramClient, app_database: Database
) -> None:
    await consent(person)
    await answer_until(person, None)
    await person.click("✏️ Edit an answer")
    await person.click("Education")
    question = max(person.view.messages)

    await person.click("Doctorate")

    assert person.view.messages[question].text.endswith("\n\n✅ Doctorate")
    assert "Is everything right?" in person.last_text()
    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.education == "doctorate"


async def test_ticking_changes_only_the_buttons_until_done(person: TelegramClient) -> None:
    await consent(person)
    await answer_until(person, "personality")
    question = max(person.view.messages)

    calls = await person.click("Quiet")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageReplyMarkup]
    assert not person.view.messages[question].text.endswith("Quiet")
