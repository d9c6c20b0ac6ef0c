"""The relay holds while the database says the conversation is open: whatever either side does in between (a
note on the client's card, /cancel, /start), their next words still reach the other side; `/queue` tells a
counselor whom they are talking with. The client is an ordinary member with no counselor of their own: the
counselor serving them may open their card while the conversation lasts."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import Chat, Message, Update

from domain.clock import FakeClock
from storage.database import Database
from tests.handoff.conftest import account_of, add_member, deliver
from tests.journey_walk import PacedClient, register

LI = 7_601
CORA = 7_701
GROUP = -100_777


async def _talking(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> tuple[PacedClient, PacedClient]:
    """Li (an ordinary member, nobody's client) asked for a counselor, and Cora claimed it."""
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await client.send("/human")
    await deliver(app_database, cora)  # the handoff alert
    await cora.click("✋ Claim")
    (joined,) = await deliver(app_database, client)
    assert joined.text.startswith("🙋 Cora from the agency is here to help you.")
    return client, cora


async def test_a_counselor_who_writes_a_note_in_between_still_reaches_the_client(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    client_id = await account_of(app_database, client)

    await cora.send(f"/clients {client_id.hex[:8]}")
    await cora.click("📝 Add a note")
    await cora.send("Asks about the membership fees; call back on Friday.")
    assert "📝 Note saved." in cora.texts()
    assert await deliver(app_database, client) == []  # the note is not for the client

    await cora.send("Sorry for the wait, Li: the fees are on our website.")
    assert "didn't understand" not in cora.last_text()
    assert cora.last_text() == (
        "↩️ Back in your conversation with Li Wei: your message was passed on. Send /end when it is over."
    )
    (line,) = await deliver(app_database, client)
    assert line.text == "💬 <b>Cora</b>: Sorry for the wait, Li: the fees are on our website."

    # Back on the fast path: the next line goes without the notice.
    calls = await cora.send("Anything else?")
    assert calls == []
    assert [m.text for m in await deliver(app_database, client)] == ["💬 <b>Cora</b>: Anything else?"]

    # The client's words still come to her.
    await client.send("No, thank you!")
    assert [m.text for m in await deliver(app_database, cora)] == ["💬 <b>Li Wei</b>: No, thank you!"]


async def test_queue_tells_a_counselor_whom_they_are_talking_with(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    client_id = await account_of(app_database, client)
    await cora.send(f"/clients {client_id.hex[:8]}")
    await cora.click("📝 Add a note")
    await cora.send("/cancel")

    await cora.send("/queue")
    assert cora.last_text() == (
        "💬 You are talking with Li Wei. Everything you write here goes to them; send /end when the conversation "
        "is over.\nNobody is waiting for a counselor right now."
    )
    await cora.send("Still there?")
    (line,) = await deliver(app_database, client)
    assert line.text == "💬 <b>Cora</b>: Still there?"


async def test_a_client_who_left_the_relay_still_reaches_the_counselor(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    await client.send("/start")  # takes them out of relay mode; the conversation goes on
    await client.send("Are you still there?")
    assert client.last_text() == (
        "↩️ Back in your conversation with Cora: your message was passed on. Send /end when you are done."
    )
    (line,) = await deliver(app_database, cora)
    assert line.text == "💬 <b>Li Wei</b>: Are you still there?"


async def test_after_the_end_nothing_is_relayed_from_a_cleared_state(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    await cora.send("/end")
    await deliver(app_database, client)
    await client.send("/start")
    await client.send("hello?")
    assert client.last_text().startswith("Sorry, I didn't understand that.")
    await cora.send("/cancel")
    await cora.send("one more thing")
    assert cora.last_text().startswith("Sorry, I didn't understand that.")
    assert await deliver(app_database, client) == []


async def test_what_a_counselor_says_in_the_staff_group_is_never_relayed(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    await cora.send("/cancel")  # out of relay mode in her private chat; the conversation goes on
    chatter = Message(
        message_id=1,
        date=clock.now(),
        chat=Chat(id=GROUP, type="supergroup", title="Counselors"),
        from_user=cora.user,
        text="Lunch, anyone?",
    )
    await cora.dp.feed_update(cora.bot, Update(update_id=9_760_001, message=chatter), channel="telegram")
    assert await deliver(app_database, client) == []


async def test_the_card_closes_again_when_the_conversation_ends(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client, cora = await _talking(person, app_database, clock)
    client_id = await account_of(app_database, client)
    await cora.send(f"/clients {client_id.hex[:8]}")
    assert cora.last_text().startswith("🗂 <b>Li Wei</b>")

    await cora.send("/end")
    await cora.send(f"/clients {client_id.hex[:8]}")

    assert cora.last_text() == (
        "This client is not assigned to you (any more). Ask a manager if you need to help them."
    )
