"""Small things a newcomer trips over: the phone question worded for the channel, a way on without a photo
(tapped or typed), and yes-or-no answers capitalised like every other answer on a card, in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendPhoto

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import ANSWERS, LABELS, PacedClient, answer, answer_until, consent, paced, stored
from tests.matching.chat import account_of
from tests.staff.conftest import add_member


@pytest.fixture
def make_person(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., PacedClient]:
    def factory(**kwargs: object) -> PacedClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory


# --- the phone question, per channel -----------------------------------------------------------------------------
async def test_on_telegram_the_phone_question_offers_the_accounts_number(
    make_person: Callable[..., PacedClient],
) -> None:
    person = make_person()
    await consent(person)
    await answer_until(person, "phone")

    assert "share this account's number" in person.last_text()
    assert person.texts()[-2] == "📱 The button below shares this account's phone number."


async def test_in_the_web_chat_the_phone_question_speaks_of_no_account_number(
    make_person: Callable[..., PacedClient],
) -> None:
    person = make_person(channel="web")
    await consent(person)
    await answer_until(person, "phone")

    assert "account" not in person.last_text()
    assert "Type it, or enter it with the button at the bottom of the screen." in person.last_text()
    assert person.texts()[-2] == "📱 The button below lets you enter your phone number."
    assert person.reply_buttons() == ["📱 Share my phone number"]


# --- no photo ----------------------------------------------------------------------------------------------------
async def test_continue_without_a_photo_then_register(
    make_person: Callable[..., PacedClient], app_database: Database
) -> None:
    person = make_person()
    await consent(person)
    await answer_until(person, "photos")
    assert person.last_buttons() == ["« Back", "Continue without a photo"]

    await person.click("Continue without a photo")

    assert "Partner preferences: question 1 of 8" in person.last_text()
    for step in list(ANSWERS["en"])[18:]:
        await answer(person, step)
    assert "Is everything right?" in person.last_text()
    assert not [call for call in person.session.requests if isinstance(call, SendPhoto)]
    await person.click(LABELS["en"].confirm)
    db = await stored(app_database, person)
    assert db.profile is not None and db.profile.status == "active" and db.photos == []


async def test_no_photo_typed_in_chinese_or_english_goes_on(make_person: Callable[..., PacedClient]) -> None:
    chinese = make_person(user_id=606_001, language_code="zh")
    await consent(chinese, "zh")
    await answer_until(chinese, "photos", "zh")
    assert chinese.last_buttons() == ["« 返回", "暂不上传照片"]

    await chinese.send("没有照片")

    assert "择偶要求：第1题，共8题" in chinese.last_text()

    english = make_person(user_id=606_002)
    await consent(english)
    await answer_until(english, "photos")
    await english.send("No photo")
    assert "Partner preferences: question 1 of 8" in english.last_text()


async def test_with_a_photo_sent_done_goes_on_and_skip_is_not_offered(make_person: Callable[..., PacedClient]) -> None:
    person = make_person()
    await consent(person)
    await answer_until(person, "photos")

    await person.send_photo("p1")

    assert person.last_buttons() == ["Done (1 of 5)", "Remove my photos", "« Back"]


# --- yes and no on the cards ---------------------------------------------------------------------------------------
async def test_yes_and_no_are_capitalised_on_the_clients_card_and_the_counselors(
    make_person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    counselor = await add_member(app_database, clock, 707_001, "counselor", name="Ben")
    person = make_person()
    await consent(person)
    await answer_until(person, None)
    review = person.last_text()
    assert "Has children: No" in review and "Wants children: Yes" in review
    await person.click(LABELS["en"].confirm)
    client_id = await account_of(app_database, person)
    async with app_database.unit_of_work() as uow:  # a manager gave Ben this client
        await uow.assignments.assign(client_id, counselor.account_id, now=clock.now(), by=None)

    ben = make_person(user_id=counselor.user_id)
    await ben.send(f"/clients {client_id.hex[:8]}")

    card = ben.last_text()
    assert "Has children: No" in card and "Wants children: Yes" in card
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(counselor.account_id, "zh")
    await ben.send(f"/clients {client_id.hex[:8]}")
    assert "是否有孩子：否" in ben.last_text() and "是否想要孩子：是" in ben.last_text()
