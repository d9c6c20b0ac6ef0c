"""A client asks for a counselor: /human and the menu button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.handoff import HandoffReason, HandoffState
from domain.identity import Principal
from handlers.handoff.relay_state import Relay, enter_relay
from handlers.services.handoff.requests import open_handoff, timing
from handlers.services.settings import Settings
from handlers.services.staff_access import staff_role
from handlers.views.handoff import messages
from handlers.views.keyboards import MenuAction, MenuButton
from storage.unit_of_work import UnitOfWork

router = Router(name="handoff.asking")


# --- A client asks for a human --------------------------------------------------------------------------


async def ask_for_human(
    reply: Callable[[str], Awaitable[object]],
    principal: Principal | None,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    now: datetime,
) -> None:
    if principal is None or principal.account_id is None:
        await reply(_("Please send /start first: a counselor can help you once you have agreed to our privacy notice."))
        return
    if staff_role(principal) is not None:
        await reply(_("This is for clients. To serve clients who asked for a counselor, send /queue."))
        return
    active = await uow.handoffs.active_for_client(principal.account_id)
    if active is not None and active.state is HandoffState.CLAIMED and active.counselor_id is not None:
        await enter_relay(state, uow, principal.account_id, Relay.chatting, active.id)
        member = await uow.staff.get(active.counselor_id)
        await reply(
            _("You are talking with {name} already. Write your message and they will answer here.").format(
                name=messages.staff_name(member.display_name if member else None)
            )
        )
        return
    if active is not None:
        await reply(_("You have asked for a counselor already. Someone will write to you here soon."))
        return
    await open_handoff(
        uow, client_id=principal.account_id, reason=HandoffReason.ASKED, now=now, settings=settings, i18n=i18n
    )
    await reply(
        _(
            "I have asked a counselor to join you. They will write to you here, usually within {minutes} minutes. "
            "Send /end if you no longer need them."
        ).format(minutes=timing(settings).escalation_minutes)
    )


@router.message(Command("human"))
async def human(
    message: Message,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    principal: Principal | None = None,
) -> None:
    await ask_for_human(message.answer, principal, uow, state, settings, i18n, clock.now())


@router.callback_query(MenuButton.filter(F.action == MenuAction.HUMAN))
async def human_button(
    callback: CallbackQuery,
    bot: Bot,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    principal: Principal | None = None,
) -> None:
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message is not None else callback.from_user.id

    async def reply(text: str) -> object:
        return await bot.send_message(chat_id, text)

    await ask_for_human(reply, principal, uow, state, settings, i18n, clock.now())
