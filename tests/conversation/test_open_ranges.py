"""A range typed with one side open ("175以上", "over 175", "до 180") is kept open and shown as it was typed:
"175厘米以上", "175 cm or more", never "175 至 230 厘米"."""

from __future__ import annotations

import pytest

from domain.clock import FakeClock
from storage.database import Database
from tests.conversation.telegram import TelegramChat, TelegramClient
from tests.journey_walk import ANSWERS, LABELS, answer, answer_until, consent, stored


@pytest.fixture
def session(clock: FakeClock) -> TelegramChat:
    return TelegramChat(clock)


async def answer_after(person: TelegramClient, step: str, locale: str = "en") -> None:
    """Answer the rest of the journey after `step`, up to the review."""
    steps = list(ANSWERS[locale])
    for later in steps[steps.index(step) + 1 :]:
        await answer(person, later, locale)


@pytest.mark.parametrize(
    ("typed", "shown", "bounds"),
    [
        ("over 175", "Height: 175 cm or more", (175, None)),
        ("175 cm or more", "Height: 175 cm or more", (175, None)),
        ("up to 180 cm", "Height: up to 180 cm", (None, 180)),
        ("160-175", "Height: 160 to 175 cm", (160, 175)),
    ],
)
async def test_an_open_height_range_reads_as_typed(
    person: TelegramClient, app_database: Database, typed: str, shown: str, bounds: tuple[int | None, int | None]
) -> None:
    await consent(person)
    await answer_until(person, "p_height")

    await person.send(typed)
    await answer_after(person, "p_height")

    assert shown + " (nice-to-have)\n" in person.last_text()
    db = await stored(app_database, person)
    assert db.preferences is not None and (db.preferences.height_min, db.preferences.height_max) == bounds


async def test_open_age_and_height_ranges_on_the_review(person: TelegramClient, app_database: Database) -> None:
    await consent(person)
    await answer_until(person, "p_age")
    await person.send("under 35")
    await person.send("at least 170")
    for step in ("p_education", "p_regions", "p_marital", "p_children"):
        await answer(person, step)
    await person.click("Age")
    await person.click("Height")
    await person.click(LABELS["en"].done)

    review = person.last_text()
    assert "Age: up to 35 (must-have)" in review
    assert "Height: 170 cm or more (must-have)" in review
    assert "230" not in review
    db = await stored(app_database, person)
    assert db.preferences is not None
    assert (db.preferences.age_min, db.preferences.age_max) == (None, 35)
    assert (db.preferences.height_min, db.preferences.height_max) == (170, None)
    assert db.preferences.must_have == ["age", "height"]


@pytest.mark.parametrize(
    ("step", "typed", "shown"),
    [
        ("p_height", "175以上", "175厘米以上"),
        ("p_height", "180厘米以下", "180厘米以下"),
        ("p_age", "30岁以上", "30岁以上"),
        ("p_age", "35以下", "35岁以下"),
    ],
)
async def test_open_ranges_in_chinese(person: TelegramClient, step: str, typed: str, shown: str) -> None:
    await consent(person, "zh")
    await answer_until(person, step, "zh")

    await person.send(typed)
    await answer_after(person, step, "zh")

    review = person.last_text()
    assert shown in review
    assert "230" not in review and "99岁" not in review
