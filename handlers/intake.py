"""Answers to the current question (资料登记 and 择偶要求): typed, tapped, photos, a shared contact.

Every update in the question state gets an answer: the next question, or an explanation and the same
question again. Buttons of other questions are outdated: the callback is answered and the current question
asked again.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from handlers.journey import Conversation, Journey
from handlers.views.keyboards import AnswerButton

router = Router(name="intake")
ANSWERING = StateFilter(Journey.question, Journey.editing)


@router.message(ANSWERING, F.text, ~F.text.startswith("/"))
async def typed_answer(message: Message, conversation: Conversation) -> None:
    assert message.text is not None
    await conversation.on_text(message.text)


@router.message(ANSWERING, F.photo)
async def photo_answer(message: Message, conversation: Conversation) -> None:
    assert message.photo
    await conversation.on_photo(message.photo[-1].file_id)


@router.message(ANSWERING, F.contact)
async def contact_answer(message: Message, conversation: Conversation) -> None:
    assert message.contact is not None
    await conversation.on_contact(message.contact, message.from_user)


@router.message(ANSWERING)
async def not_an_answer(message: Message, conversation: Conversation) -> None:
    await conversation.on_other(message)


@router.callback_query(AnswerButton.filter())
async def button_answer(callback: CallbackQuery, callback_data: AnswerButton, conversation: Conversation) -> None:
    await conversation.on_button(callback, callback_data)


@router.callback_query(ANSWERING)
async def other_button(callback: CallbackQuery, conversation: Conversation) -> None:
    await conversation.outdated(callback)
