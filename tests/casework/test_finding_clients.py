"""Finding a client in /clients: the lists count every client and page through all of them, the most
recently active first; demo clients stay out unless asked for; `/clients TEXT` finds a client by name (the
names are sealed: they are opened for a bounded number of clients, the most recently active) or by
reference."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import add_member

MARY, ANNA = 700_101, 700_102


async def many_clients(
    database: Database, clock: FakeClock, count: int, *, first: int = 20_000, demo: bool = False, name: str = "Client"
) -> list[UUID]:
    """`count` active clients made in one transaction, named "<name> 000", "<name> 001", ..."""
    made = []
    async with database.unit_of_work() as uow:
        for n in range(count):
            account = await uow.accounts.create("web", str(first + n), locale="en", now=clock.now(), demo=demo)
            await uow.profiles.create(account.id, now=clock.now(), status="active")
            await uow.profiles.update(account.id, now=clock.now(), display_name=f"{name} {n:03d}", birth_year=1990)
            made.append(account.id)
    return made


async def touch(database: Database, clock: FakeClock, client: UUID) -> None:
    """The client was active now (opened their suggestions)."""
    async with database.unit_of_work() as uow:
        await uow.profiles.update(client, now=clock.now(), last_active_at=clock.now())


def client_buttons(user: BotClient) -> list[str]:
    return [text for text in user.last_buttons() if " · " in text]


async def test_all_clients_shows_the_true_count_and_pages_through_every_one(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    clients = await many_clients(app_database, clock, 205)
    async with app_database.unit_of_work() as uow:
        await uow.assignments.assign(clients[0], anna.account_id, now=clock.now(), by=None)
    manager = make_user(user_id=MARY)

    await manager.send("/clients")
    await manager.click("All clients")

    assert manager.last_text().startswith("<b>All clients</b> (205)")
    assert "Page 1 of 21" in manager.last_text()
    seen = client_buttons(manager)
    pages = 1
    while "More »" in manager.last_buttons():
        await manager.click("More »")
        assert manager.last_text().startswith("<b>All clients</b> (205)")
        seen += client_buttons(manager)
        pages += 1
    assert pages == 21 and "Page 21 of 21" in manager.last_text()
    assert sorted(text.split(" · ")[1] for text in seen) == sorted(c.hex[:8] for c in clients)

    await manager.click("Unassigned")
    assert manager.last_text().startswith("<b>Unassigned clients</b> (204)")
    assert "Page 1 of 21" in manager.last_text()


async def test_the_lists_put_the_most_recently_active_first(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, settings: Settings
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    first = await make_client(app_database, clock, 9_001, "Ann First", counselor=anna.account_id)
    clock.advance(timedelta(days=1))
    second = await make_client(app_database, clock, 9_002, "Bo Second", counselor=anna.account_id)
    clock.advance(timedelta(days=1))
    third = await make_client(app_database, clock, 9_003, "Cy Third", counselor=anna.account_id)
    clock.advance(timedelta(days=1))
    await touch(app_database, clock, first)

    manager = make_user(user_id=MARY)
    await manager.send("/clients")
    await manager.click("All clients")
    order = [first, third, second]
    assert [text.split(" · ")[1] for text in client_buttons(manager)] == [c.hex[:8] for c in order]
    text = manager.last_text()
    assert f"Ann <code>{first.hex[:8]}</code> · new · active today" in text
    two_days_ago = (clock.now() - timedelta(days=2)).astimezone(ZoneInfo(settings.timezone)).date()
    assert f"Bo <code>{second.hex[:8]}</code> · new · active {two_days_ago.isoformat()}" in text

    # The counselor's own list keeps the pipeline's grouping; within a stage, the most recently active first.
    counselor = make_user(user_id=ANNA)
    await counselor.send("/clients")
    assert [text.split(" · ")[1] for text in client_buttons(counselor)] == [c.hex[:8] for c in order]


async def test_demo_clients_are_left_out_unless_asked_for(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    await many_clients(app_database, clock, 2, name="Real")
    clock.advance(timedelta(minutes=1))
    demo = await many_clients(app_database, clock, 12, first=30_000, demo=True, name="Demo")
    manager = make_user(user_id=MARY)

    await manager.send("/clients")
    await manager.click("All clients")

    text = manager.last_text()
    assert text.startswith("<b>All clients</b> (2)")
    assert "Demo clients not shown: 12." in text
    assert sorted(b.split(" · ")[0] for b in client_buttons(manager)) == ["Real 000", "Real 001"]
    assert "Show demo clients" in manager.last_buttons()

    await manager.click("Show demo clients")

    assert manager.last_text().startswith("<b>All clients</b> (14)")
    assert "Page 1 of 2" in manager.last_text()
    # equally recent: in the order of their references, so the lowest is on the first page
    assert f"Demo <code>{min(demo).hex[:8]}</code> · new · active today · demo" in manager.last_text()
    await manager.click("More »")  # the choice holds while paging
    assert manager.last_text().startswith("<b>All clients</b> (14)")
    assert "Page 2 of 2" in manager.last_text()
    await manager.click("Hide demo clients")
    assert manager.last_text().startswith("<b>All clients</b> (2)")


async def test_a_manager_finds_a_client_by_name_or_reference(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    li = await make_client(app_database, clock, 9_001, "Li Wei")
    clock.advance(timedelta(minutes=1))
    wei = await make_client(app_database, clock, 9_002, "Wei Zhang")
    anna = await make_client(app_database, clock, 9_003, "Anna Smith")
    zhuge = await make_client(app_database, clock, 9_004, "诸葛 青云")
    await many_clients(app_database, clock, 1, first=30_000, demo=True, name="Wei Demo")
    manager = make_user(user_id=MARY)

    await manager.send("/clients wei")
    assert manager.last_text().startswith("<b>Clients matching “wei”</b> (2)")
    assert client_buttons(manager) == [f"Wei Zhang · {wei.hex[:8]}", f"Li Wei · {li.hex[:8]}"]

    await manager.send("/clients ANNA")
    assert manager.last_text().startswith(f"🗂 <b>Anna Smith</b> · <code>{anna.hex[:8]}</code>")
    await manager.send("/clients 青云")
    assert manager.last_text().startswith(f"🗂 <b>诸葛 青云</b> · <code>{zhuge.hex[:8]}</code>")
    await manager.send("/clients 诸葛青云")
    assert manager.last_text().startswith("🗂 <b>诸葛 青云</b>")
    await manager.send(f"/clients {li.hex[:8]}")
    assert manager.last_text().startswith(f"🗂 <b>Li Wei</b> · <code>{li.hex[:8]}</code>")

    await manager.send("/clients <b>nobody")
    assert manager.last_text().startswith("No client matches “&lt;b&gt;nobody”.")


async def test_a_counselor_finds_only_their_own_clients(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    await make_client(app_database, clock, 9_002, "Wei Zhang")
    counselor = make_user(user_id=ANNA)

    await counselor.send("/clients wei")
    assert counselor.last_text().startswith(f"🗂 <b>Li Wei</b> · <code>{li.hex[:8]}</code>")

    await counselor.send("/clients zhang")
    assert counselor.last_text().startswith("No client matches “zhang”.")


async def test_name_search_opens_a_bounded_number_of_names_and_says_so(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.services.casework.casework.NAME_SEARCH_LIMIT", 2)
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    old = await make_client(app_database, clock, 9_001, "Old Timer")
    clock.advance(timedelta(days=1))
    await make_client(app_database, clock, 9_002, "Li Wei")
    await make_client(app_database, clock, 9_003, "Wei Zhang")
    manager = make_user(user_id=MARY)

    await manager.send("/clients timer")

    assert manager.last_text() == (
        "No client matches “timer”.\n"
        "Names are stored encrypted, so only the 2 most recently active clients were searched by name. "
        "For anyone else, send their reference: /clients REF."
    )
    await manager.send(f"/clients {old.hex[:8]}")
    assert manager.last_text().startswith("🗂 <b>Old Timer</b>")
