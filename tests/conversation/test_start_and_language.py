"""A newcomer's first minute: greeting, language, help, cancel, and anything unexpected."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.app import create_dispatcher
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient, RecordingSession


async def test_start_greets_in_the_telegram_language_and_offers_both_languages(user: BotClient) -> None:
    calls = await user.send("/start")

    assert [type(c) for c in calls] == [SendMessage]
    assert "Welcome to <b>Yuelao</b>" in user.last_text()
    assert user.last_buttons() == ["I agree, let's begin", "English", "简体中文", "繁體中文", "Русский"]


async def test_chinese_telegram_user_is_greeted_in_chinese(make_user: Callable[..., BotClient]) -> None:
    user = make_user(language_code="zh-hans")

    await user.send("/start")

    assert "欢迎来到<b>月老</b>" in user.last_text()


async def test_picking_chinese_answers_the_button_and_switches_every_later_reply(user: BotClient) -> None:
    await user.send("/start")

    calls = await user.click("简体中文")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText]
    # The greeting itself is shown again in Chinese, with its consent and language buttons.
    assert user.last_text().startswith("欢迎来到<b>月老</b>")
    assert user.last_buttons() == ["我同意，开始登记", "English", "简体中文", "繁體中文", "Русский"]
    await user.send("/help")
    assert user.last_text().startswith("我可以为您做这些")


async def test_language_choice_is_kept_across_a_restart(
    user: BotClient,
    settings: Settings,
    app_database: Database,
    clock: FakeClock,
    bot: Bot,
    session: RecordingSession,
) -> None:
    await user.send("/language")
    await user.click("简体中文")

    restarted = create_dispatcher(settings, database=app_database, clock=clock)
    same_person = BotClient(restarted, bot, session, user_id=user.user.id, language_code="en")
    await same_person.send("/start")

    assert "欢迎来到" in same_person.last_text()


async def test_switching_back_to_english(make_user: Callable[..., BotClient]) -> None:
    user = make_user(language_code="zh")
    await user.send("/language")
    assert user.last_text() == "您希望我使用哪种语言？"

    await user.click("English")

    assert user.last_text() == "I will speak English with you from now on. Send /help to see what I can do."


async def test_two_users_keep_their_own_language(make_user: Callable[..., BotClient]) -> None:
    alice = make_user(user_id=1001, language_code="en")
    bo = make_user(user_id=1002, language_code="en")
    await bo.send("/language")
    await bo.click("简体中文")

    await alice.send("/help")
    await bo.send("/help")

    assert alice.last_text().startswith("Here is what I can do")
    assert bo.last_text().startswith("我可以为您做这些")


async def test_cancel_with_nothing_to_cancel_says_so(user: BotClient) -> None:
    await user.send("/cancel")

    assert user.last_text() == "There is nothing to cancel."


async def test_unknown_command_and_free_text_point_to_help(user: BotClient) -> None:
    await user.send("/frobnicate")
    assert user.last_text() == "I don't know that command. Send /help to see what I can do."

    await user.send("hello there")
    assert user.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."


async def test_sticker_photo_and_contact_get_a_polite_answer(user: BotClient) -> None:
    for act in (user.send_sticker, user.send_photo):
        calls = await act()
        assert [type(c) for c in calls] == [SendMessage]
        assert "/help" in user.last_text()
    await user.share_contact("+8613800138000")
    assert "/help" in user.last_text()


async def test_a_stale_or_forged_button_is_answered_not_ignored(user: BotClient) -> None:
    calls = await user.press("lang:klingon")
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert user.view.toasts[-1] == "This button is no longer active."

    calls = await user.press("x" * 64)
    assert [type(c) for c in calls] == [AnswerCallbackQuery]


async def test_a_very_long_message_is_answered(user: BotClient) -> None:
    await user.send("字" * 4096)

    assert user.last_text() == "Sorry, I didn't understand that. Send /help to see what I can do."
