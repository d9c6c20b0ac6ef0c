"""A client's rights over their data: everything we hold as a JSON file, and deletion by crypto-shredding."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from aiogram.fsm.storage.base import StorageKey

from handlers.services.feature import FeatureService
from storage.privacy_ops import export_account, shred_account

DELETION_ACTION = "client.deleted_own_data"


@dataclass
class Privacy(FeatureService):
    """/mydata and /delete."""

    async def export(self, account_id: UUID) -> bytes:
        """Every field we hold about the account, decrypted, as UTF-8 JSON."""
        export = await export_account(self.uow, account_id)
        return json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")

    async def delete(self, account_id: UUID, *, fsm_keys: Iterable[StorageKey]) -> None:
        """Erase the account for good (its data key first), with its conversation states."""
        now = self.now()
        # The entry names ids and an action only; it outlives the account, as the audit log must.
        await self.uow.audit.record(
            action=DELETION_ACTION, now=now, actor_account_id=account_id, subject_account_id=account_id
        )
        await shred_account(self.uow, account_id, now, fsm_keys=fsm_keys)
