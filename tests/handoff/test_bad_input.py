"""Automatic handoffs and what must not work: a client pressing staff buttons, someone else's rating button,
forged callback data; three misunderstandings in a row open a handoff, a pause starts the count again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from domain.clock import FakeClock
from domain.handoff import HandoffReason, HandoffState
from handlers.views.handoff.messages import HandoffAction, HandoffButton, RateButton
from storage.database import Database
from tests.handoff.conftest import account_of, add_member, deliver
from tests.journey_walk import PacedClient, register

LI, WANG = 7_401, 7_402
CORA = 7_501
NOT_STAFF = "Sorry, this is only for the agency's staff."


async def test_three_misunderstandings_in_a_row_reach_a_counselor(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    client_id = await account_of(app_database, client)

    await client.send("blah")
    await client.send("what??")
    clock.advance(timedelta(minutes=11))  # a pause: the count starts again
    await client.send("hmm")
    await client.send("asdf")
    assert client.last_text().startswith("Sorry, I didn't understand that.")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.active_for_client(client_id) is None

    await client.send("qwerty")
    assert client.last_text().startswith("Sorry, I keep misunderstanding you. I have asked a counselor to join you")
    async with app_database.unit_of_work(read_only=True) as uow:
        handoff = await uow.handoffs.active_for_client(client_id)
    assert handoff is not None and handoff.reason is HandoffReason.NOT_UNDERSTOOD
    (alert,) = await deliver(app_database, cora)
    assert "Why: the bot did not understand them three times in a row" in alert.text

    # While the request waits, what they write is kept for the counselor (no more misunderstandings).
    await client.send("zzz")
    assert client.last_text().startswith("Thank you, your message is kept for the counselor")


async def test_something_understood_in_between_starts_the_count_again(
    person: Callable[..., PacedClient], app_database: Database
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    await client.send("blah")
    await client.send("blah")
    # Understood, and the conversation state changed (and /cancel starts afresh). Only a change of state or a
    # pause resets the count: /help in between, which changes nothing, would not (docs/handoff.md).
    await client.send("/profile")
    await client.click("✏️ Edit an answer")
    await client.send("/cancel")
    await client.send("blah")
    await client.send("blah")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.active_for_client(await account_of(app_database, client)) is None


async def test_clients_cannot_use_staff_buttons_or_other_peoples_ratings(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    li, wang = person(user_id=LI), person(user_id=WANG)
    await register(li, "en")
    await register(wang, "zh")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await li.send("/human")
    await deliver(app_database, cora)
    claim = cora.last_message().inline
    assert claim is not None
    data = claim.inline_keyboard[0][0].callback_data
    assert data is not None

    # Li (a client) presses the staff button (forwarded, or its data forged): refused, nothing changes.
    await li.press(data)
    assert li.view.toasts[-1] == NOT_STAFF
    await wang.press(HandoffButton(action=HandoffAction.CLAIM, handoff="not-an-id").pack())
    assert wang.view.toasts[-1] == "抱歉，此功能仅限本机构员工使用。"
    await cora.press(HandoffButton(action=HandoffAction.CLAIM, handoff="0" * 32).pack())
    assert cora.view.toasts[-1] == "This button is no longer active."

    await cora.click("✋ Claim")
    await deliver(app_database, li)
    await cora.send("/end")
    li_id = await account_of(app_database, li)
    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(li_id)

    # Wang presses Li's rating button (forged data naming Li's conversation): nothing about it is revealed.
    await wang.press(RateButton(handoff=handoff.id.hex, stars=1).pack())
    assert wang.view.toasts[-1] == "这个按钮已失效。"
    await li.press(RateButton(handoff=handoff.id.hex, stars=9).pack())
    assert li.view.toasts[-1] == "This button is no longer active."
    async with app_database.unit_of_work(read_only=True) as uow:
        stored = await uow.handoffs.get(handoff.id)
    assert stored is not None and stored.state is HandoffState.CLOSED and stored.rating is None

    await li.press(RateButton(handoff=handoff.id.hex, stars=2).pack())
    assert li.view.toasts[-1] == "Thank you!"
    await li.press(RateButton(handoff=handoff.id.hex, stars=5).pack())
    assert li.view.toasts[-1] == "You have already rated this conversation. Thank you!"


async def test_a_counselor_whose_conversation_ended_sends_nothing(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    li = person(user_id=LI)
    await register(li, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await li.send("/human")
    await deliver(app_database, cora)
    await cora.click("✋ Claim")
    await deliver(app_database, li)
    # The conversation is closed behind the counselor's back (e.g. by a manager, or the client's data deleted).
    async with app_database.unit_of_work() as uow:
        (handoff,) = await uow.handoffs.for_client(await account_of(app_database, li))
        await uow.handoffs.close(handoff.id, now=clock.now())
    await cora.send("Are you there?")
    assert cora.last_text().startswith("This conversation has ended, or it is no longer yours. Nothing was sent.")
    assert await deliver(app_database, li) == []
    await li.send("hello")
    assert li.last_text().startswith("Your conversation with the counselor has ended.")
