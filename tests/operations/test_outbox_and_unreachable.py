"""/outbox for managers (counts, failed messages, retry) and the counselors' notice when a client blocks the bot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import update

from domain.clock import FakeClock
from domain.delivery import ChatAddress, DeliveryState, OutboundMessage, RecipientUnreachable
from domain.identity import Channel
from handlers.services.operations import unreachable_notice
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from storage.repositories.delivery import OutboxRepository, enqueue
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import paced, register
from tests.staff.conftest import add_member

OWNER_ID, COUNSELOR_ID, STAFF_CHAT = 500_000_001, 500_000_002, -100_777


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID], counselor_chat_id=STAFF_CHAT)


async def _failed_message(database: Database) -> int:
    async with database.unit_of_work() as uow:
        outbox_id = await enqueue(uow, ChatAddress(Channel.TELEGRAM, 4242), OutboundMessage(text="Hello there"))
        assert outbox_id is not None
        await uow.session.execute(
            update(OutboxMessageRow)
            .where(OutboxMessageRow.id == outbox_id)
            .values(state="failed", attempts=5, last_error="TelegramBadRequest: chat not found")
        )
    return outbox_id


async def test_a_manager_sees_failed_messages_and_retries_one(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    outbox_id = await _failed_message(app_database)
    owner = make_user(user_id=OWNER_ID)
    await owner.send("/outbox")
    text = owner.last_text()
    assert text.startswith("📮 <b>Outbox</b>\nwaiting: 0 · sending: 0 · sent: 0 · failed: 1 · cancelled: 0")
    assert f"#{outbox_id} · telegram · 5 attempts · TelegramBadRequest: chat not found" in text
    assert "Hello there" not in text  # never the content
    assert owner.last_buttons() == [f"🔁 Retry #{outbox_id}", "↻ Refresh"]

    await owner.click(f"🔁 Retry #{outbox_id}")
    assert owner.view.toasts[-1] == "Queued again."
    assert "failed: 0" in owner.last_text() and "waiting: 1" in owner.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        (entry,) = await OutboxRepository.of(uow).entries()
    assert entry.state is DeliveryState.PENDING


async def test_clients_and_counselors_are_refused_politely(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await _failed_message(app_database)
    client = make_user(user_id=777)
    await client.send("/outbox")
    assert client.last_text() == "Sorry, this is only for the agency's staff."
    await client.press("outbox:1")
    assert client.view.toasts[-1] == "Sorry, this is only for the agency's staff."
    await add_member(app_database, clock, COUNSELOR_ID, "counselor")
    counselor = make_user(user_id=COUNSELOR_ID)
    await counselor.send("/outbox")
    assert "supervise service quality" in counselor.last_text()


async def test_counselors_hear_when_a_client_blocks_the_bot(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    settings: Settings,
) -> None:
    client = paced(dp, bot, session, error_log, user_id=9_001)
    await register(client)
    async with app_database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external("telegram", "9001")
        assert account is not None
    hook = unreachable_notice(settings, dp["i18n"])
    async with app_database.unit_of_work(read_only=True) as uow:
        before = {e.id for e in await OutboxRepository.of(uow).entries()}  # the new-client alert
    async with app_database.unit_of_work() as uow:
        await hook(uow, RecipientUnreachable(outbox_id=1, account_id=account.id, channel="telegram", cancelled=2))
        await hook(uow, RecipientUnreachable(outbox_id=2, account_id=None, channel="telegram", cancelled=0))
    async with app_database.unit_of_work(read_only=True) as uow:
        new = [e for e in await OutboxRepository.of(uow).entries() if e.id not in before]
        contents = await OutboxRepository.of(uow).contents_for_account(account.id)
    assert contents == []  # nothing goes to the client who blocked the bot
    assert [e.account_id for e in new] == [None]  # one notice to the staff chat; none for a non-client
