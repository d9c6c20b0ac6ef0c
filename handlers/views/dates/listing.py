"""/dates as the client sees it: upcoming dates with their buttons, open proposals, the last few earlier ones,
and the people a date could be proposed to. `DatesOverview` is what the dates service gathers for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from uuid import UUID

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.dates import DateState
from domain.delivery import InlineButton
from handlers.views.dates import messages
from handlers.views.dates.buttons import DateAct, DateButton, propose_date_button
from handlers.views.outbound import keyboard_markup
from storage.repositories.dates import DateRecord

Shown = tuple[str, InlineKeyboardMarkup]


@dataclass(frozen=True)
class DateEntry:
    record: DateRecord
    name: str  # the other person's (escaped)
    mine: bool = False  # a proposal the reader made (waiting for the other's answer)


@dataclass(frozen=True)
class Partner:
    """Someone the reader exchanged contacts with and has no open date with."""

    introduction_id: UUID
    name: str


@dataclass(frozen=True)
class DatesOverview:
    zone: tzinfo  # the reader's
    upcoming: tuple[DateEntry, ...]  # confirmed and not over, soonest first
    pending: tuple[DateEntry, ...]  # proposals waiting for an answer
    past: tuple[DateEntry, ...]  # the latest few of the rest
    partners: tuple[Partner, ...]

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.pending or self.past or self.partners)


def no_dates() -> str:
    return _("You have no dates yet. Once you and someone have exchanged contacts, you can propose a date here.")


def heading() -> str:
    return _("📅 <b>Your dates</b>")


def upcoming(entry: DateEntry, zone: tzinfo) -> Shown:
    ref, round_ = entry.record.id.hex, entry.record.round
    reschedule = DateButton(act=DateAct.RESCHEDULE, date=ref, round=round_).pack()
    cancel = DateButton(act=DateAct.CANCEL, date=ref, round=round_).pack()
    rows = (
        (
            InlineButton(text=_("🔁 Reschedule"), callback_data=reschedule),
            InlineButton(text=_("✖️ Cancel"), callback_data=cancel),
        ),
        *messages.confirmed_buttons(entry.record),
    )
    return messages.confirmed_text(entry.record, entry.name, zone), keyboard_markup(rows)


def awaiting(entry: DateEntry, zone: tzinfo) -> Shown:
    """The reader's own proposal, with a button to withdraw it."""
    record = entry.record
    lines = [_("⏳ Waiting for {name}'s answer to your proposal:").format(name=entry.name)]
    lines += messages.slot_lines(record.slots, zone)
    lines.append(_("📍 Venue: {venue}").format(venue=messages.venue_name(record)))
    withdraw = DateButton(act=DateAct.DECLINE, date=record.id.hex, round=record.round).pack()
    rows = ((InlineButton(text=_("✖️ Withdraw the proposal"), callback_data=withdraw),),)
    return "\n".join(lines), keyboard_markup(rows)


def earlier(entries: Sequence[DateEntry], zone: tzinfo) -> str:
    return "\n".join([_("<b>Earlier</b>"), *(_past_line(entry, zone) for entry in entries)])


def _past_line(entry: DateEntry, zone: tzinfo) -> str:
    record = entry.record
    moment = messages.when(record.starts_at, zone) if record.starts_at else messages.when(record.created_at, zone)
    label = {
        DateState.CONFIRMED: _("met"),
        DateState.CANCELLED: _("cancelled"),
        DateState.WITHDRAWN: _("not arranged"),
        DateState.PROPOSED: _("proposed"),
    }[record.state]
    return _("• {when}, with {name}: {state}").format(when=moment, name=entry.name, state=label)


def partner_offer(partner: Partner) -> Shown:
    text = _("You and {name} have exchanged contacts. Would you like to propose a date?").format(name=partner.name)
    return text, keyboard_markup(((propose_date_button(partner.introduction_id),),))
