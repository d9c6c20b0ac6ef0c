"""When a handler fails: log what failed (no personal data), apologise, and keep the bot running.

The one handler that does not take `services`: it also runs when the update failed before `services` was made
(the database out of reach, say), so it takes the Dispatcher's catalogs (`i18n`) and the `principal`, either of
which may be missing.

A pressed button is answered here exactly once: what the failed handler had answered was kept for after its
commit and dropped with its rollback (bot/replies.py), so the apology is the press's only answer. The apology
itself is a courtesy: when Telegram refuses it (a press too old to answer, a person who blocked the bot), that
is logged and the bot goes on.
"""

from __future__ import annotations

import logging
import traceback

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.identity import Principal

log = logging.getLogger("yuelao.errors")


async def apologise(event: ErrorEvent, bot: Bot, i18n: I18n | None = None, principal: Principal | None = None) -> bool:
    # The exception's message may quote what the user typed; log its type and where it was raised only.
    frames = "".join(traceback.format_tb(event.exception.__traceback__))
    log.error("handler failed: %s\n%s", type(event.exception).__name__, frames)
    update = event.update
    locale = principal.locale if principal is not None else "en"
    if i18n is None:
        return True
    with i18n.context(), i18n.use_locale(locale):
        text = _("Sorry, something went wrong on my side. What you entered before is saved; please try again.")
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text[:200])
            elif update.message is not None:
                await bot.send_message(update.message.chat.id, text)
        except TelegramAPIError as exc:  # Telegram's reason may quote the chat: its type only
            log.warning("the apology was not delivered: %s", type(exc).__name__)
    return True


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(apologise)
    return router
