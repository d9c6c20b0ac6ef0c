"""The command menu Telegram shows, in each of our languages."""

from __future__ import annotations

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
        BotCommand(command="profile", description=_("Your profile: view, change, pause")),
        BotCommand(command="preferences", description=_("The partner you hope to meet")),
        BotCommand(command="mydata", description=_("Get all your data as a file")),
        BotCommand(command="delete", description=_("Delete your data for good")),
        BotCommand(command="human", description=_("Talk to a counselor")),
        BotCommand(command="help", description=_("What I can do")),
        BotCommand(command="language", description=_("Choose the language")),
        BotCommand(command="cancel", description=_("Stop what we are doing")),
    ]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """One menu per language, and the default language's menu for everyone else."""
    with i18n.context():
        for locale in i18n.available_locales:
            with i18n.use_locale(locale):
                await bot.set_my_commands(menu_commands(), language_code=locale)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(menu_commands())
