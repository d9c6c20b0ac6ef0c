"""The command menu Telegram shows, in each of our languages."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _


def menu_commands() -> list[BotCommand]:
    """The commands for the current locale (call inside `i18n.use_locale`)."""
    return [
        BotCommand(command="start", description=_("Begin or continue")),
        BotCommand(command="matches", description=_("Today's suggestions")),
        BotCommand(command="dates", description=_("Your dates: propose, change, cancel")),
        BotCommand(command="events", description=_("Offline events: sign up, your places")),
        BotCommand(command="profile", description=_("Your profile: view, change, pause")),
        BotCommand(command="preferences", description=_("The partner you hope to meet")),
        BotCommand(command="ranking", description=_("How your suggestions are ranked")),
        BotCommand(command="mydata", description=_("Get all your data as a file")),
        BotCommand(command="delete", description=_("Delete your data for good")),
        BotCommand(command="membership", description=_("Membership: tiers, prices, buy or renew")),
        BotCommand(command="refund", description=_("Ask for a refund")),
        BotCommand(command="human", description=_("Talk to a counselor")),
        BotCommand(command="complain", description=_("A complaint or a suggestion")),
        BotCommand(command="help", description=_("What I can do")),
        BotCommand(command="language", description=_("Choose the language")),
        BotCommand(command="cancel", description=_("Stop what we are doing")),
    ]


def telegram_menus(locales: Iterable[str], default_locale: str) -> dict[str, str]:
    """Which of our locales fills the menu of each Telegram language code. Telegram picks a menu by the
    two-letter ISO 639-1 code of the user's app language, so it cannot tell Traditional from Simplified
    Chinese: "zh" gets Simplified, or Traditional when that is the agency's default language."""
    menus: dict[str, str] = {}
    for locale in locales:
        code = locale.split("_")[0]
        if code not in menus or locale == default_locale:
            menus[code] = locale
    return menus


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """One menu per Telegram language, and the default language's menu for everyone else."""
    menus = telegram_menus(sorted(i18n.available_locales), i18n.default_locale)
    with i18n.context():
        for code, locale in sorted(menus.items()):
            with i18n.use_locale(locale):
                await bot.set_my_commands(menu_commands(), language_code=code)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(menu_commands())
