"""Choosing among four languages: Telegram's language code decides the greeting, /language and the greeting's
buttons offer all four, and a choice holds for every later reply."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, EditMessageText

from bot.app import create_dispatcher
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient, RecordingSession
from tests.journey_walk import stored

FOUR_BUTTONS = ["English", "简体中文", "繁體中文", "Русский"]


@pytest.mark.parametrize(
    ("language_code", "welcome"),
    [
        ("en", "Welcome to <b>Yuelao</b>"),
        ("zh-hans", "欢迎来到<b>月老</b>"),
        ("zh", "欢迎来到<b>月老</b>"),
        ("zh-hant", "歡迎來到<b>月老</b>"),
        ("zh-TW", "歡迎來到<b>月老</b>"),
        ("zh-HK", "歡迎來到<b>月老</b>"),
        ("ru", "<b>"),
    ],
)
async def test_the_greeting_is_in_the_telegram_language(
    make_user: Callable[..., BotClient], language_code: str, welcome: str
) -> None:
    user = make_user(language_code=language_code)

    await user.send("/start")

    assert welcome in user.last_text()
    assert user.last_buttons()[1:] == FOUR_BUTTONS
    if language_code == "ru":
        assert any("\u0400" <= char <= "\u04ff" for char in user.last_text())


async def test_language_offers_four_and_traditional_holds_for_later_replies(
    make_user: Callable[..., BotClient],
) -> None:
    user = make_user(language_code="en")
    await user.send("/language")
    assert user.last_buttons() == FOUR_BUTTONS

    calls = await user.click("繁體中文")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText]
    assert user.view.toasts[-1] == "繁體中文"
    assert user.last_text().startswith("從現在起我將用中文與您交流")
    await user.send("/help")
    assert user.last_text().startswith("我可以為您做這些")
    assert "/language" in user.last_text()


async def test_a_visitor_choosing_russian_on_the_greeting_registers_in_russian(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    user = make_user(language_code="en")
    await user.send("/start")

    await user.click("Русский")

    assert user.last_buttons()[1:] == FOUR_BUTTONS
    agree = user.last_buttons()[0]
    assert any("\u0400" <= char <= "\u04ff" for char in agree), agree
    await user.click(agree)
    account = (await stored(app_database, user)).account
    assert account is not None and account.locale == "ru"


async def test_switching_from_traditional_back_to_simplified(make_user: Callable[..., BotClient]) -> None:
    user = make_user(language_code="zh-TW")
    await user.send("/language")
    assert user.last_text().startswith("您希望我使用哪種語言")

    await user.click("简体中文")
    await user.send("/help")

    assert user.last_text().startswith("我可以为您做这些")


async def test_an_agency_in_traditional_chinese_greets_unknown_languages_in_it(
    settings: Settings, app_database: Database, clock: FakeClock, bot: Bot, session: RecordingSession
) -> None:
    traditional = settings.model_copy(update={"default_locale": "zh_Hant"})
    dp = create_dispatcher(traditional, database=app_database, clock=clock)
    user = BotClient(dp, bot, session, user_id=424_242, language_code="de")

    await user.send("/start")

    assert "歡迎來到<b>月老</b>" in user.last_text()
