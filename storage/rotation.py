"""Master key rotation: re-wrap every data key under the newest master key, in resumable batches.

Put a new key first in ENCRYPTION_KEYS (or `add_master_key_to_file`), keep the old ones, restart, run
`python run_bot.py rotate-keys`; when the report says 0 remaining, the old keys may be removed (after the
retention period of backups made under them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from storage.crypto.master import MasterKeyRing
from storage.data_keys import StoredKey, unwrap_stored
from storage.database import Database
from storage.models.accounts import DataKeyRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RotationReport:
    newest_key_id: str
    rewrapped: int
    remaining: int  # live data keys still wrapped under an older master key: 0 when done
    remaining_by_key: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.remaining == 0


async def rotate_keys(database: Database, *, batch_size: int = 500, progress: bool = False) -> RotationReport:
    """Re-wrap data keys batch by batch, each batch its own transaction (interrupt and run again to resume).

    `progress`: show a tqdm bar on stderr (only when it is a terminal).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    master = database.context.master
    before = await remaining_by_master_key(database)
    bar = tqdm(total=sum(before.values()), unit="key", desc="re-wrapping data keys", disable=None if progress else True)
    rewrapped = 0
    try:
        while True:
            async with database.unit_of_work() as uow:
                count = await _rewrap_batch(uow.session, master, batch_size)
            if count == 0:
                break
            rewrapped += count
            bar.update(count)
    finally:
        bar.close()
    after = await remaining_by_master_key(database)
    report = RotationReport(master.newest_id, rewrapped, sum(after.values()), after)
    logger.info(
        "Key rotation: %d data keys re-wrapped under %s, %d remaining on older keys",
        report.rewrapped,
        report.newest_key_id,
        report.remaining,
    )
    return report


async def remaining_by_master_key(database: Database) -> dict[str, int]:
    """How many live data keys each older master key still wraps."""
    newest = database.context.master.newest_id
    async with database.unit_of_work(read_only=True) as uow:
        rows = await uow.session.execute(
            select(DataKeyRow.master_key_id, func.count())
            .where(DataKeyRow.master_key_id != newest, DataKeyRow.wrapped_key.is_not(None))
            .group_by(DataKeyRow.master_key_id)
        )
        return {master_key_id: int(count) for master_key_id, count in rows}


async def _rewrap_batch(session: AsyncSession, master: MasterKeyRing, batch_size: int) -> int:
    query = (
        select(DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped_key)
        .where(DataKeyRow.master_key_id != master.newest_id, DataKeyRow.wrapped_key.is_not(None))
        .order_by(DataKeyRow.id)
        .limit(batch_size)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    changes = []
    for row in rows:
        key = unwrap_stored(master, StoredKey(row.id, row.master_key_id, row.wrapped_key), "a stored key")
        master_key_id, wrapped = master.wrap(key.key_id, key.secret)
        changes.append({"id": row.id, "master_key_id": master_key_id, "wrapped_key": wrapped})
    if changes:
        await session.execute(update(DataKeyRow), changes)
    return len(changes)
