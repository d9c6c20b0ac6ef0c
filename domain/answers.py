"""Reading what people type: dates, heights, ranges, names, free text, phone numbers.

Every parser returns the value or an `Invalid` with a `Problem` code (and the numbers the explanation needs);
the handlers turn codes into localized sentences. Nothing here knows about Telegram.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class Problem(StrEnum):
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    TEXT_TOO_SHORT = "text_too_short"
    NAME_CHARACTERS = "name_characters"
    DATE_FORMAT = "date_format"
    DATE_INVALID = "date_invalid"
    DATE_AMBIGUOUS = "date_ambiguous"
    DATE_FUTURE = "date_future"
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"
    HEIGHT_FORMAT = "height_format"
    HEIGHT_RANGE = "height_range"
    RANGE_FORMAT = "range_format"
    RANGE_REVERSED = "range_reversed"
    AGE_BOUNDS = "age_bounds"
    HEIGHT_BOUNDS = "height_bounds"
    PHONE_INVALID = "phone_invalid"
    PHONE_NOT_OWN = "phone_not_own"
    REGION_UNKNOWN = "region_unknown"
    REGION_AMBIGUOUS = "region_ambiguous"
    CHOICE_NEEDED = "choice_needed"
    TOO_MANY_PICKS = "too_many_picks"
    NO_PICKS = "no_picks"
    PHOTO_NEEDED = "photo_needed"
    PHOTO_AS_FILE = "photo_as_file"
    TOO_MANY_PHOTOS = "too_many_photos"
    TEXT_NEEDED = "text_needed"
    NOT_OPTIONAL = "not_optional"


@dataclass(frozen=True)
class Invalid:
    """Why an answer was refused; `params` fill the placeholders of the explanation, `options` are codes
    worth offering as buttons (the places a misspelt city may have meant)."""

    problem: Problem
    params: Mapping[str, int | str] = field(default_factory=dict)
    options: tuple[str, ...] = ()


# Oldest plausible client; anything older is a typo in the year.
MAX_AGE = 100
MIN_HEIGHT_CM = 120
MAX_HEIGHT_CM = 230
MAX_PARTNER_AGE = 99

# Unicode direction overrides and isolates can make text display differently from what it says
# (an RTL override flips a name); they are removed. Zero-width joiners stay: emoji need them.
_DIRECTION_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_NAME_PUNCTUATION = frozenset(" -'’.·•")


def _fold(text: str) -> str:
    """Full-width digits and letters to ASCII, lower case, trimmed: for parsing numbers and dates."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def clean_text(text: str) -> str:
    """Free text as we keep it: direction controls and other control characters removed, ends trimmed."""
    kept = []
    for char in text.translate(_DIRECTION_CONTROLS):
        category = unicodedata.category(char)
        if category == "Cc" and char not in "\n\t":
            continue
        kept.append(char)
    lines = [line.rstrip() for line in "".join(kept).replace("\t", " ").split("\n")]
    joined = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", joined)


def parse_free_text(text: str, *, limit: int, minimum: int = 1) -> str | Invalid:
    cleaned = clean_text(text)
    if not cleaned:
        return Invalid(Problem.TEXT_EMPTY)
    if len(cleaned) > limit:
        return Invalid(Problem.TEXT_TOO_LONG, {"limit": limit, "length": len(cleaned)})
    if len(cleaned) < minimum:
        return Invalid(Problem.TEXT_TOO_SHORT, {"minimum": minimum})
    return cleaned


def parse_name(text: str, *, limit: int = 40) -> str | Invalid:
    """A name or nickname: letters of any script (Arabic and Hebrew too), spaces, hyphens, apostrophes."""
    cleaned = " ".join(clean_text(text).split())
    if not cleaned:
        return Invalid(Problem.TEXT_EMPTY)
    if len(cleaned) > limit:
        return Invalid(Problem.TEXT_TOO_LONG, {"limit": limit, "length": len(cleaned)})
    for char in cleaned:
        if char in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(char)[0] not in ("L", "M"):
            return Invalid(Problem.NAME_CHARACTERS)
    if not any(unicodedata.category(char)[0] == "L" for char in cleaned):
        return Invalid(Problem.NAME_CHARACTERS)
    return cleaned


