"""The languages the agency speaks: their codes, Babel's locale for each, and Traditional Chinese made from
Simplified.

`zh_Hant` texts are never written by hand: the Simplified text goes through OpenCC's phrase-level Taiwan
profile (`s2twp`) with a short reviewed list of exceptions (`domain/data/traditional.json`: 对象 stays a
partner, 厘米 is 公分 ...). The catalog generator (`python -m locales.traditional`) and the data read at run time
(region names, venues, the service standard) use the same conversion. Russian data falls back to English where
a data file has no Russian text yet.
"""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources

import opencc
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal

ENGLISH = "en"
SIMPLIFIED = "zh"
TRADITIONAL = "zh_Hant"
RUSSIAN = "ru"
LOCALES = (ENGLISH, SIMPLIFIED, TRADITIONAL, RUSSIAN)

# Babel's name for each locale: dates, numbers and currencies are formatted the way its readers write them.
BABEL_LOCALES = {ENGLISH: "en", SIMPLIFIED: "zh_Hans_CN", TRADITIONAL: "zh_Hant_TW", RUSSIAN: "ru"}

_PROFILE = "s2twp"
# Private-use characters around a protected phrase's number: OpenCC leaves them alone.
_OPEN, _CLOSE = "\ue000", "\ue001"


def is_chinese(locale: str) -> bool:
    return locale in (SIMPLIFIED, TRADITIONAL)


def babel_locale(locale: str) -> str:
    return BABEL_LOCALES.get(locale, "en")


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """An amount with its currency as the reader writes it, in the currency's own digits (Babel):
    "CN¥1,999.50", "¥1,999.50" (Simplified), "1 999,50 CN¥" (Russian)."""
    return str(format_currency(amount, currency, locale=babel_locale(locale)))


def format_number(number: int, locale: str) -> str:
    """A whole number with the reader's grouping: "50,000", "50 000"."""
    return str(format_decimal(number, locale=babel_locale(locale)))


def format_day(day: date, locale: str) -> str:
    """A day with its weekday, short: "Mon, Dec 7", "12月7日周一", "пн, 7 дек."."""
    return str(format_skeleton("MMMEd", day, locale=babel_locale(locale)))


def format_time(moment: time, locale: str) -> str:
    """A time of day on the 24-hour clock the agency uses: "09:05"."""
    return str(format_skeleton("Hm", moment, locale=babel_locale(locale)))


def in_locale(locale: str, *, en: str, zh: str, ru: str | None = None) -> str:
    """A data text in `locale`: Traditional made from the Simplified, Russian falling back to English."""
    if locale == SIMPLIFIED:
        return zh
    if locale == TRADITIONAL:
        return to_traditional(zh)
    if locale == RUSSIAN and ru:
        return ru
    return en


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(_PROFILE)


@cache
def traditional_phrases() -> tuple[tuple[str, str], ...]:
    """The reviewed exceptions, longest Simplified phrase first."""
    text = resources.files("domain.data").joinpath("traditional.json").read_text(encoding="utf-8")
    phrases: dict[str, str] = json.loads(text)["phrases"]
    return tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    """Simplified Chinese written in Traditional characters with Taiwan's phrasing, the exceptions kept."""
    if not text:
        return text
    protected: list[str] = []
    for simplified, traditional in traditional_phrases():
        if simplified in text:
            text = text.replace(simplified, f"{_OPEN}{len(protected)}{_CLOSE}")
            protected.append(traditional)
    converted: str = _converter().convert(text)
    for number, traditional in enumerate(protected):
        converted = converted.replace(f"{_OPEN}{number}{_CLOSE}", traditional)
    return converted
