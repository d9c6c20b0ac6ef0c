"""Offline events (线下活动): salons, speed-dating evenings, outings.

Pure rules: the organiser's form and what it means, who an event is for, the seats of each side and the
waitlist, promotion when a seat frees up, late cancellation. Times are aware datetimes (UTC when stored);
money is `Decimal` in the currency's rounding (`domain.membership.money`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.membership.money import parse_amount

TITLE_LIMIT = 80
ABOUT_LIMIT = 1000
VENUE_LIMIT = 200
CAPACITY_LIMIT = 500
AGE_RANGE = (18, 99)
LATE_CANCELLATION = timedelta(hours=24)
# A client sees an event from its publication to its start.


class EventState(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


EVENT_STATES = tuple(state.value for state in EventState)


class Side(StrEnum):
    """Whose seats a sign-up takes: one gender's, or the open room's."""

    MALE = "male"
    FEMALE = "female"
    OPEN = "open"


SIDES = tuple(side.value for side in Side)


class SignupState(StrEnum):
    CONFIRMED = "confirmed"  # has a seat
    HELD = "held"  # a priced seat kept for the client until `HOLD` runs out or they pay (then confirmed)
    WAITLISTED = "waitlisted"  # waits for a seat of their side
    CANCELLED = "cancelled"  # cancelled by the client (maybe late)


SIGNUP_STATES = tuple(state.value for state in SignupState)


@dataclass(frozen=True)
class Capacity:
    """Seats per gender (`men`, `women`) or an open room of `total` seats (genders not counted)."""

    men: int | None = None
    women: int | None = None
    total: int | None = None

    @property
    def per_gender(self) -> bool:
        return self.total is None

    def side_of(self, gender: str | None) -> Side | None:
        """The side a client sits on; None when a per-gender room cannot seat them (no gender known)."""
        if not self.per_gender:
            return Side.OPEN
        if gender == Side.MALE.value:
            return Side.MALE
        if gender == Side.FEMALE.value:
            return Side.FEMALE
        return None

    def seats(self, side: Side) -> int:
        if side is Side.OPEN:
            return self.total or 0
        return (self.men if side is Side.MALE else self.women) or 0


@dataclass(frozen=True)
class EventSpec:
    """What the organiser decided: everything a client is shown or checked against."""

    title_en: str
    title_zh: str
    about_en: str
    about_zh: str
    venue_code: str | None
    venue_text: str | None
    region_code: str | None  # who is invited (a city or province code); None: everyone
    starts_at: datetime  # UTC
    capacity: Capacity
    age_min: int
    age_max: int
    tiers: frozenset[str]
    prices: Mapping[str, Decimal] = field(default_factory=dict)  # tier -> price; a tier not listed is free
    deadline: datetime | None = None  # UTC; None: sign-up until the start

    def title(self, locale: str) -> str:
        return self.title_zh if locale.startswith("zh") else self.title_en

    def about(self, locale: str) -> str:
        return self.about_zh if locale.startswith("zh") else self.about_en

    def closes_at(self) -> datetime:
        return self.deadline or self.starts_at

    def price_for(self, tier: str) -> Decimal | None:
        """What a client of `tier` pays; None when free for them."""
        price = self.prices.get(tier)
        return price if price is not None and price > 0 else None


# --- the organiser's form --------------------------------------------------------------------------------------
class FormProblem(StrEnum):
    MISSING = "missing"  # a required line is missing (`field` names it)
    TOO_LONG = "too_long"
    BAD_TIME = "bad_time"  # not YYYY-MM-DD HH:MM
    IN_THE_PAST = "in_the_past"
    DEADLINE_AFTER_START = "deadline_after_start"
    BAD_CAPACITY = "bad_capacity"
    ROOM_TOO_SMALL = "room_too_small"  # an edit: fewer seats than are taken, or the kind of room changed
    BAD_AGES = "bad_ages"
    UNKNOWN_TIER = "unknown_tier"
    BAD_PRICE = "bad_price"
    UNKNOWN_FIELD = "unknown_field"


@dataclass(frozen=True)
class FormError:
    problem: FormProblem
    field: str


FORM_FIELDS = (
    "title_en",
    "title_zh",
    "about_en",
    "about_zh",
    "venue",
    "region",
    "starts",
    "capacity",
    "ages",
    "tiers",
    "prices",
    "deadline",
)
REQUIRED = ("title_en", "title_zh", "venue", "starts", "capacity", "ages", "tiers")
LIMITS = {
    "title_en": TITLE_LIMIT,
    "title_zh": TITLE_LIMIT,
    "about_en": ABOUT_LIMIT,
    "about_zh": ABOUT_LIMIT,
    "venue": VENUE_LIMIT,
}
_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$")
_CAPACITY_SPLIT = re.compile(r"^(\d{1,3})\s*/\s*(\d{1,3})$")
_AGES = re.compile(r"^(\d{1,2})\s*-\s*(\d{1,2})$")


def _lines(text: str) -> tuple[dict[str, str], list[FormError]]:
    values: dict[str, str] = {}
    errors: list[FormError] = []
    for raw in unicodedata.normalize("NFKC", text).splitlines():
        key, sep, value = raw.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            continue
        if key not in FORM_FIELDS:
            errors.append(FormError(FormProblem.UNKNOWN_FIELD, key[:32]))
            continue
        values[key] = value.strip()
    return values, errors


def parse_local_time(text: str, zone: tzinfo) -> datetime | None:
    """`YYYY-MM-DD HH:MM` in `zone`, as UTC; None when it is not a time."""
    found = _TIME.match(text.strip())
    if not found:
        return None
    year, month, day, hour, minute = (int(part) for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


def parse_capacity(text: str) -> Capacity | None:
    """`10/12` (men/women) or `20` (an open room); None when not that or out of range."""
    split = _CAPACITY_SPLIT.match(text.strip())
    if split:
        men, women = int(split.group(1)), int(split.group(2))
        if men + women == 0 or men > CAPACITY_LIMIT or women > CAPACITY_LIMIT:
            return None
        return Capacity(men=men, women=women)
    if text.strip().isdigit():
        total = int(text.strip())
        return Capacity(total=total) if 0 < total <= CAPACITY_LIMIT else None
    return None


def parse_event_form(
    text: str,
    *,
    zone: tzinfo,
    now: datetime,
    currency: str,
    tiers: Collection[str],
    venue_region: Callable[[str], str | None] | None = None,
    kept_deadline: datetime | None = None,
) -> EventSpec | list[FormError]:
    """The organiser's filled-in form: an `EventSpec`, or every problem found (in the form's order).

    `venue` is a catalogue code (`venue_region` gives a known code's region, "" for one of no region, None for
    a code it does not know) or a typed place; times are
    local to `zone`; `prices` is `tier=amount` separated by commas (a tier not listed is free). An edit passes
    the event's deadline as `kept_deadline`: left as it was, it may have passed."""
    values, errors = _lines(text)
    errors += [FormError(FormProblem.MISSING, name) for name in REQUIRED if not values.get(name)]
    errors += [
        FormError(FormProblem.TOO_LONG, name) for name, limit in LIMITS.items() if len(values.get(name, "")) > limit
    ]
    starts_at = deadline = None
    if values.get("starts"):
        starts_at = parse_local_time(values["starts"], zone)
        if starts_at is None:
            errors.append(FormError(FormProblem.BAD_TIME, "starts"))
        elif starts_at <= now:
            errors.append(FormError(FormProblem.IN_THE_PAST, "starts"))
    if values.get("deadline"):
        deadline = parse_local_time(values["deadline"], zone)
        if deadline is None:
            errors.append(FormError(FormProblem.BAD_TIME, "deadline"))
        elif deadline <= now and deadline != kept_deadline:
            errors.append(FormError(FormProblem.IN_THE_PAST, "deadline"))
        elif starts_at is not None and deadline > starts_at:
            errors.append(FormError(FormProblem.DEADLINE_AFTER_START, "deadline"))
    capacity = parse_capacity(values["capacity"]) if values.get("capacity") else None
    if values.get("capacity") and capacity is None:
        errors.append(FormError(FormProblem.BAD_CAPACITY, "capacity"))
    ages = _AGES.match(values.get("ages", ""))
    age_min = age_max = 0
    if values.get("ages"):
        if ages:
            age_min, age_max = int(ages.group(1)), int(ages.group(2))
        if not ages or not AGE_RANGE[0] <= age_min <= age_max <= AGE_RANGE[1]:
            errors.append(FormError(FormProblem.BAD_AGES, "ages"))
    invited = frozenset(code.strip().lower() for code in re.split(r"[,，、\s]+", values.get("tiers", "")) if code)
    if invited - set(tiers):
        errors.append(FormError(FormProblem.UNKNOWN_TIER, "tiers"))
    prices: dict[str, Decimal] = {}
    for item in (part.strip() for part in re.split(r"[,，、]", values.get("prices", "")) if part.strip()):
        tier, sep, amount = item.partition("=")
        try:
            price = parse_amount(amount.strip(), currency) if sep else None
        except ValueError:
            price = None
        if price is None or tier.strip().lower() not in invited:
            errors.append(FormError(FormProblem.BAD_PRICE, "prices"))
            break
        prices[tier.strip().lower()] = price
    if errors or starts_at is None or capacity is None:
        return errors
    venue = values["venue"]
    venue_region_code = None if venue_region is None else venue_region(venue)
    code = venue if venue_region_code is not None else None
    region = values.get("region") or venue_region_code or None
    return EventSpec(
        title_en=values["title_en"],
        title_zh=values["title_zh"],
        about_en=values.get("about_en", ""),
        about_zh=values.get("about_zh", ""),
        venue_code=code,
        venue_text=None if code else venue,
        region_code=region,
        starts_at=starts_at,
        capacity=capacity,
        age_min=age_min,
        age_max=age_max,
        tiers=invited,
        prices=prices,
        deadline=deadline,
    )


