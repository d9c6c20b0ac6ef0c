"""Amounts as people type them: `1,234.50`, `¥1234.5`, `1234元`, `CN¥ 99`, full-width digits. Exact `Decimal`,
the currency's digits, never a float; negative, zero, too precise or absurdly large amounts are refused."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.membership.money import digits, rounded

# Signs and words around the number that say "money" and nothing else.
_CURRENCY_WORDS = re.compile(r"^(?:CN¥|RMB|CNY|USD|EUR|JPY|US\$|[¥$€£₽])|(?:元|块|圆|人民币|RMB|CNY|yuan)$", re.I)
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_MINUS = ("-", "−", "–", "—")
MAX_AMOUNT = Decimal("9999999999")  # ten digits of major units: well beyond any one entry


class AmountProblem(StrEnum):
    NOT_AN_AMOUNT = "not_an_amount"
    NOT_POSITIVE = "not_positive"
    TOO_PRECISE = "too_precise"
    TOO_LARGE = "too_large"


class AmountRefused(ValueError):  # noqa: N818 (a refusal of input, named like the domain's other refusals)
    def __init__(self, problem: AmountProblem) -> None:
        self.problem = problem
        super().__init__(problem.value)


def _strip_currency(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _CURRENCY_WORDS.sub("", text).strip()
    return text


def parse_money(text: str, currency: str) -> Decimal:
    """A positive amount in major units of `currency`, rounded to its digits; `AmountRefused` otherwise."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(ch for ch in folded if not ch.isspace())
    negative = folded.startswith(_MINUS)
    if negative:
        folded = folded[1:]
    number = _strip_currency(folded)
    if number.startswith(_MINUS):
        negative, number = True, number[1:]
    if not _NUMBER.match(number):
        raise AmountRefused(AmountProblem.NOT_AN_AMOUNT)
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:
        raise AmountRefused(AmountProblem.NOT_AN_AMOUNT) from None
    if negative or amount <= 0:
        raise AmountRefused(AmountProblem.NOT_POSITIVE)
    if amount > MAX_AMOUNT:
        raise AmountRefused(AmountProblem.TOO_LARGE)
    if rounded(amount, currency) != amount:
        raise AmountRefused(AmountProblem.TOO_PRECISE)
    return rounded(amount, currency)


def currency_digits(currency: str) -> int:
    return digits(currency)
