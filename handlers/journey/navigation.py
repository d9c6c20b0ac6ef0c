"""Moving through the journey: where the client stands (`resume`), the consent, the next question in the
first pass (`go_to`) and the review of the finished profile."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from domain.intake import FIRST_STEP, INTAKE_STEPS, REVIEW, Kind, Step, applicable, first_unanswered, step_named
from domain.profile import ProfileData, is_registered
from handlers.journey.chat import ClientChat
from handlers.journey.positions import Position, current_position, keep_picks, navigation_preferences
from handlers.journey.questions import ask
from handlers.journey.screens import greet, send_cards, show_fields, show_menu
from handlers.journey.states import Journey, Mode, Target
from handlers.views.cards import short_name
from handlers.views.keyboards import review_keyboard
from handlers.views.texts import quote
from storage.repositories.profiles import ProfileChanges


def incomplete_text() -> str:
    return _("One more answer is needed before your profile is complete.")


async def resume(chat: ClientChat, *, lead: str | None = None) -> None:
    """Show whatever the client is in the middle of: the greeting, a question, the review or the menu."""
    if not await chat.profiles.has_consented(chat.account_id):
        # A visitor, or the notice changed since they accepted it: nothing goes on until they accept it.
        await chat.set_state(None)
        await greet(chat, lead=lead)
        return
    profile = await chat.profile()
    if profile is None:
        await consent(chat)
        return
    current = await chat.get_state()
    position = await current_position(chat)
    if position is not None:
        await ask(chat, position, lead=lead)
        return
    if current == Journey.fields.state:
        await show_fields(chat, (await chat.state.draft()).target, lead=lead)
        return
    if current == Journey.intro.state:
        await greet(chat, lead=lead)
        return
    if is_registered(profile.status):
        await chat.clear_state()
        await show_menu(chat, lead=lead)
        return
    step = step_named(profile.intake_step)
    if step is not None and applicable(step, await navigation_preferences(chat, step)):
        await go_to(chat, step, lead=lead)
    else:
        await show_review(chat, lead=lead)


async def start(chat: ClientChat) -> None:
    """/start: the greeting for a visitor; anyone else is welcomed back to where they stopped."""
    if chat.account_id is None:
        await chat.set_state(None)
        await greet(chat)
        return
    profile = await chat.profile()
    if profile is not None and is_registered(profile.status):
        lead = _("Welcome back, {name}!").format(name=quote(short_name(profile)))
    elif profile is not None:
        lead = _("Welcome back! Let's continue where we stopped.")
    else:
        lead = None
    await resume(chat, lead=lead)


async def continue_registration(chat: ClientChat) -> None:
    """The "Continue registration" button under the introduction."""
    if await chat.get_state() == Journey.intro.state:
        await chat.set_state(None)
    await resume(chat)


async def outdated(chat: ClientChat, callback: CallbackQuery) -> None:
    """A button of an earlier message: say so, then show where the client is now."""
    await callback.answer(_("That button belongs to an earlier message."))
    await resume(chat, lead=_("That button belongs to an earlier message. Here is where we are now:"))


async def consent(chat: ClientChat) -> None:
    """Record the consent (creating the account with the visitor's language), then start the interview."""
    principal = chat.principal
    consented = await chat.profiles.consent(
        chat.account_id, channel=principal.channel.value, external_id=principal.external_id, locale=principal.locale
    )
    chat.account_id = consented.account_id
    if not consented.new_profile:
        await resume(chat)
        return
    await chat.set_data({})
    await go_to(
        chat,
        FIRST_STEP,
        lead=_(
            "Thank you! Let's begin. There is {count} step about you, then a few questions about the "
            "partner you hope to meet. Your answers are saved as you go.",
            "Thank you! Let's begin. There are {count} steps about you, then a few questions about the "
            "partner you hope to meet. Your answers are saved as you go.",
            len(INTAKE_STEPS),
        ).format(count=len(INTAKE_STEPS)),
    )


async def registered_profile(chat: ClientChat) -> ProfileData | None:
    """The profile if the client finished registration; otherwise resume what they were doing."""
    profile = await chat.profile()
    if profile is not None and await chat.profiles.consent_outdated(chat.account_id):
        await resume(chat)  # a new privacy notice: nothing works until it is accepted
        return None
    if profile is None or not is_registered(profile.status):
        lead = _("Your registration is not finished yet. Let's continue.") if profile else None
        await resume(chat, lead=lead)
        return None
    if await chat.get_state() is not None:
        await chat.clear_state()
    return profile


async def go_to(
    chat: ClientChat, step: Step | None, *, lead: str | None = None, changes: ProfileChanges | None = None
) -> None:
    """Ask `step` in the first pass (None: the review), saving `changes` and the new position at once."""
    account_id = chat.account()
    if step is None:
        if changes:
            await chat.profiles.update_profile(account_id, changes)
        await show_review(chat, lead=lead)
        return
    await chat.profiles.update_profile(account_id, {**(changes or {}), "intake_step": step.name})
    position = Position(step, Mode.ONBOARDING, Target.REVIEW)
    if step.kind is Kind.MULTI:
        profile = await chat.profile()
        assert profile is not None
        position.start_picks(profile, await chat.preferences())
        await keep_picks(chat, position)
    await chat.set_state(Journey.question)
    await ask(chat, position, lead=lead, entering=True)


async def show_review(chat: ClientChat, *, lead: str | None = None) -> None:
    """The finished profile for confirmation (or the first required question still unanswered)."""
    profile, prefs = await chat.load()
    assert profile is not None
    account_id = chat.account()
    photo_ids = await chat.profiles.photo_ids(account_id)
    missing = first_unanswered(profile, prefs)
    if missing is not None:
        await go_to(chat, missing, lead=lead or incomplete_text())
        return
    await chat.set_state(Journey.review)
    await chat.set_data({})
    if profile.intake_step != REVIEW:
        await chat.profiles.update_profile(account_id, {"intake_step": REVIEW})
    if lead:
        await chat.send(lead)
    await send_cards(chat, profile, prefs, photo_ids, review_keyboard(), with_preferences=True)
