"""The ORM session class of every unit of work: it keeps the rows it has seen for as long as it lives.

SQLAlchemy's identity map holds rows weakly: a repository that loads a row, turns it into a frozen record and
drops it makes the next `session.get` of the same row (e.g. `profiles.update` right after `profiles.get`)
query the database again. A unit of work is one short transaction, so its session keeps a strong reference
to every row it loaded or added (SQLAlchemy's "strong reference session" recipe) and `session.get` finds them
in memory. Nothing outlives the session; other transactions are not affected.

`session.info` also carries what a unit of work caches for the length of its transaction (see
`storage.fsm`); `TRANSACTION_CACHES` lists those keys, and any rollback (a savepoint's too) empties them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

STRONG_REFERENCES = "yuelao.rows"
TRANSACTION_CACHES: list[str] = []


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
def _forget_transaction_caches(session: Session, _previous: SessionTransaction) -> None:
    for name in TRANSACTION_CACHES:
        session.info.pop(name, None)
