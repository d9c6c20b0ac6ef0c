"""The monthly satisfaction survey as clients and managers see it: the questions with their buttons, the
thanks, and the results per counselor and overall beside the month before."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.quality import COUNSELOR_SCORES, MAX_COMPLAINT_TEXT, NPS_SCORES
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote


class SurveyStep(StrEnum):
    NPS = "n"
    COUNSELOR = "c"
    SKIP = "s"  # no comment


class SurveyButton(CallbackData, prefix="qv"):
    survey: str  # 32 hex digits
    step: SurveyStep
    value: int = 0


def nps_keyboard(survey_hex: str) -> tuple[tuple[InlineButton, ...], ...]:
    buttons = [
        InlineButton(str(n), callback_data=SurveyButton(survey=survey_hex, step=SurveyStep.NPS, value=n).pack())
        for n in NPS_SCORES
    ]
    return (tuple(buttons[:6]), tuple(buttons[6:]))


def survey_question(survey_hex: str, *, reminder: bool = False) -> OutboundMessage:
    lead = _("A gentle reminder of our monthly survey.") + "\n" if reminder else ""
    text = lead + _(
        "📋 Our monthly satisfaction survey: three short questions.\nHow likely are you to recommend us to a "
        "friend? 0 is not at all, 10 is certainly."
    )
    return OutboundMessage(text=text, keyboard=nps_keyboard(survey_hex))


def survey_question_again(survey_hex: str, value: int) -> OutboundMessage:
    """The NPS question asked again after a typed answer off the scale."""
    lead = _("{value} is not on the scale: please press a button or type a number from 0 to 10.").format(value=value)
    question = survey_question(survey_hex)
    return replace(question, text=lead + "\n" + question.text)


def counselor_question(survey_hex: str, name: str | None) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for n in COUNSELOR_SCORES:
        builder.button(text="⭐" * n, callback_data=SurveyButton(survey=survey_hex, step=SurveyStep.COUNSELOR, value=n))
    builder.adjust(5)
    if name:
        text = _("How satisfied are you with your counselor {name}? 1 star is not at all, 5 stars is very.").format(
            name=quote(name)
        )
    else:
        text = _("How satisfied are you with your counselor? 1 star is not at all, 5 stars is very.")
    return text, builder.as_markup()


def press_a_score(low: int, high: int) -> str:
    return _("Please press one of the buttons, from {low} to {high}.").format(low=low, high=high)


def comment_question(survey_hex: str) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=SurveyButton(survey=survey_hex, step=SurveyStep.SKIP))
    text = _(
        "Anything you would like to tell us? Write it in one message (up to {limit} character), or press Skip.",
        "Anything you would like to tell us? Write it in one message (up to {limit} characters), or press Skip.",
        MAX_COMPLAINT_TEXT,
    ).format(limit=MAX_COMPLAINT_TEXT)
    return text, builder.as_markup()


def survey_thanks(opened_case: bool) -> str:
    if opened_case:
        return _("Thank you. We are sorry it was not better: customer service or a manager will follow up with you.")
    return _("Thank you for answering our survey!")


def survey_stale() -> str:
    return _("This survey was answered already.")


def out_of_range() -> str:
    return _("That is not one of the answers.")


@dataclass(frozen=True)
class MonthFigures:
    month: str
    answers: int
    nps: int | None
    counselors: list[tuple[str, Decimal | None, int]]  # name, average score, answers


def figures_block(figures: MonthFigures) -> list[str]:
    lines = [
        _("<b>{month}</b>: {count} answer", "<b>{month}</b>: {count} answers", figures.answers).format(
            month=figures.month, count=figures.answers
        )
    ]
    if figures.nps is not None:
        lines.append(_("Net promoter score: {nps}").format(nps=figures.nps))
    for name, score, count in figures.counselors:
        shown = "—" if score is None else str(score)
        lines.append(
            _("• {name}: {score} of 5 ({count} answer)", "• {name}: {score} of 5 ({count} answers)", count).format(
                name=quote(name), score=shown, count=count
            )
        )
    return lines


def survey_results(this: MonthFigures, before: MonthFigures) -> str:
    lines = [_("📊 <b>Satisfaction survey</b>"), *figures_block(this), "", *figures_block(before)]
    return "\n".join(lines)
