"""The client journey, walked like a person: greeting and consent, the interview with its progress line,
Back and Skip, the partner preferences, the review with single-field edits, /cancel and /start, and a
restart of the bot in the middle. What the person sees and what the database holds are both checked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy import delete, select

from bot import replies
from bot.app import create_dispatcher
from domain.clock import FakeClock
from domain.delivery import DeliveryState
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.accounts import ConsentRow
from storage.models.audit import AuditLogRow
from storage.repositories.delivery import OutboxRepository
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import (
    ANSWERS,
    LABELS,
    PacedClient,
    answer,
    answer_until,
    consent,
    paced,
    register,
    stored,
)


@pytest.fixture
def client(dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture) -> PacedClient:
    return paced(dp, bot, session, error_log)


@pytest.fixture
def zh_client(dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture) -> PacedClient:
    return paced(dp, bot, session, error_log, user_id=888_000_222, language_code="zh-hans")


# --- greeting and consent -----------------------------------------------------------------------------------
async def test_the_greeting_explains_the_agency_and_the_notice_and_stores_nothing(
    client: PacedClient, app_database: Database
) -> None:
    await client.send("/start")

    text = client.last_text()
    assert "Welcome to <b>Yuelao</b>" in text
    assert "<b>Privacy notice</b> (version 2026-12.2)" in text
    assert (
        "Suggestions are also ranked by learning from answers: what you and other clients said to earlier "
        "suggestions, introductions and dates. /ranking switches this off, and what was learned about you is "
        "then deleted; it is part of /mydata and is erased with /delete."
    ) in text
    assert "Nothing about you is stored until you do." in text
    assert client.last_buttons() == ["I agree, let's begin", "English", "简体中文", "繁體中文", "Русский"]
    assert (await stored(app_database, client)).account is None


async def test_a_deep_link_start_greets_the_same_way(client: PacedClient, app_database: Database) -> None:
    await client.send("/start ad-wechat-2026")

    assert "Welcome to <b>Yuelao</b>" in client.last_text()
    assert (await stored(app_database, client)).account is None


async def test_choosing_chinese_on_the_greeting_then_consenting_creates_a_chinese_account(
    client: PacedClient, app_database: Database, clock: FakeClock
) -> None:
    await client.send("/start")
    await client.click("简体中文")
    assert client.last_text().startswith("欢迎来到<b>月老</b>")
    assert "<b>隐私政策</b>（版本 2026-12.2）" in client.last_text()
    assert (
        "推荐对象的排序也会根据回答学习：您和其他会员对以往推荐、牵线和约会的回答。发送 /ranking 可关闭此功能，"
        "已学到的关于您的内容随即删除；这些内容包含在 /mydata 中，并会随 /delete 一并删除。"
    ) in client.last_text()
    assert (await stored(app_database, client)).account is None

    await client.click("我同意，开始登记")

    db = await stored(app_database, client)
    assert db.account is not None and db.account.locale == "zh"
    assert [(c.notice_version, c.given_at) for c in db.consents] == [("2026-12.2", clock.now())]
    assert db.profile is not None and db.profile.status == "draft" and db.profile.intake_step == "name"
    assert "<i>第1步，共18步</i>" in client.last_text()
    assert "请问您的名字是？" in client.last_text()


async def test_pressing_consent_twice_records_it_once(client: PacedClient, app_database: Database) -> None:
    await client.send("/start")
    greeting = max(client.view.messages)
    await client.click("I agree, let's begin")
    await client.click("I agree, let's begin", message_id=greeting)

    db = await stored(app_database, client)
    assert len(db.consents) == 1
    assert "<i>Step 1 of 18</i>" in client.last_text()


# --- the whole journey ----------------------------------------------------------------------------------------
async def test_a_whole_registration_in_english(
    client: PacedClient, app_database: Database, session: RecordingSession, clock: FakeClock
) -> None:
    await consent(client)
    await answer_until(client, None)

    # The review: the public card on the photo, then the private part and the preferences.
    photo = next(r for r in reversed(session.requests) if isinstance(r, SendPhoto))
    assert photo.photo == "photo-li-1"
    assert photo.caption is not None
    assert "<b>Li</b>, 31" in photo.caption  # named as other clients see him: as he likes to be called
    assert "📍 Shanghai" in photo.caption
    assert "175 cm · Master's degree" in photo.caption
    assert "💼 Software engineer" in photo.caption
    review = client.last_text()
    assert "someone kind &amp; curious." in review
    assert "Yearly income: 100,000 to 200,000 CNY" in review
    assert "Hobbies: Reading, Travel, I sing in a choir" in review
    assert "Phone: +8613800138000" in review
    assert "Age: 25 to 32 (must-have)" in review
    assert "Height: 155 to 170 cm (nice-to-have)" in review
    assert "Where they live: Shanghai, Zhejiang (nice-to-have)" in review
    assert client.last_buttons() == ["✅ Confirm", "✏️ Edit an answer"]

    await client.click("✅ Confirm")

    assert client.last_text().startswith("Thank you, Li! Your registration is complete.")
    assert client.last_buttons() == [
        "💘 My suggestions",
        "👤 My profile",
        "💞 Partner preferences",
        "🙋 Talk to a counselor",
        "💎 Membership",
        "❓ Help",
        "📄 My data",
        "🗑 Delete my data",
    ]
    db = await stored(app_database, client)
    profile = db.profile
    assert profile is not None
    assert (profile.status, profile.intake_step, profile.activated_at) == ("active", None, clock.now())
    assert (profile.display_name, profile.preferred_name) == ("Li Wei", "Li")
    assert (profile.gender, profile.birth_date, profile.birth_year) == ("male", date(1994, 5, 17), 1994)
    assert (profile.height_cm, profile.education, profile.occupation) == (175, "master", "Software engineer")
    assert profile.income_band == "CNY:100000-200000"
    assert (profile.region_code, profile.city_text) == ("310000", "Shanghai City")
    assert (profile.marital_history, profile.has_children, profile.wants_children) == ("never", False, "yes")
    assert profile.personality == ["cheerful", "considerate"]
    assert (profile.hobbies, profile.hobbies_text) == (["reading", "travel"], "I sing in a choir")
    assert profile.about_me == "I love long walks and good books, and I hope to meet someone kind & curious."
    assert profile.relationship_history is None
    assert profile.phone == "+8613800138000"
    prefs = db.preferences
    assert prefs is not None
    assert (prefs.gender_sought, prefs.age_min, prefs.age_max) == ("female", 25, 32)
    assert (prefs.height_min, prefs.height_max, prefs.min_education) == (155, 170, "bachelor")
    assert (prefs.regions, prefs.marital, prefs.children) == (["310000", "330000"], ["never"], "yes")
    assert prefs.must_have == ["age"]
    assert [p.file_id for p in db.photos] == ["photo-li-1"]
    async with app_database.unit_of_work(read_only=True) as uow:
        actions = (await uow.session.scalars(select(AuditLogRow.action))).all()
    assert "client.registered" in actions


async def test_a_whole_registration_in_chinese(zh_client: PacedClient, app_database: Database) -> None:
    await register(zh_client, "zh")

    assert zh_client.last_text().startswith("谢谢您，王芳！您的资料登记已完成。")
    assert zh_client.last_buttons()[:2] == ["💘 我的推荐", "👤 我的资料"]
    db = await stored(app_database, zh_client)
    assert db.account is not None and db.account.locale == "zh"
    profile = db.profile
    assert profile is not None and profile.status == "active"
    assert (profile.gender, profile.birth_date, profile.height_cm) == ("female", date(1996, 3, 8), 163)
    assert (profile.region_code, profile.education) == ("330100", "bachelor")
    assert profile.hobbies_text == "周末喜欢去西湖边跑步"
    assert profile.phone is None
    prefs = db.preferences
    assert prefs is not None
    assert (prefs.age_min, prefs.age_max, prefs.marital) == (28, 35, ["never", "divorced"])
    assert prefs.must_have == ["age", "height"]


async def test_every_question_shows_where_the_client_is(client: PacedClient) -> None:
    await consent(client)
    for position, step in enumerate(list(ANSWERS["en"])[:18], start=1):
        assert f"<i>Step {position} of 18</i>" in client.last_text(), step
        await answer(client, step)
    for position, step in enumerate(list(ANSWERS["en"])[18:], start=1):
        assert f"<i>Partner preferences: question {position} of 8</i>" in client.last_text(), step
        await answer(client, step)


# --- Back, Skip, /cancel ----------------------------------------------------------------------------------------
async def test_back_returns_to_the_previous_question_and_keeps_every_answer(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer_until(client, "birth_date")
    assert "<i>Step 4 of 18</i>" in client.last_text()

    await client.click("« Back")

    assert "<i>Step 3 of 18</i>" in client.last_text()
    assert "Are you a man or a woman?" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None
    assert (db.profile.display_name, db.profile.gender, db.profile.intake_step) == ("Li Wei", "male", "gender")

    await client.click("Woman")
    assert "<i>Step 4 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.gender == "female"


async def test_back_on_the_first_question_shows_the_introduction_with_continue(client: PacedClient) -> None:
    await consent(client)

    await client.click("« Back")

    assert "Registration is a short interview of 18 steps" in client.last_text()
    assert client.last_buttons() == ["Continue registration", "English", "简体中文", "繁體中文", "Русский"]
    await client.send("hello?")
    assert client.last_text().startswith("Tap <b>Continue registration</b> when you are ready.")

    await client.click("Continue registration")
    assert "<i>Step 1 of 18</i>" in client.last_text()


async def test_only_optional_questions_can_be_skipped(client: PacedClient, app_database: Database) -> None:
    await consent(client)
    assert "Skip" not in client.last_buttons()
    await answer_until(client, "income")
    assert client.last_buttons()[-2:] == ["« Back", "Skip"]

    await client.click("Skip")

    assert "<i>Step 9 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.income_band is None

    # A forged Skip on a required question is refused with an explanation.
    calls = await client.press("ans:region:skip:")
    assert client.view.toasts[-1] == "This question cannot be skipped."
    assert not [c for c in calls if isinstance(c, SendMessage)]


async def test_skip_on_the_phone_question_removes_the_share_button(client: PacedClient) -> None:
    await consent(client)
    await answer_until(client, "phone")
    assert client.reply_buttons() == ["📱 Share my phone number"]

    await client.click("Skip")

    assert client.reply_buttons() == []
    assert "All right, no phone number." in client.texts()[-2]
    assert "<i>Step 18 of 18</i>" in client.last_text()


async def test_cancel_keeps_the_answers_and_start_resumes_at_the_same_question(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer_until(client, "education")

    await client.send("/cancel")
    assert client.last_text() == "Stopped. Everything you answered is saved; send /start when you want to continue."
    await client.send("I changed my mind")
    assert client.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."

    await client.send("/start")

    assert client.last_text().startswith("Welcome back! Let's continue where we stopped.")
    assert "<i>Step 6 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.height_cm == 175
    await client.click("Doctorate")
    assert "<i>Step 7 of 18</i>" in client.last_text()


# --- review and single-field edits -------------------------------------------------------------------------------
async def test_editing_one_field_asks_only_that_question_and_returns_to_the_review(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer_until(client, None)

    await client.click("✏️ Edit an answer")
    assert client.last_text() == "Which answer would you like to change?"
    assert "Height" in client.last_buttons() and "Age range" in client.last_buttons()
    await client.click("Height")

    assert "<i>Changing your answer: Height</i>" in client.last_text()
    assert "Your answer now: 175 cm" in client.last_text()
    await client.send("1.80 m")

    assert client.texts()[-3] == "Saved."
    assert "Is everything right?" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None
    assert (db.profile.height_cm, db.profile.intake_step, db.profile.status) == (180, "review", "draft")


async def test_editing_a_multi_select_starts_from_the_current_picks(
    client: PacedClient, app_database: Database
) -> None:
    await consent(client)
    await answer_until(client, None)
    await client.click("✏️ Edit an answer")
    await client.click("Personality")

    assert "✅ Cheerful" in client.last_buttons() and "✅ Considerate" in client.last_buttons()
    await client.click("✅ Cheerful")
    await client.click("Romantic")
    await client.click("Done")

    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.personality == ["considerate", "romantic"]
    assert "Personality: Considerate, Romantic" in client.last_text()


async def test_back_from_an_edit_changes_nothing(client: PacedClient, app_database: Database) -> None:
    await consent(client)
    await answer_until(client, None)
    await client.click("✏️ Edit an answer")
    await client.click("Occupation")

    await client.click("« Back")

    assert "Is everything right?" in client.last_text()
    db = await stored(app_database, client)
    assert db.profile is not None and db.profile.occupation == "Software engineer"


async def test_clearing_a_preference_drops_it_from_the_must_haves(client: PacedClient, app_database: Database) -> None:
    await consent(client)
    await answer_until(client, None)
    await client.click("✏️ Edit an answer")
    await client.click("Age range")

    await client.click("No preference")

    db = await stored(app_database, client)
    assert db.preferences is not None
    assert (db.preferences.age_min, db.preferences.must_have) == (None, [])
    assert "Age: no preference" in client.last_text()


async def test_typing_at_the_review_explains_and_keeps_the_buttons(client: PacedClient) -> None:
    await consent(client)
    await answer_until(client, None)

    await client.send("looks good")

    assert client.last_text() == "Please check your profile above, then tap <b>Confirm</b> or change an answer."
    assert client.last_buttons() == ["✅ Confirm", "✏️ Edit an answer"]


# --- a returning client, a restart --------------------------------------------------------------------------------
async def test_a_registered_client_goes_straight_to_the_menu(client: PacedClient) -> None:
    await register(client)

    await client.send("/start")

    assert client.last_text() == "Welcome back, Li!\n\nWhat would you like to do?"


async def test_a_restart_in_the_middle_of_the_interview_loses_nothing(
    client: PacedClient,
    settings: Settings,
    app_database: Database,
    clock: FakeClock,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
) -> None:
    await consent(client)
    await answer_until(client, "personality")
    await client.click("Cheerful")

    restarted = create_dispatcher(settings, database=app_database, clock=clock)
    same_person = paced(restarted, bot, session, error_log, user_id=client.user.id)
    same_person.view = client.view
    await same_person.click("Humorous")
    assert "✅ Cheerful" in same_person.last_buttons() and "✅ Humorous" in same_person.last_buttons()
    await same_person.click("Done")

    assert "<i>Step 14 of 18</i>" in same_person.last_text()
    db = await stored(app_database, same_person)
    assert db.profile is not None
    assert db.profile.personality == ["cheerful", "humorous"]
    assert (db.profile.display_name, db.profile.height_cm, db.profile.region_code) == ("Li Wei", 175, "310000")

    # And /start after the restart finds the same question.
    again = paced(
        create_dispatcher(settings, database=app_database, clock=clock), bot, session, error_log, user_id=client.user.id
    )
    await again.send("/start")
    assert "<i>Step 14 of 18</i>" in again.last_text()


async def test_an_updated_privacy_notice_is_accepted_again_before_continuing(
    client: PacedClient, app_database: Database, clock: FakeClock
) -> None:
    await consent(client)
    await answer(client, "name")
    db = await stored(app_database, client)
    assert db.account is not None
    async with app_database.unit_of_work() as uow:  # as if they had accepted last year's notice
        await uow.session.execute(delete(ConsentRow))
        await uow.consents.record(db.account.id, "2025-01", now=datetime(2025, 1, 1, tzinfo=UTC))

    await client.send("/start")

    assert "<b>Privacy notice</b> (version 2026-12.2)" in client.last_text()
    await client.click(LABELS["en"].agree)
    assert "<i>Step 2 of 18</i>" in client.last_text()
    db = await stored(app_database, client)
    assert [c.notice_version for c in db.consents] == ["2025-01", "2026-12.2"]


async def test_confirming_queues_the_new_client_alert_for_the_counselors(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    dp["settings"] = dp["settings"].model_copy(update={"counselor_chat_id": -100_200_300})
    client = paced(dp, bot, session, error_log)
    await consent(client)
    await answer_until(client, None)
    await replies.flush_sent(bot)  # the rows that insured the replies sent so far go
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await OutboxRepository.of(uow).entries() == []

    await client.click("✅ Confirm")

    await replies.flush_sent(bot)
    async with app_database.unit_of_work(read_only=True) as uow:
        entries = await OutboxRepository.of(uow).entries()
    assert [(entry.channel, entry.state, entry.account_id) for entry in entries] == [
        ("telegram", DeliveryState.PENDING, None)
    ]
    # Sent by the delivery worker later, never by this update.
    assert not [r for r in session.requests if getattr(r, "chat_id", None) == -100_200_300]
