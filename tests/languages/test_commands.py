"""The command menu per language: Telegram targets a menu by a two-letter ISO 639-1 code, so Chinese gets one
menu ("zh"), Simplified unless the agency's default language is Traditional."""

from __future__ import annotations

import re

from aiogram.methods import SetMyCommands

from bot.commands import register_commands
from bot.i18n import create_i18n
from domain.clock import FakeClock
from tests.botclient import RecordingSession, make_bot


async def _menus(default_locale: str) -> dict[str | None, dict[str, str]]:
    session = RecordingSession(FakeClock(), allowed={"SetMyCommands"})
    bot = make_bot(session)
    try:
        await register_commands(bot, create_i18n(default_locale))
    finally:
        await bot.session.close()
    calls = [call for call in session.requests if isinstance(call, SetMyCommands)]
    assert len(calls) == len(session.requests)
    menus = {call.language_code: {c.command: c.description for c in call.commands} for call in calls}
    assert len(menus) == len(calls), "one menu per language"
    return menus


async def test_one_menu_for_each_telegram_language_and_a_default() -> None:
    menus = await _menus("en")

    assert set(menus) == {"en", "zh", "ru", None}
    assert all(code is None or re.fullmatch("[a-z]{2}", code) for code in menus)
    assert menus["en"]["start"] == "Begin or continue"
    assert menus[None] == menus["en"]
    assert menus["zh"]["start"] == "开始或继续"
    assert menus["zh"]["language"] == "选择语言"
    assert re.search("[А-яЁё]", menus["ru"]["start"]), menus["ru"]["start"]
    assert menus["ru"].keys() == menus["en"].keys() == menus["zh"].keys()


async def test_an_agency_speaking_traditional_chinese_gives_chinese_users_the_traditional_menu() -> None:
    menus = await _menus("zh_Hant")

    assert set(menus) == {"en", "zh", "ru", None}
    assert menus["zh"]["start"] == "開始或繼續"
    assert menus[None] == menus["zh"]
    assert menus["en"]["start"] == "Begin or continue"
