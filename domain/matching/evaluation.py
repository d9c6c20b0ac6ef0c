"""Quality of a ranking against what people answered: ROC AUC, average precision, precision@k and top-1 hit,
with bootstrap intervals over askers.

Ties are honest: AUC counts a tied positive/negative pair as half a win (the Mann-Whitney statistic), and
average precision takes a tied group of scores as one threshold (the precision of the whole group, as
scikit-learn does). Weights are whole-number multiplicities (a bootstrap draws an asker k times: weight k).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _groups(scores: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Order by score, descending, and the end (exclusive) of each group of equal scores in that order."""
    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    ends = np.flatnonzero(np.diff(ordered) != 0) + 1
    return order, np.concatenate([ends, [len(scores)]]).astype(np.intp)


def auc(
    scores: Sequence[float] | FloatArray, labels: Sequence[bool] | BoolArray, weights: FloatArray | None = None
) -> float:
    """ROC AUC: the chance that a random positive scores above a random negative (ties count half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.bool_)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=np.float64)
    order, ends = _groups(s)
    pos = np.add.reduceat((w * y)[order], np.r_[0, ends[:-1]]) if len(s) else np.zeros(0)
    neg = np.add.reduceat((w * ~y)[order], np.r_[0, ends[:-1]]) if len(s) else np.zeros(0)
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos == 0 or total_neg == 0:
        return float("nan")
    # Groups from the lowest score up: each positive beats the negatives of lower groups, ties half.
    neg_below = total_neg - np.cumsum(neg)
    wins = (pos * (neg_below + 0.5 * neg)).sum()
    return float(wins / (total_pos * total_neg))


def average_precision(
    scores: Sequence[float] | FloatArray, labels: Sequence[bool] | BoolArray, weights: FloatArray | None = None
) -> float:
    """Average precision: the mean over positives of the precision among everything scored at least as high."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.bool_)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=np.float64)
    if not len(s):
        return float("nan")
    order, ends = _groups(s)
    starts = np.r_[0, ends[:-1]]
    pos = np.add.reduceat((w * y)[order], starts)
    every = np.add.reduceat(w[order], starts)
    total_pos = pos.sum()
    if total_pos == 0:
        return float("nan")
    precision = np.cumsum(pos) / np.maximum(np.cumsum(every), 1e-12)
    return float((pos * precision).sum() / total_pos)


def precision_at(scores: Sequence[float], labels: Sequence[bool], k: int) -> float:
    """The share of positives among the k best (ties broken by position: the order the list came in)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(bool(labels[i]) for i in order) / k


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


@dataclass(frozen=True)
class Quality:
    """The four figures of one ranking: AUC and AP over every scored pair, precision@3 and top-1 hit per list."""

    auc: float
    average_precision: float
    precision_at_3: float
    top1: float

    def values(self) -> tuple[float, float, float, float]:
        """(AUC, average precision, precision@3, top-1 hit)."""
        return (self.auc, self.average_precision, self.precision_at_3, self.top1)


@dataclass(frozen=True)
class ScoredLog:
    """Every scored pair of a replay: per method its scores, the mutual-yes labels, the asker (the bootstrap's
    cluster) and the list each pair was in."""

    scores: Mapping[str, FloatArray]
    labels: BoolArray
    askers: NDArray[np.intp]
    lists: NDArray[np.intp]


def list_figures(scores: FloatArray, labels: BoolArray, lists: NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
    """Per list: precision@3 and top-1 hit (NaN for lists shorter than three or without a mutual yes)."""
    order = np.lexsort((-scores, lists))
    ls, ys = lists[order], labels[order]
    starts = np.flatnonzero(np.r_[True, ls[1:] != ls[:-1]])
    ends = np.r_[starts[1:], len(ls)]
    p3 = np.full(int(lists.max(initial=-1)) + 1, np.nan)
    top = np.full(len(p3), np.nan)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start >= 3 and ys[start:end].any():
            p3[ls[start]] = ys[start : start + 3].mean()
            top[ls[start]] = float(ys[start])
    return p3, top


def _mean(values: FloatArray, weights: FloatArray) -> float:
    keep = ~np.isnan(values) & (weights > 0)
    return float(np.average(values[keep], weights=weights[keep])) if keep.any() else float("nan")


def quality(log: ScoredLog, method: str) -> Quality:
    """The four figures of one method on the whole log."""
    scores = log.scores[method]
    p3, top = list_figures(scores, log.labels, log.lists)
    ones = np.ones(len(p3))
    return Quality(
        auc=auc(scores, log.labels),
        average_precision=average_precision(scores, log.labels),
        precision_at_3=_mean(p3, ones),
        top1=_mean(top, ones),
    )


def bootstrap(log: ScoredLog, methods: Sequence[str], *, rounds: int = 200, seed: int = 7) -> dict[str, list[Quality]]:
    """The figures of each method on `rounds` resamples of the askers (with replacement, the same resamples
    for every method, so differences between methods are paired)."""
    askers = int(log.askers.max(initial=-1)) + 1
    rng = np.random.default_rng(seed)
    list_asker = np.zeros(int(log.lists.max(initial=-1)) + 1, dtype=np.intp)
    list_asker[log.lists] = log.askers
    per_list = {method: list_figures(log.scores[method], log.labels, log.lists) for method in methods}
    found: dict[str, list[Quality]] = {method: [] for method in methods}
    for _ in range(rounds):
        drawn = np.bincount(rng.integers(0, askers, askers), minlength=askers).astype(np.float64)
        weights, list_weights = drawn[log.askers], drawn[list_asker]
        for method in methods:
            p3, top = per_list[method]
            found[method].append(
                Quality(
                    auc=auc(log.scores[method], log.labels, weights),
                    average_precision=average_precision(log.scores[method], log.labels, weights),
                    precision_at_3=_mean(p3, list_weights),
                    top1=_mean(top, list_weights),
                )
            )
    return found


def interval(values: Sequence[float], point: float) -> Interval:
    array = np.asarray([v for v in values if not np.isnan(v)])
    if not len(array):
        return Interval(point, float("nan"), float("nan"))
    low, high = np.percentile(array, [2.5, 97.5])
    return Interval(point, float(low), float(high))
