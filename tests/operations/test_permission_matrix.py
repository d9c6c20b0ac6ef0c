"""/outbox, its buttons and the counselor's "Date with …" button, used by every role, by a client and by a
visitor: allowed or refused exactly as the permission table says (the refusal names what is missing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission
from handlers.operations import OUTBOX_PERMISSION
from handlers.services.settings import Settings
from handlers.views.dates.buttons import CounselorDate
from handlers.views.operations import OutboxButton
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.dates.chat import connect
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

ENTRIES: list[tuple[str, Permission]] = [
    ("/outbox", OUTBOX_PERMISSION),
    ("button:outbox", OUTBOX_PERMISSION),
    ("button:date", Permission.SERVE_CLIENTS),
]
ALLOWED_SAYS = {"/outbox": "📮 <b>Outbox</b>", "button:outbox": "📮 <b>Outbox</b>", "button:date": "📅 Pick a day"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
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
    li = await make_client(app_database, clock, 9_501, "Li Wei")
    wang = await make_client(app_database, clock, 9_502, "Wang Fang", gender="female")
    introduction = await connect(app_database, clock, li, wang)
    if role is not None and actor != "admin":
        async with app_database.unit_of_work() as uow:
            member = await uow.accounts.find_by_external("telegram", str(ACTOR_ID))
            assert member is not None
            await uow.assignments.assign(li, member.id, now=clock.now(), by=None)  # their own client

    if name == "/outbox":
        calls = await user.send("/outbox")
    elif name == "button:outbox":
        calls = await user.press(OutboxButton(retry=0).pack())
    else:
        side = 0 if str(li) < str(wang) else 1
        calls = await user.press(CounselorDate(introduction=introduction.hex, side=side).pack())
    texts = said(calls)

    if role is not None and permission in PERMISSIONS[role]:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
