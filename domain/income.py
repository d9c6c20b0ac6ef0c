"""Income bands: yearly income in the agency's currency, coarse on purpose.

A band's code names its bounds and currency ("CNY:100000-200000", "CNY:1000000-"), so a stored answer stays
readable if the agency later changes its bands or its currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from domain.languages import TRADITIONAL, format_number, is_chinese

# Yearly income thresholds in whole units of the currency; the bands lie between them.
DEFAULT_THRESHOLDS = (50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000)


@dataclass(frozen=True)
class IncomeBand:
    currency: str
    low: int  # inclusive
    high: int | None  # exclusive; None: no upper bound

    @property
    def code(self) -> str:
        return f"{self.currency}:{self.low}-{'' if self.high is None else self.high}"

    @classmethod
    def from_code(cls, code: str) -> IncomeBand | None:
        currency, _, bounds = code.partition(":")
        low, dash, high = bounds.partition("-")
        if not (currency.isalpha() and len(currency) == 3 and dash and low.isdigit()):
            return None
        if high and not high.isdigit():
            return None
        return cls(currency, int(low), int(high) if high else None)


def income_bands(currency: str, thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS) -> list[IncomeBand]:
    """Below the first threshold, between each pair, and above the last."""
    if list(thresholds) != sorted(set(thresholds)) or not thresholds or thresholds[0] <= 0:
        raise ValueError("income thresholds must be positive and increasing")
    bounds = (0, *thresholds)
    bands = [IncomeBand(currency, low, high) for low, high in pairwise(bounds)]
    bands.append(IncomeBand(currency, thresholds[-1], None))
    return bands


def format_amount(amount: int, locale: str) -> str:
    """50000 -> "50,000" in English, "5万" / "5萬" in Chinese (whole 万 only; otherwise digits), "50 000" in
    Russian: the reader's grouping from Babel."""
    if is_chinese(locale) and amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount // 10_000}{'萬' if locale == TRADITIONAL else '万'}"
    return format_number(amount, locale)
