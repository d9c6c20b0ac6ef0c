"""Teams in the chat: a manager puts counselors in a team lead's team (/teams add), the lead sees the team's
clients and hands one to another member (/team), forged buttons do nothing, the team's KPIs by month and
quarter, promotion suggested from two months' KPIs and decided by a manager; /team, /teams (add, remove) and
every button by every role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.pipeline import Stage
from domain.staff import Permission
from handlers.services.personnel.teams import TeamDesk
from handlers.services.settings import Settings
from handlers.teams import COMMAND_PERMISSIONS, button_permission
from handlers.views.teams import TeamAct, TeamButton, pack_id
from storage.database import Database
from storage.models.audit import AuditLogRow
from storage.repositories.teams import TeamsRepository
from tests.botclient import BotClient
from tests.casework.conftest import counselor_of, make_client
from tests.personnel.test_kpis_metrics import History
from tests.staff.conftest import OWNER_ID, Member, add_member, staff_row, staff_row_of
from tests.staff.test_permission_matrix import ACTORS, NOT_STAFF, actor_role, expected_allowed, make_actor, said

LEAD_ID, ANNA_ID, BORIS_ID, CARL_ID, MANAGER_ID = 9_700, 9_701, 9_702, 9_703, 9_704
MID_MARCH = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # 10:00 on 20 March in Shanghai
IN_JANUARY = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
IN_FEBRUARY = datetime(2026, 2, 10, 3, 0, tzinfo=UTC)
IN_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


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


async def test_the_lead_moves_the_team_s_kpis_between_periods(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    clock.set(MID_MARCH)
    people = await a_team(app_database, clock, make_user)
    history = History(app_database, clock)
    anna_client = await history.client(people["anna"].account_id)
    await history.introduction(anna_client, await history.client(), IN_FEBRUARY)
    await history.introduction(anna_client, await history.client(), IN_MARCH)
    lead = make_user(user_id=LEAD_ID)

    await lead.send("/team")
    await lead.click("📊 The team's KPIs this month")
    assert lead.last_text().startswith("📊 <b>The team's KPIs, 2026-03</b>")
    assert "introductions 1" in line_of(lead.last_text(), "Anna")
    assert lead.last_buttons() == ["« Earlier", "By quarter", "⬅️ Back to the team"]  # nothing after this month

    await lead.click("« Earlier")
    assert lead.last_text().startswith("📊 <b>The team's KPIs, 2026-02</b>")
    assert "introductions 1" in line_of(lead.last_text(), "Anna")
    assert lead.last_buttons() == ["« Earlier", "Later »", "By quarter", "⬅️ Back to the team"]

    await lead.click("By quarter")
    assert lead.last_text().startswith("📊 <b>The team's KPIs, Q1 2026</b>")
    assert "introductions 2" in line_of(lead.last_text(), "Anna")  # February and March
    assert lead.last_buttons() == ["« Earlier", "By month", "⬅️ Back to the team"]

    # A forged button for a later quarter shows the current one.
    texts = said(await lead.press(TeamButton(act=TeamAct.KPIS, period="2026-Q3").pack()))
    assert texts[-1].startswith("📊 <b>The team's KPIs, Q1 2026</b>"), texts


def line_of(text: str, name: str) -> str:
    (line,) = [line for line in text.split("\n") if line.startswith(name)]
    return line


async def test_teams_suggests_the_counselor_who_stood_out_for_two_months_and_a_manager_promotes_them(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, settings: Settings
) -> None:
    clock.set(MID_MARCH)  # the last two full months: January and February
    history = History(app_database, clock)
    anna = await history.staff(name="Anna")  # top on satisfaction and dating couples in January and February
    boris = await history.staff(name="Boris")  # as good as Anna in February, nothing in January
    for counselor, months in ((anna, (IN_JANUARY, IN_FEBRUARY)), (boris, (IN_FEBRUARY,))):
        for at in months:
            client = await history.client(counselor)
            await history.stage(client, Stage.DATING, at)
            await history.survey(client, counselor, 5, at)
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mia")
    manager = make_user(user_id=MANAGER_ID)

    async with app_database.unit_of_work(read_only=True) as uow:
        desk = TeamDesk(uow=uow, settings=settings, clock=clock, i18n=create_i18n())
        assert [member.account_id for member in await desk.promotion_suggestions()] == [anna]

    await manager.send("/teams")
    shown = manager.last_text()
    suggestions = shown[shown.index("⭐ <b>Suggested for promotion</b>") :]
    assert f"Anna <code>{anna.hex[:8]}</code>" in suggestions and "Boris" not in suggestions
    assert manager.last_buttons() == ["⭐ Make Anna team lead"]

    texts = said(await manager.click("⭐ Make Anna team lead"))

    assert texts[-1] == f"⭐ Anna <code>{anna.hex[:8]}</code> is a team lead now."
    assert (await staff_row(app_database, anna)).role == "team_lead"  # type: ignore[union-attr]
    assert (await staff_row(app_database, boris)).role == "counselor"  # type: ignore[union-attr]


# --- The permission matrix -------------------------------------------------------------------------------------

TESS_ID, LOU_ID, UMA_ID, LI_ID = 9_900, 9_901, 9_902, 9_903
COMMANDS = {"/team": "team", "/teams": "teams", "/teams add": "teams", "/teams remove": "teams"}


@dataclass(frozen=True)
class Scene:
    """Lou leads a team with Tess in it; Uma (in the actor's team when the actor is a team lead) serves Li Wei."""

    actor: UUID | None  # the actor's account, when they are staff
    leads: bool  # the actor is a team lead
    lou: Member
    tess: Member
    uma: Member
    li: UUID


def _hand(scene: Scene) -> TeamButton:
    to = scene.actor or scene.lou.account_id
    return TeamButton(act=TeamAct.HAND, client=pack_id(scene.li), member=pack_id(to))


# Each button as pressed in the matrix.
BUTTONS: dict[TeamAct, Callable[[Scene], TeamButton]] = {
    TeamAct.TEAM: lambda _scene: TeamButton(act=TeamAct.TEAM),
    TeamAct.CLIENT: lambda scene: TeamButton(act=TeamAct.CLIENT, client=pack_id(scene.li)),
    TeamAct.HAND: _hand,
    TeamAct.KPIS: lambda _scene: TeamButton(act=TeamAct.KPIS, period="2025-Q4"),
    TeamAct.PROMOTE: lambda scene: TeamButton(act=TeamAct.PROMOTE, member=pack_id(scene.tess.account_id)),
}
ENTRIES: list[tuple[str, Permission | None]] = [
    *[(text, COMMAND_PERMISSIONS[command]) for text, command in COMMANDS.items()],
    *[(f"button:{act.value}", button_permission(TeamButton(act=act))) for act in TeamAct],
]
LABELS = {
    Permission.LEAD_TEAM: ("lead a team", "business"),
    Permission.MANAGE_TEAMS: ("manage teams", "personnel"),
}
NO_TEAM = "You lead no team (any more). Ask a manager."
NOT_IN_TEAM = "This client or member is not in your team (any more)."


def allowed_says(name: str, leads: bool) -> str:
    """How an allowed use begins; a lead-only entry, for a member who leads no team, says so."""
    return {
        "/team": "👥 <b>Your team</b>" if leads else NO_TEAM,
        "/teams": "👥 <b>Teams</b>",
        "/teams add": "Done: Uma <code>",
        "/teams remove": "Done: Tess <code>",
        "button:team": "👥 <b>Your team</b>" if leads else NO_TEAM,
        "button:client": "Whom should" if leads else NOT_IN_TEAM,
        "button:hand": "Done: the client is now looked after by Actor" if leads else NOT_IN_TEAM,
        "button:kpis": "📊 <b>The team's KPIs, Q4 2025</b>" if leads else NO_TEAM,
        "button:promote": "⭐ Tess <code>",
    }[name]


def test_the_matrix_covers_every_command_and_button() -> None:
    assert set(COMMANDS.values()) == set(COMMAND_PERMISSIONS)
    assert set(BUTTONS) == set(TeamAct)
    for name, _needs in ENTRIES:
        assert allowed_says(name, True) and allowed_says(name, False)


async def a_scene(actor: str, user: BotClient, database: Database, clock: FakeClock) -> Scene:
    member = await staff_row_of(database, user) if actor_role(actor) is not None else None
    lou = await add_member(database, clock, LOU_ID, "team_lead", name="Lou")
    tess = await add_member(database, clock, TESS_ID, "counselor", name="Tess")
    uma = await add_member(database, clock, UMA_ID, "counselor", name="Uma")
    li = await make_client(database, clock, LI_ID, "Li Wei", counselor=uma.account_id)
    leads = actor == "team_lead"
    async with database.unit_of_work() as uow:
        teams = TeamsRepository.of(uow)
        await teams.put(tess.account_id, lou.account_id, now=clock.now(), by=None)
        if leads and member is not None:
            await teams.put(uma.account_id, member.account_id, now=clock.now(), by=None)
    return Scene(None if member is None else member.account_id, leads, lou, tess, uma, li)


async def use(user: BotClient, name: str, scene: Scene) -> list[str]:
    if name == "/teams add":
        return said(await user.send(f"/teams add {scene.uma.account_id.hex[:8]} {scene.lou.account_id.hex[:8]}"))
    if name == "/teams remove":
        return said(await user.send(f"/teams remove {scene.tess.account_id.hex[:8]}"))
    if name.startswith("/"):
        return said(await user.send(name))
    return said(await user.press(BUTTONS[TeamAct(name.removeprefix("button:"))](scene).pack()))


@pytest.mark.parametrize(("name", "needs"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    needs: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    user = await make_actor(actor, make_user, app_database, clock)
    scene = await a_scene(actor, user, app_database, clock)

    texts = await use(user, name, scene)

    allowed = expected_allowed(actor, needs)
    if allowed:
        assert any(text.startswith(allowed_says(name, scene.leads)) for text in texts), texts
    elif (role := actor_role(actor)) is None:
        assert texts == [NOT_STAFF]
    else:
        assert needs is not None
        label, area = LABELS[needs]
        assert texts == [
            f"Sorry, this needs the permission “{label}” ({area} area), which the role "
            f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]

    # What the use changed, exactly when it was allowed (and, for a lead's entries, the actor leads the team).
    done = {entry for entry, _needs in ENTRIES if allowed and entry == name}
    promoted = "button:promote" in done
    async with app_database.unit_of_work(read_only=True) as uow:
        teams = TeamsRepository.of(uow)
        tess_lead, uma_lead = await teams.lead_of(scene.tess.account_id), await teams.lead_of(scene.uma.account_id)
        tess = await uow.staff.get(scene.tess.account_id)
        li_counselor = await uow.assignments.counselor_of(scene.li)
    assert tess is not None and tess.role == ("team_lead" if promoted else "counselor")
    assert tess_lead == (None if promoted or "/teams remove" in done else scene.lou.account_id)
    assert uma_lead == (scene.lou.account_id if "/teams add" in done else scene.actor if scene.leads else None)
    assert li_counselor == (scene.actor if "button:hand" in done and scene.leads else scene.uma.account_id)
