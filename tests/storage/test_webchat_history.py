"""The web chat's history at rest (SQLite and PostgreSQL): sealed under the account's key and bound to its
message, the newest N kept, deleted with the account, part of the export."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select, update

from domain.clock import FakeClock
from storage.database import Database
from storage.errors import CiphertextIntegrityError
from storage.models.webchat import WebChatMessageRow, WebChatRow
from storage.privacy_ops import export_account, shred_account
from storage.repositories.webchat import WebChatMessage
from tests.db_fixtures import RawContents

WEB_USER = "281474976710655"
SAID = "My cousin Wang Jiahui runs the tea house on Wukang Road"
ANSWERED = "I will tell your counselor about Wang Jiahui"
KEYBOARD = {"keyboard": [[{"text": "Share my number +86 139 1234 5678"}]], "one_time_keyboard": True}


def _message(message_id: int, text: str, *, from_bot: bool = False) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": 1_800_000_000 + message_id,
        "chat": {"id": int(WEB_USER), "type": "private", "first_name": "Guest"},
        "from": {"id": 7 if from_bot else int(WEB_USER), "is_bot": from_bot, "first_name": "Guest"},
        "text": text,
    }


async def _web_client(database: Database, clock: FakeClock) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("web", WEB_USER, locale="en", now=clock.now())
    return account.id


async def _save(database: Database, account_id: UUID, *messages: dict[str, Any], keep: int = 200) -> None:
    async with database.unit_of_work() as uow:
        await uow.webchat.save_messages(
            account_id,
            [WebChatMessage(message["message_id"], message) for message in messages],
            last_message_id=max(message["message_id"] for message in messages),
            keep=keep,
        )


async def test_the_history_is_stored_sealed_and_read_back_in_order(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    account_id = await _web_client(database, clock)
    await _save(database, account_id, _message(2, ANSWERED, from_bot=True), _message(1, SAID))
    async with database.unit_of_work() as uow:
        await uow.webchat.save_reply_keyboard(account_id, KEYBOARD)

    raw = await raw_contents()
    for plaintext in (SAID, ANSWERED, "Wang Jiahui", "+86 139 1234 5678", WEB_USER):
        assert plaintext.encode() not in raw
    async with database.unit_of_work(read_only=True) as uow:
        history = await uow.webchat.load(account_id)
    assert history is not None
    assert [(m.message_id, m.message["text"]) for m in history.messages] == [(1, SAID), (2, ANSWERED)]
    assert history.last_message_id == 2 and history.reply_keyboard == KEYBOARD


async def test_an_edit_replaces_the_message_and_a_deletion_removes_it(database: Database, clock: FakeClock) -> None:
    account_id = await _web_client(database, clock)
    await _save(database, account_id, _message(1, SAID), _message(2, "Pick a day", from_bot=True))
    await _save(database, account_id, _message(2, "You picked Saturday", from_bot=True))
    async with database.unit_of_work() as uow:
        await uow.webchat.delete_message(account_id, 1)
        await uow.webchat.save_reply_keyboard(account_id, None)
        history = await uow.webchat.load(account_id)
    assert history is not None
    assert [(m.message_id, m.message["text"]) for m in history.messages] == [(2, "You picked Saturday")]
    assert history.reply_keyboard is None


async def test_only_the_newest_messages_are_kept_and_ids_are_never_reused(database: Database, clock: FakeClock) -> None:
    account_id = await _web_client(database, clock)
    for message_id in range(1, 8):
        await _save(database, account_id, _message(message_id, f"line {message_id}"), keep=3)
    async with database.unit_of_work() as uow:
        await uow.webchat.delete_message(account_id, 7)
        history = await uow.webchat.load(account_id)
        assert await uow.session.scalar(select(func.count()).select_from(WebChatMessageRow)) == 2
    assert history is not None
    assert [m.message_id for m in history.messages] == [5, 6]
    assert history.last_message_id == 7  # the deleted newest message's id is still used up


async def test_a_ciphertext_moved_to_another_message_does_not_open(database: Database, clock: FakeClock) -> None:
    account_id = await _web_client(database, clock)
    await _save(database, account_id, _message(1, SAID), _message(2, ANSWERED, from_bot=True))
    async with database.unit_of_work() as uow:
        first = await uow.session.scalar(select(WebChatMessageRow.message).where(WebChatMessageRow.message_id == 1))
        await uow.session.execute(
            update(WebChatMessageRow).where(WebChatMessageRow.message_id == 2).values(message=first)
        )
    async with database.unit_of_work(read_only=True) as uow:
        with pytest.raises(CiphertextIntegrityError) as caught:
            await uow.webchat.load(account_id)
    assert (caught.value.table, caught.value.column) == ("webchat_messages", "message")


async def test_the_export_holds_the_history(database: Database, clock: FakeClock) -> None:
    account_id = await _web_client(database, clock)
    await _save(database, account_id, _message(1, SAID), _message(2, ANSWERED, from_bot=True))
    async with database.unit_of_work(read_only=True) as uow:
        export = await export_account(uow, account_id)
    web_chat = json.loads(json.dumps(export, ensure_ascii=False))["web_chat"]
    assert [item["message"]["text"] for item in web_chat["messages"]] == [SAID, ANSWERED]
    assert web_chat["last_message_id"] == 2


async def test_erasing_the_account_deletes_its_history(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    account_id = await _web_client(database, clock)
    other = await _web_client_numbered(database, clock, "281474976710600")
    await _save(database, account_id, _message(1, SAID))
    await _save(database, other, _message(1, "Someone else's words"))
    async with database.unit_of_work() as uow:
        await uow.webchat.save_reply_keyboard(account_id, KEYBOARD)
    async with database.unit_of_work() as uow:
        stolen = await uow.session.scalar(
            select(WebChatMessageRow.message).where(WebChatMessageRow.account_id == account_id)
        )
    assert stolen is not None and stolen in await raw_contents()

    async with database.unit_of_work() as uow:
        await shred_account(uow, account_id, clock.now())

    async with database.unit_of_work(read_only=True) as uow:
        for row in (WebChatMessageRow, WebChatRow):
            left = await uow.session.scalar(select(func.count()).select_from(row).where(row.account_id == account_id))
            assert left == 0, row.__tablename__
        assert await uow.webchat.load(account_id) is None
        kept = await uow.webchat.load(other)
    assert kept is not None and kept.messages[0].message["text"] == "Someone else's words"
    if database.dialect_name == "sqlite":
        assert stolen not in await raw_contents()


async def _web_client_numbered(database: Database, clock: FakeClock, external_id: str) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("web", external_id, locale="zh", now=clock.now())
    return account.id
