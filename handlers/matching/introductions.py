"""After an introduction: share my contact, or not this time; once connected, ask a counselor to put us in
touch (when one of the two uses the web chat)."""

from __future__ import annotations

from uuid import UUID

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from domain.matching.decisions import IntroductionState
from handlers.journey import Conversation
from handlers.matching.flow import clear_buttons, set_buttons
from handlers.services.container import Services
from handlers.services.matching.matchmaker import RelayAsked
from handlers.views.keyboards import menu_keyboard
from handlers.views.matching import messages
from handlers.views.matching.buttons import IntroAction, IntroButton, contact_buttons, parse_id
from handlers.views.outbound import keyboard_markup
from storage.records import Introduction


async def _open_introduction(
    callback: CallbackQuery, callback_data: IntroButton, conversation: Conversation, services: Services
) -> tuple[Introduction, UUID] | None:
    """The presser's own introduction the button names and their account, while they may still answer it;
    otherwise the callback is answered with why nothing happens."""
    account_id = conversation.account_id
    introduction = (
        None
        if account_id is None
        else await services.matchmaker.own_introduction(account_id, parse_id(callback_data.introduction))
    )
    if introduction is None or account_id is None:
        await callback.answer(_("This button is no longer active."))
        return None
    if introduction.state == IntroductionState.DECLINED:
        await callback.answer(_("This introduction is closed."))
        await clear_buttons(callback)
        return None
    if introduction.shares(account_id):
        await callback.answer(_("You have already agreed to share your contact."))
        return None
    return introduction, account_id


async def share_contact(
    callback: CallbackQuery, callback_data: IntroButton, conversation: Conversation, services: Services
) -> None:
    """The client agrees to share; once both have, each receives the other's contact."""
    opened = await _open_introduction(callback, callback_data, conversation, services)
    if opened is None:
        return
    introduction, account_id = opened
    other_id = introduction.other(account_id)
    await callback.answer(_("🤝 Thank you!"))
    await clear_buttons(callback)
    introduction = await services.matchmaker.share(introduction, account_id)
    if introduction.state == IntroductionState.CONNECTED:
        contact = await services.matchmaker.contact_message(introduction, other_id)
        if contact is not None:
            await conversation.send_outbound(contact)
        return
    await conversation.send(messages.waiting_for_other(await services.matchmaker.profile(other_id)))


async def keep_private(
    callback: CallbackQuery, callback_data: IntroButton, conversation: Conversation, services: Services
) -> None:
    opened = await _open_introduction(callback, callback_data, conversation, services)
    if opened is None:
        return
    introduction, account_id = opened
    await callback.answer()
    await clear_buttons(callback)
    await services.matchmaker.decline(introduction, account_id)
    await conversation.send(_("All right, your contact stays private. I will keep looking for you."), menu_keyboard())


async def ask_for_relay(
    callback: CallbackQuery, callback_data: IntroButton, conversation: Conversation, services: Services
) -> None:
    """A counselor is asked to put the two in touch; the button goes (the date button stays)."""
    account_id, matchmaker = conversation.account_id, services.matchmaker
    introduction = (
        None
        if account_id is None
        else await matchmaker.own_introduction(account_id, parse_id(callback_data.introduction))
    )
    if introduction is None or account_id is None:
        await callback.answer(_("This button is no longer active."))
        return
    asked = await matchmaker.ask_relay(introduction, account_id)
    if asked is RelayAsked.NOT_NEEDED:
        await callback.answer(_("This button is no longer active."))
        return
    await callback.answer()
    await set_buttons(callback, keyboard_markup(contact_buttons(introduction.id, relay=False)))
    other = await matchmaker.profile(introduction.other(account_id))
    await conversation.send(messages.relay_asked(other) if asked is RelayAsked.ASKED else messages.relay_to_demo(other))


def create_router() -> Router:
    router = Router(name="matching.introductions")
    router.callback_query.register(share_contact, IntroButton.filter(F.action == IntroAction.SHARE))
    router.callback_query.register(keep_private, IntroButton.filter(F.action == IntroAction.DECLINE))
    router.callback_query.register(ask_for_relay, IntroButton.filter(F.action == IntroAction.RELAY))
    return router
