"""Matching: who to suggest to whom, fair to both sides, explained, and fast as the agency grows.

- `model`: `MatchProfile`, `MatchPreferences`, `Suggestion`, `Reason` (plain dataclasses).
- `filters`: the must-have rules both ways, one pair at a time; `would_accept` (the demo answer).
- `criteria`, `scoring`, `personality`: grades, one-way and reciprocal scores, the personality table.
- `explain`: reason codes and their plain-English rendering.
- `exposure`: the daily exposure cap and tie-break.
- `columns`, `slots`, `vectorised`, `index`: the NumPy index (`MatchIndex`) that applies all of the above
  to whole columns.
- `fit`, `learning`, `rerank`: the head of the index's ranking scored again by the learned chance that both
  say yes (graded fit, importance per criterion, informative hobbies; yes-rates, appeal, revealed taste).
- `replay`, `evaluation`: the replay evaluation of rankings against recorded answers (bench/eval_matching.py).

See docs/matching.md.
"""

from domain.matching.explain import ReasonCode, describe, reasons
from domain.matching.filters import meets_must_haves, mutually_acceptable, unmet_must_haves, would_accept
from domain.matching.index import IndexMemory, MatchIndex, NotIndexedError
from domain.matching.model import Criterion, MatchPreferences, MatchProfile, Reason, Suggestion
from domain.matching.scoring import one_way_score, reciprocal_score

__all__ = [
    "Criterion",
    "IndexMemory",
    "MatchIndex",
    "MatchPreferences",
    "MatchProfile",
    "NotIndexedError",
    "Reason",
    "ReasonCode",
    "Suggestion",
    "describe",
    "meets_must_haves",
    "mutually_acceptable",
    "one_way_score",
    "reasons",
    "reciprocal_score",
    "unmet_must_haves",
    "would_accept",
]
