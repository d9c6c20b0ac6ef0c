"""A reply's Bot API call as an outbox row's content and back: what the person would see is kept exactly."""

from __future__ import annotations

import json

import pytest
from aiogram.methods import EditMessageText, SendDocument, SendMessage, SendPhoto
from aiogram.types import (
    BufferedInputFile,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from domain.delivery import ChatAddress, RecordedCall, deliverable_from_json
from handlers.views.outbound import recorded_call, to_method

CHAT = ChatAddress.telegram(42)


def round_trip(method: SendMessage | SendPhoto | SendDocument) -> SendMessage | SendPhoto | SendDocument:
    call = recorded_call(method)
    assert call is not None
    stored = json.loads(json.dumps(call.to_json()))  # what the sealed JSON column holds
    return to_method(CHAT, deliverable_from_json(stored))


@pytest.mark.parametrize(
    "markup",
    [
        None,
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="y")]]),
        ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share", request_contact=True)]], resize_keyboard=True),
        ReplyKeyboardRemove(),
    ],
)
def test_a_text_reply_and_its_keyboard_survive_the_outbox(markup: object) -> None:
    method = SendMessage(chat_id=42, text="<b>Hello</b>", reply_markup=markup)  # type: ignore[arg-type]

    again = round_trip(method)

    assert isinstance(again, SendMessage)
    assert (again.chat_id, again.text, again.reply_markup) == (42, "<b>Hello</b>", markup)


def test_a_photo_and_an_uploaded_document_survive_the_outbox() -> None:
    photo = round_trip(SendPhoto(chat_id=42, photo="file-id-1", caption="you"))
    assert isinstance(photo, SendPhoto) and (photo.photo, photo.caption) == ("file-id-1", "you")

    document = round_trip(SendDocument(chat_id=42, document=BufferedInputFile(b"BEGIN:VCALENDAR", "date.ics")))
    assert isinstance(document, SendDocument) and isinstance(document.document, BufferedInputFile)
    assert (document.document.data, document.document.filename) == (b"BEGIN:VCALENDAR", "date.ics")


def test_calls_without_a_row() -> None:
    assert recorded_call(EditMessageText(chat_id=42, message_id=1, text="x")) is None
    assert recorded_call(SendDocument(chat_id=42, document=FSInputFile("/etc/hostname"))) is None


def test_an_unknown_recorded_method_is_refused() -> None:
    with pytest.raises(ValueError):
        RecordedCall("forwardMessage", {})
    with pytest.raises(ValueError):
        to_method(CHAT, RecordedCall("sendMessage", {"chat_id": 42}))  # no text: not a valid call
