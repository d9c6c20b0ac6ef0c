"""What a client likes to be called: asked in the intake right after the name, with a suggestion read from the
name in its own order (诸葛青云 → 青云, never the family name), skippable, kept sealed, shown and changeable in
the profile, and used wherever the bot addresses the client or names them in short."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from storage.database import Database
from storage.models.clients import ClientProfileRow
from tests.conversation.telegram import TelegramChat, TelegramClient
from tests.journey_walk import ANSWERS, LABELS, answer, consent, stored


@pytest.fixture
def session(clock: FakeClock) -> TelegramChat:
    return TelegramChat(clock)


async def walk_from_gender_to_the_review(person: TelegramClient, locale: str = "en") -> None:
    for step in list(ANSWERS[locale])[2:]:
        await answer(person, step, locale)


async def test_a_chinese_name_suggests_the_given_name_and_the_client_is_called_by_it(
    make_person: Callable[..., TelegramClient], app_database: Database
) -> None:
    person = make_person(language_code="zh")
    await consent(person, "zh")
    await person.send("诸葛青云")

    question = person.last_text()
    assert "<i>第2步，共18步</i>" in question
    assert "您希望我们怎么称呼您？" in question
    assert "点击下方的<b>青云</b>，或直接输入您喜欢的称呼。" in question
    assert person.last_buttons() == ["青云", "« 返回", "跳过"]

    await person.click("青云")
    db = await stored(app_database, person)
    assert db.profile is not None
    assert (db.profile.display_name, db.profile.preferred_name) == ("诸葛青云", "青云")

    await walk_from_gender_to_the_review(person, "zh")
    review = person.last_text()
    assert "姓名：诸葛青云" in review or "姓名：诸葛青云" in review
    assert "称呼：青云" in review
    await person.click(LABELS["zh"].confirm)
    assert person.last_text().startswith("谢谢您，青云！")
    await person.send("/start")
    assert person.last_text().startswith("欢迎回来，青云！")


async def test_skipping_calls_the_client_by_the_name_read_in_chinese_order(
    person: TelegramClient, app_database: Database
) -> None:
    await consent(person)
    await person.send("Zhuge Qingyun")
    assert "Tap <b>Qingyun</b> below, or type the name you prefer." in person.last_text()

    await person.click("Skip")

    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.preferred_name is None
    await walk_from_gender_to_the_review(person)
    assert "What we call you: Qingyun" in person.last_text()
    await person.click(LABELS["en"].confirm)
    assert person.last_text().startswith("Thank you, Qingyun! Your registration is complete.")


async def test_a_name_of_ones_own_is_typed_and_can_be_changed_from_the_profile(
    person: TelegramClient, app_database: Database
) -> None:
    await consent(person)
    await person.send("Zhuge Qingyun")
    await person.send("Yunyun")
    assert "Are you a man or a woman?" in person.last_text()
    await walk_from_gender_to_the_review(person)
    await person.click(LABELS["en"].confirm)
    assert person.last_text().startswith("Thank you, Yunyun!")

    await person.send("/profile")
    assert "What we call you: Yunyun" in person.last_text()
    await person.click("✏️ Edit an answer")
    await person.click("What we call you")
    assert "<i>Changing your answer: What we call you</i>" in person.last_text()
    assert "Your answer now: Yunyun" in person.last_text()
    await person.send("青云")

    assert "What we call you: 青云" in person.last_text()
    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.preferred_name == "青云"


async def test_a_typed_skip_and_a_name_that_is_no_name(person: TelegramClient, app_database: Database) -> None:
    await consent(person)
    await person.send("Li Wei")

    await person.send("🙂🙂")
    assert person.last_text().startswith("⚠️ A name can contain letters")
    assert "What would you like to be called?" in person.last_text()

    await person.send("skip")
    assert "Are you a man or a woman?" in person.last_text()
    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.preferred_name is None


async def test_the_name_to_be_called_by_is_sealed_at_rest(person: TelegramClient, app_database: Database) -> None:
    await consent(person)
    await person.send("诸葛青云")
    await person.send("小云朵")

    async with app_database.unit_of_work(read_only=True) as uow:
        column = ClientProfileRow.__table__.c.preferred_name
        stored_value: object = (await uow.session.execute(select(column))).scalar_one()
    assert isinstance(stored_value, bytes) and "小云朵".encode() not in stored_value
