"""What people really send: dates in every format, heights with units, ranges upside down, empty and huge
texts, emoji and right-to-left text, stickers, voice, photos and files in the wrong place, someone else's
contact, outdated buttons. Each gets its own explanation and the same question again; nothing already
answered is lost."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from aiogram.types import Contact, Document, Voice

from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, answer, answer_until, consent, paced, stored


@pytest.fixture
def client(dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture) -> PacedClient:
    return paced(dp, bot, session, error_log)


async def at_step(client: PacedClient, step: str) -> None:
    await consent(client)
    await answer_until(client, step)


def refused(client: PacedClient, explanation: str, question_marker: str) -> None:
    """The last message explains the problem and asks the same question again."""
    text = client.last_text()
    assert text.startswith("⚠️ " + explanation), text
    assert question_marker in text, text


# --- dates ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["1994-05-17", "17.05.1994", "1994/5/17", "1994年5月17日", "May 17, 1994"])
async def test_dates_in_the_formats_people_type(client: PacedClient, app_database: Database, typed: str) -> None:
    await at_step(client, "birth_date")

    await client.send(typed)

    assert "<i>Step 5 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.birth_date is not None
    assert db.profile.birth_date.isoformat() == "1994-05-17"


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("next spring", "I could not read that date."),
        ("1994-02-30", "That date does not exist in the calendar."),
        ("03/04/1994", "That date can be read two ways"),
        ("2030-01-01", "That date is in the future."),
        ("2010-06-01", "The agency registers clients aged 20 and over"),
        ("1890-01-01", "Please check the year"),
    ],
)
async def test_dates_that_cannot_be_accepted_are_explained(
    client: PacedClient, app_database: Database, typed: str, explanation: str
) -> None:
    await at_step(client, "birth_date")

    await client.send(typed)

    refused(client, explanation, "<i>Step 4 of 18</i>")
    db = await stored(app_database, client)
    assert db.profile is not None
    assert (db.profile.birth_date, db.profile.display_name, db.profile.gender) == (None, "Li Wei", "male")


async def test_the_minimum_age_comes_from_the_settings(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> None:
    settings = dp["settings"]
    dp["settings"] = settings.model_copy(update={"min_client_age": 35})
    client = paced(dp, bot, session, error_log)
    await at_step(client, "birth_date")
    assert "aged 35 and over" in client.last_text()

    await client.send("1994-05-17")

    refused(client, "The agency registers clients aged 35 and over", "<i>Step 4 of 18</i>")


# --- heights and ranges ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "height"), [("172", 172), ("172cm", 172), ("172 厘米", 172), ("1.72m", 172)])
async def test_heights_with_or_without_units(
    client: PacedClient, app_database: Database, typed: str, height: int
) -> None:
    await at_step(client, "height")

    await client.send(typed)

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.height_cm == height


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [("tall", "Please give your height as a number of centimetres"), ("500", "between 120 and 230 cm")],
)
async def test_heights_that_cannot_be_accepted(client: PacedClient, typed: str, explanation: str) -> None:
    await at_step(client, "height")

    await client.send(typed)

    text = client.last_text()
    assert text.startswith("⚠️ ") and explanation in text
    assert "<i>Step 5 of 18</i>" in text


async def test_an_age_range_upside_down_or_out_of_bounds(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "p_age")

    await client.send("35-25")
    refused(client, "The lower number should come first: did you mean 25-35?", "question 2 of 8")
    await client.send("12-16")
    refused(client, "Please choose ages between 20 and 99.", "question 2 of 8")
    await client.send("thirty")
    refused(client, "Please give the lowest and the highest value", "question 2 of 8")
    await client.send("25 to 35")

    db = await stored(app_database, client)
    assert db.preferences is not None and (db.preferences.age_min, db.preferences.age_max) == (25, 35)
    assert db.preferences.gender_sought == "female"


async def test_a_height_range_upside_down(client: PacedClient) -> None:
    await at_step(client, "p_height")

    await client.send("180-160")

    refused(client, "The lower number should come first: did you mean 160-180?", "question 3 of 8")


# --- free text ---------------------------------------------------------------------------------------------------
async def test_text_too_long_too_short_or_blank(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "about")

    await client.send("x" * 5000)
    refused(client, "That is 5000 characters; the limit here is 1000. Please shorten it.", "<i>Step 15 of 18</i>")
    await client.send("Hi!")
    refused(client, "Please write at least 10 characters.", "<i>Step 15 of 18</i>")
    await client.send("   \n  ")
    refused(client, "That message has no text I can use.", "<i>Step 15 of 18</i>")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.about_me is None and db.profile.occupation == "Software engineer"


async def test_emoji_and_right_to_left_text(client: PacedClient, app_database: Database) -> None:
    await consent(client)
    await client.send("😀😀")
    refused(client, "A name can contain letters, spaces, hyphens and apostrophes", "<i>Step 1 of 18</i>")

    await client.send("\u202eمريم")  # an Arabic name behind a right-to-left override
    await answer_until(client, "about")
    await client.send("أحب القراءة 📚 and long walks 🌿, <b>really</b>!")

    db = await stored(app_database, client)
    assert db.profile is not None
    assert db.profile.display_name == "مريم"
    assert db.profile.about_me == "أحب القراءة 📚 and long walks 🌿, <b>really</b>!"
    await answer_until_review(client)
    assert "&lt;b&gt;really&lt;/b&gt;!" in client.last_text()


async def answer_until_review(client: PacedClient) -> None:
    for step in ("history", "phone", "photos", "p_gender", "p_age", "p_height", "p_education"):
        await answer(client, step)
    for step in ("p_regions", "p_marital", "p_children", "p_must"):
        await answer(client, step)


# --- the wrong kind of message ------------------------------------------------------------------------------------
async def test_stickers_voice_photos_and_files_where_text_is_expected(client: PacedClient) -> None:
    await at_step(client, "occupation")
    explanation = "I can only read written answers or the buttons here"

    for act in (
        client.send_sticker,
        lambda: client.send_photo("stray-photo"),
        lambda: client._feed_message(voice=Voice(file_id="v1", file_unique_id="v1", duration=3)),
        lambda: client._feed_message(document=Document(file_id="d1", file_unique_id="d1", mime_type="text/plain")),
    ):
        calls = await act()
        assert [type(c) for c in calls] == [SendMessage]
        refused(client, explanation, "<i>Step 7 of 18</i>")


async def test_text_and_files_where_a_photo_is_expected(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "photos")

    await client.send("here is my photo")
    refused(client, "Please send a photo here, or tap Continue without a photo.", "<i>Step 18 of 18</i>")
    await client._feed_message(document=Document(file_id="big", file_unique_id="big", mime_type="image/jpeg"))
    refused(client, "Please send the picture as a photo rather than as a file", "<i>Step 18 of 18</i>")
    calls = await client.press("ans:photos:done:")
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert client.view.toasts[-1] == "Please send a photo here, or tap Continue without a photo."

    assert (await stored(app_database, client)).photos == []


async def test_up_to_five_photos_then_the_preferences(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "photos")
    await client.send_photo("p1")
    await client.send_photo("p2")
    assert "Photos received: 2 of 5." in client.last_text()
    await client.click("Remove my photos")
    assert (await stored(app_database, client)).photos == []

    for number in range(1, 6):
        await client.send_photo(f"q{number}")

    assert "Partner preferences: question 1 of 8" in client.last_text()
    assert [p.file_id for p in (await stored(app_database, client)).photos] == ["q1", "q2", "q3", "q4", "q5"]


async def test_an_unknown_command_in_the_middle_of_a_question(client: PacedClient) -> None:
    await at_step(client, "height")

    await client.send("/frobnicate")

    assert client.last_text().startswith("I don't know that command. Send /help to see what I can do.")
    assert "<i>Step 5 of 18</i>" in client.last_text()


# --- buttons ---------------------------------------------------------------------------------------------------------
async def test_a_button_from_an_old_message_is_answered_and_the_current_question_asked(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer(client, "name")
    await answer(client, "preferred_name")
    gender_question = max(client.view.messages)
    await client.send("Man")  # typed: the question keeps its buttons
    await answer(client, "birth_date")

    calls = await client.click("Woman", message_id=gender_question)

    assert isinstance(calls[0], AnswerCallbackQuery)
    assert client.view.toasts[-1] == "That button belongs to an earlier message."
    assert client.last_text().startswith("That button belongs to an earlier message. Here is where we are now:")
    assert "<i>Step 5 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.gender == "male"


@pytest.mark.parametrize("data", ["ans:gender:pick:7", "ans:height:bogus:1", "rev:confirm:", "del:confirm", "zzz"])
async def test_forged_buttons_are_answered(client: PacedClient, data: str) -> None:
    await at_step(client, "height")

    calls = await client.press(data)

    assert sum(isinstance(c, AnswerCallbackQuery) for c in calls) == 1
    assert "<i>Step 5 of 18</i>" in client.last_text()


async def test_typed_labels_answer_button_questions(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "gender")

    await client.send("maybe")
    refused(client, "Please answer with the buttons below.", "<i>Step 3 of 18</i>")
    await client.send("女")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.gender == "female"


async def test_at_most_three_personality_words_and_at_least_one(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "personality")

    await client.click("Done")
    assert client.view.toasts[-1] == "Please pick at least one, then tap Done."
    for word in ("Gentle", "Steady", "Quiet"):
        calls = await client.click(word)
        assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageReplyMarkup]
    await client.click("Romantic")
    assert client.view.toasts[-1] == "You can pick up to 3. Untick one first."
    await client.click("Done")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.personality == ["gentle", "steady", "quiet"]


# --- places and phones -----------------------------------------------------------------------------------------------
async def test_places_misspelt_ambiguous_or_unknown(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "region")

    await client.send("Shangai")
    refused(client, "I could not find that place. Did you mean one of these?", "<i>Step 9 of 18</i>")
    assert "Shanghai" in client.last_buttons()
    await client.send("Suzhou")
    refused(client, "Several places have that name. Which one do you mean?", "<i>Step 9 of 18</i>")
    assert client.last_buttons() == ["Suzhou, Jiangsu", "Suzhou, Anhui", "« Back"]
    await client.send("Atlantis")
    refused(client, "I could not find that place in my list.", "<i>Step 9 of 18</i>")
    await client.click("Suzhou, Jiangsu")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.region_code == "320500"


@pytest.mark.parametrize("typed", ["上海", "shanghai", "Shanghai City", "上海市"])
async def test_a_city_in_any_spelling(client: PacedClient, app_database: Database, typed: str) -> None:
    await at_step(client, "region")

    await client.send(typed)

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.region_code == "310000"


async def test_phone_numbers_typed_shared_or_someone_elses(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "phone")

    await client.send("12345")
    refused(client, "That does not look like a phone number I can call.", "<i>Step 17 of 18</i>")
    other = Contact(phone_number="+8613912345678", first_name="Friend", user_id=424242)
    await client._feed_message(contact=other)
    refused(client, "That is someone else's contact.", "<i>Step 17 of 18</i>")
    await client.share_contact("8613800138000")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.phone == "+8613800138000"
    assert client.reply_buttons() == []
    assert "<i>Step 18 of 18</i>" in client.last_text()


async def test_typing_a_city_picks_its_province_for_the_partner(client: PacedClient, app_database: Database) -> None:
    await at_step(client, "p_regions")

    await client.send("Shenzhen")
    assert "✅ Guangdong" in client.last_buttons()
    await client.send("Narnia")
    refused(client, "I could not find that place in my list.", "question 5 of 8")
    await client.click("Done")

    db = await stored(app_database, client)
    assert db.preferences is not None and db.preferences.regions == ["440000"]
