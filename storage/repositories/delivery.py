"""The outbox and the scheduled jobs: written in the caller's transaction, claimed by the leader.

Features call three functions inside their unit of work; nothing happens unless that unit of work commits:

    await enqueue(uow, ChatAddress.telegram(chat_id), OutboundMessage("..."), account_id=..., dedupe_key=...)
    await schedule(uow, "date.reminder", str(date_id), due_at)
    await cancel(uow, "date.reminder", str(date_id))

The delivery worker and the job runner (bot/delivery, bot/scheduling) use the repositories below. On
PostgreSQL, rows are claimed with `FOR UPDATE SKIP LOCKED` and only while the claimer still holds the leader's
advisory lock (`LeaderFence`); on SQLite every write transaction is serialised (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID, uuid4

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CursorResult,
    Insert,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.delivery import (
    ACTIVE_STATES,
    ChatAddress,
    Deliverable,
    DeliveryState,
    OutboundMessage,
    RecordedCall,
    deliverable_from_json,
)
from domain.retry import safe_reason
from domain.scheduling import JobState, validate_kind, validate_ref_id
from storage.errors import AccountDeletedError, CiphertextIntegrityError, DataKeyDestroyedError, DataKeyMissingError
from storage.models.accounts import AccountRow
from storage.models.delivery import OUTBOX_CHAT_INDEX, OUTBOX_DEDUPE_INDEX, OutboxMessageRow, ScheduledJobRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.session import account_alive

if TYPE_CHECKING:
    from storage.unit_of_work import UnitOfWork

FINAL_OUTBOX_STATES = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.CANCELLED)
FINAL_JOB_STATES = (JobState.DONE, JobState.MISSED, JobState.CANCELLED, JobState.FAILED)
UNREACHABLE_REASON = "recipient unreachable (blocked the bot)"
ENQUEUED = "yuelao.outbox.enqueued"  # session.info flag: this unit of work added outbox messages
PG_LOCKS = table(
    "pg_locks",
    column("locktype", String),
    column("classid", Integer),
    column("objid", Integer),
    column("objsubid", Integer),
    column("pid", Integer),
    column("granted", Boolean),
)


# --- what features call --------------------------------------------------------------------------------


async def enqueue(
    uow: UnitOfWork,
    chat: ChatAddress,
    message: OutboundMessage,
    *,
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
    account_id: UUID | None = None,
) -> int | None:
    """Queue `message` for `chat` in the caller's transaction; returns the outbox id.

    `account_id`: the recipient's account, if the recipient is one. Its data key seals the row, deleting the
    account deletes the row, and a 403 from Telegram marks it unreachable. Without it the system key seals.
    `dedupe_key`: the same key again is a no-op and returns None (kept as a blind index, never in clear;
    remembered while the first row is kept, see `OutboxRepository.purge`).
    `not_before`: do not send earlier than this (aware datetime).
    """
    return await OutboxRepository.of(uow).add(
        chat,
        message,
        now=uow.context.clock.now(),
        not_before=not_before,
        dedupe_key=dedupe_key,
        account_id=account_id,
    )


def enqueued_in(uow: UnitOfWork) -> bool:
    """Whether this unit of work queued outbox messages (after it commits: wake the delivery worker)."""
    return bool(uow.session.info.get(ENQUEUED))


async def schedule(uow: UnitOfWork, kind: str, ref_id: str, due_at: datetime) -> None:
    """Run the handler registered for `kind` with `ref_id` at `due_at`, in the caller's transaction.

    One timer per (kind, ref_id): scheduling again moves it (and re-arms a finished one). `ref_id` is an
    opaque id, never personal data.
    """
    await ScheduledJobsRepository(uow.session).upsert(kind, ref_id, due_at, now=uow.context.clock.now())


async def cancel(uow: UnitOfWork, kind: str, ref_id: str) -> bool:
    """Cancel a pending timer; False when there was none pending."""
    return await ScheduledJobsRepository(uow.session).cancel(kind, ref_id, now=uow.context.clock.now())


# --- records ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderFence:
    """Claims succeed only while PostgreSQL backend `pid` holds the session advisory lock `key`.

    A leader whose lock connection died (and so lost the lock) claims nothing more, even before it notices.
    """

    key: int
    pid: int

    def __post_init__(self) -> None:
        if not 0 < self.key < 2**31:
            raise ValueError("the lock key must be a positive 32-bit integer")

    def clause(self) -> ColumnElement[bool]:
        return exists().where(
            PG_LOCKS.c.locktype == "advisory",
            PG_LOCKS.c.classid == 0,
            PG_LOCKS.c.objid == self.key,
            PG_LOCKS.c.objsubid == 1,
            PG_LOCKS.c.pid == self.pid,
            PG_LOCKS.c.granted,
        )


class TakeOver(Enum):
    """What became of a reply queued behind an earlier one when its sender tried to take it back."""

    TAKEN = "taken"  # nothing earlier waits any more: it is the caller's to send now
    WAITING = "waiting"  # an earlier reply to the chat is being sent by another process
    WORKERS = "workers"  # the worker's: it claimed it, or an earlier reply waits for the worker (a retry)


@dataclass(frozen=True)
class ClaimedMessage:
    """An outbox row claimed for sending under `claim_token` until `lease_until`, decrypted."""

    id: int
    account_id: UUID | None
    chat: ChatAddress
    message: Deliverable
    attempts: int  # this attempt included
    failures: int  # consecutive transient failures before this attempt
    claim_token: str
    lease_until: datetime


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox row as staff see it in lists: its state and history, not its content."""

    id: int
    account_id: UUID | None
    channel: str
    state: DeliveryState
    attempts: int
    failures: int
    last_error: str | None
    not_before: datetime
    next_attempt_at: datetime
    created_at: datetime
    finished_at: datetime | None
    sent_message_id: int | None


