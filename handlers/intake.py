"""Answers to the current question (资料登记 and 择偶要求): typed, tapped, photos, a shared contact.

Every update in the question state gets an answer: the next question, or an explanation and the same
question again. Buttons of other questions are outdated: the callback is answered and the current question
asked again. Each button action has its own handler; `Asked` lets through only a button of the question being
answered now (and hands the handler its `position`).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from domain.intake import Kind
from handlers.journey import Conversation, Journey, answers, navigation
from handlers.journey.positions import Asked, Position
from handlers.views.keyboards import AnswerButton, Op

ANSWERING = StateFilter(Journey.question, Journey.editing)


async def typed_answer(message: Message, conversation: Conversation) -> None:
    assert message.text is not None
    await answers.typed(conversation, message.text)


async def photo_answer(message: Message, conversation: Conversation) -> None:
    assert message.photo
    await answers.photo(conversation, message.photo[-1].file_id)


async def contact_answer(message: Message, conversation: Conversation) -> None:
    assert message.contact is not None
    await answers.contact(conversation, message.contact, message.from_user)


async def not_an_answer(message: Message, conversation: Conversation) -> None:
    await answers.not_an_answer(conversation, message)


async def go_back(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await callback.answer()
    await answers.go_back(conversation, position)


async def skip(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await answers.skip_question(conversation, callback, position)


async def take_suggestion(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await answers.take_suggestion(conversation, callback, position)


async def pick(
    callback: CallbackQuery, callback_data: AnswerButton, position: Position, conversation: Conversation
) -> None:
    code = answers.option_at(conversation, position, callback_data.value)
    await answers.choose_option(conversation, callback, position, code)


async def place(
    callback: CallbackQuery, callback_data: AnswerButton, position: Position, conversation: Conversation
) -> None:
    await answers.choose_option(conversation, callback, position, callback_data.value)


async def toggle(
    callback: CallbackQuery, callback_data: AnswerButton, position: Position, conversation: Conversation
) -> None:
    await answers.toggle_option(conversation, callback, position, callback_data.value)


async def finish_picks(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await answers.finish_picks(conversation, callback, position)


async def finish_photos(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await answers.photos_confirmed(conversation, callback, position)


async def remove_photos(callback: CallbackQuery, position: Position, conversation: Conversation) -> None:
    await answers.remove_photos(conversation, callback, position)


async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await navigation.outdated(conversation, callback)


def create_router() -> Router:
    router = Router(name="intake")
    router.message.register(typed_answer, ANSWERING, F.text, ~F.text.startswith("/"))
    router.message.register(photo_answer, ANSWERING, F.photo)
    router.message.register(contact_answer, ANSWERING, F.contact)
    router.message.register(not_an_answer, ANSWERING)
    router.callback_query.register(go_back, AnswerButton.filter(F.op == Op.BACK), Asked())
    router.callback_query.register(skip, AnswerButton.filter(F.op == Op.SKIP), Asked())
    router.callback_query.register(take_suggestion, AnswerButton.filter(F.op == Op.SUGGESTED), Asked())
    router.callback_query.register(pick, AnswerButton.filter(F.op == Op.PICK), Asked())
    router.callback_query.register(place, AnswerButton.filter(F.op == Op.PLACE), Asked())
    router.callback_query.register(toggle, AnswerButton.filter(F.op == Op.TOGGLE), Asked(Kind.MULTI))
    router.callback_query.register(finish_picks, AnswerButton.filter(F.op == Op.DONE), Asked(Kind.MULTI))
    router.callback_query.register(finish_photos, AnswerButton.filter(F.op == Op.DONE), Asked(Kind.PHOTOS))
    router.callback_query.register(remove_photos, AnswerButton.filter(F.op == Op.CLEAR), Asked(Kind.PHOTOS))
    router.callback_query.register(outdated, AnswerButton.filter())  # a button of another question
    router.callback_query.register(outdated, ANSWERING)
    return router
