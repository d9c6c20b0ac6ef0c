"""What the bot's message methods do in the web chat: send, edit and delete messages, answer button presses.

A sent message is built with `bot.api_results.build_result`, then given what Telegram would have made of it
(plain text and entities instead of HTML, the stored photo's real size, the document's name). An edit
returns the remembered message with its changes applied, as Telegram returns the whole edited message.
Telegram's refusals are repeated word for word: an unknown chat, file or message, a message that is not
modified, a query answered twice.
"""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from aiogram import Bot
from aiogram.exceptions import TelegramEntityTooLarge
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    Document,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    PhotoSize,
    TelegramObject,
    URLInputFile,
)

from bot.api_results import build_result
from bot.webchat.files import FileKind, StoredFile, is_token, unique_id
from bot.webchat.formatting import bad_request, formatted
from bot.webchat.hub import WebChatHub
from bot.webchat.identity import bot_user
from bot.webchat.images import sniff_image
from bot.webchat.protocol import callback_answer_frame
from bot.webchat.rendering import file_link
from bot.webchat.telegram_html import FormattedText
from domain.clock import Clock

MAX_PHOTO_UPLOAD = 10 * 1024 * 1024
MAX_DOCUMENT_UPLOAD = 50 * 1024 * 1024
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)

EditMethod = EditMessageText | EditMessageCaption | EditMessageReplyMarkup


class OutgoingMessages:
    def __init__(self, hub: WebChatHub, clock: Clock) -> None:
        self._hub = hub
        self._clock = clock

    async def send_message(self, bot: Bot, method: SendMessage) -> Message:
        chat_id = _chat_id(method, method.chat_id)
        text = formatted(bot, method, method.text, method.parse_mode, method.entities)
        if not text.text.strip():
            raise bad_request(method, "message text is empty")
        message = (await self._built(bot, method, chat_id)).model_copy(
            update={"text": text.text, "entities": text.entities or None}
        )
        await self._hub.add(chat_id, message, method.reply_markup)
        return message

    async def send_photo(self, bot: Bot, method: SendPhoto) -> Message:
        return await self._send_file(bot, method, method.photo, "photo")

    async def send_document(self, bot: Bot, method: SendDocument) -> Message:
        return await self._send_file(bot, method, method.document, "document")

    async def _send_file(
        self, bot: Bot, method: SendPhoto | SendDocument, value: InputFile | str, kind: FileKind
    ) -> Message:
        chat_id = _chat_id(method, method.chat_id)
        caption = _caption(bot, method, method.caption, method.parse_mode, method.caption_entities)
        file_id, stored = await self._attachment(bot, method, value, kind)
        changes: dict[str, Any] = _caption_fields(caption)
        if stored is not None:
            changes[kind] = _media(file_id, stored)
        built = await self._built(bot, method.model_copy(update={kind: file_id}), chat_id)
        message = built.model_copy(update=changes)
        await self._hub.add(chat_id, message, method.reply_markup)
        return message

    async def edit(self, bot: Bot, method: EditMethod) -> Message:
        if method.inline_message_id is not None:
            raise bad_request(method, "the web chat has no inline messages")
        chat_id = _chat_id(method, method.chat_id)
        memory = await self._hub.chat(chat_id)
        old = memory.get(method.message_id or 0)
        if old is None:
            raise bad_request(method, "message to edit not found")
        if old.from_user is None or not old.from_user.is_bot:
            raise bad_request(method, "message can't be edited")
        markup = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        changes: dict[str, Any] = {"reply_markup": markup}
        if isinstance(method, EditMessageText):
            if old.text is None:
                raise bad_request(method, "there is no text in the message to edit")
            text = formatted(bot, method, method.text or "", method.parse_mode, method.entities)
            if not text.text.strip():
                raise bad_request(method, "message text is empty")
            changes.update(text=text.text, entities=text.entities or None)
        elif isinstance(method, EditMessageCaption):
            if old.text is not None:
                raise bad_request(method, "there is no caption in the message to edit")
            caption = _caption(bot, method, method.caption, method.parse_mode, method.caption_entities)
            changes.update(_caption_fields(caption))
        if all(_plain(getattr(old, name)) == _plain(value) for name, value in changes.items()):
            raise bad_request(method, _NOT_MODIFIED)
        edited = old.model_copy(update={**changes, "edit_date": int(self._clock.now().timestamp())})
        await self._hub.replace(chat_id, edited)
        return edited

    async def delete(self, method: DeleteMessage) -> bool:
        chat_id = _chat_id(method, method.chat_id)
        if not await self._hub.remove(chat_id, method.message_id):
            raise bad_request(method, "message to delete not found")
        return True

    def answer_callback(self, method: AnswerCallbackQuery) -> bool:
        pending = self._hub.close_callback(method.callback_query_id)
        if pending is None:
            raise bad_request(method, "query is too old and response timeout expired or query ID is invalid")
        frame = callback_answer_frame(pending.message_id, method.text, bool(method.show_alert))
        self._hub.broadcast(pending.chat_id, frame)
        return True

    async def _built(self, bot: Bot, method: TelegramMethod[Any], chat_id: int) -> Message:
        message_id = (await self._hub.chat(chat_id)).next_message_id()
        result = build_result(method, message_id=message_id, bot_user=bot_user(bot.id), now=self._clock.now())
        return cast(Message, result)

    async def _attachment(
        self, bot: Bot, method: TelegramMethod[Any], value: InputFile | str, kind: FileKind
    ) -> tuple[str, StoredFile | None]:
        """The file id a photo or document is sent with, storing an upload; a stored file's contents."""
        if isinstance(value, URLInputFile):
            value = value.url
        if isinstance(value, str):
            return await self._known_file(method, value, kind)
        data = b"".join([chunk async for chunk in value.read(bot)])
        if len(data) > (MAX_PHOTO_UPLOAD if kind == "photo" else MAX_DOCUMENT_UPLOAD):
            raise TelegramEntityTooLarge(method=method, message="Request Entity Too Large")
        width = height = None
        if kind == "photo":
            image = sniff_image(data)
            if image is None:
                raise bad_request(method, "IMAGE_PROCESS_FAILED")
            name, content_type, width, height = value.filename, image.content_type, image.width, image.height
        else:
            name = value.filename or "document"
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        token = await self._hub.files.put(
            data, kind=kind, content_type=content_type, name=name, width=width, height=height
        )
        return token, StoredFile(token, kind, content_type, name, data, width, height)

    async def _known_file(
        self, method: TelegramMethod[Any], file_id: str, kind: FileKind
    ) -> tuple[str, StoredFile | None]:
        if is_token(file_id):
            stored = await self._hub.files.get(file_id)
            if stored is not None:
                if stored.kind != kind:
                    raise bad_request(method, "type of file mismatch")
                return file_id, stored
        elif file_link(file_id) is not None:
            return file_id, None
        raise bad_request(method, "wrong file identifier/HTTP URL specified")


