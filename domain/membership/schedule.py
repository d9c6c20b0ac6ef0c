"""The fee schedule: the tiers, what each includes (its entitlements), and the list prices it was seeded with.

One table says what a tier gets (`Entitlements`); code asks it (`entitlements(tier).curation`), never compares
tier names. The schedule is read from `domain/data/tiers.json`; prices there only seed the price list, which the
finance role changes later (with history, in storage).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from domain.membership.money import parse_amount


class Billing(StrEnum):
    FREE = "free"  # the ordinary membership everyone has
    PERIOD = "period"  # paid for 1, 3 or 12 months
    ENGAGEMENT = "engagement"  # paid once for an engagement with a dedicated counselor


class Term(StrEnum):
    """What a price is for: a number of months, or one engagement."""

    MONTH = "1"
    QUARTER = "3"
    YEAR = "12"
    ENGAGEMENT = "engagement"


PERIOD_TERMS = (Term.MONTH, Term.QUARTER, Term.YEAR)


class CounselorAccess(StrEnum):
    ON_REQUEST = "on_request"  # the shared queue
    PRIORITY = "priority"  # ahead of ordinary members in the queue
    DEDICATED = "dedicated"  # one counselor of one's own


@dataclass(frozen=True)
class Entitlements:
    suggestions_per_day: int
    counselor_access: CounselorAccess
    response_hours: int  # how soon a counselor promises to answer
    curation: bool  # counselors pick suggestions by hand
    dedicated_counselor: bool
    queue_priority: int  # higher is served first in the handoff queue
    offline_events: bool
    profile_highlight: bool


@dataclass(frozen=True)
class Tier:
    code: str
    rank: int
    names: MappingProxyType[str, str]
    billing: Billing
    entitlements: Entitlements
    engagement_months: int
    prices: MappingProxyType[str, MappingProxyType[Term, Decimal]]  # currency -> term -> list price

    def name(self, locale: str) -> str:
        """The tier's name in `locale` (Simplified Chinese for other Chinese locales without one, else English)."""
        return self.names.get(locale) or self.names.get(locale.split("_")[0]) or self.names["en"]

    def terms(self) -> tuple[Term, ...]:
        if self.billing is Billing.PERIOD:
            return PERIOD_TERMS
        if self.billing is Billing.ENGAGEMENT:
            return (Term.ENGAGEMENT,)
        return ()

    def months(self, term: Term) -> int:
        return self.engagement_months if term is Term.ENGAGEMENT else int(term.value)

    def seed_price(self, currency: str, term: Term) -> Decimal | None:
        return self.prices.get(currency, MappingProxyType({})).get(term)


@dataclass(frozen=True)
class Schedule:
    tiers: tuple[Tier, ...]  # by rank, the free one first

    @property
    def free(self) -> Tier:
        return self.tiers[0]

    def tier(self, code: str | None) -> Tier:
        """The tier with `code`; an unknown or missing code is the free tier (what a client without a paid
        membership has)."""
        for tier in self.tiers:
            if tier.code == code:
                return tier
        return self.free

    def known(self, code: str) -> bool:
        return any(tier.code == code for tier in self.tiers)

    def above(self, code: str | None) -> Tier | None:
        """The next tier up, if any."""
        rank = self.tier(code).rank
        higher = [tier for tier in self.tiers if tier.rank > rank]
        return higher[0] if higher else None

    def paid(self) -> tuple[Tier, ...]:
        return tuple(tier for tier in self.tiers if tier.billing is not Billing.FREE)


def _entitlements(raw: dict[str, Any]) -> Entitlements:
    return Entitlements(
        suggestions_per_day=int(raw["suggestions_per_day"]),
        counselor_access=CounselorAccess(raw["counselor_access"]),
        response_hours=int(raw["response_hours"]),
        curation=bool(raw["curation"]),
        dedicated_counselor=bool(raw["dedicated_counselor"]),
        queue_priority=int(raw["queue_priority"]),
        offline_events=bool(raw["offline_events"]),
        profile_highlight=bool(raw["profile_highlight"]),
    )


def _tier(raw: dict[str, Any]) -> Tier:
    billing = Billing(raw["billing"])
    prices = {
        currency: MappingProxyType({Term(term): parse_amount(amount, currency) for term, amount in by_term.items()})
        for currency, by_term in raw.get("prices", {}).items()
    }
    tier = Tier(
        code=raw["code"],
        rank=int(raw["rank"]),
        names=MappingProxyType(dict(raw["names"])),
        billing=billing,
        entitlements=_entitlements(raw["entitlements"]),
        engagement_months=int(raw.get("engagement_months", 0)),
        prices=MappingProxyType(prices),
    )
    for currency, by_term in tier.prices.items():
        if set(by_term) != set(tier.terms()):
            raise ValueError(f"tier {tier.code}: {currency} prices must be for {[t.value for t in tier.terms()]}")
    if billing is Billing.ENGAGEMENT and tier.engagement_months <= 0:
        raise ValueError(f"tier {tier.code}: an engagement needs engagement_months")
    return tier


def parse_schedule(data: dict[str, Any]) -> Schedule:
    tiers = tuple(sorted((_tier(raw) for raw in data["tiers"]), key=lambda tier: tier.rank))
    if not tiers or tiers[0].billing is not Billing.FREE:
        raise ValueError("the lowest tier must be the free one")
    if len({tier.code for tier in tiers}) != len(tiers) or len({tier.rank for tier in tiers}) != len(tiers):
        raise ValueError("tier codes and ranks must be unique")
    return Schedule(tiers)


@cache
def schedule() -> Schedule:
    """The agency's fee schedule from `domain/data/tiers.json`, read once."""
    text = resources.files("domain.data").joinpath("tiers.json").read_text(encoding="utf-8")
    return parse_schedule(json.loads(text))


def entitlements(tier: str | None) -> Entitlements:
    """What a client with membership tier `tier` gets (the free tier's for an unknown or missing one)."""
    return schedule().tier(tier).entitlements
