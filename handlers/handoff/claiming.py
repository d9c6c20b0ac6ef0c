"""Staff take requests: /queue and the Claim button (the first claim wins), and refusals for the rest."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.delivery import OutboundMessage
from domain.handoff import ClaimRefusal, claim_refusal
from domain.identity import Channel, Principal
from domain.staff import Permission, allows
from handlers.handoff.relay_state import (
    ACTION_PERMISSIONS,
    BUTTON_NAME,
    CLAIM_ACTION,
    COMMAND_PERMISSIONS,
    CONTACTS_ACTION,
    QUEUE_ACTION,
    QUEUE_LIMIT,
    Relay,
    enter_relay,
    rewrite_alerts,
    same_channel_state,
)
from handlers.services.handoff.requests import client_name, send_to, stop_timers
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.handoff import messages
from handlers.views.handoff.messages import HandoffAction, HandoffButton, parse_id
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.unit_of_work import UnitOfWork

router = Router(name="handoff.claiming")


# --- Staff: /queue and Claim ----------------------------------------------------------------------------


def _button_name(display_name: str | None) -> str:
    words = (display_name or "").split()
    name = words[0] if words else _("a client (no name yet)")
    return name[:BUTTON_NAME] + "…" if len(name) > BUTTON_NAME else name


@router.message(Command("queue"), Allowed(COMMAND_PERMISSIONS["queue"]))
async def queue(message: Message, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    now = clock.now()
    waiting = await uow.handoffs.waiting(limit=QUEUE_LIMIT)
    if not waiting:
        await message.answer(_("Nobody is waiting for a counselor right now."))
        return
    total = await uow.handoffs.count_waiting()
    builder = InlineKeyboardBuilder()
    lines = [_("<b>Waiting for a counselor</b> ({count}), the longest waiting first:").format(count=total)]
    for handoff in waiting:
        name = await client_name(uow, handoff.client_id)
        minutes = messages.waited_minutes(handoff, now)
        lines.append(
            _("• {name}: {reason}, {minutes} min").format(
                name=messages.first_name(name), reason=messages.reason_label(handoff.reason), minutes=minutes
            )
        )
        builder.button(
            text=_("✋ Claim: {name}, {minutes} min").format(name=_button_name(name), minutes=minutes),
            callback_data=HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex),
        )
        await uow.audit.record(
            action=QUEUE_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
        )
    if total > len(waiting):
        lines.append(_("…and {count} more.").format(count=total - len(waiting)))
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


def _refusal_text(refusal: ClaimRefusal, counselor: str | None) -> str:
    if refusal is ClaimRefusal.TAKEN:
        return _("{name} has already taken this conversation.").format(name=messages.staff_name(counselor))
    if refusal is ClaimRefusal.CLOSED:
        return _("This conversation has already ended.")
    if refusal is ClaimRefusal.BUSY:
        return _("You are already talking with another client. Send /end to finish that conversation first.")
    return _(
        "This client is looked after by another counselor. If they do not answer in time, the request is offered "
        "to everyone."
    )


@router.callback_query(
    HandoffButton.filter(F.action == HandoffAction.CLAIM), Allowed(ACTION_PERMISSIONS[HandoffAction.CLAIM])
)
async def claim(
    callback: CallbackQuery,
    callback_data: HandoffButton,
    actor: Actor,
    principal: Principal,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    handoff_id = parse_id(callback_data.handoff)
    handoff = None if handoff_id is None else await uow.handoffs.get(handoff_id)
    if handoff is None:
        await callback.answer(_("This button is no longer active."))
        return
    if actor.account_id is None:
        await callback.answer(_("Please send /start once, so that clients' messages can reach you."), show_alert=True)
        return
    serving = await uow.handoffs.serving(actor.account_id)
    refusal = claim_refusal(
        handoff,
        member=actor.account_id,
        role=actor.role,
        assigned=await uow.assignments.counselor_of(handoff.client_id),
        serving=None if serving is None else serving.id,
    )
    if refusal is None:
        client = await same_channel_state(dispatcher, bot, uow, handoff.client_id, principal.channel)
        if client is None:
            await callback.answer(
                _("This client cannot be reached from this chat (another channel, or their data was deleted)."),
                show_alert=True,
            )
            return
        if not await uow.handoffs.claim(handoff.id, actor.account_id, now=clock.now()):
            refusal = ClaimRefusal.TAKEN
            handoff = await uow.handoffs.get(handoff.id) or handoff
    if refusal is not None:
        holder = None
        if refusal is ClaimRefusal.TAKEN and handoff.counselor_id is not None:
            member = await uow.staff.get(handoff.counselor_id)
            holder = member.display_name if member else None
        await callback.answer(_refusal_text(refusal, holder), show_alert=True)
        return
    assert client is not None
    account, client_state = client
    now = clock.now()
    handoff = await uow.handoffs.get(handoff.id) or handoff
    await stop_timers(uow, handoff.id)
    await uow.audit.record(
        action=CLAIM_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
    )
    counselor = actor.member.display_name if actor.member else None
    # Pressed in the staff group chat: the conversation (and the client's card) is the member's private chat.
    private = callback.message is None or callback.message.chat.id == callback.from_user.id
    own_state = (
        state
        if private
        else dispatcher.fsm.get_context(bot, chat_id=callback.from_user.id, user_id=callback.from_user.id)
    )
    await enter_relay(client_state, uow, handoff.client_id, Relay.chatting, handoff.id)
    await enter_relay(own_state, uow, actor.account_id, Relay.serving, handoff.id)
    await send_to(uow, i18n, handoff.client_id, lambda: messages.counselor_joined(counselor))
    name = await client_name(uow, handoff.client_id)
    profile = await uow.profiles.get(handoff.client_id)
    contacts = allows(actor.role, Permission.VIEW_CONTACTS)
    if contacts:
        await uow.audit.record(
            action=CONTACTS_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
        )
    await rewrite_alerts(
        bot, uow, i18n, settings, handoff, principal.channel, lambda: messages.taken(handoff, name, counselor)
    )

    def card() -> OutboundMessage:
        return OutboundMessage(
            messages.client_card(
                handoff,
                name,
                now=now,
                phone=profile.phone if contacts and profile is not None else None,
                telegram_id=account.external_id if contacts and account.channel == Channel.TELEGRAM.value else None,
            )
        )

    if private:
        await callback.answer(_("You took this conversation."))
        await bot.send_message(callback.from_user.id, card().text)
    else:
        # Never the client's details in the group; through the outbox, which copes with a member who has
        # not opened a private chat with the bot yet.
        await send_to(uow, i18n, actor.account_id, card)
        await callback.answer(_("You took this conversation. The client's messages come to your private chat with me."))


# --- Refusals: whatever the filters above turned away ---------------------------------------------------


refuse_the_rest(
    router,
    commands={"queue": COMMAND_PERMISSIONS["queue"]},
    buttons=[(HandoffButton, lambda data: ACTION_PERMISSIONS[data.action])],
)
