"""Managers reassign clients; the counselor the client was taken from can no longer reach them, by any
button; deactivating a counselor hands their clients over; /audit shows who opened which client's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from domain.clock import FakeClock
from handlers.services.alerts import reassign_clients_of
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import counselor_of, make_client
from tests.matching.chat import deliver
from tests.staff.conftest import add_member

ANNA, BEN, MARY = 700_001, 700_002, 700_009
NOT_YOURS = "This client is not assigned to you (any more). Ask a manager if you need to help them."


async def test_a_manager_reassigns_and_the_old_counselor_loses_access(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    clock.advance(timedelta(minutes=1))
    ben = await add_member(app_database, clock, BEN, "counselor", name="Ben")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    li_id = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    await make_client(app_database, clock, 9_002, "Nobody Yet")
    button = f"Li Wei · {li_id.hex[:8]}"

    counselor = make_user(user_id=ANNA)
    await counselor.send("/clients")
    await counselor.click(button)
    old_card = counselor.last_message().message_id
    await counselor.click("📝 Add a note")  # she starts a note, then the client is moved

    manager = make_user(user_id=MARY)
    await manager.send("/clients")
    assert manager.last_text().startswith("<b>Your clients</b> (0)")
    await manager.click("Unassigned")
    assert "Nobody <code>" in manager.last_text() and "Li Wei <code>" not in manager.last_text()
    await manager.click("All clients")
    await manager.click(button)
    card = manager.last_text()
    assert "Counselor: Anna" in card
    assert "Phone: +8613800138000" in card  # managers see contacts
    assert 'href="tg://user?id=9001"' in card
    await manager.click("👤 Reassign")
    assert manager.last_text().startswith("Who should look after Li")
    assert manager.last_buttons()[:2] == ["✓ Anna (clients: 1)", "Ben (clients: 0)"]
    await manager.click("Ben (clients: 0)")
    assert manager.view.toasts[-1] == "Now looked after by Ben."
    assert "Counselor: Ben" in manager.last_text()
    assert await counselor_of(app_database, li_id) == ben.account_id

    (assigned,) = [m for m in await deliver(app_database, make_user(user_id=BEN)) if m.text.startswith("📋")]
    assert assigned.text.startswith("📋 A client was assigned to you: Li")
    taken = [m for m in await deliver(app_database, counselor) if m.text.startswith("📋")]
    assert taken and "now looked after by another counselor" in taken[0].text

    # Anna's note, her old card's buttons and forged buttons all stop at the assignment.
    await counselor.send("She asked about the fees")
    assert counselor.last_text() == NOT_YOURS
    for label in ("📌 Stage", "⏰ Follow-up", "💌 Propose a candidate"):
        await counselor.click(label, message_id=old_card)
        assert counselor.view.toasts[-1] == NOT_YOURS
    await counselor.press(f"cw:st:{li_id.hex}:met:m")
    await counselor.press(f"cw:open:{li_id.hex}::m")
    assert counselor.view.toasts[-2:] == [NOT_YOURS, NOT_YOURS]
    await counselor.send(f"/clients {li_id.hex[:8]}")
    assert counselor.last_text() == NOT_YOURS
    # A counselor cannot reassign, nor see all clients.
    await counselor.press(f"cw:move:{li_id.hex}::m")
    assert counselor.view.toasts[-1].startswith("Sorry, this needs the permission “assign clients”")
    await counselor.press("cw:list:::a")
    assert counselor.view.toasts[-1] == "Only managers see every client."
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.notes.list_for(li_id) == []
        assert await uow.case_stages.current(li_id) is None
        reassigned = [e for e in await uow.audit.list_for_subject(li_id) if e.action == "client.reassigned"]
    assert len(reassigned) == 1


async def test_deactivating_a_counselor_hands_their_clients_to_the_others(
    app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    clock.advance(timedelta(minutes=1))
    ben = await add_member(app_database, clock, BEN, "counselor", name="Ben")
    clock.advance(timedelta(minutes=1))
    carol = await add_member(app_database, clock, 700_003, "counselor", name="Carol")
    mary = await add_member(app_database, clock, MARY, "manager", name="Mary")
    clients = [
        await make_client(app_database, clock, 9_000 + n, f"Client {n}", counselor=anna.account_id) for n in range(4)
    ]
    await make_client(app_database, clock, 9_100, "Ben's", counselor=ben.account_id)
    async with app_database.unit_of_work() as uow:
        await uow.assignments.set_follow_up(clients[0], clock.now().date())
        await uow.staff.set_active(anna.account_id, False)
        moved = await reassign_clients_of(uow, anna.account_id, now=clock.now(), by=mary.account_id)
    assert [client for client, _to in moved] and {client for client, _to in moved} == set(clients)
    owners = [await counselor_of(app_database, client) for client in clients]
    assert owners.count(carol.account_id) == 2 and owners.count(ben.account_id) == 2  # spread by load
    async with app_database.unit_of_work(read_only=True) as uow:
        kept = await uow.assignments.get(clients[0])
        assert kept is not None and kept.follow_up_on == clock.now().date()
    # Nobody left: the clients become unassigned, for a manager.
    async with app_database.unit_of_work() as uow:
        await uow.staff.set_active(ben.account_id, False)
        await uow.staff.set_active(carol.account_id, False)
        moved = await reassign_clients_of(uow, carol.account_id, now=clock.now(), by=None)
    assert moved and all(to is None for _client, to in moved)


async def test_audit_shows_who_opened_which_clients_data(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    li_id = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    wang_id = await make_client(app_database, clock, 9_002, "Wang Fang", counselor=anna.account_id)
    counselor = make_user(user_id=ANNA)
    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.send(f"/clients {wang_id.hex[:8]}")

    await counselor.send("/audit")
    assert counselor.last_text().startswith("Sorry, this needs the permission “supervise service quality”")

    manager = make_user(user_id=MARY)
    await manager.send("/audit")
    log = manager.last_text()
    assert log.startswith("<b>Audit log</b>: everything")
    lines = [line for line in log.split("\n") if "opened the client's card" in line]
    assert len(lines) == 2
    newest = f"Anna (counselor) · opened the client's card · Wang Fang <code>{wang_id.hex[:8]}</code>"
    assert newest in lines[0]
    assert f"Li Wei <code>{li_id.hex[:8]}</code>" in lines[1]

    await manager.send(f"/audit {li_id.hex[:8]}")
    log = manager.last_text()
    assert log.startswith(f"<b>Audit log</b>: about Li Wei <code>{li_id.hex[:8]}</code>")
    assert "Wang Fang <code>" not in log and "opened the client's card" in log

    await manager.click("By staff member")
    await manager.click("Anna")
    log = manager.last_text()
    assert log.startswith("<b>Audit log</b>: actions of Anna")
    assert log.count("opened the client's card") == 2
    await manager.send(f"/audit {anna.account_id.hex[:8]}")
    assert manager.last_text().startswith("<b>Audit log</b>: actions of Anna")
    await manager.send("/audit 0000")
    assert manager.last_text() == "No staff member or client has the reference “0000”."

    # Paging: more entries than a page.
    for _ in range(16):
        await counselor.send(f"/clients {li_id.hex[:8]}")
    await manager.send("/audit")
    assert "Older »" in manager.last_buttons()
    await manager.click("Older »")
    assert "« Newer" in manager.last_buttons()


async def test_deactivation_in_staff_hands_the_clients_over_and_says_so(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    clock.advance(timedelta(minutes=1))
    ben = await add_member(app_database, clock, BEN, "counselor", name="Ben")
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    clients = [
        await make_client(app_database, clock, 9_200 + n, f"Client {n}", counselor=anna.account_id) for n in range(2)
    ]
    mary = make_user(user_id=MARY)

    await mary.send("/staff")
    await mary.click("Anna (counselor)")
    await mary.click("Deactivate")

    assert mary.view.toasts[-1] == "Deactivated: no more access to the staff tools."
    assert mary.last_text() == "2 clients of Anna were handed to other counselors."
    assert [await counselor_of(app_database, client) for client in clients] == [ben.account_id, ben.account_id]
