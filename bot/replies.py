"""Replies after commit: no database transaction is open while the bot talks to the Bot API.

While an update is handled, the Bot's calls are kept in order (`ReplyBuffer`, a Bot session middleware,
active through a ContextVar that `RepliesAfterCommit` sets per update); the handler gets the result Telegram
would give (a Message with a provisional, negative message_id; True), built locally. Read-only calls
(`get*`, e.g. getFile for a download) are let through: their answer is needed now and they change nothing.

Just before the commit (`RepliesToOutbox`, inside the unit of work) every sendMessage/sendPhoto/sendDocument
becomes an outbox row in the same transaction, sealed like every row and claimed by this process (`sending`,
its claim token, a lease), so the worker leaves it alone while we send it. A chat that still has earlier
replies waiting in the outbox (another instance's, for the person's previous update; one that failed
earlier) gets its rows `pending` instead: after the commit we wait up to `WAIT_FOR_EARLIER` for those to go
and then send ours ourselves, in order (`OutboxRepository.take_over_reply`); else the worker sends them
after those.
Edits, callback answers and chat actions get no row: replayed after a crash they would be too late.

After the commit (`RepliesAfterCommit`, outside the unit of work) the calls go out in order, each through the
bot's rate limiter (`ChatRateLimiter.acquire`, shared with the outbox worker). A row sent only insured the
reply: it is deleted by the next update's transaction, with that update's own work (`SentReplies`; under load
no transaction of its own), or after `FORGET_AFTER` by a transaction of its own when no update comes. A crash
before that lets the worker send it again once its lease ran out. A row whose send failed (timeout, network,
5xx, 429, 403) is recorded exactly as the worker records it (`OutcomeRecorder`: retry later honouring
retry_after, parked, or unreachable) and the chat's later rows of the update are given to the worker, so
nothing overtakes it.
While the process lives it renews the leases of the rows it holds (sent and not deleted yet, or waiting for
their chat's turn in the limiter; bot/delivery/leases.py), so no worker takes them over however long that
takes. If the process dies, the lease runs out and the worker sends what is left (at least once, like every
outbox message). If the handler raised, nothing kept is sent; the error handler, which runs after this
middleware, sends directly.

See docs/delivery.md, "Replies after commit".
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast
from uuid import UUID

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, User
from sqlalchemy.exc import SQLAlchemyError

from bot.acknowledge import committed
from bot.api_results import build_result
from bot.delivery.leases import HeldLeases
from bot.delivery.limiter import ChatRateLimiter, is_counted, outbox_request
from bot.delivery.sender import classify
from bot.delivery.worker import LEASE_MARGIN, OutcomeRecorder
from domain.clock import Clock
from domain.delivery import ChatAddress, RecordedCall
from domain.identity import Channel
from domain.retry import FailureKind, RetryPolicy
from handlers.services.operations import UnreachableCallback
from handlers.views.outbound import recorded_call
from storage.database import Database
from storage.errors import StorageError
from storage.repositories.delivery import ClaimedMessage, OutboxRepository, TakeOver
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.methods import Response

log = logging.getLogger("yuelao.replies")

REPLY_LEASE = timedelta(minutes=2)  # how long the worker leaves a reply's row to us (the worker's lease)
REQUEST_TIMEOUT = 30  # seconds for one Bot API call after the commit
FORGET_AFTER = 0.05  # seconds a sent reply's row waits for the next update's transaction before its own
WAIT_FOR_EARLIER = 5.0  # seconds a reply queued behind an earlier one waits to be sent by us before the worker's
EARLIER_POLLS = (0.05, 0.1, 0.2, 0.4)  # seconds between looks whether the earlier reply went (then every 0.4 s)
FORGET_AGAIN_AFTER = 5.0  # seconds before deleting sent replies' rows again after a failure (their leases are kept)
READ_ONLY_PREFIX = "Get"  # GetFile, GetMe, GetChat...: answered now, nothing to keep for later


class _Wakeable(Protocol):
    def wake(self) -> None: ...


@dataclass
class _Kept:
    """One call the handler made, and the outbox row that insures it (sends only)."""

    method: TelegramMethod[Any]
    row_id: int | None = None
    leased: bool = False  # the row is ours to send now; else the worker's (an earlier reply is waiting)
    chat: ChatAddress | None = None
    call: RecordedCall | None = None
    lease_until: datetime | None = None
    account_id: UUID | None = None


@dataclass
class UpdateReplies:
    """The calls of one update, in the order the handler made them."""

    channel: str
    buffer: ReplyBuffer
    kept: list[_Kept] = field(default_factory=list)
    open: bool = True
    forgetting: list[int] = field(default_factory=list)  # earlier replies' rows this update's transaction deletes

    async def insure(self, uow: UnitOfWork) -> None:
        """In the update's transaction: an outbox row for every send that must not be lost."""
        outbox = OutboxRepository.of(uow)
        now = uow.context.clock.now()
        accounts: dict[ChatAddress, UUID | None] = {}
        for kept in self.kept:
            chat = self._address(kept.method)
            call = None if chat is None else recorded_call(kept.method)
            if chat is None or call is None:
                continue
            if chat not in accounts:
                accounts[chat] = await uow.accounts.id_of_external(chat.channel.value, str(chat.chat_id))
            kept.account_id = accounts[chat]
            kept.lease_until = now + self.buffer.leases.lease
            kept.chat, kept.call = chat, call
            kept.row_id, kept.leased = await outbox.add_reply(
                chat, call, now=now, account_id=kept.account_id, lease=(self.buffer.token, kept.lease_until)
            )

    def committed(self) -> None:
        """The update's transaction committed: its rows to send now are held (renewed) until they are sent and
        deleted, and the earlier replies' rows it deleted are let go."""
        leases = self.buffer.leases
        leases.drop(self.forgetting)
        for kept in self.kept:
            if kept.row_id is not None and kept.leased and kept.lease_until is not None:
                leases.hold([kept.row_id], kept.lease_until)

    def _address(self, method: TelegramMethod[Any]) -> ChatAddress | None:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id == 0:
            return None
        try:
            return ChatAddress(Channel(self.channel), chat_id)
        except ValueError:
            return None