# --- dates -----------------------------------------------------------------------------------------------
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "январь", "января", "янв"),
            ("february", "feb", "февраль", "февраля", "фев", "февр"),
            ("march", "mar", "март", "марта", "мар"),
            ("april", "apr", "апрель", "апреля", "апр"),
            ("may", "май", "мая"),
            ("june", "jun", "июнь", "июня", "июн"),
            ("july", "jul", "июль", "июля", "июл"),
            ("august", "aug", "август", "августа", "авг"),
            ("september", "sep", "sept", "сентябрь", "сентября", "сен", "сент"),
            ("october", "oct", "октябрь", "октября", "окт"),
            ("november", "nov", "ноябрь", "ноября", "ноя", "нояб"),
            ("december", "dec", "декабрь", "декабря", "дек"),
        ),
        start=1,
    )
    for name in names
}
_YEAR_FIRST = re.compile(r"^(\d{4})\s*[-/.年\s]\s*(\d{1,2})\s*[-/.月\s]\s*(\d{1,2})\s*[日号]?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})\s*([-/.\s])\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A month's name in any script ("17 May 2001", "17 мая 2001"); the day may carry "th" or the Russian "-го".
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|-?го)?\s*(?:of\s+)?([^\W\d_]+)\.?,?\s*(\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([^\W\d_]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})$")
# The Russian word for "year" after it: "2001 г.", "2001 года".
_YEAR_WORD = re.compile(r"(?<=\d)\s*(?:года|год|г)\.?$")


def _date_parts(folded: str) -> tuple[int, int, int] | Invalid:
    """(year, month, day) from the formats people type; no range checks yet."""
    folded = _YEAR_WORD.sub("", folded)
    if m := _YEAR_FIRST.match(folded) or _COMPACT.match(folded):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _YEAR_LAST.match(folded):
        first, separator, second, year = int(m[1]), m[2], int(m[3]), int(m[4])
        if separator == "." or first > 12:
            return year, second, first  # 17.05.2001: day first, as in most of the world
        if second > 12:
            return year, first, second  # 5/17/2001: the American order
        if first != second:
            return Invalid(Problem.DATE_AMBIGUOUS)
        return year, first, second
    if (m := _DAY_MONTH_NAME.match(folded)) and m[2] in _MONTHS:
        return int(m[3]), _MONTHS[m[2]], int(m[1])
    if (m := _MONTH_NAME_DAY.match(folded)) and m[1] in _MONTHS:
        return int(m[3]), _MONTHS[m[1]], int(m[2])
    return Invalid(Problem.DATE_FORMAT)


