"""Replay evaluation of the matcher: how well each ranking predicts a mutual yes, trained only on the past.

    .venv/bin/python bench/eval_matching.py                           # a generated log (about two minutes)
    .venv/bin/python bench/eval_matching.py --people 400 --days 20    # quicker
    .venv/bin/python bench/eval_matching.py --taste-share 0           # people with no hidden taste
    .venv/bin/python bench/eval_matching.py --answers answers.csv [--profiles profiles.csv]

The log is replayed in time order (`domain.matching.replay`): each pair both sides answered is scored at the
moment of its first answer with only the answers given before it, then its answers are learned from. Printed
per ranking: ROC AUC and average precision for predicting a mutual yes over every scored pair, precision@3
and top-1 hit per asker's list of a day (lists of three or more with at least one mutual yes), each with a
bootstrap 95% interval over askers, and the paired differences that the targets are about.

**The generated log.** People from the demo generator (`domain.demo.demo_people`: ages, heights, education,
cities, hobbies, personality and partner preferences like those of the demo pool), with hidden traits the
profile does not record: a yes-rate from a tenth to four fifths (choosiness), an appeal (how others react to
them: looks, manner), a taste over the coarse features of a partner (a few features they like or dislike), and
per pair and side a chemistry no field records. A person says yes with

    logit P = logit(choosiness) + APPEAL * appeal(other) + taste(features of other)
              + STATED_WEIGHT * (stated fit - 0.5) + chemistry

where "stated fit" is today's one-way score (their stated preferences count, but only partly). Each day about a
third of the people look at a list of five candidates drawn at random among those who pass the must-have
filters both ways; each candidate answers the asker within a day; a mutual yes becomes an introduction that each
side accepts or declines two days later (learned from too). Random lists keep the evaluation fair to every
ranking: none of them chose what was shown.

**Your own history as CSV.** `--answers FILE`: one answer a line, a header row, columns
`at` (ISO 8601 time), `decider`, `other` (any ids), `answer` (`yes`/`no`, `1`/`0`, `interested`/`pass`) and an
optional `kind` (`suggestion`, `pick`, `introduction`, `date`). `--profiles FILE` (optional) gives the coarse
facts and preferences: `id`, `gender`, `birth_year`, `height_cm`, `education`, `region_code`, `marital_history`,
`has_children` (`yes`/`no`), `wants_children`, `hobbies` and `personality` (codes separated by `;`),
`gender_sought`, `age_min`, `age_max`, `height_min`, `height_max`, `min_education`, `regions` (`;`),
`marital` (`;`), `children`, `must_have` (`;`); empty cells are unknown. Without profiles only yes-rates and
appeal are learned and "stated only" scores every pair 0.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.demo import DemoPerson, demo_people
from domain.matching.evaluation import ScoredLog, bootstrap, interval, quality
from domain.matching.filters import mutually_acceptable
from domain.matching.learning import Answer, AnswerKind, features, logit, sigmoid
from domain.matching.model import MatchPreferences, MatchProfile
from domain.matching.replay import METHODS, ONE_SIDED, RECIPROCAL, STATED, replay
from domain.matching.scoring import one_way_score

START = datetime(2026, 3, 2, tzinfo=UTC)
APPEAL = 1.0
STATED_WEIGHT = 2.0
CHEMISTRY = 0.8
TASTE_SHARE = 0.3  # share of the possible features a person has a taste about
TASTE_SPREAD = 0.9
LIST_SIZE = 5
ACTIVE_SHARE = 0.35


def to_profile(person: DemoPerson, today: date) -> MatchProfile[str]:
    wish = person.preferences
    return MatchProfile(
        id=f"p{person.number}",
        gender=person.gender,
        birth_year=person.birth_date.year,
        height_cm=person.height_cm,
        education=person.education,
        region_code=person.region_code,
        marital_history=person.marital_history,
        has_children=person.has_children,
        wants_children=person.wants_children,
        personality=frozenset(person.personality),
        hobbies=frozenset(person.hobbies),
        last_active=today - timedelta(hours=person.active_hours_ago),
        preferences=MatchPreferences(
            gender_sought=wish.gender_sought,
            age_min=wish.age_min,
            age_max=wish.age_max,
            height_min=wish.height_min,
            height_max=wish.height_max,
            min_education=wish.min_education,
            regions=frozenset(wish.regions),
            marital=frozenset(wish.marital),
            children=wish.children,
            must_have=frozenset(wish.must_have),
        ),
    )


def generated_log(
    people: int, days: int, seed: int, *, taste_share: float = TASTE_SHARE
) -> tuple[list[Answer[str]], dict[str, MatchProfile[str]]]:
    """A log of answers by demo people with hidden choosiness, appeal, taste and chemistry (see the notes);
    `taste_share`: the share of the coarse features each person has a taste about (0: none)."""
    today = START.date()
    profiles = {p.id: p for p in (to_profile(d, today) for d in demo_people(people, seed=seed, today=today))}
    rng = random.Random(seed)
    ids = sorted(profiles)
    choosiness = {i: sigmoid(rng.uniform(logit(0.1), logit(0.8))) for i in ids}
    appeal = {i: rng.gauss(0.0, 1.0) for i in ids}
    universe = sorted(
        {f for a in ids[:80] for b in ids[:80] if a != b for f in features(profiles[a], profiles[b], today)}
    )
    taste = {i: {f: rng.gauss(0.0, TASTE_SPREAD) for f in universe if rng.random() < taste_share} for i in ids}
    acceptable = {
        i: [j for j in ids if j != i and mutually_acceptable(profiles[i], profiles[j], day=today)] for i in ids
    }

    def says_yes(decider: str, other: str, day: date) -> bool:
        mine = taste[decider]
        liking = sum(mine.get(f, 0.0) for f in features(profiles[decider], profiles[other], day))
        stated = one_way_score(profiles[decider], profiles[other], day)
        x = logit(choosiness[decider]) + APPEAL * appeal[other] + liking
        x += STATED_WEIGHT * (stated - 0.5) + rng.gauss(0.0, CHEMISTRY)
        return rng.random() < sigmoid(x)

    answers: list[Answer[str]] = []
    met: set[frozenset[str]] = set()
    for offset in range(days):
        day = today + timedelta(days=offset)
        morning = START + timedelta(days=offset)
        for asker in ids:
            if rng.random() >= ACTIVE_SHARE:
                continue
            fresh = [c for c in acceptable[asker] if frozenset((asker, c)) not in met]
            for candidate in rng.sample(fresh, min(LIST_SIZE, len(fresh))):
                met.add(frozenset((asker, candidate)))
                asked = morning + timedelta(hours=8 + rng.random() * 14)
                answered = asked + timedelta(hours=1 + rng.random() * 23)
                first, second = says_yes(asker, candidate, day), says_yes(candidate, asker, day)
                answers.append(Answer(asker, candidate, first, asked))
                answers.append(Answer(candidate, asker, second, answered))
                if first and second:
                    later = answered + timedelta(days=2)
                    for one, other in ((asker, candidate), (candidate, asker)):
                        answers.append(
                            Answer(
                                one,
                                other,
                                rng.random() < 0.85,
                                later + timedelta(minutes=rng.random() * 600),
                                AnswerKind.INTRODUCTION,
                            )
                        )
    return answers, profiles


YES = {"yes", "1", "true", "interested", "y"}
NO = {"no", "0", "false", "pass", "n"}


def read_answers(path: Path) -> list[Answer[str]]:
    found: list[Answer[str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            said = (row.get("answer") or "").strip().lower()
            if said not in YES | NO:
                raise SystemExit(f"{path}:{line}: answer must be yes or no, not {said!r}")
            at = datetime.fromisoformat(row["at"].strip())
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            kind_text = (row.get("kind") or "").strip() or AnswerKind.SUGGESTION.value
            if kind_text not in set(AnswerKind):
                raise SystemExit(f"{path}:{line}: kind must be one of {', '.join(AnswerKind)}, not {kind_text!r}")
            kind = AnswerKind(kind_text)
            found.append(Answer(row["decider"].strip(), row["other"].strip(), said in YES, at, kind))
    return found


def _cell(row: dict[str, str], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


def _number(row: dict[str, str], name: str) -> int | None:
    value = _cell(row, name)
    return None if value is None else int(value)


def _codes(row: dict[str, str], name: str) -> frozenset[str]:
    return frozenset(code.strip() for code in (row.get(name) or "").split(";") if code.strip())


def read_profiles(path: Path) -> dict[str, MatchProfile[str]]:
    found: dict[str, MatchProfile[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            children = _cell(row, "has_children")
            found[row["id"].strip()] = MatchProfile(
                id=row["id"].strip(),
                gender=_cell(row, "gender"),
                birth_year=_number(row, "birth_year"),
                height_cm=_number(row, "height_cm"),
                education=_cell(row, "education"),
                region_code=_cell(row, "region_code"),
                marital_history=_cell(row, "marital_history"),
                has_children=None if children is None else children.lower() in YES,
                wants_children=_cell(row, "wants_children"),
                personality=_codes(row, "personality"),
                hobbies=_codes(row, "hobbies"),
                preferences=MatchPreferences(
                    gender_sought=_cell(row, "gender_sought"),
                    age_min=_number(row, "age_min"),
                    age_max=_number(row, "age_max"),
                    height_min=_number(row, "height_min"),
                    height_max=_number(row, "height_max"),
                    min_education=_cell(row, "min_education"),
                    regions=_codes(row, "regions"),
                    marital=_codes(row, "marital"),
                    children=_cell(row, "children"),
                    must_have=_codes(row, "must_have"),
                ),
            )
    return found


TITLES = ("ROC AUC", "avg precision", "precision@3", "top-1 hit")


def report(log: ScoredLog, rounds: int, seed: int) -> dict[str, dict[str, float]]:
    """Print the table and the paired differences; returns the point figures."""
    methods = [m for m in METHODS if m in log.scores]
    point = {m: quality(log, m) for m in methods}
    drawn = bootstrap(log, methods, rounds=rounds, seed=seed)
    positives = int(log.labels.sum())
    print(
        f"{len(log.labels)} scored pairs, {positives} mutual yes ({positives / max(len(log.labels), 1):.1%}), "
        f"{int(log.askers.max(initial=-1)) + 1} askers, {int(log.lists.max(initial=-1)) + 1} lists; "
        f"bootstrap over askers, {rounds} rounds, 95% intervals"
    )
    width = max(len(m) for m in methods)
    print(f"{'ranking':<{width}}  " + "  ".join(f"{t:<22}" for t in TITLES))
    for method in methods:
        cells = [
            str(interval([q.values()[i] for q in drawn[method]], point[method].values()[i])) for i in range(len(TITLES))
        ]
        print(f"{method:<{width}}  " + "  ".join(f"{c:<22}" for c in cells))
    print()
    for better, worse in ((RECIPROCAL, STATED), (RECIPROCAL, ONE_SIDED)):
        cells = []
        for i in range(len(TITLES)):
            diffs = [a.values()[i] - b.values()[i] for a, b in zip(drawn[better], drawn[worse], strict=True)]
            value = point[better].values()[i] - point[worse].values()[i]
            cells.append(str(interval(diffs, value)))
        print(f"{better} - {worse}: " + "; ".join(f"{t} {c}" for t, c in zip(TITLES, cells, strict=True)))
    return {m: dict(zip(TITLES, point[m].values(), strict=True)) for m in methods}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--taste-share", type=float, default=TASTE_SHARE, help="0: people with no hidden taste")
    parser.add_argument("--answers", type=Path)
    parser.add_argument("--profiles", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.answers is not None:
        answers = read_answers(args.answers)
        profiles = read_profiles(args.profiles) if args.profiles is not None else {}
        print(f"{len(answers)} answers from {args.answers}, {len(profiles)} profiles")
    else:
        answers, profiles = generated_log(args.people, args.days, args.seed, taste_share=args.taste_share)
        print(f"generated: {len(profiles)} demo people, {args.days} days, {len(answers)} answers (seed {args.seed})")
    log = replay(answers, profiles)
    report(log, args.rounds, args.seed)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0 if not math.isnan(float(np.nanmax(log.scores[RECIPROCAL], initial=0.0))) else 1


if __name__ == "__main__":
    raise SystemExit(main())
