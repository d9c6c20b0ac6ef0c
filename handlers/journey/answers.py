"""Answers to the current question (typed, tapped, photos, a shared contact): saved, then the next question,
or an explanation and the same question again.

Every function that takes a `callback` answers it exactly once.
"""

from __future__ import annotations

from typing import cast

from aiogram.types import CallbackQuery, Contact, Message, User
from aiogram.utils.i18n import gettext as _

from domain.answers import Invalid, Problem
from domain.intake import (
    Flow,
    Kind,
    Value,
    apply_preference,
    choose,
    finish,
    match_label,
    next_step,
    pick_by_text,
    previous_step,
    profile_changes,
    read_own_words,
    read_text,
    skip,
    toggle,
)
from domain.phones import normalise_shared_contact
from domain.profile import MAX_PHOTOS, PreferencesData
from handlers.answers import settle
from handlers.journey.chat import ClientChat
from handlers.journey.navigation import go_to, outdated, resume
from handlers.journey.positions import Position, current_position, keep_picks, navigation_preferences
from handlers.journey.questions import ask, labels, shown_options, skip_labels, suggested_answer
from handlers.journey.review import finish_edit
from handlers.journey.screens import greet
from handlers.journey.states import Mode
from handlers.views.cards import answered_line, photos_line
from handlers.views.keyboards import question_keyboard
from handlers.views.texts import problem_text
from storage.repositories.profiles import ProfileChanges


def about_you_done() -> str:
    return _("Thank you, that is all about you. Now, the partner you hope to meet.")


# --- saving and moving on -------------------------------------------------------------------------------------
async def accept(chat: ClientChat, position: Position, value: Value) -> None:
    """Save an accepted answer, then move on: the next question, or back to where an edit began."""
    step = position.step
    changes: ProfileChanges = {}
    prefs = await navigation_preferences(chat, step)
    if step.flow is Flow.INTAKE:
        changes = cast(ProfileChanges, profile_changes(step, value))
    else:
        prefs = apply_preference(prefs, step, value)
        await chat.profiles.save_preferences(chat.account(), prefs)
    if step.kind is Kind.PHONE:
        await chat.send_keyboard_removal(
            _("Thank you, your number is saved.") if value else _("All right, no phone number.")
        )
    if position.mode is Mode.EDIT:
        if changes:
            await chat.profiles.update_profile(chat.account(), changes)
        await finish_edit(chat, position.target, lead=_("Saved."))
        return
    following = next_step(step, prefs)
    lead = None
    if step.flow is Flow.INTAKE and following is not None and following.flow is Flow.PREFERENCES:
        lead = about_you_done()
    await go_to(chat, following, lead=lead, changes=changes)


async def photos_done(chat: ClientChat, position: Position) -> None:
    """Done (or Skip) under the photos question: the next question, or back to where an edit began."""
    if position.mode is Mode.EDIT:
        await finish_edit(chat, position.target, lead=_("Saved."))
        return
    await go_to(chat, next_step(position.step, PreferencesData()), lead=about_you_done())


async def go_back(chat: ClientChat, position: Position) -> None:
    """« Back: the previous question (the introduction before the first), or where an edit began."""
    step = position.step
    if step.kind is Kind.PHONE:
        await chat.send_keyboard_removal(_("Going back."))
    if position.mode is Mode.EDIT:
        await finish_edit(chat, position.target)
        return
    earlier = previous_step(step, await navigation_preferences(chat, step))
    if earlier is None:
        await greet(chat)
        return
    await go_to(chat, earlier)


