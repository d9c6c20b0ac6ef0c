"""/start (with or without a deep-link payload): the greeting, the privacy notice and the consent.

A visitor sees the greeting with the notice, a consent button and the language buttons; nothing about them is
stored until they consent (their language choice stays in the conversation state only). A returning client
goes straight back to their menu or to the question where they stopped.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.consent import NOTICE_VERSION
from handlers.answers import show_in_place
from handlers.finance import pending_source, record_source, remember_source
from handlers.journey import Conversation, Journey, navigation, screens
from handlers.services.container import Services
from handlers.views.keyboards import LANGUAGE_NAMES, LanguageChoice, StartAction, StartButton


async def start(message: Message, command: CommandObject, conversation: Conversation) -> None:
    # A deep-link payload (/start <source>) names an acquisition channel: a visitor's waits in the conversation
    # state and is recorded with their consent (the notice says so); nothing else is kept before consent.
    await remember_source(conversation, command.args)
    await navigation.start(conversation)


async def consent(callback: CallbackQuery, conversation: Conversation, services: Services) -> None:
    await callback.answer(_("Thank you!"))
    source = await pending_source(conversation)
    await navigation.consent(conversation)
    await record_source(conversation, services, source)


async def consent_to_old_notice(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer(_("The privacy notice has changed. Please read the new version."), show_alert=True)
    await screens.greet(conversation)


async def continue_registration(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await navigation.continue_registration(conversation)


async def greeting_language(
    callback: CallbackQuery, callback_data: StartButton, conversation: Conversation, services: Services
) -> None:
    """A language button on the greeting: the greeting is shown again in that language, buttons and all."""
    code = callback_data.value
    await conversation.remember_language(code)
    consented = await services.profiles.has_consented(conversation.account_id)
    with services.i18n.use_locale(code):
        await callback.answer(LANGUAGE_NAMES[code])
        await show_in_place(callback, *screens.greeting_screen(consented=consented))


async def language_during_journey(
    callback: CallbackQuery, callback_data: LanguageChoice, conversation: Conversation, services: Services
) -> None:
    """/language in the middle of the interview: switch, then ask the current question again."""
    code = callback_data.code
    await conversation.remember_language(code)
    with services.i18n.use_locale(code):
        await callback.answer(LANGUAGE_NAMES[code])
        await navigation.resume(
            conversation, lead=_("I will speak English with you from now on. Send /help to see what I can do.")
        )


async def outdated(callback: CallbackQuery, conversation: Conversation) -> None:
    await navigation.outdated(conversation, callback)


def create_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.callback_query.register(
        consent, StartButton.filter((F.action == StartAction.CONSENT) & (F.value == NOTICE_VERSION))
    )
    router.callback_query.register(consent_to_old_notice, StartButton.filter(F.action == StartAction.CONSENT))
    router.callback_query.register(continue_registration, StartButton.filter(F.action == StartAction.CONTINUE))
    router.callback_query.register(
        greeting_language, StartButton.filter((F.action == StartAction.LANGUAGE) & F.value.in_(LANGUAGE_NAMES))
    )
    router.callback_query.register(outdated, StartButton.filter())  # a language we do not speak
    router.callback_query.register(
        language_during_journey,
        LanguageChoice.filter(F.code.in_(LANGUAGE_NAMES)),
        StateFilter(Journey.intro, Journey.question, Journey.editing, Journey.review, Journey.fields),
    )
    return router
