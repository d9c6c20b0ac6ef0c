"""The day's lists as the Matchmaker makes them from the database: the daily exposure cap across askers and
days, and nobody suggested twice (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.i18n import create_i18n
from domain.clock import FakeClock
from handlers.services.matching.matchmaker import Matchmaker
from handlers.services.settings import Settings
from storage.database import Database
from storage.matching_source import MatchPool
from tests.matching.test_matching_source import client

HIM = {"gender_sought": "female", "must_have": []}
HER = {"gender_sought": "male", "must_have": []}


def matchmaker(uow: object, tmp_path: Path, clock: FakeClock, pool: MatchPool, **settings: object) -> Matchmaker:
    return Matchmaker(
        uow=uow,  # type: ignore[arg-type]
        settings=Settings(_env_file=None, data_dir=tmp_path / "data", **settings),  # type: ignore[arg-type]
        clock=clock,
        i18n=create_i18n(),
        pool=pool,
    )


async def test_a_profile_is_shown_to_no_more_askers_a_day_than_the_cap(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    now, pool = clock.now(), MatchPool()
    async with database.unit_of_work() as uow:
        men = [await client(uow, now, n, gender="male", birth_date=date(1993, 1, 1), wishes=HIM) for n in range(3)]
        women = [await client(uow, now, 10 + n, wishes=HER) for n in range(2)]
    # Each woman may be shown to one asker a day: the first man's list takes both; the others wait.
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool, max_daily_exposure=1)
        assert [await maker.make_list(man, clock.now().date()) for man in men] == [2, 0, 0]
        assert sorted(s.candidate_id for s in await uow.suggestions.list_for_asker(men[0])) == sorted(women)

    # The next day: the first man never sees them again; the second man's turn.
    clock.advance(timedelta(days=1))
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool, max_daily_exposure=1)
        assert [await maker.make_list(man, clock.now().date()) for man in men] == [0, 2, 0]
