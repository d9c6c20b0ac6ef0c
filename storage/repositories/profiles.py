"""Client profiles: one per client account, filled in step by step during intake."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypedDict, Unpack
from uuid import UUID

from sqlalchemy import select

from storage.choices import (
    EDUCATION_LEVELS,
    GENDERS,
    MARITAL_HISTORIES,
    PROFILE_STATUSES,
    TIERS,
    WANTS_CHILDREN,
    require_choice,
)
from storage.crypto.blind_index import CLIENT_PHONE
from storage.errors import AccountDeletedError, NotFoundError
from storage.models.accounts import AccountRow
from storage.models.clients import ClientProfileRow
from storage.records import ClientProfile, MatchFacts
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

PROFILES = RecordSpec(ClientProfileRow, ClientProfile, row_id="account_id")
MATCH_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(MatchFacts))


class ProfileChanges(TypedDict, total=False):
    """The fields `ProfilesRepository.update` accepts; any subset, plain values."""

    status: str
    intake_step: str | None
    display_name: str | None
    gender: str | None
    birth_date: date | None
    birth_year: int | None
    height_cm: int | None
    education: str | None
    occupation: str | None
    income_band: str | None
    region_code: str | None
    city_text: str | None
    marital_history: str | None
    has_children: bool | None
    wants_children: str | None
    personality: list[str]
    hobbies: list[str]
    hobbies_text: str | None
    about_me: str | None
    relationship_history: str | None
    phone: str | None
    tier: str
    activated_at: datetime | None
    last_active_at: datetime | None


CODE_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "status": (PROFILE_STATUSES, False),
    "tier": (TIERS, False),
    "gender": (GENDERS, True),
    "education": (EDUCATION_LEVELS, True),
    "marital_history": (MARITAL_HISTORIES, True),
    "wants_children": (WANTS_CHILDREN, True),
}


def validate_changes(changes: dict[str, Any]) -> None:
    for name, (choices, nullable) in CODE_FIELDS.items():
        if name in changes:
            require_choice(name, changes[name], choices, nullable=nullable)
    for name in ("personality", "hobbies"):
        if name in changes and not (
            isinstance(changes[name], list) and all(isinstance(code, str) for code in changes[name])
        ):
            raise ValueError(f"{name} must be a list of codes")


class ProfilesRepository(Repository):
    async def create(
        self, account_id: UUID, *, now: datetime, status: str = "draft", tier: str = "basic"
    ) -> ClientProfile:
        """An empty profile for a client account (intake fills it with `update`)."""
        validate_changes({"status": status, "tier": tier})
        account = await self._session.get(AccountRow, account_id)
        if account is None:
            raise NotFoundError("account", account_id)
        if account.deleted_at is not None:
            raise AccountDeletedError(account_id)
        row = ClientProfileRow(
            account_id=account_id,
            status=status,
            tier=tier,
            personality=[],
            hobbies=[],
            created_at=now,
            updated_at=now,
            activated_at=now if status == "active" else None,
        )
        self._session.add(row)
        await self._session.flush()
        return PROFILES.decode(self._crypto, None, row)

    async def get(self, account_id: UUID) -> ClientProfile | None:
        row = await self._session.get(ClientProfileRow, account_id)
        return None if row is None else await self._record(row)

    async def require(self, account_id: UUID) -> ClientProfile:
        profile = await self.get(account_id)
        if profile is None:
            raise NotFoundError("client profile", account_id)
        return profile

    async def update(self, account_id: UUID, *, now: datetime, **changes: Unpack[ProfileChanges]) -> ClientProfile:
        """Change some fields. `birth_year` follows `birth_date` unless given; a first activation is dated."""
        values: dict[str, Any] = dict(changes)
        validate_changes(values)
        row = await self._session.get(ClientProfileRow, account_id)
        if row is None:
            raise NotFoundError("client profile", account_id)
        birth_date = values.get("birth_date")
        if "birth_date" in values and "birth_year" not in values:
            values["birth_year"] = None if birth_date is None else birth_date.year
        if values.get("status") == "active" and row.activated_at is None and "activated_at" not in values:
            values["activated_at"] = now
        values["updated_at"] = now
        key = await self._keys.for_account(account_id)
        PROFILES.apply(self._crypto, key, row, values)
        await self._session.flush()
        return PROFILES.decode(self._crypto, key, row)

    async def find_by_phone(self, phone: str) -> list[ClientProfile]:
        """Profiles registered with this phone number (pass it normalised, E.164, as the domain does)."""
        index = self._crypto.blind_index(CLIENT_PHONE, phone)
        rows = (
            await self._session.scalars(select(ClientProfileRow).where(ClientProfileRow.phone_index == index))
        ).all()
        return await self._records(rows)

    async def list_by_status(self, status: str, *, limit: int | None = None) -> list[ClientProfile]:
        """Decrypted profiles in a status, oldest first (keys fetched in bulk)."""
        require_choice("status", status, PROFILE_STATUSES)
        query = (
            select(ClientProfileRow)
            .where(ClientProfileRow.status == status)
            .order_by(ClientProfileRow.created_at, ClientProfileRow.account_id)
            .limit(limit)
        )
        return await self._records((await self._session.scalars(query)).all())

    async def match_facts(
        self, *, statuses: Sequence[str] = ("active",), gender: str | None = None
    ) -> list[MatchFacts]:
        """The clear, coarse facts the matcher compares, for every profile in `statuses`; decrypts nothing."""
        for status in statuses:
            require_choice("status", status, PROFILE_STATUSES)
        columns = [getattr(ClientProfileRow, name) for name in MATCH_FACT_FIELDS]
        query = select(*columns).where(ClientProfileRow.status.in_(list(statuses)))
        if gender is not None:
            query = query.where(ClientProfileRow.gender == gender)
        query = query.order_by(ClientProfileRow.account_id)
        return [MatchFacts(**row._asdict()) for row in await self._session.execute(query)]

    async def _record(self, row: ClientProfileRow) -> ClientProfile:
        return PROFILES.decode(self._crypto, await self._keys.for_account(row.account_id), row)

    async def _records(self, rows: Sequence[ClientProfileRow]) -> list[ClientProfile]:
        await self._keys.preload(row.account_id for row in rows)
        return [await self._record(row) for row in rows]
