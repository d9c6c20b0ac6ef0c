"""The agency's opening hours (`OPENING_HOURS`, in `TIMEZONE`): outside them a client who asks for a counselor
is told when someone will answer, and the staff alert waits for the shift (then the usual steps follow)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.handoff import OpeningHours
from handlers.services.settings import Settings, SettingsError, load_settings
from storage.database import Database
from tests.handoff.conftest import account_of, add_member, assign, deliver
from tests.journey_walk import PacedClient, register

LI = 7_621
CORA, DAN, MIA = 7_721, 7_722, 7_723
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


# --- the rule --------------------------------------------------------------------------------------------


def test_opening_hours_parse_and_say_when_someone_answers() -> None:
    hours = OpeningHours.parse("09:00-21:00", SHANGHAI)
    assert (hours.opens, hours.closes) == (time(9), time(21))
    assert hours.answer_from(local(6, 12)) is None  # open
    assert hours.answer_from(local(6, 9)) is None  # opening minute
    assert hours.answer_from(local(6, 0, 43)) == local(6, 9)
    assert hours.answer_from(local(6, 21)) == local(7, 9)  # closing minute: closed
    assert hours.answer_from(local(6, 23, 59)) == local(7, 9)
    assert hours.next_opening(local(6, 12)) == local(6, 12)


def test_overnight_and_round_the_clock_hours() -> None:
    night = OpeningHours.parse("20:00-02:00", SHANGHAI)
    assert night.answer_from(local(6, 1)) is None and night.answer_from(local(6, 22)) is None
    assert night.answer_from(local(6, 2)) == local(6, 20)
    always = OpeningHours.parse("00:00-24:00", SHANGHAI)
    assert always.answer_from(local(6, 0)) is None and always.answer_from(local(6, 23, 59)) is None


@pytest.mark.parametrize("text", ["", "9-21", "09:00", "21:00-09:60", "25:00-26:00", "09:00-09:00", "nine-five"])
def test_unusable_opening_hours_are_refused(text: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        OpeningHours.parse(text, SHANGHAI)
    with pytest.raises(SettingsError, match="OPENING_HOURS"):
        load_settings(_env_file=None, data_dir=tmp_path, opening_hours=text)


def test_the_default_is_the_working_day() -> None:
    assert Settings(_env_file=None).opening_hours == "09:00-21:00"


# --- in the chat -----------------------------------------------------------------------------------------


async def test_at_night_the_client_hears_when_and_the_alert_waits_for_the_shift(
    person: Callable[..., PacedClient],
    app_database: Database,
    clock: FakeClock,
    runner: DueJobRunner,
    settings: Settings,
) -> None:
    client = person(user_id=LI)
    clock.set(local(5, 23, 30))
    await register(client, "en")
    cora, dan, mia = person(user_id=CORA), person(user_id=DAN), person(user_id=MIA)
    counselor = await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await add_member(app_database, clock, DAN, "counselor", name="Dan")
    await add_member(app_database, clock, MIA, "manager", name="Mia")
    await assign(app_database, await account_of(app_database, client), counselor.account_id, clock.now())

    clock.set(local(6, 0, 43))
    await client.send("/human")
    answer = client.last_text()
    assert "usually within" not in answer
    assert answer.startswith(
        "Our counselors answer from 09:00 to 21:00. I have passed on your request: a counselor will write to you "
        "here today at 09:00."
    )
    await client.send("How much does membership cost?")
    assert client.last_text().startswith("Thank you, your message is kept for the counselor, who will read it today")
    await client.send("/human")
    assert client.last_text().startswith(
        "You have asked for a counselor already. A counselor will write to you here today at 09:00."
    )

    assert await deliver(app_database, cora) == [] and await deliver(app_database, dan) == []
    clock.set(local(6, 8, 59))
    assert (await runner.run_due()).ran == 0
    assert await deliver(app_database, cora) == []

    clock.set(local(6, 9))
    assert (await runner.run_due()).ran == 1
    (alert,) = await deliver(app_database, cora)  # the assigned counselor first, as in the day
    assert alert.text.startswith("🙋 <b>A client needs a counselor</b>\nClient: Li")
    assert await deliver(app_database, dan) == []

    # The usual steps follow from the start of the shift, not from the night.
    clock.set(local(6, 9) + timedelta(minutes=settings.handoff_claim_minutes))
    assert (await runner.run_due()).ran == 1
    assert len(await deliver(app_database, dan)) == 1
    assert len(await deliver(app_database, mia)) == 1
    clock.set(local(6, 9) + timedelta(minutes=settings.handoff_escalation_minutes))
    assert (await runner.run_due()).ran == 1
    (told,) = await deliver(app_database, mia)
    assert told.text.startswith("⏰ <b>Nobody has claimed a client's request for 30 minutes</b>")
    await cora.click("✋ Claim")
    assert "They waited 8 hours." in cora.texts()[-2]
    assert cora.last_text().endswith("</i> How much does membership cost?")


async def test_in_the_evening_the_answer_is_tomorrow_and_a_withdrawal_cancels_the_shift_alert(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock, runner: DueJobRunner
) -> None:
    client = person(user_id=LI)
    clock.set(local(5, 20, 50))
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    clock.set(local(5, 21, 5))
    await client.send("/human")
    assert "a counselor will write to you here tomorrow at 09:00." in client.last_text()
    await client.send("/end")
    clock.set(local(6, 9, 30))
    await runner.run_due()
    assert await deliver(app_database, cora) == []


async def test_the_hours_are_a_setting(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock, settings: Settings
) -> None:
    settings.opening_hours = "08:30-18:00"
    client = person(user_id=LI, language_code="zh")
    clock.set(local(6, 7))
    await register(client, "zh")
    clock.set(local(6, 7, 30))
    await client.send("/human")
    assert client.last_text().startswith("我们的红娘在08:30至18:00之间回复。")
    assert "今天 08:30" in client.last_text()


async def test_at_night_three_misunderstandings_say_when_a_counselor_will_write(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    clock.set(local(5, 23, 30))
    await register(client, "en")
    clock.set(local(6, 0, 43))

    for text in ("blah", "what??", "qwerty"):
        await client.send(text)

    answer = client.last_text()
    assert answer.startswith(
        "Sorry, I keep misunderstanding you. Our counselors answer from 09:00 to 21:00. I have passed on your "
        "request: a counselor will write to you here today at 09:00."
    )
    assert "usually within" not in answer
