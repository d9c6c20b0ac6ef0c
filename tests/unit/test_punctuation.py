"""Lists, labels and asides joined as each language writes them: "Cheerful, Gentle" and "开朗、温柔"."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import create_i18n
from handlers.views.punctuation import labelled, listed, with_aside


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n()


@pytest.mark.parametrize(
    ("locale", "items", "label", "aside"),
    [
        ("en", "Cheerful, Gentle, Family-minded", "Gender: Woman", "Staff (3)"),
        ("zh", "开朗、温柔、顾家", "性别：女", "员工（3）"),
    ],
)
def test_punctuation_follows_the_language(i18n: I18n, locale: str, items: str, label: str, aside: str) -> None:
    words = {
        "en": ("Cheerful", "Gentle", "Family-minded", "Gender", "Woman", "Staff"),
        "zh": ("开朗", "温柔", "顾家", "性别", "女", "员工"),
    }[locale]
    with i18n.context(), i18n.use_locale(locale):
        assert listed(words[:3]) == items
        assert labelled(words[3], words[4]) == label
        assert with_aside(words[5], 3) == aside
