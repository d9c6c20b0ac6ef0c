"""The outbox table on SQLite and PostgreSQL: encryption at rest, transactions, dedupe, claims in chat order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.delivery.leases import HeldLeases
from domain.delivery import ChatAddress, DeliveryState, InlineButton, OutboundMessage
from storage.database import Database
from storage.errors import AccountDeletedError
from storage.repositories.delivery import OutboxRepository, enqueue, enqueued_in
from tests.db_fixtures import RawContents
from tests.delivery.conftest import add_account
from tests.delivery.virtual_time import LoopClock

LEASE = timedelta(minutes=2)
CHANNELS = ["telegram", "web"]


def text(body: str) -> OutboundMessage:
    return OutboundMessage(body)


async def claim(db: Database, clock: LoopClock, *, token: str = "t1", limit: int = 10, later: timedelta = timedelta(0)):  # type: ignore[no-untyped-def]
    async with db.unit_of_work() as uow:
        return await OutboxRepository.of(uow).claim(
            now=clock.now() + later, limit=limit, lease=LEASE, channels=CHANNELS, token=token
        )


async def test_address_content_and_dedupe_key_are_encrypted_at_rest(
    db: Database, raw_contents: RawContents
) -> None:
    account_id = await add_account(db, "777123456")
    message = OutboundMessage(
        "Your date with Mei is <b>tomorrow</b>", keyboard=((InlineButton("Confirm", callback_data="date:ok:31"),),)
    )
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(777123456), message, account_id=account_id, dedupe_key="intro-Mei-31")
        await enqueue(uow, ChatAddress.telegram(-100987654321), text("Handoff: Mei asks for a counselor"))
    raw = await raw_contents()
    for secret in (b"777123456", b"tomorrow", b"Mei", b"date:ok:31", b"intro-Mei", b"100987654321", b"Handoff"):
        assert secret not in raw
    async with db.unit_of_work() as uow:
        (content,) = await OutboxRepository.of(uow).contents_for_account(account_id)
    assert content.message == message and content.chat == ChatAddress.telegram(777123456)


async def test_a_rolled_back_enqueue_leaves_nothing(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.unit_of_work() as uow:
            await enqueue(uow, ChatAddress.telegram(5), text("never"))
            raise Boom
    async with db.unit_of_work() as uow:
        assert await OutboxRepository.of(uow).entries() == []


async def test_the_same_dedupe_key_enqueues_once(db: Database) -> None:
    async with db.unit_of_work() as uow:
        assert not enqueued_in(uow)
        first = await enqueue(uow, ChatAddress.telegram(5), text("Introduction"), dedupe_key="intro:42")
        assert enqueued_in(uow)
    async with db.unit_of_work() as uow:
        again = await enqueue(uow, ChatAddress.telegram(5), text("Introduction"), dedupe_key="intro:42")
        assert not enqueued_in(uow)  # nothing new to send
        other = await enqueue(uow, ChatAddress.telegram(5), text("Introduction"), dedupe_key="intro:43")
        plain = await enqueue(uow, ChatAddress.telegram(5), text("Introduction"))
    assert isinstance(first, int) and again is None and isinstance(other, int) and isinstance(plain, int)
    async with db.unit_of_work() as uow:
        assert len(await OutboxRepository.of(uow).entries()) == 3


async def test_claims_take_one_message_per_chat_in_order(db: Database, loop_clock: LoopClock) -> None:
    async with db.unit_of_work() as uow:
        a1 = await enqueue(uow, ChatAddress.telegram(1), text("a1"))
        a2 = await enqueue(uow, ChatAddress.telegram(1), text("a2"))
        b1 = await enqueue(uow, ChatAddress.telegram(2), text("b1"))
        w1 = await enqueue(uow, ChatAddress.web(1), text("w1"))  # another channel: another chat
    first = await claim(db, loop_clock)
    assert [m.id for m in first] == [a1, b1, w1]
    assert [m.message.text for m in first] == ["a1", "b1", "w1"]
    assert await claim(db, loop_clock, token="t2") == []  # a2 waits for a1
    async with db.unit_of_work() as uow:
        assert await OutboxRepository.of(uow).mark_sent(first[0].id, "t1", now=loop_clock.now(), sent_message_id=9)
    (second,) = await claim(db, loop_clock, token="t2")
    assert second.id == a2 and second.attempts == 1


async def test_a_message_waiting_for_a_retry_holds_back_its_chat(db: Database, loop_clock: LoopClock) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("first"))
        await enqueue(uow, ChatAddress.telegram(1), text("second"))
    (first,) = await claim(db, loop_clock)
    async with db.unit_of_work() as uow:
        await OutboxRepository.of(uow).schedule_retry(
            first.id, "t1", retry_at=loop_clock.now() + timedelta(seconds=30), reason="500", counts_as_failure=True
        )
    assert await claim(db, loop_clock) == []
    (again,) = await claim(db, loop_clock, later=timedelta(seconds=31))
    assert (again.id, again.attempts, again.failures) == (first.id, 2, 1)


async def test_a_deferred_message_does_not_hold_back_later_ones(db: Database, loop_clock: LoopClock) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("tomorrow"), not_before=loop_clock.now() + timedelta(days=1))
        now_id = await enqueue(uow, ChatAddress.telegram(1), text("now"))
    (claimed,) = await claim(db, loop_clock)
    assert claimed.id == now_id
    async with db.unit_of_work() as uow:
        await OutboxRepository.of(uow).mark_sent(claimed.id, "t1", now=loop_clock.now(), sent_message_id=None)
    assert await claim(db, loop_clock) == []
    (tomorrow,) = await claim(db, loop_clock, later=timedelta(days=1))
    assert tomorrow.message.text == "tomorrow"


async def test_an_expired_lease_is_claimed_again_and_the_old_claim_is_void(
    db: Database, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("hello"))
    (first,) = await claim(db, loop_clock, token="dead-leader")
    assert await claim(db, loop_clock, token="new-leader", later=LEASE - timedelta(seconds=1)) == []
    (again,) = await claim(db, loop_clock, token="new-leader", later=LEASE)
    assert again.id == first.id and again.attempts == 2
    async with db.unit_of_work() as uow:
        outbox = OutboxRepository.of(uow)
        assert not await outbox.mark_sent(first.id, "dead-leader", now=loop_clock.now(), sent_message_id=None)
        assert await outbox.mark_sent(first.id, "new-leader", now=loop_clock.now(), sent_message_id=None)


async def test_a_live_claimer_renewing_its_leases_keeps_its_rows_and_lets_go_of_those_it_lost(
    db: Database, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        for chat in (1, 2, 3):
            await enqueue(uow, ChatAddress.telegram(chat), text(f"to {chat}"))
    waiting, sent, lost = await claim(db, loop_clock, token="alive")
    leases = HeldLeases("alive", LEASE)
    leases.hold([waiting.id, sent.id, lost.id], waiting.lease_until)
    async with db.unit_of_work() as uow:  # one is sent and written down; one is taken over and sent by another
        outbox = OutboxRepository.of(uow)
        await outbox.mark_sent(sent.id, "alive", now=loop_clock.now(), sent_message_id=5)
        await outbox.release([lost.id], "alive")
    (taken,) = await claim(db, loop_clock, token="other")
    async with db.unit_of_work() as uow:
        await OutboxRepository.of(uow).mark_sent(taken.id, "other", now=loop_clock.now(), sent_message_id=6)

    await asyncio.sleep((LEASE * 0.8).total_seconds())
    renewed_at = loop_clock.now()
    assert await leases.renew(db, loop_clock) == 1
    await asyncio.sleep((LEASE * 0.5).total_seconds())  # past the first lease's end

    assert len(leases) == 1 and leases.until(waiting.id, waiting.lease_until) >= renewed_at + LEASE
    assert await claim(db, loop_clock, token="other") == []  # still the live claimer's
    async with db.unit_of_work() as uow:
        assert await OutboxRepository.of(uow).mark_sent(waiting.id, "alive", now=loop_clock.now(), sent_message_id=7)
    async with db.unit_of_work() as uow:
        assert [entry.state for entry in await OutboxRepository.of(uow).entries()] == [DeliveryState.SENT] * 3


async def test_released_messages_are_pending_again_with_the_attempt_uncounted(
    db: Database, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("hello"))
    (first,) = await claim(db, loop_clock)
    async with db.unit_of_work() as uow:
        assert await OutboxRepository.of(uow).release([first.id], "t1") == 1
    (again,) = await claim(db, loop_clock, token="t2")
    assert again.attempts == 1


async def test_parked_messages_are_listed_for_staff_and_can_be_requeued(db: Database, loop_clock: LoopClock) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("hello"))
    (first,) = await claim(db, loop_clock)
    async with db.unit_of_work() as uow:
        outbox = OutboxRepository.of(uow)
        reason = "TelegramBadRequest: Bad Request: can't parse entities"
        await outbox.park(first.id, "t1", reason=reason, now=loop_clock.now())
        (failed,) = await outbox.failed()
        assert failed.id == first.id and failed.state is DeliveryState.FAILED
        assert failed.last_error == "TelegramBadRequest: Bad Request: can't parse entities"
        assert await outbox.requeue(first.id, now=loop_clock.now())
        assert await outbox.failed() == []
    (again,) = await claim(db, loop_clock, token="t2")
    assert again.id == first.id


async def test_messages_to_an_unreachable_account_are_recorded_cancelled(db: Database, loop_clock: LoopClock) -> None:
    account_id = await add_account(db, "555")
    async with db.unit_of_work() as uow:
        await uow.accounts.mark_unreachable(account_id, loop_clock.now())
        await enqueue(uow, ChatAddress.telegram(555), text("hello"), account_id=account_id)
    async with db.unit_of_work() as uow:
        (entry,) = await OutboxRepository.of(uow).entries()
    assert entry.state is DeliveryState.CANCELLED
    assert await claim(db, loop_clock) == []


async def test_nothing_can_be_queued_for_a_deleted_account(db: Database, loop_clock: LoopClock) -> None:
    from storage.privacy_ops import shred_account

    account_id = await add_account(db, "556")
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(556), text("before"), account_id=account_id)
    async with db.unit_of_work() as uow:
        await shred_account(uow, account_id, loop_clock.now())
    async with db.unit_of_work() as uow:
        assert await OutboxRepository.of(uow).entries() == []  # shredding deleted the queued message
        with pytest.raises(AccountDeletedError):
            await enqueue(uow, ChatAddress.telegram(556), text("after"), account_id=account_id)


async def test_finished_messages_are_purged_after_the_retention(db: Database, loop_clock: LoopClock) -> None:
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(1), text("old"), dedupe_key="k")
        await enqueue(uow, ChatAddress.telegram(2), text("pending"))
    claimed = await claim(db, loop_clock)
    finished = loop_clock.now()
    async with db.unit_of_work() as uow:
        await OutboxRepository.of(uow).mark_sent(claimed[0].id, "t1", now=finished, sent_message_id=1)
        await OutboxRepository.of(uow).release([claimed[1].id], "t1")
    async with db.unit_of_work() as uow:
        outbox = OutboxRepository.of(uow)
        assert await outbox.purge(finished_before=finished) == 0
        assert await outbox.purge(finished_before=finished + timedelta(seconds=1)) == 1
        assert [e.state for e in await outbox.entries()] == [DeliveryState.PENDING]
        assert await enqueue(uow, ChatAddress.telegram(1), text("old"), dedupe_key="k") is not None