# --- who may sign up --------------------------------------------------------------------------------------------
class SignupProblem(StrEnum):
    CANCELLED = "cancelled"  # the event is off
    CLOSED = "closed"  # the sign-up deadline (or the start) has passed
    ALREADY = "already"  # signed up (or waitlisted) already
    AGE = "age"  # outside the age range (or no age known)
    TIER = "tier"  # the client's tier is not invited
    REGION = "region"  # another city or province
    PAUSED = "paused"  # the client's profile is not active
    NO_SIDE = "no_side"  # a per-gender room and no gender known
    UNPAID = "unpaid"  # the client's tier pays for this event, and this chat has no way to pay (no provider)


@dataclass(frozen=True)
class Attendee:
    """The facts of a client an event checks."""

    status: str
    tier: str
    gender: str | None
    age: int | None
    region_code: str | None


def invitation_key(event_id: UUID, account_id: UUID) -> str:
    """The outbox dedupe key of an event's invitation to a client: one invitation per client and event, and the
    only record that one was sent (the reports count "invited" by it)."""
    return f"event.invite:{event_id.hex}:{account_id.hex}"


def in_region(event_region: str | None, client_region: str | None) -> bool:
    """A city code matches the city; a province code (`xx0000`) matches every city in it."""
    if not event_region:
        return True
    if not client_region:
        return False
    if event_region.endswith("0000"):
        return client_region[:2] == event_region[:2]
    return client_region == event_region