class SentReplies:
    """Rows of replies sent after their commit, still to delete (see the module): taken by the next update's
    transaction, or by a transaction of their own once `FORGET_AFTER` passed without one."""

    def __init__(self, leases: HeldLeases) -> None:
        self._leases = leases
        self._token = leases.token
        self._waiting: list[int] = []
        self._database: Database | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    def add(self, row_ids: Iterable[int], database: Database, *, after: float = FORGET_AFTER) -> None:
        self._waiting.extend(row_ids)
        self._database = database
        if self._waiting and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(after, self._flush_soon)

    def take(self) -> list[int]:
        """The rows to delete in the caller's transaction; `give_back` them if it does not commit."""
        taken, self._waiting = self._waiting, []
        return taken

    def give_back(self, row_ids: list[int]) -> None:
        if row_ids and self._database is not None:
            self.add(row_ids, self._database)

    def _flush_soon(self) -> None:
        self._timer = None
        if self._waiting:
            task = asyncio.create_task(self._delete_waiting(), name="yuelao-forget-sent-replies")
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)

    async def flush(self) -> None:
        """Delete the waiting rows now, in a transaction of their own, after any such deletion under way (a
        graceful stop; before the database closes)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._flushing:
            await asyncio.gather(*self._flushing, return_exceptions=True)
        await self._delete_waiting()

    async def _delete_waiting(self) -> None:
        taken, database = self.take(), self._database
        if not taken or database is None:
            return
        try:
            async with database.unit_of_work() as uow:
                await OutboxRepository.of(uow).forget_sent_replies(taken, self._token)
            self._leases.drop(taken)
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.warning(
                "%d replies sent, but deleting their rows failed (%s); tried again later",
                len(taken),
                type(exc).__name__,
            )
            self.add(taken, database, after=FORGET_AGAIN_AFTER)


class ReplyBuffer(BaseRequestMiddleware):
    """Bot session middleware: during an update, keeps the calls for after the commit (see the module)."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex  # claims this process's reply rows
        self.limiter: ChatRateLimiter | None = None  # the outbox's, once the Background started
        self.policy = RetryPolicy()
        self.on_unreachable: UnreachableCallback | None = None
        self.leases = HeldLeases(self.token, REPLY_LEASE)  # the rows of replies not sent or not deleted yet
        self.sent = SentReplies(self.leases)
        self._provisional = itertools.count(-1, -1)

    def __call__(  # not async: a call let through is awaited by the caller, with no frame of ours around it
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Coroutine[Any, Any, Response[TelegramType]]:
        replies = _current.get()
        if replies is None or not replies.open or type(method).__name__.startswith(READ_ONLY_PREFIX):
            return make_request(bot, method)
        bot_user = User(id=bot.id, is_bot=True, first_name="bot")
        try:
            result = build_result(method, message_id=next(self._provisional), bot_user=bot_user, now=datetime.now(UTC))
        except LookupError:  # no method of this kind is used by a handler today
            log.warning("%s has no provisional result: made during the update", type(method).__name__)
            return make_request(bot, method)
        replies.kept.append(_Kept(method))
        return _provisional(cast("Response[TelegramType]", result))


async def _provisional(result: Response[TelegramType]) -> Response[TelegramType]:
    return result


_current: ContextVar[UpdateReplies | None] = ContextVar("yuelao_replies", default=None)


def install(bot: Bot) -> ReplyBuffer:
    """Make `bot` keep its calls during updates (idempotent); returns its buffer."""
    buffer = _buffer_of(bot)
    if buffer is None:
        buffer = ReplyBuffer()
        bot.session.middleware(buffer)
    return buffer


def configure(
    bot: Bot,
    *,
    limiter: ChatRateLimiter | None,
    policy: RetryPolicy | None = None,
    on_unreachable: UnreachableCallback | None = None,
    lease: timedelta = REPLY_LEASE,
) -> bool:
    """Share the outbox's limiter, retry policy and 403 hook with `bot`'s replies (the Background does this);
    True when the buffer was installed here (the caller takes it off again with `uninstall`)."""
    installed = _buffer_of(bot) is None
    buffer = install(bot)
    buffer.limiter = limiter
    buffer.policy = policy or RetryPolicy()
    buffer.on_unreachable = on_unreachable
    buffer.leases.lease = lease
    return installed


async def keep_leases(bot: Bot, database: Database, clock: Clock, stop: asyncio.Event) -> None:
    """Renew the leases of `bot`'s reply rows until `stop` is set (the Background runs this on every
    instance, leader or not)."""
    buffer = _buffer_of(bot)
    if buffer is not None:
        await buffer.leases.keep(database, clock, stop)


async def flush_sent(bot: Bot) -> None:
    """Delete the rows of `bot`'s replies sent so far now (a graceful stop)."""
    buffer = _buffer_of(bot)
    if buffer is not None:
        await buffer.sent.flush()


def uninstall(bot: Bot) -> None:
    buffer = _buffer_of(bot)
    if buffer is not None:
        bot.session.middleware.unregister(buffer)


def _buffer_of(bot: Bot) -> ReplyBuffer | None:
    return next((m for m in bot.session.middleware if isinstance(m, ReplyBuffer)), None)


class RepliesAfterCommit(BaseMiddleware):
    """Outer middleware around the unit of work: keeps the update's calls, sends them once it committed."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot = data.get("bot")
        if not isinstance(bot, Bot):
            return await handler(event, data)
        replies = UpdateReplies(str(data.get("channel", Channel.TELEGRAM.value)), install(bot))
        current = _current.set(replies)
        paced = outbox_request.set(True)  # the limiter counts them when they are sent, not when kept
        try:
            result = await handler(event, data)
        except BaseException:  # nothing kept is sent (its rows were rolled back with it), nothing was deleted
            replies.buffer.sent.give_back(replies.forgetting)
            raise
        finally:
            replies.open = False
            outbox_request.reset(paced)
            _current.reset(current)
        replies.committed()
        await committed()  # the receiver may acknowledge the update to Telegram: nothing below can lose it
        try:
            await _Sending(self._database, bot, replies).run()
        except Exception as exc:  # committed: the update is done; what was not sent is the worker's (leases)
            log.error("sending an update's replies after its commit failed (%s)", type(exc).__name__)
        background = data.get("background")
        if any(kept.row_id is not None for kept in replies.kept) and background is not None:
            cast(_Wakeable, background).wake()
        return result


class RepliesToOutbox(BaseMiddleware):
    """Outer middleware inside the unit of work: just before the commit, the update's sends become rows."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        result = await handler(event, data)
        replies, uow = _current.get(), data.get("uow")
        if replies is None or not isinstance(uow, UnitOfWork):
            return result
        replies.forgetting = replies.buffer.sent.take()
        if replies.forgetting:  # earlier updates' replies sent since: their rows go with this transaction
            await OutboxRepository.of(uow).forget_sent_replies(replies.forgetting, replies.buffer.token)
        if replies.kept:
            await replies.insure(uow)
        return result


class _Sending:
    """One update's kept calls, sent after its commit."""

    def __init__(self, database: Database, bot: Bot, replies: UpdateReplies) -> None:
        self._database = database
        self._bot = bot
        self._replies = replies
        buffer = replies.buffer
        self._limiter = buffer.limiter
        self._token = buffer.token
        self._clock = database.context.clock
        self._outcomes = OutcomeRecorder(
            database, self._clock, policy=buffer.policy, on_unreachable=buffer.on_unreachable
        )
        self._position = 0
        self._held: set[ChatAddress] = set()  # chats whose reply failed: the rest of theirs goes to the worker

    async def run(self) -> None:
        for position, kept in enumerate(self._replies.kept):
            if kept.row_id is not None and kept.chat in self._held:
                continue  # the worker's: after the failed one, or after an earlier reply that did not go
            if kept.row_id is not None and not kept.leased and not await self._take_over(kept):
                assert kept.chat is not None
                self._held.add(kept.chat)
                continue
            self._position = position
            await self._send(kept)

    async def _take_over(self, kept: _Kept) -> bool:
        """A reply queued behind an earlier unsent reply to its chat (typically another instance's, for the
        person's previous update, still waiting for its turn): wait a little for that one to go, then send
        this one ourselves, in order, instead of leaving it to the worker's next look. False when it stays
        the worker's: the earlier one is still being sent after `WAIT_FOR_EARLIER`, it waits for the worker
        itself (a retry), or the worker took this one."""
        assert kept.row_id is not None
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + WAIT_FOR_EARLIER
        polls = iter(EARLIER_POLLS)
        leases = self._replies.buffer.leases
        while True:
            lease_until = self._clock.now() + leases.lease
            try:
                async with self._database.unit_of_work() as uow:
                    outcome = await OutboxRepository.of(uow).take_over_reply(
                        kept.row_id, self._token, now=self._clock.now(), lease_until=lease_until
                    )
            except (SQLAlchemyError, OSError, StorageError) as exc:
                log.warning("reply %d left to the worker (%s)", kept.row_id, type(exc).__name__)
                return False
            if outcome is TakeOver.TAKEN:
                kept.leased, kept.lease_until = True, lease_until
                leases.hold([kept.row_id], lease_until)
                return True
            if outcome is TakeOver.WORKERS or loop.time() >= give_up_at:
                return False
            await asyncio.sleep(next(polls, EARLIER_POLLS[-1]))

    async def _hold(self, chat: ChatAddress, *, from_here: bool) -> None:
        """Give the chat's rows of this update not tried yet (and this one, `from_here`) to the worker now:
        they must not overtake a reply that failed or ran out of time."""
        self._held.add(chat)
        start = self._position if from_here else self._position + 1
        rest = [
            kept.row_id
            for kept in self._replies.kept[start:]
            if kept.row_id is not None and kept.leased and kept.chat == chat
        ]
        if not rest:
            return
        try:
            async with self._database.unit_of_work() as uow:
                await OutboxRepository.of(uow).release(rest, self._token)
            self._replies.buffer.leases.drop(rest)
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.warning(
                "could not give %d replies to the worker (%s); their leases will run out", len(rest), type(exc).__name__
            )

    async def _send(self, kept: _Kept) -> None:
        limiter = self._limiter
        chat_id = getattr(kept.method, "chat_id", None)
        paced = limiter is not None and isinstance(chat_id, int) and is_counted(kept.method)
        marker = outbox_request.set(True)
        try:
            if paced:
                assert limiter is not None and isinstance(chat_id, int)
                await limiter.acquire(chat_id)
            if (
                kept.chat is not None
                and kept.row_id is not None
                and kept.lease_until is not None
                and (
                    self._clock.now() >= self._replies.buffer.leases.until(kept.row_id, kept.lease_until) - LEASE_MARGIN
                )
            ):  # its lease is nearly over (not renewed: the database was out of reach): the worker's now
                log.warning("reply %s waited until its lease nearly ran out; left to the worker", kept.row_id)
                await self._hold(kept.chat, from_here=True)
                return
            await self._bot(kept.method, request_timeout=REQUEST_TIMEOUT)
        except asyncio.CancelledError:
            raise  # stopping: a row's lease runs out and the worker sends it
        except Exception as error:  # every failure is classified; a row's is recorded like the worker's
            await self._failed(kept, error)
            return
        finally:
            outbox_request.reset(marker)
            if paced:
                assert limiter is not None and isinstance(chat_id, int)
                limiter.done(chat_id)
        if kept.row_id is not None:
            self._replies.buffer.sent.add([kept.row_id], self._database)

    async def _failed(self, kept: _Kept, error: Exception) -> None:
        failure = classify(error)
        name = type(kept.method).__name__
        if kept.row_id is None or kept.chat is None or kept.call is None or kept.lease_until is None:
            if failure.kind is FailureKind.RATE_LIMITED and failure.retry_after is not None and self._limiter:
                self._limiter.pause(failure.retry_after)
            log.info("%s after commit not sent: %s", name, failure.reason)
            return
        log.warning(
            "reply %d (%s) not sent after commit: %s; left to the delivery worker", kept.row_id, name, failure.reason
        )
        await self._hold(kept.chat, from_here=False)
        claimed = ClaimedMessage(
            kept.row_id, kept.account_id, kept.chat, kept.call, 1, 0, self._token, kept.lease_until
        )
        await self._outcomes.failure(claimed, failure, self._limiter)
        self._replies.buffer.leases.drop([kept.row_id])
