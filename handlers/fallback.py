"""The last router: anything no other handler took gets a polite answer, never silence.

A client whose messages the bot did not understand three times in a row is handed to a counselor
(`domain.handoff.count_misunderstanding`: each within ten minutes of the previous one, in the same
conversation state; a longer gap or any change of state starts again). The count lives in the client's
conversation-state data (a number, a time and a state name: no personal data), which the principal query
has already read, so counting costs one write and no read. Visitors without an account and staff are not
counted.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.handoff import (
    MISUNDERSTOOD_KEY,
    HandoffReason,
    Misunderstandings,
    count_misunderstanding,
    should_hand_off,
)
from domain.identity import Principal
from handlers.services.handoff.requests import open_handoff
from handlers.services.settings import Settings
from handlers.services.staff_access import staff_role
from storage.unit_of_work import UnitOfWork

router = Router(name="fallback")


@router.message()
async def not_understood(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    principal: Principal | None = None,
    state: FSMContext | None = None,
    raw_state: str | None = None,
) -> None:
    if message.text is not None and message.text.startswith("/"):
        text = _("I don't know that command. Send /help to see what I can do.")
    else:
        text = _("Sorry, I didn't understand that. Send /help to see what I can do.")
    if (
        principal is not None
        and principal.account_id is not None
        and state is not None
        and staff_role(principal) is None
    ):
        data = await state.get_data()
        counted = count_misunderstanding(
            Misunderstandings.from_json(data.get(MISUNDERSTOOD_KEY)), now=clock.now(), state=raw_state
        )
        if should_hand_off(counted):
            data.pop(MISUNDERSTOOD_KEY, None)
            await state.set_data(data)
            await open_handoff(
                uow,
                client_id=principal.account_id,
                reason=HandoffReason.NOT_UNDERSTOOD,
                now=clock.now(),
                settings=settings,
                i18n=i18n,
            )
            text = _(
                "Sorry, I keep misunderstanding you. I have asked a counselor to help: they will write to you here "
                "soon. Send /end if you no longer need them."
            )
        else:
            await state.update_data({MISUNDERSTOOD_KEY: counted.to_json()})
    await message.answer(text)


@router.callback_query()
async def stale_button(callback: CallbackQuery) -> None:
    await callback.answer(_("This button is no longer active."), show_alert=False)
