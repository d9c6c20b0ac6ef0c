"""Four languages: the codes everywhere a locale is named, Telegram's and browsers' language tags, per-language
data (Traditional made from Simplified, Russian falling back to English) and Babel's formats."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot.i18n import CatalogsNotCompiledError, create_i18n, locale_from_language_code
from bot.webchat.identity import language_code
from domain.dates import Venue, find_venue, venues_for
from domain.income import format_amount
from domain.languages import LOCALES, format_day, format_money, format_time, to_traditional
from domain.regions import Region, RegionBook, region_book
from domain.staff import service_standard
from handlers.services.settings import SUPPORTED_LOCALES, Settings, SettingsError, load_settings
from storage.choices import LOCALES as STORED_LOCALES


def test_every_list_of_locales_names_the_same_four() -> None:
    assert set(LOCALES) == set(SUPPORTED_LOCALES) == set(STORED_LOCALES) == {"en", "zh", "zh_Hant", "ru"}


@pytest.mark.parametrize("locale", ["en", "zh", "zh_Hant", "ru"])
def test_default_locale_accepts_each_language(locale: str) -> None:
    assert Settings(_env_file=None, default_locale=locale).default_locale == locale


def test_default_locale_refuses_another_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "fr")
    with pytest.raises(SettingsError, match="DEFAULT_LOCALE"):
        load_settings(env_file=None)


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("zh", "zh"),
        ("zh-hans", "zh"),
        ("zh-CN", "zh"),
        ("zh-SG", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-hant", "zh_Hant"),
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("zh_Hant_TW", "zh_Hant"),
        ("zh-Hant-HK", "zh_Hant"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("uk", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_telegram_and_browser_language_codes_become_one_of_ours(code: str | None, locale: str) -> None:
    assert locale_from_language_code(code, "en") == locale


def test_an_unknown_language_gets_the_configured_default() -> None:
    assert locale_from_language_code("de", "zh_Hant") == "zh_Hant"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("zh-CN", "zh"),
        ("zh-TW", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("zh-Hant-HK", "zh-hant"),
        ("zh-Hans-HK", "zh"),
        ("ru-RU", "ru"),
        ("en", "en"),
    ],
)
def test_the_browser_language_becomes_a_telegram_language_code(tag: str, code: str) -> None:
    assert language_code(tag) == code
    assert locale_from_language_code(language_code(tag), "en") == locale_from_language_code(tag, "en")


@pytest.mark.parametrize("tag", [None, 7, "", "z", "zh-", "x" * 40, "中文"])
def test_a_malformed_browser_language_is_ignored(tag: object) -> None:
    assert language_code(tag) is None


def test_region_names_in_four_languages() -> None:
    book = region_book()
    assert book.label("440100", "en") == "Guangzhou, Guangdong"
    assert book.label("440100", "zh") == "广州·广东"
    assert book.label("440100", "zh_Hant") == "廣州·廣東"
    assert book.label("110000", "zh_Hant") == "北京"
    russian = book.label("440100", "ru")
    assert russian in ("Гуанчжоу, Гуандун", "Guangzhou, Guangdong")  # English until the data has Russian


def test_russian_names_come_from_the_data_and_fall_back_to_english() -> None:
    book = RegionBook(
        [
            Region("440000", "Guangdong", "广东", "440000", (), "Гуандун"),
            Region("440100", "Guangzhou", "广州", "440000", ()),
        ]
    )
    assert book.label("440100", "ru") == "Guangzhou, Гуандун"
    assert book.label("440000", "ru") == "Гуандун"
    assert book.match("Гуандун").codes == ("440000",)


def test_traditional_and_russian_place_names_are_understood() -> None:
    book = region_book()
    assert book.match("廣州").codes == ("440100",)
    assert book.match("臺灣").codes == book.match("台湾").codes
    assert book.match("新疆維吾爾自治區").codes == book.match("新疆维吾尔自治区").codes


def test_venues_in_four_languages() -> None:
    venue = Venue("x.tea", ("tea",), "A tea house", "一家茶馆", "Quiet rooms", "安静的包间", "", "")
    assert venue.name("zh_Hant") == "一家茶館"
    assert venue.about("zh_Hant") == "安靜的包間"
    assert venue.name("ru") == "A tea house"
    russian = Venue("x.tea", ("tea",), "A tea house", "一家茶馆", "Quiet rooms", "安静的包间", "Чайная", "Тихие залы")
    assert (russian.name("ru"), russian.about("ru")) == ("Чайная", "Тихие залы")
    real = venues_for("310000")[0]
    assert find_venue(real.code) == real
    assert real.name("zh_Hant") == to_traditional(real.zh)
    assert real.about("zh_Hant") == to_traditional(real.zh_about)
    assert real.name("ru") == (real.ru or real.en)


def test_the_service_standard_in_traditional_chinese_is_made_from_the_simplified_one() -> None:
    simplified = service_standard("zh")
    traditional = service_standard("zh_Hant")
    assert traditional != simplified
    assert "紅娘" in traditional or "會員" in traditional
    assert service_standard("ru") in (service_standard("en"), service_standard("ru"))
    assert service_standard("ru")


def test_income_amounts_as_each_language_writes_them() -> None:
    assert format_amount(50_000, "en") == "50,000"
    assert format_amount(50_000, "zh") == "5万"
    assert format_amount(50_000, "zh_Hant") == "5萬"
    assert format_amount(1_000_000, "zh_Hant") == "100萬"
    assert format_amount(55_500, "zh") == "55,500"
    assert format_amount(50_000, "ru") == "50\xa0000"


def test_money_dates_and_times_by_babel() -> None:
    amount = Decimal("1999.5")
    assert format_money(amount, "CNY", "en") == "CN¥1,999.50"
    assert format_money(amount, "CNY", "zh") == "¥1,999.50"
    assert format_money(amount, "CNY", "zh_Hant") == "CN¥1,999.50"
    assert format_money(amount, "CNY", "ru") == "1\xa0999,50\xa0CN¥"
    assert format_money(Decimal("100"), "JPY", "en") == "¥100"
    day = date(2026, 12, 7)
    assert format_day(day, "en") == "Mon, Dec 7"
    assert format_day(day, "zh") == "12月7日周一"
    assert format_day(day, "zh_Hant") == "12月7日週一"
    assert format_day(day, "ru") == "пн, 7 дек."
    assert format_time(time(9, 5), "en") == "09:05"
    assert format_time(time(21, 5), "ru") == "21:05"


def test_a_shipped_catalog_without_its_compiled_file_stops_the_start(tmp_path: Path) -> None:
    for locale in ("en", "zh"):
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
        with (folder / "messages.mo").open("wb") as mo:
            write_mo(mo, Catalog(locale=locale))
    assert set(create_i18n("en", tmp_path).available_locales) == {"en", "zh"}  # Russian not shipped: English

    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "ru" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(CatalogsNotCompiledError, match="ru"):
        create_i18n("en", tmp_path)
