"""Teams in the chat: a manager puts counselors in a team lead's team (/teams add), the lead sees the team's
clients and hands one to another member (/team), forged buttons do nothing, the team's KPIs, promotion by a
manager; /team, /teams and their buttons by every role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission
from handlers.services.settings import Settings
from handlers.views.teams import TeamAct, TeamButton, pack_id
from storage.database import Database
from storage.models.audit import AuditLogRow
from tests.botclient import BotClient
from tests.casework.conftest import counselor_of, make_client
from tests.staff.conftest import OWNER_ID, Member, add_member, staff_row
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

LEAD_ID, ANNA_ID, BORIS_ID, CARL_ID, MANAGER_ID = 9_700, 9_701, 9_702, 9_703, 9_704


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


async def a_team(database: Database, clock: FakeClock, make_user: Callable[..., BotClient]) -> dict[str, Member]:
    """Lena leads a team; the manager puts Anna and Boris in it; Carl stays outside."""
    people = {
        "lena": await add_member(database, clock, LEAD_ID, "team_lead", name="Lena"),
        "anna": await add_member(database, clock, ANNA_ID, "counselor", name="Anna"),
        "boris": await add_member(database, clock, BORIS_ID, "counselor", name="Boris"),
        "carl": await add_member(database, clock, CARL_ID, "counselor", name="Carl"),
        "mia": await add_member(database, clock, MANAGER_ID, "manager", name="Mia"),
    }
    manager = make_user(user_id=MANAGER_ID)
    lead = people["lena"].account_id.hex[:8]
    for name in ("anna", "boris"):
        await manager.send(f"/teams add {people[name].account_id.hex[:8]} {lead}")
        assert manager.last_text().startswith("Done: "), manager.last_text()
    return people


async def test_a_manager_builds_a_team_and_sees_it(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    people = await a_team(app_database, clock, make_user)
    manager = make_user(user_id=MANAGER_ID)

    await manager.send(f"/teams add {people['carl'].account_id.hex[:8]} {people['anna'].account_id.hex[:8]}")
    assert manager.last_text() == "That member is not a team lead. Make them one first (/staff)."
    await manager.send("/teams")
    shown = manager.last_text()
    assert shown.startswith("👥 <b>Teams</b>")
    team_line = next(line for line in shown.split("\n") if "Lena" in line)
    assert "Anna" in team_line and "Boris" in team_line and "Carl" not in team_line
    assert "Not in a team: Carl" in shown
    await manager.send(f"/teams remove {people['boris'].account_id.hex[:8]}")
    assert manager.last_text().startswith("Done: Boris")


async def test_the_lead_hands_a_team_client_to_another_member(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    people = await a_team(app_database, clock, make_user)
    li = await make_client(app_database, clock, 9_801, "Li Wei", counselor=people["anna"].account_id)
    await make_client(app_database, clock, 9_802, "Zhou Min", counselor=people["carl"].account_id)
    lead = make_user(user_id=LEAD_ID)

    await lead.send("/team")
    shown = lead.last_text()
    assert shown.startswith("👥 <b>Your team</b>")
    assert "Li Wei" in shown and "Zhou Min" not in shown  # Carl's client is not the team's
    await lead.click(f"↪️ Li Wei {li.hex[:8]}")
    assert lead.last_text().startswith("Whom should")
    assert "👤 Carl" not in lead.last_buttons() and "👤 Anna" not in lead.last_buttons()
    await lead.click("👤 Boris")

    assert any(text.startswith("Done: the client is now looked after by Boris") for text in lead.texts())
    assert await counselor_of(app_database, li) == people["boris"].account_id
    async with app_database.unit_of_work(read_only=True) as uow:
        actions = [row.action for row in (await uow.session.scalars(select(AuditLogRow))).all()]
    assert "client.reassigned" in actions


async def test_a_forged_button_hands_nobody_outside_the_team(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    people = await a_team(app_database, clock, make_user)
    li = await make_client(app_database, clock, 9_801, "Li Wei", counselor=people["anna"].account_id)
    zhou = await make_client(app_database, clock, 9_802, "Zhou Min", counselor=people["carl"].account_id)
    lead = make_user(user_id=LEAD_ID)

    async def hand(client: UUID, member: Member) -> list[str]:
        button = TeamButton(act=TeamAct.HAND, client=pack_id(client), member=pack_id(member.account_id))
        return said(await lead.press(button.pack()))

    assert await hand(li, people["carl"]) == ["This client or member is not in your team (any more)."]
    assert await hand(zhou, people["boris"]) == ["This client or member is not in your team (any more)."]
    assert await counselor_of(app_database, li) == people["anna"].account_id
    assert await counselor_of(app_database, zhou) == people["carl"].account_id


async def test_the_lead_sees_the_team_s_kpis(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await a_team(app_database, clock, make_user)
    lead = make_user(user_id=LEAD_ID)
    await lead.send("/team")
    await lead.click("📊 The team's KPIs this month")
    shown = lead.last_text()
    assert shown.startswith("📊 <b>The team's KPIs, 2026-01</b>")
    assert "Lena" in shown and "Anna" in shown and "Boris" in shown and "Carl" not in shown
    assert "Team average:" in shown


async def test_a_manager_promotes_a_counselor_to_team_lead(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    people = await a_team(app_database, clock, make_user)
    manager = make_user(user_id=MANAGER_ID)
    button = TeamButton(act=TeamAct.PROMOTE, member=pack_id(people["anna"].account_id))

    texts = said(await manager.press(button.pack()))

    assert texts[-1].startswith("⭐ Anna")
    member = await staff_row(app_database, people["anna"].account_id)
    assert member is not None and member.role == "team_lead"
    async with app_database.unit_of_work(read_only=True) as uow:
        actions = [row.action for row in (await uow.session.scalars(select(AuditLogRow))).all()]
    assert "staff.role_changed" in actions
    # Anna leads now: she is in nobody's team, and pressing again changes nothing.
    assert said(await manager.press(button.pack())) == ["That member is not an active counselor (any more)."]


ENTRIES: list[tuple[str, Permission]] = [
    ("/team", Permission.LEAD_TEAM),
    ("/teams", Permission.MANAGE_TEAMS),
    ("button:kpis", Permission.LEAD_TEAM),
    ("button:promote", Permission.MANAGE_TEAMS),
]
ALLOWED_SAYS = {
    "/team": ("👥 <b>Your team</b>", "You lead no team"),
    "/teams": ("👥 <b>Teams</b>",),
    "button:kpis": ("📊 <b>The team's KPIs", "You lead no team"),
    "button:promote": ("⭐ Tess <code>",),
}


@pytest.mark.parametrize(("name", "needs"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    needs: Permission,
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
    tess = await add_member(app_database, clock, 9_900, "counselor", name="Tess")

    if name.startswith("/"):
        calls = await user.send(name)
    elif name == "button:kpis":
        calls = await user.press(TeamButton(act=TeamAct.KPIS).pack())
    else:
        calls = await user.press(TeamButton(act=TeamAct.PROMOTE, member=pack_id(tess.account_id)).pack())
    texts = said(calls)

    allowed = role is not None and needs in PERMISSIONS[role]
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
    promoted = (await staff_row(app_database, tess.account_id)).role == "team_lead"  # type: ignore[union-attr]
    assert promoted is (allowed and name == "button:promote")
