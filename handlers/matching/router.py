"""/matches: the day's suggestions one card at a time, Interested / Pass / Report, and the introduction's
contact sharing. Thin: `Matchmaker` decides, `messages` renders."""

from __future__ import annotations

from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.matching.decisions import MAX_REPORT_COMMENT, IntroductionState, ReportReason
from domain.profile import Status
from handlers.journey import Conversation
from handlers.routing import provide
from handlers.services.matching.matchmaker import Answer, Matchmaker
from handlers.views.keyboards import MenuAction, MenuButton, menu_keyboard, profile_keyboard
from handlers.views.matching import messages
from handlers.views.matching.buttons import (
    IntroAction,
    IntroButton,
    MatchAction,
    MatchButton,
    ReportButton,
    ReportChoice,
    parse_id,
    report_keyboard,
    suggestion_keyboard,
)
from storage.records import SuggestionRecord

router = Router(name="matching")

REPORT_REF = "report"


class MatchReport(StatesGroup):
    comment = State()  # the client is describing "something else" about a reported profile


provide(
    router,
    "matchmaker",
    lambda data: Matchmaker(
        uow=data["uow"], pool=data["match_pool"], settings=data["settings"], clock=data["clock"], i18n=data["i18n"]
    ),
)


async def _client(conversation: Conversation) -> UUID | None:
    """The registered client's account, or None after resuming whatever they have not finished."""
    profile = await conversation.registered_profile()
    if profile is None or conversation.account_id is None:
        return None
    if profile.status == Status.PAUSED:
        await conversation.send(
            _("Your profile is paused, so I am not suggesting anyone. Resume suggestions to see new people."),
            profile_keyboard(paused=True),
        )
        return None
    return conversation.account_id


async def show_next(
    conversation: Conversation, matchmaker: Matchmaker, account_id: UUID, *, lead: str | None = None
) -> None:
    if lead:
        await conversation.send(lead)
    await matchmaker.touch(account_id)
    card = await matchmaker.next_card(account_id)
    if card is None:
        await conversation.send(
            _(
                "That's all for today. I will send you new suggestions tomorrow; your counselor is also "
                "looking out for you."
            ),
            menu_keyboard(),
        )
        return
    person = card.person
    message = messages.suggestion_card(
        card.record, person.profile, matchmaker.today(), photo=person.photo, demo=person.demo
    )
    await conversation.send_outbound(message)


@router.message(Command("matches"))
async def matches(message: Message, conversation: Conversation, matchmaker: Matchmaker) -> None:
    account_id = await _client(conversation)
    if account_id is not None:
        await show_next(conversation, matchmaker, account_id)


@router.callback_query(MenuButton.filter(F.action == MenuAction.MATCHES))
async def matches_button(callback: CallbackQuery, conversation: Conversation, matchmaker: Matchmaker) -> None:
    await callback.answer()
    account_id = await _client(conversation)
    if account_id is not None:
        await show_next(conversation, matchmaker, account_id)


async def _unanswered(
    callback: CallbackQuery, conversation: Conversation, matchmaker: Matchmaker, ref: str
) -> SuggestionRecord | None:
    """The presser's own suggestion the button names, still unanswered; otherwise the callback is answered
    with why nothing happens."""
    account_id = conversation.account_id
    record = None if account_id is None else await matchmaker.own_suggestion(account_id, parse_id(ref))
    if record is None:
        await callback.answer(_("This button is no longer active."))
        return None
    if record.decision is not None:
        await callback.answer(_("You have already answered this one."))
        return None
    return record


async def _set_buttons(
    callback: CallbackQuery, conversation: Conversation, markup: InlineKeyboardMarkup | None
) -> bool:
    """Replace the buttons of the message pressed; False when that message is not at hand."""
    if not isinstance(callback.message, Message):
        return False
    await conversation.bot.edit_message_reply_markup(
        chat_id=callback.message.chat.id, message_id=callback.message.message_id, reply_markup=markup
    )
    return True


async def _clear_buttons(callback: CallbackQuery, conversation: Conversation) -> None:
    """Take the buttons off the message just answered, so it cannot be answered twice."""
    await _set_buttons(callback, conversation, None)


@router.callback_query(MatchButton.filter())
async def answer_suggestion(
    callback: CallbackQuery, callback_data: MatchButton, conversation: Conversation, matchmaker: Matchmaker
) -> None:
    record = await _unanswered(callback, conversation, matchmaker, callback_data.suggestion)
    if record is None:
        return
    match callback_data.action:
        case MatchAction.REPORT:
            await callback.answer()
            if not await _set_buttons(callback, conversation, report_keyboard(record.id)):
                await conversation.send(_("What is wrong with this profile?"), report_keyboard(record.id))
            return
        case MatchAction.DECLINE:
            result = await matchmaker.pass_on(record)
            await callback.answer(
                _("Passed.") if result is Answer.RECORDED else _("You have already answered this one.")
            )
            await _clear_buttons(callback, conversation)
            await show_next(conversation, matchmaker, record.asker_id)
        case MatchAction.INTERESTED:
            result, introduction = await matchmaker.interested(record)
            if result is Answer.ALREADY:
                await callback.answer(_("You have already answered this one."))
                return
            await callback.answer(_("💚 Noted!"))
            await _clear_buttons(callback, conversation)
            if introduction is not None:
                card = await matchmaker.introduction_message(introduction, record.asker_id)
                if card is not None:
                    await conversation.send_outbound(card)
                return
            name = messages.name_of(await conversation.uow.profiles.get(record.candidate_id))
            lead = _("I will let you know if {name} is interested too.").format(name=name)
            await show_next(conversation, matchmaker, record.asker_id, lead=lead)


