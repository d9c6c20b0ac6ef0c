"""Reporting a suggested profile: a reason from the buttons, or "something else" described in words."""

from __future__ import annotations

from uuid import UUID

from aiogram import F, Router
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from pydantic import BaseModel, ValidationError

from domain.matching.decisions import MAX_REPORT_COMMENT, ReportReason
from handlers.journey import Conversation
from handlers.matching.flow import clear_buttons, set_buttons, show_next, unanswered
from handlers.services.container import Services
from handlers.services.matching.matchmaker import Matchmaker
from handlers.views.matching.buttons import (
    MatchAction,
    MatchButton,
    ReportButton,
    ReportChoice,
    parse_id,
    report_keyboard,
    suggestion_keyboard,
)
from storage.records import SuggestionRecord

# The choices that are a reason in themselves (OTHER asks for words; BACK returns to the card).
REASONS = frozenset({ReportChoice.FAKE, ReportChoice.OFFENSIVE, ReportChoice.SCAM})


class MatchReport(StatesGroup):
    comment = State()  # the client is describing "something else" about a reported profile


class ReportDraft(BaseModel):
    """The conversation data while the client describes the problem: the reported suggestion."""

    report: str  # the suggestion's id, 32 hex digits

    @classmethod
    def suggestion_in(cls, data: dict[str, object]) -> UUID | None:
        """The suggestion named in the conversation data, or None when there is no draft there."""
        try:
            return parse_id(cls.model_validate(data).report)
        except ValidationError:
            return None


def ask_comment() -> str:
    return _(
        "Please tell us in a few words what is wrong with this profile (up to {limit} character), or send /cancel.",
        "Please tell us in a few words what is wrong with this profile (up to {limit} characters), or send /cancel.",
        MAX_REPORT_COMMENT,
    ).format(limit=MAX_REPORT_COMMENT)


async def finish_report(
    conversation: Conversation,
    matchmaker: Matchmaker,
    record: SuggestionRecord,
    reason: ReportReason,
    comment: str | None,
) -> None:
    await matchmaker.report(record, reason, comment)
    lead = _("Thank you for telling us. This profile is hidden from you, and our staff will look into it.")
    await show_next(conversation, matchmaker, record.asker_id, lead=lead)


async def open_report(
    callback: CallbackQuery, callback_data: MatchButton, conversation: Conversation, services: Services
) -> None:
    """⚠️ Report on a card: its buttons become the reasons."""
    record = await unanswered(callback, conversation, services.matchmaker, callback_data.suggestion)
    if record is None:
        return
    await callback.answer()
    if not await set_buttons(callback, report_keyboard(record.id)):
        await conversation.send(_("What is wrong with this profile?"), report_keyboard(record.id))


async def back_to_card(
    callback: CallbackQuery, callback_data: ReportButton, conversation: Conversation, services: Services
) -> None:
    record = await unanswered(callback, conversation, services.matchmaker, callback_data.suggestion)
    if record is None:
        return
    await callback.answer()
    await set_buttons(callback, suggestion_keyboard(record.id))


async def report_for_reason(
    callback: CallbackQuery, callback_data: ReportButton, conversation: Conversation, services: Services
) -> None:
    record = await unanswered(callback, conversation, services.matchmaker, callback_data.suggestion)
    if record is None:
        return
    await callback.answer()
    await clear_buttons(callback)
    await finish_report(conversation, services.matchmaker, record, ReportReason(callback_data.choice.value), None)


async def ask_for_words(
    callback: CallbackQuery, callback_data: ReportButton, conversation: Conversation, services: Services
) -> None:
    """Something else…: the client describes it in the next message."""
    record = await unanswered(callback, conversation, services.matchmaker, callback_data.suggestion)
    if record is None:
        return
    await callback.answer()
    await conversation.set_state(MatchReport.comment)
    await conversation.set_data(ReportDraft(report=record.id.hex).model_dump())
    await conversation.send(ask_comment())


async def report_comment(message: Message, conversation: Conversation, services: Services) -> None:
    text = (message.text or "").strip()
    if text.startswith("/"):
        await conversation.send(_("I don't know that command.") + " " + ask_comment())
        return
    if not text or len(text) > MAX_REPORT_COMMENT:
        await conversation.send(
            _(
                "That is {length} character; please keep it under {limit}.",
                "That is {length} characters; please keep it under {limit}.",
                len(text),
            ).format(length=len(text), limit=MAX_REPORT_COMMENT)
            + "\n"
            + ask_comment()
        )
        return
    matchmaker = services.matchmaker
    suggestion_id = ReportDraft.suggestion_in(await conversation.data())
    account_id = conversation.account_id
    record = None if account_id is None else await matchmaker.own_suggestion(account_id, suggestion_id)
    await conversation.clear_state()
    if record is None or record.decision is not None:
        await conversation.show_menu()
        return
    await finish_report(conversation, matchmaker, record, ReportReason.OTHER, text)


async def report_comment_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please describe the problem in words.") + " " + ask_comment())


def create_router() -> Router:
    router = Router(name="matching.reports")
    router.callback_query.register(open_report, MatchButton.filter(F.action == MatchAction.REPORT))
    router.callback_query.register(back_to_card, ReportButton.filter(F.choice == ReportChoice.BACK))
    router.callback_query.register(ask_for_words, ReportButton.filter(F.choice == ReportChoice.OTHER))
    router.callback_query.register(report_for_reason, ReportButton.filter(F.choice.in_(REASONS)))
    router.message.register(report_comment, MatchReport.comment, F.text)
    router.message.register(report_comment_fallback, MatchReport.comment)
    return router
