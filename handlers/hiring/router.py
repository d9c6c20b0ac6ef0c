"""/hiring for managers (MANAGE_HIRING): positions, each one's pipeline, a candidate's card and its buttons
(move on, decline, hire, add a note), the position form's role buttons; then a candidate's job link (`applying`).
Whatever `Allowed` turns away is answered by `refuse_the_rest`, naming what is missing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.identity import Channel
from domain.personnel.hiring import HIRABLE_ROLES
from domain.staff import Permission, PermissionDenied, Role
from handlers.answers import say, show_in_place
from handlers.hiring import applying
from handlers.hiring.states import HiringNote as NoteState
from handlers.hiring.states import NoteDraft, PositionDraft, PositionForm
from handlers.services.container import Services
from handlers.services.personnel.hiring import Hired, Moved
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import hiring as views
from handlers.views.hiring import HiringAct, HiringButton, parse_ref, parse_stage
from handlers.views.staff import refusal_text

HIRING = Permission.MANAGE_HIRING
COMMAND_PERMISSIONS: dict[str, Permission | None] = {"hiring": HIRING}
BUTTON_PERMISSIONS: dict[HiringAct, Permission] = {act: HIRING for act in HiringAct}


def webchat_address(services: Services) -> str:
    return f"http://{services.settings.webchat_host}:{services.settings.webchat_port}"


async def bot_username(bot: Bot, services: Services) -> str | None:
    """The bot's username for a Telegram link (the web chat's bot has none)."""
    principal = services.principal
    if principal is None or principal.channel is not Channel.TELEGRAM:
        return None
    return (await bot.me()).username


def hireable_roles(actor: Actor) -> list[Role]:
    return [role for role in HIRABLE_ROLES if role in actor.grantable_roles]


async def show_positions(message: Message, services: Services) -> None:
    summaries = await services.hiring.positions()
    text, markup = views.positions_view([(s.position, s.pipeline) for s in summaries])
    await message.answer(text, reply_markup=markup)


async def list_positions(callback: CallbackQuery, services: Services) -> None:
    summaries = await services.hiring.positions()
    await callback.answer()
    await show_in_place(callback, *views.positions_view([(s.position, s.pipeline) for s in summaries]))


async def open_position(callback: CallbackQuery, callback_data: HiringButton, services: Services, bot: Bot) -> None:
    summary = await services.hiring.position(parse_ref(callback_data.ref))
    if summary is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    username = await bot_username(bot, services)
    await callback.answer()
    await show_in_place(
        callback, *views.position_view(summary.position, summary.pipeline, username, webchat_address(services))
    )


async def close_position(
    callback: CallbackQuery, callback_data: HiringButton, services: Services, actor: Actor, bot: Bot
) -> None:
    summary = await services.hiring.close_position(actor, parse_ref(callback_data.ref))
    if summary is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    username = await bot_username(bot, services)
    await callback.answer()
    await show_in_place(
        callback, *views.position_view(summary.position, summary.pipeline, username, webchat_address(services))
    )


async def show_stage(callback: CallbackQuery, callback_data: HiringButton, services: Services) -> None:
    stage = parse_stage(callback_data.stage)
    position_id = parse_ref(callback_data.ref)
    summary = await services.hiring.position(position_id)
    if summary is None or stage is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    candidates = await services.hiring.candidates(position_id, stage)
    await callback.answer()
    await show_in_place(callback, *views.stage_view(summary.position, stage, candidates))


async def show_candidate(
    callback: CallbackQuery, callback_data: HiringButton, services: Services, actor: Actor
) -> None:
    if not await _redraw(callback, services, actor, callback_data.ref):
        await callback.answer(views.stale(), show_alert=True)
        return
    await callback.answer()


async def _redraw(callback: CallbackQuery, services: Services, actor: Actor, ref: str) -> bool:
    card = await services.hiring.card(actor, parse_ref(ref))
    if card is None:
        return False
    zone = ZoneInfo(services.settings.timezone)
    await show_in_place(callback, *views.candidate_view(card.candidate, card.position, card.timeline, card.names, zone))
    return True


async def advance(callback: CallbackQuery, callback_data: HiringButton, services: Services, actor: Actor) -> None:
    stage = parse_stage(callback_data.stage)
    moved = Moved.STALE if stage is None else await services.hiring.advance(actor, parse_ref(callback_data.ref), stage)
    await _after_move(callback, services, actor, callback_data.ref, moved)


async def decline(callback: CallbackQuery, callback_data: HiringButton, services: Services, actor: Actor) -> None:
    stage = parse_stage(callback_data.stage)
    moved = Moved.STALE if stage is None else await services.hiring.decline(actor, parse_ref(callback_data.ref), stage)
    await _after_move(callback, services, actor, callback_data.ref, moved)


async def _after_move(callback: CallbackQuery, services: Services, actor: Actor, ref: str, moved: Moved) -> None:
    if moved is not Moved.DONE:
        await callback.answer(views.position_full() if moved is Moved.FULL else views.stale(), show_alert=True)
        return
    await callback.answer()
    await _redraw(callback, services, actor, ref)


async def hire(
    callback: CallbackQuery, callback_data: HiringButton, services: Services, actor: Actor, bot: Bot
) -> None:
    try:
        result = await services.hiring.hire(
            actor, parse_ref(callback_data.ref), bot_username=await bot_username(bot, services)
        )
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if not isinstance(result, Hired):
        await callback.answer(views.position_full() if result is Moved.FULL else views.stale(), show_alert=True)
        return
    await callback.answer()
    await _redraw(callback, services, actor, callback_data.ref)
    await say(callback, views.hired_text(result.candidate.name, result.delivered, result.closed))


async def ask_note(
    callback: CallbackQuery, callback_data: HiringButton, state: FSMContext, services: Services, actor: Actor
) -> None:
    if parse_ref(callback_data.ref) is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(NoteState.text)
    await state.set_data(NoteDraft(candidate=callback_data.ref).model_dump())
    await say(callback, views.ask_note())


async def new_position(callback: CallbackQuery, actor: Actor) -> None:
    roles = hireable_roles(actor)
    if not roles:
        await callback.answer(views.no_roles(), show_alert=True)
        return
    await callback.answer()
    await say(callback, *views.role_question(roles))


async def pick_role(callback: CallbackQuery, callback_data: HiringButton, state: FSMContext, actor: Actor) -> None:
    role = next((r for r in hireable_roles(actor) if r.value == callback_data.stage), None)
    if role is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(PositionForm.title)
    await state.set_data(PositionDraft(role=role.value).model_dump())
    await say(callback, views.title_question(role))


def _act(act: HiringAct) -> tuple[CallbackQueryFilter, Allowed]:
    return HiringButton.filter(F.act == act), Allowed(BUTTON_PERMISSIONS[act])


def create_router() -> Router:
    router = Router(name="hiring")
    router.include_router(applying.create_router())
    managing = Router(name="hiring.managing")
    managing.message.register(show_positions, Command("hiring"), Allowed(HIRING))
    handlers: dict[HiringAct, Callable[..., Awaitable[None]]] = {
        HiringAct.LIST: list_positions,
        HiringAct.POSITION: open_position,
        HiringAct.NEW: new_position,
        HiringAct.ROLE: pick_role,
        HiringAct.CLOSE: close_position,
        HiringAct.STAGE: show_stage,
        HiringAct.CANDIDATE: show_candidate,
        HiringAct.ADVANCE: advance,
        HiringAct.DECLINE: decline,
        HiringAct.HIRE: hire,
        HiringAct.NOTE: ask_note,
    }
    for act, handler in handlers.items():
        managing.callback_query.register(handler, *_act(act))
    refuse_the_rest(
        managing,
        commands=COMMAND_PERMISSIONS,
        buttons=[(HiringButton, lambda data: BUTTON_PERMISSIONS[data.act])],
    )
    router.include_router(managing)
    return router
