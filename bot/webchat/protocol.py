"""The web chat's frame protocol: JSON objects over the WebSocket at `/ws`, each with a `"type"`.

Browser -> server
-----------------
``hello {user, language}``
    First frame on every socket. ``user``: the browser's random id, a version 4 UUID kept in localStorage;
    ``language``: ``navigator.language`` (optional, e.g. ``"zh-CN"``, which becomes ``language_code "zh"``;
    ``"zh-TW"`` becomes ``"zh-hant"``).
    Answered with ``ready``. Several sockets may say hello with the same id: they are one user and all
    receive every frame of the chat.
``text {text}``
    The user typed a message, or pressed a reply keyboard button (its text). 1..4096 characters.
``callback {message_id, data}``
    The user pressed an inline button with ``callback_data`` ``data`` (at most 64 bytes) under message
    ``message_id``. A press on a message the server still remembers must name one of its current buttons
    (else ``error stale_button``); a press on a forgotten message reaches the bot with an inaccessible message.
``contact {phone_number}``
    The user shared a phone number through a ``request_contact`` button: an optional ``+``, a digit, then
    4..24 digits, spaces, dashes or parentheses. It reaches the bot as a Contact with the user's own id.
``photo {data, caption?}``
    A photo: ``data`` is the base64 of a JPEG, PNG, WebP or GIF of at most 5 MB; ``caption`` at most 1024
    characters. The page shrinks large photos before sending them (which also drops their metadata).

Server -> browser
-----------------
``ready {history, reply_keyboard, history_limit, locale}``
    Answer to ``hello``: ``history`` is the chat's last messages (at most ``history_limit``, kept across
    restarts once the user has an account) as ``message`` frames, oldest first; ``reply_keyboard`` the reply
    keyboard currently shown (``{kind: "reply", ...}``) or null. A page replaces what it shows with them.
    ``locale``: the chat's language (``"en"``, ``"zh"``, ``"zh_Hant"``, ``"ru"``), for the page's own labels
    and times (`bot.webchat.locale`).
``locale {locale}``
    The chat's language changed (/language, the greeting's language buttons): relabel the page.
``message {message_id, from, date, edited, html, photo, document, contact, keyboard}``
    A new message. ``from``: ``"bot"`` or ``"user"`` (the user's own messages are echoed to all their
    sockets). ``date``: Unix seconds. ``edited``: whether it was ever edited. ``html``: the text or caption
    as safe HTML (only b, i, u, s, code, pre, a, tg-spoiler, blockquote; everything else escaped).
    ``photo``: ``{url, width, height, private}`` or null; ``document``: ``{url, name, private}`` or null; a
    ``private`` url is relative to the page and must be fetched with the header
    ``X-Webchat-User: <browser id>``. ``contact``: ``{phone_number}`` or null. ``keyboard``: null,
    ``{kind: "inline", rows: [[{text, action: "callback", data} | {text, action: "url", url} |
    {text, action: "copy", copy_text} | {text, action: "none"}]]}``, ``{kind: "reply", rows:
    [[{text, request_contact, enabled}]], placeholder, one_time}`` or ``{kind: "remove"}``.
``edit {...same fields as message}``
    The message with that id changed (text, caption or inline keyboard); replace it in place.
``delete {message_id}``
    The message is gone.
``callback_answer {message_id, text, show_alert}``
    The bot answered a button press on ``message_id``: show ``text`` as a toast, or as an alert when
    ``show_alert``; no text means just stop showing the press as pending.
``error {reason, field?}``
    A frame was refused or a handler failed; the socket stays open. Reasons: ``bad_json``, ``bad_frame``
    (not an object, no type, binary), ``unknown_type``, ``bad_field`` and ``too_large`` (with ``field``),
    ``hello_first``, ``hello_again``, ``bad_user``, ``stale_button``, ``bad_photo``, ``internal``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.webchat.identity import BrowserIdError, language_code, parse_browser_id

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_FRAME_BYTES = 8 * 1024 * 1024
_MAX_MESSAGE_ID = 2**31 - 1
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,24}$")

Frame = dict[str, Any]


class FrameError(ValueError):
    """A browser frame that is refused; `reason` and `field` go back in an error frame and to the log."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason if field is None else f"{reason} ({field})")
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class Hello:
    browser_id: str
    language: str | None


