"""Each side's chance of saying yes, learned from what people answered.

Every recorded answer is one `Answer`: who decided, about whom, yes or no, when, and from where (Interested or
Pass on a suggestion, a counselor's pick taken or not, an introduction accepted or declined, "meet again" after
a date). From them, kept as running counts that one answer updates in place (`Figures.observe`):

- a person's **yes-rate**: how often they say yes (people differ from a tenth to four fifths);
- a person's **appeal**: how often others say yes to them;
- a person's **revealed taste**: for each coarse feature of the people they were shown (`features`: the age
  gap, relative height, education, same province or not, marital history, children, each hobby and trait,
  how many hobbies are shared), how often they said yes to people with it.

Each figure is smoothed toward what is known about everyone (a Bayesian prior: a Beta whose mean is the
population's rate and whose weight is `PRIOR_ANSWERS` answers), so one Pass does not make a person choosy and a
newcomer has the population's figures, not a cliff. The chance that A says yes to B adds, in log-odds, what
is known on top of the population: A's yes-rate, B's appeal, A's taste for B's features, and A's stated fit
(`fit.stated_score`), the last weighted `STATED_ANSWERS / (STATED_ANSWERS + A's answers)` so a new client
is ranked by what they stated and moves to what they do as evidence grows:

    logit P(A yes B) = logit mu + [logit r_A - logit mu] + [logit q_B - logit mu]
                       + TASTE * sum_f [logit t_A(f) - logit r_A] + w_A * STATED * (stated(A -> B) - STATED_MID)

The reciprocal chance is the **product** P(A yes B) * P(B yes A): the chance of a mutual yes when the two
decide independently given what is known, which is the event an introduction needs. A harmonic mean of the
two would also punish a lopsided pair, but it is not a probability; the product is, so its figures can be
checked against outcomes (bench/eval_matching.py) and compared across askers.

Nothing here reads a clock: an answer carries its time, and `Learner` refuses to score a moment earlier than
an answer it has taken in (`FutureAnswerError`), so a replay cannot use the future by mistake.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic

from domain.matching.model import K, MatchProfile
from domain.matching.scoring import known_hobbies

PRIOR_ANSWERS = 8.0  # weight of the population's rate in a person's yes-rate and appeal, in answers
TASTE_PRIOR = 4.0  # weight of a person's own yes-rate in their rate for one feature, in answers
TASTE = 0.6  # how much revealed taste counts (one feature seen often can move the odds by about this much)
STATED = 4.0  # log-odds per unit of stated score
STATED_MID = 0.5
STATED_ANSWERS = 12.0  # after this many answers, stated fit and behaviour count about equally
CLAMP = 1e-4
AGE_GAPS = ((-99, -6), (-5, -3), (-2, 0), (1, 2), (3, 5), (6, 99))
HEIGHT_GAPS = ((-99, -16), (-15, -6), (-5, 5), (6, 15), (16, 99))


class AnswerKind(StrEnum):
    """Where an answer was recorded."""

    SUGGESTION = "suggestion"  # Interested or Pass on a suggestion of the matcher or from someone interested
    PICK = "pick"  # Interested or Pass on a counselor's pick
    INTRODUCTION = "introduction"  # agreed to share contacts, or declined the introduction
    DATE = "date"  # after a date: would meet again, or not


@dataclass(frozen=True)
class Answer(Generic[K]):
    decider: K
    other: K
    yes: bool
    at: datetime
    kind: AnswerKind = AnswerKind.SUGGESTION


class FutureAnswerError(ValueError):
    """A moment was scored that lies before an answer already taken in."""


def logit(p: float) -> float:
    p = min(max(p, CLAMP), 1.0 - CLAMP)
    return math.log(p / (1.0 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _bucket(value: int, edges: tuple[tuple[int, int], ...]) -> str:
    for low, high in edges:
        if low <= value <= high:
            return f"{low}..{high}"
    return "?"


def features(decider: MatchProfile[K], other: MatchProfile[K], day: date) -> tuple[str, ...]:
    """The coarse features of `other` as `decider` sees them (what revealed taste is counted over)."""
    found: list[str] = []
    mine, theirs = decider.age(day), other.age(day)
    if mine is not None and theirs is not None:
        found.append("age_gap:" + _bucket(theirs - mine, AGE_GAPS))
    if decider.height_cm is not None and other.height_cm is not None:
        found.append("height_gap:" + _bucket(other.height_cm - decider.height_cm, HEIGHT_GAPS))
    if other.education is not None:
        found.append("education:" + other.education)
    if decider.province is not None and other.province is not None:
        found.append("region:" + ("same" if decider.province == other.province else "other"))
    if other.marital_history is not None:
        found.append("marital:" + other.marital_history)
    if other.has_children is not None:
        found.append("has_children:" + ("yes" if other.has_children else "no"))
    if other.wants_children is not None:
        found.append("wants_children:" + other.wants_children)
    hobbies = known_hobbies(other.hobbies)
    found += ["hobby:" + code for code in hobbies]
    found += ["trait:" + code for code in sorted(other.personality)]
    shared = len(set(hobbies) & set(known_hobbies(decider.hobbies)))
    found.append("shared_hobbies:" + ("2+" if shared >= 2 else str(shared)))
    return tuple(found)


@dataclass
class Tally:
    """Yes answers out of all answers."""

    yes: int = 0
    seen: int = 0

    def add(self, yes: bool) -> None:
        self.yes += int(yes)
        self.seen += 1

    def rate(self, prior: float, weight: float) -> float:
        """The smoothed rate: the posterior mean of a Beta(weight * prior, weight * (1 - prior)) prior."""
        return (self.yes + weight * prior) / (self.seen + weight)

    def as_list(self) -> list[int]:
        return [self.yes, self.seen]


@dataclass
class Figures:
    """What the answers say about one person: their yes-rate (`said`), their appeal (`got`), their taste."""

    said: Tally = field(default_factory=Tally)
    got: Tally = field(default_factory=Tally)
    taste: dict[str, Tally] = field(default_factory=dict)

    def said_answer(self, yes: bool, seen: Iterable[str]) -> None:
        self.said.add(yes)
        for feature in seen:
            self.taste.setdefault(feature, Tally()).add(yes)

    def as_data(self) -> dict[str, object]:
        """JSON-ready (export, storage)."""
        return {
            "said_yes": self.said.yes,
            "answered": self.said.seen,
            "got_yes": self.got.yes,
            "got_answers": self.got.seen,
            "taste": {feature: tally.as_list() for feature, tally in sorted(self.taste.items())},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Figures:
        def number(name: str) -> int:
            value = data.get(name, 0)
            return int(value) if isinstance(value, int | float) else 0

        raw_taste = data.get("taste") or {}
        taste: dict[str, Tally] = {}
        if isinstance(raw_taste, Mapping):
            for feature, pair in raw_taste.items():
                if isinstance(pair, list | tuple) and len(pair) == 2:
                    taste[str(feature)] = Tally(int(pair[0]), int(pair[1]))
        return cls(
            Tally(number("said_yes"), number("answered")), Tally(number("got_yes"), number("got_answers")), taste
        )


NOBODY = Figures()


@dataclass(frozen=True)
class RankingChoices:
    """What a client chose about their ranking: behaviour-based ranking on (the default) or off, and how much
    each stated criterion matters (criterion -> `fit.Importance` value; unset: nice)."""

    behaviour: bool = True
    importance: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chance:
    """P(decider says yes to other), and its parts in log-odds (for tests, the export and the docs)."""

    probability: float
    yes_rate: float
    appeal: float
    taste: float
    stated: float


def chance(
    decider: Figures,
    other: Figures,
    population: Tally,
    seen: Iterable[str],
    *,
    stated: float | None = None,
    behaviour: bool = True,
) -> Chance:
    """The chance that the decider says yes to the other, from the figures and the features `seen`.

    `stated`: the decider's stated score of the other (`fit.stated_score`), None when not known.
    `behaviour=False` (the decider switched behaviour-based ranking off): only the stated score moves it.
    """
    mu = population.rate(0.5, 2.0)
    base = logit(mu)
    stated_part = 0.0
    if stated is not None:
        evidence = decider.said.seen if behaviour else 0
        stated_part = STATED_ANSWERS / (STATED_ANSWERS + evidence) * STATED * (stated - STATED_MID)
    if not behaviour:
        return Chance(sigmoid(base + stated_part), 0.0, 0.0, 0.0, stated_part)
    rate = decider.said.rate(mu, PRIOR_ANSWERS)
    yes_rate = logit(rate) - base
    appeal = logit(other.got.rate(mu, PRIOR_ANSWERS)) - base
    taste = 0.0
    for feature in seen:
        tally = decider.taste.get(feature)
        if tally is not None and tally.seen:
            taste += logit(tally.rate(rate, TASTE_PRIOR)) - logit(rate)
    taste *= TASTE
    return Chance(sigmoid(base + yes_rate + appeal + taste + stated_part), yes_rate, appeal, taste, stated_part)


def mutual(first: float, second: float) -> float:
    """The reciprocal chance: both say yes (independent given what is known)."""
    return first * second


@dataclass
class Learner(Generic[K]):
    """Running figures for everyone, updated one answer at a time, in time order.

    `observe(answer, seen)` takes in one answer with the features the decider saw; `chance(...)` answers for a
    moment `at` that must not lie before the last answer taken in.
    """

    population: Tally = field(default_factory=Tally)
    people: dict[K, Figures] = field(default_factory=dict)
    as_of: datetime | None = None

    def figures(self, person: K) -> Figures:
        return self.people.get(person, NOBODY)

    def observe(self, answer: Answer[K], seen: Iterable[str]) -> None:
        if self.as_of is not None and answer.at < self.as_of:
            raise FutureAnswerError("answers must be taken in in time order")
        self.as_of = answer.at
        self.population.add(answer.yes)
        self.people.setdefault(answer.decider, Figures()).said_answer(answer.yes, seen)
        self.people.setdefault(answer.other, Figures()).got.add(answer.yes)

    def chance(
        self,
        decider: K,
        other: K,
        seen: Iterable[str],
        *,
        at: datetime,
        stated: float | None = None,
        behaviour: bool = True,
    ) -> Chance:
        if self.as_of is not None and at <= self.as_of:
            raise FutureAnswerError(f"scoring {at} with answers up to {self.as_of}")
        return chance(
            self.figures(decider), self.figures(other), self.population, seen, stated=stated, behaviour=behaviour
        )


def before(answers: Iterable[Answer[K]], moment: datetime) -> Iterator[Answer[K]]:
    """The answers given strictly before `moment`, in time order."""
    return iter(sorted((a for a in answers if a.at < moment), key=lambda a: a.at))
