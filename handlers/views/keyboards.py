"""Buttons of the client journey: the CallbackData factories and the keyboards built from them.

Callback data names the question a button belongs to, so a button pressed on an old message is recognised
as outdated. Options travel as their position in the option list (short, and free of the ':' separator).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.intake import Kind, Step
from domain.profile import MAX_PHOTOS
from domain.regions import POPULAR_CITIES
from handlers.views.texts import current_locale, option_label, skip_label

TICK = "✅ "


class InlineKeyboardBuilder:
    """Buttons in order, then cut into rows of the given sizes (the last size repeats).

    aiogram's builder deep-copies its whole markup on every added button, which made a 40-button question
    cost milliseconds; this one builds each button once.
    """

    def __init__(self) -> None:
        self._buttons: list[InlineKeyboardButton] = []
        self._sizes: tuple[int, ...] = (1,)

    def button(self, *, text: str, callback_data: CallbackData) -> None:
        self._buttons.append(InlineKeyboardButton(text=text, callback_data=callback_data.pack()))

    def add(self, button: InlineKeyboardButton) -> None:
        self._buttons.append(button)

    def adjust(self, *sizes: int) -> None:
        self._sizes = sizes or (1,)

    def as_markup(self) -> InlineKeyboardMarkup:
        rows: list[list[InlineKeyboardButton]] = []
        position = 0
        for index in range(len(self._buttons)):
            if position >= len(self._buttons):
                break
            size = self._sizes[min(index, len(self._sizes) - 1)]
            rows.append(self._buttons[position : position + size])
            position += size
        return InlineKeyboardMarkup(inline_keyboard=rows)


class Op(StrEnum):
    PICK = "pick"  # a CHOICE option, by position
    PLACE = "place"  # a region, by code
    TOGGLE = "toggle"  # a MULTI option, by position
    DONE = "done"
    SKIP = "skip"
    BACK = "back"
    CLEAR = "clear"  # remove every photo
    SUGGESTED = "suggested"  # the answer the question suggests (what to call the client)


class AnswerButton(CallbackData, prefix="ans"):
    step: str
    op: Op
    value: str = ""


class StartAction(StrEnum):
    CONSENT = "consent"
    LANGUAGE = "lang"
    CONTINUE = "continue"


class StartButton(CallbackData, prefix="go"):
    action: StartAction
    value: str = ""


class ReviewAction(StrEnum):
    CONFIRM = "confirm"
    EDIT = "edit"  # show the list of fields
    FIELD = "field"  # edit this field
    BACK = "back"  # leave the list of fields


class ReviewButton(CallbackData, prefix="rev"):
    action: ReviewAction
    value: str = ""


class MenuAction(StrEnum):
    MATCHES = "matches"
    PROFILE = "profile"
    PREFERENCES = "prefs"
    MY_DATA = "mydata"
    DELETE = "delete"
    HELP = "help"
    HUMAN = "human"
    MEMBERSHIP = "membership"
    EDIT_PROFILE = "edit_profile"
    EDIT_PREFERENCES = "edit_prefs"
    PAUSE = "pause"
    RESUME = "resume"


class MenuButton(CallbackData, prefix="menu"):
    action: MenuAction


class DeleteAction(StrEnum):
    YES = "yes"
    CONFIRM = "confirm"
    KEEP = "keep"


class DeleteButton(CallbackData, prefix="del"):
    action: DeleteAction


# Each language is named in itself, so anyone can find their own (domain.languages.LOCALES, in that order).
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文", "zh_Hant": "繁體中文", "ru": "Русский"}


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageChoice(code=code))
    builder.adjust(len(LANGUAGE_NAMES))
    return builder.as_markup()


def greeting_keyboard(*, consented: bool, notice_version: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if consented:
        builder.button(text=_("Continue registration"), callback_data=StartButton(action=StartAction.CONTINUE))
    else:
        builder.button(
            text=_("I agree, let's begin"),
            callback_data=StartButton(action=StartAction.CONSENT, value=notice_version),
        )
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=StartButton(action=StartAction.LANGUAGE, value=code))
    builder.adjust(1, len(LANGUAGE_NAMES))
    return builder.as_markup()


def question_keyboard(
    step: Step,
    options: Sequence[str],
    *,
    picked: Sequence[str] = (),
    shown: Sequence[str] | None = None,
    photo_count: int = 0,
    can_go_back: bool = True,
    suggestion: str | None = None,
) -> InlineKeyboardMarkup:
    """The buttons under a question. `shown`: the options to show (a subset, e.g. suggested places);
    `suggestion`: an answer to offer as a button (the client's name: built here, never cached)."""
    builder = InlineKeyboardBuilder()
    rows: list[int] = []
    if suggestion:
        builder.add(
            InlineKeyboardButton(
                text=suggestion, callback_data=AnswerButton(step=step.name, op=Op.SUGGESTED).pack()
            )
        )
        rows.append(1)
    if step.kind is Kind.CHOICE:
        for position, code in enumerate(options):
            if shown is None or code in shown:
                builder.add(answer_button(label(step.name, code), step.name, Op.PICK, str(position)))
        rows += _rows(len(shown if shown is not None else options), 2 if len(options) <= 4 else 1)
    elif step.kind is Kind.REGION:
        places = list(shown) if shown is not None else list(POPULAR_CITIES)
        for code in places:
            builder.add(answer_button(label(step.name, code), step.name, Op.PLACE, code))
        rows += _rows(len(places), 2)
    elif step.kind is Kind.MULTI:
        visible = [(position, code) for position, code in enumerate(options) if shown is None or code in shown]
        for position, code in visible:
            mark = TICK if code in picked else ""
            builder.add(answer_button(mark + label(step.name, code), step.name, Op.TOGGLE, str(position)))
        columns = 3 if len(visible) > 8 else 2
        rows += _rows(len(visible), columns)
        builder.add(answer_button(_("Done"), step.name, Op.DONE))
        rows.append(1)
    elif step.kind is Kind.PHOTOS and photo_count > 0:
        done = _("Done ({count} of {limit})").format(count=photo_count, limit=MAX_PHOTOS)
        builder.add(answer_button(done, step.name, Op.DONE))
        builder.add(answer_button(_("Remove my photos"), step.name, Op.CLEAR))
        rows += [1, 1]
    navigation = 0
    if can_go_back:
        builder.add(answer_button(_("« Back"), step.name, Op.BACK))
        navigation += 1
    if step.optional and not (step.kind is Kind.PHOTOS and photo_count > 0):  # with photos, Done goes on
        builder.add(answer_button(skip_label(step), step.name, Op.SKIP))
        navigation += 1
    if navigation:
        rows.append(navigation)
    builder.adjust(*rows)
    return builder.as_markup()


def label(step: str, code: str) -> str:
    """`texts.option_label` in the update's language, looked up once per language, step and option."""
    return _label(current_locale(), step, code)


@lru_cache(maxsize=4096)
def _label(locale: str, step: str, code: str) -> str:
    # Called in the gettext context of `locale`; the catalogs do not change while the process runs.
    return option_label(step, code)


@lru_cache(maxsize=4096)
def answer_button(text: str, step: str, op: Op, value: str = "") -> InlineKeyboardButton:
    """A button under a question. Built once per text and callback data and then shared: packing the callback
    data and validating the button are most of what a question's keyboard costs (the button is immutable)."""
    return InlineKeyboardButton(text=text, callback_data=AnswerButton(step=step, op=op, value=value).pack())


def _rows(count: int, columns: int) -> list[int]:
    full, rest = divmod(count, columns)
    return [columns] * full + ([rest] if rest else [])


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def review_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=ReviewButton(action=ReviewAction.CONFIRM))
    builder.button(text=_("✏️ Edit an answer"), callback_data=ReviewButton(action=ReviewAction.EDIT))
    builder.adjust(2)
    return builder.as_markup()


