"""/report, /target and the report buttons, used by every role, by a client, by an ADMIN_IDS owner and by a
visitor: allowed or refused as the permission table says (VIEW_REPORTS: managers and owners)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.clock import FakeClock
from domain.reports.periods import PeriodChoice
from domain.staff import PERMISSIONS, Permission
from handlers.services.settings import Settings
from handlers.views.reports import ReportKind, ReportPeriod, ReportPick
from storage.database import Database
from storage.models.reports import ReportTargetRow
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

ENTRIES = ["/report", "/target handoff_to_claim 30m 90", "button:pick", "button:period"]
ALLOWED_SAYS = {
    "/report": "📊 <b>Reports</b>",
    "/target handoff_to_claim 30m 90": "🎯 Target set",
    "button:pick": "📊 <b>Funnel</b>\nWhich period?",
    "button:period": "Working on the report…",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


def test_only_managers_and_owners_see_reports() -> None:
    assert {role.value for role, permissions in PERMISSIONS.items() if Permission.VIEW_REPORTS in permissions} == {
        "owner",
        "manager",
    }


@pytest.mark.parametrize("name", ENTRIES)
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str, name: str, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")

    if name == "button:pick":
        calls = await user.press(ReportPick(kind=ReportKind.FUNNEL).pack())
    elif name == "button:period":
        calls = await user.press(ReportPeriod(kind=ReportKind.FUNNEL, period=PeriodChoice.LAST_7_DAYS).pack())
    else:
        calls = await user.send(name)
    texts = said(calls)

    allowed = role is not None and Permission.VIEW_REPORTS in PERMISSIONS[role]
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
        assert "see management reports and set service-flow targets" in texts[0]
    async with app_database.unit_of_work(read_only=True) as uow:
        targets = await uow.session.scalar(select(func.count()).select_from(ReportTargetRow))
    assert targets == (1 if allowed and name.startswith("/target") else 0)
