"""The replay evaluator: AUC and AP against brute force on small cases, per-list figures, the bootstrap, and a
replay that never uses an answer from the future."""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import cast

import numpy as np
import pytest

from domain.matching.evaluation import (
    ScoredLog,
    auc,
    average_precision,
    bootstrap,
    interval,
    list_figures,
    precision_at,
    quality,
)
from domain.matching.learning import Answer, AnswerKind
from domain.matching.model import MatchProfile
from domain.matching.replay import METHODS, ONE_SIDED, RECIPROCAL, STATED, pairs_of, replay
from tests.matching.builders import person, woman

T0 = datetime(2026, 5, 1, 9, tzinfo=UTC)


def brute_auc(scores: list[float], labels: list[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def brute_ap(scores: list[float], labels: list[bool]) -> float:
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    total = 0.0
    for threshold in positives:
        above = [y for s, y in zip(scores, labels, strict=True) if s >= threshold]
        total += sum(above) / len(above)
    return total / len(positives)


@pytest.mark.parametrize("seed", range(30))
def test_auc_and_ap_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 14)
    scores = [float(rng.randint(0, 5)) for _ in range(n)]  # many ties
    labels = [rng.random() < 0.4 for _ in range(n)]
    labels[0], labels[1] = True, False
    assert auc(scores, labels) == pytest.approx(brute_auc(scores, labels))
    assert average_precision(scores, labels) == pytest.approx(brute_ap(scores, labels))


def test_weights_are_multiplicities() -> None:
    rng = random.Random(3)
    scores = [rng.random() for _ in range(12)]
    labels = [i % 3 == 0 for i in range(12)]
    weights = [rng.randint(0, 3) for _ in range(12)]
    repeated_scores = [s for s, w in zip(scores, weights, strict=True) for _ in range(w)]
    repeated_labels = [y for y, w in zip(labels, weights, strict=True) for _ in range(w)]
    w = np.asarray(weights, dtype=np.float64)
    assert auc(scores, labels, w) == pytest.approx(brute_auc(repeated_scores, repeated_labels))
    assert average_precision(scores, labels, w) == pytest.approx(brute_ap(repeated_scores, repeated_labels))


def test_known_cases() -> None:
    assert auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert auc([0.1, 0.8, 0.9], [True, False, False]) == 0.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert average_precision([0.9, 0.8, 0.7], [False, True, True]) == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert precision_at([0.1, 0.9, 0.5, 0.7], [False, True, False, True], 3) == pytest.approx(2 / 3)


def test_list_figures_count_only_lists_with_a_mutual_yes() -> None:
    scores = np.array([0.9, 0.1, 0.5, 0.4, 0.3, 0.2, 0.8, 0.7])
    labels = np.array([False, True, True, False, False, False, False, False])
    lists = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    p3, top = list_figures(scores, labels, lists)
    assert p3[0] == pytest.approx(2 / 3) and top[0] == 0.0
    assert np.isnan(p3[1]) and np.isnan(p3[2])  # no mutual yes; too short


def test_the_bootstrap_brackets_the_point_figure() -> None:
    rng = np.random.default_rng(1)
    labels = rng.random(400) < 0.3
    log = ScoredLog(
        scores={"good": labels + rng.normal(0, 0.8, 400), "bad": rng.random(400)},
        labels=labels,
        askers=np.arange(400) // 8,
        lists=np.arange(400) // 4,
    )
    drawn = bootstrap(log, ["good", "bad"], rounds=100)
    good = interval([q.auc for q in drawn["good"]], quality(log, "good").auc)
    diff = interval([a.auc - b.auc for a, b in zip(drawn["good"], drawn["bad"], strict=True)], 0.0)
    assert good.low < good.value < good.high
    assert diff.excludes_zero()


def answers_between(him: str, her: str, hours: int, yes_his: bool, yes_hers: bool) -> list[Answer[str]]:
    return [
        Answer(him, her, yes_his, T0 + timedelta(hours=hours)),
        Answer(her, him, yes_hers, T0 + timedelta(hours=hours + 1)),
    ]


def test_pairs_are_scored_from_the_first_answer_and_labelled_mutual() -> None:
    log = answers_between("a", "b", 0, True, True) + answers_between("c", "b", 5, True, False)
    log.append(Answer("a", "d", True, T0 + timedelta(hours=9)))  # never answered back: no label
    pairs = pairs_of(log)
    assert [(p.asker, p.candidate, p.mutual) for p in pairs] == [("a", "b", True), ("c", "b", False)]
    assert pairs[0].moment == T0


def named(profile: MatchProfile[int], name: str) -> MatchProfile[str]:
    return cast("MatchProfile[str]", dataclasses.replace(profile, id=name))  # type: ignore[arg-type]


def test_a_planted_future_answer_changes_no_earlier_score() -> None:
    men = [f"m{i}" for i in range(6)]
    women = [f"w{i}" for i in range(6)]
    profiles = {m: named(person(i, hobbies={"tea"} if i % 2 else {"hiking"}), m) for i, m in enumerate(men)}
    profiles |= {w: named(woman(i), w) for i, w in enumerate(women)}
    rng = random.Random(5)
    log: list[Answer[str]] = []
    hour = 0
    for m, w in itertools.product(men, women):
        log += answers_between(m, w, hour, rng.random() < 0.5, rng.random() < 0.4)
        hour += 3
    clean = replay(log, profiles)
    last = T0 + timedelta(hours=hour)
    planted = [*log, Answer("w0", "m0", True, last), Answer("m1", "w5", False, last + timedelta(hours=1))]
    dirty = replay(planted, profiles)
    for method in METHODS:
        assert np.array_equal(clean.scores[method], dirty.scores[method])
    # And the learned scores do use the past: not all equal.
    assert len(set(clean.scores[RECIPROCAL].tolist())) > 1
    assert set(clean.scores) >= {RECIPROCAL, ONE_SIDED, STATED}


def _eval_script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "eval_matching.py"
    spec = importlib.util.spec_from_file_location("eval_matching", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_agency_history_in_csv_is_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _eval_script()
    rng = random.Random(2)
    rows = ["at,decider,other,answer,kind"]
    profiles = ["id,gender,birth_year,height_cm,education,region_code,hobbies,gender_sought,age_min,age_max,must_have"]
    for n in range(12):
        gender, seeks = ("male", "female") if n % 2 == 0 else ("female", "male")
        profiles.append(f"p{n},{gender},{1990 + n},{160 + n},bachelor,310000,tea;hiking,{seeks},25,45,")
    moment = T0
    for _day in range(6):
        for m in range(0, 12, 2):
            for w in range(1, 12, 2):
                if rng.random() < 0.4:
                    moment += timedelta(minutes=7)
                    rows.append(f"{moment.isoformat()},p{m},p{w},{'yes' if rng.random() < 0.5 else 'no'},suggestion")
                    rows.append(f"{(moment + timedelta(hours=2)).isoformat()},p{w},p{m},{rng.choice(['1', '0'])},")
        moment += timedelta(days=1)
    (tmp_path / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "profiles.csv").write_text("\n".join(profiles) + "\n", encoding="utf-8")
    answers = script.read_answers(tmp_path / "answers.csv")
    assert len(answers) == len(rows) - 1 and {a.kind for a in answers} == {AnswerKind.SUGGESTION}
    read = script.read_profiles(tmp_path / "profiles.csv")
    assert read["p0"].hobbies == frozenset({"tea", "hiking"}) and read["p1"].preferences.gender_sought == "male"
    code = script.main(
        ["--answers", str(tmp_path / "answers.csv"), "--profiles", str(tmp_path / "profiles.csv"), "--rounds", "20"]
    )
    printed = capsys.readouterr().out
    assert code == 0
    for method in METHODS:
        assert method in printed
    assert "learned reciprocal - stated only: ROC AUC" in printed


def test_a_bad_answer_in_csv_names_the_line(tmp_path: Path) -> None:
    script = _eval_script()
    (tmp_path / "answers.csv").write_text("at,decider,other,answer\n2026-05-01T09:00:00,a,b,maybe\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"answers\.csv:2"):
        script.read_answers(tmp_path / "answers.csv")


def test_the_generated_log_is_deterministic_and_people_differ_in_choosiness() -> None:
    script = _eval_script()
    answers, profiles = script.generated_log(80, 4, 3)
    again, _ = script.generated_log(80, 4, 3)
    assert answers == again and len(profiles) == 80
    said: dict[str, list[bool]] = {}
    for answer in answers:
        said.setdefault(answer.decider, []).append(answer.yes)
    rates = [sum(v) / len(v) for v in said.values() if len(v) >= 8]
    assert max(rates) - min(rates) > 0.4
