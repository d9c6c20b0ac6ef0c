"""Counts read right for one and for many ("1 client ... was", "2 clients ... were"), in English and Chinese:
deactivating a counselor says how many clients were handed over and how many wait; a wait and the daily offer
are counted in words through the catalog's plural forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from aiogram import Dispatcher

from domain.clock import FakeClock
from handlers.views.handoff.messages import minutes_or_hours
from handlers.views.matching.messages import daily_offer
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import add_member

ANNA, BEN, MARY = 710_001, 710_002, 710_009


@pytest.mark.parametrize(
    ("clients", "said"),
    [
        (1, "1 client of Anna was handed to other counselors."),
        (2, "2 clients of Anna were handed to other counselors."),
    ],
)
async def test_handed_over_clients_are_counted_in_words(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, clients: int, said: str
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    clock.advance(timedelta(minutes=1))
    await add_member(app_database, clock, BEN, "counselor", name="Ben")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    for n in range(clients):
        await make_client(app_database, clock, 9_300 + n, f"Client {n}", counselor=anna.account_id)
    mary = make_user(user_id=MARY)

    await mary.send("/staff")
    await mary.click("Anna (counselor)")
    await mary.click("Deactivate")

    assert mary.last_text() == said


@pytest.mark.parametrize(
    ("clients", "said"),
    [
        (1, "1 is waiting for a counselor: nobody else is available."),
        (2, "2 are waiting for a counselor: nobody else is available."),
    ],
)
async def test_clients_left_waiting_are_counted_in_words(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, clients: int, said: str
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    for n in range(clients):
        await make_client(app_database, clock, 9_400 + n, f"Client {n}", counselor=anna.account_id)
    mary = make_user(user_id=MARY)

    await mary.send("/staff")
    await mary.click("Anna (counselor)")
    await mary.click("Deactivate")

    assert mary.last_text().splitlines()[-1] == said


@pytest.mark.parametrize(
    ("locale", "minutes", "said"),
    [
        ("en", 1, "1 minute"),
        ("en", 2, "2 minutes"),
        ("en", 60, "1 hour"),
        ("en", 125, "2 hours"),
        ("zh", 1, "1分钟"),
        ("zh", 2, "2分钟"),
        ("zh", 125, "2小时"),
    ],
)
def test_a_wait_in_words_takes_the_plural_form_of_the_catalog(
    dp: Dispatcher, locale: str, minutes: int, said: str
) -> None:
    i18n = dp["i18n"]
    with i18n.context(), i18n.use_locale(locale):
        assert minutes_or_hours(minutes) == said


@pytest.mark.parametrize(
    ("locale", "count", "said"),
    [
        ("en", 1, "☀️ Good morning! I have 1 new suggestion for you today."),
        ("en", 2, "☀️ Good morning! I have 2 new suggestions for you today."),
        ("zh", 1, "☀️ 早上好！今天为您准备了1位新的推荐对象。"),
        ("zh", 2, "☀️ 早上好！今天为您准备了2位新的推荐对象。"),
    ],
)
def test_the_daily_offer_counts_its_suggestions(dp: Dispatcher, locale: str, count: int, said: str) -> None:
    i18n = dp["i18n"]
    with i18n.context(), i18n.use_locale(locale):
        assert daily_offer(count).text == said