def _chat_id(method: TelegramMethod[Any], chat_id: int | str | None) -> int:
    """Web chats are private chats with positive ids; anything else does not exist here."""
    if isinstance(chat_id, int) and chat_id > 0:
        return chat_id
    raise bad_request(method, "chat not found")


def _caption(
    bot: Bot,
    method: TelegramMethod[Any],
    caption: str | None,
    parse_mode: object,
    entities: list[MessageEntity] | None,
) -> FormattedText | None:
    if caption is None:
        return None
    return formatted(bot, method, caption, parse_mode, entities)


def _media(file_id: str, stored: StoredFile) -> list[PhotoSize] | Document:
    """A stored file as the Message's `photo` or `document`, with its real size and name."""
    unique = unique_id(file_id)
    if stored.kind == "photo":
        width, height = stored.width or 0, stored.height or 0
        return [
            PhotoSize(file_id=file_id, file_unique_id=unique, width=width, height=height, file_size=len(stored.data))
        ]
    return Document(
        file_id=file_id,
        file_unique_id=unique,
        file_name=stored.name,
        mime_type=stored.content_type,
        file_size=len(stored.data),
    )


def _plain(value: object) -> object:
    """A value to compare by content (aiogram objects mounted on a bot compare unequal to unmounted ones)."""
    if isinstance(value, TelegramObject):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _caption_fields(caption: FormattedText | None) -> dict[str, Any]:
    if caption is None or not caption.text:
        return {"caption": None, "caption_entities": None}
    return {"caption": caption.text, "caption_entities": caption.entities or None}