@router.callback_query(ReportButton.filter())
async def report_reason(
    callback: CallbackQuery, callback_data: ReportButton, conversation: Conversation, matchmaker: Matchmaker
) -> None:
    record = await _unanswered(callback, conversation, matchmaker, callback_data.suggestion)
    if record is None:
        return
    if callback_data.choice is ReportChoice.BACK:
        await callback.answer()
        await _set_buttons(callback, conversation, suggestion_keyboard(record.id))
        return
    if callback_data.choice is ReportChoice.OTHER:
        await callback.answer()
        await conversation.set_state(MatchReport.comment)
        await conversation.set_data({REPORT_REF: record.id.hex})
        await conversation.send(ask_comment())
        return
    await callback.answer()
    await _clear_buttons(callback, conversation)
    await _finish_report(conversation, matchmaker, record, ReportReason(callback_data.choice.value), None)


def ask_comment() -> str:
    return _(
        "Please tell us in a few words what is wrong with this profile (up to {limit} characters), or send /cancel."
    ).format(limit=MAX_REPORT_COMMENT)


async def _finish_report(
    conversation: Conversation,
    matchmaker: Matchmaker,
    record: SuggestionRecord,
    reason: ReportReason,
    comment: str | None,
) -> None:
    await matchmaker.report(record, reason, comment)
    lead = _("Thank you for telling us. This profile is hidden from you, and our staff will look into it.")
    await show_next(conversation, matchmaker, record.asker_id, lead=lead)


@router.message(MatchReport.comment, F.text)
async def report_comment(message: Message, conversation: Conversation, matchmaker: Matchmaker) -> None:
    text = (message.text or "").strip()
    if text.startswith("/"):
        await conversation.send(_("I don't know that command.") + " " + ask_comment())
        return
    if not text or len(text) > MAX_REPORT_COMMENT:
        await conversation.send(
            _("That is {length} characters; please keep it under {limit}.").format(
                length=len(text), limit=MAX_REPORT_COMMENT
            )
            + "\n"
            + ask_comment()
        )
        return
    data = await conversation.data()
    account_id = conversation.account_id
    record = (
        None
        if account_id is None
        else await matchmaker.own_suggestion(account_id, parse_id(str(data.get(REPORT_REF, ""))))
    )
    await conversation.clear_state()
    if record is None or record.decision is not None:
        await conversation.show_menu()
        return
    await _finish_report(conversation, matchmaker, record, ReportReason.OTHER, text)


@router.message(MatchReport.comment)
async def report_comment_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please describe the problem in words.") + " " + ask_comment())


@router.callback_query(IntroButton.filter())
async def introduction_answer(
    callback: CallbackQuery, callback_data: IntroButton, conversation: Conversation, matchmaker: Matchmaker
) -> None:
    account_id = conversation.account_id
    introduction = (
        None
        if account_id is None
        else await matchmaker.own_introduction(account_id, parse_id(callback_data.introduction))
    )
    if introduction is None or account_id is None:
        await callback.answer(_("This button is no longer active."))
        return
    if introduction.state == IntroductionState.DECLINED:
        await callback.answer(_("This introduction is closed."))
        await _clear_buttons(callback, conversation)
        return
    if callback_data.action is IntroAction.DECLINE:
        if introduction.shares(account_id):
            await callback.answer(_("You have already agreed to share your contact."))
            return
        await callback.answer()
        await _clear_buttons(callback, conversation)
        await matchmaker.decline(introduction, account_id)
        await conversation.send(
            _("All right, your contact stays private. I will keep looking for you."), menu_keyboard()
        )
        return
    other_id = introduction.other(account_id)
    if introduction.shares(account_id):
        await callback.answer(_("You have already agreed to share your contact."))
        return
    await callback.answer(_("🤝 Thank you!"))
    await _clear_buttons(callback, conversation)
    introduction = await matchmaker.share(introduction, account_id)
    if introduction.state == IntroductionState.CONNECTED:
        contact = await matchmaker.contact_of(other_id)
        if contact is not None:
            await conversation.send_outbound(messages.contact_message(introduction, *contact))
        return
    await conversation.send(messages.waiting_for_other(await conversation.uow.profiles.get(other_id)))
