"""The picker of a proposal, in the proposer's time zone: the calendar, the start times of a day, the times
chosen so far, the venues, and the keyboard of the optional reason. Every button carries the draft's nonce.

Each page is a small value the dates service fills in (`CalendarPage`, `TimesPage`, `ChosenPage`, `VenuePage`)
and a function here that renders it as the message's text and buttons.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.dates import CALENDAR_DAYS, MAX_SLOTS, SLOT_TIMES, VENUE_LIMIT, SlotProblem, Venue, find_venue
from handlers.views.dates.buttons import DraftAct, DraftButton
from handlers.views.dates.messages import day_label, month_label, slot_lines, venue_line, weekday_name
from handlers.views.texts import current_locale
from storage.repositories.dates import DateRecord

BLANK = "·"
Page = tuple[str, InlineKeyboardMarkup]


@dataclass(frozen=True)
class CalendarPage:
    """The month of `shown`, where the days from `first` to `last` can be picked (local to `zone`)."""

    zone: tzinfo
    first: date
    last: date
    shown: date
    name: str  # the person to meet
    client: str | None = None  # the client a counselor proposes for (None: the reader proposes)


@dataclass(frozen=True)
class TimesPage:
    """The start times of `day`; those not after `earliest` (the local time now, on today) are left out."""

    day: date
    earliest: datetime | None
    zone: tzinfo


@dataclass(frozen=True)
class ChosenPage:
    slots: tuple[datetime, ...]
    zone: tzinfo


@dataclass(frozen=True)
class VenuePage:
    venues: tuple[Venue, ...]  # suggestions for the pair
    current: DateRecord | None = None  # the date answered, when it has a venue that can be kept


# --- pages -----------------------------------------------------------------------------------------------------
def calendar_page(flow: str, page: CalendarPage) -> Page:
    if page.client is not None:
        text = _("📅 Pick a day for {client}'s date with {name}. Times are in {client}'s time zone ({zone}).").format(
            client=page.client, name=page.name, zone=page.zone
        )
    else:
        text = _("📅 Pick a day for your date with {name}. Times are in your time zone ({zone}).").format(
            name=page.name, zone=page.zone
        )
    return text, calendar_keyboard(flow, page.shown, page.first, page.last)


def times_page(flow: str, page: TimesPage) -> Page:
    text = _("{day}: choose a start time ({zone}).").format(day=day_label(page.day), zone=page.zone)
    return text, times_keyboard(flow, page.day, page.earliest)


def chosen_page(flow: str, page: ChosenPage) -> Page:
    lines = [_("<b>The times you propose</b> ({zone}):").format(zone=page.zone), *slot_lines(page.slots, page.zone)]
    lines += ["", _("Add another time (up to {count}), or go on to the venue.").format(count=MAX_SLOTS)]
    return "\n".join(lines), chosen_keyboard(flow, len(page.slots))


def venues_page(flow: str, page: VenuePage) -> Page:
    lines = [_("📍 <b>Where would you like to meet?</b> Ideas that suit what you both enjoy:")]
    lines += [venue_line(venue) for venue in page.venues]
    lines += [
        "",
        _(
            "Or type the name and address of another place (up to {limit} character).",
            "Or type the name and address of another place (up to {limit} characters).",
            VENUE_LIMIT,
        ).format(limit=VENUE_LIMIT),
    ]
    keep = None if page.current is None else plain_venue_name(page.current)
    return "\n".join(lines), venues_keyboard(flow, page.venues, keep)


def plain_venue_name(record: DateRecord) -> str:
    venue = find_venue(record.venue_code) if record.venue_code else None
    if venue is not None:
        return venue.name(current_locale())
    return (record.venue_text or "")[:40]


def slot_problem_text(problem: SlotProblem) -> str:
    return {
        SlotProblem.PAST: _("That time has already passed. Please choose another time."),
        SlotProblem.TOO_FAR: _(
            "That is too far ahead: please choose a day within {days} day.",
            "That is too far ahead: please choose a day within {days} days.",
            CALENDAR_DAYS,
        ).format(days=CALENDAR_DAYS),
        SlotProblem.BOOKED: _("One of you already has a date close to that time. Please choose another time."),
        SlotProblem.DUPLICATE: _("You have already chosen that time."),
        SlotProblem.FULL: _(
            "You can propose up to {count} time.", "You can propose up to {count} times.", MAX_SLOTS
        ).format(count=MAX_SLOTS),
    }[problem]


def ask_venue_again() -> str:
    return _("Please choose a place from the buttons, or type its name and address.")


# --- keyboards -------------------------------------------------------------------------------------------------
def _button(text: str, flow: str, act: DraftAct, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=DraftButton(flow=flow, act=act, value=value).pack())


def _quit(flow: str) -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), flow, DraftAct.QUIT)]


def month_of(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def calendar_keyboard(flow: str, shown: date, first: date, last: date) -> InlineKeyboardMarkup:
    """The month of `shown`: days from `first` to `last` can be picked, the others are blank."""
    year, month = shown.year, shown.month
    this_month = date(year, month, 1)
    before = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    header = [
        _button("«", flow, DraftAct.MONTH, month_of(before))
        if this_month > first
        else _button(BLANK, flow, DraftAct.NOOP),
        _button(month_label(year, month), flow, DraftAct.NOOP),
        _button("»", flow, DraftAct.MONTH, month_of(after)) if after <= last else _button(BLANK, flow, DraftAct.NOOP),
    ]
    rows = [header, [_button(weekday_name(i), flow, DraftAct.NOOP) for i in range(7)]]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month or not first <= day <= last:
                row.append(_button(BLANK, flow, DraftAct.NOOP))
            else:
                row.append(_button(str(day.day), flow, DraftAct.DAY, day.strftime("%Y%m%d")))
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
        buttons.append(_button(f"{hour:02d}:{minute:02d}", flow, DraftAct.TIME, moment.strftime("%Y%m%d%H%M")))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([_button(_("« Back to the calendar"), flow, DraftAct.CALENDAR)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def chosen_keyboard(flow: str, count: int) -> InlineKeyboardMarkup:
    rows = []
    if count < MAX_SLOTS:
        rows.append([_button(_("➕ Add another time"), flow, DraftAct.MORE)])
    if count:
        rows.append([_button(_("↩️ Remove the last time"), flow, DraftAct.UNDO)])
        rows.append([_button(_("Next: the venue ➡️"), flow, DraftAct.VENUE)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def venues_keyboard(flow: str, venues: Sequence[Venue], keep: str | None) -> InlineKeyboardMarkup:
    locale = current_locale()
    rows = [[_button(venue.name(locale)[:60], flow, DraftAct.PLACE, venue.code)] for venue in venues]
    if keep is not None:
        rows.insert(0, [_button(_("Keep: {venue}").format(venue=keep)[:60], flow, DraftAct.KEEP)])
    rows.append(_quit(flow))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def reason_keyboard(flow: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(_("Skip"), flow, DraftAct.SKIP)], _quit(flow)])
