"""Transcript review: a manager (or the owner) reads a handoff's relay transcript with /transcript REF, each
read written to the audit log; counselors, customer service and clients may not (not even their own
colleague's); the transcript stays sealed at rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import pytest

from domain.clock import FakeClock
from domain.handoff import HandoffReason
from domain.staff import PERMISSIONS, Permission
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, MANAGER_ID
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said


async def _conversation(database: Database, clock: FakeClock, client: UUID, counselor: UUID) -> None:
    async with database.unit_of_work() as uow:
        handoff = await uow.handoffs.open(client, HandoffReason.ASKED, now=clock.now())
        await uow.handoffs.claim(handoff.id, counselor, now=clock.now())
        line = "I <b>need</b> help"
        await uow.handoffs.add_line(handoff.id, client, from_client=True, author_id=client, text=line, now=clock.now())
        clock.advance(timedelta(minutes=2))
        answer = "Of course"
        await uow.handoffs.add_line(
            handoff.id, client, from_client=False, author_id=counselor, text=answer, now=clock.now()
        )
        await uow.handoffs.close(handoff.id, now=clock.now())


async def test_a_manager_reads_a_transcript_and_it_is_audited(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    await _conversation(app_database, clock, client, anna.account_id)
    manager = make_user(user_id=MANAGER_ID)
    await manager.send("/transcript")
    assert manager.last_text().startswith("Send /transcript and the client's reference")
    await manager.send("/transcript ffffffff")
    assert manager.last_text() == "No client has that reference."
    await manager.send(f"/transcript {client.hex[:8]}")
    text = manager.last_text()
    assert text.startswith(f"📜 <b>Conversation transcript</b> · Li Wei <code>{client.hex[:8]}</code>")
    assert "with Anna" in text
    assert "Li Wei: I &lt;b&gt;need&lt;/b&gt; help" in text and "Anna: Of course" in text
    async with app_database.unit_of_work(read_only=True) as uow:
        entries = await uow.audit.list_for_subject(client)
    assert [(e.action, e.actor_account_id) for e in entries if e.action == "transcript.read"] == [
        ("transcript.read", zhou.account_id)
    ]


async def test_the_transcript_from_the_client_card(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    await _conversation(app_database, clock, client, anna.account_id)
    counselor = make_user(user_id=COUNSELOR_ID)
    await counselor.send(f"/clients {client.hex[:8]}")
    assert "📜 Transcript" not in counselor.last_buttons()  # a counselor does not supervise
    manager = make_user(user_id=MANAGER_ID)
    await manager.send(f"/clients {client.hex[:8]}")
    card = manager.last_text()
    assert "📜 Transcript" in manager.last_buttons()
    await manager.click("📜 Transcript")
    assert manager.last_text().startswith(f"📜 <b>Conversation transcript</b> · Li Wei <code>{client.hex[:8]}</code>")
    assert "Anna: Of course" in manager.last_text()
    assert card in manager.texts()  # the card stays; the transcript comes under it
    async with app_database.unit_of_work(read_only=True) as uow:
        entries = await uow.audit.list_for_subject(client)
    assert [e.actor_account_id for e in entries if e.action == "transcript.read"] == [zhou.account_id]


async def test_a_client_without_conversations(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send(f"/transcript {client.hex[:8]}")
    assert manager.last_text() == "This client has not talked with a counselor through the bot."


@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    await _conversation(app_database, clock, client, anna.account_id)
    texts = said(await user.send(f"/transcript {client.hex[:8]}"))
    if role is not None and Permission.SUPERVISE_QUALITY in PERMISSIONS[role]:
        assert texts[0].startswith("📜 <b>Conversation transcript</b>"), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
    async with app_database.unit_of_work(read_only=True) as uow:
        reads = [e for e in await uow.audit.list_for_subject(client) if e.action == "transcript.read"]
    assert len(reads) == (1 if role is not None and Permission.SUPERVISE_QUALITY in PERMISSIONS[role] else 0)
