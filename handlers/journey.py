"""The client journey as one conversation: greeting, consent, questions, review, menu.

Where answers live: each answer is written to the draft profile (or the partner preferences) the moment it
is accepted, in the same update as `intake_step`, the question the client is on. That column is the one
source of truth for the position in the first pass; the FSM state (encrypted in the database) only says
"answering", "changing one answer", "reviewing", and its data holds what is not an answer yet: a
multi-select's ticks before Done, and where a single-field edit returns. So /cancel, a restart or even a
lost FSM row lose nothing but unconfirmed ticks, /start resumes from the profile alone, the export shows
every answer given, and deletion shreds them with the rest of the account. Every personal field is sealed
under the client's own key in its own column, which one JSON blob in the FSM could not be. It is also the
cheaper path: most answers cost one UPDATE and no FSM write.

`Conversation` is built per update by `open_conversation`; handlers stay one line each.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import StrEnum
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    Contact,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    User,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.answers import Invalid, Problem
from domain.clock import Clock
from domain.consent import NOTICE_VERSION
from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import Channel, Principal
from domain.intake import (
    FIRST_STEP,
    INTAKE_STEPS,
    ONBOARDING,
    PREFERENCE_STEPS,
    REVIEW,
    AnswerRules,
    Flow,
    Kind,
    Step,
    applicable,
    apply_preference,
    choose,
    finish,
    first_unanswered,
    initial_picks,
    match_label,
    next_step,
    pick_by_text,
    previous_step,
    profile_changes,
    read_own_words,
    read_text,
    set_criteria,
    skip,
    step_named,
    toggle,
)
from domain.phones import normalise_phone, normalise_shared_contact
from domain.profile import MAX_PHOTOS, PreferencesData, ProfileData, Status, from_fields, is_registered
from domain.regions import region_book
from handlers.services.alerts import new_client_registered
from handlers.services.container import Services
from handlers.services.settings import Settings
from handlers.views import cards
from handlers.views.keyboards import (
    AnswerButton,
    Op,
    contact_keyboard,
    fields_keyboard,
    greeting_keyboard,
    label,
    menu_keyboard,
    preferences_keyboard,
    profile_keyboard,
    question_keyboard,
    review_keyboard,
)
from handlers.views.outbound import to_method
from handlers.views.texts import problem_text, progress_line, question, quote, region_label, step_title
from storage.records import ClientProfile, PartnerPreferences
from storage.repositories.profiles import ProfileChanges
from storage.unit_of_work import UnitOfWork

MESSAGE_LIMIT = 4096

# FSM data keys (values are JSON).
STEP = "step"
MODE = "mode"
TARGET = "target"
PICKED = "picked"
WORDS = "words"


class Journey(StatesGroup):
    intro = State()  # consented; the introduction with "Continue" (Back from the first question)
    question = State()  # the first pass: the profile's intake_step names the question
    editing = State()  # one answer being changed: the FSM data names the question and where to return
    review = State()  # the finished profile is shown for confirmation
    fields = State()  # the client is choosing which answer to change


class Deletion(StatesGroup):
    first = State()
    final = State()


class Mode(StrEnum):
    ONBOARDING = "onboarding"  # the first pass: each answer leads to the next question
    EDIT = "edit"  # one answer changed: back to where the client came from


class Target(StrEnum):
    """Where a single-field edit returns to."""

    REVIEW = "review"
    PROFILE = "profile"
    PREFERENCES = "preferences"


@dataclasses.dataclass
class Position:
    """The question being answered, and a multi-select's ticks not yet confirmed with Done."""

    step: Step
    mode: Mode
    target: Target
    picked: list[str] = dataclasses.field(default_factory=list)
    words: str | None = None


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
                "Registration is a short interview of {count} steps about you, then a few questions about the "
                "partner you hope to meet. You can go back at any time, skip the optional questions, and stop "
                "with /cancel: your answers are saved as you go, and /start brings you back."
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
    closing = _("Tap <b>I agree, let's begin</b> to start. Nothing about you is stored until you do.")
    return f"{welcome}\n\n{notice}\n\n{closing}"


