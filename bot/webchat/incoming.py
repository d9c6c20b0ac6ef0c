"""The page's frames as the Updates Telegram would deliver for them.

A message from the user gets the chat's next message id, is remembered (and stored with the chat's history)
and echoed to all of the user's sockets before its Update is handed over, so the page shows it before the
bot's answer. A button press is checked against the remembered message like Telegram checks it: a press on
a message the chat still remembers must be one of its current buttons; a press on a forgotten one reaches
the bot with an `InaccessibleMessage`, so the handlers can answer it as expired.
"""

from __future__ import annotations

import re
from typing import Any

from aiogram.enums import MessageEntityType
from aiogram.types import CallbackQuery, Contact, InaccessibleMessage, Message, MessageEntity, PhotoSize, Update

from bot.webchat.files import unique_id
from bot.webchat.hub import WebChatHub
from bot.webchat.identity import WebSender
from bot.webchat.images import sniff_image
from bot.webchat.protocol import CallbackFrame, ContactFrame, FrameError, PhotoFrame, TextFrame
from domain.clock import Clock

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


class IncomingUpdates:
    def __init__(self, hub: WebChatHub, clock: Clock) -> None:
        self._hub = hub
        self._clock = clock

    async def text(self, sender: WebSender, frame: TextFrame) -> Update:
        command = _COMMAND.match(frame.text)
        entities = (
            [MessageEntity(type=MessageEntityType.BOT_COMMAND, offset=0, length=command.end())] if command else None
        )
        return await self._message(sender, text=frame.text, entities=entities)

    async def contact(self, sender: WebSender, frame: ContactFrame) -> Update:
        contact = Contact(phone_number=frame.phone_number, first_name=sender.user.first_name, user_id=sender.user.id)
        return await self._message(sender, contact=contact)

    async def photo(self, sender: WebSender, frame: PhotoFrame) -> Update:
        image = sniff_image(frame.data)
        if image is None:
            raise FrameError("bad_photo", "data")
        token = await self._hub.files.put(
            frame.data, kind="photo", content_type=image.content_type, width=image.width, height=image.height
        )
        size = PhotoSize(
            file_id=token,
            file_unique_id=unique_id(token),
            width=image.width,
            height=image.height,
            file_size=len(frame.data),
        )
        return await self._message(sender, photo=[size], caption=frame.caption)

    async def callback(self, sender: WebSender, frame: CallbackFrame) -> Update:
        pressed = (await self._hub.chat(sender.chat.id)).get(frame.message_id)
        message: Message | InaccessibleMessage
        if pressed is None:
            message = InaccessibleMessage(chat=sender.chat, message_id=frame.message_id)
        elif _has_button(pressed, frame.data):
            message = pressed
        else:
            raise FrameError("stale_button")
        query = CallbackQuery(
            id=self._hub.open_callback(sender.chat.id, frame.message_id),
            from_user=sender.user,
            chat_instance=str(sender.chat.id),
            message=message,
            data=frame.data,
        )
        return Update(update_id=self._hub.next_update_id(), callback_query=query)

    async def _message(self, sender: WebSender, **content: Any) -> Update:
        memory = await self._hub.chat(sender.chat.id)
        message = Message(
            message_id=memory.next_message_id(),
            date=self._clock.now(),
            chat=sender.chat,
            from_user=sender.user,
            **content,
        )
        await self._hub.add(sender.chat.id, message)
        return Update(update_id=self._hub.next_update_id(), message=message)


def _has_button(message: Message, data: str) -> bool:
    markup = message.reply_markup
    if markup is None or message.from_user is None or not message.from_user.is_bot:
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)
