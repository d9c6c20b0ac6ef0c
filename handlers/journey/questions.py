"""Asking a question: its progress line (or what is being changed), the answer so far, problems with the last
answer, and its buttons."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.answers import Invalid
from domain.identity import Channel
from domain.intake import Kind, Step, set_criteria, suggestion
from domain.profile import MAX_PHOTOS
from handlers.journey.chat import ClientChat
from handlers.journey.positions import Position
from handlers.journey.screens import MESSAGE_LIMIT
from handlers.journey.states import Mode
from handlers.views import cards
from handlers.views.keyboards import contact_keyboard, label, question_keyboard
from handlers.views.texts import problem_text, progress_line, question, quote, skip_words, step_title


async def ask(
    chat: ClientChat,
    position: Position,
    *,
    problem: Invalid | None = None,
    lead: str | None = None,
    entering: bool = False,
) -> None:
    """Ask the question of `position` (again, after a `problem`); `entering`: asked for the first time now."""
    step = position.step
    rules = chat.profiles.rules()
    web = chat.principal.channel is Channel.WEB
    parts: list[str] = []
    if lead:
        parts.append(lead)
    if problem is not None:
        parts.append("⚠️ " + problem_text(problem))
    if position.mode is Mode.EDIT:
        header = _("Changing your answer: {field}").format(field=step_title(step.name))
    else:
        header = progress_line(step)
    parts.append(f"<i>{header}</i>\n<b>{question(step.name, min_age=rules.min_age, web=web)}</b>")
    if position.mode is Mode.EDIT:
        profile, prefs = await chat.load()
        assert profile is not None
        now_text = cards.answer_text(step, profile, prefs)
        if now_text is not None:
            parts.append(_("Your answer now: {answer}").format(answer=now_text))
    suggested = await suggested_answer(chat, step)
    if suggested is not None:
        parts.append(_("Tap <b>{name}</b> below, or type the name you prefer.").format(name=quote(suggested)))
    if step.own_words and position.words:
        parts.append(_("In your own words: {words}").format(words=quote(position.words)))
    photo_count = 0
    if step.kind is Kind.PHOTOS:
        photo_count = await chat.profiles.photo_count(chat.account())
        if photo_count:
            parts.append(_("Photos received: {count} of {limit}.").format(count=photo_count, limit=MAX_PHOTOS))
    if step.kind is Kind.PHONE and entering:
        button = (
            _("📱 The button below lets you enter your phone number.")
            if web
            else _("📱 The button below shares this account's phone number.")
        )
        await chat.send(button, contact_keyboard())
    shown = problem.options if step.kind is Kind.REGION and problem is not None and problem.options else None
    markup = question_keyboard(
        step,
        step.options_for(rules),
        picked=position.picked,
        shown=await shown_options(chat, step, shown),
        photo_count=photo_count,
        suggestion=suggested,
    )
    await chat.send("\n\n".join(parts)[:MESSAGE_LIMIT], markup)


async def suggested_answer(chat: ClientChat, step: Step) -> str | None:
    """The answer the question offers as a button (what to call the client, read from their name)."""
    profile = await chat.profile()
    return None if profile is None else suggestion(step, profile)


async def shown_options(chat: ClientChat, step: Step, shown: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The must-have question offers only the criteria that have a preference."""
    if step.name == "p_must":
        return set_criteria(await chat.preferences())
    return shown


def skip_labels(chat: ClientChat, step: Step) -> list[str]:
    """What a person may type to skip an optional question, in every language."""
    i18n = chat.services.i18n
    found: list[str] = []
    for locale in i18n.available_locales:
        with i18n.use_locale(locale):
            found += skip_words(step)
    return found


def labels(chat: ClientChat, step: Step) -> dict[str, list[str]]:
    """Every option's label in every language, for answers typed instead of tapped."""
    i18n = chat.services.i18n
    found: dict[str, list[str]] = {}
    for code in step.options_for(chat.profiles.rules()):
        names = []
        for locale in i18n.available_locales:
            with i18n.use_locale(locale):
                names.append(label(step.name, code))
        found[code] = names
    return found
