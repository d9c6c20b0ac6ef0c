"""/dates: upcoming, open and past dates with their buttons, and the pairs a date could be proposed to."""

from __future__ import annotations

from datetime import tzinfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.dates import DATE_LENGTH, DateState
from domain.delivery import InlineButton
from handlers.dates.flow import PAST_SHOWN
from handlers.journey import Conversation
from handlers.services.dates.keeper import DateKeeper
from handlers.views.dates import messages
from handlers.views.dates.buttons import DateAct, DateButton, propose_date_button
from handlers.views.outbound import keyboard_markup
from storage.repositories.dates import DateRecord

router = Router(name="dates.listing")


# --- /dates ----------------------------------------------------------------------------------------------------
@router.message(Command("dates"))
async def list_dates(message: Message, conversation: Conversation, keeper: DateKeeper) -> None:
    me = await conversation.registered_account()
    if me is None:
        return
    now = keeper.now()
    zone = await keeper.zone_of(me)
    records = await keeper.uow.dates.list_for(me)
    upcoming = [
        r for r in records if r.state is DateState.CONFIRMED and r.starts_at and r.starts_at + DATE_LENGTH > now
    ]
    pending = [r for r in records if r.state is DateState.PROPOSED]
    past = [r for r in records if r not in upcoming and r not in pending]
    open_intros = {r.introduction_id for r in upcoming + pending}
    partners = [i for i in await keeper.connected_partners(me) if i.id not in open_intros]
    if not records and not partners:
        await conversation.send(
            _("You have no dates yet. Once you and someone have exchanged contacts, you can propose a date here.")
        )
        return
    await conversation.send(_("📅 <b>Your dates</b>"))
    for record in sorted(upcoming, key=lambda r: r.starts_at or now):
        name = await keeper.name_of(record.other(me))
        ref, round_ = record.id.hex, record.round
        rows = (
            (
                InlineButton(
                    text=_("🔁 Reschedule"),
                    callback_data=DateButton(act=DateAct.RESCHEDULE, date=ref, round=round_).pack(),
                ),
                InlineButton(
                    text=_("✖️ Cancel"), callback_data=DateButton(act=DateAct.CANCEL, date=ref, round=round_).pack()
                ),
            ),
            *messages.confirmed_buttons(record),
        )
        await conversation.send(messages.confirmed_text(record, name, zone), keyboard_markup(rows))
    for record in pending:
        other = record.other(me)
        name = await keeper.name_of(other)
        if record.proposed_by == me:
            lines = [_("⏳ Waiting for {name}'s answer to your proposal:").format(name=name)]
            lines += messages.slot_lines(record.slots, zone)
            lines.append(_("📍 Venue: {venue}").format(venue=messages.venue_name(record)))
            withdraw = DateButton(act=DateAct.DECLINE, date=record.id.hex, round=record.round).pack()
            rows2 = ((InlineButton(text=_("✖️ Withdraw the proposal"), callback_data=withdraw),),)
            await conversation.send("\n".join(lines), keyboard_markup(rows2))
        else:
            await conversation.send_outbound(messages.proposal(record, await keeper.name_of(record.proposed_by), zone))
    shown_past = sorted(past, key=lambda r: r.created_at, reverse=True)[:PAST_SHOWN]
    if shown_past:
        lines = [_("<b>Earlier</b>")]
        for record in shown_past:
            name = await keeper.name_of(record.other(me))
            lines.append(_past_line(record, name, zone))
        await conversation.send("\n".join(lines))
    for introduction in partners:
        name = await keeper.name_of(introduction.other(me))
        await conversation.send(
            _("You and {name} have exchanged contacts. Would you like to propose a date?").format(name=name),
            keyboard_markup(((propose_date_button(introduction.id),),)),
        )


def _past_line(record: DateRecord, name: str, zone: tzinfo) -> str:
    moment = messages.when(record.starts_at, zone) if record.starts_at else messages.when(record.created_at, zone)
    label = {
        DateState.CONFIRMED: _("met"),
        DateState.CANCELLED: _("cancelled"),
        DateState.WITHDRAWN: _("not arranged"),
        DateState.PROPOSED: _("proposed"),
    }[record.state]
    return _("• {when}, with {name}: {state}").format(when=moment, name=name, state=label)
