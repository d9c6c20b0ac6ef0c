"""Feedback after a date, one handler per button: the rating, no-show, "would you meet again?", the way back to
the comment, skipping it, and whether it is a complaint; then the comment typed."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import COMMENT_LIMIT
from handlers.dates.flow import DateFlow, commented_date, start_comment
from handlers.dates.replies import clear_buttons, stale_button
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.services.dates.feedback import CommentProblem, FeedbackRefusal, FeedbackStep
from handlers.views.dates import messages
from handlers.views.dates.buttons import Feedback, FeedbackButton, parse_id

Answer = FeedbackStep | FeedbackRefusal | None


async def rate(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id, value = conversation.account_id, parse_id(callback_data.date), callback_data.value
    rating = int(value) if value.isdigit() else 0
    step = None if me is None else await services.dates.feedback.rate(me, date_id, rating)
    if not isinstance(step, FeedbackStep):
        await _not_taken(callback, step)
        return
    await callback.answer(_("Thank you!"))
    await clear_buttons(callback)
    await conversation.send_outbound(messages.feedback_again(step.record, step.name))


async def no_show(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    step = None if me is None else await services.dates.feedback.no_show(me, date_id)
    if not isinstance(step, FeedbackStep):
        await _not_taken(callback, step)
        return
    await _taken(callback)
    await conversation.send(_("I am sorry that happened. Your counselor has been told and will follow up."))
    await _ask_comment(conversation, step)


async def meet_again(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    step = None if me is None else await services.dates.feedback.meet_again(me, date_id, callback_data.value == "y")
    if not isinstance(step, FeedbackStep):
        await _not_taken(callback, step)
        return
    await _taken(callback)
    if step.both_want_more:
        await conversation.send_outbound(messages.both_want_more(step.name))
    await _ask_comment(conversation, step)


async def write_comment(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    step = None if me is None else await services.dates.feedback.may_comment(me, date_id)
    if not isinstance(step, FeedbackStep):
        await _not_taken(callback, step)
        return
    await callback.answer()
    await start_comment(conversation, step.record.id)
    await conversation.send(_("Please type your comment."))


async def skip_comment(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    await _finished(
        callback, conversation, None if me is None else await services.dates.feedback.skip_comment(me, date_id)
    )


async def complaint(
    callback: CallbackQuery, callback_data: FeedbackButton, conversation: Conversation, services: Services
) -> None:
    me, date_id = conversation.account_id, parse_id(callback_data.date)
    yes = callback_data.value == "y"
    await _finished(
        callback, conversation, None if me is None else await services.dates.feedback.mark_complaint(me, date_id, yes)
    )


async def _finished(callback: CallbackQuery, conversation: Conversation, step: Answer) -> None:
    if not isinstance(step, FeedbackStep):
        await _not_taken(callback, step)
        return
    await _taken(callback)
    await conversation.clear_state()
    await conversation.send(messages.feedback_thanks())


async def _taken(callback: CallbackQuery) -> None:
    """The answer was taken: its question's buttons have done their work."""
    await callback.answer()
    await clear_buttons(callback)


async def _not_taken(callback: CallbackQuery, refusal: FeedbackRefusal | None) -> None:
    """A button of someone else's (or a forged) feedback, of a finished one, or of a question answered."""
    if refusal is None:
        await callback.answer(stale_button())
    elif refusal is FeedbackRefusal.COMPLETED:
        await callback.answer(_("Your feedback is already recorded. Thank you!"))
        await clear_buttons(callback)
    else:
        await callback.answer(_("You have already answered this one."))


async def _ask_comment(conversation: Conversation, step: FeedbackStep) -> None:
    await start_comment(conversation, step.record.id)
    await conversation.send_outbound(messages.feedback_comment(step.record))


# --- the comment -------------------------------------------------------------------------------------------------
async def comment_typed(message: Message, conversation: Conversation, services: Services) -> None:
    text = (message.text or "").strip()
    me = conversation.account_id
    outcome = (
        None
        if me is None
        else await services.dates.feedback.leave_comment(me, await commented_date(conversation), text)
    )
    if outcome is None:
        await conversation.clear_state()
        await conversation.show_menu()
    elif outcome.problem is CommentProblem.EMPTY:
        await conversation.send_outbound(messages.feedback_comment(outcome.record))
    elif outcome.problem is CommentProblem.TOO_LONG:
        await conversation.send(
            _(
                "That is {length} character; please keep it under {limit}.",
                "That is {length} characters; please keep it under {limit}.",
                len(text),
            ).format(length=len(text), limit=COMMENT_LIMIT)
        )
    elif outcome.problem is CommentProblem.CLOSED:
        await conversation.clear_state()
        await conversation.send(_("Your feedback is already recorded. Thank you!"))
    else:
        await conversation.clear_state()
        await conversation.send_outbound(messages.feedback_complaint(outcome.record))


async def comment_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please type your comment in words, or press Skip."))


def create_router() -> Router:
    router = Router(name="dates.feedback")
    on_button = router.callback_query.register
    on_button(rate, FeedbackButton.filter(F.step == Feedback.RATE))
    on_button(no_show, FeedbackButton.filter(F.step == Feedback.NO_SHOW))
    on_button(meet_again, FeedbackButton.filter(F.step == Feedback.AGAIN))
    on_button(write_comment, FeedbackButton.filter(F.step == Feedback.WRITE))
    on_button(skip_comment, FeedbackButton.filter(F.step == Feedback.SKIP))
    on_button(complaint, FeedbackButton.filter(F.step == Feedback.COMPLAINT))
    router.message.register(comment_typed, DateFlow.comment, F.text)
    router.message.register(comment_fallback, DateFlow.comment)
    return router
