"""/pilots and its buttons, used by every role, by a client and by a visitor: allowed or refused exactly as the
permission table says (the refusal names what is missing), and nothing changes when refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from domain.reports.pilots import Flag, Metric
from domain.staff import PERMISSIONS, Permission
from handlers.pilots import PILOTS_PERMISSION
from handlers.services.settings import Settings
from handlers.views.pilots import PilotAct, PilotButton
from storage.database import Database
from storage.models.pilots import PilotRow
from storage.repositories.pilots import PilotsRepository
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

START = PilotButton(act=PilotAct.START, flag=Flag.FOLLOW_UP_CALL, share=20, metric=Metric.INTRODUCED_7D)
ENTRIES: list[tuple[str, str | None, Permission]] = [
    ("/pilots", None, PILOTS_PERMISSION),
    ("button:list", PilotButton(act=PilotAct.LIST).pack(), PILOTS_PERMISSION),
    ("button:new", PilotButton(act=PilotAct.NEW).pack(), PILOTS_PERMISSION),
    ("button:start", START.pack(), PILOTS_PERMISSION),
    ("button:open", PilotButton(act=PilotAct.OPEN, pilot=1).pack(), PILOTS_PERMISSION),
    ("button:stop", PilotButton(act=PilotAct.SURE_STOP, pilot=1).pack(), PILOTS_PERMISSION),
]
ALLOWED_SAYS = {
    "/pilots": "🧪 <b>Pilots</b>",
    "button:list": "🧪 <b>Pilots</b>",
    "button:new": "Which change should the pilot try?",
    "button:start": "🧪 Pilot #2 started",
    "button:open": "🧪 <b>Pilot #1: More suggestions a day (+2)</b>",
    "button:stop": "⛔ Pilot #1 stopped",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.mark.parametrize(("name", "data", "permission"), ENTRIES, ids=[name for name, _, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    data: str | None,
    permission: Permission,
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
    async with app_database.unit_of_work() as uow:
        await PilotsRepository.of(uow).add(Flag.MORE_SUGGESTIONS, Metric.INTRODUCED_7D, 50, now=clock.now(), by=None)

    calls = await user.send("/pilots") if data is None else await user.press(data)
    texts = said(calls)

    allowed = role is not None and permission in PERMISSIONS[role]
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(PilotRow).order_by(PilotRow.id))).all()
    assert len(rows) == (2 if allowed and name == "button:start" else 1)
    assert rows[0].state == ("stopped" if allowed and name == "button:stop" else "running")
