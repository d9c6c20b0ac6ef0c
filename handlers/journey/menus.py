"""After registration: the profile (with pause or resume), the partner preferences."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.profile import Status, is_registered
from handlers.journey.chat import ClientChat
from handlers.journey.navigation import registered_profile
from handlers.journey.screens import send_cards, with_lead
from handlers.services.profiles import PauseChange
from handlers.views import cards
from handlers.views.keyboards import preferences_keyboard, profile_keyboard


async def finished_registration(chat: ClientChat) -> bool:
    """The client finished registration (a question only: nothing is shown)."""
    profile = await chat.profile()
    return profile is not None and is_registered(profile.status)


async def show_profile(chat: ClientChat, *, lead: str | None = None) -> None:
    profile = await registered_profile(chat)
    if profile is None:
        return
    prefs = await chat.preferences()
    paused = profile.status == Status.PAUSED
    status = (
        _("⏸ Suggestions are paused: you are not suggested to other clients.")
        if paused
        else _("✅ Your profile is active: you may be suggested to clients who fit.")
    )
    if lead:
        await chat.send(lead)
    photo_ids = await chat.profiles.photo_ids(chat.account())
    await send_cards(
        chat, profile, prefs, photo_ids, profile_keyboard(paused=paused), with_preferences=False, footer=status
    )


async def show_preferences(chat: ClientChat, *, lead: str | None = None) -> None:
    if await registered_profile(chat) is None:
        return
    text = with_lead(lead, cards.preferences_section(await chat.preferences()))
    await chat.send(text, preferences_keyboard())


def pause_sentence(change: PauseChange) -> str:
    return {
        PauseChange.PAUSED: _("Paused. You will not be suggested to anyone until you resume."),
        PauseChange.RESUMED: _("Welcome back! You may be suggested to clients who fit again."),
        PauseChange.UNCHANGED: _("Nothing changed."),
    }[change]


async def set_paused(chat: ClientChat, paused: bool) -> str:
    """Pause or resume suggestions; returns the sentence to show."""
    return pause_sentence(await chat.profiles.set_paused(chat.account(), paused))
