"""The inline calendar and time buttons of a proposal, in the proposer's time zone, and the draft's other
keyboards (times chosen so far, venues, a reason). Every button carries the draft's nonce."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, time

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.dates import MAX_SLOTS, SLOT_TIMES, Venue
from handlers.views.dates.buttons import Draft, DraftButton
from handlers.views.dates.messages import month_label, weekday_name
from handlers.views.texts import current_locale

BLANK = "·"


def _button(text: str, flow: str, act: Draft, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=DraftButton(flow=flow, act=act, value=value).pack())


def _quit(flow: str) -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), flow, Draft.QUIT)]


def month_of(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def calendar_keyboard(flow: str, shown: date, first: date, last: date) -> InlineKeyboardMarkup:
    """The month of `shown`: days from `first` to `last` can be picked, the others are blank."""
    year, month = shown.year, shown.month
    this_month = date(year, month, 1)
    before = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    header = [
        _button("«", flow, Draft.MONTH, month_of(before)) if this_month > first else _button(BLANK, flow, Draft.NOOP),
        _button(month_label(year, month), flow, Draft.NOOP),
        _button("»", flow, Draft.MONTH, month_of(after)) if after <= last else _button(BLANK, flow, Draft.NOOP),
    ]
    rows = [header, [_button(weekday_name(i), flow, Draft.NOOP) for i in range(7)]]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month or not first <= day <= last:
                row.append(_button(BLANK, flow, Draft.NOOP))
            else:
                row.append(_button(str(day.day), flow, Draft.DAY, day.strftime("%Y%m%d")))
        rows.append(row)
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def times_keyboard(flow: str, day: date, earliest: datetime | None) -> InlineKeyboardMarkup:
    """The start times of `day` (local); those not after `earliest` (local now, on today) are left out."""
    buttons = []
    for hour, minute in SLOT_TIMES:
        moment = datetime.combine(day, time(hour, minute))
        if earliest is not None and moment <= earliest:
            continue
        buttons.append(_button(f"{hour:02d}:{minute:02d}", flow, Draft.TIME, moment.strftime("%Y%m%d%H%M")))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([_button(_("« Back to the calendar"), flow, Draft.CALENDAR)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def chosen_keyboard(flow: str, count: int) -> InlineKeyboardMarkup:
    rows = []
    if count < MAX_SLOTS:
        rows.append([_button(_("➕ Add another time"), flow, Draft.MORE)])
    if count:
        rows.append([_button(_("↩️ Remove the last time"), flow, Draft.UNDO)])
        rows.append([_button(_("Next: the venue ➡️"), flow, Draft.VENUE)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def venues_keyboard(flow: str, venues: Sequence[Venue], keep: str | None) -> InlineKeyboardMarkup:
    locale = current_locale()
    rows = [[_button(venue.name(locale)[:60], flow, Draft.PLACE, venue.code)] for venue in venues]
    if keep is not None:
        rows.insert(0, [_button(_("Keep: {venue}").format(venue=keep)[:60], flow, Draft.KEEP)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def reason_keyboard(flow: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(_("Skip"), flow, Draft.SKIP)], _quit(flow)])
