"""/pilots as a manager uses it, in English and Chinese: start a pilot with three button choices, see the two
groups compared (text and chart), roll it out or stop it; every change audited. And the flags change what
clients get: a pilot client's daily list is longer, a pilot client is called by a counselor the next day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.profile import ProfileData
from domain.reports.pilots import Arm, Flag, Metric, PilotState, arm_of
from handlers.services.matching.matchmaker import Matchmaker
from handlers.services.profiles import Profiles
from handlers.services.reports.pilots import PilotFlags
from handlers.services.settings import Settings
from storage.database import Database
from storage.matching_source import MatchPool
from storage.models.pilots import PilotRow
from storage.repositories.pilots import PilotsRepository
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.casework.conftest import make_client
from tests.journey_walk import paced
from tests.matching.test_matching_source import client as match_client
from tests.staff.conftest import OWNER_ID, add_member

MANAGER = 600_100


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.fixture
def make_user(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., BotClient]:
    def factory(**kwargs: Any) -> BotClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory


async def pilots(database: Database) -> list[PilotRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(PilotRow).order_by(PilotRow.id))).all())


async def audited(database: Database) -> list[str]:
    async with database.unit_of_work(read_only=True) as uow:
        return sorted(entry.action for entry in await uow.audit.list_recent() if entry.action.startswith("pilot."))


async def registered_clients(database: Database, clock: FakeClock, count: int, first_id: int) -> list[UUID]:
    """Clients who register now, each enrolled in the running pilots as registration does."""
    clients = []
    for number in range(count):
        client = await make_client(database, clock, first_id + number, f"Client {number}")
        async with database.unit_of_work() as uow:
            await PilotFlags(uow).enroll(client, now=clock.now())
        clients.append(client)
    return clients


async def test_a_manager_starts_compares_and_rolls_out_a_pilot(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER, "manager", name="Mei")
    manager = make_user(user_id=MANAGER)
    await manager.send("/pilots")
    assert manager.last_text().startswith("🧪 <b>Pilots</b>\nNo pilot yet.")
    await manager.click("➕ Start a pilot")
    assert manager.last_text() == "Which change should the pilot try?"
    assert manager.last_buttons() == [
        "More suggestions a day (+2)",
        "A counselor's call the day after registration",
        "↩ Back",
    ]
    await manager.click("More suggestions a day (+2)")
    assert manager.last_buttons() == ["10%", "20%", "30%", "50%", "↩ Back"]
    await manager.click("50%")
    assert manager.last_text() == (
        "More suggestions a day (+2) for new clients (50%): what should it be judged on?"
    )
    await manager.click("Introduced within 7 days of registration")
    assert manager.last_text().startswith(
        "🧪 Pilot #1 started: More suggestions a day (+2) for the clients who register from now on (50%), judged "
        "on “Introduced within 7 days of registration”."
    )
    [row] = await pilots(app_database)
    assert (row.flag, row.share, row.metric, row.state) == ("more_suggestions", 50, "introduced_7d", "running")

    # A second pilot of the same change cannot start; the other change is still offered.
    await manager.send("/pilots")
    await manager.click("➕ Start a pilot")
    assert manager.last_buttons() == ["A counselor's call the day after registration", "↩ Back"]

    # Sixty clients register; everyone in the pilot group is introduced within a day, nobody in control.
    clock.advance(timedelta(minutes=1))
    clients = await registered_clients(app_database, clock, 60, 700_000)
    in_pilot = [c for c in clients if arm_of(row.id, c, 50) is Arm.PILOT]
    in_control = [c for c in clients if c not in in_pilot]
    assert len(in_pilot) >= 10 and len(in_control) >= 10
    async with app_database.unit_of_work() as uow:
        for first, second in zip(in_pilot[::2], in_pilot[1::2], strict=False):
            await uow.introductions.create(first, second, now=clock.now() + timedelta(days=1))
        if len(in_pilot) % 2:
            await uow.introductions.create(in_pilot[-1], in_pilot[0], now=clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=8))

    await manager.send("/pilots")
    assert f"#1 · More suggestions a day (+2) · new clients since {row.started_at:%Y-%m-%d}: 50% · running · " in (
        manager.last_text()
    )
    assert f"{len(in_pilot)} in the pilot, {len(in_control)} in control" in manager.last_text()
    calls = await manager.click("📊 #1")
    comparison = manager.texts()[-2]
    assert comparison.startswith("🧪 <b>Pilot #1: More suggestions a day (+2)</b>")
    assert f"Pilot: 100% of {len(in_pilot)} clients" in comparison
    assert f"Control: 0% of {len(in_control)} clients" in comparison
    assert "Difference: +100 points (interval +100 to +100 at 95%), p = 0.000" in comparison
    assert comparison.endswith(
        "✅ The pilot does better, and the difference is unlikely to be chance. Consider rolling it out."
    )
    [photo] = [call for call in calls if isinstance(call, SendPhoto)]
    assert isinstance(photo.photo, BufferedInputFile) and photo.photo.filename == "pilot-1.png"
    assert photo.photo.data.startswith(b"\x89PNG") and len(photo.photo.data) > 10_000
    assert photo.caption == "Pilot #1 against control"

    await manager.click("🚀 Roll out")  # on the comparison, above the chart
    assert manager.texts()[-2] == (
        "Roll out “More suggestions a day (+2)” to every client? The pilot ends and the change becomes the normal "
        "flow."
    )
    await manager.click("🚀 Yes, roll out")
    assert manager.texts()[-2].startswith("🚀 “More suggestions a day (+2)” is now the normal flow for every client.")
    [row] = await pilots(app_database)
    assert row.state == PilotState.ROLLED_OUT.value and row.ended_at == clock.now()
    assert await audited(app_database) == ["pilot.rolled_out", "pilot.started"]
    async with app_database.unit_of_work() as uow:  # the flag is now on for everyone, control included
        assert await PilotFlags(uow).on(in_control[0], Flag.MORE_SUGGESTIONS, now=clock.now())

    # The comparison of an ended pilot offers no roll-out or stop any more.
    await manager.click("📊 #1")
    [shown] = [m for m in manager.view.messages.values() if m.text.startswith("🧪 <b>Pilot #1")]
    assert "rolled out to everyone" in shown.text
    assert shown.inline is not None and [b.text for r in shown.inline.inline_keyboard for b in r] == ["↩ Back"]


async def test_a_chinese_manager_starts_and_stops_a_pilot(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    mei = await add_member(app_database, clock, MANAGER, "manager", name="美")
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(mei.account_id, "zh")
    manager = make_user(user_id=MANAGER, language_code="zh")
    await manager.send("/pilots")
    assert manager.last_text().startswith("🧪 <b>试点</b>\n还没有试点。")
    await manager.click("➕ 开始试点")
    assert manager.last_text() == "试点要尝试哪项改变？"
    await manager.click("资料登记次日红娘回访电话")
    await manager.click("20%")
    assert manager.last_text() == "资料登记次日红娘回访电话，新会员（20%）：以什么指标评判？"
    await manager.click("从登记到首次牵线的天数")
    assert manager.last_text().startswith("🧪 试点 #1已开始：从现在起登记的会员（20%）将获得“资料登记次日红娘回访电话”")

    await manager.click("📊 #1")
    comparison = manager.texts()[-2]
    assert comparison.startswith("🧪 <b>试点 #1：资料登记次日红娘回访电话</b>")
    assert "试点组：尚无可统计的会员" in comparison
    assert comparison.endswith("⏳ 现在下结论还太早：每组至少需要10位登记时间足够久、可以统计的会员。")
    assert manager.last_text() == "试点 #1与对照组比较"  # the chart's caption

    await manager.click("⛔ 停止")
    assert manager.texts()[-2] == "停止试点 #1？所有会员将回到现行流程。"
    await manager.click("⛔ 确认停止")
    assert manager.texts()[-2].startswith("⛔ 试点 #1已停止：所有会员已回到现行流程。")
    [row] = await pilots(app_database)
    assert row.state == PilotState.STOPPED.value
    assert await audited(app_database) == ["pilot.started", "pilot.stopped"]


def _matchmaker(uow: Any, tmp_path: Path, clock: FakeClock, pool: MatchPool) -> Matchmaker:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    return Matchmaker(uow=uow, settings=settings, clock=clock, i18n=create_i18n(), pool=pool)


async def test_a_pilot_client_gets_more_suggestions_a_day(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with database.unit_of_work() as uow:
        women = [await match_client(uow, clock.now(), 100 + n, wishes={"gender_sought": "male"}) for n in range(12)]
        repository = PilotsRepository.of(uow)
        pilot = await repository.add(Flag.MORE_SUGGESTIONS, Metric.INTRODUCED_7D, 50, now=clock.now(), by=None)
    clock.advance(timedelta(minutes=1))
    async with database.unit_of_work() as uow:
        him = {"gender_sought": "female", "must_have": []}
        men = [
            await match_client(uow, clock.now(), n, gender="male", birth_date=date(1993, 1, 1), wishes=him)
            for n in range(8)
        ]
    pilot_man = next(m for m in men if arm_of(pilot.id, m, 50) is Arm.PILOT)
    control_man = next(m for m in men if arm_of(pilot.id, m, 50) is Arm.CONTROL)
    pool = MatchPool()
    async with database.unit_of_work() as uow:
        maker = _matchmaker(uow, tmp_path, clock, pool)
        day = clock.now().date()
        assert await maker.make_list(control_man, day) == 3  # a basic member's daily number
        assert await maker.make_list(pilot_man, day) == 5  # and two more in the pilot
    assert len(women) == 12
    async with database.unit_of_work(read_only=True) as uow:
        repository = PilotsRepository.of(uow)
        assert await repository.arm(pilot.id, pilot_man) is Arm.PILOT  # recorded at the first ask
        assert await repository.arm(pilot.id, control_man) is Arm.CONTROL


async def test_a_pilot_client_is_called_by_a_counselor_the_day_after_registration(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    counselor = await add_member(database, clock, 600_200, "counselor", name="Anna")
    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        pilot = await repository.add(Flag.FOLLOW_UP_CALL, Metric.INTRODUCED_7D, 50, now=clock.now(), by=None)
    clock.advance(timedelta(minutes=1))
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    i18n = create_i18n()
    arms: dict[Arm, UUID] = {}
    number = 0
    while len(arms) < 2:
        number += 1
        async with database.unit_of_work() as uow:
            account, _created = await uow.accounts.get_or_create(
                "telegram", str(800 + number), locale="en", now=clock.now()
            )
            await uow.profiles.create(account.id, now=clock.now())
            with i18n.context():
                profiles = Profiles(uow=uow, settings=settings, clock=clock, i18n=i18n)
                await profiles.complete_registration(account.id, ProfileData(display_name="Li"))
        arms.setdefault(arm_of(pilot.id, account.id, 50), account.id)
    tomorrow = clock.now().date() + timedelta(days=1)
    async with database.unit_of_work(read_only=True) as uow:
        called = await uow.assignments.get(arms[Arm.PILOT])
        assert called is not None and called.counselor_id == counselor.account_id and called.follow_up_on == tomorrow
        assert await uow.assignments.get(arms[Arm.CONTROL]) is None  # a basic member: no counselor of their own
        due = await uow.assignments.due_follow_ups(tomorrow)  # in the counselor's digest tomorrow: pilot clients only
        assert (counselor.account_id, arms[Arm.PILOT], tomorrow) in due
        assert all(arm_of(pilot.id, client, 50) is Arm.PILOT for _counselor, client, _day in due)
        repository = PilotsRepository.of(uow)
        assert sum((await repository.arm_counts(pilot.id)).values()) == number  # every one enrolled
