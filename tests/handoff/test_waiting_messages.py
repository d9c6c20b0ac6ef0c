"""What a client writes after asking for a counselor and before anyone claims: acknowledged, kept sealed with
the handoff's transcript (so the export and the erasure cover it), and shown to the counselor who claims. The
card says how long they waited in words ("just now", "1 minute", "12 minutes")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from domain.clock import FakeClock
from domain.handoff import HandoffState
from storage.database import Database
from storage.models.casework import RelayMessageRow
from storage.privacy_ops import export_account
from tests.handoff.conftest import account_of, add_member, deliver
from tests.journey_walk import PacedClient, register

LI = 7_611
CORA = 7_711
KEPT = (
    "Thank you, your message is kept for the counselor, who will read it when they join you. "
    "Send /end if you no longer need them."
)


async def test_messages_while_waiting_are_kept_and_shown_to_the_counselor_who_claims(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    client_id = await account_of(app_database, client)

    await client.send("/human")
    assert "You can write your question now" in client.last_text()
    await client.send("How much does membership cost?")
    assert client.last_text() == KEPT
    await client.send("/start")  # out of the waiting state: still the handoff's
    await client.send("And is there a <discount> for students?")
    assert client.last_text() == KEPT
    await client.send_sticker()
    assert client.last_text().startswith("Only text messages can be passed on")

    async with app_database.unit_of_work(read_only=True) as uow:
        stored = (await uow.session.scalars(select(RelayMessageRow.text))).all()
    assert len(stored) == 2 and all(b"membership" not in s and b"discount" not in s for s in stored)

    (alert,) = await deliver(app_database, cora)
    assert "membership" not in alert.text  # an alert may go to a group: never the client's words
    clock.advance(timedelta(minutes=12))
    await cora.click("✋ Claim")
    card, waiting = cora.texts()[-2:]
    assert card.startswith("✅ <b>You are now talking with Li Wei.</b>")
    assert "Why: asked to talk to a counselor. They waited 12 minutes." in card
    assert re.fullmatch(
        r"✉️ <b>While waiting, Li Wei wrote:</b>\n<i>17:0\d</i> How much does membership cost\?\n"
        r"<i>17:0\d</i> And is there a &lt;discount&gt; for students\?",
        waiting,
    )

    # Nothing more for the counselor in the outbox: those lines were in the claim's answer.
    assert await deliver(app_database, cora) == []
    await client.send("Thanks for joining!")
    assert [m.text for m in await deliver(app_database, cora)] == ["💬 <b>Li Wei</b>: Thanks for joining!"]

    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(client_id)
        assert handoff.state is HandoffState.CLAIMED
        lines = await uow.handoffs.transcript(handoff.id)
        export = await export_account(uow, client_id)
    assert [line.text for line in lines] == [
        "How much does membership cost?",
        "And is there a <discount> for students?",
        "Thanks for joining!",
    ]
    assert [line["text"] for line in export["handoff_transcript"]] == [line.text for line in lines]  # type: ignore[attr-defined]


async def test_waited_just_now_and_one_minute(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await client.send("/human")
    await deliver(app_database, cora)
    await cora.send("/queue")
    assert "• Li: asked to talk to a counselor, just now" in cora.last_text()
    assert cora.last_buttons() == ["✋ Claim: Li, just now"]
    await cora.click("✋ Claim")
    assert "Why: asked to talk to a counselor. They asked just now." in cora.last_text()
    assert not any("While waiting" in text for text in cora.texts())  # they wrote nothing meanwhile

    await cora.send("/end")
    await client.send("/human")
    await deliver(app_database, cora)
    clock.advance(timedelta(seconds=70))
    await cora.send("/queue")
    assert "• Li: asked to talk to a counselor, 1 minute" in cora.last_text()
    await cora.click("✋ Claim: Li, 1 minute")
    assert "They waited 1 minute." in cora.last_text()


async def test_a_withdrawn_request_keeps_nothing_more(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    await client.send("/human")
    await client.send("hello?")
    assert client.last_text() == KEPT
    await client.send("/end")
    assert client.last_text().startswith("All right, your request for a counselor is withdrawn.")
    await client.send("hello again")
    assert client.last_text().startswith("Sorry, I didn't understand that.")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert len((await uow.session.scalars(select(RelayMessageRow.id))).all()) == 1


async def test_a_line_too_long_once_escaped_is_refused_before_and_after_the_claim(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    too_long = "This message is too long to pass on. Please send it in parts of up to 3800 characters."
    await client.send("/human")
    await client.send("<3 " * 1000)  # 3,000 characters, 6,000 once escaped for HTML
    assert client.last_text() == too_long
    await deliver(app_database, cora)
    await cora.click("✋ Claim")
    await deliver(app_database, client)
    await client.send("<3 " * 1000)
    assert client.last_text() == too_long
    await cora.send("&" * 1000)
    assert cora.last_text() == too_long
    assert await deliver(app_database, cora) == [] and await deliver(app_database, client) == []