# --- messages -------------------------------------------------------------------------------------------------
async def typed(chat: ClientChat, text: str) -> None:
    position = await current_position(chat)
    if position is None:
        await resume(chat)
        return
    step = position.step
    if step.optional and match_label(text, {"skip": skip_labels(chat, step)}) is not None:
        await skipped(chat, position)  # "Skip", "没有照片", "No preference" typed rather than tapped
        return
    if step.kind in (Kind.TEXT, Kind.REGION, Kind.PHONE):
        result = read_text(step, text, chat.profiles.rules())
        if isinstance(result, Invalid):
            await ask(chat, position, problem=result)
        else:
            await accept(chat, position, result)
        return
    if step.kind is Kind.CHOICE:
        code = match_label(text, labels(chat, step))
        if code is None:
            await ask(chat, position, problem=Invalid(Problem.CHOICE_NEEDED))
        else:
            await accept(chat, position, code)
        return
    if step.kind is Kind.MULTI:
        await typed_pick(chat, position, text)
        return
    await ask(chat, position, problem=Invalid(Problem.PHOTO_NEEDED))


async def typed_pick(chat: ClientChat, position: Position, text: str) -> None:
    """Text on a multi-select: an option's label ticks it; otherwise own words (hobbies) or a place."""
    step, rules = position.step, chat.profiles.rules()
    code = match_label(text, labels(chat, step))
    result: list[str] | Invalid
    if code is not None:
        result = toggle(step, position.picked, code, rules) if code not in position.picked else position.picked
    elif step.own_words:
        words = read_own_words(text)
        if isinstance(words, Invalid):
            await ask(chat, position, problem=words)
            return
        position.words = words
        await keep_picks(chat, position)
        await ask(chat, position)
        return
    else:
        result = pick_by_text(step, position.picked, text, rules)
    if isinstance(result, Invalid):
        await ask(chat, position, problem=result)
        return
    position.picked = result
    await keep_picks(chat, position)
    await ask(chat, position)


async def photo(chat: ClientChat, file_id: str) -> None:
    position = await current_position(chat)
    if position is None:
        await resume(chat)
        return
    if position.step.kind is not Kind.PHOTOS:
        await ask(chat, position, problem=Invalid(Problem.TEXT_NEEDED))
        return
    account_id = chat.account()
    count = await chat.profiles.photo_count(account_id)
    if count >= MAX_PHOTOS:
        await ask(chat, position, problem=Invalid(Problem.TOO_MANY_PHOTOS, {"max": MAX_PHOTOS}))
        return
    await chat.profiles.add_photo(account_id, file_id)
    if count + 1 >= MAX_PHOTOS:
        await photos_done(chat, position)
        return
    await ask(chat, position)


async def contact(chat: ClientChat, shared: Contact, sender: User | None) -> None:
    position = await current_position(chat)
    if position is None:
        await resume(chat)
        return
    if position.step.kind is not Kind.PHONE:
        await ask(chat, position, problem=Invalid(Problem.TEXT_NEEDED))
        return
    if sender is None or shared.user_id != sender.id:
        await ask(chat, position, problem=Invalid(Problem.PHONE_NOT_OWN))
        return
    number = normalise_shared_contact(shared.phone_number)
    if number is None:
        await ask(chat, position, problem=Invalid(Problem.PHONE_INVALID))
        return
    await accept(chat, position, number)


async def not_an_answer(chat: ClientChat, message: Message) -> None:
    """Anything that cannot answer the current question: say why, ask again."""
    position = await current_position(chat)
    if position is None:
        await resume(chat)
        return
    if message.text is not None and message.text.startswith("/"):
        await ask(chat, position, lead=_("I don't know that command. Send /help to see what I can do."))
        return
    document = message.document
    if position.step.kind is Kind.PHOTOS:
        is_image = document is not None and (document.mime_type or "").startswith("image/")
        problem = Problem.PHOTO_AS_FILE if is_image else Problem.PHOTO_NEEDED
    else:
        problem = Problem.TEXT_NEEDED
    await ask(chat, position, problem=Invalid(problem))


