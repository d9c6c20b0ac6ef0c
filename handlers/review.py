"""The review of a finished profile (Confirm or change one answer), the list of answers to change, and the
fallbacks of the introduction, review and list states."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.journey import Conversation, Journey, Target, navigation, review, screens
from handlers.views.keyboards import ReviewAction, ReviewButton, review_keyboard


async def confirm(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await review.confirm(conversation)


async def choose_field(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await screens.show_fields(conversation, Target.REVIEW)


async def edit_field(callback: CallbackQuery, callback_data: ReviewButton, conversation: Conversation) -> None:
    if not await review.edit_field(conversation, callback_data.value):
        await navigation.outdated(conversation, callback)
        return
    await callback.answer()


async def leave_fields(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await review.leave_fields(conversation)


async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await navigation.outdated(conversation, callback)


async def review_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(
        _("Please check your profile above, then tap <b>Confirm</b> or change an answer."), review_keyboard()
    )


async def fields_fallback(message: Message, conversation: Conversation) -> None:
    await review.fields_again(conversation, lead=_("Please choose the answer to change with the buttons."))


async def intro_fallback(message: Message, conversation: Conversation) -> None:
    await screens.greet(conversation, lead=_("Tap <b>Continue registration</b> when you are ready."))


def create_router() -> Router:
    router = Router(name="review")
    router.callback_query.register(confirm, Journey.review, ReviewButton.filter(F.action == ReviewAction.CONFIRM))
    router.callback_query.register(choose_field, Journey.review, ReviewButton.filter(F.action == ReviewAction.EDIT))
    router.callback_query.register(edit_field, Journey.fields, ReviewButton.filter(F.action == ReviewAction.FIELD))
    router.callback_query.register(leave_fields, Journey.fields, ReviewButton.filter(F.action == ReviewAction.BACK))
    router.callback_query.register(outdated, StateFilter(Journey.review, Journey.fields, Journey.intro))
    router.callback_query.register(outdated, ReviewButton.filter())
    router.message.register(review_fallback, Journey.review)
    router.message.register(fields_fallback, Journey.fields)
    router.message.register(intro_fallback, Journey.intro)
    return router
