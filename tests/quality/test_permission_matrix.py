"""/complaints and every case button, used by every role, by a client and by a visitor: allowed or refused as
the permission table says (a case about staff needs SUPERVISE_QUALITY as well); /complain is for clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Dispatcher

from domain.clock import FakeClock
from domain.quality import Category, Outcome
from domain.staff import PERMISSIONS, Permission
from handlers.services.quality import ComplaintDesk
from handlers.views.quality import CaseAct, CaseButton
from storage.database import Database
from storage.repositories.complaints import ComplaintsRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.quality.conftest import cases
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

SERVICE_CASE = (Permission.HANDLE_COMPLAINTS,)
STAFF_CASE = (Permission.HANDLE_COMPLAINTS, Permission.SUPERVISE_QUALITY)
ENTRIES: list[tuple[str, tuple[Permission, ...]]] = [
    ("/complaints", SERVICE_CASE),
    ("button:list", SERVICE_CASE),
    ("button:open service case", SERVICE_CASE),
    ("button:take service case", SERVICE_CASE),
    ("button:resolve service case", SERVICE_CASE),
    ("button:open staff case", STAFF_CASE),
    ("button:take staff case", STAFF_CASE),
    ("button:resolve staff case", STAFF_CASE),
    ("button:note service case", SERVICE_CASE),
    ("button:note staff case", STAFF_CASE),
]
ALLOWED_SAYS = {
    "/complaints": "📋 <b>",
    "button:list": "📋 <b>",
    "button:open service case": "🗂 <b>Case",
    "button:take service case": "The case is yours.",
    "button:resolve service case": "Resolved.",
    "button:open staff case": "🗂 <b>Case",
    "button:take staff case": "The case is yours.",
    "button:resolve staff case": "Resolved.",
    "button:note service case": "Write your note on case",
    "button:note staff case": "Write your note on case",
}


@pytest.mark.parametrize(("name", "needs"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    needs: tuple[Permission, ...],
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
    dp: Dispatcher,
) -> None:
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    counselor = await add_member(app_database, clock, 9_600, "counselor", name="Anna")
    client = await make_client(app_database, clock, 9_601, "Li Wei", counselor=counselor.account_id)
    async with app_database.unit_of_work() as uow:
        desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        await desk.complain(client, Category.SERVICE, "Too slow")
        await desk.complain(client, Category.STAFF, "Too pushy")
    service_case, staff_case = [row.id for row in await cases(app_database)]
    case = staff_case if "staff case" in name else service_case
    if "resolve" in name:
        async with app_database.unit_of_work() as uow:
            await ComplaintsRepository.of(uow).take(case, counselor.account_id, now=clock.now())

    if name == "/complaints":
        calls = await user.send("/complaints")
    elif name == "button:list":
        calls = await user.press(CaseButton(act=CaseAct.LIST).pack())
    else:
        acts = {"open": CaseAct.OPEN, "take": CaseAct.TAKE, "note": CaseAct.NOTE}
        act = acts.get(name.split()[0].removeprefix("button:"), CaseAct.RESOLVE)
        outcome = Outcome.UPHELD if act is CaseAct.RESOLVE else None
        calls = await user.press(CaseButton(act=act, case=case.hex, outcome=outcome).pack())
    texts = said(calls)

    if role is not None and all(permission in PERMISSIONS[role] for permission in needs):
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
    allowed = role is not None and all(permission in PERMISSIONS[role] for permission in needs)
    state = {row.id: row.state for row in await cases(app_database)}[case]
    if "take" in name:
        assert (state == "in_progress") is allowed
    elif "resolve" in name:
        assert (state == "resolved") is allowed
    else:
        assert state == "open"


@pytest.mark.parametrize("actor", ["visitor", "client"])
async def test_complain_is_for_registered_clients(
    actor: str, make_user: Callable[..., BotClient], app_database: Database
) -> None:
    user = make_user(user_id=ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    await user.send("/complain")
    assert not user.last_text().startswith("What would you like to tell us about?")
    assert await cases(app_database) == []
