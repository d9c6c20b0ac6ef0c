"""Feedback after a date: the rating, "would you meet again?", no-show, and the optional comment."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import COMMENT_LIMIT
from handlers.dates.flow import FEEDBACK_REF, DateFlow, clear_buttons, stale_button
from handlers.journey import Conversation
from handlers.services.dates.keeper import DateKeeper
from handlers.views.dates import messages
from handlers.views.dates.buttons import Feedback, FeedbackButton, parse_id
from storage.repositories.dates import DateRecord

router = Router(name="dates.feedback")


# --- feedback --------------------------------------------------------------------------------------------------
@router.callback_query(FeedbackButton.filter())
async def feedback_button(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, keeper: DateKeeper
) -> None:
    me = conversation.account_id
    found = None if me is None else await keeper.own_feedback(me, parse_id(callback_data.date))
    if found is None:
        await callback.answer(stale_button())
        return
    record, feedback = found
    if feedback.completed_at is not None:
        await callback.answer(_("Your feedback is already recorded. Thank you!"))
        await clear_buttons(callback, conversation)
        return
    name = await keeper.name_of(feedback.about_id)
    step, value = callback_data.step, callback_data.value
    already = _("You have already answered this one.")
    if step is Feedback.RATE:
        rating = int(value) if value.isdigit() else 0
        if not 1 <= rating <= 5:
            await callback.answer(stale_button())
            return
        if not await keeper.rate(record, feedback, rating):
            await callback.answer(already)
            return
        await callback.answer(_("Thank you!"))
        await clear_buttons(callback, conversation)
        await conversation.send_outbound(messages.feedback_again(record, name))
        return
    if step is Feedback.NO_SHOW:
        if not await keeper.no_show(record, feedback):
            await callback.answer(already)
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        await conversation.send(_("I am sorry that happened. Your counselor has been told and will follow up."))
        await _ask_comment(conversation, record)
        return
    if step is Feedback.AGAIN:
        result = await keeper.meet_again(record, feedback, value == "y")
        if result is None:
            await callback.answer(already)
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        if result:
            await conversation.send_outbound(messages.both_want_more(name))
        await _ask_comment(conversation, record)
        return
    if step is Feedback.WRITE:
        if feedback.meet_again is None:
            await callback.answer(already)
            return
        await callback.answer()
        data = await conversation.data()
        data[FEEDBACK_REF] = record.id.hex
        await conversation.set_state(DateFlow.comment)
        await conversation.set_data(data)
        await conversation.send(_("Please type your comment."))
        return
    if step is Feedback.SKIP or step is Feedback.COMPLAINT:
        if step is Feedback.SKIP and feedback.meet_again is None:
            await callback.answer(already)
            return
        if not await keeper.finish(record, feedback, complaint=step is Feedback.COMPLAINT and value == "y"):
            await callback.answer(already)
            return
        await callback.answer()
        await clear_buttons(callback, conversation)
        await conversation.clear_state()
        await conversation.send(messages.feedback_thanks())
        return
    await callback.answer(stale_button())


async def _ask_comment(conversation: Conversation, record: DateRecord) -> None:
    data = await conversation.data()
    data[FEEDBACK_REF] = record.id.hex
    await conversation.set_state(DateFlow.comment)
    await conversation.set_data(data)
    await conversation.send_outbound(messages.feedback_comment(record))


@router.message(DateFlow.comment, F.text)
async def comment_typed(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    text = (message.text or "").strip()
    me = conversation.account_id
    data = await conversation.data()
    found = None if me is None else await keeper.own_feedback(me, parse_id(str(data.get(FEEDBACK_REF, ""))))
    if found is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    record, feedback = found
    if text.startswith("/") or not text:
        await conversation.send_outbound(messages.feedback_comment(record))
        return
    if len(text) > COMMENT_LIMIT:
        await conversation.send(
            _("That is {length} characters; please keep it under {limit}.").format(
                length=len(text), limit=COMMENT_LIMIT
            )
        )
        return
    await conversation.clear_state()
    if not await keeper.comment(record, feedback, text):
        await conversation.send(_("Your feedback is already recorded. Thank you!"))
        return
    await conversation.send_outbound(messages.feedback_complaint(record))


@router.message(DateFlow.comment)
async def comment_fallback(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    await conversation.send(_("Please type your comment in words, or press Skip."))