@dataclass(frozen=True)
class TextFrame:
    text: str


@dataclass(frozen=True)
class CallbackFrame:
    message_id: int
    data: str


@dataclass(frozen=True)
class ContactFrame:
    phone_number: str


@dataclass(frozen=True)
class PhotoFrame:
    data: bytes
    caption: str | None


ClientFrame = Hello | TextFrame | CallbackFrame | ContactFrame | PhotoFrame


def parse_client_frame(raw: str) -> ClientFrame:
    """Parse and validate one frame from the browser, or raise `FrameError`."""
    if len(raw) > MAX_FRAME_BYTES:
        raise FrameError("too_large")
    try:
        payload = json.loads(raw)
    except ValueError:
        raise FrameError("bad_json") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise FrameError("bad_frame")
    kind = payload["type"]
    parser = _PARSERS.get(kind)
    if parser is None:
        raise FrameError("unknown_type")
    return parser(payload)


def _string(payload: dict[str, Any], name: str, *, limit: int, optional: bool = False) -> str | None:
    value = payload.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FrameError("bad_field", name)
    if len(value) > limit:
        raise FrameError("too_large", name)
    return value


def _required(payload: dict[str, Any], name: str, *, limit: int) -> str:
    value = _string(payload, name, limit=limit)
    assert value is not None
    return value


def _hello(payload: dict[str, Any]) -> Hello:
    try:
        browser_id = parse_browser_id(payload.get("user"))
    except BrowserIdError:
        raise FrameError("bad_user", "user") from None
    return Hello(browser_id=browser_id, language=language_code(payload.get("language")))


def _text(payload: dict[str, Any]) -> TextFrame:
    return TextFrame(text=_required(payload, "text", limit=MAX_TEXT))


def _callback(payload: dict[str, Any]) -> CallbackFrame:
    message_id = payload.get("message_id")
    if type(message_id) is not int or not 0 < message_id <= _MAX_MESSAGE_ID:
        raise FrameError("bad_field", "message_id")
    data = payload.get("data")
    if not isinstance(data, str) or not data:
        raise FrameError("bad_field", "data")
    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
        raise FrameError("too_large", "data")
    return CallbackFrame(message_id=message_id, data=data)


def _contact(payload: dict[str, Any]) -> ContactFrame:
    phone = _required(payload, "phone_number", limit=32).strip()
    if not _PHONE.match(phone):
        raise FrameError("bad_field", "phone_number")
    return ContactFrame(phone_number=phone)


def _photo(payload: dict[str, Any]) -> PhotoFrame:
    encoded = _required(payload, "data", limit=(MAX_PHOTO_BYTES + 2) // 3 * 4)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise FrameError("bad_field", "data") from None
    if len(data) > MAX_PHOTO_BYTES:
        raise FrameError("too_large", "data")
    caption = _string(payload, "caption", limit=MAX_CAPTION, optional=True)
    return PhotoFrame(data=data, caption=caption)


_PARSERS: dict[str, Callable[[dict[str, Any]], ClientFrame]] = {
    "hello": _hello,
    "text": _text,
    "callback": _callback,
    "contact": _contact,
    "photo": _photo,
}


def error_frame(reason: str, field: str | None = None) -> Frame:
    frame: Frame = {"type": "error", "reason": reason}
    if field is not None:
        frame["field"] = field
    return frame


def delete_frame(message_id: int) -> Frame:
    return {"type": "delete", "message_id": message_id}


def callback_answer_frame(message_id: int | None, text: str | None, show_alert: bool) -> Frame:
    return {"type": "callback_answer", "message_id": message_id, "text": text, "show_alert": show_alert}


def ready_frame(history: list[Frame], reply_keyboard: Frame | None, history_limit: int, locale: str = "en") -> Frame:
    return {
        "type": "ready",
        "history": history,
        "reply_keyboard": reply_keyboard,
        "history_limit": history_limit,
        "locale": locale,
    }


def locale_frame(locale: str) -> Frame:
    return {"type": "locale", "locale": locale}
