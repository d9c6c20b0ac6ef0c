"""Proposing a date: the entry buttons (a client's, a counselor's for their client), then the picker, one
handler per button (`DraftAct`): the calendar, a day's times, the times chosen, the venue, the reason's Skip.

Every picker handler takes the conversation's draft from `ActiveDraft`; a button of an earlier draft, or one
pressed in a state where it means nothing, gets the answers at the end of `create_router`.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.dates import VENUE_LIMIT, SlotProblem
from domain.staff import Permission
from handlers.answers import show_in_place
from handlers.dates.flow import DRAFTING, PICKING, ActiveDraft, DateFlow
from handlers.dates.replies import clear_buttons, refusal_text, show_picking, show_reasoned, show_sent, stale_button
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.services.dates.draft import DateDraft
from handlers.services.dates.keeper import Refusal, Refused
from handlers.services.dates.planner import Chosen, Picking, Sent
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.dates import picker
from handlers.views.dates.buttons import CounselorDate, DraftAct, DraftButton, ProposeDate, parse_id


# --- starting a proposal -------------------------------------------------------------------------------------
async def propose_date(
    callback: CallbackQuery, callback_data: ProposeDate, conversation: Conversation, services: Services
) -> None:
    me = conversation.account_id
    introduction = parse_id(callback_data.introduction)
    opened = None if me is None else await services.date_planner.open_new(me, introduction)
    await _open(callback, conversation, opened)


async def counselor_proposes(
    callback: CallbackQuery, callback_data: CounselorDate, actor: Actor, conversation: Conversation, services: Services
) -> None:
    """A counselor proposes a date for one of a connected pair: the same picker, in the counselor's chat; the
    proposal goes out in the client's name and the client is told."""
    introduction = parse_id(callback_data.introduction)
    opened = await services.date_planner.open_for_client(actor, introduction, callback_data.side)
    if opened is Refusal.NOT_ASSIGNED:
        await callback.answer(refusal_text(opened, ""), show_alert=True)
        return
    await _open(callback, conversation, opened)


async def _open(callback: CallbackQuery, conversation: Conversation, opened: Picking | Refused | None) -> None:
    if opened is None:
        await callback.answer(stale_button())
        return
    await callback.answer()
    if isinstance(opened, Refused):
        await conversation.send(refusal_text(opened.refusal, opened.name))
        return
    await show_picking(conversation, opened)


# --- the picker: in any of its states ------------------------------------------------------------------------
async def blank_cell(callback: CallbackQuery) -> None:
    await callback.answer()


