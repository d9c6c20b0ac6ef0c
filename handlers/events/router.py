"""/events and /newevent: staff who recommend (counselors, managers, owners) publish events and see their
rooms; a client sees the events that fit them and signs up or gives up their place with the card's button."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.dates import zone_for
from domain.events import PickProblem, SignupProblem, SignupState
from domain.staff import Permission
from handlers.events import paying
from handlers.events.states import EditDraft, EventForm
from handlers.journey import Conversation
from handlers.membership.buying import channel_of
from handlers.services.container import Services
from handlers.services.events import Seat
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import event_changes as change_views
from handlers.views import event_payments as pay_views
from handlers.views import events as views
from handlers.views.event_payments import SeatPayAction, SeatPayButton
from handlers.views.events import EventAct, EventButton, EventPick, EventRate

EVENTS_PERMISSION = Permission.RECOMMEND
# The organiser's commands (the staff /help lists them).
COMMAND_PERMISSIONS: dict[str, Permission | None] = {
    "events": EVENTS_PERMISSION,
    "newevent": EVENTS_PERMISSION,
    "checkin": EVENTS_PERMISSION,
    "cancelevent": EVENTS_PERMISSION,
    "editevent": EVENTS_PERMISSION,
}


def is_staff(services: Services) -> bool:
    principal = services.principal
    return principal is not None and (principal.is_admin or bool(principal.roles))


async def not_staff(message: Message, services: Services) -> bool:
    return not is_staff(services)


# --- the organiser ---------------------------------------------------------------------------------------------
async def show_rooms(message: Message, services: Services) -> None:
    summaries = await services.events.rooms()
    zone = zone_for(None, services.settings.timezone)
    await message.answer(views.rooms([(s.event, s.figures) for s in summaries], zone, services.clock.now()))


async def new_event(message: Message, state: FSMContext) -> None:
    await state.set_state(EventForm.form)
    await message.answer(views.form_request())


async def edit_event(message: Message, command: CommandObject, state: FSMContext, services: Services) -> None:
    if not command.args:
        await message.answer(change_views.edit_usage())
        return
    found = await services.event_edits.form_for(command.args.strip())
    if found is None:
        await message.answer(change_views.no_event())
        return
    await state.set_state(EventForm.edit)
    await state.set_data(EditDraft(event=found.event.id.hex).model_dump())
    await message.answer(change_views.edit_request(found.form))


# --- the client ------------------------------------------------------------------------------------------------
async def list_events(message: Message, conversation: Conversation, services: Services) -> None:
    me = await conversation.registered_account()
    if me is None:
        return
    listing = await services.events.for_client(me)
    if not listing.events:
        await conversation.send(views.no_events())
        return
    await conversation.send(views.events_heading())
    for entry in listing.events:
        await conversation.send(*views.event_card(entry.event, entry.signup, entry.price, listing.zone))


async def sign_up(
    callback: CallbackQuery, callback_data: EventButton, services: Services, conversation: Conversation, bot: Bot
) -> None:
    event_id = views.event_id(callback_data)
    client = None if services.principal is None else services.principal.account_id
    if event_id is None or client is None:
        await callback.answer(views.signup_refused(SignupProblem.CANCELLED), show_alert=True)
        return
    provider = services.membership.provider(channel_of(services))
    outcome = await services.events.sign_up(client, event_id, provider)
    signup, event, zone = outcome.signup, outcome.event, outcome.zone
    if outcome.problem is not None or event is None or signup is None or zone is None:
        problem = outcome.problem or SignupProblem.CANCELLED
        await callback.answer(views.signup_refused(problem), show_alert=True)
        return
    await callback.answer()
    if signup.state is SignupState.HELD and signup.hold_until is not None:
        price = event.spec.price_for(signup.tier)
        assert price is not None  # held: the client pays for the event
        await conversation.send(pay_views.held(event, signup.hold_until, price, event.currency, zone))
        await paying.open_and_send(conversation, services, bot, event.id)
        return
    if callback.message is not None:
        await callback.message.answer(views.signed_up(event, signup, outcome.waiting_ahead, zone))


async def cancel_place(callback: CallbackQuery, callback_data: EventButton, services: Services) -> None:
    event_id = views.event_id(callback_data)
    client = None if services.principal is None else services.principal.account_id
    outcome = None if event_id is None or client is None else await services.events.cancel(client, event_id)
    if outcome is None or outcome.event is None or outcome.signup is None:
        await callback.answer(views.nothing_to_cancel(), show_alert=True)
        return
    await callback.answer()
    if callback.message is not None:
        money_line = pay_views.refund_line(outcome.refund_minor, outcome.kept_minor, outcome.event.currency)
        await callback.message.answer(views.cancelled(outcome.event, outcome.late, money_line))


async def check_in(message: Message, command: CommandObject, services: Services) -> None:
    if not command.args:
        await message.answer(views.checkin_usage())
        return
    result = await services.events.check_in(command.args)
    zone = zone_for(None, services.settings.timezone)
    if result.problem is not None:
        await message.answer(views.checkin_refused(result.problem, result.at, zone))
        return
    assert result.event is not None and result.signup is not None
    await message.answer(views.checked_in(result.event, result.signup.side, result.checked_in, result.seated))


async def call_off(message: Message, command: CommandObject, services: Services) -> None:
    if not command.args:
        await message.answer(views.call_off_usage())
        return
    event, told = await services.events.call_off(command.args)
    await message.answer(views.called_off(event, told))


async def calendar(callback: CallbackQuery, callback_data: EventButton, services: Services) -> None:
    seat = await _seat(callback, callback_data, services)
    if seat is None:
        await callback.answer(views.no_seat(), show_alert=True)
        return
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer_document(
            views.calendar_file(seat.event, seat.zone, services.clock.now()), caption=views.calendar_caption(seat.event)
        )


async def qr_code(callback: CallbackQuery, callback_data: EventButton, services: Services) -> None:
    seat = await _seat(callback, callback_data, services)
    if seat is None:
        await callback.answer(views.no_seat(), show_alert=True)
        return
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer_photo(views.qr_image(seat.code), caption=views.qr_caption(seat.code))


async def _seat(callback: CallbackQuery, callback_data: EventButton, services: Services) -> Seat | None:
    event_id = views.event_id(callback_data)
    client = None if services.principal is None else services.principal.account_id
    return None if event_id is None or client is None else await services.events.seat(client, event_id)


async def pick(
    callback: CallbackQuery, callback_data: EventPick, services: Services, conversation: Conversation
) -> None:
    signup_id = views.picked_signup(callback_data)
    client = None if services.principal is None else services.principal.account_id
    if signup_id is None or client is None:
        await callback.answer(views.pick_refused(PickProblem.DID_NOT_ATTEND), show_alert=True)
        return
    outcome = await services.events.pick(client, signup_id)
    if outcome.problem is not None:
        await callback.answer(views.pick_refused(outcome.problem), show_alert=True)
        return
    await callback.answer(views.picked(outcome.name, outcome.again))
    if outcome.introduction is not None:
        shown = await services.matchmaker.introduction_message(outcome.introduction, client)
        await conversation.send(views.mutual())
        if shown is not None:
            await conversation.send_outbound(shown)


async def rate(callback: CallbackQuery, callback_data: EventRate, services: Services) -> None:
    event_id = views.event_id(callback_data)
    client = None if services.principal is None else services.principal.account_id
    recorded = None
    if event_id is not None and client is not None:
        recorded = await services.events.rate(client, event_id, callback_data.stars)
    await callback.answer(views.rated(recorded), show_alert=recorded is None)


def create_router() -> Router:
    router = Router(name="events")
    router.message.register(show_rooms, Command("events"), Allowed(EVENTS_PERMISSION))
    router.message.register(new_event, Command("newevent"), Allowed(EVENTS_PERMISSION))
    router.message.register(check_in, Command("checkin"), Allowed(EVENTS_PERMISSION))
    router.message.register(call_off, Command("cancelevent"), Allowed(EVENTS_PERMISSION))
    router.message.register(edit_event, Command("editevent"), Allowed(EVENTS_PERMISSION))
    router.message.register(list_events, Command("events"), not_staff)
    router.callback_query.register(sign_up, EventButton.filter(F.act == EventAct.SIGN_UP))
    router.callback_query.register(cancel_place, EventButton.filter(F.act == EventAct.CANCEL))
    router.callback_query.register(calendar, EventButton.filter(F.act == EventAct.CALENDAR))
    router.callback_query.register(qr_code, EventButton.filter(F.act == EventAct.QR))
    router.callback_query.register(paying.pay, EventButton.filter(F.act == EventAct.PAY))
    router.callback_query.register(paying.pay_test, SeatPayButton.filter(F.action == SeatPayAction.PAY_TEST))
    router.callback_query.register(paying.fail_test, SeatPayButton.filter(F.action == SeatPayAction.FAIL_TEST))
    router.callback_query.register(pick, EventPick.filter())
    router.callback_query.register(rate, EventRate.filter())
    refuse_the_rest(router, commands=COMMAND_PERMISSIONS)
    return router