def fields_keyboard(steps: Sequence[Step], titles: Sequence[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for step, title in zip(steps, titles, strict=True):
        builder.button(text=title, callback_data=ReviewButton(action=ReviewAction.FIELD, value=step.name))
    builder.button(text=_("« Back"), callback_data=ReviewButton(action=ReviewAction.BACK))
    builder.adjust(*([*_rows(len(steps), 2), 1]))
    return builder.as_markup()


def menu_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("💘 My suggestions"), callback_data=MenuButton(action=MenuAction.MATCHES))
    builder.button(text=_("👤 My profile"), callback_data=MenuButton(action=MenuAction.PROFILE))
    builder.button(text=_("💞 Partner preferences"), callback_data=MenuButton(action=MenuAction.PREFERENCES))
    builder.button(text=_("🙋 Talk to a counselor"), callback_data=MenuButton(action=MenuAction.HUMAN))
    builder.button(text=_("💎 Membership"), callback_data=MenuButton(action=MenuAction.MEMBERSHIP))
    builder.button(text=_("❓ Help"), callback_data=MenuButton(action=MenuAction.HELP))
    builder.button(text=_("📄 My data"), callback_data=MenuButton(action=MenuAction.MY_DATA))
    builder.button(text=_("🗑 Delete my data"), callback_data=MenuButton(action=MenuAction.DELETE))
    builder.adjust(1, 2, 2, 2, 1)
    return builder.as_markup()


def profile_keyboard(*, paused: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Edit an answer"), callback_data=MenuButton(action=MenuAction.EDIT_PROFILE))
    if paused:
        builder.button(text=_("▶️ Resume suggestions"), callback_data=MenuButton(action=MenuAction.RESUME))
    else:
        builder.button(text=_("⏸ Pause suggestions"), callback_data=MenuButton(action=MenuAction.PAUSE))
    builder.adjust(1)
    return builder.as_markup()


def preferences_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Edit an answer"), callback_data=MenuButton(action=MenuAction.EDIT_PREFERENCES))
    return builder.as_markup()


def delete_keyboard(*, final: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if final:
        builder.button(text=_("Delete everything now"), callback_data=DeleteButton(action=DeleteAction.CONFIRM))
    else:
        builder.button(text=_("Yes, delete my data"), callback_data=DeleteButton(action=DeleteAction.YES))
    builder.button(text=_("No, keep my data"), callback_data=DeleteButton(action=DeleteAction.KEEP))
    builder.adjust(1)
    return builder.as_markup()
