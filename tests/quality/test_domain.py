"""The rules of a complaint case: owner, severity, the SLA clock and escalation, who may handle it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.quality import (
    Breach,
    CaseRefusal,
    CaseState,
    Category,
    Outcome,
    Owner,
    Severity,
    TextProblem,
    breach,
    complaint_text,
    deadlines,
    ensure_can_handle,
    escalation_due,
    outcome_fits,
    owner_for,
    resolve_refusal,
    severity_of,
    starting_severity,
)
from domain.staff import Permission, PermissionDenied, Refusal, Role

OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_case_about_staff_belongs_to_a_manager_and_the_rest_to_customer_service() -> None:
    assert owner_for(Category.STAFF) is Owner.MANAGER
    for category in (Category.CLIENT, Category.SERVICE, Category.FEES, Category.SUGGESTION):
        assert owner_for(category) is Owner.CUSTOMER_SERVICE


def test_starting_severity() -> None:
    assert starting_severity(Category.SUGGESTION) is Severity.LOW
    assert starting_severity(Category.SERVICE) is Severity.NORMAL
    assert starting_severity(Category.STAFF) is Severity.HIGH
    assert starting_severity(Category.CLIENT, serious=True) is Severity.HIGH
    assert starting_severity(Category.STAFF, serious=True) is Severity.URGENT


def test_repeated_reports_about_one_profile_raise_priority() -> None:
    assert starting_severity(Category.CLIENT, earlier_about_same=0) is Severity.NORMAL
    assert starting_severity(Category.CLIENT, earlier_about_same=1) is Severity.HIGH
    assert starting_severity(Category.CLIENT, earlier_about_same=2) is Severity.URGENT
    assert starting_severity(Category.SUGGESTION, earlier_about_same=5) is Severity.LOW


def test_severity_codes_round_trip() -> None:
    for severity in Severity:
        assert severity_of(severity.code) is severity


def test_the_sla_clock_and_escalation_once_per_level() -> None:
    due = deadlines(Severity.HIGH, OPENED)
    assert due.first_response == OPENED + timedelta(hours=4)
    assert due.resolution == OPENED + timedelta(days=2)
    at = OPENED + timedelta(hours=3, minutes=59)
    assert breach(due, responded_at=None, resolved_at=None, now=at) is Breach.NONE
    late = OPENED + timedelta(hours=4)
    assert breach(due, responded_at=None, resolved_at=None, now=late) is Breach.FIRST_RESPONSE
    assert breach(due, responded_at=OPENED, resolved_at=None, now=late) is Breach.NONE
    very_late = OPENED + timedelta(days=2)
    assert breach(due, responded_at=OPENED, resolved_at=None, now=very_late) is Breach.RESOLUTION
    assert breach(due, responded_at=OPENED, resolved_at=very_late, now=very_late) is Breach.NONE
    assert escalation_due(0, Breach.FIRST_RESPONSE) is Breach.FIRST_RESPONSE
    assert escalation_due(1, Breach.FIRST_RESPONSE) is None
    assert escalation_due(1, Breach.RESOLUTION) is Breach.RESOLUTION
    assert escalation_due(2, Breach.RESOLUTION) is None
    assert escalation_due(0, Breach.NONE) is None


@pytest.mark.parametrize("role", list(Role))
def test_who_may_handle_which_case(role: Role) -> None:
    customer_case = role in (Role.OWNER, Role.MANAGER, Role.CUSTOMER_SERVICE)
    staff_case = role in (Role.OWNER, Role.MANAGER)
    for owner, allowed in ((Owner.CUSTOMER_SERVICE, customer_case), (Owner.MANAGER, staff_case)):
        if allowed:
            assert ensure_can_handle(role, owner) is role
        else:
            with pytest.raises(PermissionDenied):
                ensure_can_handle(role, owner)


def test_customer_service_is_told_a_staff_case_needs_quality_supervision() -> None:
    with pytest.raises(PermissionDenied) as refused:
        ensure_can_handle(Role.CUSTOMER_SERVICE, Owner.MANAGER)
    assert refused.value.permission is Permission.SUPERVISE_QUALITY
    with pytest.raises(PermissionDenied) as not_staff:
        ensure_can_handle(None, Owner.CUSTOMER_SERVICE)
    assert not_staff.value.refusal is Refusal.NOT_STAFF


def test_resolving_needs_a_taken_open_case() -> None:
    assert resolve_refusal(CaseState.OPEN) is CaseRefusal.NOT_TAKEN
    assert resolve_refusal(CaseState.IN_PROGRESS) is None
    assert resolve_refusal(CaseState.RESOLVED) is CaseRefusal.RESOLVED


def test_a_suggestion_is_noted_and_a_complaint_is_judged() -> None:
    assert outcome_fits(Category.SUGGESTION, Outcome.NOTED)
    assert not outcome_fits(Category.SUGGESTION, Outcome.UPHELD)
    assert outcome_fits(Category.SERVICE, Outcome.NOT_UPHELD)
    assert not outcome_fits(Category.STAFF, Outcome.NOTED)


def test_complaint_text() -> None:
    assert complaint_text("  rude on the phone  ") == "rude on the phone"
    assert complaint_text("   ") is TextProblem.EMPTY
    assert complaint_text("x" * 1001) is TextProblem.TOO_LONG


def test_moderation_actions() -> None:
    from domain.quality import Moderation, ModerationState, hidden_until, is_hidden, moderation_state

    now = OPENED
    assert Moderation.DISMISS.outcome is Outcome.NOT_UPHELD and Moderation.WARN.outcome is Outcome.UPHELD
    assert hidden_until(Moderation.HIDE_7, now) == now + timedelta(days=7)
    assert hidden_until(Moderation.WARN, now) is None
    assert moderation_state(Moderation.HIDE_30) is ModerationState.HIDDEN
    until = now + timedelta(days=7)
    assert is_hidden(ModerationState.HIDDEN, until, now)
    assert not is_hidden(ModerationState.HIDDEN, until, until)
    assert is_hidden(ModerationState.SUSPENDED, None, now)
    assert not is_hidden(ModerationState.WARNED, None, now)


def test_penalty_orders() -> None:
    from domain.quality import OrderProblem, PenaltyKind, complaint_reference_in, parse_penalty_order

    order = parse_penalty_order("1A2B3C4D fine 200.50 Leaked a phone number, case #ab12cd34")
    assert not isinstance(order, OrderProblem)
    assert (order.member, order.kind, order.amount) == ("1a2b3c4d", PenaltyKind.FINE, "200.50")
    assert complaint_reference_in(order.reason) == "ab12cd34"
    warning = parse_penalty_order("1a2b3c4d warning Late again")
    assert not isinstance(warning, OrderProblem) and warning.amount is None and warning.reason == "Late again"
    assert parse_penalty_order("1a2b3c4d fine Leaked it") is OrderProblem.NO_AMOUNT
    assert parse_penalty_order("1a2b3c4d dismissal") is OrderProblem.NO_REASON
    assert parse_penalty_order("1a2b3c4d shouting Loud") is OrderProblem.USAGE
    assert parse_penalty_order("") is OrderProblem.USAGE
    assert parse_penalty_order("1a2b3c4d warning " + "x" * 501) is OrderProblem.TOO_LONG
    assert complaint_reference_in("no evidence") is None


@pytest.mark.parametrize("actor", list(Role))
def test_who_may_penalise_whom(actor: Role) -> None:
    from domain.quality import PenaltyRefusal, ensure_can_penalise

    if actor not in (Role.OWNER, Role.MANAGER):
        with pytest.raises(PermissionDenied):
            ensure_can_penalise(actor, Role.COUNSELOR, is_self=False)
        return
    assert ensure_can_penalise(actor, Role.COUNSELOR, is_self=False) is None
    assert ensure_can_penalise(actor, Role.CUSTOMER_SERVICE, is_self=False) is None
    assert ensure_can_penalise(actor, Role.MANAGER, is_self=True) is PenaltyRefusal.SELF
    expected = None if actor is Role.OWNER else PenaltyRefusal.OUTRANKS
    assert ensure_can_penalise(actor, Role.MANAGER, is_self=False) is expected


def test_survey_rules() -> None:
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from domain.quality import (
        average,
        low_score_category,
        month_before,
        net_promoter_score,
        next_survey_at,
        survey_month,
        to_ask,
        valid_counselor_score,
        valid_nps,
    )

    shanghai = ZoneInfo("Asia/Shanghai")
    assert next_survey_at(datetime(2026, 12, 6, tzinfo=UTC), shanghai) == datetime(2027, 1, 1, 10, tzinfo=shanghai)
    assert next_survey_at(datetime(2027, 1, 1, 1, 59, tzinfo=UTC), shanghai) == datetime(
        2027, 1, 1, 10, tzinfo=shanghai
    )
    assert next_survey_at(datetime(2027, 1, 1, 2, tzinfo=UTC), shanghai) == datetime(2027, 2, 1, 10, tzinfo=shanghai)
    assert survey_month(datetime(2027, 1, 1).date()) == "2027-01"
    assert month_before("2027-01") == "2026-12" and month_before("2027-03") == "2027-02"
    now = OPENED
    assert to_ask("active", now - timedelta(days=30), now)
    assert not to_ask("active", now - timedelta(days=29), now)  # new
    assert not to_ask("paused", now - timedelta(days=300), now)
    assert valid_nps(0) and valid_nps(10) and not valid_nps(11) and not valid_nps(-1)
    assert valid_counselor_score(1) and not valid_counselor_score(0) and not valid_counselor_score(6)
    assert low_score_category(10, 2) is Category.STAFF
    assert low_score_category(4, 5) is Category.SERVICE
    assert low_score_category(5, None) is None
    assert net_promoter_score([10, 9, 8, 3]) == 25 and net_promoter_score([]) is None
    assert average([4, 5, 5]) == Decimal("4.7") and average([]) is None


def test_scores_typed_in_either_language() -> None:
    from domain.quality import typed_score

    assert [typed_score(t) for t in ("4", "４", "four", "Four.", "四", "四分", "十", "11", "great", "")] == [
        4,
        4,
        4,
        4,
        4,
        4,
        10,
        11,
        None,
        None,
    ]
