"""Messages the bot sends on its own initiative: where they go, what they say, and the limits on sending.

Features describe a message with `OutboundMessage` and an address with `ChatAddress`; the outbox stores both
(encrypted) as JSON and the delivery worker turns them into Bot API calls. A reply a handler decided during an
update is stored as the Bot API call itself (`RecordedCall`), so the worker can send it if the bot could not
(docs/delivery.md, "Replies after commit"). Nothing here knows about aiogram or the database.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from domain.identity import Channel

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTON_TEXT = 64
MAX_FILE_REFERENCE = 2048
MESSAGE_FORMAT = 1
CALL_FORMAT = "call-1"
RECORDED_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})

AttachmentKind = Literal["photo", "document"]
ATTACHMENT_KINDS: tuple[AttachmentKind, ...] = ("photo", "document")


class DeliveryState(StrEnum):
    """Where an outbox message stands. `sent`, `failed` and `cancelled` are final."""

    PENDING = "pending"  # waiting for its time, its turn in the chat, or a retry
    SENDING = "sending"  # claimed by the leader under a lease
    SENT = "sent"
    FAILED = "failed"  # parked: retries exhausted or refused by Telegram; visible to staff
    CANCELLED = "cancelled"  # not sent on purpose (the recipient blocked the bot)


ACTIVE_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


@dataclass(frozen=True, slots=True)
class ChatAddress:
    """A chat on one channel. Negative Telegram chat ids are groups and supergroups."""

    channel: Channel
    chat_id: int

    def __post_init__(self) -> None:
        try:
            channel = Channel(self.channel)
        except ValueError:
            raise ValueError(f"channel must be one of: {', '.join(c.value for c in Channel)}") from None
        object.__setattr__(self, "channel", channel)
        if isinstance(self.chat_id, bool) or not isinstance(self.chat_id, int) or self.chat_id == 0:
            raise ValueError("chat_id must be a non-zero integer")

    @property
    def is_group(self) -> bool:
        return self.chat_id < 0

    @property
    def key(self) -> str:
        """`channel:chat_id`: the text that is encrypted and blind-indexed for the outbox."""
        return f"{self.channel.value}:{self.chat_id}"

    @classmethod
    def telegram(cls, chat_id: int) -> ChatAddress:
        return cls(Channel.TELEGRAM, chat_id)

    @classmethod
    def web(cls, chat_id: int) -> ChatAddress:
        return cls(Channel.WEB, chat_id)

    @classmethod
    def from_key(cls, key: str) -> ChatAddress:
        channel, sep, chat_id = key.partition(":")
        try:
            if not sep:
                raise ValueError
            return cls(Channel(channel), int(chat_id))
        except ValueError:
            raise ValueError("a chat key looks like channel:chat_id") from None


@dataclass(frozen=True, slots=True)
class InlineButton:
    """One inline button: it either sends `callback_data` back to the bot or opens `url`."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("a button needs text")
        if len(self.text) > MAX_BUTTON_TEXT:
            raise ValueError(f"button text is longer than {MAX_BUTTON_TEXT} characters")
        if (self.callback_data is None) == (self.url is None):
            raise ValueError("a button has exactly one of callback_data and url")
        if self.callback_data is not None:
            if not isinstance(self.callback_data, str) or not self.callback_data:
                raise ValueError("callback_data must be non-empty text")
            if len(self.callback_data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise ValueError(f"callback_data is longer than {MAX_CALLBACK_DATA_BYTES} bytes")
        if self.url is not None and (
            not isinstance(self.url, str) or urlsplit(self.url).scheme not in ("http", "https", "tg")
        ):
            raise ValueError("a button url must be http://, https:// or tg://")

    def to_json(self) -> dict[str, str]:
        if self.callback_data is not None:
            return {"text": self.text, "callback_data": self.callback_data}
        assert self.url is not None
        return {"text": self.text, "url": self.url}

    @classmethod
    def from_json(cls, data: object) -> InlineButton:
        mapping = _mapping(data, "button")
        return cls(
            text=_text(mapping.get("text"), "button text"),
            callback_data=_optional_text(mapping.get("callback_data"), "callback_data"),
            url=_optional_text(mapping.get("url"), "url"),
        )


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or document already known to the channel: a Telegram file_id or an http(s) URL."""

    kind: AttachmentKind
    file: str

    def __post_init__(self) -> None:
        if self.kind not in ATTACHMENT_KINDS:
            raise ValueError("an attachment is a photo or a document")
        if not isinstance(self.file, str) or not self.file.strip() or len(self.file) > MAX_FILE_REFERENCE:
            raise ValueError("an attachment needs a file id or URL")

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "file": self.file}

    @classmethod
    def from_json(cls, data: object) -> Attachment:
        mapping = _mapping(data, "attachment")
        kind = _text(mapping.get("kind"), "attachment kind")
        if kind not in ATTACHMENT_KINDS:
            raise ValueError("an attachment is a photo or a document")
        return cls(kind=kind, file=_text(mapping.get("file"), "attachment file"))


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """What to send: HTML text (the caption when there is an attachment) and an optional inline keyboard."""

    text: str
    keyboard: tuple[tuple[InlineButton, ...], ...] = ()
    attachment: Attachment | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValueError("text must be a string")
        rows = tuple(tuple(row) for row in self.keyboard)
        object.__setattr__(self, "keyboard", rows)
        for row in rows:
            if not row:
                raise ValueError("a keyboard row needs at least one button")
            for button in row:
                if not isinstance(button, InlineButton):
                    raise ValueError("keyboard rows hold InlineButton values")
        if self.attachment is None:
            if not self.text.strip():
                raise ValueError("a text message needs text")
            if len(self.text) > MAX_TEXT:
                raise ValueError(f"text is longer than {MAX_TEXT} characters")
        elif len(self.text) > MAX_CAPTION:
            raise ValueError(f"a caption is longer than {MAX_CAPTION} characters")

    def to_json(self) -> dict[str, Any]:
        return {
            "v": MESSAGE_FORMAT,
            "text": self.text,
            "keyboard": [[button.to_json() for button in row] for row in self.keyboard],
            "attachment": None if self.attachment is None else self.attachment.to_json(),
        }

    @classmethod
    def from_json(cls, data: object) -> OutboundMessage:
        mapping = _mapping(data, "message")
        if mapping.get("v") != MESSAGE_FORMAT:
            raise ValueError("unknown message format")
        rows = mapping.get("keyboard") or []
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ValueError("keyboard must be a list of rows")
        attachment = mapping.get("attachment")
        text = mapping.get("text")
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        return cls(
            text=text,
            keyboard=tuple(tuple(InlineButton.from_json(b) for b in row) for row in rows),
            attachment=None if attachment is None else Attachment.from_json(attachment),
        )


@dataclass(frozen=True)
class RecordedCall:
    """A reply as the Bot API call that sends it: the method's name and its parameters as JSON (an uploaded
    file as its name and base64 bytes). Built and turned back into a call by `handlers.views.outbound`."""

    method: str
    params: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.method not in RECORDED_METHODS:
            raise ValueError(f"a recorded call is one of: {', '.join(sorted(RECORDED_METHODS))}")
        if not isinstance(self.params, Mapping):
            raise ValueError("a recorded call's parameters are an object")

    @property
    def text(self) -> str:
        """What the reply says: its text, or its caption."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else ""

    def to_json(self) -> dict[str, Any]:
        return {"v": CALL_FORMAT, "method": self.method, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: object) -> RecordedCall:
        mapping = _mapping(data, "recorded call")
        if mapping.get("v") != CALL_FORMAT:
            raise ValueError("unknown recorded call format")
        return cls(_text(mapping.get("method"), "method"), _mapping(mapping.get("params"), "parameters"))


