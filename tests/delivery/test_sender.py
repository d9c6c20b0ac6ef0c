"""From an outbox message to the Bot API call, and from each Bot API error to what the retry policy sees."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup

from bot.api_limits import violations
from bot.delivery.sender import classify
from domain.delivery import Attachment, ChatAddress, InlineButton, OutboundMessage
from domain.retry import FailureKind
from handlers.views.outbound import to_method

CHAT = ChatAddress.telegram(777123456)
KEYBOARD = ((InlineButton("Interested", callback_data="s:1:y"), InlineButton("Profile", url="https://x.org/p")),)


def test_text_photo_and_document_become_the_matching_calls() -> None:
    text = to_method(CHAT, OutboundMessage("<b>Hello</b>", keyboard=KEYBOARD))
    photo = to_method(CHAT, OutboundMessage("Mei, 29", attachment=Attachment("photo", "AgAD")))
    document = to_method(CHAT, OutboundMessage("", attachment=Attachment("document", "https://x.org/i.pdf")))
    assert isinstance(text, SendMessage) and text.parse_mode == "HTML" and text.chat_id == 777123456
    assert isinstance(text.reply_markup, InlineKeyboardMarkup)
    (row,) = text.reply_markup.inline_keyboard
    assert [(b.text, b.callback_data, b.url) for b in row] == [
        ("Interested", "s:1:y", None),
        ("Profile", None, "https://x.org/p"),
    ]
    assert isinstance(photo, SendPhoto) and photo.photo == "AgAD" and photo.caption == "Mei, 29"
    assert isinstance(document, SendDocument) and document.caption is None
    assert violations(text) == violations(photo) == violations(document) == []  # type: ignore[arg-type]


METHOD = SendMessage(chat_id=777123456, text="x")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (TelegramRetryAfter(method=METHOD, message="Too Many Requests", retry_after=7), FailureKind.RATE_LIMITED),
        (TelegramServerError(method=METHOD, message="Internal Server Error"), FailureKind.TRANSIENT),
        (RestartingTelegram(method=METHOD, message="restart"), FailureKind.TRANSIENT),
        (TelegramNetworkError(method=METHOD, message="Request timeout error"), FailureKind.TRANSIENT),
        (ClientDecodeError("bad gateway page", ValueError(), "<html>"), FailureKind.TRANSIENT),
        (TelegramForbiddenError(method=METHOD, message="Forbidden: bot was blocked by the user"), FailureKind.BLOCKED),
        (TelegramBadRequest(method=METHOD, message="Bad Request: chat not found"), FailureKind.REJECTED),
        (TelegramMigrateToChat(method=METHOD, message="m", migrate_to_chat_id=-100123456789), FailureKind.REJECTED),
        (TelegramEntityTooLarge(method=METHOD, message="Request Entity Too Large"), FailureKind.REJECTED),
        (ValueError("a bug"), FailureKind.REJECTED),
    ],
)
def test_each_error_is_classified(error: BaseException, kind: FailureKind) -> None:
    failure = classify(error)
    assert failure.kind is kind
    assert "777123456" not in failure.reason and "100123456789" not in failure.reason
    if kind is FailureKind.RATE_LIMITED:
        assert failure.retry_after == 7