def pack_sections(sections: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join sections with blank lines into as few messages as fit within the limit."""
    messages: list[str] = []
    for section in sections:
        if messages and len(messages[-1]) + 2 + len(section) <= limit:
            messages[-1] += "\n\n" + section
        else:
            messages.append(section[:limit])
    return messages


@dataclasses.dataclass
class Conversation:
    bot: Bot
    chat_id: int
    uow: UnitOfWork
    state: FSMContext
    principal_account_id: UUID | None
    principal_locale: str
    channel: str
    external_id: str
    settings: Settings
    clock: Clock
    i18n: I18n
    raw_state: dataclasses.InitVar[str | None] = None
    state_was_read: dataclasses.InitVar[bool] = False
    _profile: ClientProfile | None = None
    _preferences: PartnerPreferences | None = None
    _profile_loaded: bool = False
    _preferences_loaded: bool = False
    _state_name: str | None = None
    _state_known: bool = False
    _data: dict[str, Any] | None = None

    def __post_init__(self, raw_state: str | None, state_was_read: bool) -> None:
        # aiogram read the state before the handler (for the state filters): no need to read it again.
        self._state_name, self._state_known = raw_state, state_was_read

    # --- basics -------------------------------------------------------------------------------------------
    @property
    def account_id(self) -> UUID | None:
        return self.principal_account_id

    def _account(self) -> UUID:
        if self.principal_account_id is None:
            raise LookupError("this conversation has no account yet")
        return self.principal_account_id

    def today(self) -> date:
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    def rules(self) -> AnswerRules:
        return AnswerRules(
            today=self.today(),
            min_age=self.settings.min_client_age,
            currency=self.settings.currency,
            regions=region_book(),
            phone=normalise_phone,
        )

    async def send(self, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def send_outbound(self, message: OutboundMessage) -> None:
        """Send, in this chat and now, a message built as for the outbox (text or a captioned photo, buttons)."""
        await self.bot(to_method(ChatAddress(Channel(self.channel), self.chat_id), message))

    async def send_keyboard_removal(self, text: str) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=ReplyKeyboardRemove())

    async def profile(self) -> ProfileData | None:
        if not self._profile_loaded and self.account_id is not None:
            self._profile = await self.uow.profiles.get(self.account_id)
            self._profile_loaded = True
        return None if self._profile is None else from_fields(ProfileData, self._profile)

    async def preferences(self) -> PreferencesData:
        if not self._preferences_loaded and self.account_id is not None:
            self._preferences = await self.uow.preferences.get(self.account_id)
            self._preferences_loaded = True
        return from_fields(PreferencesData, self._preferences)

    async def load(self) -> tuple[ProfileData | None, PreferencesData]:
        return await self.profile(), await self.preferences()

    async def update_profile(self, **changes: Any) -> None:
        self._profile = await self.uow.profiles.update(
            self._account(), now=self.clock.now(), **cast(ProfileChanges, changes)
        )
        self._profile_loaded = True

    async def save_preferences(self, prefs: PreferencesData) -> None:
        record = PartnerPreferences(account_id=self._account(), **dataclasses.asdict(prefs))
        self._preferences = await self.uow.preferences.save(record, now=self.clock.now())
        self._preferences_loaded = True

    # Conversation state, read once per update and written only when it changes: every FSM read or write
    # is a database round trip.
    async def get_state(self) -> str | None:
        if not self._state_known:
            self._state_name = await self.state.get_state()
            self._state_known = True
        return self._state_name

    async def set_state(self, value: State | None) -> None:
        name = None if value is None else value.state
        if self._state_known and self._state_name == name:
            return
        await self.state.set_state(value)
        self._state_name, self._state_known = name, True

    async def data(self) -> dict[str, Any]:
        """A copy of the conversation data (change it with `set_data`)."""
        if self._data is None:
            self._data = await self.state.get_data()
        return dict(self._data)

    async def set_data(self, data: dict[str, Any]) -> None:
        if self._data is not None and self._data == data:
            return
        await self.state.set_data(data)
        self._data = dict(data)

    async def clear_state(self) -> None:
        await self.set_state(None)
        await self.set_data({})

    # --- greeting and consent --------------------------------------------------------------------------------
    async def greet(self, *, lead: str | None = None) -> None:
        consented = self.account_id is not None and await self.uow.consents.has_consented(
            self.account_id, NOTICE_VERSION
        )
        text = greeting_text(consented=consented)
        if lead:
            text = f"{lead}\n\n{text}"
        if consented:
            await self.set_state(Journey.intro)
        await self.send(text, greeting_keyboard(consented=consented, notice_version=NOTICE_VERSION))

    async def consent(self) -> None:
        """Record the consent (creating the account with the visitor's language), then start the interview."""
        now = self.clock.now()
        if self.account_id is None:
            account, _created = await self.uow.accounts.get_or_create(
                self.channel, self.external_id, locale=self.principal_locale, now=now
            )
            self.principal_account_id = account.id
            self.uow.principal_id = account.id
        account_id = self._account()
        if not await self.uow.consents.has_consented(account_id, NOTICE_VERSION):
            await self.uow.consents.record(account_id, NOTICE_VERSION, now=now)
        self._profile_loaded = self._preferences_loaded = False
        if await self.profile() is None:
            self._profile = await self.uow.profiles.create(account_id, now=now)
            await self.set_data({})
            await self.go_to(
                FIRST_STEP,
                lead=_(
                    "Thank you! Let's begin. There are {count} steps about you, then a few questions about the "
                    "partner you hope to meet. Your answers are saved as you go."
                ).format(count=len(INTAKE_STEPS)),
            )
            return
        await self.resume()

    # --- where the client stands ---------------------------------------------------------------------------------
    async def resume(self, *, lead: str | None = None) -> None:
        """Show whatever the client is in the middle of: the greeting, a question, the review or the menu."""
        if self.account_id is None:
            await self.set_state(None)
            await self.greet(lead=lead)
            return
        if not await self.uow.consents.has_consented(self.account_id, NOTICE_VERSION):
            # The notice changed since they accepted it: nothing goes on until they accept the new one.
            await self.set_state(None)
            await self.greet(lead=lead)
            return
        profile = await self.profile()
        if profile is None:
            await self.consent()
            return
        current = await self.get_state()
        position = await self.position()
        if position is not None:
            await self.ask(position, lead=lead)
            return
        if current == Journey.fields.state:
            data = await self.data()
            await self.show_fields(Target(data.get(TARGET, Target.REVIEW)), lead=lead)
            return
        if current == Journey.intro.state:
            await self.greet(lead=lead)
            return
        if is_registered(profile.status):
            await self.clear_state()
            await self.show_menu(lead=lead)
            return
        step = step_named(profile.intake_step)
        if step is not None and applicable(step, await self.navigation_preferences(step)):
            await self.go_to(step, lead=lead)
        else:
            await self.show_review(lead=lead)

    async def position(self) -> Position | None:
        """The question being answered now, if any.

        In the first pass the profile's `intake_step` names it (the FSM state only says "answering"); the FSM
        data holds a multi-select's ticks until Done. A single-field edit keeps everything in the FSM data.
        """
        current = await self.get_state()
        if current == Journey.question.state:
            profile = await self.profile()
            step = step_named(profile.intake_step if profile else None)
            if step is None or profile is None:
                return None
            position = Position(step, Mode.ONBOARDING, Target.REVIEW)
            if step.kind is Kind.MULTI:
                data = await self.data()
                if data.get(STEP) == step.name:
                    position.picked, position.words = list(data.get(PICKED) or []), data.get(WORDS)
                else:
                    position.picked = initial_picks(step, profile, await self.preferences())
                    position.words = profile.hobbies_text if step.own_words else None
            return position
        if current == Journey.editing.state:
            data = await self.data()
            step = step_named(data.get(STEP))
            if step is None:
                return None
            return Position(
                step, Mode.EDIT, Target(data.get(TARGET, Target.REVIEW)), list(data.get(PICKED) or []), data.get(WORDS)
            )
        return None

    async def keep_picks(self, position: Position) -> None:
        data: dict[str, Any] = {STEP: position.step.name, PICKED: position.picked, WORDS: position.words}
        if position.mode is Mode.EDIT:
            data |= {MODE: position.mode.value, TARGET: position.target.value}
        await self.set_data(data)

    async def navigation_preferences(self, step: Step) -> PreferencesData:
        """What next/previous need: only the must-have question depends on the preferences, and it is only
        reached from within the preferences."""
        return await self.preferences() if step.flow is Flow.PREFERENCES else PreferencesData()

    # --- questions ----------------------------------------------------------------------------------------------
    async def go_to(self, step: Step | None, *, lead: str | None = None, changes: dict[str, Any] | None = None) -> None:
        """Ask `step` in the first pass (None: the review), saving `changes` and the new position at once."""
        if step is None:
            if changes:
                await self.update_profile(**changes)
            await self.show_review(lead=lead)
            return
        await self.update_profile(**(changes or {}), intake_step=step.name)
        profile = await self.profile()
        assert profile is not None
        position = Position(step, Mode.ONBOARDING, Target.REVIEW)
        if step.kind is Kind.MULTI:
            position.picked = initial_picks(step, profile, await self.preferences())
            position.words = profile.hobbies_text if step.own_words else None
            await self.keep_picks(position)
        await self.set_state(Journey.question)
        await self.ask(position, lead=lead, entering=True)

    async def ask(
        self, position: Position, *, problem: Invalid | None = None, lead: str | None = None, entering: bool = False
    ) -> None:
        step = position.step
        rules = self.rules()
        parts: list[str] = []
        if lead:
            parts.append(lead)
        if problem is not None:
            parts.append("⚠️ " + problem_text(problem))
        if position.mode is Mode.EDIT:
            header = _("Changing your answer: {field}").format(field=step_title(step.name))
        else:
            header = progress_line(step)
        parts.append(f"<i>{header}</i>\n<b>{question(step.name, min_age=rules.min_age)}</b>")
        if position.mode is Mode.EDIT:
            profile, prefs = await self.load()
            assert profile is not None
            now_text = cards.answer_text(step, profile, prefs)
            if now_text is not None:
                parts.append(_("Your answer now: {answer}").format(answer=now_text))
        if step.own_words and position.words:
            parts.append(_("In your own words: {words}").format(words=quote(position.words)))
        photo_count = 0
        if step.kind is Kind.PHOTOS:
            photo_count = await self.uow.photos.count_for(self._account())
            if photo_count:
                parts.append(_("Photos received: {count} of {limit}.").format(count=photo_count, limit=MAX_PHOTOS))
        if step.kind is Kind.PHONE and entering:
            await self.send(_("📱 The button below shares this account's phone number."), contact_keyboard())
        shown = problem.options if step.kind is Kind.REGION and problem is not None and problem.options else None
        markup = question_keyboard(
            step,
            step.options_for(rules),
            picked=position.picked,
            shown=await self.shown_options(step, shown),
            photo_count=photo_count,
        )
        await self.send("\n\n".join(parts)[:MESSAGE_LIMIT], markup)

    async def shown_options(self, step: Step, shown: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """The must-have question offers only the criteria that have a preference."""
        if step.name == "p_must":
            return set_criteria(await self.preferences())
        return shown

    async def on_text(self, text: str) -> None:
        position = await self.position()
        if position is None:
            await self.resume()
            return
        step = position.step
        rules = self.rules()
        if step.kind in (Kind.TEXT, Kind.REGION, Kind.PHONE):
            result = read_text(step, text, rules)
            if isinstance(result, Invalid):
                await self.ask(position, problem=result)
            else:
                await self.answer(position, result)
            return
        if step.kind is Kind.CHOICE:
            code = match_label(text, self.labels(step))
            if code is None:
                await self.ask(position, problem=Invalid(Problem.CHOICE_NEEDED))
            else:
                await self.answer(position, code)
            return
        if step.kind is Kind.MULTI:
            await self.on_multi_text(position, text)
            return
        await self.ask(position, problem=Invalid(Problem.PHOTO_NEEDED))

    async def on_multi_text(self, position: Position, text: str) -> None:
        step, rules = position.step, self.rules()
        code = match_label(text, self.labels(step))
        result: list[str] | Invalid
        if code is not None:
            result = toggle(step, position.picked, code, rules) if code not in position.picked else position.picked
        elif step.own_words:
            words = read_own_words(text)
            if isinstance(words, Invalid):
                await self.ask(position, problem=words)
                return
            position.words = words
            await self.keep_picks(position)
            await self.ask(position)
            return
        else:
            result = pick_by_text(step, position.picked, text, rules)
        if isinstance(result, Invalid):
            await self.ask(position, problem=result)
            return
        position.picked = result
        await self.keep_picks(position)
        await self.ask(position)

    def labels(self, step: Step) -> dict[str, list[str]]:
        """Every option's label in every language, for answers typed instead of tapped."""
        labels: dict[str, list[str]] = {}
        for code in step.options_for(self.rules()):
            names = []
            for locale in self.i18n.available_locales:
                with self.i18n.use_locale(locale):
                    names.append(label(step.name, code))
            labels[code] = names
        return labels

    async def on_photo(self, file_id: str) -> None:
        position = await self.position()
        if position is None:
            await self.resume()
            return
        if position.step.kind is not Kind.PHOTOS:
            await self.ask(position, problem=Invalid(Problem.TEXT_NEEDED))
            return
        count = await self.uow.photos.count_for(self._account())
        if count >= MAX_PHOTOS:
            await self.ask(position, problem=Invalid(Problem.TOO_MANY_PHOTOS, {"max": MAX_PHOTOS}))
            return
        await self.uow.photos.add(self._account(), file_id, now=self.clock.now())
        if count + 1 >= MAX_PHOTOS:
            await self.photos_done(position)
            return
        await self.ask(position)

    async def on_contact(self, contact: Contact, sender: User | None) -> None:
        position = await self.position()
        if position is None:
            await self.resume()
            return
        if position.step.kind is not Kind.PHONE:
            await self.ask(position, problem=Invalid(Problem.TEXT_NEEDED))
            return
        if sender is None or contact.user_id != sender.id:
            await self.ask(position, problem=Invalid(Problem.PHONE_NOT_OWN))
            return
        number = normalise_shared_contact(contact.phone_number)
        if number is None:
            await self.ask(position, problem=Invalid(Problem.PHONE_INVALID))
            return
        await self.answer(position, number)

    async def on_other(self, message: Message) -> None:
        """Anything that cannot answer the current question: say why, ask again."""
        position = await self.position()
        if position is None:
            await self.resume()
            return
        if message.text is not None and message.text.startswith("/"):
            await self.ask(position, lead=_("I don't know that command. Send /help to see what I can do."))
            return
        document = message.document
        if position.step.kind is Kind.PHOTOS:
            is_image = document is not None and (document.mime_type or "").startswith("image/")
            problem = Problem.PHOTO_AS_FILE if is_image else Problem.PHOTO_NEEDED
        else:
            problem = Problem.TEXT_NEEDED
        await self.ask(position, problem=Invalid(problem))

    async def on_button(self, callback: CallbackQuery, button: AnswerButton) -> None:
        """A button under a question. Answers the callback exactly once on every path."""
        position = await self.position()
        if position is None or position.step.name != button.step:
            await self.outdated(callback)
            return
        step, rules = position.step, self.rules()
        options = step.options_for(rules)
        match button.op:
            case Op.BACK:
                await callback.answer()
                await self.back(position)
            case Op.SKIP:
                result = skip(step)
                if isinstance(result, Invalid):
                    await callback.answer(problem_text(result), show_alert=True)
                    return
                await callback.answer()
                await self.answer(position, result)
            case Op.PICK | Op.PLACE:
                code = button.value
                if button.op is Op.PICK:
                    code = options[int(code)] if code.isdigit() and int(code) < len(options) else ""
                chosen = choose(step, code, rules)
                if isinstance(chosen, Invalid):
                    await self.outdated(callback)
                    return
                await callback.answer()
                await self.answer(position, chosen)
            case Op.TOGGLE:
                await self.on_toggle(callback, position, button.value)
            case Op.DONE if step.kind is Kind.MULTI:
                finished = finish(step, position.picked, position.words)
                if isinstance(finished, Invalid):
                    await callback.answer(problem_text(finished), show_alert=True)
                    return
                await callback.answer()
                await self.answer(position, finished)
            case Op.DONE if step.kind is Kind.PHOTOS:
                if await self.uow.photos.count_for(self._account()) < 1:
                    await callback.answer(problem_text(Invalid(Problem.PHOTO_NEEDED)), show_alert=True)
                    return
                await callback.answer()
                await self.photos_done(position)
            case Op.CLEAR if step.kind is Kind.PHOTOS:
                for photo in await self.uow.photos.list_for(self._account()):
                    await self.uow.photos.remove(photo.id)
                await callback.answer(_("Your photos were removed."))
                await self.ask(position)
            case _:
                await self.outdated(callback)

    async def on_toggle(self, callback: CallbackQuery, position: Position, value: str) -> None:
        step = position.step
        options = step.options_for(self.rules())
        if not (step.kind is Kind.MULTI and value.isdigit() and int(value) < len(options)):
            await self.outdated(callback)
            return
        picked = toggle(step, position.picked, options[int(value)], self.rules())
        if isinstance(picked, Invalid):
            await callback.answer(problem_text(picked), show_alert=True)
            return
        position.picked = picked
        await self.keep_picks(position)
        await callback.answer()
        message = callback.message
        if isinstance(message, Message):
            await self.bot.edit_message_reply_markup(
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=question_keyboard(
                    step, options, picked=picked, shown=await self.shown_options(step, None)
                ),
            )
        else:
            await self.ask(position)

    async def outdated(self, callback: CallbackQuery) -> None:
        await callback.answer(_("That button belongs to an earlier message."))
        await self.resume(lead=_("That button belongs to an earlier message. Here is where we are now:"))

    async def answer(self, position: Position, value: Any) -> None:
        """Save an accepted answer, then move on: the next question, or back to where an edit began."""
        step = position.step
        changes: dict[str, Any] = {}
        prefs = await self.navigation_preferences(step)
        if step.flow is Flow.INTAKE:
            changes = profile_changes(step, value)
        else:
            prefs = apply_preference(prefs, step, value)
            await self.save_preferences(prefs)
        if step.kind is Kind.PHONE:
            await self.send_keyboard_removal(
                _("Thank you, your number is saved.") if value else _("All right, no phone number.")
            )
        if position.mode is Mode.EDIT:
            if changes:
                await self.update_profile(**changes)
            await self.finish_edit(position.target, lead=_("Saved."))
            return
        following = next_step(step, prefs)
        lead = None
        if step.flow is Flow.INTAKE and following is not None and following.flow is Flow.PREFERENCES:
            lead = _("Thank you, that is all about you. Now, the partner you hope to meet.")
        await self.go_to(following, lead=lead, changes=changes)

    async def photos_done(self, position: Position) -> None:
        if position.mode is Mode.EDIT:
            await self.finish_edit(position.target, lead=_("Saved."))
            return
        lead = _("Thank you, that is all about you. Now, the partner you hope to meet.")
        await self.go_to(next_step(position.step, PreferencesData()), lead=lead)

    async def back(self, position: Position) -> None:
        step = position.step
        if step.kind is Kind.PHONE:
            await self.send_keyboard_removal(_("Going back."))
        if position.mode is Mode.EDIT:
            if step.kind is Kind.PHOTOS and await self.uow.photos.count_for(self._account()) < 1:
                await self.ask(position, problem=Invalid(Problem.PHOTO_NEEDED))
                return
            await self.finish_edit(position.target)
            return
        earlier = previous_step(step, await self.navigation_preferences(step))
        if earlier is None:
            await self.greet()
            return
        await self.go_to(earlier)

    # --- review and single-field edits -------------------------------------------------------------------------
    async def show_review(self, *, lead: str | None = None) -> None:
        profile, prefs = await self.load()
        assert profile is not None
        photos = await self.uow.photos.list_for(self._account())
        missing = first_unanswered(profile, prefs, len(photos))
        if missing is not None:
            await self.go_to(missing, lead=lead or _("One more answer is needed before your profile is complete."))
            return
        await self.set_state(Journey.review)
        await self.set_data({})
        if profile.intake_step != REVIEW:
            await self.update_profile(intake_step=REVIEW)
        if lead:
            await self.send(lead)
        await self.send_cards(profile, prefs, [p.file_id for p in photos], review_keyboard(), with_preferences=True)

    async def send_cards(
        self,
        profile: ProfileData,
        prefs: PreferencesData,
        photo_ids: list[str],
        markup: InlineKeyboardMarkup,
        *,
        with_preferences: bool,
        footer: str | None = None,
    ) -> None:
        caption = cards.public_caption(profile, self.today())
        if photo_ids:
            await self.bot.send_photo(self.chat_id, photo=photo_ids[0], caption=caption)
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
            await self.send(text)
        await self.send(messages[-1], markup)

    def editable_steps(self, target: Target, prefs: PreferencesData) -> list[Step]:
        steps: tuple[Step, ...] = {
            Target.REVIEW: ONBOARDING,
            Target.PROFILE: INTAKE_STEPS,
            Target.PREFERENCES: PREFERENCE_STEPS,
        }[target]
        return [step for step in steps if applicable(step, prefs)]

    async def show_fields(self, target: Target, *, lead: str | None = None) -> None:
        _profile, prefs = await self.load()
        steps = self.editable_steps(target, prefs)
        await self.set_state(Journey.fields)
        await self.set_data({TARGET: target.value})
        text = _("Which answer would you like to change?")
        if lead:
            text = f"{lead}\n\n{text}"
        await self.send(text, fields_keyboard(steps, [step_title(step.name) for step in steps]))

    async def edit_field(self, name: str) -> bool:
        """Ask one question to change its answer; False when the field cannot be edited from here."""
        data = await self.data()
        target = Target(data.get(TARGET, Target.REVIEW))
        profile, prefs = await self.load()
        assert profile is not None
        step = step_named(name)
        if step is None or step not in self.editable_steps(target, prefs):
            return False
        position = Position(step, Mode.EDIT, target)
        if step.kind is Kind.MULTI:
            position.picked = initial_picks(step, profile, prefs)
            position.words = profile.hobbies_text if step.own_words else None
        await self.set_state(Journey.editing)
        await self.keep_picks(position)
        await self.ask(position, entering=True)
        return True

    async def finish_edit(self, target: Target, *, lead: str | None = None) -> None:
        if target is Target.REVIEW:
            await self.show_review(lead=lead)
            return
        await self.clear_state()
        if target is Target.PROFILE:
            await self.show_profile(lead=lead)
        else:
            await self.show_preferences(lead=lead)

    async def confirm(self) -> None:
        profile, prefs = await self.load()
        assert profile is not None
        missing = first_unanswered(profile, prefs, await self.uow.photos.count_for(self._account()))
        if missing is not None:
            await self.go_to(missing, lead=_("One more answer is needed before your profile is complete."))
            return
        await self.update_profile(status=Status.ACTIVE.value, intake_step=None)
        await self.clear_state()
        await new_client_registered(
            self.uow,
            self._account(),
            self.clock.now(),
            counselor_chat_id=self.settings.counselor_chat_id,
            alert_text=self.new_client_alert(profile),
        )
        name = quote(profile.display_name or "")
        await self.show_menu(
            lead=_(
                "Thank you, {name}! Your registration is complete. A counselor will look at your profile and "
                "be in touch soon; I will let you know when we have someone to suggest."
            ).format(name=name)
        )

    def new_client_alert(self, profile: ProfileData) -> str:
        """The counselors' alert, in the agency's language: the public facts and the account reference."""
        with self.i18n.use_locale(self.settings.default_locale):
            region = region_label(profile.region_code) if profile.region_code else "—"
            return _(
                "🆕 New client registered: <b>{name}</b>, {age}, {city}. Reference: <code>{reference}</code>."
            ).format(
                name=quote(profile.display_name or "?"),
                age=profile.age(self.today()) or "?",
                city=quote(region),
                reference=str(self._account())[:8],
            )

    # --- after registration ----------------------------------------------------------------------------------
    async def show_menu(self, *, lead: str | None = None) -> None:
        text = _("What would you like to do?")
        if lead:
            text = f"{lead}\n\n{text}"
        await self.send(text, menu_keyboard())

    async def registered_profile(self) -> ProfileData | None:
        """The profile if the client finished registration; otherwise resume what they were doing."""
        profile, _prefs = await self.load()
        if profile is None or not is_registered(profile.status):
            lead = _("Your registration is not finished yet. Let's continue.") if profile else None
            await self.resume(lead=lead)
            return None
        if await self.get_state() is not None:
            await self.clear_state()
        return profile

    async def registered_account(self) -> UUID | None:
        """The account of a client who finished registration; otherwise None, after resuming what they were
        doing."""
        profile = await self.registered_profile()
        return None if profile is None else self.account_id

    async def show_profile(self, *, lead: str | None = None) -> None:
        profile = await self.registered_profile()
        if profile is None:
            return
        _profile, prefs = await self.load()
        paused = profile.status == Status.PAUSED
        status = (
            _("⏸ Suggestions are paused: you are not suggested to other clients.")
            if paused
            else _("✅ Your profile is active: you may be suggested to clients who fit.")
        )
        if lead:
            await self.send(lead)
        photos = await self.uow.photos.list_for(self._account())
        await self.send_cards(
            profile,
            prefs,
            [p.file_id for p in photos],
            profile_keyboard(paused=paused),
            with_preferences=False,
            footer=status,
        )

    async def show_preferences(self, *, lead: str | None = None) -> None:
        profile = await self.registered_profile()
        if profile is None:
            return
        _profile, prefs = await self.load()
        text = cards.preferences_section(prefs)
        if lead:
            text = f"{lead}\n\n{text}"
        await self.send(text, preferences_keyboard())

    async def set_paused(self, paused: bool) -> str:
        """Pause or resume suggestions; returns the sentence to show."""
        profile, _prefs = await self.load()
        assert profile is not None
        if paused and profile.status == Status.ACTIVE:
            await self.update_profile(status=Status.PAUSED.value)
            return _("Paused. You will not be suggested to anyone until you resume.")
        if not paused and profile.status == Status.PAUSED:
            await self.update_profile(status=Status.ACTIVE.value)
            return _("Welcome back! You may be suggested to clients who fit again.")
        return _("Nothing changed.")


def open_conversation(
    *,
    bot: Bot,
    services: Services,
    state: FSMContext,
    principal: Principal,
    chat_id: int,
    raw_state: str | None,
    state_was_read: bool,
) -> Conversation:
    """The client's conversation for one update (built for every update with a person and a state, by
    `bot.middlewares.handler_context`)."""
    return Conversation(
        bot=bot,
        chat_id=chat_id,
        uow=services.uow,
        state=state,
        principal_account_id=principal.account_id,
        principal_locale=principal.locale,
        channel=principal.channel.value,
        external_id=principal.external_id,
        settings=services.settings,
        clock=services.clock,
        i18n=services.i18n,
        raw_state=raw_state,
        state_was_read=state_was_read,
    )
