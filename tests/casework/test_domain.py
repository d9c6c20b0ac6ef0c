"""The pure casework rules."""

from __future__ import annotations

from datetime import date

import pytest

from domain.casework import (
    ClosingReason,
    CurationProblem,
    StageChangeError,
    closing_reason_of,
    curation_problem,
    digest_groups,
    follow_up_day,
    least_loaded,
    may_open,
    name_matches,
    sees_every_client,
    stage_cause,
)
from domain.pipeline import Stage
from domain.staff import Role


def test_least_loaded_prefers_fewer_clients_then_the_earlier_counselor() -> None:
    assert least_loaded({"a": 2, "b": 1, "c": 1}, ["a", "b", "c"]) == "b"
    assert least_loaded({}, ["a", "b"]) == "a"
    assert least_loaded({"a": 0}, []) is None


def test_who_sees_which_client() -> None:
    assert sees_every_client(Role.OWNER) and sees_every_client(Role.MANAGER)
    assert not sees_every_client(Role.COUNSELOR) and not sees_every_client(Role.CUSTOMER_SERVICE)
    assert may_open(Role.COUNSELOR, "me", "me")
    assert not may_open(Role.COUNSELOR, "me", "other")
    assert not may_open(Role.COUNSELOR, "me", None)
    assert may_open(Role.MANAGER, "me", None)


def test_manual_stage_changes() -> None:
    assert stage_cause(Stage.MET, Stage.DATING) == "counselor"  # backwards is allowed by hand
    assert stage_cause(Stage.DATING, Stage.CLOSED) == "counselor"  # and reopening
    assert stage_cause(Stage.CLOSED, Stage.MET, ClosingReason.MARRIED) == "counselor:married"
    assert closing_reason_of("counselor:found_elsewhere") is ClosingReason.FOUND_ELSEWHERE
    assert closing_reason_of("introduction") is None
    with pytest.raises(StageChangeError):
        stage_cause(Stage.CLOSED, Stage.MET)
    with pytest.raises(StageChangeError):
        stage_cause(Stage.MET, Stage.MET)
    with pytest.raises(StageChangeError):
        stage_cause(Stage.MET, Stage.DATING, ClosingReason.OTHER)
    assert all(len(f"counselor:{reason.value}") <= 32 for reason in ClosingReason)


def test_follow_up_days_and_the_digest_groups() -> None:
    today = date(2026, 11, 27)
    assert follow_up_day(today, 0) is None
    assert follow_up_day(today, 7) == date(2026, 12, 4)
    with pytest.raises(ValueError):
        follow_up_day(today, -1)
    groups = digest_groups(
        [("a", "x", date(2026, 11, 27)), ("a", "y", date(2026, 11, 20)), ("b", "z", date(2026, 11, 28))], today
    )
    assert list(groups) == ["a"]
    assert [(item.client_id, item.overdue_days(today)) for item in groups["a"]] == [("y", 7), ("x", 0)]


def test_curation_problems_in_order() -> None:
    fine = {"client_active": True, "candidate_active": True, "already": False, "acceptable": True}
    assert curation_problem("a", "b", **fine) is None
    assert curation_problem("a", "a", **fine) is CurationProblem.SAME_PERSON
    assert curation_problem("a", "b", **{**fine, "client_active": False}) is CurationProblem.CLIENT_INACTIVE
    assert curation_problem("a", "b", **{**fine, "candidate_active": False}) is CurationProblem.CANDIDATE_INACTIVE
    assert curation_problem("a", "b", **{**fine, "already": True}) is CurationProblem.ALREADY_SUGGESTED
    assert curation_problem("a", "b", **{**fine, "acceptable": False}) is CurationProblem.NOT_ACCEPTABLE


def test_a_name_matches_every_word_typed_whatever_the_case_width_or_spaces() -> None:
    assert name_matches("wei", "Li Wei") and name_matches("WEI", "Wei Zhang")
    assert name_matches("li wei", "Li Wei") and name_matches("liwei", "Li Wei") and name_matches("wei li", "Li Wei")
    assert name_matches("青云", "诸葛 青云") and name_matches("诸葛青云", "诸葛 青云")
    assert name_matches("ａｎｎａ", "Anna Smith")  # full-width letters typed on a Chinese keyboard
    assert not name_matches("wei", "Anna Smith") and not name_matches("li zhang", "Li Wei")
    assert not name_matches("", "Li Wei") and not name_matches("   ", "Li Wei") and not name_matches("li", None)
