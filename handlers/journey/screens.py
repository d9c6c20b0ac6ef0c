"""The journey's screens that need no navigation: the greeting, the menu, the list of answers to change, and
the profile cards (a photo, then as few messages as the sections fit in)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.consent import NOTICE_VERSION
from domain.intake import INTAKE_STEPS, ONBOARDING, PREFERENCE_STEPS, Step, applicable
from domain.profile import PreferencesData, ProfileData
from handlers.journey.chat import ClientChat
from handlers.journey.chat_state import JourneyDraft
from handlers.journey.states import Journey, Target
from handlers.views import cards
from handlers.views.keyboards import fields_keyboard, greeting_keyboard, menu_keyboard
from handlers.views.texts import step_title

MESSAGE_LIMIT = 4096


def with_lead(lead: str | None, text: str) -> str:
    return f"{lead}\n\n{text}" if lead else text


def greeting_text(*, consented: bool) -> str:
    welcome = _(
        "Welcome to <b>Yuelao</b>, the matchmaking agency's assistant.\n\n"
        "I help you register with the agency, describe the partner you hope to meet, and arrange "
        "introductions and dates together with your personal counselor."
    )
    if consented:
        return (
            welcome
            + "\n\n"
            + _(
                "Registration is a short interview of {count} step about you, then a few questions about the "
                "partner you hope to meet. You can go back at any time, skip the optional questions, and stop "
                "with /cancel: your answers are saved as you go, and /start brings you back.",
                "Registration is a short interview of {count} steps about you, then a few questions about the "
                "partner you hope to meet. You can go back at any time, skip the optional questions, and stop "
                "with /cancel: your answers are saved as you go, and /start brings you back.",
                len(INTAKE_STEPS),
            ).format(count=len(INTAKE_STEPS))
        )
    notice = _(
        "<b>Privacy notice</b> (version {version})\n"
        "To find you a good match I will ask about you and about the partner you hope to meet: your name, "
        "date of birth, photos, contact details and more. Everything is stored encrypted. Only you and the "
        "agency's staff can read your private details, and every time a staff member opens them it is "
        "logged. Other clients see only your public profile (photo, name, age, city, height, education, "
        "occupation and what you write about yourself), and only when we suggest you to them. At any time, "
        "/mydata sends you everything we hold and /delete erases it for good."
    ).format(version=NOTICE_VERSION)
    learning = _(
        "Suggestions are also ranked by learning from answers: what you and other clients said to earlier "
        "suggestions, introductions and dates. /ranking switches this off, and what was learned about you is "
        "then deleted; it is part of /mydata and is erased with /delete."
    )
    source = _(
        "If you came through one of the agency's advertising links, we note which link it was (only its name), "
        "to learn which advertising brings clients."
    )
    closing = _("Tap <b>I agree, let's begin</b> to start. Nothing about you is stored until you do.")
    return f"{welcome}\n\n{notice}\n{learning}\n{source}\n\n{closing}"


def greeting_screen(*, consented: bool) -> tuple[str, InlineKeyboardMarkup]:
    """The greeting with the consent button (once consented: the introduction with "Continue"), and the
    language buttons."""
    return greeting_text(consented=consented), greeting_keyboard(consented=consented, notice_version=NOTICE_VERSION)


async def greet(chat: ClientChat, *, lead: str | None = None) -> None:
    """Send the greeting; once consented, the introduction is where « Back from the first question leads."""
    consented = await chat.profiles.has_consented(chat.account_id)
    if consented:
        await chat.set_state(Journey.intro)
    text, markup = greeting_screen(consented=consented)
    await chat.send(with_lead(lead, text), markup)


async def show_menu(chat: ClientChat, *, lead: str | None = None) -> None:
    await chat.send(with_lead(lead, _("What would you like to do?")), menu_keyboard())


def editable_steps(target: Target, prefs: PreferencesData) -> list[Step]:
    steps: tuple[Step, ...] = {
        Target.REVIEW: ONBOARDING,
        Target.PROFILE: INTAKE_STEPS,
        Target.PREFERENCES: PREFERENCE_STEPS,
    }[target]
    return [step for step in steps if applicable(step, prefs)]


async def show_fields(chat: ClientChat, target: Target, *, lead: str | None = None) -> None:
    """The list of answers that can be changed from `target` (the review, the profile or the preferences)."""
    steps = editable_steps(target, await chat.preferences())
    await chat.set_state(Journey.fields)
    await chat.state.keep(JourneyDraft(target=target))
    text = with_lead(lead, _("Which answer would you like to change?"))
    await chat.send(text, fields_keyboard(steps, [step_title(step.name) for step in steps]))


def pack_sections(sections: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join sections with blank lines into as few messages as fit within the limit."""
    messages: list[str] = []
    for section in sections:
        if messages and len(messages[-1]) + 2 + len(section) <= limit:
            messages[-1] += "\n\n" + section
        else:
            messages.append(section[:limit])
    return messages


async def send_cards(
    chat: ClientChat,
    profile: ProfileData,
    prefs: PreferencesData,
    photo_ids: list[str],
    markup: InlineKeyboardMarkup,
    *,
    with_preferences: bool,
    footer: str | None = None,
) -> None:
    """The profile as other clients see it (with the first photo), the private part, optionally the
    preferences, and the footer with its buttons."""
    caption = cards.public_caption(profile, chat.today())
    if photo_ids:
        await chat.send_photo(photo_ids[0], caption)
        sections = [cards.about_section(profile)]
    else:
        sections = [caption, cards.about_section(profile)]
    sections.append(cards.private_section(profile))
    if with_preferences:
        sections.append(cards.preferences_section(prefs))
    if footer is None:
        footer = _("Is everything right? Tap <b>Confirm</b> to finish, or change any answer first.")
    sections.append(footer)
    messages = pack_sections(sections)
    for text in messages[:-1]:
        await chat.send(text)
    await chat.send(messages[-1], markup)
