"""The last router: anything no other handler took gets a polite answer, never silence.

A client whose messages the bot did not understand three times in a row is handed to a counselor
(`services.misunderstandings`: each within ten minutes of the previous one, in the same conversation state; a
longer gap or any change of state starts again). The count lives in the client's conversation-state data (a
number, a time and a state name: no personal data), which the principal query has already read, so counting
costs one write and no read. Visitors without an account and staff are not counted.
"""

from __future__ import annotations

from uuid import UUID

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.handoff import MISUNDERSTOOD_KEY, Misunderstandings
from domain.identity import Principal
from handlers import quality
from handlers.services.container import Services
from handlers.services.staff_access import staff_role
from handlers.views.handoff import messages


def counted_client(principal: Principal | None) -> UUID | None:
    """The account whose misunderstandings are counted: a client's (not a visitor's, not a staff member's)."""
    if principal is None or principal.account_id is None or staff_role(principal) is not None:
        return None
    return principal.account_id


async def not_understood(
    message: Message, services: Services, state: FSMContext | None = None, raw_state: str | None = None
) -> None:
    if message.text is not None and message.text.startswith("/"):
        text = _("I don't know that command. Send /help to see what I can do.")
    else:
        text = _("Sorry, I didn't understand that. Send /help to see what I can do.")
    client_id = counted_client(services.principal)
    if client_id is not None and state is not None:
        data = await state.get_data()
        previous = Misunderstandings.from_json(data.get(MISUNDERSTOOD_KEY))
        counted = await services.misunderstandings.note(client_id, previous, state=raw_state)
        if counted is None:
            data.pop(MISUNDERSTOOD_KEY, None)
            await state.set_data(data)
            desk, now = services.handoffs, services.handoffs.now()
            text = (
                _("Sorry, I keep misunderstanding you.")
                + " "
                + messages.request_opened(desk.timing.escalation_minutes, desk.hours.answer_from(now), now, desk.hours)
            )
        else:
            await state.update_data({MISUNDERSTOOD_KEY: counted.to_json()})
    await message.answer(text)


async def stale_button(callback: CallbackQuery) -> None:
    await callback.answer(_("This button is no longer active."), show_alert=False)


def create_router() -> Router:
    router = Router(name="fallback")
    quality.register_survey_fallback(router)  # a survey's NPS typed in words or digits
    router.message.register(not_understood)
    router.callback_query.register(stale_button)
    return router