def fit_problem(event: EventSpec, client: Attendee) -> SignupProblem | None:
    """Why `client` is not one of the people the event is for (None: it fits them)."""
    if client.status != "active":
        return SignupProblem.PAUSED
    if client.tier not in event.tiers:
        return SignupProblem.TIER
    if client.age is None or not event.age_min <= client.age <= event.age_max:
        return SignupProblem.AGE
    if not in_region(event.region_code, client.region_code):
        return SignupProblem.REGION
    if event.capacity.side_of(client.gender) is None:
        return SignupProblem.NO_SIDE
    return None


def signup_problem(
    event: EventSpec, state: EventState, client: Attendee, *, now: datetime, already: bool
) -> SignupProblem | None:
    """Why `client` cannot sign up now (None: they can)."""
    if state is EventState.CANCELLED:
        return SignupProblem.CANCELLED
    if already:
        return SignupProblem.ALREADY
    if now >= event.closes_at():
        return SignupProblem.CLOSED
    return fit_problem(event, client)


def admission(capacity: Capacity, side: Side, taken: int, *, priced: bool = False) -> SignupState:
    """A seat when the side has one free (`taken` seats of it are confirmed or held), else the waitlist. A
    client who pays for the event gets the seat held until they pay (`HOLD`)."""
    if taken >= capacity.seats(side):
        return SignupState.WAITLISTED
    return SignupState.HELD if priced else SignupState.CONFIRMED


