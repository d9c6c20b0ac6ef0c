"""/ranking: how the client's suggestions are ranked, and the buttons to change it."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.matching.fit import Importance, importance_of
from domain.matching.learning import RankingChoices
from domain.matching.model import MatchPreferences
from handlers.views.texts import criterion_label

# Pressing a criterion's button moves it to the next level, round and round.
NEXT_LEVEL = {
    Importance.NICE: Importance.IMPORTANT,
    Importance.IMPORTANT: Importance.IGNORE,
    Importance.IGNORE: Importance.NICE,
}


class RankingAct(StrEnum):
    LEARNING = "learn"  # value: "on" or "off"
    CRITERION = "crit"  # value: the criterion code


class RankingButton(CallbackData, prefix="rank"):
    act: RankingAct
    value: str


def importance_label(level: Importance) -> str:
    return {
        Importance.MUST: _("must"),
        Importance.IMPORTANT: _("important"),
        Importance.NICE: _("nice to have"),
        Importance.IGNORE: _("does not matter"),
    }[level]


def ranking_text(choices: RankingChoices, wishes: MatchPreferences) -> str:
    if choices.behaviour:
        learning = _(
            "<b>Learning from answers: on.</b> Besides your wishes, I rank people by what you and they have "
            "answered before (Interested or Pass, introductions accepted or declined): who is likely to say "
            "yes to you, and whom you are likely to say yes to. Only counts are kept; they are in /mydata and "
            "are deleted with your account."
        )
    else:
        learning = _(
            "<b>Learning from answers: off.</b> Only the wishes you stated rank your suggestions, and nothing "
            "is learned from your answers."
        )
    lines = [_("<b>How your suggestions are ranked</b>"), "", learning]
    stated = wishes.stated
    if stated:
        lines += ["", _("How much each of your wishes matters (tap one to change it; must-haves in /preferences):")]
        for criterion in stated:
            level = importance_of(wishes, choices.importance, criterion)
            lines.append(
                _("{criterion}: {level}").format(
                    criterion=criterion_label(criterion.value), level=importance_label(level)
                )
            )
    return "\n".join(lines)


def ranking_keyboard(choices: RankingChoices, wishes: MatchPreferences) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for criterion in wishes.stated:
        level = importance_of(wishes, choices.importance, criterion)
        if level is Importance.MUST:
            continue
        text = _("{criterion}: {level}").format(
            criterion=criterion_label(criterion.value), level=importance_label(level)
        )
        data = RankingButton(act=RankingAct.CRITERION, value=criterion.value).pack()
        rows.append([InlineKeyboardButton(text=text, callback_data=data)])
    if choices.behaviour:
        switch = InlineKeyboardButton(
            text=_("Stop learning from answers"),
            callback_data=RankingButton(act=RankingAct.LEARNING, value="off").pack(),
        )
    else:
        switch = InlineKeyboardButton(
            text=_("Learn from answers"),
            callback_data=RankingButton(act=RankingAct.LEARNING, value="on").pack(),
        )
    rows.append([switch])
    return InlineKeyboardMarkup(inline_keyboard=rows)