@dataclass(frozen=True)
class OutboxContent:
    """An outbox row's address and content, decrypted (for exports and staff who need to read it)."""

    id: int
    state: DeliveryState
    chat: ChatAddress
    message: OutboundMessage
    created_at: datetime


@dataclass(frozen=True)
class ScheduledJob:
    id: UUID
    kind: str
    ref_id: str
    due_at: datetime
    next_attempt_at: datetime
    state: JobState
    attempts: int
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class _Sealed:
    """The sealed columns of an outbox row, opened (the record type of `OUTBOX`)."""

    uid: UUID
    chat: str
    content: Any


OUTBOX = RecordSpec(OutboxMessageRow, _Sealed, row_id="uid")


# --- the outbox ---------------------------------------------------------------------------------------


@cache
def _reply_insert(sealed_columns: tuple[str, ...]) -> Insert:
    """A reply's INSERT (see `OutboxRepository.add_reply`), built once: it asks whether an earlier reply to the
    chat still waits and starts the row `sending` (leased) or `pending` accordingly. Parameters: the sealed
    columns, uid, account_id, channel, now, token, lease_until and chat_key_index."""
    table = cast(Table, OutboxMessageRow.__table__)
    earlier = table.alias("earlier")
    token = bindparam("token", type_=table.c.claim_token.type)
    waiting = (
        exists()
        .where(
            earlier.c.chat_index == bindparam("chat_key_index", type_=table.c.chat_index.type),
            earlier.c.reply.is_(True),
            earlier.c.state.in_(ACTIVE_STATES),
            earlier.c.not_before <= bindparam("now", type_=table.c.not_before.type),
            or_(
                earlier.c.state != DeliveryState.SENDING,
                earlier.c.claim_token.is_(None),
                earlier.c.claim_token != token,
            ),
        )
        .correlate(None)
    )
    now = bindparam("now", type_=table.c.not_before.type)
    values: dict[str, Any] = {
        **{name: bindparam(name, type_=table.c[name].type) for name in ("uid", "account_id", "channel")},
        **{name: bindparam(name, type_=table.c[name].type) for name in sealed_columns},
        "reply": True,
        "state": case((waiting, DeliveryState.PENDING.value), else_=DeliveryState.SENDING.value),
        "not_before": now,
        "next_attempt_at": now,
        "created_at": now,
        "claim_token": case((waiting, null()), else_=token),
        "lease_until": case((waiting, null()), else_=bindparam("lease_until", type_=table.c.lease_until.type)),
        "attempts": case((waiting, 0), else_=1),
        "failures": 0,
    }
    # On the table, not the mapped class: the ORM's bulk-insert path would rebuild the statement's cache key on
    # every execution.
    return insert(table).values(values).returning(table.c.id, table.c.state)


class OutboxRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> OutboxRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def add(
        self,
        chat: ChatAddress,
        message: OutboundMessage,
        *,
        now: datetime,
        not_before: datetime | None = None,
        dedupe_key: str | None = None,
        account_id: UUID | None = None,
    ) -> int | None:
        if account_id is None:
            key = self._keys.system
            unreachable = False
        else:
            account = await self._session.get(AccountRow, account_id)
            usable = (
                None if account is None or account.deleted_at is not None else await self._keys.usable_key(account_id)
            )
            if usable is None:
                raise AccountDeletedError(account_id)
            assert account is not None
            key, unreachable = usable, account.unreachable
        uid = uuid4()
        start = not_before or now
        values: dict[str, Any] = {
            "uid": uid,
            "account_id": account_id,
            "channel": chat.channel.value,
            "state": DeliveryState.CANCELLED if unreachable else DeliveryState.PENDING,
            "not_before": start,
            "next_attempt_at": start,
            "attempts": 0,
            "failures": 0,
            "created_at": now,
            "finished_at": now if unreachable else None,
            "last_error": UNREACHABLE_REASON if unreachable else None,
            "dedupe_index": None if dedupe_key is None else self._crypto.blind_index(OUTBOX_DEDUPE_INDEX, dedupe_key),
            **OUTBOX.encode(self._crypto, key, uid, {"chat": chat.key, "content": message.to_json()}),
        }
        upsert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        statement = upsert(OutboxMessageRow).values(values)
        if dedupe_key is not None:
            statement = statement.on_conflict_do_nothing(index_elements=["dedupe_index"])
        message_id = cast(int | None, await self._session.scalar(statement.returning(OutboxMessageRow.id)))
        if message_id is not None and not unreachable:
            self._session.info[ENQUEUED] = True
        return message_id

    async def add_reply(
        self,
        chat: ChatAddress,
        call: RecordedCall,
        *,
        now: datetime,
        account_id: UUID | None,
        lease: tuple[str, datetime],
    ) -> tuple[int, bool]:
        """A reply decided in the caller's transaction (bot/replies.py), sealed like every row: its id, and
        whether it is leased to the caller.

        `lease` (claim token, lease end): unless an earlier reply to the chat is still due and unsent (a later
        reply must not overtake it), the row starts `sending`, claimed by the process that sends it right after
        the commit (attempt 1); the worker takes it only once the lease has run out. Otherwise it is `pending`
        for the worker. The INSERT asks that itself (one statement). Only replies count: a reply never waited
        for the outbox's own messages. Rows claimed with the caller's token (its own replies, sent and waiting to
        be deleted, or going out right now for another update, or this update's earlier ones) wait for nobody.
        The recipient's account seals it when it still has a usable key (else the system key); a reply goes out
        even to an account marked unreachable (the person just wrote to the bot).
        """
        key = self._keys.system
        if account_id is not None:
            gone = not await account_alive(self._session, account_id)
            usable = None if gone else await self._keys.usable_key(account_id)
            if usable is None:
                account_id = None
            else:
                key = usable
        token, lease_until = lease
        uid = uuid4()
        sealed = OUTBOX.encode(self._crypto, key, uid, {"chat": chat.key, "content": call.to_json()})
        parameters: dict[str, Any] = {
            "uid": uid,
            "account_id": account_id,
            "channel": chat.channel.value,
            "now": now,
            "token": token,
            "lease_until": lease_until,
            "chat_key_index": self._crypto.blind_index(OUTBOX_CHAT_INDEX, chat.key),
            **sealed,
        }
        statement = _reply_insert(tuple(sorted(sealed)))
        row = (await self._session.execute(statement, parameters)).one()
        leased = row.state == DeliveryState.SENDING
        if not leased:
            self._session.info[ENQUEUED] = True
        return cast(int, row.id), leased

    async def take_over_reply(self, message_id: int, token: str, *, now: datetime, lease_until: datetime) -> TakeOver:
        """Claim a reply that `add_reply` queued (`pending`) behind an earlier unsent reply to its chat, once no
        such reply is left (another instance's, sent since; see bot/replies.py): the process that made it
        sends it itself instead of leaving it to the worker's next look."""
        row, earlier = OutboxMessageRow, aliased(OutboxMessageRow)
        before = (
            earlier.chat_index == row.chat_index,
            earlier.id < row.id,
            earlier.reply.is_(True),
            earlier.not_before <= now,
        )
        not_ours = or_(
            earlier.state != DeliveryState.SENDING, earlier.claim_token.is_(None), earlier.claim_token != token
        )
        blocked = select(literal(1)).where(*before, earlier.state.in_(ACTIVE_STATES), not_ours).exists()
        taken = await self._session.scalar(
            update(row)
            .where(row.id == message_id, row.reply.is_(True), row.state == DeliveryState.PENDING, ~blocked)
            .values(state=DeliveryState.SENDING, claim_token=token, lease_until=lease_until, attempts=row.attempts + 1)
            .returning(row.id)
            .execution_options(synchronize_session=False)
        )
        if taken is not None:
            return TakeOver.TAKEN
        behind_a_retry = select(literal(1)).where(*before, earlier.state == DeliveryState.PENDING).exists()
        still_ours = await self._session.scalar(
            select(~behind_a_retry).where(row.id == message_id, row.state == DeliveryState.PENDING)
        )
        return TakeOver.WAITING if still_ours else TakeOver.WORKERS

    async def forget_sent_replies(self, message_ids: Sequence[int], token: str) -> int:
        """Replies sent right after their commit: their rows are deleted (a reply's row insures it until it is
        sent; keeping its content afterwards would only keep personal data longer)."""
        if not message_ids:
            return 0
        return await self._execute_dml(
            delete(OutboxMessageRow)
            .where(
                OutboxMessageRow.id.in_(list(message_ids)),
                OutboxMessageRow.claim_token == token,
                OutboxMessageRow.state == DeliveryState.SENDING,
            )
            .execution_options(synchronize_session=False)
        )

    async def claim(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        channels: Collection[str],
        token: str,
        fence: LeaderFence | None = None,
    ) -> list[ClaimedMessage]:
        """Claim up to `limit` messages that may be sent now, at most one per chat, oldest first.

        A message may be sent when it is pending and due (or its lease expired) and no earlier message of the
        same chat is still due and unfinished: a chat's messages go out in the order they were enqueued,
        each only after the one before it was sent or parked. Rows that cannot be opened are parked here.
        """
        if limit <= 0 or not channels:
            return []
        row = OutboxMessageRow.__table__
        earlier = aliased(OutboxMessageRow)
        blocked = (
            select(literal(1))
            .where(
                earlier.chat_index == OutboxMessageRow.chat_index,
                earlier.id < OutboxMessageRow.id,
                earlier.state.in_(ACTIVE_STATES),
                earlier.not_before <= now,
            )
            .exists()
        )
        ready = or_(
            and_(
                OutboxMessageRow.state == DeliveryState.PENDING,
                OutboxMessageRow.not_before <= now,
                OutboxMessageRow.next_attempt_at <= now,
            ),
            and_(OutboxMessageRow.state == DeliveryState.SENDING, OutboxMessageRow.lease_until <= now),
        )
        query = (
            select(OutboxMessageRow.id)
            .where(OutboxMessageRow.channel.in_(list(channels)), ready, ~blocked)
            .order_by(OutboxMessageRow.id)
            .limit(limit)
        )
        if fence is not None:
            query = query.where(fence.clause())
        if self._dialect_name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=row)
        ids = list((await self._session.scalars(query)).all())
        if not ids:
            return []
        lease_until = now + lease
        claimed = (
            await self._session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id.in_(ids))
                .values(
                    state=DeliveryState.SENDING,
                    claim_token=token,
                    lease_until=lease_until,
                    attempts=OutboxMessageRow.attempts + 1,
                )
                .returning(
                    OutboxMessageRow.id,
                    OutboxMessageRow.uid,
                    OutboxMessageRow.account_id,
                    OutboxMessageRow.chat,
                    OutboxMessageRow.content,
                    OutboxMessageRow.attempts,
                    OutboxMessageRow.failures,
                )
                .execution_options(synchronize_session=False)
            )
        ).all()
        await self._keys.preload({r.account_id for r in claimed if r.account_id is not None})
        messages: list[ClaimedMessage] = []
        for r in sorted(claimed, key=lambda r: r.id):
            try:
                key = self._keys.system if r.account_id is None else await self._keys.for_account(r.account_id)
                sealed = OUTBOX.decode(self._crypto, key, r)
                chat = ChatAddress.from_key(sealed.chat)
                message = deliverable_from_json(sealed.content)
            except (CiphertextIntegrityError, DataKeyDestroyedError, DataKeyMissingError, ValueError) as exc:
                await self.park(r.id, token, reason=f"unreadable: {type(exc).__name__}", now=now)
                continue
            messages.append(
                ClaimedMessage(r.id, r.account_id, chat, message, r.attempts, r.failures, token, lease_until)
            )
        return messages

    async def mark_sent(self, message_id: int, token: str, *, now: datetime, sent_message_id: int | None) -> bool:
        """Record a successful send; False when the claim was lost (the lease expired and it was re-claimed)."""
        return await self._finish_claim(
            message_id,
            token,
            state=DeliveryState.SENT,
            finished_at=now,
            sent_message_id=sent_message_id,
            failures=0,
            last_error=None,
        )

    async def schedule_retry(
        self, message_id: int, token: str, *, retry_at: datetime, reason: str, counts_as_failure: bool
    ) -> bool:
        failures: Any = OutboxMessageRow.failures + 1 if counts_as_failure else OutboxMessageRow.failures
        return await self._finish_claim(
            message_id,
            token,
            state=DeliveryState.PENDING,
            next_attempt_at=retry_at,
            failures=failures,
            last_error=safe_reason(reason),
        )

    async def park(self, message_id: int, token: str, *, reason: str, now: datetime) -> bool:
        """Failed for good: kept, with its reason, for staff (`failed`)."""
        return await self._finish_claim(
            message_id, token, state=DeliveryState.FAILED, finished_at=now, last_error=safe_reason(reason)
        )

    async def release(self, message_ids: Sequence[int], token: str) -> int:
        """Give back claimed messages that were not tried (a graceful stop): pending again, attempt uncounted."""
        if not message_ids:
            return 0
        return await self._execute_dml(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.id.in_(list(message_ids)),
                OutboxMessageRow.claim_token == token,
                OutboxMessageRow.state == DeliveryState.SENDING,
            )
            .values(
                state=DeliveryState.PENDING,
                claim_token=None,
                lease_until=None,
                attempts=OutboxMessageRow.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )

    async def renew(self, message_ids: Sequence[int], token: str, lease_until: datetime) -> list[int]:
        """Extend the leases of rows still claimed under `token` (a live claimer keeps its rows, see
        bot/delivery/leases.py); returns the ids renewed (the others are no longer the caller's)."""
        if not message_ids:
            return []
        renewed = await self._session.scalars(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.id.in_(list(message_ids)),
                OutboxMessageRow.claim_token == token,
                OutboxMessageRow.state == DeliveryState.SENDING,
            )
            .values(lease_until=lease_until)
            .returning(OutboxMessageRow.id)
            .execution_options(synchronize_session=False)
        )
        return list(renewed.all())

    async def cancel_chat_of(self, message_id: int, *, reason: str, now: datetime) -> int:
        """Cancel every pending message to the chat of `message_id` (its recipient blocked the bot)."""
        chat_index = select(OutboxMessageRow.chat_index).where(OutboxMessageRow.id == message_id).scalar_subquery()
        return await self._execute_dml(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.chat_index == chat_index,
                OutboxMessageRow.state == DeliveryState.PENDING,
            )
            .values(state=DeliveryState.CANCELLED, finished_at=now, last_error=safe_reason(reason))
            .execution_options(synchronize_session=False)
        )

    async def requeue(self, message_id: int, *, now: datetime) -> bool:
        """Staff: try a failed (parked) message again, now, with a fresh failure count."""
        return (
            await self._execute_dml(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message_id, OutboxMessageRow.state == DeliveryState.FAILED)
                .values(
                    state=DeliveryState.PENDING,
                    next_attempt_at=now,
                    failures=0,
                    finished_at=None,
                    last_error=None,
                )
                .execution_options(synchronize_session=False)
            )
            == 1
        )

    async def get(self, message_id: int) -> OutboxEntry | None:
        row = await self._session.scalar(select(OutboxMessageRow).where(OutboxMessageRow.id == message_id))
        return None if row is None else _entry(row)

    async def failed(self, *, limit: int = 50, before_id: int | None = None) -> list[OutboxEntry]:
        """Parked messages, newest first (page back with `before_id` = the smallest id seen): for staff."""
        query = select(OutboxMessageRow).where(OutboxMessageRow.state == DeliveryState.FAILED)
        if before_id is not None:
            query = query.where(OutboxMessageRow.id < before_id)
        rows = (await self._session.scalars(query.order_by(OutboxMessageRow.id.desc()).limit(limit))).all()
        return [_entry(row) for row in rows]

    async def entries(self, *, states: Collection[DeliveryState] | None = None) -> list[OutboxEntry]:
        """All rows (in the given states), oldest first: for tests and operations, not for large tables."""
        query = select(OutboxMessageRow)
        if states is not None:
            query = query.where(OutboxMessageRow.state.in_(list(states)))
        rows = (await self._session.scalars(query.order_by(OutboxMessageRow.id))).all()
        return [_entry(row) for row in rows]

    async def count_by_state(self) -> dict[DeliveryState, int]:
        rows = await self._session.execute(
            select(OutboxMessageRow.state, func.count()).group_by(OutboxMessageRow.state)
        )
        return {DeliveryState(state): count for state, count in rows}

    async def contents_for_account(self, account_id: UUID) -> list[OutboxContent]:
        """Every message features queued for this account, decrypted, oldest first (for tests and staff tools;
        replies kept for the worker, `RecordedCall`s, are left out: the person has them in their chat)."""
        rows = (
            await self._session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.account_id == account_id).order_by(OutboxMessageRow.id)
            )
        ).all()
        if not rows:
            return []
        key = await self._keys.for_account(account_id)
        contents: list[OutboxContent] = []
        for row in rows:
            sealed = OUTBOX.decode(self._crypto, key, row)
            message = deliverable_from_json(sealed.content)
            if not isinstance(message, OutboundMessage):
                continue
            contents.append(
                OutboxContent(
                    row.id,
                    DeliveryState(row.state),
                    ChatAddress.from_key(sealed.chat),
                    message,
                    row.created_at,
                )
            )
        return contents

    async def next_attempt_at(self, channels: Collection[str]) -> datetime | None:
        """When the earliest pending message becomes due (its next attempt is never before `not_before`)."""
        value: datetime | None = await self._session.scalar(
            select(func.min(OutboxMessageRow.next_attempt_at)).where(
                OutboxMessageRow.state == DeliveryState.PENDING, OutboxMessageRow.channel.in_(list(channels))
            )
        )
        return value

    async def purge(self, *, finished_before: datetime) -> int:
        """Delete messages finished (sent, parked or cancelled) before the given time: they hold personal data.

        A dedupe key is remembered only as long as its row is kept.
        """
        return await self._execute_dml(
            delete(OutboxMessageRow).where(
                OutboxMessageRow.state.in_(FINAL_OUTBOX_STATES), OutboxMessageRow.finished_at < finished_before
            )
        )

    async def _finish_claim(self, message_id: int, token: str, **values: Any) -> bool:
        values.setdefault("claim_token", None)
        values.setdefault("lease_until", None)
        touched = await self._execute_dml(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.id == message_id,
                OutboxMessageRow.claim_token == token,
                OutboxMessageRow.state == DeliveryState.SENDING,
            )
            .values(values)
            .execution_options(synchronize_session=False)
        )
        return touched == 1


