"""The commission rules on their own: the rule in force, lines per counselor, months in the agency's time zone,
the day an approval is booked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from domain.personnel.commissions import (
    CommissionEvent,
    Outcome,
    Rule,
    bookable_on,
    current_rules,
    month_bounds,
    next_statement_run_at,
    parse_month_code,
    rule_for,
    statement_lines,
    total_minor,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def rule(rule_id: int, amount: int, since: datetime, tier: str = "premium") -> Rule:
    return Rule(rule_id, Outcome.PAID_MEMBERSHIP, tier, "CNY", amount, since)


def test_the_rule_in_force_is_the_newest_not_later_than_the_event() -> None:
    rules = [rule(1, 100, T0), rule(2, 150, T0 + timedelta(days=10)), rule(3, 0, T0 + timedelta(days=20))]
    assert rule_for(rules, Outcome.PAID_MEMBERSHIP, "premium", "CNY", T0 - timedelta(seconds=1)) is None
    assert rule_for(rules, Outcome.PAID_MEMBERSHIP, "premium", "CNY", T0 + timedelta(days=5)) == rules[0]
    assert rule_for(rules, Outcome.PAID_MEMBERSHIP, "premium", "CNY", T0 + timedelta(days=10)) == rules[1]
    assert rule_for(rules, Outcome.PAID_MEMBERSHIP, "private", "CNY", T0 + timedelta(days=10)) is None
    assert current_rules(rules, "CNY", T0 + timedelta(days=30))[(Outcome.PAID_MEMBERSHIP, "premium")] == rules[2]


def test_lines_per_counselor_skip_events_without_a_paying_rule() -> None:
    anna, boris = uuid4(), uuid4()
    rules = [rule(1, 100, T0), rule(2, 0, T0, tier="private")]

    def event(counselor: object, tier: str, day: int) -> CommissionEvent:
        return CommissionEvent(Outcome.PAID_MEMBERSHIP, uuid4(), uuid4(), counselor, tier, T0 + timedelta(days=day))  # type: ignore[arg-type]

    events = [
        event(anna, "premium", 2),
        event(anna, "private", 3),
        event(boris, "premium", 1),
        event(anna, "premium", 1),
    ]
    lines = statement_lines(events, rules, "CNY")
    assert {counselor: total_minor(found) for counselor, found in lines.items()} == {anna: 200, boris: 100}
    assert [line.event.occurred_at.day for line in lines[anna]] == [2, 3]  # in time order


def test_a_month_is_the_agency_s_calendar_month() -> None:
    start, end = month_bounds(date(2026, 11, 1), SHANGHAI)
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert parse_month_code("2026-11") == date(2026, 11, 1)
    assert parse_month_code("2026-13") is None and parse_month_code("November") is None


def test_the_monthly_run_is_the_next_first_of_a_month_at_seven() -> None:
    assert next_statement_run_at(datetime(2026, 11, 10, tzinfo=UTC), SHANGHAI) == datetime(
        2026, 12, 1, 7, 0, tzinfo=SHANGHAI
    )
    at_run = datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI)
    assert next_statement_run_at(at_run, SHANGHAI) == datetime(2027, 1, 1, 7, 0, tzinfo=SHANGHAI)


def test_an_approval_is_booked_on_the_month_s_last_day_unless_the_month_is_closed() -> None:
    november = date(2026, 11, 1)
    assert bookable_on(november, None, date(2026, 12, 3)) == date(2026, 11, 30)
    assert bookable_on(november, date(2026, 10, 1), date(2026, 12, 3)) == date(2026, 11, 30)
    assert bookable_on(november, date(2026, 11, 1), date(2026, 12, 3)) == date(2026, 12, 3)
