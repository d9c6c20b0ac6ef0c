"""The entitlements table is what the features ask: the daily number of suggestions follows the table (not
the tier's name), and the private tier's dedicated counselor is assigned on payment (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.handoff import HandoffReason
from domain.membership import schedule as fee_schedule
from domain.staff import Role
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from storage.database import Database
from storage.matching_source import MatchPool
from tests.matching.test_matching_source import client
from tests.matching.test_matchmaker import matchmaker

HIM = {"gender_sought": "female", "must_have": []}
HER = {"gender_sought": "male", "must_have": []}


async def test_the_daily_quota_comes_from_the_entitlements_table(
    database: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now, pool = clock.now(), MatchPool()
    async with database.unit_of_work() as uow:
        basic = await client(uow, now, 1, gender="male", birth_date=date(1993, 1, 1), wishes=HIM)
        premium = await client(uow, now, 2, gender="male", birth_date=date(1992, 1, 1), wishes=HIM)
        for n in range(12):
            await client(uow, now, 10 + n, wishes=HER)
        await uow.profiles.update(premium, now=now, tier="premium")
    real = fee_schedule.schedule()
    tiers = tuple(
        dataclasses.replace(tier, entitlements=dataclasses.replace(tier.entitlements, suggestions_per_day=4))
        if tier.code == "premium"
        else tier
        for tier in real.tiers
    )
    monkeypatch.setattr(fee_schedule, "schedule", lambda: fee_schedule.Schedule(tiers))
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool, max_daily_exposure=10)
        assert await maker.make_list(basic, now.date()) == 3
        assert await maker.make_list(premium, now.date()) == 4


async def test_the_handoff_queue_serves_higher_entitlements_first(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        first = await client(uow, now, 1, gender="male", birth_date=date(1993, 1, 1), wishes=HIM)
        second = await client(uow, now, 2, wishes=HER)
        third = await client(uow, now, 3, wishes=HER)
        for person in (first, second, third):  # asked in this order, a minute apart
            await uow.handoffs.open(person, HandoffReason.ASKED, now=clock.advance(timedelta(minutes=1)))
        await uow.profiles.update(third, now=now, tier="private")
        await uow.profiles.update(second, now=now, tier="premium")
        desk = HandoffRequests(uow=uow, settings=Settings(_env_file=None), clock=clock, i18n=create_i18n())
        queue = await desk.waiting(Actor(Role.OWNER, None, None))
    assert [handoff.client_id for handoff, _name in queue.requests] == [third, second, first]
