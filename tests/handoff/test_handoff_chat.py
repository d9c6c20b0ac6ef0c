"""Handoff in the chat: a client asks for a human, counselors are alerted and one claims, they talk through
the bot both ways, /end and the client's rating; through the real Dispatcher."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import EditMessageText
from sqlalchemy import select

from domain.clock import FakeClock
from domain.handoff import HandoffReason, HandoffState
from storage.database import Database
from storage.models.casework import RelayMessageRow
from storage.privacy_ops import export_account
from tests.handoff.conftest import account_of, add_member, deliver
from tests.journey_walk import PacedClient, register

LI = 7_001
CORA, DAN = 7_101, 7_102


async def test_a_client_reaches_a_counselor_and_they_talk_through_the_bot(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    dan = person(user_id=DAN)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await add_member(app_database, clock, DAN, "customer_service", name="Dan")
    client_id = await account_of(app_database, client)

    await client.send("/human")
    assert client.last_text().startswith("I have asked a counselor to join you.")

    # Nobody is assigned to Li: everyone on duty is alerted at once, with the client's first name only.
    (alert,) = await deliver(app_database, cora)
    assert alert.text.startswith("🙋 <b>A client needs a counselor</b>\nClient: Li\nWhy: asked to talk to a counselor")
    assert "Wei" not in alert.text and "138" not in alert.text
    assert len(await deliver(app_database, dan)) == 1
    dan_copy = dan.last_message().message_id

    calls = await cora.click("✋ Claim")
    assert cora.view.toasts[-1] == "You took this conversation."
    card = cora.last_text()
    assert card.startswith("✅ <b>You are now talking with Li Wei.</b>")
    assert "Phone" not in card and "tg://" not in card  # a counselor may not see contacts
    # Dan's copy now says who took it, and has no Claim button any more.
    (edit,) = [c for c in calls if isinstance(c, EditMessageText) and c.chat_id == DAN]
    assert edit.message_id == dan_copy and edit.reply_markup is None
    assert edit.text == "🙋 A request from Li (asked to talk to a counselor).\n✋ Taken by Cora."

    # Dan presses his old copy: the first claim won.
    await dan.click("✋ Claim", message_id=dan_copy)
    assert dan.view.toasts[-1] == "Cora has already taken this conversation."

    (joined,) = await deliver(app_database, client)
    assert joined.text.startswith("🙋 Cora from the agency is here to help you.")

    # The relay, both ways.
    await client.send("Hello, I cannot find my <suggestions>")
    (line,) = await deliver(app_database, cora)
    assert line.text == "💬 <b>Li Wei</b>: Hello, I cannot find my &lt;suggestions&gt;"
    await cora.send("Hi Li! Press 💘 My suggestions in the menu.")
    (answer,) = await deliver(app_database, client)
    assert answer.text == "💬 <b>Cora</b>: Hi Li! Press 💘 My suggestions in the menu."

    # A sticker or a photo is not passed on, and each side is told so.
    await client.send_sticker()
    assert client.last_text().startswith("Only text messages can be passed on")
    await cora.send_photo()
    assert cora.last_text().startswith("Only text messages can be passed on")
    assert await deliver(app_database, cora) == [] and await deliver(app_database, client) == []

    # A counselor serves one conversation at a time.
    async with app_database.unit_of_work() as uow:
        other, _created = await uow.accounts.get_or_create("telegram", "7999", locale="en", now=clock.now())
        second = await uow.handoffs.open(other.id, HandoffReason.ASKED, now=clock.now())
        await uow.handoffs.mark_widened(second.id, now=clock.now())
    await cora.send("/queue")
    assert "Waiting for a counselor</b> (1)" in cora.last_text()
    await cora.click(cora.last_buttons()[0])
    assert cora.view.toasts[-1].startswith("You are already talking with another client.")

    await cora.send("/end")
    assert cora.last_text() == "The conversation has ended. The client is asked to rate it; the transcript is kept."
    (question,) = await deliver(app_database, client)
    assert question.text.startswith("The conversation with Cora has ended. How satisfied are you with it?")
    await client.click("⭐⭐⭐⭐")
    assert client.last_text().startswith("Thank you for your rating: ⭐⭐⭐⭐.")
    assert client.last_buttons() == []

    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(client_id)
        assert handoff.state is HandoffState.CLOSED and handoff.rating == 4
        lines = await uow.handoffs.transcript(handoff.id)
        assert await uow.handoffs.transcript_for_client(client_id) == lines
        actions = [entry.action for entry in await uow.audit.list_for_subject(client_id)]
        export = await export_account(uow, client_id)
    assert [line["text"] for line in export["handoff_transcript"]] == [line.text for line in lines]  # type: ignore[attr-defined]
    assert export["handoffs"][0]["rating"] == 4  # type: ignore[index]
    assert [(line.from_client, line.text) for line in lines] == [
        (True, "Hello, I cannot find my <suggestions>"),
        (False, "Hi Li! Press 💘 My suggestions in the menu."),
    ]
    assert "handoff.claimed" in actions and "handoff.closed" in actions

    # After /end nothing is relayed any more.
    await client.send("are you still there?")
    assert client.last_text().startswith("Sorry, I didn't understand that.")
    await cora.send("bye")
    assert await deliver(app_database, client) == []


async def test_the_transcript_is_sealed(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await client.send("/human")
    await deliver(app_database, cora)
    await cora.click("✋ Claim")
    await client.send("my secret words")
    async with app_database.unit_of_work(read_only=True) as uow:
        stored = (await uow.session.scalars(select(RelayMessageRow.text))).all()
    assert len(stored) == 1 and b"my secret words" not in stored[0]


async def test_the_client_ends_the_conversation(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await client.send("/human")
    await client.send("/human")
    assert client.last_text() == "You have asked for a counselor already. Someone will write to you here soon."
    await deliver(app_database, cora)
    await cora.click("✋ Claim")
    await deliver(app_database, client)

    await client.send("/end")
    assert client.last_text().startswith("The conversation with Cora has ended.")
    assert client.last_buttons() == ["⭐", "⭐⭐", "⭐⭐⭐", "⭐⭐⭐⭐", "⭐⭐⭐⭐⭐"]
    (told,) = await deliver(app_database, cora)
    assert told.text == "Li Wei has ended the conversation. The transcript is kept."
    # Cora is out of relay mode: her next words reach nobody.
    await cora.send("hello?")
    assert await deliver(app_database, client) == []
    await cora.send("/end")
    assert cora.last_text().startswith("You are not talking with a client right now.")


async def test_the_menu_button_and_a_withdrawn_request(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await client.send("/start")
    await client.click("🙋 Talk to a counselor")
    assert client.last_text().startswith("I have asked a counselor to join you.")
    assert len(await deliver(app_database, cora)) == 1
    copy = cora.last_message().message_id

    calls = await client.send("/end")
    assert client.last_text().startswith("All right, your request for a counselor is withdrawn.")
    (edit,) = [c for c in calls if isinstance(c, EditMessageText)]
    assert (edit.chat_id, edit.message_id) == (CORA, copy)
    assert edit.text == "🙋 A request from Li (asked to talk to a counselor).\nIt has ended."
    await cora.click("✋ Claim", message_id=copy)
    assert cora.view.toasts[-1] == "This conversation has already ended."


async def test_a_visitor_is_asked_to_start_first(person: Callable[..., PacedClient]) -> None:
    visitor = person(user_id=LI)
    await visitor.send("/human")
    assert visitor.last_text().startswith("Please send /start first")
    await visitor.send("/end")
    assert visitor.last_text() == "You are not talking with a counselor right now. Send /start to begin."


async def test_the_counselor_sees_contacts_only_when_the_role_allows(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    mia = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "manager", name="Mia")
    await client.send("/human")
    await deliver(app_database, mia)
    await mia.click("✋ Claim")
    card = mia.last_text()
    assert "Phone: +86" in card or "Phone: 1" in card
    assert f"tg://user?id={LI}" in card
    client_id = await account_of(app_database, client)
    async with app_database.unit_of_work(read_only=True) as uow:
        actions = [entry.action for entry in await uow.audit.list_for_subject(client_id)]
    assert "client.contacts_viewed" in actions