Deliverable = OutboundMessage | RecordedCall


def deliverable_from_json(data: object) -> Deliverable:
    """An outbox row's content: a message built by a feature or a reply recorded during an update."""
    if isinstance(data, Mapping) and data.get("v") == CALL_FORMAT:
        return RecordedCall.from_json(data)
    return OutboundMessage.from_json(data)


@dataclass(frozen=True)
class RateLimits:
    """Telegram's sending limits for one bot, and the margins kept below them for jitter.

    Every call that sends or edits a message counts. Groups are chats with a negative id. Limits are
    windows: at most `messages_per_second` sends in any second, one per second in a private chat,
    `group_per_minute` in any minute in a group.
    """

    messages_per_second: float = 30.0
    private_chat_per_second: float = 1.0
    group_per_minute: float = 20.0
    headroom: float = 0.04  # pace this fraction below each limit
    jitter: float = 0.04  # seconds added to every window: requests reach Telegram a little unevenly

    def __post_init__(self) -> None:
        if min(self.messages_per_second, self.private_chat_per_second, self.group_per_minute) <= 0:
            raise ValueError("rate limits must be positive")
        if not 0 <= self.headroom < 0.5 or not 0 <= self.jitter < 1:
            raise ValueError("headroom must be in [0, 0.5) and jitter in [0, 1) seconds")

    @property
    def global_interval(self) -> float:
        """Seconds between two sends of the bot, on average (the pace of the bot's token bucket)."""
        return 1.0 / (self.messages_per_second * (1 - self.headroom))

    @property
    def global_capacity(self) -> float:
        """Tokens the bot's bucket holds: one and a half, so a send that starts a little late (the event
        loop was busy) does not lose its slot for good; the window guard keeps every second within the limit."""
        return 3.0

    @property
    def global_window(self) -> tuple[int, float]:
        """The hard guard: at most this many sends in any window of this many seconds."""
        return max(1, math.floor(self.messages_per_second + 1e-9)), 1.0 + self.jitter

    def shared_by(self, instances: int) -> RateLimits:
        """Each instance's part when `instances` processes send for the same bot: the bot's limit is Telegram's
        for the bot, not for each process; a chat's limits stay whole (one person's chat is served by one
        instance at a time: its updates are handled in turn)."""
        return replace(self, messages_per_second=self.messages_per_second / max(1, instances))

    def chat_interval(self, chat_id: int) -> float:
        """Seconds from the end of one send to a chat to the start of the next."""
        if chat_id < 0:
            return 60.0 / (self.group_per_minute * (1 - self.headroom))
        return 1.0 / (self.private_chat_per_second * (1 - self.headroom))


