"""The finished profile: change one answer (and return to where the change began), or confirm it."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.intake import Kind, first_unanswered, step_named
from handlers.journey.chat import ClientChat
from handlers.journey.menus import show_preferences, show_profile
from handlers.journey.navigation import go_to, incomplete_text, show_review
from handlers.journey.positions import Position, keep_picks
from handlers.journey.questions import ask
from handlers.journey.screens import editable_steps, show_fields, show_menu
from handlers.journey.states import Journey, Mode, Target
from handlers.views.cards import short_name
from handlers.views.texts import quote


async def edit_field(chat: ClientChat, name: str) -> bool:
    """Ask one question to change its answer; False when the field cannot be edited from here."""
    target = (await chat.state.draft()).target
    profile, prefs = await chat.load()
    assert profile is not None
    step = step_named(name)
    if step is None or step not in editable_steps(target, prefs):
        return False
    position = Position(step, Mode.EDIT, target)
    if step.kind is Kind.MULTI:
        position.start_picks(profile, prefs)
    await chat.set_state(Journey.editing)
    await keep_picks(chat, position)
    await ask(chat, position, entering=True)
    return True


async def finish_edit(chat: ClientChat, target: Target, *, lead: str | None = None) -> None:
    """Back to where a single-field edit began."""
    if target is Target.REVIEW:
        await show_review(chat, lead=lead)
        return
    await chat.clear_state()
    if target is Target.PROFILE:
        await show_profile(chat, lead=lead)
    else:
        await show_preferences(chat, lead=lead)


async def fields_again(chat: ClientChat, *, lead: str | None = None) -> None:
    """The list of answers to change, once more."""
    await show_fields(chat, (await chat.state.draft()).target, lead=lead)


async def leave_fields(chat: ClientChat) -> None:
    """« Back from the list of answers to change."""
    await finish_edit(chat, (await chat.state.draft()).target)


async def confirm(chat: ClientChat) -> None:
    """The client confirmed the review: registered, the counselors told, the menu shown."""
    profile, prefs = await chat.load()
    assert profile is not None
    account_id = chat.account()
    missing = first_unanswered(profile, prefs)
    if missing is not None:
        await go_to(chat, missing, lead=incomplete_text())
        return
    await chat.profiles.complete_registration(account_id, profile)
    await chat.clear_state()
    name = quote(short_name(profile))
    await show_menu(
        chat,
        lead=_(
            "Thank you, {name}! Your registration is complete. I will let you know when we have someone to "
            "suggest; to talk to a counselor at any time, send /human."
        ).format(name=name),
    )
