"""Training screens (docs/training.md): a member's modules and where they stand, a module's text, a quiz one
question at a time with its answers as buttons, the score, and for managers who is due per module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.languages import format_day
from domain.personnel.training import (
    Answered,
    MemberStanding,
    Module,
    ModuleTeam,
    Overview,
    QuizStep,
    Result,
    Standing,
    Status,
    percent,
)
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import current_locale, quote, quote_clipped

MAX_NAMED = 15  # members named per list in the managers' view; the rest are counted
NAME_BUDGET = 32


class TrainingAction(StrEnum):
    LIST = "list"  # the member's own modules
    OPEN = "open"  # a module's text
    START = "start"  # take its quiz
    TEAM = "team"  # managers: who is due


class TrainingButton(CallbackData, prefix="tr"):
    action: TrainingAction
    module: str = ""


class QuizAnswer(CallbackData, prefix="tq"):
    """One answer to one question of one attempt (checked against the presser's own attempt, never trusted)."""

    attempt: UUID
    question: int
    choice: int


def title(module: Module) -> str:
    return quote(module.title.text(current_locale()))


def day(value: date) -> str:
    return format_day(value, current_locale())


def status_line(standing: Standing) -> str:
    module = standing.module
    name = title(module)
    match standing.status:
        case Status.PASSED:
            return "✅ " + labelled(name, _("passed"))
        case Status.DUE if standing.due_by is not None:
            if standing.retake:
                state = _("version {version} to re-take by {day}").format(
                    version=module.version, day=day(standing.due_by)
                )
            else:
                state = _("to take by {day}").format(day=day(standing.due_by))
            return "🕒 " + labelled(name, state)
        case Status.OVERDUE if standing.due_by is not None:
            state = _("was due by {day}: client records are closed until you pass it").format(day=day(standing.due_by))
            return "⛔ " + labelled(name, state)
        case _:
            return "📘 " + labelled(name, _("not taken yet"))


def overview_view(overview: Overview, *, may_see_team: bool) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("<b>Your training</b>")]
    if overview.exempt:
        lines.append(_("As the owner you need no training; the modules and quizzes are here to read and try."))
    elif not overview.cleared:
        lines.append(_("Client records open once every required module is passed."))
    lines.append("")
    lines += [status_line(standing) for standing in overview.standings]
    lines += ["", _("Open a module to read it and take its quiz.")]
    builder = InlineKeyboardBuilder()
    for standing in overview.standings:
        builder.button(
            text=standing.module.title.text(current_locale()),
            callback_data=TrainingButton(action=TrainingAction.OPEN, module=standing.module.code),
        )
    if may_see_team:
        builder.button(text=_("Who is due"), callback_data=TrainingButton(action=TrainingAction.TEAM))
    return "\n".join(lines), builder.as_markup()


def document(module: Module) -> str:
    """The module's text, escaped; its `# ` lines become bold headings."""
    lines = []
    for line in module.text.text(current_locale()).splitlines():
        lines.append(f"<b>{quote(line[2:].strip())}</b>" if line.startswith("# ") else quote(line))
    return "\n".join(lines)


def module_view(standing: Standing) -> tuple[str, InlineKeyboardMarkup]:
    module = standing.module
    parts = [with_aside(f"<b>{title(module)}</b>", _("version {version}").format(version=module.version))]
    if standing.retake and module.changes is not None:
        parts.append(
            _("<b>What changed in version {version}:</b> {changes}").format(
                version=module.version, changes=quote(module.changes.text(current_locale()))
            )
        )
    parts.append(document(module))
    parts.append(
        _(
            "The quiz: {count} question; the pass mark is {needed} right.",
            "The quiz: {count} questions; the pass mark is {needed} right.",
            len(module.questions),
        ).format(count=len(module.questions), needed=module.needed())
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Take the quiz"), callback_data=TrainingButton(action=TrainingAction.START, module=module.code)
    )
    builder.button(text=_("« My training"), callback_data=TrainingButton(action=TrainingAction.LIST))
    return "\n\n".join(parts), builder.as_markup()


def feedback(answered: Answered) -> str:
    """What the member learns of the answer just given: right, or the right answer and the passage to re-read."""
    locale = current_locale()
    question = answered.question
    if answered.right:
        return _("✅ Right.")
    right = quote(question.answers[question.correct].text(locale))
    return (
        _("❌ Not quite. The right answer: {answer}").format(answer=right)
        + "\n"
        + _("Re-read: <i>{passage}</i>").format(passage=quote(question.passage.text(locale)))
    )


