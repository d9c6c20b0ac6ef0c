"""The ORM session class of every unit of work, and what one transaction remembers.

SQLAlchemy's identity map holds rows weakly: a repository that loads a row, turns it into a frozen record and
drops it makes the next `session.get` of the same row (e.g. `profiles.update` right after `profiles.get`)
query the database again. A unit of work is one short transaction, so its session keeps a strong reference
to every row it loaded or added (SQLAlchemy's "strong reference session" recipe) and `session.get` finds them
in memory. Nothing outlives the session; other transactions are not affected.

`TransactionCache` is what the repositories remember for the length of a transaction, so that a row read once
is not read again (see `storage.fsm` and `storage.repositories.profiles`). There is one per session, made on
first use (`transaction_cache`), and any rollback (a savepoint's too) empties it: what it held may no longer
be what the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from sqlalchemy import Row, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from storage.models.accounts import AccountRow

if TYPE_CHECKING:
    from storage.repositories.profiles import PrefixedRow

STRONG_REFERENCES = "yuelao.rows"
TRANSACTION_CACHE = "yuelao.transaction_cache"

# A client_profiles row as a query returned it: all its columns, read as attributes.
ProfileRow: TypeAlias = "Row[Any] | PrefixedRow"
# An FSM row's sealed columns known in this transaction, by column name (a column missing: not read yet).
SealedRow: TypeAlias = dict[str, bytes | None]


@dataclass
class TransactionCache:
    """Rows this transaction read or wrote, by key; None: known to be absent."""

    profile_rows: dict[UUID, ProfileRow | None] = field(default_factory=dict)  # by account id
    fsm_rows: dict[bytes, SealedRow | None] = field(default_factory=dict)  # by FSM key index
    live_accounts: set[UUID] = field(default_factory=set)  # read as not deleted (shredding takes one out)

    def clear(self) -> None:
        self.profile_rows.clear()
        self.fsm_rows.clear()
        self.live_accounts.clear()


async def account_alive(session: AsyncSession, account_id: UUID) -> bool | None:
    """True when the account exists and is not deleted, False when deleted, None when there is no such account;
    no statement when this transaction already saw it alive (the update's principal lookup)."""
    if account_id in transaction_cache(session).live_accounts:
        return True
    row = await session.get(AccountRow, account_id)
    return None if row is None else row.deleted_at is None


def transaction_cache(session: Session | AsyncSession) -> TransactionCache:
    """The cache of the session's transaction."""
    cache = session.info.get(TRANSACTION_CACHE)
    if cache is None:
        cache = session.info[TRANSACTION_CACHE] = TransactionCache()
    assert isinstance(cache, TransactionCache)
    return cache


class UnitSession(Session):
    """A Session that keeps strong references to its persistent rows (see the module notes)."""


@event.listens_for(UnitSession, "pending_to_persistent")
@event.listens_for(UnitSession, "deleted_to_persistent")
@event.listens_for(UnitSession, "detached_to_persistent")
@event.listens_for(UnitSession, "loaded_as_persistent")
def _keep(session: Session, instance: Any) -> None:
    references = session.info.get(STRONG_REFERENCES)
    if references is None:
        references = session.info[STRONG_REFERENCES] = set()
    references.add(instance)


@event.listens_for(UnitSession, "persistent_to_detached")
@event.listens_for(UnitSession, "persistent_to_deleted")
@event.listens_for(UnitSession, "persistent_to_transient")
def _release(session: Session, instance: Any) -> None:
    references = session.info.get(STRONG_REFERENCES)
    if references is not None:
        references.discard(instance)


@event.listens_for(UnitSession, "after_soft_rollback")
def _forget_transaction_cache(session: Session, _previous: SessionTransaction) -> None:
    cache = session.info.get(TRANSACTION_CACHE)
    if cache is not None:
        cache.clear()
