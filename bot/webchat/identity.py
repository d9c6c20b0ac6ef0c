"""Who a browser is: its random id, the stable Telegram-shaped user id derived from it, and its language.

The browser keeps a random UUID in localStorage and sends it in its hello frame; it is the only thing that
makes a web user who they are, so it is never logged and never put into a URL. The user id is a keyed hash
(HMAC-SHA256, first 6 bytes) so nobody can grind a browser id that collides with someone else's user id
without the server's key. The same key gives the same ids across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from aiogram.enums import ChatType
from aiogram.types import Chat, User

WEB_FIRST_NAME = "Guest"
_BROWSER_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_USER_ID_BYTES = 6
_TRADITIONAL_SUBTAGS = frozenset({"hant", "tw", "hk", "mo"})


class BrowserIdError(ValueError):
    """The browser id is not a random UUID (version 4) in canonical form."""


@dataclass(frozen=True)
class WebSender:
    """The web user behind a socket and their private chat with the bot."""

    user: User
    chat: Chat


def parse_browser_id(value: object) -> str:
    """The browser id in canonical lowercase form, or `BrowserIdError`."""
    if not isinstance(value, str) or len(value) != 36:
        raise BrowserIdError("expected a UUID")
    browser_id = value.lower()
    if not _BROWSER_ID.match(browser_id):
        raise BrowserIdError("expected a version 4 UUID")
    return browser_id


class UserIds:
    """Maps browser ids to positive 48-bit user ids (also the private chat's id) with a secret key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the identity key needs at least 16 bytes")
        self._secret = secret

    def user_id(self, browser_id: str) -> int:
        digest = hmac.new(self._secret, browser_id.encode("ascii"), hashlib.sha256).digest()
        return int.from_bytes(digest[:_USER_ID_BYTES], "big") or 1


def language_code(tag: object) -> str | None:
    """A browser's language tag as Telegram would give it as a user's `language_code`: the primary language,
    and "zh-hant" for Chinese in Traditional characters (the Hant script, or Taiwan, Hong Kong, Macau):
    "zh-CN" -> "zh", "zh-TW" -> "zh-hant", "en-US" -> "en"; None when absent or malformed."""
    if not isinstance(tag, str) or len(tag) > 35:
        return None
    match = _LANGUAGE_TAG.match(tag.strip())
    if match is None:
        return None
    primary, *subtags = tag.strip().replace("_", "-").lower().split("-")
    if primary == "zh" and "hans" not in subtags and _TRADITIONAL_SUBTAGS.intersection(subtags):
        return "zh-hant"
    return primary


def web_sender(user_id: int, language: str | None) -> WebSender:
    return WebSender(user=web_user(user_id, language), chat=web_chat(user_id))


def web_user(user_id: int, language: str | None) -> User:
    """A web user as the handlers see them: no name, username or other personal data is invented."""
    return User(id=user_id, is_bot=False, first_name=WEB_FIRST_NAME, language_code=language)


def web_chat(user_id: int) -> Chat:
    """The private chat between the bot and a web user; its id is the user's id, as on Telegram."""
    return Chat(id=user_id, type=ChatType.PRIVATE, first_name=WEB_FIRST_NAME)


def bot_user(bot_id: int) -> User:
    """The bot as the web chat presents it (`getMe` and the sender of its messages)."""
    return User(id=bot_id, is_bot=True, first_name="Yuelao", username="yuelao_webchat_bot")
