"""The rules of offline events: the organiser's form, who an event is for, seats per side, the waitlist and
promotion, late cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.events import (
    CODE_ALPHABET,
    Attendee,
    Capacity,
    EventSpec,
    EventState,
    FormError,
    FormProblem,
    PickProblem,
    Present,
    Side,
    SignupProblem,
    SignupState,
    Waiting,
    admission,
    age_from_birth_year,
    checkin_code,
    door_open,
    fit_problem,
    in_region,
    invitation_times,
    is_late_cancellation,
    mutual_pairs,
    next_in_line,
    normalize_code,
    other_side,
    parse_capacity,
    parse_event_form,
    parse_reminder_ref,
    pick_problem,
    reminder_ref,
    reminder_times,
    signup_problem,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TIERS = ("basic", "premium", "private")
FORM = """title_en: Wine salon
title_zh: 品酒交友沙龙
about_en: An evening of wine.
about_zh: 一起品酒。
venue: 310000.tea_house
starts: 2026-01-20 19:00
capacity: 10/12
ages: 25-35
tiers: premium, private
prices: premium=99.00, private=0
deadline: 2026-01-19 12:00
"""


def parse(text: str = FORM) -> EventSpec | list[FormError]:
    return parse_event_form(
        text, zone=SHANGHAI, now=NOW, currency="CNY", tiers=TIERS, venue_region={"310000.tea_house": "310000"}.get
    )


def spec(**changes: object) -> EventSpec:
    parsed = parse()
    assert isinstance(parsed, EventSpec)
    return EventSpec(**{**parsed.__dict__, **changes})


def test_a_filled_in_form_is_an_event_in_utc_with_decimal_prices() -> None:
    event = parse()
    assert isinstance(event, EventSpec)
    assert event.starts_at == datetime(2026, 1, 20, 11, 0, tzinfo=UTC)
    assert event.deadline == datetime(2026, 1, 19, 4, 0, tzinfo=UTC)
    assert event.capacity == Capacity(men=10, women=12)
    assert (event.age_min, event.age_max) == (25, 35)
    assert event.tiers == {"premium", "private"}
    assert event.venue_code == "310000.tea_house" and event.venue_text is None and event.region_code == "310000"
    assert event.price_for("premium") == Decimal("99.00") and event.price_for("private") is None
    assert event.title("zh") == "品酒交友沙龙" and event.title("en") == "Wine salon"


def test_a_typed_venue_and_an_open_room() -> None:
    event = parse(FORM.replace("310000.tea_house", "The Bund, No. 3").replace("10/12", "20"))
    assert isinstance(event, EventSpec)
    assert event.venue_code is None and event.venue_text == "The Bund, No. 3" and event.region_code is None
    assert event.capacity == Capacity(total=20) and not event.capacity.per_gender


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("title_en: Wine salon\n", "", FormError(FormProblem.MISSING, "title_en")),
        ("2026-01-20 19:00", "tomorrow", FormError(FormProblem.BAD_TIME, "starts")),
        ("2026-01-20 19:00", "2026-01-01 19:00", FormError(FormProblem.IN_THE_PAST, "starts")),
        ("2026-01-19 12:00", "2026-01-21 12:00", FormError(FormProblem.DEADLINE_AFTER_START, "deadline")),
        ("10/12", "ten", FormError(FormProblem.BAD_CAPACITY, "capacity")),
        ("10/12", "0/0", FormError(FormProblem.BAD_CAPACITY, "capacity")),
        ("25-35", "35-25", FormError(FormProblem.BAD_AGES, "ages")),
        ("25-35", "12-30", FormError(FormProblem.BAD_AGES, "ages")),
        ("premium, private", "gold", FormError(FormProblem.UNKNOWN_TIER, "tiers")),
        ("premium=99.00", "premium=9.999", FormError(FormProblem.BAD_PRICE, "prices")),
        ("premium=99.00", "basic=10", FormError(FormProblem.BAD_PRICE, "prices")),
        ("Wine salon", "W" * 81, FormError(FormProblem.TOO_LONG, "title_en")),
        ("ages:", "colour: red\nages:", FormError(FormProblem.UNKNOWN_FIELD, "colour")),
    ],
)
def test_each_bad_line_is_named(old: str, new: str, error: FormError) -> None:
    parsed = parse(FORM.replace(old, new))
    assert isinstance(parsed, list) and error in parsed


def test_full_width_colons_are_read() -> None:
    assert isinstance(parse(FORM.replace(": ", "：")), EventSpec)


def test_capacity_forms() -> None:
    assert parse_capacity("3 / 0") == Capacity(men=3, women=0)
    assert parse_capacity("501") is None and parse_capacity("0") is None


def test_regions_match_a_city_or_a_whole_province() -> None:
    assert in_region(None, None) and in_region("310000", "310100") and in_region("330100", "330100")
    assert not in_region("330100", "330200") and not in_region("310000", None)


def client(**changes: object) -> Attendee:
    base = {"status": "active", "tier": "premium", "gender": "female", "age": 30, "region_code": "310100"}
    return Attendee(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"status": "paused"}, SignupProblem.PAUSED),
        ({"tier": "basic"}, SignupProblem.TIER),
        ({"age": 24}, SignupProblem.AGE),
        ({"age": 36}, SignupProblem.AGE),
        ({"age": None}, SignupProblem.AGE),
        ({"region_code": "440100"}, SignupProblem.REGION),
        ({"gender": None}, SignupProblem.NO_SIDE),
    ],
)
def test_who_an_event_is_for(changes: dict[str, object], problem: SignupProblem | None) -> None:
    assert fit_problem(spec(), client(**changes)) is problem


def test_sign_up_problems_come_before_fit() -> None:
    event = spec()
    assert signup_problem(event, EventState.CANCELLED, client(), now=NOW, already=False) is SignupProblem.CANCELLED
    assert signup_problem(event, EventState.PUBLISHED, client(), now=NOW, already=True) is SignupProblem.ALREADY
    closed = event.deadline
    assert closed is not None
    assert signup_problem(event, EventState.PUBLISHED, client(), now=closed, already=False) is SignupProblem.CLOSED
    no_deadline = spec(deadline=None)
    late = no_deadline.starts_at - timedelta(minutes=1)
    assert signup_problem(no_deadline, EventState.PUBLISHED, client(), now=late, already=False) is None


def test_a_full_side_waitlists_while_the_other_side_still_seats() -> None:
    capacity = Capacity(men=1, women=2)
    assert admission(capacity, Side.MALE, 0) is SignupState.CONFIRMED
    assert admission(capacity, Side.MALE, 1) is SignupState.WAITLISTED
    assert admission(capacity, Side.FEMALE, 1) is SignupState.CONFIRMED
    assert admission(Capacity(total=1), Side.OPEN, 1) is SignupState.WAITLISTED


def test_the_longest_waiting_of_the_freed_side_is_promoted() -> None:
    w1, m2, m1 = uuid4(), uuid4(), uuid4()
    waitlist = [
        Waiting(w1, Side.FEMALE, NOW),
        Waiting(m2, Side.MALE, NOW + timedelta(minutes=2)),
        Waiting(m1, Side.MALE, NOW + timedelta(minutes=1)),
    ]
    promoted = next_in_line(waitlist, Side.MALE)
    assert promoted is not None and promoted.signup_id == m1
    assert next_in_line(waitlist, Side.OPEN) is None


def test_a_cancellation_within_a_day_is_late() -> None:
    starts = NOW + timedelta(hours=24)
    assert not is_late_cancellation(starts, NOW)
    assert is_late_cancellation(starts, NOW + timedelta(seconds=1))


def test_invitations_go_out_one_every_three_seconds() -> None:
    assert invitation_times(NOW, 3) == [NOW, NOW + timedelta(seconds=3), NOW + timedelta(seconds=6)]
    assert invitation_times(NOW, 0) == []


def test_the_coarse_age_is_the_age_reached_this_year() -> None:
    assert age_from_birth_year(1996, 2026) == 30 and age_from_birth_year(None, 2026) is None


def test_check_in_codes_are_easy_to_type_and_read_back_however_written() -> None:
    code = checkin_code(bytes(range(40, 48)))
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert normalize_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert normalize_code("ABCD1234") is None and normalize_code("SHORT") is None and normalize_code("") is None
    with pytest.raises(ValueError):
        checkin_code(b"123")


def test_the_door_is_open_from_three_hours_before_to_four_after() -> None:
    assert not door_open(NOW, NOW - timedelta(hours=3, seconds=1)) and door_open(NOW, NOW - timedelta(hours=3))
    assert door_open(NOW, NOW + timedelta(hours=4)) and not door_open(NOW, NOW + timedelta(hours=4, seconds=1))


def test_reminders_a_day_and_two_hours_before_when_still_ahead() -> None:
    starts = NOW + timedelta(hours=10)
    assert reminder_times(starts, NOW) == [(2, NOW + timedelta(hours=8))]
    assert len(reminder_times(NOW + timedelta(days=3), NOW)) == 2
    assert parse_reminder_ref(reminder_ref("ab12", 24)) == ("ab12", 24)
    assert parse_reminder_ref("ab12:xh") is None and parse_reminder_ref("ab12") is None


def test_picks_are_among_checked_in_attendees_of_the_other_side() -> None:
    event, other_event = uuid4(), uuid4()
    man = Present(uuid4(), event, Side.MALE, True)
    woman = Present(uuid4(), event, Side.FEMALE, True)
    absent = Present(uuid4(), event, Side.FEMALE, False)
    other_man = Present(uuid4(), event, Side.MALE, True)
    elsewhere = Present(uuid4(), other_event, Side.FEMALE, True)
    after = NOW + timedelta(hours=5)
    assert pick_problem(man, woman, starts_at=NOW, now=after) is None
    assert pick_problem(man, absent, starts_at=NOW, now=after) is PickProblem.DID_NOT_ATTEND
    assert pick_problem(man, elsewhere, starts_at=NOW, now=after) is PickProblem.DID_NOT_ATTEND
    assert pick_problem(man, other_man, starts_at=NOW, now=after) is PickProblem.SAME_SIDE
    assert pick_problem(absent, man, starts_at=NOW, now=after) is PickProblem.NOT_ATTENDED
    assert pick_problem(man, man, starts_at=NOW, now=after) is PickProblem.SELF
    assert pick_problem(man, woman, starts_at=NOW, now=NOW - timedelta(minutes=1)) is PickProblem.CLOSED
    assert pick_problem(man, woman, starts_at=NOW, now=NOW + timedelta(days=8)) is PickProblem.CLOSED
    assert other_side(man, [man, woman, absent, other_man]) == [woman]
    open_room = [Present(uuid4(), event, Side.OPEN, True), Present(uuid4(), event, Side.OPEN, True)]
    assert other_side(open_room[0], open_room) == [open_room[1]]


def test_mutual_pairs_count_each_pair_once() -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    assert mutual_pairs([(a, b), (b, a), (a, c), (c, b)]) == 1
    assert mutual_pairs([]) == 0
