"""/kpi through the real Dispatcher: a counselor sees their own figures against last month and moves between
periods; a manager sees the team ranked with its average, pages through it and opens one member; Chinese; and
every role, an ADMIN_IDS owner, a client and a visitor pressing every /kpi entry (the permission matrix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from domain.personnel.kpis import Period, PeriodKind
from domain.pipeline import Stage
from domain.staff import PERMISSIONS, Permission
from handlers.kpis import BUTTON_PERMISSIONS, COMMAND_PERMISSIONS
from handlers.services.settings import Settings
from handlers.views.kpis import KpiButton, KpiView
from storage.database import Database
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.personnel.test_kpis_metrics import History
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

NOW = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # 10:00 on 20 March in Shanghai
IN_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
IN_FEBRUARY = datetime(2026, 2, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


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


@pytest.fixture
def history(app_database: Database, clock: FakeClock) -> History:
    return History(app_database, clock)


def user_id_of(history: History) -> int:
    """The Telegram id of the last account `history` made."""
    return 880_000 + history.counter


async def test_a_counselor_sees_their_own_figures_against_last_month(
    history: History, make_user: Callable[..., BotClient]
) -> None:
    anna = await history.staff(name="Anna")
    anna_chat = make_user(user_id=user_id_of(history))
    first, second = await history.client(anna), await history.client(anna)
    await history.introduction(first, second, IN_MARCH)
    await history.stage(first, Stage.DATING, IN_MARCH)
    await history.handoff(first, anna, IN_MARCH, timedelta(minutes=6), reply_after=timedelta(minutes=8), rating=5)
    await history.penalty(anna, IN_FEBRUARY)

    await anna_chat.send("/kpi")
    text = anna_chat.last_text()
    assert text.startswith("📊 <b>Your KPIs · 2026-03</b>\nIn brackets: 2026-02.")
    assert "💞 Introductions: 1 (0)" in text
    assert "❤️ Reached dating or beyond: 1 (0)" in text
    assert "⏱ Median time to claim: 6.0 min (—)" in text
    assert "💬 Median time to first reply: 8.0 min (—)" in text
    assert "⭐ Satisfaction: 5.0 · 1 rating (—)" in text
    assert "⚖️ Penalties: 0 (1)" in text
    assert "🏅 Points: 14 (-10)" in text  # 10 for dating, 3 for the introduction, 1 client served
    assert anna_chat.last_buttons() == ["« Earlier", "By quarter"]  # nothing later than this month

    await anna_chat.click("« Earlier")
    text = anna_chat.last_text()
    assert text.startswith("📊 <b>Your KPIs · 2026-02</b>\nIn brackets: 2026-01.")
    assert "⚖️ Penalties: 1 (0)" in text
    assert anna_chat.last_buttons() == ["« Earlier", "Later »", "By quarter"]

    await anna_chat.click("By quarter")
    text = anna_chat.last_text()
    assert text.startswith("📊 <b>Your KPIs · Q1 2026</b>\nIn brackets: Q4 2025.")
    assert "⚖️ Penalties: 1 (0)" in text and "💞 Introductions: 1 (0)" in text
    assert anna_chat.last_buttons() == ["« Earlier", "By month"]


async def test_a_manager_sees_the_team_ranked_and_opens_a_member(
    history: History, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await history.staff(name="Anna")
    bo = await history.staff(name="Bo <b>")
    await history.staff(role="customer_service", name="Chen")
    first, second = await history.client(bo), await history.client(bo)
    await history.introduction(first, second, IN_MARCH)
    await history.stage(await history.client(anna), Stage.DATING, IN_MARCH)
    await add_member(app_database, clock, 700_001, "manager", name="Zhou")
    zhou = make_user(user_id=700_001)

    await zhou.send("/kpi")
    text = zhou.last_text()
    assert text.startswith("📊 <b>Team KPIs · 2026-03</b>\n3 members, ranked by points\n")
    lines = text.split("\n")
    assert lines[4:7] == [
        "1. <b>Anna</b> · 🏅 10 · 👥 0 · 💞 0 · ☕ 0 · ❤️ 1 · ⭐ —",
        "2. <b>Bo &lt;b&gt;</b> · 🏅 3 · 👥 0 · 💞 1 · ☕ 0 · ❤️ 0 · ⭐ —",
        "3. <b>Chen</b> · 🏅 0 · 👥 0 · 💞 0 · ☕ 0 · ❤️ 0 · ⭐ —",
    ]
    assert lines[-1] == "Team average: 🏅 4.3 · 👥 0.0 · 💞 0.3 · ☕ 0.0 · ❤️ 0.3 · ⭐ —"
    assert zhou.last_buttons() == ["1. Anna", "2. Bo <b>", "3. Chen", "« Earlier", "By quarter"]

    await zhou.click("2. Bo <b>")
    text = zhou.last_text()
    assert text.startswith("📊 <b>Bo &lt;b&gt; · 2026-03</b>")
    assert "💞 Introductions: 1 (0)" in text and text.endswith("Team average: 🏅 4.3 · ⭐ — · ⏱ —")
    await zhou.click("« Earlier")
    assert zhou.last_text().startswith("📊 <b>Bo &lt;b&gt; · 2026-02</b>")
    await zhou.click("« The team")
    assert zhou.last_text().startswith("📊 <b>Team KPIs · 2026-02</b>")

    await zhou.press(KpiButton(view=KpiView.MEMBER, period="2026-03", member="00" * 16).pack())
    assert zhou.last_text().startswith("📊 <b>Team KPIs · 2026-02</b>")  # nothing changed
    await zhou.send("/kpi 2026-Q1")
    assert zhou.last_text().startswith("📊 <b>Team KPIs · Q1 2026</b>")
    await zhou.send("/kpi 2027-01")  # the future: this month instead
    assert zhou.last_text().startswith("📊 <b>Team KPIs · 2026-03</b>")


async def test_a_long_team_is_paged(
    history: History, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    for number in range(12):
        await history.staff(name=f"Member {number:02d}")
    zhou = make_user(user_id=OWNER_ID)

    await zhou.send("/kpi")
    assert "12 members, ranked by points" in zhou.last_text()
    assert zhou.last_buttons()[-3:] == ["Next »", "« Earlier", "By quarter"]
    assert len(zhou.last_buttons()) == 13
    await zhou.click("Next »")
    assert zhou.last_text().split("\n")[4].startswith("11. <b>Member")
    assert "Page 2 of 2" in zhou.last_text()
    buttons = zhou.last_buttons()  # all tied at 0 points: their order is fixed by their ids
    assert [b[:10] for b in buttons[:2]] == ["11. Member", "12. Member"]
    assert buttons[2:] == ["« Previous", "« Earlier", "By quarter"]


async def test_in_chinese(history: History, make_user: Callable[..., BotClient], app_database: Database) -> None:
    anna = await history.staff(name="王芳")
    anna_chat = make_user(user_id=user_id_of(history))
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(anna, "zh")
    await anna_chat.send("/kpi")
    text = anna_chat.last_text()
    assert text.startswith("📊 <b>我的绩效考核 · 2026年03月</b>")
    assert "💞 牵线：0（0）" in text
    assert "Introductions" not in text


# --- The permission matrix -------------------------------------------------------------------------------

ENTRIES: list[tuple[str, Permission | None]] = [
    ("/kpi", COMMAND_PERMISSIONS["kpi"]),
    *[(f"button:{view.value}", BUTTON_PERMISSIONS[view]) for view in KpiView],
]
SAYS_OWN = "📊 <b>Your KPIs"
SAYS_TEAM = "📊 <b>Team KPIs"


def test_the_matrix_covers_every_entry() -> None:
    assert set(BUTTON_PERMISSIONS) == set(KpiView)
    assert set(COMMAND_PERMISSIONS) == {"kpi"}


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    permission: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    tess = await add_member(app_database, clock, 700_200, "counselor", name="Tess")

    if name == "/kpi":
        calls = await user.send("/kpi")
    else:
        view = KpiView(name.removeprefix("button:"))
        member = tess.account_id.hex if view is KpiView.MEMBER else ""
        calls = await user.press(KpiButton(view=view, period="2026-03", member=member).pack())
    texts = said(calls)

    allowed = role is not None and (permission is None or permission in PERMISSIONS[role])
    sees_team = role is not None and Permission.VIEW_KPIS in PERMISSIONS[role]
    if not allowed:
        if role is None:
            assert texts == [NOT_STAFF]
        else:
            assert texts == [
                "Sorry, this needs the permission “see staff KPIs” (personnel area), which the role "
                f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
            ]
    elif name == "/kpi":
        assert len(texts) == 1 and texts[0].startswith(SAYS_TEAM if sees_team else SAYS_OWN), texts
    elif name == "button:own":
        expected = "You have no figures of your own" if actor == "admin" else SAYS_OWN
        assert len(texts) == 1 and texts[0].startswith(expected), texts
    elif name == "button:team":
        assert len(texts) == 1 and texts[0].startswith(SAYS_TEAM), texts
    else:
        assert len(texts) == 1 and texts[0].startswith("📊 <b>Tess · 2026-03</b>"), texts


def test_the_periods_shown_are_the_agencys() -> None:
    assert Period.containing(PeriodKind.MONTH, NOW.date()).code == "2026-03"