# How long a priced seat is kept for a client who has not paid yet: long enough to find a card and pass the
# bank's check, short enough that people waiting for the seat are not kept waiting for someone who walked away.
HOLD = timedelta(minutes=30)


@dataclass(frozen=True)
class Waiting:
    signup_id: UUID
    side: Side
    since: datetime


def next_in_line(waitlist: Sequence[Waiting], side: Side) -> Waiting | None:
    """Who gets a freed seat of `side`: the longest waiting of that side."""
    candidates = [entry for entry in waitlist if entry.side is side]
    return min(candidates, key=lambda entry: entry.since) if candidates else None


def is_late_cancellation(starts_at: datetime, now: datetime, window: timedelta = LATE_CANCELLATION) -> bool:
    """A confirmed seat given up less than `window` before the start."""
    return starts_at - now < window


INVITATION_SPACING = timedelta(seconds=3)  # one invitation every 3 seconds: 20 a minute beside everything else


def invitation_times(start: datetime, count: int, spacing: timedelta = INVITATION_SPACING) -> list[datetime]:
    """When each of `count` invitations may go out: the first at once, then one per `spacing`."""
    return [start + spacing * index for index in range(count)]


def age_from_birth_year(birth_year: int | None, today_year: int) -> int | None:
    """The coarse age the matcher's facts allow (the year of birth only): the age reached this year."""
    return None if birth_year is None else today_year - birth_year


# --- check-in codes -------------------------------------------------------------------------------------------------
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed at the door
CODE_LENGTH = 8


def checkin_code(random_bytes: bytes) -> str:
    """A check-in code from `CODE_LENGTH` random bytes (the caller supplies them: `secrets.token_bytes`)."""
    if len(random_bytes) < CODE_LENGTH:
        raise ValueError(f"a check-in code needs {CODE_LENGTH} random bytes")
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in random_bytes[:CODE_LENGTH])


def normalize_code(typed: str) -> str | None:
    """What staff typed or scanned, as a code (case, spaces and dashes ignored); None when it cannot be one."""
    code = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", typed)).upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


class CheckInProblem(StrEnum):
    UNKNOWN = "unknown"  # no seat has this code (forged or mistyped)
    USED = "used"  # this code was checked in already
    NOT_SEATED = "not_seated"  # the sign-up was cancelled
    NOT_TODAY = "not_today"  # the event is not within the door window
    CANCELLED = "cancelled"  # the event is off


DOOR_OPENS = timedelta(hours=3)  # before the start
DOOR_CLOSES = timedelta(hours=4)  # after the start


def door_open(starts_at: datetime, now: datetime) -> bool:
    return starts_at - DOOR_OPENS <= now <= starts_at + DOOR_CLOSES


# --- afterwards: picks and feedback ---------------------------------------------------------------------------------
PICKS_OPEN = timedelta(days=7)  # after the start, picks and the rating are taken this long
RATINGS = (1, 2, 3, 4, 5)


class PickProblem(StrEnum):
    NOT_ATTENDED = "not_attended"  # the picker was not let in
    DID_NOT_ATTEND = "did_not_attend"  # the one picked was not let in (or is not at this event)
    SAME_SIDE = "same_side"  # a per-gender room: only the other side may be picked
    SELF = "self"
    CLOSED = "closed"  # before the start or after `PICKS_OPEN`