def _entry(row: OutboxMessageRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        account_id=row.account_id,
        channel=row.channel,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        failures=row.failures,
        last_error=row.last_error,
        not_before=row.not_before,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        finished_at=row.finished_at,
        sent_message_id=row.sent_message_id,
    )


# --- scheduled jobs -------------------------------------------------------------------------------------


class ScheduledJobsRepository:
    """Scheduled jobs hold no personal data, so this repository needs only the session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect_name(self) -> str:
        return self._session.get_bind().dialect.name

    async def upsert(self, kind: str, ref_id: str, due_at: datetime, *, now: datetime) -> None:
        validate_kind(kind)
        validate_ref_id(ref_id)
        upsert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        statement = upsert(ScheduledJobRow).values(
            id=uuid4(),
            kind=kind,
            ref_id=ref_id,
            due_at=due_at,
            next_attempt_at=due_at,
            state=JobState.PENDING,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["kind", "ref_id"],
                set_={
                    "due_at": statement.excluded.due_at,
                    "next_attempt_at": statement.excluded.due_at,
                    "state": JobState.PENDING.value,
                    "attempts": 0,
                    "last_error": None,
                    "updated_at": statement.excluded.updated_at,
                    "finished_at": None,
                },
            )
        )

    async def cancel(self, kind: str, ref_id: str, *, now: datetime) -> bool:
        touched = await self._dml(
            update(ScheduledJobRow)
            .where(
                ScheduledJobRow.kind == kind,
                ScheduledJobRow.ref_id == ref_id,
                ScheduledJobRow.state == JobState.PENDING,
            )
            .values(state=JobState.CANCELLED, updated_at=now, finished_at=now)
        )
        return touched == 1

    async def get(self, kind: str, ref_id: str) -> ScheduledJob | None:
        row = await self._session.scalar(
            select(ScheduledJobRow).where(ScheduledJobRow.kind == kind, ScheduledJobRow.ref_id == ref_id)
        )
        return None if row is None else _job(row)

    async def claim_next_due(self, *, now: datetime, fence: LeaderFence | None = None) -> ScheduledJob | None:
        """The earliest due pending job, locked for this transaction (skipped by other claimers on PostgreSQL)."""
        query = (
            select(ScheduledJobRow)
            .where(ScheduledJobRow.state == JobState.PENDING, ScheduledJobRow.next_attempt_at <= now)
            .order_by(ScheduledJobRow.next_attempt_at, ScheduledJobRow.id)
            .limit(1)
        )
        if fence is not None:
            query = query.where(fence.clause())
        if self._dialect_name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = await self._session.scalar(query)
        return None if row is None else _job(row)

    async def finish(self, job_id: UUID, state: JobState, *, now: datetime, reason: str | None = None) -> None:
        await self._dml(
            update(ScheduledJobRow)
            .where(ScheduledJobRow.id == job_id)
            .values(
                state=state,
                attempts=ScheduledJobRow.attempts + (0 if state is JobState.MISSED else 1),
                last_error=None if reason is None else safe_reason(reason),
                updated_at=now,
                finished_at=now,
            )
        )

    async def retry_later(self, job_id: UUID, *, retry_at: datetime, reason: str, now: datetime) -> None:
        await self._dml(
            update(ScheduledJobRow)
            .where(ScheduledJobRow.id == job_id)
            .values(
                attempts=ScheduledJobRow.attempts + 1,
                next_attempt_at=retry_at,
                last_error=safe_reason(reason),
                updated_at=now,
            )
        )

    async def next_due_at(self) -> datetime | None:
        value: datetime | None = await self._session.scalar(
            select(func.min(ScheduledJobRow.next_attempt_at)).where(ScheduledJobRow.state == JobState.PENDING)
        )
        return value

    async def jobs(self, *, states: Collection[JobState] | None = None, limit: int = 100) -> list[ScheduledJob]:
        query = select(ScheduledJobRow)
        if states is not None:
            query = query.where(ScheduledJobRow.state.in_(list(states)))
        rows = (
            await self._session.scalars(
                query.order_by(ScheduledJobRow.next_attempt_at, ScheduledJobRow.id).limit(limit)
            )
        ).all()
        return [_job(row) for row in rows]

    async def failed(self, *, limit: int = 50) -> list[ScheduledJob]:
        """Jobs whose handler kept failing or that have no handler: for staff."""
        return await self.jobs(states=[JobState.FAILED], limit=limit)

    async def purge(self, *, finished_before: datetime) -> int:
        return await self._dml(
            delete(ScheduledJobRow).where(
                ScheduledJobRow.state.in_(FINAL_JOB_STATES), ScheduledJobRow.finished_at < finished_before
            )
        )

    async def _dml(self, statement: Any) -> int:
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return result.rowcount


def _job(row: ScheduledJobRow) -> ScheduledJob:
    return ScheduledJob(
        id=row.id,
        kind=row.kind,
        ref_id=row.ref_id,
        due_at=row.due_at,
        next_attempt_at=row.next_attempt_at,
        state=JobState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )
