"""Complaints: a client's /complain (what about, then in words) and "satisfied with how we handled it?";
staff's /complaints (open cases by age) and a case's card: take it, resolve it with an outcome."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import BaseModel, ValidationError

from domain.profile import is_registered
from domain.quality import Category, TextProblem, complaint_text, typed_score
from domain.staff import Permission, PermissionDenied
from handlers import quality_notes
from handlers.answers import settle, show_in_place
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.services.quality import CaseChange, ComplainRefusal
from handlers.services.quality_surveys import Answered
from handlers.services.staff_access import Actor, staff_role
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import quality as views
from handlers.views import quality_surveys as survey_views
from handlers.views.quality import BlockButton, CaseAct, CaseButton, ComplainButton, SatisfactionButton
from handlers.views.quality_surveys import SurveyButton, SurveyStep
from handlers.views.staff import refusal_text
from storage.repositories.quality_surveys import SurveyResponse

HANDLE = Permission.HANDLE_COMPLAINTS
SUPERVISE = Permission.SUPERVISE_QUALITY
# The staff commands of this router and what each needs (the staff /help lists them).
COMMAND_PERMISSIONS: dict[str, Permission | None] = {
    "complaints": HANDLE,
    "survey": SUPERVISE,
    "transcript": SUPERVISE,
}


class Complaining(StatesGroup):
    text = State()  # the client is writing their complaint or suggestion


class Surveying(StatesGroup):
    counselor = State()  # the survey's counselor question (buttons; a typed number is taken too)
    comment = State()  # the survey's free-text question


class SurveyDraft(BaseModel):
    survey: str  # 32 hex digits

    def survey_id(self) -> UUID | None:
        return views.parse_case(self.survey)


class ComplaintDraft(BaseModel):
    """The conversation data while the client writes: what it is about (and which staff member)."""

    category: Category
    about: str | None = None  # the account id of the staff member or client it is about, 32 hex digits

    def about_id(self) -> UUID | None:
        return None if self.about is None else UUID(hex=self.about)


# --- the client -------------------------------------------------------------------------------------------
async def complain(message: Message, services: Services, conversation: Conversation) -> None:
    if staff_role(services.principal) is not None:
        await message.answer(views.only_for_clients())
        return
    if await conversation.registered_account() is None:
        return  # the journey resumed where they stand (consent, intake)
    text, markup = views.complain_menu()
    await conversation.send(text, markup)


async def cancel_complaint(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    if await conversation.get_state() == Complaining.text.state:
        await conversation.clear_state()
    await show_in_place(callback, views.complaint_cancelled(), None)


async def choose_subject(
    callback: CallbackQuery, callback_data: ComplainButton, services: Services, conversation: Conversation
) -> None:
    category = callback_data.about
    account = conversation.account_id
    profile = None if account is None else await conversation.profile()
    if category is None or account is None or profile is None or not is_registered(profile.status):
        await callback.answer(views.start_first(), show_alert=True)
        return
    if category is Category.CLIENT:
        await choose_client(callback, callback_data, services, conversation, account)
        return
    await callback.answer()
    about = None
    lead = ""
    if category is Category.STAFF:
        met = await services.quality.staff_met(account)
        if not met:
            await show_in_place(callback, views.never_met(), None)
            return
        about = met[0]
        lead = views.about_lead(await services.quality.staff_name(about)) + "\n"
    await ask_words(callback, conversation, category, about, lead)


async def choose_client(
    callback: CallbackQuery, callback_data: ComplainButton, services: Services, conversation: Conversation, me: UUID
) -> None:
    """About another client: first whom (someone the client was introduced to, checked afresh), then words."""
    people = await services.quality.introduced_to(me)
    if not callback_data.who:
        await callback.answer()
        await show_in_place(callback, *views.complain_about_whom(people))
        return
    other = views.parse_case(callback_data.who)
    name = next((name for person, name, _blocked in people if person == other), None)
    if other is None or name is None:
        await callback.answer(views.not_introduced(), show_alert=True)
        return
    await callback.answer()
    await ask_words(callback, conversation, Category.CLIENT, other, views.about_lead(name) + "\n")


async def ask_words(
    callback: CallbackQuery, conversation: Conversation, category: Category, about: UUID | None, lead: str
) -> None:
    await conversation.set_state(Complaining.text)
    await conversation.set_data(ComplaintDraft(category=category, about=about and about.hex).model_dump(mode="json"))
    await show_in_place(callback, lead + views.ask_complaint_text(category), None)


async def complaint_words(message: Message, services: Services, conversation: Conversation) -> None:
    try:
        draft = ComplaintDraft.model_validate(await conversation.data())
    except ValidationError:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    typed = message.text or ""
    text = complaint_text(typed)
    if typed.startswith("/") or text is TextProblem.EMPTY:
        await conversation.send(views.words_please() + " " + views.ask_complaint_text(draft.category))
        return
    if text is TextProblem.TOO_LONG:
        await conversation.send(
            views.text_too_long(len(typed.strip())) + "\n" + views.ask_complaint_text(draft.category)
        )
        return
    account = conversation.account_id
    await conversation.clear_state()
    if account is None:
        return
    case = await services.quality.complain(account, draft.category, text, draft.about_id())
    if case is ComplainRefusal.NEVER_MET:
        await conversation.send(views.never_met())
        return
    if case is ComplainRefusal.NOT_INTRODUCED:
        await conversation.send(views.not_introduced())
        return
    assert not isinstance(case, ComplainRefusal)
    await conversation.send(views.complaint_received(case))


async def complaint_not_words(message: Message, conversation: Conversation) -> None:
    try:
        draft = ComplaintDraft.model_validate(await conversation.data())
    except ValidationError:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    await conversation.send(views.words_please() + " " + views.ask_complaint_text(draft.category))


async def satisfaction(callback: CallbackQuery, callback_data: SatisfactionButton, services: Services) -> None:
    account = None if services.principal is None else services.principal.account_id
    case_id = views.parse_case(callback_data.case)
    if not await services.quality.answer_satisfaction(account, case_id, callback_data.yes):
        await callback.answer(views.satisfaction_stale())
        return
    await callback.answer()
    await settle(callback, views.satisfaction_thanks(callback_data.yes))


# --- staff ------------------------------------------------------------------------------------------------
async def show_complaints(message: Message, services: Services, actor: Actor) -> None:
    cases, total = await services.quality.open_cases(actor)
    text, markup = views.case_list(cases, total, services.quality.now())
    await message.answer(text, reply_markup=markup)


async def list_button(callback: CallbackQuery, services: Services, actor: Actor) -> None:
    await callback.answer()
    cases, total = await services.quality.open_cases(actor)
    text, markup = views.case_list(cases, total, services.quality.now())
    await show_in_place(callback, text, markup)


async def show_case(callback: CallbackQuery, services: Services, actor: Actor, case_id: UUID | None) -> None:
    """Render the case card in place (the callback was answered already)."""
    screen = await services.quality.case_screen(actor, case_id)
    if screen is not None:
        await show_in_place(callback, *screen)


async def open_button(callback: CallbackQuery, callback_data: CaseButton, services: Services, actor: Actor) -> None:
    case_id = views.parse_case(callback_data.case)
    try:
        view = await services.quality.case_view(actor, case_id)
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if view is None:
        await callback.answer(views.case_gone(), show_alert=True)
        return
    await callback.answer()
    await show_case(callback, services, actor, case_id)


CHANGE_TEXTS = {
    CaseChange.GONE: views.case_gone,
    CaseChange.TAKEN: views.taken_already,
    CaseChange.RESOLVED: views.resolved_already,
    CaseChange.NOT_TAKEN: views.take_first,
    CaseChange.WRONG_OUTCOME: views.wrong_outcome,
    CaseChange.PROFILE_GONE: views.profile_gone,
    CaseChange.NOT_SUSPENDED: views.not_suspended,
}


async def change_button(callback: CallbackQuery, callback_data: CaseButton, services: Services, actor: Actor) -> None:
    case_id = views.parse_case(callback_data.case)
    try:
        if callback_data.act is CaseAct.TAKE:
            change = await services.quality.take(actor, case_id)
        else:
            change = await services.quality.resolve(actor, case_id, callback_data.outcome)
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if change is CaseChange.REFUND_REQUESTED:
        await callback.answer(views.case_resolved_with_refund(), show_alert=True)
    elif change is CaseChange.DONE:
        await callback.answer(views.case_taken() if callback_data.act is CaseAct.TAKE else views.case_resolved())
    else:
        await callback.answer(CHANGE_TEXTS[change](), show_alert=True)
    if change is not CaseChange.GONE:
        await show_case(callback, services, actor, case_id)


async def moderate_button(callback: CallbackQuery, callback_data: CaseButton, services: Services, actor: Actor) -> None:
    case_id = views.parse_case(callback_data.case)
    try:
        change = await services.quality.moderate(actor, case_id, callback_data.mod)
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if change is CaseChange.DONE and callback_data.mod is not None:
        await callback.answer(views.moderation_done(callback_data.mod))
    else:
        await callback.answer(CHANGE_TEXTS.get(change, views.wrong_outcome)(), show_alert=True)
    if change is not CaseChange.GONE:
        await show_case(callback, services, actor, case_id)


# --- blocking ---------------------------------------------------------------------------------------------
async def block(message: Message, services: Services, conversation: Conversation) -> None:
    if staff_role(services.principal) is not None:
        await message.answer(views.only_for_clients())
        return
    account = await conversation.registered_account()
    if account is None:
        return
    text, markup = views.block_menu(await services.quality.introduced_to(account))
    await conversation.send(text, markup)


async def block_button(callback: CallbackQuery, callback_data: BlockButton, services: Services) -> None:
    account = None if services.principal is None else services.principal.account_id
    other = views.parse_case(callback_data.who)
    blocked = None if account is None else await services.quality.block(account, other)
    if blocked is None or account is None:
        await callback.answer(views.block_stale(), show_alert=True)
        return
    await services.dates.call_off(blocked.introduction_id, by=account)  # an open date of the two is off
    await callback.answer()
    await show_in_place(callback, views.blocked_text(blocked.name), None)


# --- the monthly survey -----------------------------------------------------------------------------------
async def survey_button(
    callback: CallbackQuery, callback_data: SurveyButton, services: Services, conversation: Conversation
) -> None:
    desk = services.surveys
    client = conversation.account_id
    survey_id = views.parse_case(callback_data.survey)
    if callback_data.step is SurveyStep.SKIP:
        await finish_survey(callback, services, conversation, survey_id, None)
        return
    if callback_data.step is SurveyStep.NPS:
        answered = await desk.answer_nps(client, survey_id, callback_data.value)
    else:
        answered = await desk.answer_counselor(client, survey_id, callback_data.value)
    if answered is Answered.STALE or answered is Answered.OUT_OF_RANGE:
        stale = answered is Answered.STALE
        await callback.answer(survey_views.survey_stale() if stale else survey_views.out_of_range(), show_alert=True)
        return
    await callback.answer()
    await settle(
        callback,
        "✅ "
        + ("⭐" * callback_data.value if callback_data.step is SurveyStep.COUNSELOR else str(callback_data.value)),
    )
    await ask_next(services, conversation, callback_data.survey, answered)


async def ask_next(services: Services, conversation: Conversation, survey_hex: str, answered: Answered) -> None:
    await conversation.set_data(SurveyDraft(survey=survey_hex).model_dump())
    if answered is Answered.NEXT_COUNSELOR:
        survey = await services.surveys.own(conversation.account_id, views.parse_case(survey_hex))
        name = None if survey is None else await services.surveys.counselor_name(survey)
        await conversation.set_state(Surveying.counselor)
        text, markup = survey_views.counselor_question(survey_hex, name)
    else:
        await conversation.set_state(Surveying.comment)
        text, markup = survey_views.comment_question(survey_hex)
    await conversation.send(text, markup)


async def finish_survey(
    callback: CallbackQuery | None,
    services: Services,
    conversation: Conversation,
    survey_id: UUID | None,
    comment: str | None,
) -> None:
    opened = await services.surveys.finish(conversation.account_id, survey_id, comment)
    if callback is not None:
        if opened is None:
            await callback.answer(survey_views.survey_stale(), show_alert=True)
            return
        await callback.answer()
        await show_in_place(callback, survey_views.survey_thanks(opened), None)
    elif opened is not None:
        await conversation.send(survey_views.survey_thanks(opened))
    if await conversation.get_state() in (Surveying.comment.state, Surveying.counselor.state):
        await conversation.clear_state()


async def _draft(conversation: Conversation) -> SurveyDraft | None:
    try:
        return SurveyDraft.model_validate(await conversation.data())
    except ValidationError:
        await conversation.clear_state()
        await conversation.show_menu()
        return None


async def survey_typed_score(message: Message, services: Services, conversation: Conversation) -> None:
    """A counselor score typed instead of pressed: a number or a number word in either language."""
    draft = await _draft(conversation)
    if draft is None:
        return
    value = typed_score(message.text or "")
    answered = (
        None
        if value is None
        else await services.surveys.answer_counselor(conversation.account_id, draft.survey_id(), value)
    )
    if answered is Answered.STALE:
        await conversation.clear_state()
        await conversation.send(survey_views.survey_stale())
        return
    if answered is None or answered is Answered.OUT_OF_RANGE:
        await conversation.send(survey_views.press_a_score(1, 5))
        return
    await ask_next(services, conversation, draft.survey, answered)


class AwaitingNps(Filter):
    """A client's message that nothing else took, in no conversation state, while their survey of this month
    waits for its first answer (the survey is sent by a job, so it sets no state): hands the handler `survey`."""

    async def __call__(self, message: Message, services: Services) -> bool | dict[str, Any]:
        principal = services.principal
        if principal is None or principal.account_id is None or staff_role(principal) is not None:
            return False
        survey = await services.surveys.awaiting_nps(principal.account_id)
        return False if survey is None else {"survey": survey}


async def survey_typed_nps(
    message: Message, services: Services, conversation: Conversation, survey: SurveyResponse
) -> None:
    """The NPS typed instead of pressed: digits or a number word in English, Chinese or Russian; off the scale:
    said so, and the question again. Not a number: not taken here, so it counts as any misunderstanding (three
    bring a counselor; a waiting survey must not keep a confused client from one)."""
    value = typed_score(message.text or "")
    if value is None:
        raise SkipHandler
    answered = await services.surveys.answer_nps(survey.client_id, survey.id, value)
    if answered is Answered.OUT_OF_RANGE:
        await conversation.send_outbound(survey_views.survey_question_again(survey.id.hex, value))
        return
    if answered is Answered.STALE:
        await conversation.send(survey_views.survey_stale())
        return
    await ask_next(services, conversation, survey.id.hex, answered)


async def survey_comment(message: Message, services: Services, conversation: Conversation) -> None:
    draft = await _draft(conversation)
    if draft is None:
        return
    typed = message.text or ""
    text = complaint_text(typed)
    if typed.startswith("/") or text is TextProblem.EMPTY or text is TextProblem.TOO_LONG:
        lead = views.text_too_long(len(typed.strip())) if text is TextProblem.TOO_LONG else views.words_please()
        await conversation.send(lead + " " + survey_views.comment_question(draft.survey)[0])
        return
    await finish_survey(None, services, conversation, draft.survey_id(), text)


async def survey_not_words(message: Message, conversation: Conversation) -> None:
    draft = await _draft(conversation)
    if draft is not None:
        await conversation.send(views.words_please())


async def show_survey_results(message: Message, services: Services) -> None:
    this, before = await services.surveys.results()
    await message.answer(survey_views.survey_results(this, before))


# --- transcript review ------------------------------------------------------------------------------------
async def show_transcript(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    reference = (command.args or "").strip().lower()
    if not reference:
        await message.answer(views.transcript_usage())
        return
    text = await services.transcripts.read_text(actor, reference)
    await message.answer(views.no_client() if text is None else text)


def register_survey_fallback(router: Router) -> None:
    """A typed NPS, tried by the fallback router before "not understood" (only what no other handler took)."""
    router.message.register(survey_typed_nps, StateFilter(None), F.text, ~F.text.startswith("/"), AwaitingNps())


def create_router() -> Router:
    router = Router(name="quality")
    # Clients.
    router.message.register(complain, Command("complain"))
    router.callback_query.register(cancel_complaint, ComplainButton.filter(F.cancel))
    router.callback_query.register(choose_subject, ComplainButton.filter())
    router.message.register(complaint_words, Complaining.text, F.text)
    router.message.register(complaint_not_words, Complaining.text)
    router.callback_query.register(satisfaction, SatisfactionButton.filter())
    router.callback_query.register(survey_button, SurveyButton.filter())
    router.message.register(survey_typed_score, Surveying.counselor, F.text)
    router.message.register(survey_not_words, Surveying.counselor)
    router.message.register(survey_comment, Surveying.comment, F.text)
    router.message.register(survey_not_words, Surveying.comment)
    router.message.register(block, Command("block"))
    router.callback_query.register(block_button, BlockButton.filter())
    # Staff.
    router.message.register(show_complaints, Command("complaints"), Allowed(HANDLE))
    router.callback_query.register(list_button, CaseButton.filter(F.act == CaseAct.LIST), Allowed(HANDLE))
    router.callback_query.register(open_button, CaseButton.filter(F.act == CaseAct.OPEN), Allowed(HANDLE))
    router.callback_query.register(
        change_button, CaseButton.filter(F.act.in_({CaseAct.TAKE, CaseAct.RESOLVE})), Allowed(HANDLE)
    )
    router.callback_query.register(moderate_button, CaseButton.filter(F.act == CaseAct.MODERATE), Allowed(HANDLE))
    router.callback_query.register(quality_notes.ask_note, CaseButton.filter(F.act == CaseAct.NOTE), Allowed(HANDLE))
    router.message.register(quality_notes.note_text, quality_notes.CaseNoting.text, F.text, Allowed(HANDLE))
    router.message.register(quality_notes.note_not_text, quality_notes.CaseNoting.text, Allowed(HANDLE))
    router.message.register(show_survey_results, Command("survey"), Allowed(SUPERVISE))
    router.message.register(show_transcript, Command("transcript"), Allowed(SUPERVISE))
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[(CaseButton, lambda _data: HANDLE)],
    )
    return router