def age_on(birth_date: date, today: date) -> int:
    """Completed years on `today` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def parse_birth_date(text: str, *, today: date, min_age: int) -> date | Invalid:
    parts = _date_parts(_fold(text))
    if isinstance(parts, Invalid):
        return parts
    try:
        born = date(*parts)
    except ValueError:
        return Invalid(Problem.DATE_INVALID)
    if born > today:
        return Invalid(Problem.DATE_FUTURE)
    age = age_on(born, today)
    if age < min_age:
        return Invalid(Problem.TOO_YOUNG, {"min_age": min_age})
    if age > MAX_AGE:
        return Invalid(Problem.TOO_OLD)
    return born


# --- heights and ranges ------------------------------------------------------------------------------------
_CM = re.compile(r"^(\d{2,3}(?:[.,]\d+)?)\s*(?:cm|厘米|公分|centimet(?:er|re)s?|см|сантиметр(?:ов|а)?)?$")
_METRES = re.compile(r"^([12][.,]\d{1,2})\s*(?:m|米|metres?|meters?|м|метр(?:ов|а)?)?$")
_METRE_AND = re.compile(r"^1\s*(?:米|m|м)\s*(\d{1,2})\s*(?:cm|см|厘米)?$")
_FEET = re.compile(r"^(\d)\s*(?:'|′|ft|feet|foot)\s*(?:(\d{1,2})\s*(?:\"|″|''|in|inch|inches)?)?$")
# "Height: 175", "рост 175 см", "身高175".
_HEIGHT_WORD = re.compile(r"^(?:height|рост|身高)\s*[:：]?\s*")


def _height_value(folded: str) -> int | None:
    if m := _METRES.match(folded):
        return round(float(m[1].replace(",", ".")) * 100)
    if m := _CM.match(folded):
        return round(float(m[1].replace(",", ".")))
    if m := _METRE_AND.match(folded):
        rest = m[1]
        return 100 + int(rest) * (10 if len(rest) == 1 else 1)
    if m := _FEET.match(folded):
        return round(int(m[1]) * 30.48 + int(m[2] or 0) * 2.54)
    return None


def parse_height(text: str) -> int | Invalid:
    value = _height_value(_HEIGHT_WORD.sub("", _fold(text)))
    if value is None:
        return Invalid(Problem.HEIGHT_FORMAT)
    if not MIN_HEIGHT_CM <= value <= MAX_HEIGHT_CM:
        return Invalid(Problem.HEIGHT_RANGE, {"min": MIN_HEIGHT_CM, "max": MAX_HEIGHT_CM})
    return value


# Units are dropped before reading a range; longer words first ("厘米" before "米", "см" before "м").
_RANGE_UNITS = re.compile(
    r"(cm|厘米|公分|米|周岁|週歲|岁|歲|years?(?:\s*old)?|yrs?|y\.?o\.?|сантиметр(?:ов|а)?|см|метр(?:ов|а)?|лет|года|год"
    r"|(?<![^\W\d_])[mм](?![^\W\d_]))"
)
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|~|～|〜|到|至|\bto\b|\bдо\b|…|\.\.)\s*")
# "от 25 до 32", "from 25 to 32": the word before the first number.
_RANGE_START = re.compile(r"^(?:from|от|с)\s+(?=\d)")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
# An open range: a lower bound alone ("30+", "175以上", "over 175", "выше 175", "30 и старше") or an upper one.
_AT_LEAST = re.compile(
    rf"^(?:{_NUMBER}\s*(?:\+|以上|or\s+(?:more|older|taller|above)|and\s+(?:up|above|older|taller)"
    r"|и\s+(?:старше|выше|более|больше)|или\s+(?:старше|выше|больше))"
    r"|(?:at\s+least|over|above|from|older\s+than|taller\s+than|>=?|от|старше|выше|больше|более"
    rf"|не\s+(?:младше|моложе|ниже|менее|меньше)|минимум|не\s+меньше)\s*{_NUMBER})$"
)
_AT_MOST = re.compile(
    rf"^(?:{_NUMBER}\s*(?:以下|or\s+(?:less|younger|shorter|below)|и\s+(?:младше|моложе|ниже|менее|меньше)"
    r"|или\s+(?:младше|моложе|ниже|меньше))"
    r"|(?:at\s+most|under|below|up\s+to|younger\s+than|shorter\s+than|<=?|до|младше|моложе|ниже|меньше|менее"
    rf"|не\s+(?:старше|выше|более|больше)|максимум)\s*{_NUMBER})$"
)


def _number(text: str | None) -> float | None:
    return None if text is None else float(text.replace(",", "."))


def _range_numbers(text: str) -> tuple[float | None, float | None] | None:
    """(low, high) as typed; None on an open side ("175以上": (175, None)), None for no range at all."""
    folded = " ".join(_RANGE_UNITS.sub(" ", _fold(text)).split())
    if m := _AT_LEAST.match(folded):
        return _number(m[1] or m[2]), None
    if m := _AT_MOST.match(folded):
        return None, _number(m[1] or m[2])
    parts = [p for p in _RANGE_SPLIT.split(_RANGE_START.sub("", folded)) if p]
    if len(parts) != 2:
        return None
    try:
        return float(parts[0].replace(",", ".")), float(parts[1].replace(",", "."))
    except ValueError:
        return None


# A preferred range: either side may be open (None), never both.
Range = tuple[int | None, int | None]


def _check_range(low: int | None, high: int | None, lowest: int, highest: int, bounds: Problem) -> Range | Invalid:
    if low is not None and high is not None and low > high:
        return Invalid(Problem.RANGE_REVERSED, {"low": low, "high": high})
    if any(value is not None and not lowest <= value <= highest for value in (low, high)):
        return Invalid(bounds, {"min": lowest, "max": highest})
    return low, high


def parse_age_range(text: str, *, min_age: int) -> Range | Invalid:
    numbers = _range_numbers(text)
    if numbers is None:
        return Invalid(Problem.RANGE_FORMAT)
    low, high = (None if n is None else round(n) for n in numbers)
    return _check_range(low, high, min_age, MAX_PARTNER_AGE, Problem.AGE_BOUNDS)


def parse_height_range(text: str) -> Range | Invalid:
    numbers = _range_numbers(text)
    if numbers is None:
        return Invalid(Problem.RANGE_FORMAT)
    # "1.60-1.75": metres.
    low, high = (None if n is None else round(n * 100) if n < 3 else round(n) for n in numbers)
    return _check_range(low, high, MIN_HEIGHT_CM, MAX_HEIGHT_CM, Problem.HEIGHT_BOUNDS)


# --- phone numbers ---------------------------------------------------------------------------------------
class PhoneNormaliser(Protocol):
    """Turns a typed number into E.164 ("+8613800138000"), or None when it is not a valid number."""

    def __call__(self, text: str) -> str | None: ...


def parse_phone(text: str, normalise: PhoneNormaliser) -> str | Invalid:
    cleaned = clean_text(text)
    if not cleaned or len(cleaned) > 40:
        return Invalid(Problem.PHONE_INVALID)
    number = normalise(unicodedata.normalize("NFKC", cleaned))
    return number if number is not None else Invalid(Problem.PHONE_INVALID)
