"""Callback data is never trusted: a button naming another counselor's client, an unknown client or nothing
readable reaches no client data."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import add_member

ANNA, BEN = 700_001, 700_002


async def test_buttons_naming_someone_elses_client_are_refused(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    ben = await add_member(app_database, clock, BEN, "counselor", name="Ben")
    bens_client = await make_client(app_database, clock, 9_001, "Li Wei", counselor=ben.account_id)
    unassigned = await make_client(app_database, clock, 9_002, "Nobody Yet")
    anna = make_user(user_id=ANNA)

    for data in (
        f"cw:open:{bens_client.hex}::m",
        f"cw:note:{bens_client.hex}::m",
        f"cw:fuset:{bens_client.hex}:7:m",
        f"cw:cand:{bens_client.hex}:{unassigned.hex[:8]}:m",
        f"cw:open:{unassigned.hex}::m",
    ):
        await anna.press(data)
        assert anna.view.toasts[-1].startswith("This client is not assigned to you"), data
    await anna.press(f"cw:open:{uuid4().hex}::m")
    assert anna.view.toasts[-1] == "This client record is not available."
    await anna.press("cw:open:not-an-id::m")  # unreadable: answered, nothing shown
    await anna.send(f"/clients {bens_client.hex[:8]}")
    assert anna.last_text().startswith("This client is not assigned to you")

    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.notes.list_for(bens_client) == []
        assignment = await uow.assignments.get(bens_client)
        assert assignment is not None and assignment.follow_up_on is None
        assert not [e for e in await uow.audit.list_for_subject(bens_client) if e.action == "client.card_opened"]
        assert await uow.suggestions.for_pair(bens_client, unassigned) is None