@dataclass(frozen=True)
class Present:
    """An attendee as the picks see them."""

    client_id: UUID
    event_id: UUID
    side: Side
    checked_in: bool


def pick_problem(
    picker: Present | None, picked: Present | None, *, starts_at: datetime, now: datetime
) -> PickProblem | None:
    """Why `picker` may not pick `picked` (None: they may)."""
    if not starts_at <= now <= starts_at + PICKS_OPEN:
        return PickProblem.CLOSED
    if picker is None or not picker.checked_in:
        return PickProblem.NOT_ATTENDED
    if picked is None or not picked.checked_in or picked.event_id != picker.event_id:
        return PickProblem.DID_NOT_ATTEND
    if picked.client_id == picker.client_id:
        return PickProblem.SELF
    if picker.side is not Side.OPEN and picked.side is picker.side:
        return PickProblem.SAME_SIDE
    return None


def other_side(me: Present, everyone: Sequence[Present]) -> list[Present]:
    """Whom `me` may pick: the checked-in attendees of the other side (anyone else in an open room)."""
    return [
        other
        for other in everyone
        if other.checked_in and other.client_id != me.client_id and (me.side is Side.OPEN or other.side is not me.side)
    ]


# --- jobs ----------------------------------------------------------------------------------------------------------
REMINDER = "event.reminder"
CLOSE = "event.close"  # after the door closes: who did not come is recorded as a no-show
HOLD_EXPIRY = "event.hold"  # a held seat not paid for in time is freed


def hold_ref(signup_hex: str, until: datetime) -> str:
    """The hold-expiry job's reference: the sign-up and the end of its hold (a new hold is a new job)."""
    return f"{signup_hex}:{int(until.timestamp())}"


def parse_hold_ref(ref: str) -> tuple[str, datetime] | None:
    signup_hex, _sep, seconds = ref.partition(":")
    if not seconds.isdigit() or len(signup_hex) != 32:
        return None
    return signup_hex, datetime.fromtimestamp(int(seconds), UTC)


REMINDER_HOURS = (24, 2)


def reminder_ref(event_hex: str, hours: int) -> str:
    return f"{event_hex}:{hours}h"


def parse_reminder_ref(ref: str) -> tuple[str, int] | None:
    event_hex, _sep, hours = ref.partition(":")
    if not hours.endswith("h") or not hours[:-1].isdigit():
        return None
    return event_hex, int(hours[:-1])


def reminder_times(starts_at: datetime, now: datetime) -> list[tuple[int, datetime]]:
    """The reminders still ahead: (hours before, when)."""
    return [
        (hours, starts_at - timedelta(hours=hours))
        for hours in REMINDER_HOURS
        if starts_at - timedelta(hours=hours) > now
    ]


@dataclass(frozen=True)
class Balance:
    """The room of one event: confirmed seats, seats held for payment and the waitlist per side."""

    confirmed: Mapping[Side, int]
    waitlisted: Mapping[Side, int]
    held: Mapping[Side, int] = field(default_factory=dict)

    def taken(self, side: Side) -> int:
        """Seats nobody else may have: confirmed, or held for someone paying."""
        return self.confirmed.get(side, 0) + self.held.get(side, 0)

    def free(self, capacity: Capacity, side: Side) -> int:
        return max(0, capacity.seats(side) - self.taken(side))


@dataclass(frozen=True)
class RoomFigures:
    """The organiser's figures of one event."""

    balance: Balance
    checked_in: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    picks: int = 0
    mutual: int = 0  # pairs who picked each other
    paid: int = 0  # seats paid for (and not refunded)


def mutual_pairs(picks: Collection[tuple[UUID, UUID]]) -> int:
    """How many pairs picked each other, given (picker, picked)."""
    chosen = set(picks)
    return sum(1 for picker, picked in chosen if (picked, picker) in chosen) // 2