async def quit_draft(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    await conversation.clear_state()
    await show_in_place(callback, _("All right, nothing was sent."), None)


async def skip_reason(
    callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services
) -> None:
    await callback.answer()
    await clear_buttons(callback)
    await show_reasoned(conversation, await services.date_planner.give_reason(draft, None))


# --- the calendar and the times ----------------------------------------------------------------------------------
async def show_month(
    callback: CallbackQuery,
    callback_data: DraftButton,
    draft: DateDraft,
    conversation: Conversation,
    services: Services,
) -> None:
    await _show_calendar(
        callback, conversation, draft, await services.date_planner.calendar_at(draft, callback_data.value)
    )


async def back_to_calendar(
    callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services
) -> None:
    await _show_calendar(callback, conversation, draft, await services.date_planner.calendar_at(draft))


async def another_time(
    callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services
) -> None:
    page = await services.date_planner.more_times(draft)
    if isinstance(page, SlotProblem):
        await callback.answer(picker.slot_problem_text(page), show_alert=True)
        return
    await _show_calendar(callback, conversation, draft, page)


async def _show_calendar(
    callback: CallbackQuery, conversation: Conversation, draft: DateDraft, page: picker.CalendarPage
) -> None:
    await callback.answer()
    await conversation.set_state(DateFlow.slots)
    await show_in_place(callback, *picker.calendar_page(draft.flow, page))


async def pick_day(callback: CallbackQuery, callback_data: DraftButton, draft: DateDraft, services: Services) -> None:
    page = await services.date_planner.day(draft, callback_data.value)
    if page is None:
        await callback.answer(stale_button())
        return
    if isinstance(page, SlotProblem):
        await callback.answer(picker.slot_problem_text(page))
        return
    await callback.answer()
    await show_in_place(callback, *picker.times_page(draft.flow, page))


async def pick_time(
    callback: CallbackQuery,
    callback_data: DraftButton,
    draft: DateDraft,
    conversation: Conversation,
    services: Services,
) -> None:
    chosen = await services.date_planner.add_time(draft, callback_data.value)
    if chosen is None:
        await callback.answer(stale_button())
        return
    if isinstance(chosen, SlotProblem):
        await callback.answer(picker.slot_problem_text(chosen), show_alert=True)
        return
    await _show_chosen(callback, conversation, chosen)


async def drop_last_time(
    callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services
) -> None:
    await _show_chosen(callback, conversation, await services.date_planner.drop_last_time(draft))


async def _show_chosen(callback: CallbackQuery, conversation: Conversation, chosen: Chosen) -> None:
    await callback.answer()
    await chosen.draft.save(conversation)
    await show_in_place(callback, *picker.chosen_page(chosen.draft.flow, chosen.page))


# --- the venue ---------------------------------------------------------------------------------------------------
async def to_venue(callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services) -> None:
    if not draft.slots:
        await callback.answer(_("Please choose at least one time first."))
        return
    await callback.answer()
    page = await services.date_planner.venues(draft)
    await conversation.set_state(DateFlow.venue)
    await show_in_place(callback, *picker.venues_page(draft.flow, page))


async def pick_place(
    callback: CallbackQuery,
    callback_data: DraftButton,
    draft: DateDraft,
    conversation: Conversation,
    services: Services,
) -> None:
    await _sent(callback, conversation, await services.date_planner.send_at_place(draft, callback_data.value))


async def keep_place(callback: CallbackQuery, draft: DateDraft, conversation: Conversation, services: Services) -> None:
    await _sent(callback, conversation, await services.date_planner.send_at_same_place(draft))


async def _sent(callback: CallbackQuery, conversation: Conversation, outcome: Sent | Picking | Refused | None) -> None:
    if outcome is None:
        await callback.answer(stale_button())
        return
    await callback.answer()
    await clear_buttons(callback)
    await show_sent(conversation, outcome)


async def venue_typed(message: Message, conversation: Conversation, services: Services) -> None:
    text = " ".join((message.text or "").split())
    draft = await DateDraft.load(conversation)
    if draft is None:
        await conversation.clear_state()
        await conversation.show_menu()
        return
    if text.startswith("/"):
        await conversation.send(_("I don't know that command.") + " " + picker.ask_venue_again())
        return
    if len(text) > VENUE_LIMIT:
        await conversation.send(
            _(
                "That is {length} character; please keep the venue under {limit}.",
                "That is {length} characters; please keep the venue under {limit}.",
                len(text),
            ).format(length=len(text), limit=VENUE_LIMIT)
        )
        return
    if not text:
        await conversation.send(picker.ask_venue_again())
        return
    await show_sent(conversation, await services.date_planner.send_at_typed_place(draft, text))


async def venue_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(picker.ask_venue_again())


async def slots_fallback(message: Message, conversation: Conversation) -> None:
    await conversation.send(_("Please pick the day and time with the buttons above, or send /cancel."))


# --- buttons of no use here ------------------------------------------------------------------------------------
async def stale_draft_button(callback: CallbackQuery) -> None:
    """A button of the current draft that means nothing in its state (a time while the reason is asked)."""
    await callback.answer(stale_button())


async def inactive_calendar(callback: CallbackQuery) -> None:
    """A button of an earlier draft, or of one already sent or abandoned."""
    await callback.answer(_("This calendar is no longer active. Start again from /dates."))


def create_router() -> Router:
    router = Router(name="dates.proposing")
    on_button = router.callback_query.register
    on_button(propose_date, ProposeDate.filter())
    on_button(counselor_proposes, CounselorDate.filter(), Allowed(Permission.SERVE_CLIENTS))
    refuse_the_rest(router, buttons=[(CounselorDate, lambda _data: Permission.SERVE_CLIENTS)])

    drafting, picking, venue = StateFilter(*DRAFTING), StateFilter(*PICKING), StateFilter(DateFlow.venue)
    live = ActiveDraft()
    on_button(blank_cell, _pressed(DraftAct.NOOP), drafting, live)
    on_button(quit_draft, _pressed(DraftAct.QUIT), drafting, live)
    on_button(skip_reason, _pressed(DraftAct.SKIP), StateFilter(DateFlow.reason), live)
    on_button(show_month, _pressed(DraftAct.MONTH), picking, live)
    on_button(back_to_calendar, _pressed(DraftAct.CALENDAR), picking, live)
    on_button(another_time, _pressed(DraftAct.MORE), picking, live)
    on_button(pick_day, _pressed(DraftAct.DAY), picking, live)
    on_button(pick_time, _pressed(DraftAct.TIME), picking, live)
    on_button(drop_last_time, _pressed(DraftAct.UNDO), picking, live)
    on_button(to_venue, _pressed(DraftAct.VENUE), picking, live)
    on_button(pick_place, _pressed(DraftAct.PLACE), venue, live)
    on_button(keep_place, _pressed(DraftAct.KEEP), venue, live)
    on_button(stale_draft_button, DraftButton.filter(), drafting, live)
    on_button(inactive_calendar, DraftButton.filter())

    router.message.register(venue_typed, DateFlow.venue, F.text)
    router.message.register(venue_fallback, DateFlow.venue)
    router.message.register(slots_fallback, DateFlow.slots)
    return router


def _pressed(act: DraftAct) -> CallbackQueryFilter:
    return DraftButton.filter(F.act == act)
