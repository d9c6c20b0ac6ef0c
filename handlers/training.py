"""/training (docs/training.md): a staff member's modules, each module's text and its quiz (one question at a
time, answers as buttons, the score at the end), and for managers who is due per module.

Every button is answered once. A quiz answer counts only for the presser's own attempt, at the question it is
on, while the module's version is unchanged (`services.training.answer`); anything else is told so.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.staff import Permission, allows
from handlers.answers import show_in_place
from handlers.services.container import Services
from handlers.services.personnel.training import Refused
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.training import (
    QuizAnswer,
    TrainingAction,
    TrainingButton,
    feedback,
    module_view,
    overview_view,
    question_view,
    result_view,
    team_view,
)

COMMAND_PERMISSIONS: dict[str, Permission | None] = {"training": None}  # None: any active staff member
ACTION_PERMISSIONS: dict[TrainingAction, Permission | None] = {
    TrainingAction.LIST: None,
    TrainingAction.OPEN: None,
    TrainingAction.START: None,
    TrainingAction.TEAM: Permission.VIEW_STAFF,
}
ANSWER_PERMISSION: Permission | None = None


def refused_text(reason: Refused) -> str:
    match reason:
        case Refused.UNKNOWN_MODULE:
            return _("This module is no longer part of the training.")
        case Refused.NO_ACCOUNT:
            return _("A quiz keeps its score on your staff record: choose your name with /myname first.")
        case Refused.CHANGED:
            return _("This module has a new version since you began: open it again from /training.")
        case _:
            return _("This question has been answered already.")


async def show_training(message: Message, services: Services, actor: Actor) -> None:
    found = await services.training.overview(actor)
    text, markup = overview_view(found, may_see_team=allows(actor.role, Permission.VIEW_STAFF))
    await message.answer(text, reply_markup=markup)


async def list_modules(callback: CallbackQuery, services: Services, actor: Actor) -> None:
    await callback.answer()
    found = await services.training.overview(actor)
    text, markup = overview_view(found, may_see_team=allows(actor.role, Permission.VIEW_STAFF))
    await show_in_place(callback, text, markup)


async def open_module(callback: CallbackQuery, callback_data: TrainingButton, services: Services, actor: Actor) -> None:
    standing = await services.training.module(actor, callback_data.module)
    if standing is None:
        await callback.answer(refused_text(Refused.UNKNOWN_MODULE), show_alert=True)
        return
    await callback.answer()
    text, markup = module_view(standing)
    await show_in_place(callback, text, markup)


async def start_quiz(callback: CallbackQuery, callback_data: TrainingButton, services: Services, actor: Actor) -> None:
    step = await services.training.start(actor, callback_data.module)
    if isinstance(step, Refused):
        await callback.answer(refused_text(step), show_alert=True)
        return
    await callback.answer()
    text, markup = question_view(step)
    await show_in_place(callback, text, markup)


async def answer_question(callback: CallbackQuery, callback_data: QuizAnswer, services: Services, actor: Actor) -> None:
    answered = await services.training.answer(
        actor, callback_data.attempt, callback_data.question, callback_data.choice
    )
    if isinstance(answered, Refused):
        await callback.answer(refused_text(answered), show_alert=answered is Refused.CHANGED)
        return
    await callback.answer(_("Right!") if answered.right else _("Not quite."))
    said = feedback(answered)
    if answered.result is not None:
        text, markup = result_view(answered.result, before=said)
    else:
        text, markup = question_view(answered.next, before=said)
    await show_in_place(callback, text, markup)


async def show_team(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    text, markup = team_view(await services.training.team())
    await show_in_place(callback, text, markup)


def _button(action: TrainingAction) -> tuple[CallbackQueryFilter, Allowed]:
    return TrainingButton.filter(F.action == action), Allowed(ACTION_PERMISSIONS[action])


def create_router() -> Router:
    router = Router(name="training")
    router.message.register(show_training, Command("training"), Allowed(COMMAND_PERMISSIONS["training"]))
    router.callback_query.register(list_modules, *_button(TrainingAction.LIST))
    router.callback_query.register(open_module, *_button(TrainingAction.OPEN))
    router.callback_query.register(start_quiz, *_button(TrainingAction.START))
    router.callback_query.register(show_team, *_button(TrainingAction.TEAM))
    router.callback_query.register(answer_question, QuizAnswer.filter(), Allowed(ANSWER_PERMISSION))
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[
            (TrainingButton, lambda data: ACTION_PERMISSIONS[data.action]),
            (QuizAnswer, lambda _data: ANSWER_PERMISSION),
        ],
    )
    return router