async def skipped(chat: ClientChat, position: Position) -> None:
    """An optional question left unanswered: its empty answer saved (no photo: nothing to save), then on."""
    if position.step.kind is Kind.PHOTOS:
        await photos_done(chat, position)
        return
    await accept(chat, position, skip(position.step))


# --- buttons under the question -------------------------------------------------------------------------------
# A tapped answer is written under its question, whose buttons go (`settle`), before the next question.
async def refuse_or_accept(chat: ClientChat, callback: CallbackQuery, position: Position, value: Value) -> None:
    """An answer from a button that the question may refuse (Done): an alert, or saved."""
    if isinstance(value, Invalid):
        await callback.answer(problem_text(value), show_alert=True)
        return
    await callback.answer()
    await settle(callback, answered_line(position.step, value))
    await accept(chat, position, value)


async def skip_question(chat: ClientChat, callback: CallbackQuery, position: Position) -> None:
    value = skip(position.step)
    if isinstance(value, Invalid):
        await callback.answer(problem_text(value), show_alert=True)
        return
    await callback.answer()
    await settle(callback, answered_line(position.step, value))
    await skipped(chat, position)


async def take_suggestion(chat: ClientChat, callback: CallbackQuery, position: Position) -> None:
    """The suggested answer tapped (the name to be called by); gone if the name changed meanwhile."""
    suggested = await suggested_answer(chat, position.step)
    if suggested is None:
        await outdated(chat, callback)
        return
    await callback.answer()
    await settle(callback, answered_line(position.step, suggested))
    await accept(chat, position, suggested)


async def finish_picks(chat: ClientChat, callback: CallbackQuery, position: Position) -> None:
    """Done on a multi-select."""
    await refuse_or_accept(chat, callback, position, finish(position.step, position.picked, position.words))


async def choose_option(chat: ClientChat, callback: CallbackQuery, position: Position, code: str) -> None:
    """An option or a place tapped; a code the question does not offer belongs to an earlier message."""
    chosen = choose(position.step, code, chat.profiles.rules())
    if isinstance(chosen, Invalid):
        await outdated(chat, callback)
        return
    await callback.answer()
    await settle(callback, answered_line(position.step, chosen))
    await accept(chat, position, chosen)


def option_at(chat: ClientChat, position: Position, index: str) -> str:
    """The option code at a button's position in the list ("" when there is none)."""
    options = position.step.options_for(chat.profiles.rules())
    return options[int(index)] if index.isdigit() and int(index) < len(options) else ""


async def toggle_option(chat: ClientChat, callback: CallbackQuery, position: Position, index: str) -> None:
    """Tick or untick an option of a multi-select; the buttons change in place."""
    step, rules = position.step, chat.profiles.rules()
    code = option_at(chat, position, index)
    if not code:
        await outdated(chat, callback)
        return
    picked = toggle(step, position.picked, code, rules)
    if isinstance(picked, Invalid):
        await callback.answer(problem_text(picked), show_alert=True)
        return
    position.picked = picked
    await keep_picks(chat, position)
    await callback.answer()
    message = callback.message
    if not isinstance(message, Message):
        await ask(chat, position)
        return
    markup = question_keyboard(
        step, step.options_for(rules), picked=picked, shown=await shown_options(chat, step, None)
    )
    await chat.replace_buttons(message, markup)


async def photos_confirmed(chat: ClientChat, callback: CallbackQuery, position: Position) -> None:
    """Done under the photos question: at least one photo is needed (or Continue without a photo)."""
    count = await chat.profiles.photo_count(chat.account())
    if count < 1:
        await callback.answer(problem_text(Invalid(Problem.PHOTO_NEEDED)), show_alert=True)
        return
    await callback.answer()
    await settle(callback, photos_line(count))
    await photos_done(chat, position)


async def remove_photos(chat: ClientChat, callback: CallbackQuery, position: Position) -> None:
    await chat.profiles.remove_photos(chat.account())
    await callback.answer(_("Your photos were removed."))
    await ask(chat, position)
