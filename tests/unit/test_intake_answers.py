"""Parsing what people type: dates, heights, ranges, names, free text, phone numbers, places."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources

import pytest

from domain.answers import (
    Invalid,
    Problem,
    age_on,
    clean_text,
    parse_age_range,
    parse_birth_date,
    parse_free_text,
    parse_height,
    parse_height_range,
    parse_name,
    parse_phone,
)
from domain.phones import normalise_phone, normalise_shared_contact
from domain.regions import normalise, region_book

TODAY = date(2026, 1, 5)


@pytest.mark.parametrize(
    "typed",
    [
        "2001-05-17",
        "17.05.2001",
        "2001/5/17",
        "2001年5月17日",
        "2001年05月17号",
        "2001.5.17",
        "20010517",
        "17/05/2001",
        "5/17/2001",
        "17 May 2001",
        "17th of May 2001",
        "May 17, 2001",
        "２００１－０５－１７",
        "  2001 - 05 - 17  ",
    ],
)
def test_dates_people_type(typed: str) -> None:
    assert parse_birth_date(typed, today=TODAY, min_age=20) == date(2001, 5, 17)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Problem.DATE_FORMAT),
        ("yesterday", Problem.DATE_FORMAT),
        ("17.05.01", Problem.DATE_FORMAT),
        ("2001-13-01", Problem.DATE_INVALID),
        ("2001-02-29", Problem.DATE_INVALID),
        ("03/04/2001", Problem.DATE_AMBIGUOUS),
        ("2027-01-01", Problem.DATE_FUTURE),
        ("1900-01-01", Problem.TOO_OLD),
    ],
)
def test_dates_refused(typed: str, problem: Problem) -> None:
    result = parse_birth_date(typed, today=TODAY, min_age=20)
    assert isinstance(result, Invalid) and result.problem is problem


def test_the_minimum_age_is_counted_to_the_day() -> None:
    assert parse_birth_date("2006-01-05", today=TODAY, min_age=20) == date(2006, 1, 5)
    assert parse_birth_date("2006-01-06", today=TODAY, min_age=20) == Invalid(Problem.TOO_YOUNG, {"min_age": 20})
    assert age_on(date(2004, 2, 29), date(2024, 2, 28)) == 19
    assert age_on(date(2004, 2, 29), date(2024, 3, 1)) == 20
    # The same day and month in both orders reads the same.
    assert parse_birth_date("05/05/2001", today=TODAY, min_age=20) == date(2001, 5, 5)


@pytest.mark.parametrize(
    ("typed", "height"),
    [
        ("175", 175),
        ("175cm", 175),
        ("175 CM", 175),
        ("175厘米", 175),
        ("175公分", 175),
        ("１７５", 175),
        ("1.75", 175),
        ("1,75 m", 175),
        ("1.8米", 180),
        ("1米75", 175),
        ("1米8", 180),
        ("5'9\"", 175),
        ("6 ft", 183),
        ("172.4", 172),
    ],
)
def test_heights(typed: str, height: int) -> None:
    assert parse_height(typed) == height


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("tall", Problem.HEIGHT_FORMAT),
        ("", Problem.HEIGHT_FORMAT),
        ("50", Problem.HEIGHT_RANGE),
        ("300", Problem.HEIGHT_RANGE),
    ],
)
def test_heights_refused(typed: str, problem: Problem) -> None:
    result = parse_height(typed)
    assert isinstance(result, Invalid) and result.problem is problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("25-32", (25, 32)),
        ("25 – 32", (25, 32)),
        ("25~32", (25, 32)),
        ("25 to 32 years", (25, 32)),
        ("25到32岁", (25, 32)),
        ("25至32周岁", (25, 32)),
        ("28到35歲", (28, 35)),  # typed in Traditional characters
        ("28至35週歲", (28, 35)),
        ("30+", (30, None)),
        ("30以上", (30, None)),
        ("at least 30", (30, None)),
        ("under 40", (None, 40)),
        ("40以下", (None, 40)),
        ("30-30", (30, 30)),
    ],
)
def test_age_ranges(typed: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_age_range(typed, min_age=20) == expected


def test_age_ranges_refused() -> None:
    assert parse_age_range("32-25", min_age=20) == Invalid(Problem.RANGE_REVERSED, {"low": 32, "high": 25})
    assert parse_age_range("15-25", min_age=20) == Invalid(Problem.AGE_BOUNDS, {"min": 20, "max": 99})
    assert parse_age_range("25-120", min_age=20) == Invalid(Problem.AGE_BOUNDS, {"min": 20, "max": 99})
    for typed in ("thirty", "30", "25-30-35", "", "a-b"):
        assert parse_age_range(typed, min_age=20) == Invalid(Problem.RANGE_FORMAT), typed


def test_height_ranges() -> None:
    assert parse_height_range("160-175") == (160, 175)
    assert parse_height_range("160cm~175cm") == (160, 175)
    assert parse_height_range("1.60-1.75") == (160, 175)
    assert parse_height_range("170以上") == (170, None)
    assert parse_height_range("175-160") == Invalid(Problem.RANGE_REVERSED, {"low": 175, "high": 160})
    assert parse_height_range("50-100") == Invalid(Problem.HEIGHT_BOUNDS, {"min": 120, "max": 230})


@pytest.mark.parametrize("name", ["Li Wei", "李伟", "欧阳娜娜", "O'Brien-Smith", "Zoë", "محمد", "יעל", "Mary-Jane"])
def test_names_of_every_script(name: str) -> None:
    assert parse_name(name) == name


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("😀", Problem.NAME_CHARACTERS),
        ("Li 3", Problem.NAME_CHARACTERS),
        ("--", Problem.NAME_CHARACTERS),
        (" ", Problem.TEXT_EMPTY),
        ("a" * 41, Problem.TEXT_TOO_LONG),
        ("<b>Li</b>", Problem.NAME_CHARACTERS),
    ],
)
def test_names_refused(typed: str, problem: Problem) -> None:
    result = parse_name(typed)
    assert isinstance(result, Invalid) and result.problem is problem


def test_free_text_is_cleaned_but_kept() -> None:
    # Direction overrides go; emoji (with their joiners), line breaks and other scripts stay.
    assert (
        clean_text("\u202eHello\u202c 👨\u200d👩\u200d👧 مرحبا\n\n\n\nbye\x00 ")
        == "Hello 👨\u200d👩\u200d👧 مرحبا\n\nbye"
    )
    assert parse_free_text("x" * 1001, limit=1000) == Invalid(Problem.TEXT_TOO_LONG, {"limit": 1000, "length": 1001})
    assert parse_free_text("hi", limit=1000, minimum=10) == Invalid(Problem.TEXT_TOO_SHORT, {"minimum": 10})
    assert parse_free_text("\u202e\u202c  ", limit=10) == Invalid(Problem.TEXT_EMPTY)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("010 6552 9988", "+861065529988"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers(typed: str, e164: str) -> None:
    assert parse_phone(typed, normalise_phone) == e164


@pytest.mark.parametrize("typed", ["12345", "phone", "", "+1 555", "1" * 60])
def test_phone_numbers_refused(typed: str) -> None:
    assert parse_phone(typed, normalise_phone) == Invalid(Problem.PHONE_INVALID)


def test_a_shared_contact_may_come_without_a_plus() -> None:
    assert normalise_shared_contact("8613800138000") == "+8613800138000"
    assert normalise_shared_contact("+8613800138000") == "+8613800138000"


def test_the_region_book_has_every_province_and_consistent_codes() -> None:
    book = region_book()
    provinces = book.provinces
    assert len(provinces) == 34
    assert {"Beijing", "Shanghai", "Tibet", "Hong Kong", "Macau", "Taiwan"} <= {p.en for p in provinces}
    for code in ("440300", "320500", "510100", "650100"):
        region = book.get(code)
        assert region is not None and book.province_of(code) == code[:2] + "0000"
    assert book.label("320500", "en") == "Suzhou, Jiangsu"
    assert book.label("320500", "zh") == "苏州·江苏"
    assert book.label("310000", "zh") == "上海"


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("上海", ("310000",)),
        ("shanghai", ("310000",)),
        ("Shanghai City", ("310000",)),
        ("上海市", ("310000",)),
        ("SHENZHEN", ("440300",)),
        ("I live in Shenzhen", ("440300",)),
        ("江苏昆山", ("320000",)),
        ("Xi'an", ("610100",)),
        ("广西壮族自治区", ("450000",)),
        ("Hong Kong SAR", ("810000",)),
        ("beijing shi", ("110000",)),
        ("中国北京", ("110000",)),
        ("Suzhou", ("320500", "341300")),
        ("吉林", ("220200", "220000")),
    ],
)
def test_places_as_people_type_them(typed: str, codes: tuple[str, ...]) -> None:
    assert region_book().match(typed).codes == codes


def test_near_misses_are_suggested() -> None:
    found = region_book().match("Shangai")
    assert found.codes == () and "310000" in found.suggestions
    assert region_book().match("Atlantis").suggestions == ()
    assert normalise(" Shanghai  City ") == normalise("shanghai") == "shanghai"


# --- Russian answers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "17 мая 2001",
        "17 мая 2001 г.",
        "17 мая 2001 года",
        "17 Мая 2001г",
        "17-го мая 2001 года",
        "17 май 2001",
        "17 мая, 2001",
        "17.05.2001 г.",
        "17.05.2001г",
    ],
)
def test_dates_typed_in_russian(typed: str) -> None:
    assert parse_birth_date(typed, today=TODAY, min_age=20) == date(2001, 5, 17)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 сентября 1990", date(1990, 9, 1)),
        ("3 янв. 1999", date(1999, 1, 3)),
        ("29 февраля 2000 г.", date(2000, 2, 29)),
        ("31 декабря 1985 года", date(1985, 12, 31)),
    ],
)
def test_russian_month_names_and_abbreviations(typed: str, expected: date) -> None:
    assert parse_birth_date(typed, today=TODAY, min_age=20) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("вчера", Problem.DATE_FORMAT),
        ("17 мартобря 2001", Problem.DATE_FORMAT),
        ("30 февраля 2001", Problem.DATE_INVALID),
        ("1 января 2030 года", Problem.DATE_FUTURE),
    ],
)
def test_russian_dates_refused(typed: str, problem: Problem) -> None:
    result = parse_birth_date(typed, today=TODAY, min_age=20)
    assert isinstance(result, Invalid) and result.problem is problem


@pytest.mark.parametrize(
    ("typed", "height"),
    [
        ("175 см", 175),
        ("175см", 175),
        ("175 СМ", 175),
        ("175 сантиметров", 175),
        ("172,4", 172),
        ("172,4 см", 172),
        ("1,75 м", 175),
        ("1,75м", 175),
        ("1.75 м", 175),
        ("1,75 метра", 175),
        ("1 м 75", 175),
        ("1 м 75 см", 175),
        ("1м 8", 180),
        ("рост 175 см", 175),
    ],
)
def test_heights_typed_in_russian(typed: str, height: int) -> None:
    assert parse_height(typed) == height


@pytest.mark.parametrize(("typed", "problem"), [("высокий", Problem.HEIGHT_FORMAT), ("300 см", Problem.HEIGHT_RANGE)])
def test_russian_heights_refused(typed: str, problem: Problem) -> None:
    result = parse_height(typed)
    assert isinstance(result, Invalid) and result.problem is problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("от 25 до 32", (25, 32)),
        ("от 25 до 32 лет", (25, 32)),
        ("25-32 года", (25, 32)),
        ("25 – 32 лет", (25, 32)),
        ("с 25 до 32", (25, 32)),
        ("25 до 32", (25, 32)),
        ("старше 30", (30, None)),
        ("от 30", (30, None)),
        ("от 30 лет", (30, None)),
        ("30 лет и старше", (30, None)),
        ("30 и старше", (30, None)),
        ("не младше 30", (30, None)),
        ("не моложе 30 лет", (30, None)),
        ("до 40", (None, 40)),
        ("до 40 лет", (None, 40)),
        ("моложе 40", (None, 40)),
        ("младше 40 лет", (None, 40)),
        ("не старше 40", (None, 40)),
        ("40 и младше", (None, 40)),
    ],
)
def test_age_ranges_typed_in_russian(typed: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_age_range(typed, min_age=20) == expected


def test_russian_age_ranges_refused() -> None:
    assert parse_age_range("от 32 до 25", min_age=20) == Invalid(Problem.RANGE_REVERSED, {"low": 32, "high": 25})
    assert parse_age_range("от 15 до 25 лет", min_age=20) == Invalid(Problem.AGE_BOUNDS, {"min": 20, "max": 99})
    assert parse_age_range("старше 120", min_age=20) == Invalid(Problem.AGE_BOUNDS, {"min": 20, "max": 99})
    assert parse_age_range("до 15", min_age=20) == Invalid(Problem.AGE_BOUNDS, {"min": 20, "max": 99})
    for typed in ("тридцать", "30 лет", "от 25 до 30 до 35", "от до"):
        assert parse_age_range(typed, min_age=20) == Invalid(Problem.RANGE_FORMAT), typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("от 170 до 180", (170, 180)),
        ("от 170 до 180 см", (170, 180)),
        ("170–180 см", (170, 180)),
        ("от 1,60 до 1,75 м", (160, 175)),
        ("1,60-1,75", (160, 175)),
        ("выше 175", (175, None)),
        ("не ниже 175 см", (175, None)),
        ("от 175", (175, None)),
        ("175 и выше", (175, None)),
        ("175+", (175, None)),
        ("выше 1,75 м", (175, None)),
        ("до 180", (None, 180)),
        ("ниже 180 см", (None, 180)),
        ("не выше 180", (None, 180)),
        ("180 и ниже", (None, 180)),
    ],
)
def test_height_ranges_typed_in_russian(typed: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_height_range(typed) == expected


def test_open_height_ranges_in_every_language_keep_the_open_side() -> None:
    for typed in ("175以上", "175 or more", "over 175", "at least 175", "выше 175", "175厘米以上"):
        assert parse_height_range(typed) == (175, None), typed
    for typed in ("180以下", "up to 180", "under 180 cm", "до 180", "180厘米以下"):
        assert parse_height_range(typed) == (None, 180), typed
    assert parse_height_range("выше 250") == Invalid(Problem.HEIGHT_BOUNDS, {"min": 120, "max": 230})
    assert parse_height_range("высокий") == Invalid(Problem.RANGE_FORMAT)
    assert parse_height_range("от 180 до 160") == Invalid(Problem.RANGE_REVERSED, {"low": 180, "high": 160})


def test_every_place_has_a_russian_name() -> None:
    raw = json.loads(resources.files("domain.data").joinpath("regions.json").read_text(encoding="utf-8"))
    places = [place for province in raw["provinces"] for place in (province, *province["cities"])]
    assert len(places) > 100
    for place in places:
        assert re.fullmatch(r"[А-ЯЁ][А-ЯЁа-яё' -]+", place["ru"]), place


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Шанхай", ("310000",)),
        ("город Пекин", ("110000",)),
        ("Гуанчжоу", ("440100",)),
        ("Гуандун", ("440000",)),
        ("провинция Гуандун", ("440000",)),
        ("Сиань", ("610100",)),
        ("Урумчи", ("650100",)),
        ("Гонконг", ("810000",)),
        ("Сучжоу", ("320500", "341300")),  # two cities of that name: the client is asked which
    ],
)
def test_places_typed_in_russian(typed: str, codes: tuple[str, ...]) -> None:
    assert region_book().match(typed).codes == codes
