"""Partner preferences: what a client looks for. Clear and coarse (see docs/privacy.md)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from storage.choices import EDUCATION_LEVELS, GENDERS, WANTS_CHILDREN, require_choice
from storage.errors import NotFoundError
from storage.models.clients import ClientProfileRow, PartnerPreferencesRow
from storage.records import PartnerPreferences
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

PREFERENCES = RecordSpec(PartnerPreferencesRow, PartnerPreferences, row_id="account_id")
LIST_FIELDS = ("regions", "marital", "must_have")


class PreferencesRepository(Repository):
    async def get(self, account_id: UUID) -> PartnerPreferences | None:
        row = await self._session.get(PartnerPreferencesRow, account_id)
        return None if row is None else PREFERENCES.decode(self._crypto, None, row)

    async def save(self, preferences: PartnerPreferences, *, now: datetime) -> PartnerPreferences:
        """Create or replace the client's preferences (the client needs a profile first)."""
        require_choice("gender_sought", preferences.gender_sought, GENDERS, nullable=True)
        require_choice("min_education", preferences.min_education, EDUCATION_LEVELS, nullable=True)
        require_choice("children", preferences.children, WANTS_CHILDREN, nullable=True)
        for name in LIST_FIELDS:
            codes = getattr(preferences, name)
            if not (isinstance(codes, list) and all(isinstance(code, str) for code in codes)):
                raise ValueError(f"{name} must be a list of codes")
        if await self._session.get(ClientProfileRow, preferences.account_id) is None:
            raise NotFoundError("client profile", preferences.account_id)
        values = dataclasses.asdict(preferences) | {"updated_at": now}
        row = await self._session.get(PartnerPreferencesRow, preferences.account_id)
        if row is None:
            row = PartnerPreferencesRow(**values)
            self._session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        await self._session.flush()
        return PREFERENCES.decode(self._crypto, None, row)
