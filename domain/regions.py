"""China's regions: every provincial-level division and the major cities, with their GB/T 2260 codes.

A code names a province ("310000") or a city ("320500"); a city's province shares its first two digits.
`match` turns what a person types ("上海", "shanghai", "Shanghai City", "I live in Shenzhen") into codes.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from domain.languages import in_locale, is_chinese, to_traditional

# What people append to a place name; removed before comparing. Longest first.
_SUFFIXES = (
    "specialadministrativeregion",
    "autonomousregion",
    "autonomousprefecture",
    "municipality",
    "prefecture",
    "province",
    "district",
    "city",
    "sar",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "白族自治州",
    "自治区",
    "自治州",
    "地区",
    # Traditional Chinese
    "維吾爾自治區",
    "壯族自治區",
    "回族自治區",
    "特別行政區",
    "自治區",
    "地區",
    "市",
    "省",
    # Russian ("провинция Гуандун", "Гуандун провинция", "город Шанхай")
    "провинция",
    "область",
    "город",
)
# Romanised suffixes ("Shanghai Shi", "Hebei Sheng") are removed only when what remains is a known name.
_PINYIN_SUFFIXES = ("sheng", "shi")
_PREFIXES = (
    "peoplesrepublicofchina",
    "中华人民共和国",
    "中華人民共和國",
    "china",
    "中国",
    "中國",
    "prc",
    "китай",
    "провинция",
    "город",
)
_DROP = re.compile(r"[\s\-_'’`·・.,，。、/()（）]+")
_MIN_CONTAINED_LATIN = 4
_MIN_CONTAINED_HAN = 2


@dataclass(frozen=True)
class Region:
    code: str
    en: str
    zh: str
    province_code: str
    aliases: tuple[str, ...] = ()
    ru: str | None = None  # English is shown where the data has no Russian name

    @property
    def is_province(self) -> bool:
        return self.code == self.province_code

    def name(self, locale: str) -> str:
        """English, Simplified, Traditional (made from the Simplified) or Russian."""
        return in_locale(locale, en=self.en, zh=self.zh, ru=self.ru)

    def names(self) -> tuple[str, ...]:
        """Every name a person may type for it, in any of our languages and scripts."""
        return (self.en, self.zh, to_traditional(self.zh), *((self.ru,) if self.ru else ()), *self.aliases)


@dataclass(frozen=True)
class RegionMatch:
    """`codes`: what the text names (one: a match; several: ask which). `suggestions`: near misses."""

    codes: tuple[str, ...]
    suggestions: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Case, width, spacing and punctuation folded; administrative suffixes and a leading "China" removed."""
    key = _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())
    changed = True
    while changed and key:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix) :], True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key


class RegionBook:
    """The regions from the data file, indexed for lookup by code and by name."""

    def __init__(self, regions: list[Region]) -> None:
        self._by_code = {r.code: r for r in regions}
        self._by_key: dict[str, set[str]] = {}
        for region in regions:
            for name in region.names():
                key = normalise(name)
                if key:
                    self._by_key.setdefault(key, set()).add(region.code)
        self._keys_longest_first = sorted(self._by_key, key=len, reverse=True)

    @property
    def provinces(self) -> list[Region]:
        return [r for r in self._by_code.values() if r.is_province]

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def province_of(self, code: str) -> str | None:
        region = self._by_code.get(code)
        return region.province_code if region else None

    def label(self, code: str, locale: str) -> str:
        """ "Suzhou, Jiangsu" / "苏州·江苏" / "蘇州·江蘇" for a city; the name alone for a province or a
        municipality."""
        region = self._by_code.get(code)
        if region is None:
            return code
        province = self._by_code[region.province_code]
        if region.is_province:
            return region.name(locale)
        separator = "·" if is_chinese(locale) else ", "
        return f"{region.name(locale)}{separator}{province.name(locale)}"

    def match(self, text: str, *, provinces_only: bool = False) -> RegionMatch:
        key = normalise(text)
        if not key:
            return RegionMatch(())
        codes = self._exact(key)
        if not codes:
            codes = self._contained(key)
        if provinces_only:
            codes = {self._by_code[c].province_code for c in codes}
        if codes:
            return RegionMatch(self._ordered(codes))
        return RegionMatch((), self._near(key, provinces_only=provinces_only))

    def _exact(self, key: str) -> set[str]:
        if key in self._by_key:
            return set(self._by_key[key])
        for suffix in _PINYIN_SUFFIXES:
            stem = key.removesuffix(suffix)
            if stem != key and stem in self._by_key:
                return set(self._by_key[stem])
        return set()

    def _contained(self, key: str) -> set[str]:
        """A known name inside a sentence ("I live in Shenzhen", "江苏昆山"): the longest names win."""
        found: set[str] = set()
        longest = 0
        for name_key in self._keys_longest_first:
            if len(name_key) < longest:
                break
            minimum = _MIN_CONTAINED_LATIN if name_key.isascii() else _MIN_CONTAINED_HAN
            if len(name_key) >= minimum and name_key in key:
                found |= self._by_key[name_key]
                longest = len(name_key)
        return found

    def _near(self, key: str, *, provinces_only: bool) -> tuple[str, ...]:
        codes: list[str] = []  # closest first
        for name_key in difflib.get_close_matches(key, self._by_key, n=3, cutoff=0.75):
            for code in self._ordered(self._by_key[name_key]):
                code = self._by_code[code].province_code if provinces_only else code
                if code not in codes:
                    codes.append(code)
        return tuple(codes)

    def _ordered(self, codes: set[str]) -> tuple[str, ...]:
        # Cities before their provinces, then by code: "吉林" offers 吉林市 first.
        return tuple(sorted(codes, key=lambda c: (self._by_code[c].is_province, c)))


def _load(raw: dict[str, object]) -> list[Region]:
    regions: list[Region] = []
    provinces = raw["provinces"]
    assert isinstance(provinces, list)
    for province in provinces:
        code = province["code"]
        regions.append(
            Region(code, province["en"], province["zh"], code, tuple(province["aliases"]), province.get("ru"))
        )
        for city in province["cities"]:
            regions.append(Region(city["code"], city["en"], city["zh"], code, tuple(city["aliases"]), city.get("ru")))
    return regions


@cache
def region_book() -> RegionBook:
    """The book from `domain/data/regions.json`, read once."""
    text = resources.files("domain.data").joinpath("regions.json").read_text(encoding="utf-8")
    return RegionBook(_load(json.loads(text)))


# The cities offered as buttons before anyone types: the largest by population of clients' likely homes.
POPULAR_CITIES = ("110000", "310000", "440100", "440300", "330100", "510100", "500000", "420100")
