"""The language a web chat page shows its own labels in (online, Message, Send, times): the chat's language as
the bot speaks it.

That is the account's language once the person consented, before that the language they picked on the
greeting (kept in the conversation state), else their browser's. The server tells the page in its `ready`
frame and again, with a `locale` frame, after an update that changed it (/language, the greeting's language
buttons, an account deleted). It is read after every update of the chat, in the chat's lane, so the page
switches right after the bot's answer in the new language.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n

from bot.i18n import locale_from_language_code
from bot.webchat.hub import WebChatHub
from bot.webchat.identity import WebSender
from bot.webchat.protocol import locale_frame
from domain.identity import VISITOR_LOCALE_KEY, Channel
from handlers.services.settings import SUPPORTED_LOCALES
from storage.database import Database

log = logging.getLogger("yuelao.webchat")

_REMEMBERED_CHATS = 10_000


class ChatLocales:
    """Each chat's language, and the `locale` frame for its pages when it changes."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, hub: WebChatHub) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._hub = hub
        self._told: OrderedDict[int, str] = OrderedDict()
        i18n = dispatcher.workflow_data.get("i18n")
        self._default = i18n.default_locale if isinstance(i18n, I18n) else "en"

    async def current(self, sender: WebSender) -> str:
        """The chat's language now (for the `ready` frame), remembered as what its pages were told."""
        locale = await self._read(sender) or self._browser(sender)
        self._remember(sender.chat.id, locale)
        return locale

    async def follow(self, sender: WebSender) -> None:
        """After an update: tell the chat's pages when its language changed."""
        locale = await self._read(sender)
        if locale is not None and self._told.get(sender.chat.id) != locale:
            self._remember(sender.chat.id, locale)
            self._hub.broadcast(sender.chat.id, locale_frame(locale))

    def _remember(self, chat_id: int, locale: str) -> None:
        self._told[chat_id] = locale
        self._told.move_to_end(chat_id)
        while len(self._told) > _REMEMBERED_CHATS:
            self._told.popitem(last=False)

    def _browser(self, sender: WebSender) -> str:
        return locale_from_language_code(sender.user.language_code, self._default)

    async def _read(self, sender: WebSender) -> str | None:
        """The account's language, the visitor's choice or the browser's; None when the database failed (the
        page keeps its labels; the next update tries again)."""
        database = self._dispatcher.workflow_data.get("database")
        if not isinstance(database, Database):
            return self._browser(sender)
        state = self._dispatcher.fsm.get_context(self._bot, sender.chat.id, sender.user.id)
        try:
            async with database.unit_of_work(read_only=True) as uow:
                account = await uow.accounts.find_by_external(Channel.WEB.value, str(sender.user.id))
                if account is not None:
                    return account.locale
                chosen = (await state.get_data()).get(VISITOR_LOCALE_KEY)
        except Exception as exc:
            log.warning("webchat: the chat's language could not be read: %s", type(exc).__name__)
            return None
        return chosen if isinstance(chosen, str) and chosen in SUPPORTED_LOCALES else self._browser(sender)
