"""A new privacy notice first: a client who accepted only an earlier version uses no client feature until they
accept the current one (docs/quality.md).

One router, tried before every feature router, takes a client's command, button or text that would use a
feature, answers a button once and shows the notice again (`navigation.resume`), so the feature's handler never
runs: no interest recorded, no contact shared, no place taken. What keeps working on an old consent: the consent
and the greeting's buttons, /start, /help, /cancel, /end, /language, the data rights (/mydata, /delete and their
buttons: docs/privacy.md promises them to every client), the journey's own questions and review (which ask
nothing of the agency's services, and are the busiest path: no query is added to it), a job application, and
payments. Staff are not clients and are never stopped here; visitors have no account and nothing to re-accept.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.fallback import counted_client
from handlers.hiring.states import Applying
from handlers.journey import Conversation, Deletion, Journey, navigation
from handlers.services.container import Services
from handlers.views.hiring import ApplyButton
from handlers.views.keyboards import (
    AnswerButton,
    DeleteButton,
    LanguageChoice,
    MenuAction,
    MenuButton,
    ReviewButton,
    StartButton,
)

# Commands that need no consent to the current notice (the privacy notice itself, help, the data rights).
OPEN_COMMANDS = frozenset({"start", "help", "cancel", "end", "language", "mydata", "delete"})
# Buttons that need none: the greeting and consent, the journey's questions and review, languages, deletion,
# a job application.
OPEN_PREFIXES = frozenset(
    factory.__prefix__
    for factory in (StartButton, AnswerButton, ReviewButton, LanguageChoice, DeleteButton, ApplyButton)
)
OPEN_MENU = frozenset({MenuAction.HELP, MenuAction.MY_DATA, MenuAction.DELETE})
# Conversation states whose text needs none: the journey, a deletion being confirmed, a job application.
OPEN_STATES = frozenset(
    state.state for group in (Journey, Deletion, Applying) for state in group.__all_states__ if state.state
)


def _command(text: str) -> str:
    """The command a message's text starts with ("/matches@bot args" -> "matches")."""
    return text[1:].split(maxsplit=1)[0].partition("@")[0].lower() if len(text) > 1 else ""


def needs_consent(event: Message | CallbackQuery, raw_state: str | None) -> bool:
    """Whether the update would use a client feature (and so waits for the current notice)."""
    if isinstance(event, CallbackQuery):
        prefix, _sep, rest = (event.data or "").partition(":")
        if prefix == MenuButton.__prefix__:
            return rest not in OPEN_MENU
        return prefix not in OPEN_PREFIXES
    if event.successful_payment is not None:  # a payment is credited whatever else is going on
        return False
    text = event.text or event.caption or ""
    if text.startswith("/"):
        return _command(text) not in OPEN_COMMANDS
    return raw_state not in OPEN_STATES


class OutdatedConsent(Filter):
    """Passes when a client (not a visitor, not staff) who accepted only an earlier privacy notice would use a
    client feature. Reads the database only after the checks that need none."""

    async def __call__(self, event: Message | CallbackQuery, services: Services, raw_state: str | None = None) -> bool:
        client_id = counted_client(services.principal)
        if client_id is None or not needs_consent(event, raw_state):
            return False
        return await services.profiles.consent_outdated(client_id)


async def notice_first(message: Message, conversation: Conversation) -> None:
    await navigation.resume(conversation)


async def notice_first_button(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer(_("The privacy notice has changed. Please read the new version."))
    await navigation.resume(conversation)


def create_router() -> Router:
    router = Router(name="consent_gate")
    router.message.register(notice_first, OutdatedConsent())
    router.callback_query.register(notice_first_button, OutdatedConsent())
    return router
