"""When a handler fails: log what failed (no personal data), apologise, and keep the bot running.

The one handler that does not take `services`: it also runs when the update failed before `services` was made
(the database out of reach, say), so it takes the Dispatcher's catalogs (`i18n`) and the `principal`, either of
which may be missing.
"""

from __future__ import annotations

import logging
import traceback
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
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
        # The handler may have answered the button already; Telegram refuses a second answer.
        with suppress(TelegramBadRequest):
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text[:200])
            elif update.message is not None:
                await bot.send_message(update.message.chat.id, text)
    return True


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(apologise)
    return router
