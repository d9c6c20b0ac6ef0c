"""/start (with or without a deep-link payload): the greeting, the privacy notice and the consent.

A visitor sees the greeting with the notice, a consent button and the language buttons; nothing about them is
stored until they consent (their language choice stays in the conversation state only). A returning client
goes straight back to their menu or to the question where they stopped.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.consent import NOTICE_VERSION
from domain.identity import VISITOR_LOCALE_KEY
from domain.profile import is_registered
from handlers.journey import Conversation, Journey, greeting_text
from handlers.language import LanguageChoice
from handlers.views.keyboards import LANGUAGE_NAMES, StartAction, StartButton, greeting_keyboard
from handlers.views.texts import quote
from storage.unit_of_work import UnitOfWork

router = Router(name="start")


@router.message(CommandStart())
async def start(message: Message, conversation: Conversation) -> None:
    # A deep-link payload (/start <source>) is accepted and not stored: nothing is kept before consent.
    if conversation.account_id is None:
        await conversation.set_state(None)
        await conversation.greet()
        return
    profile, _prefs = await conversation.load()
    if profile is not None and is_registered(profile.status):
        lead = _("Welcome back, {name}!").format(name=quote(profile.display_name or ""))
    elif profile is not None:
        lead = _("Welcome back! Let's continue where we stopped.")
    else:
        lead = None
    await conversation.resume(lead=lead)


@router.callback_query(StartButton.filter(F.action == StartAction.CONSENT))
async def consent(callback: CallbackQuery, callback_data: StartButton, conversation: Conversation) -> None:
    if callback_data.value != NOTICE_VERSION:
        await callback.answer(_("The privacy notice has changed. Please read the new version."), show_alert=True)
        await conversation.greet()
        return
    await callback.answer(_("Thank you!"))
    await conversation.consent()


@router.callback_query(StartButton.filter(F.action == StartAction.CONTINUE))
async def continue_registration(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    if await conversation.get_state() == Journey.intro.state:
        await conversation.set_state(None)
    await conversation.resume()


@router.callback_query(StartButton.filter(F.action == StartAction.LANGUAGE))
async def greeting_language(
    callback: CallbackQuery,
    callback_data: StartButton,
    conversation: Conversation,
    uow: UnitOfWork,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """A language button on the greeting: the greeting is shown again in that language, buttons and all."""
    code = callback_data.value
    if code not in LANGUAGE_NAMES:
        await conversation.outdated(callback)
        return
    if conversation.account_id is not None:
        await uow.accounts.set_locale(conversation.account_id, code)
        consented = await uow.consents.has_consented(conversation.account_id, NOTICE_VERSION)
    else:
        await state.update_data({VISITOR_LOCALE_KEY: code})
        consented = False
    with i18n.use_locale(code):
        await callback.answer(LANGUAGE_NAMES[code])
        text = greeting_text(consented=consented)
        markup = greeting_keyboard(consented=consented, notice_version=NOTICE_VERSION)
        if isinstance(callback.message, Message):
            await callback.message.edit_text(text, reply_markup=markup)
        else:
            await conversation.send(text, markup)


@router.callback_query(
    LanguageChoice.filter(F.code.in_(LANGUAGE_NAMES)),
    StateFilter(Journey.intro, Journey.question, Journey.editing, Journey.review, Journey.fields),
)
async def language_during_journey(
    callback: CallbackQuery,
    callback_data: LanguageChoice,
    conversation: Conversation,
    uow: UnitOfWork,
    i18n: I18n,
) -> None:
    """/language in the middle of the interview: switch, then ask the current question again."""
    code = callback_data.code
    if conversation.account_id is not None:
        await uow.accounts.set_locale(conversation.account_id, code)
    with i18n.use_locale(code):
        await callback.answer(LANGUAGE_NAMES[code])
        await conversation.resume(lead=_("I will speak English with you from now on. Send /help to see what I can do."))
