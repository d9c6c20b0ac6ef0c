"""Learning each side's chance of saying yes from hand-built answer histories with known outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.matching.learning import (
    PRIOR_ANSWERS,
    Answer,
    AnswerKind,
    Figures,
    FutureAnswerError,
    Learner,
    Tally,
    before,
    chance,
    features,
    mutual,
)
from tests.matching.builders import DAY, person, woman

T0 = datetime(2026, 5, 1, 9, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def learner_of(answers: list[Answer[str]], seen: dict[tuple[str, str], tuple[str, ...]] | None = None) -> Learner[str]:
    learner: Learner[str] = Learner()
    for answer in sorted(answers, key=lambda a: a.at):
        learner.observe(answer, (seen or {}).get((answer.decider, answer.other), ()))
    return learner


def history(decider: str, yes: int, no: int, *, start: int = 0, prefix: str = "x") -> list[Answer[str]]:
    return [Answer(decider, f"{prefix}{i}", i < yes, at(start + i)) for i in range(yes + no)]


def test_a_newcomer_has_the_population_figures_not_a_cliff() -> None:
    answers = history("a", 6, 4) + history("b", 2, 8, start=20)
    learner = learner_of(answers)
    mu = learner.population.rate(0.5, 2.0)
    new = learner.chance("newcomer", "stranger", (), at=at(100))
    assert new.probability == pytest.approx(mu)
    assert new.yes_rate == 0 and new.appeal == 0


def test_a_choosy_person_is_learned_and_one_pass_moves_little() -> None:
    others = history("p", 50, 50, prefix="o")
    choosy = learner_of(others + history("c", 1, 19, start=200))
    once = learner_of(others + history("c", 0, 1, start=200))
    mu = choosy.population.rate(0.5, 2.0)
    p_choosy = choosy.chance("c", "z", (), at=at(999)).probability
    p_once = once.chance("c", "z", (), at=at(999)).probability
    assert p_choosy < 0.2 < mu
    assert p_choosy < p_once < once.population.rate(0.5, 2.0)
    # Smoothed, not raw: one pass out of one is far from a yes-rate of 0.
    assert p_once > 0.8 * once.population.rate(0.5, 2.0)
    # The rate is the Beta posterior mean toward the population.
    figures = choosy.figures("c")
    assert figures.said.rate(mu, PRIOR_ANSWERS) == pytest.approx((1 + PRIOR_ANSWERS * mu) / (20 + PRIOR_ANSWERS))


def test_appeal_is_how_often_others_say_yes() -> None:
    liked = [Answer(f"d{i}", "star", True, at(i)) for i in range(10)]
    ignored = [Answer(f"e{i}", "shy", False, at(20 + i)) for i in range(10)]
    learner = learner_of(liked + ignored)
    assert learner.chance("n", "star", (), at=at(99)).probability > 0.7
    assert learner.chance("n", "shy", (), at=at(99)).probability < 0.3


def test_revealed_taste_prefers_what_was_said_yes_to() -> None:
    seen: dict[tuple[str, str], tuple[str, ...]] = {}
    answers: list[Answer[str]] = []
    for i in range(20):
        hiker = i % 2 == 0
        other = f"o{i}"
        seen[("a", other)] = ("hobby:hiking",) if hiker else ("hobby:gaming",)
        answers.append(Answer("a", other, hiker, at(i)))
    learner = learner_of(answers, seen)
    hiking = learner.chance("a", "new1", ("hobby:hiking",), at=at(99)).probability
    gaming = learner.chance("a", "new2", ("hobby:gaming",), at=at(99)).probability
    unseen = learner.chance("a", "new3", ("hobby:tea",), at=at(99)).probability
    assert hiking > unseen > gaming
    assert unseen == pytest.approx(learner.chance("a", "new4", (), at=at(99)).probability)


def test_an_answer_from_the_future_changes_nothing() -> None:
    past = [*history("a", 3, 7), Answer("q", "b", True, at(30))]
    moment = at(50)
    planted = [*past, Answer("a", "b", True, at(60)), Answer("b", "a", True, at(50))]
    clean = learner_of(list(before(past, moment)))
    dirty = learner_of(list(before(planted, moment)))
    for decider, other in (("a", "b"), ("b", "a")):
        assert dirty.chance(decider, other, ("hobby:tea",), at=moment) == clean.chance(
            decider, other, ("hobby:tea",), at=moment
        )


def test_scoring_a_moment_before_an_answer_taken_in_is_refused() -> None:
    learner = learner_of(history("a", 1, 1))
    with pytest.raises(FutureAnswerError):
        learner.chance("a", "b", (), at=at(1))
    with pytest.raises(FutureAnswerError):
        learner.observe(Answer("a", "b", True, at(0)), ())


def test_a_new_client_is_ranked_by_what_they_stated_then_by_what_they_do() -> None:
    population = Tally(40, 100)
    good, poor = 0.9, 0.3
    new = Figures()
    assert (
        chance(new, Figures(), population, (), stated=good).probability
        > chance(new, Figures(), population, (), stated=poor).probability
    )
    # With many answers, behaviour leads: stated fit counts for far less.
    seasoned = Figures()
    for i in range(200):
        seasoned.said_answer(i % 2 == 0, ())
    new_gap = (
        chance(new, Figures(), population, (), stated=good).stated
        - chance(new, Figures(), population, (), stated=poor).stated
    )
    seasoned_gap = (
        chance(seasoned, Figures(), population, (), stated=good).stated
        - chance(seasoned, Figures(), population, (), stated=poor).stated
    )
    assert seasoned_gap < new_gap / 10


def test_behaviour_switched_off_ranks_by_stated_preferences_only() -> None:
    population = Tally(40, 100)
    choosy, star = Figures(), Figures()
    for _ in range(30):
        choosy.said_answer(False, ("hobby:tea",))
        star.got.add(True)
    off = chance(choosy, star, population, ("hobby:tea",), stated=0.6, behaviour=False)
    plain = chance(Figures(), Figures(), population, (), stated=0.6, behaviour=False)
    assert off == plain
    assert off.yes_rate == off.appeal == off.taste == 0.0


def test_the_reciprocal_chance_is_the_chance_both_say_yes() -> None:
    assert mutual(0.5, 0.4) == pytest.approx(0.2)
    assert mutual(0.9, 0.1) < mutual(0.5, 0.5)


def test_figures_round_trip_as_data() -> None:
    figures = Figures()
    figures.said_answer(True, ("hobby:tea", "education:master"))
    figures.said_answer(False, ("hobby:tea",))
    figures.got.add(True)
    data = figures.as_data()
    assert data == {
        "said_yes": 1,
        "answered": 2,
        "got_yes": 1,
        "got_answers": 1,
        "taste": {"education:master": [1, 1], "hobby:tea": [1, 2]},
    }
    assert Figures.from_data(data) == figures


def test_features_are_coarse_and_seen_from_the_decider() -> None:
    him = person(1, hobbies={"hiking", "tea"})
    her = woman(2, hobbies={"hiking", "music"}, education="master", personality={"humorous"})
    seen = features(him, her, DAY)
    assert "age_gap:-2..0" in seen
    assert "education:master" in seen
    assert "region:same" in seen
    assert "hobby:hiking" in seen and "hobby:music" in seen
    assert "trait:humorous" in seen
    assert "shared_hobbies:1" in seen
    assert "height_gap:-15..-6" in seen
    assert AnswerKind("date") is AnswerKind.DATE
