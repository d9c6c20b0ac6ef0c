"""The review of a finished profile (Confirm or change one answer), the list of answers to change, and the
fallbacks of the introduction, review and list states."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.journey import Conversation, Journey, Target
from handlers.views.keyboards import ReviewAction, ReviewButton, review_keyboard

router = Router(name="review")


@router.callback_query(Journey.review, ReviewButton.filter(F.action == ReviewAction.CONFIRM))
async def confirm(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await conversation.confirm()


@router.callback_query(Journey.review, ReviewButton.filter(F.action == ReviewAction.EDIT))
async def choose_field(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await conversation.show_fields(Target.REVIEW)


@router.callback_query(Journey.fields, ReviewButton.filter(F.action == ReviewAction.FIELD))
async def edit_field(callback: CallbackQuery, callback_data: ReviewButton, conversation: Conversation) -> None:
    if not await conversation.edit_field(callback_data.value):
        await conversation.outdated(callback)
        return
    await callback.answer()


@router.callback_query(Journey.fields, ReviewButton.filter(F.action == ReviewAction.BACK))
async def leave_fields(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    data = await conversation.data()
    await conversation.finish_edit(Target(data.get("target", Target.REVIEW)))


@router.callback_query(ReviewButton.filter())
@router.callback_query(StateFilter(Journey.review, Journey.fields, Journey.intro))
async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await conversation.outdated(callback)


@router.message(Journey.review)
async def review_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(
        _("Please check your profile above, then tap <b>Confirm</b> or change an answer."), review_keyboard()
    )


@router.message(Journey.fields)
async def fields_fallback(message: Message, conversation: Conversation) -> None:
    data = await conversation.data()
    await conversation.show_fields(
        Target(data.get("target", Target.REVIEW)), lead=_("Please choose the answer to change with the buttons.")
    )


@router.message(Journey.intro)
async def intro_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.greet(lead=_("Tap <b>Continue registration</b> when you are ready."))
