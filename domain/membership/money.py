"""Exact money: `Decimal` amounts rounded to the currency's digits, and Telegram's integer minor units.

Babel knows how many digits a currency has (CNY 2, JPY 0); Telegram Stars (XTR) are whole stars, which Babel
does not know, so `EXTRA_DIGITS` adds them. Amounts are never floats.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

STARS = "XTR"
EXTRA_DIGITS: dict[str, int] = {STARS: 0}


def digits(currency: str) -> int:
    """How many decimal places the currency's amounts have."""
    return EXTRA_DIGITS.get(currency, get_currency_precision(currency))


def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-digits(currency))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """`amount` to the currency's digits, half up (a price as stated)."""
    return amount.quantize(_exponent(currency), rounding=ROUND_HALF_UP)


def rounded_down(amount: Decimal, currency: str) -> Decimal:
    """`amount` to the currency's digits, towards zero (credits and refunds never exceed the exact share)."""
    return amount.quantize(_exponent(currency), rounding=ROUND_DOWN)


def parse_amount(text: str, currency: str) -> Decimal:
    """An amount written in major units ("199.00"); ValueError when it is not one, is negative or has more
    digits than the currency has."""
    try:
        amount = Decimal(text.strip())
    except ArithmeticError:
        raise ValueError(f"not an amount: {text!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount: {text!r}")
    if rounded(amount, currency) != amount:
        raise ValueError(f"{currency} amounts have {digits(currency)} decimal places")
    return rounded(amount, currency)


def to_minor(amount: Decimal, currency: str) -> int:
    """The integer Telegram expects (cents, fen, stars); the amount must already be rounded."""
    minor = amount.scaleb(digits(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has more digits than {currency} allows")
    return int(minor)


def from_minor(minor: int, currency: str) -> Decimal:
    return rounded(Decimal(minor).scaleb(-digits(currency)), currency)


def zero(currency: str) -> Decimal:
    return rounded(Decimal(0), currency)
