"""Dates (约会): proposals of up to three time slots and a venue, counter-proposals, the confirmed date, the
reminders before it and the feedback after it. Plain rules and values; storage and the chat live elsewhere.

A date belongs to a connected introduction. Its life:

    proposed --(the other picks a slot)--> confirmed --(time passes)--> feedback
        |  ^                                   |
        |  +--(the other proposes other slots, or either reschedules)
        +--> withdrawn (either side)           +--> cancelled (either side)

`round` counts proposals: a button carries the round it was made for, so an answer to an older proposal
(a stale button, or both sides pressing at once) changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.languages import in_locale


class DateState(StrEnum):
    PROPOSED = "proposed"  # slots are waiting for the other side's answer
    CONFIRMED = "confirmed"  # a slot was accepted: `starts_at` is set
    WITHDRAWN = "withdrawn"  # a proposal taken back (or refused) before any slot was accepted
    CANCELLED = "cancelled"  # a confirmed date called off


DATE_STATES = tuple(state.value for state in DateState)
OPEN_STATES = (DateState.PROPOSED, DateState.CONFIRMED)

MAX_SLOTS = 3
VENUE_LIMIT = 200
REASON_LIMIT = 500
COMMENT_LIMIT = 1000
CALENDAR_DAYS = 60  # how far ahead a slot may be
DATE_LENGTH = timedelta(hours=2)  # the calendar entry's length
BUSY_SPAN = timedelta(hours=3)  # two dates of one person closer than this clash
SLOT_TIMES = ((10, 0), (12, 0), (14, 0), (16, 0), (18, 0), (19, 30))  # local times offered as buttons
LOW_RATING = 2  # a rating at or below this alerts the counselor
RATINGS = (1, 2, 3, 4, 5)

# Time zones by province code (the first two digits of a GB/T 2260 code); everything else in China keeps
# Beijing time. A client without a known region gets the agency's zone.
PROVINCE_ZONES = {"71": "Asia/Taipei", "81": "Asia/Hong_Kong", "82": "Asia/Macau"}
CHINA_ZONE = "Asia/Shanghai"


class SlotProblem(StrEnum):
    PAST = "past"  # the slot has begun or is over
    TOO_FAR = "too_far"  # beyond CALENDAR_DAYS
    BOOKED = "booked"  # either person has a confirmed date close to it
    DUPLICATE = "duplicate"  # already among the chosen slots
    FULL = "full"  # MAX_SLOTS chosen already


def zone_for(region_code: str | None, default: str) -> tzinfo:
    """A client's time zone, derived from their region code."""
    if region_code and region_code[:2].isdigit():
        return ZoneInfo(PROVINCE_ZONES.get(region_code[:2], CHINA_ZONE))
    try:
        return ZoneInfo(default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(CHINA_ZONE)


def clashes(slot: datetime, busy: Iterable[datetime]) -> bool:
    return any(abs(slot - other) < BUSY_SPAN for other in busy)


def slot_problem(
    slot: datetime, *, now: datetime, busy: Iterable[datetime] = (), chosen: Sequence[datetime] = ()
) -> SlotProblem | None:
    """Why `slot` cannot be proposed (or accepted), or None when it can."""
    if slot <= now:
        return SlotProblem.PAST
    if slot - now > timedelta(days=CALENDAR_DAYS + 1):
        return SlotProblem.TOO_FAR
    if slot in chosen:
        return SlotProblem.DUPLICATE
    if len(chosen) >= MAX_SLOTS:
        return SlotProblem.FULL
    if clashes(slot, busy):
        return SlotProblem.BOOKED
    return None


def is_late_cancellation(starts_at: datetime, now: datetime, window: timedelta) -> bool:
    """A confirmed date called off less than `window` before it starts (or after it started)."""
    return starts_at - now < window


# --- scheduled jobs: kinds and reference ids (codes and opaque ids only) --------------------------------------
REMINDER = "date.reminder"
FEEDBACK = "date.feedback"
NUDGE = "date.feedback_nudge"
DEMO_ACCEPT = "date.demo_accept"


def reminder_ref(date_hex: str, hours: int) -> str:
    return f"{date_hex}:{hours}h"


def parse_reminder_ref(ref: str) -> tuple[str, int] | None:
    date_hex, _sep, hours = ref.partition(":")
    if not hours.endswith("h") or not hours[:-1].isdigit():
        return None
    return date_hex, int(hours[:-1])


# --- feedback --------------------------------------------------------------------------------------------------
def needs_alert(*, rating: int | None, no_show: bool, complaint: bool) -> bool:
    """Feedback the counselor must look at: a low rating, a no-show, or a comment marked as a complaint."""
    return no_show or complaint or (rating is not None and rating <= LOW_RATING)


def both_want_more(first: bool | None, second: bool | None) -> bool:
    return first is True and second is True


# --- the venue catalogue ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Venue:
    code: str
    hobbies: tuple[str, ...]
    en: str
    zh: str
    en_about: str
    zh_about: str
    ru: str = ""  # English is shown where the data has no Russian text
    ru_about: str = ""

    def name(self, locale: str) -> str:
        """English, Simplified, Traditional (made from the Simplified) or Russian."""
        return in_locale(locale, en=self.en, zh=self.zh, ru=self.ru)

    def about(self, locale: str) -> str:
        return in_locale(locale, en=self.en_about, zh=self.zh_about, ru=self.ru_about)


GENERIC = "generic"


@cache
def _catalogue(name: str) -> tuple[Venue, ...]:
    try:
        text = resources.files("domain.data").joinpath("venues", f"{name}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    raw = json.loads(text)
    venues: list[Venue] = []
    for item in raw["venues"]:
        venues.append(
            Venue(
                code=str(item["code"]),
                hobbies=tuple(str(h) for h in item.get("hobbies", [])),
                en=str(item["en"]["name"]),
                zh=str(item["zh"]["name"]),
                en_about=str(item["en"].get("about", "")),
                zh_about=str(item["zh"].get("about", "")),
                ru=str(item.get("ru", {}).get("name", "")),
                ru_about=str(item.get("ru", {}).get("about", "")),
            )
        )
    return tuple(venues)


def venues_for(region_code: str | None) -> tuple[Venue, ...]:
    """The venues of a city: its own file, else its province's (a municipality), else the generic list."""
    if region_code:
        for name in (region_code, region_code[:2] + "0000"):
            found = _catalogue(name)
            if found:
                return found
    return _catalogue(GENERIC)


def find_venue(code: str) -> Venue | None:
    """A venue by its code (`<file>.<name>`), from whichever file holds it."""
    file_name, _sep, _name = code.partition(".")
    return next((v for v in _catalogue(file_name) if v.code == code), None)


def suggest_venues(
    region_codes: Sequence[str | None], hobbies: Sequence[Sequence[str]], *, limit: int = 4
) -> list[Venue]:
    """Venues for a pair: from the first listed person's city (the proposer's), ranked by how many hobbies
    both share that a venue suits, then by any hobby of either, then the catalogue's order."""
    catalogue = venues_for(next((code for code in region_codes if code), None))
    sets = [set(h) for h in hobbies]
    shared = set.intersection(*sets) if sets else set()
    either = set.union(*sets) if sets else set()

    def rank(indexed: tuple[int, Venue]) -> tuple[int, int, int]:
        position, venue = indexed
        suits = set(venue.hobbies)
        return (-len(suits & shared), -len(suits & either), position)

    return [venue for _i, venue in sorted(enumerate(catalogue), key=rank)[:limit]]