@dataclass(frozen=True)
class LimitViolation:
    """A window in which more was sent than a limit allows."""

    scope: str  # "global" or "chat"
    chat: str | None
    window_start: float
    count: int
    allowed: int
    window: float


def limit_violations(
    sends: Iterable[tuple[str | int, float]],
    limits: RateLimits,
    *,
    is_group: Mapping[str | int, bool] | None = None,
) -> list[LimitViolation]:
    """Check recorded sends `(chat, seconds)` against the limits themselves (not the headroom).

    A window is half-open, `[t, t + window)`: 30 sends per second means no 31 sends within less than a
    second. A chat counts as a group when `is_group` says so, or, for integer chats, when it is negative.
    """
    per_chat: dict[str | int, list[float]] = defaultdict(list)
    everything: list[float] = []
    for chat, moment in sends:
        per_chat[chat].append(moment)
        everything.append(moment)
    found = _window_violations(everything, _allowed(limits.messages_per_second, 1.0), 1.0, "global", None)
    for chat, times in per_chat.items():
        group = is_group.get(chat, False) if is_group is not None else isinstance(chat, int) and chat < 0
        if group:
            allowed, window = _allowed(limits.group_per_minute, 1.0), 60.0
        else:
            allowed, window = _allowed(limits.private_chat_per_second, 1.0), 1.0
        found.extend(_window_violations(times, allowed, window, "chat", str(chat)))
    return found


def _allowed(rate: float, per_window: float) -> int:
    return max(1, math.floor(rate * per_window + 1e-9))


def _window_violations(
    times: Sequence[float], allowed: int, window: float, scope: str, chat: str | None
) -> list[LimitViolation]:
    ordered = sorted(times)
    found: list[LimitViolation] = []
    for start_index, start in enumerate(ordered):
        end_index = bisect_left(ordered, start + window, lo=start_index)
        count = end_index - start_index
        if count > allowed:
            found.append(LimitViolation(scope, chat, start, count, allowed, window))
    return found


def _mapping(data: object, what: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be an object")
    return data


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


@dataclass(frozen=True)
class RecipientUnreachable:
    """Telegram answered 403 for an outbox message: the person blocked the bot (or it left the group)."""

    outbox_id: int
    account_id: UUID | None
    channel: str
    cancelled: int  # further pending messages to the same chat that were cancelled