def question_view(step: QuizStep, *, before: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """The question the attempt is on, its answers as buttons; `before`: the feedback on the previous answer."""
    question = step.question
    assert question is not None
    locale = current_locale()
    header = _("<b>{module}</b>: question {number} of {count}").format(
        module=title(step.module), number=step.index + 1, count=len(step.module.questions)
    )
    text = header + "\n\n" + quote(question.prompt.text(locale))
    if before:
        text = before + "\n\n" + text
    builder = InlineKeyboardBuilder()
    for choice, answer in enumerate(question.answers):
        builder.button(
            text=answer.text(locale),
            callback_data=QuizAnswer(attempt=step.attempt_id, question=step.index, choice=choice),
        )
    return text, builder.as_markup()


def result_view(result: Result, *, before: str) -> tuple[str, InlineKeyboardMarkup]:
    module = result.module
    total = len(module.questions)
    score = _(
        "You answered {correct} of {total} question right ({percent}%); the pass mark is {needed}.",
        "You answered {correct} of {total} questions right ({percent}%); the pass mark is {needed}.",
        total,
    ).format(correct=result.correct, total=total, percent=percent(result.correct, total), needed=module.needed())
    lines = [before, "", f"<b>{title(module)}</b>", score]
    builder = InlineKeyboardBuilder()
    if result.passed:
        lines.append(_("🎉 Passed."))
        if result.cleared_now:
            lines.append(_("Your required training is complete: client records are open to you now."))
    else:
        lines.append(_("Not passed yet. Re-read the module and try again."))
        builder.button(
            text=_("Try again"), callback_data=TrainingButton(action=TrainingAction.START, module=module.code)
        )
        builder.button(
            text=_("Read the module"), callback_data=TrainingButton(action=TrainingAction.OPEN, module=module.code)
        )
    builder.button(text=_("« My training"), callback_data=TrainingButton(action=TrainingAction.LIST))
    return "\n".join(lines), builder.as_markup()


def _names(found: Sequence[MemberStanding]) -> str:
    """The members' names, each with the day they are due by (or that they have not taken it yet)."""
    names = []
    for entry in found[:MAX_NAMED]:
        name = quote_clipped(entry.name or "", NAME_BUDGET) or _("(no name)")
        standing = entry.standing
        if standing.status is Status.NEW:
            names.append(with_aside(name, _("not taken yet")))
        elif standing.due_by is not None:
            names.append(with_aside(name, day(standing.due_by)))
        else:
            names.append(name)
    rest = len(found) - MAX_NAMED
    if rest > 0:
        names.append(_("…and {count} more.").format(count=rest))
    return listed(names)


def team_view(teams: Sequence[ModuleTeam]) -> tuple[str, InlineKeyboardMarkup]:
    """Per module: how many passed, who is due (and by when), who is overdue or has not taken it."""
    blocks = [_("<b>Training: who is due</b>")]
    for team in teams:
        module = team.module
        lines = [
            with_aside(f"<b>{title(module)}</b>", _("version {version}").format(version=module.version)),
            labelled(_("Passed"), team.passed),
        ]
        if team.due:
            lines.append(labelled(_("Due"), _names(team.due)))
        if team.overdue:
            lines.append(labelled(_("Overdue, client records closed"), _names(team.overdue)))
        blocks.append("\n".join(lines))
    builder = InlineKeyboardBuilder()
    builder.button(text=_("« My training"), callback_data=TrainingButton(action=TrainingAction.LIST))
    return "\n\n".join(blocks), builder.as_markup()


def version_notice(standing: Standing) -> OutboundMessage:
    """A member is asked to re-read a module that changed (or to read one that was added), by its day."""
    module = standing.module
    due_by = day(standing.due_by) if standing.due_by is not None else ""
    if standing.retake:
        lines = [
            _("📘 <b>Training</b>: “{module}” has a new version ({version}).").format(
                module=title(module), version=module.version
            )
        ]
        if module.changes is not None:
            lines.append(labelled(_("What changed"), quote(module.changes.text(current_locale()))))
    else:
        lines = [_("📘 <b>Training</b>: a new module, “{module}”.").format(module=title(module))]
    lines.append(
        _("Please read it and pass its quiz by {day}; client records stay open to you until then.").format(day=due_by)
    )
    button = InlineButton(
        text=_("Open my training"), callback_data=TrainingButton(action=TrainingAction.OPEN, module=module.code).pack()
    )
    return OutboundMessage(text="\n".join(lines), keyboard=((button,),))
