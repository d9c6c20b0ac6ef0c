"""After registration: /profile (view, change one answer, pause and resume), /preferences, /mydata (the
export), /delete (twice confirmed crypto-shredding), /language and /help, also in the middle of the
interview."""

from __future__ import annotations

import json

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendDocument, SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from storage.database import Database
from storage.models.accounts import AccountRow, ConsentRow, DataKeyRow
from storage.models.clients import ClientProfileRow, PartnerPreferencesRow, PhotoRow
from storage.models.fsm import FsmStateRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, answer_until, consent, paced, register, stored


@pytest.fixture
def client(dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture) -> PacedClient:
    return paced(dp, bot, session, error_log)


async def count(database: Database, model: type[object]) -> int:
    async with database.unit_of_work(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


# --- /profile and /preferences ------------------------------------------------------------------------------------
async def test_profile_shows_the_public_card_the_private_part_and_the_status(
    client: PacedClient, session: RecordingSession
) -> None:
    await register(client)

    await client.send("/profile")

    photo = session.requests[-2]
    assert isinstance(photo, SendPhoto) and photo.caption is not None
    assert "<b>Li</b>, 31" in photo.caption
    text = client.last_text()
    assert "🔒 <b>Only you and the agency's staff see this</b>" in text
    assert text.endswith("✅ Your profile is active: you may be suggested to clients who fit.")
    assert client.last_buttons() == ["✏️ Edit an answer", "⏸ Pause suggestions"]


async def test_pausing_and_resuming_suggestions(client: PacedClient, app_database: Database) -> None:
    await register(client)
    await client.send("/profile")

    await client.click("⏸ Pause suggestions")

    assert client.last_text() == "Paused. You will not be suggested to anyone until you resume."
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.status == "paused"
    await client.click("▶️ Resume suggestions")
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.status == "active"


async def test_changing_one_answer_from_the_profile(client: PacedClient, app_database: Database) -> None:
    await register(client)
    await client.send("/profile")
    await client.click("✏️ Edit an answer")
    assert "Age range" not in client.last_buttons()

    await client.click("Occupation")
    assert "Your answer now: Software engineer" in client.last_text()
    await client.send("Architect")

    assert "💼 Architect" in client.texts()[-2]
    assert client.last_buttons() == ["✏️ Edit an answer", "⏸ Pause suggestions"]
    db = await stored(app_database, client)
    assert db.profile is not None and (db.profile.occupation, db.profile.status) == ("Architect", "active")
    await client.send("just chatting")
    assert client.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."


async def test_preferences_can_be_seen_and_changed(client: PacedClient, app_database: Database) -> None:
    await register(client)

    await client.send("/preferences")
    assert "Age: 25 to 32 (must-have)" in client.last_text()
    await client.click("✏️ Edit an answer")
    await client.click("Age range")
    await client.send("27-34")

    assert client.last_text().startswith("Saved.\n\n💞 <b>The partner you hope to meet</b>")
    assert "Age: 27 to 34 (must-have)" in client.last_text()
    db = await stored(app_database, client)
    assert db.preferences is not None and (db.preferences.age_min, db.preferences.age_max) == (27, 34)


async def test_profile_before_registration_is_finished_resumes_the_interview(client: PacedClient) -> None:
    await consent(client)
    await answer_until(client, "height")

    await client.send("/profile")

    assert client.last_text().startswith("Your registration is not finished yet. Let's continue.")
    assert "<i>Step 5 of 18</i>" in client.last_text()


async def test_a_visitor_asking_for_the_profile_is_greeted(client: PacedClient) -> None:
    await client.send("/profile")

    assert "<b>Privacy notice</b>" in client.last_text()


# --- /mydata ---------------------------------------------------------------------------------------------------------
async def test_mydata_sends_everything_as_a_json_document(client: PacedClient, session: RecordingSession) -> None:
    await register(client)

    await client.send("/mydata")

    sent = session.requests[-1]
    assert isinstance(sent, SendDocument) and isinstance(sent.document, BufferedInputFile)
    assert sent.document.filename == "yuelao-my-data.json"
    assert sent.caption is not None and sent.caption.startswith("Here is everything the agency holds about you")
    export = json.loads(sent.document.data.decode("utf-8"))
    assert export["format"] == "yuelao-export/1"
    assert export["account"]["external_id"] == str(client.user.id)
    assert [c["notice_version"] for c in export["consents"]] == ["2026-12.2"]
    profile = export["client_profile"]
    assert (profile["display_name"], profile["birth_date"], profile["phone"]) == (
        "Li Wei",
        "1994-05-17",
        "+8613800138000",
    )
    assert profile["hobbies_text"] == "I sing in a choir"
    assert profile["preferred_name"] == "Li"  # what they like to be called: in the export too
    assert export["partner_preferences"]["regions"] == ["310000", "330000"]
    assert [p["file_id"] for p in export["photos"]] == ["photo-li-1"]


async def test_mydata_in_the_middle_of_the_interview(client: PacedClient, session: RecordingSession) -> None:
    await consent(client)
    await answer_until(client, "education")

    await client.send("/mydata")

    sent = session.requests[-1]
    assert isinstance(sent, SendDocument) and isinstance(sent.document, BufferedInputFile)
    export = json.loads(sent.document.data)
    assert export["client_profile"]["height_cm"] == 175
    await client.click("Doctorate")
    assert "<i>Step 7 of 18</i>" in client.last_text()


async def test_mydata_for_a_visitor(client: PacedClient) -> None:
    await client.send("/mydata")

    assert client.last_text() == "I hold no data about you: you have not registered. Send /start to begin."


# --- /delete ---------------------------------------------------------------------------------------------------------
async def test_delete_twice_confirmed_shreds_everything_and_start_is_a_new_client(
    client: PacedClient, app_database: Database
) -> None:
    await register(client)
    before = await stored(app_database, client)
    assert before.account is not None

    await client.send("/delete")
    assert client.last_text().startswith("<b>Delete your data?</b>")
    await client.click("Yes, delete my data")
    assert client.last_text().startswith("<b>Are you sure?</b> This cannot be undone.")
    await client.click("Delete everything now")

    assert client.last_text().startswith("Your data has been deleted, and the key that protected it destroyed.")
    assert (await stored(app_database, client)).account is None
    for model in (ClientProfileRow, PartnerPreferencesRow, PhotoRow, ConsentRow, FsmStateRow):
        assert await count(app_database, model) == 0, model
    async with app_database.unit_of_work(read_only=True) as uow:
        tombstone = await uow.session.get(AccountRow, before.account.id)
        key = await uow.session.scalar(select(DataKeyRow).where(DataKeyRow.account_id == before.account.id))
    assert tombstone is not None and tombstone.external_id is None and tombstone.deleted_at is not None
    assert key is not None and key.wrapped_key is None and key.destroyed_at is not None

    await client.send("/start")
    assert "<b>Privacy notice</b>" in client.last_text()
    await client.click("I agree, let's begin")
    after = await stored(app_database, client)
    assert after.account is not None and after.account.id != before.account.id
    assert "<i>Step 1 of 18</i>" in client.last_text()


async def test_delete_can_be_called_off_at_either_step(client: PacedClient, app_database: Database) -> None:
    await register(client)

    await client.send("/delete")
    await client.click("No, keep my data")
    assert client.view.toasts[-1] == "Your data is kept."
    assert client.last_text() == "Good: nothing was deleted.\n\nWhat would you like to do?"

    await client.send("/delete")
    await client.click("Yes, delete my data")
    await client.send("hmm")
    assert client.last_text().startswith("Please answer with the buttons.\n\n<b>Are you sure?</b>")
    await client.click("No, keep my data")
    assert (await stored(app_database, client)).profile is not None


async def test_the_final_delete_button_needs_the_first_confirmation(
    client: PacedClient, app_database: Database
) -> None:
    await register(client)

    await client.press("del:confirm")

    assert client.view.toasts[-1] == "That button belongs to an earlier message."
    assert (await stored(app_database, client)).account is not None


async def test_delete_in_the_middle_of_the_interview_then_keep_returns_to_the_question(client: PacedClient) -> None:
    await consent(client)
    await answer_until(client, "occupation")

    await client.send("/delete")
    await client.click("No, keep my data")

    assert client.last_text().startswith("Good: nothing was deleted.")
    assert "<i>Step 7 of 18</i>" in client.last_text()


async def test_a_visitor_has_nothing_to_delete(client: PacedClient) -> None:
    await client.send("/delete")

    assert client.last_text() == "I hold no data about you: you have not registered, so there is nothing to delete."


# --- the menu, /language, /help -------------------------------------------------------------------------------
async def test_the_menu_buttons(client: PacedClient, session: RecordingSession) -> None:
    await register(client)

    await client.click("💞 Partner preferences")
    assert client.last_text().startswith("💞 <b>The partner you hope to meet</b>")
    menu = min(m for m, shown in client.view.messages.items() if "What would you like to do?" in shown.text)
    await client.click("📄 My data", message_id=menu)
    assert isinstance(session.requests[-1], SendDocument)
    await client.click("❓ Help")
    assert client.last_text().startswith("Here is what I can do:")
    assert "/mydata" in client.last_text() and "/delete" in client.last_text()


async def test_switching_language_in_the_middle_asks_the_same_question_in_chinese(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer_until(client, "height")

    await client.send("/language")
    await client.click("简体中文")

    assert client.last_text().startswith("从现在起我将用中文与您交流。")
    assert "<i>第5步，共18步</i>" in client.last_text()
    assert "您的身高是多少厘米" in client.last_text()
    db = await stored(app_database, client)
    assert db.account is not None and db.account.locale == "zh"
    await client.send("168")
    assert "<i>第6步，共18步</i>" in client.last_text()


async def test_help_lists_the_client_commands_in_both_languages(
    client: PacedClient, dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> None:
    chinese = paced(dp, bot, session, error_log, user_id=999_000_333, language_code="zh")
    await client.send("/help")
    await chinese.send("/help")

    for text in (client.last_text(), chinese.last_text()):
        for command in ("/start", "/profile", "/preferences", "/mydata", "/delete", "/language", "/cancel", "/help"):
            assert command in text
    assert "/mydata：以文件形式获取我们保存的关于您的全部数据" in chinese.last_text()
