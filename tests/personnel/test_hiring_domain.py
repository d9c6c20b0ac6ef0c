"""Hiring rules: stages move one step at a time or to declined, a hire needs a free seat, job-link payloads,
and the answers a candidate and a manager type."""

from __future__ import annotations

import pytest

from domain.personnel.hiring import (
    AnswerProblem,
    FormProblem,
    MoveRefusal,
    PositionState,
    Stage,
    accepts_applications,
    candidate_name,
    candidate_phone,
    closes_when_hired,
    code_from_payload,
    free_answer,
    headcount,
    move_refusal,
    new_position_code,
    next_stage,
    payload,
    position_title,
)


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        (Stage.APPLIED, Stage.INTERVIEW, None),
        (Stage.INTERVIEW, Stage.OFFER, None),
        (Stage.OFFER, Stage.HIRED, None),
        (Stage.APPLIED, Stage.OFFER, MoveRefusal.NOT_NEXT),
        (Stage.APPLIED, Stage.HIRED, MoveRefusal.NOT_NEXT),
        (Stage.INTERVIEW, Stage.APPLIED, MoveRefusal.NOT_NEXT),
        (Stage.APPLIED, Stage.DECLINED, None),
        (Stage.OFFER, Stage.DECLINED, None),
        (Stage.HIRED, Stage.DECLINED, MoveRefusal.FINAL),
        (Stage.DECLINED, Stage.INTERVIEW, MoveRefusal.FINAL),
    ],
)
def test_a_candidate_moves_one_stage_on_or_is_declined(
    current: Stage, target: Stage, expected: MoveRefusal | None
) -> None:
    assert move_refusal(current, target, filled=0, headcount=2) is expected


def test_a_hire_needs_a_free_seat_and_the_last_one_closes_the_position() -> None:
    assert move_refusal(Stage.OFFER, Stage.HIRED, filled=2, headcount=2) is MoveRefusal.FULL
    assert move_refusal(Stage.OFFER, Stage.DECLINED, filled=2, headcount=2) is None
    assert closes_when_hired(filled_after=2, headcount=2)
    assert not closes_when_hired(filled_after=1, headcount=2)
    assert accepts_applications(PositionState.OPEN, filled=1, headcount=2)
    assert not accepts_applications(PositionState.OPEN, filled=2, headcount=2)
    assert not accepts_applications(PositionState.CLOSED, filled=0, headcount=2)
    assert [next_stage(s) for s in Stage] == [Stage.INTERVIEW, Stage.OFFER, Stage.HIRED, None, None]


def test_job_link_payloads() -> None:
    code = new_position_code()
    assert len(code) == 8 and code == code.lower()
    assert code_from_payload(payload(code)) == code
    assert code_from_payload(payload(code).upper()) == code
    assert code_from_payload("staff-" + code) is None
    assert code_from_payload("apply-short") is None
    assert code_from_payload(None) is None
    assert len(payload(code)) <= 64


def test_the_candidates_answers() -> None:
    assert candidate_name("  Wang   Xiaoming ") == "Wang Xiaoming"
    assert candidate_name("王小明") == "王小明"
    assert candidate_name("http://spam.example") is AnswerProblem.NOT_A_NAME
    assert candidate_name("12345") is AnswerProblem.NOT_A_NAME
    assert candidate_name("Anna\nZhang") is AnswerProblem.NOT_A_NAME
    assert candidate_name("") is AnswerProblem.EMPTY
    assert candidate_name("a" * 65) is AnswerProblem.TOO_LONG
    assert candidate_phone("138 0013 8000") == "+8613800138000"
    assert candidate_phone(None, shared="8613800138000") == "+8613800138000"
    assert candidate_phone("12") is AnswerProblem.NOT_A_PHONE
    assert candidate_phone(None) is AnswerProblem.NOT_A_PHONE
    assert free_answer("Five years in customer service") == "Five years in customer service"
    assert free_answer("x") is AnswerProblem.TOO_SHORT
    assert free_answer("/help") is AnswerProblem.EMPTY
    assert free_answer("y" * 1001) is AnswerProblem.TOO_LONG


def test_the_managers_position_form() -> None:
    assert position_title(" Counselor,   Shanghai ") == "Counselor, Shanghai"
    assert position_title("t" * 81) is FormProblem.TOO_LONG
    assert headcount("3") == 3
    assert headcount("０") is FormProblem.NOT_A_NUMBER
    assert headcount("３") == 3  # a full-width digit typed on a Chinese keyboard
    assert headcount("100") is FormProblem.NOT_A_NUMBER
    assert headcount("two") is FormProblem.NOT_A_NUMBER
