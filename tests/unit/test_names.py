"""The short name: what the client chose, else read from the full name in the order its script uses."""

from __future__ import annotations

import pytest

from domain.names import short_name, suggested_short_name, syllable_count


@pytest.mark.parametrize(
    ("full", "short"),
    [
        # Chinese characters: family name first, two-character surnames known, a one-character given name not
        # used alone.
        ("诸葛青云", "青云"),
        ("诸葛 青云", "青云"),
        ("欧阳娜娜", "娜娜"),
        ("司马相如", "相如"),
        ("王小明", "小明"),
        ("王 小明", "小明"),
        ("李伟", "李伟"),
        ("李 伟", "李伟"),
        ("司马光", "司马光"),
        ("欧阳锋", "欧阳锋"),
        ("王芳", "王芳"),
        ("諸葛青雲", "青雲"),
        # Hangul, the same way.
        ("김민수", "민수"),
        ("남궁민수", "민수"),
        # Kana cannot be split: the whole name.
        ("やまだ たろう", "やまだ たろう"),
        # A middle dot: transliterated names, given name first.
        ("阿依古丽·买买提", "阿依古丽"),
        ("玛丽·居里", "玛丽"),
        # Pinyin in Chinese order: the given name of two syllables or more, else the whole name.
        ("Zhuge Qingyun", "Qingyun"),
        ("zhuge qingyun", "qingyun"),
        ("Wang Xiaoming", "Xiaoming"),
        ("Ouyang Nana", "Nana"),
        ("Zhang Xiao Ming", "Xiao Ming"),
        ("Lǚ Xiǎolóng", "Xiǎolóng"),
        ("Xu Xi'an", "Xi'an"),
        ("Li Wei", "Li Wei"),
        ("Wei Li", "Wei Li"),
        # English order: the first word.
        ("Qingyun Zhuge", "Qingyun"),
        ("Anna Zhang", "Anna"),
        ("Mary Li", "Mary"),
        ("Lee Harvey", "Lee"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("Chan Tai Man", "Chan"),
        ("Иван Петров", "Иван"),
        # One word: itself; an English name beside the Chinese one: the English name.
        ("Cora", "Cora"),
        ("Amy 王芳", "Amy"),
        ("王芳 Amy", "Amy"),
        # Spaces tidied.
        ("  Zhuge   Qingyun ", "Qingyun"),
    ],
)
def test_the_short_name_read_from_a_full_name(full: str, short: str) -> None:
    assert suggested_short_name(full) == short


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_no_name_has_no_short_name(empty: str | None) -> None:
    assert suggested_short_name(empty) is None
    assert short_name(empty) is None


def test_the_name_the_client_chose_comes_first() -> None:
    assert short_name("诸葛青云", "小云") == "小云"
    assert short_name("Zhuge Qingyun", "  Yun  ") == "Yun"
    assert short_name("诸葛青云", "") == "青云"
    assert short_name("诸葛青云", None) == "青云"
    assert short_name(None, "Yun") == "Yun"


def test_a_family_name_alone_is_never_the_short_name() -> None:
    for full in ("诸葛青云", "Zhuge Qingyun", "李伟", "Li Wei", "司马光", "Ouyang Nana"):
        assert suggested_short_name(full) not in ("诸葛", "Zhuge", "李", "Li", "司马", "Ouyang")


@pytest.mark.parametrize(
    ("word", "count"),
    [("qingyun", 2), ("Xiaoming", 2), ("wei", 1), ("xian", 1), ("xi'an", 2), ("Harvey", 0), ("", 0)],
)
def test_pinyin_syllables_are_counted_at_the_fewest(word: str, count: int) -> None:
    assert syllable_count(word) == count
