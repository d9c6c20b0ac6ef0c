"""The reasons as a client reads them, in English and Chinese: whose personality traits are whose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import create_i18n
from domain.matching.explain import ReasonCode
from domain.matching.explain import describe as describe_in_english
from domain.matching.model import Reason
from handlers.views.matching.reasons import describe

SOME_SHARED = {"asker": ["steady", "humorous", "family_minded"], "candidate": ["family_minded"]}
NONE_SHARED = {"asker": ["cheerful"], "candidate": ["optimistic", "considerate"]}
ALL_SHARED = {"asker": ["gentle", "steady"], "candidate": ["steady", "gentle"]}


@pytest.fixture(scope="module")
def i18n() -> Iterator[I18n]:
    i18n = create_i18n("en")
    with i18n.context():
        yield i18n


@pytest.mark.parametrize(
    ("locale", "params", "text"),
    [
        (
            "en",
            SOME_SHARED,
            "Your personalities go well together: you are both Family-minded; you are also Steady, Humorous.",
        ),
        ("en", NONE_SHARED, "Your personalities go well together: you are Cheerful; they are Optimistic, Considerate."),
        ("en", ALL_SHARED, "Your personalities go well together: you are both Gentle, Steady."),
        ("zh", SOME_SHARED, "双方性格很合拍：您和对方都很顾家；您还很稳重、幽默。"),
        ("zh", NONE_SHARED, "双方性格很合拍：您很开朗；对方很乐观、体贴。"),
        ("zh", ALL_SHARED, "双方性格很合拍：您和对方都很温柔、稳重。"),
    ],
)
def test_a_personality_reason_says_whose_traits_are_whose(
    i18n: I18n, locale: str, params: dict[str, list[str]], text: str
) -> None:
    with i18n.use_locale(locale):
        assert describe(ReasonCode.PERSONALITY_MATCH, params) == text


def test_the_english_rendering_of_the_engine_says_it_the_same_way() -> None:
    reason = Reason(ReasonCode.PERSONALITY_MATCH, dict(SOME_SHARED))
    assert describe_in_english(reason) == (
        "Your personalities go well together: you are both family minded; you are also steady and humorous."
    )
