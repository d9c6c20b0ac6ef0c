"""Partner preferences: what a client looks for. Clear and coarse (see docs/privacy.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, insert, select, update

from storage.choices import EDUCATION_LEVELS, GENDERS, WANTS_CHILDREN, require_choice
from storage.errors import NotFoundError
from storage.models.clients import ClientProfileRow, PartnerPreferencesRow
from storage.records import PartnerPreferences
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

PREFERENCES = RecordSpec(PartnerPreferencesRow, PartnerPreferences, row_id="account_id")
LIST_FIELDS = ("regions", "marital", "must_have")

# Built once, in Core on the tables (see storage/repositories/profiles.py).
_TABLE = PREFERENCES.table
_PROFILES = ClientProfileRow.__table__
_GET = select(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id"))
_UPDATE = update(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id")).returning(*_TABLE.c)
_INSERT = insert(_TABLE).returning(*_TABLE.c)
_PROFILE_EXISTS = select(_PROFILES.c.account_id).where(_PROFILES.c.account_id == bindparam("_account_id"))


class PreferencesRepository(Repository):
    async def get(self, account_id: UUID) -> PartnerPreferences | None:
        row = (await self._session.execute(_GET, {"_account_id": account_id})).first()
        return None if row is None else PREFERENCES.decode(self._crypto, None, row)

    async def get_many(self, account_ids: Collection[UUID] | None = None) -> dict[UUID, PartnerPreferences]:
        """The preferences of many clients in one query (of every client when `account_ids` is None)."""
        query = select(_TABLE)
        if account_ids is not None:
            query = query.where(_TABLE.c.account_id.in_(list(account_ids)))
        rows = (await self._session.execute(query)).all()
        return {row.account_id: PREFERENCES.decode(self._crypto, None, row) for row in rows}

    async def save(self, preferences: PartnerPreferences, *, now: datetime) -> PartnerPreferences:
        """Create or replace the client's preferences (the client needs a profile first)."""
        require_choice("gender_sought", preferences.gender_sought, GENDERS, nullable=True)
        require_choice("min_education", preferences.min_education, EDUCATION_LEVELS, nullable=True)
        require_choice("children", preferences.children, WANTS_CHILDREN, nullable=True)
        for name in LIST_FIELDS:
            codes = getattr(preferences, name)
            if not (isinstance(codes, list) and all(isinstance(code, str) for code in codes)):
                raise ValueError(f"{name} must be a list of codes")
        values = dataclasses.asdict(preferences) | {"updated_at": now}
        account_id = values.pop("account_id")
        row = (await self._session.execute(_UPDATE, {"_account_id": account_id, **values})).first()
        if row is None:  # the first save: the client needs a profile
            if (await self._session.execute(_PROFILE_EXISTS, {"_account_id": account_id})).first() is None:
                raise NotFoundError("client profile", account_id)
            row = (await self._session.execute(_INSERT, {"account_id": account_id, **values})).one()
        return PREFERENCES.decode(self._crypto, None, row)
