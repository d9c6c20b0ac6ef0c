"""Replies after commit through the real Dispatcher: a handler's calls reach the Bot API only once the update's
transaction committed; a handler that fails sends nothing it had prepared; the order of the calls is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Message
from sqlalchemy import text

from bot import replies
from domain.delivery import DeliveryState
from storage.database import Database
from storage.repositories.delivery import OutboxEntry, OutboxRepository
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession, make_bot


class CommitCheckingSession(RecordingSession):
    """Records, for every call, whether a unit of work was open in the caller and whether the person's account
    was already visible to another connection."""

    def __init__(self, database: Database, base: RecordingSession) -> None:
        super().__init__(base.clock)
        self.database = database
        self.seen: list[tuple[str, bool, bool]] = []  # (method, a unit of work open, the account visible)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        in_transaction = self.database.current_unit_of_work() is not None
        async with self.database.session_scope(read_only=True) as other:  # a connection of its own
            visible = bool(await other.scalar(text("SELECT count(*) FROM accounts WHERE deleted_at IS NULL")))
        self.seen.append((type(method).__name__, in_transaction, visible))
        return await super().make_request(bot, method, timeout)


async def test_a_reply_is_sent_after_its_update_committed(
    dp: Dispatcher, app_database: Database, session: RecordingSession, error_log: ErrorLogCapture
) -> None:
    checking = CommitCheckingSession(app_database, session)
    bot = make_bot(checking)
    user = BotClient(dp, bot, checking, log_capture=error_log)
    await user.send("/start")
    assert checking.seen == [("SendMessage", False, False)]  # nobody has an account before consent

    calls = await user.click("I agree, let's begin")  # the update that creates the account

    assert calls and all(not open_ for _, open_, _ in checking.seen)
    replies_after_consent = checking.seen[1:]
    assert [name for name, _, _ in replies_after_consent] == [type(c).__name__ for c in calls]
    assert all(visible for _, _, visible in replies_after_consent)  # committed before the first call
    await bot.session.close()


async def test_a_failing_handler_sends_nothing_it_prepared_and_the_apology_goes_out(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    make_user: Callable[..., BotClient],
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    async def prepares_then_fails(message: Message) -> None:
        await message.answer("prepared but never sent")
        raise RuntimeError("the handler failed after answering")

    dp.message.register(prepares_then_fails, Command("boom"))
    user = make_user()
    error_log.expected = 1

    calls = await user.send("/boom")

    assert [type(c) for c in calls] == [SendMessage]
    assert isinstance(calls[0], SendMessage) and calls[0].text.startswith("Sorry, something went wrong")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await OutboxRepository.of(uow).entries() == []  # the prepared reply's row was rolled back


async def test_the_calls_of_one_update_keep_their_order_and_their_rows_go_with_the_next_transaction(
    dp: Dispatcher, make_user: Callable[..., BotClient], app_database: Database
) -> None:
    async def three_calls(message: Message) -> None:
        assert message.bot is not None
        first = await message.answer("one")
        assert first.message_id < 0  # provisional: the real one comes after the commit
        await message.bot.edit_message_text("one, edited", chat_id=message.chat.id, message_id=first.message_id)
        await message.answer("two")

    dp.message.register(three_calls, Command("three"))
    user = make_user()

    calls = await user.send("/three")

    assert [(type(c).__name__, getattr(c, "text", None)) for c in calls] == [
        ("SendMessage", "one"),
        ("EditMessageText", "one, edited"),
        ("SendMessage", "two"),
    ]
    first_rows = await rows_of(app_database)
    assert [(r.state, r.attempts) for r in first_rows] == [(DeliveryState.SENDING, 1)] * 2  # sent, not yet forgotten

    await user.send("/three")  # the next update's transaction deletes them with its own work

    assert len(await rows_of(app_database)) == 2  # the second update's two; the first's are gone
    await replies.flush_sent(user.bot)  # what a graceful stop (or FORGET_AFTER without an update) does
    assert await rows_of(app_database) == []


async def rows_of(database: Database) -> list[OutboxEntry]:
    async with database.unit_of_work(read_only=True) as uow:
        return await OutboxRepository.of(uow).entries()


async def test_a_button_is_answered_once_and_edited_after_commit(user: BotClient) -> None:
    await user.send("/start")

    calls = await user.click("简体中文")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText]
    assert user.last_text().startswith("欢迎来到<b>月老</b>")


async def test_a_reply_sent_whose_row_is_not_deleted_yet_does_not_hold_up_the_next_one(
    dp: Dispatcher, make_user: Callable[..., BotClient], app_database: Database
) -> None:
    async def one(message: Message) -> None:
        await message.answer("one")

    dp.message.register(one, Command("one"))
    user = make_user()
    await user.send("/one")
    in_flight = replies.install(user.bot).sent.take()  # as if a transaction of their own were deleting them
    assert len(in_flight) == 1

    calls = await user.send("/one")

    assert [c.text for c in calls if isinstance(c, SendMessage)] == ["one"]  # sent now, not left to the worker
    assert [(r.state, r.attempts) for r in await rows_of(app_database)] == [(DeliveryState.SENDING, 1)] * 2
