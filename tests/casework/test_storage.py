"""The casework repository on SQLite and PostgreSQL: assignments, loads, follow-ups, references, stages, notes."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from sqlalchemy import select

from domain.clock import FakeClock
from domain.pipeline import Stage
from storage.database import Database
from storage.models.casework import ClientNoteRow
from storage.repositories.casework import ClientCounts, reference_range


async def _account(database: Database, clock: FakeClock, external: str, *, client: bool) -> UUID:
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
        if client:
            await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


def test_reference_range() -> None:
    low, high = reference_range("ABCD-12") or (None, None)
    assert low == UUID("abcd1200-0000-0000-0000-000000000000")
    assert high == UUID("abcd12ff-ffff-ffff-ffff-ffffffffffff")
    assert reference_range("abc") is None and reference_range("xyzw") is None


async def test_assignments_follow_ups_stages_and_notes(database: Database, clock: FakeClock) -> None:
    anna = await _account(database, clock, "1", client=False)
    ben = await _account(database, clock, "2", client=False)
    clients = [await _account(database, clock, str(100 + n), client=True) for n in range(3)]
    today = clock.now().date()
    async with database.unit_of_work() as uow:
        await uow.assignments.assign(clients[0], anna, now=clock.now(), by=None)
        await uow.assignments.assign(clients[1], anna, now=clock.now(), by=ben)
        await uow.assignments.assign(clients[1], ben, now=clock.now(), by=anna)  # a reassignment
        assert await uow.assignments.set_follow_up(clients[0], today)
        assert await uow.assignments.set_follow_up(clients[1], today + timedelta(days=1))
        assert not await uow.assignments.set_follow_up(clients[2], today)  # not assigned
        await uow.assignments.set_stage(clients[0], Stage.MET, cause="counselor", now=clock.now())
        clock.advance(timedelta(minutes=1))
        await uow.assignments.set_stage(clients[0], Stage.CLOSED, cause="counselor:married", now=clock.now())
        await uow.notes.add(clients[0], author_id=anna, text="Likes tea", now=clock.now())

    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.assignments.loads([anna, ben]) == {anna: 1, ben: 1}
        assert await uow.assignments.counselor_of(clients[1]) == ben
        moved = await uow.assignments.get(clients[1])
        assert moved is not None and moved.assigned_by == anna
        assert await uow.assignments.due_follow_ups(today) == [(anna, clients[0], today)]
        assert await uow.assignments.clients(unassigned_only=True) == [clients[2]]
        assert await uow.assignments.clients(reference=clients[2].hex[:8]) == [clients[2]]
        assert await uow.assignments.clients(reference=str(clients[2])[:13]) == [clients[2]]
        stages = await uow.assignments.current_stages(clients)
        assert list(stages) == [clients[0]] and stages[clients[0]][0] is Stage.CLOSED
        assert await uow.case_stages.current(clients[0]) is Stage.CLOSED
        (note,) = await uow.notes.list_for(clients[0])
        assert note.text == "Likes tea" and await uow.notes.count_for(clients[0]) == 1
        raw = (await uow.session.scalars(select(ClientNoteRow.text))).one()
        assert b"tea" not in raw
    async with database.unit_of_work() as uow:
        assert await uow.assignments.unassign(clients[0])
        assert await uow.assignments.counselor_of(clients[0]) is None


async def test_the_client_lists_count_page_and_order_by_last_activity(database: Database, clock: FakeClock) -> None:
    anna = await _account(database, clock, "1", client=False)
    clients = []
    for n in range(5):
        clients.append(await _account(database, clock, str(200 + n), client=True))
        clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        demo = await uow.accounts.create("web", "demo-1", locale="en", now=clock.now(), demo=True)
        await uow.profiles.create(demo.id, now=clock.now(), status="active")
        draft, _created = await uow.accounts.get_or_create("telegram", "300", locale="en", now=clock.now())
        await uow.profiles.create(draft.id, now=clock.now(), status="draft")  # not registered: never listed
        await uow.assignments.assign(clients[0], anna, now=clock.now(), by=None)
        await uow.assignments.assign(clients[3], anna, now=clock.now(), by=None)
        clock.advance(timedelta(hours=1))
        # The oldest client opens their suggestions: the most recently active now.
        await uow.profiles.update(clients[0], now=clock.now(), last_active_at=clock.now())
        await uow.profiles.update(clients[1], now=clock.now() - timedelta(days=9), status="paused")  # long ago

    async with database.unit_of_work(read_only=True) as uow:
        listed = await uow.assignments.registered()
        assert [c.client_id for c in listed] == [clients[0], clients[4], clients[3], clients[2], clients[1]]
        assert listed[0].last_active == clock.now() and not any(c.demo for c in listed)
        page = await uow.assignments.registered(offset=1, limit=2)
        assert [c.client_id for c in page] == [clients[4], clients[3]]
        with_demo = await uow.assignments.registered(demo=True)
        assert [c.client_id for c in with_demo if c.demo] == [demo.id] and len(with_demo) == 6
        assert await uow.assignments.count_registered() == ClientCounts(real=5, demo=1)
        assert await uow.assignments.count_registered(unassigned_only=True) == ClientCounts(real=3, demo=1)
        mine = await uow.assignments.registered(counselor=anna)
        assert [c.client_id for c in mine] == [clients[0], clients[3]]
        assert await uow.assignments.count_registered(counselor=anna) == ClientCounts(real=2, demo=0)


async def test_names_are_opened_only_for_the_clients_asked_for(database: Database, clock: FakeClock) -> None:
    clients = [await _account(database, clock, str(400 + n), client=True) for n in range(3)]
    async with database.unit_of_work() as uow:
        await uow.profiles.update(clients[0], now=clock.now(), display_name="诸葛 青云")
        await uow.profiles.update(clients[1], now=clock.now(), display_name="Li Wei")

    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.assignments.names(clients[:2]) == {clients[0]: "诸葛 青云", clients[1]: "Li Wei"}
        assert await uow.assignments.names([clients[2]]) == {clients[2]: None}
        assert await uow.assignments.names([]) == {}
