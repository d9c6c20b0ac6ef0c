"""Client profiles: one per client account, filled in step by step during intake."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, TypedDict, Unpack
from uuid import UUID

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

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
from storage.models.clients import ClientProfileRow, PartnerPreferencesRow
from storage.records import ClientProfile, MatchFacts
from storage.repositories.base import Repository
from storage.sealing import RecordSpec
from storage.session import TRANSACTION_CACHES

PROFILES = RecordSpec(ClientProfileRow, ClientProfile, row_id="account_id")

# The statements of the update path, built once, in Core on the table: an ORM load of this wide row costs
# more than the query itself. `_UPDATE` sets the columns named in its parameters.
_TABLE = PROFILES.table
_GET = select(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id"))
_UPDATE = update(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id")).returning(*_TABLE.c)
_INSERT = insert(_TABLE).returning(*_TABLE.c)
MATCH_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(MatchFacts))

# account id -> the profile row as read or written in this transaction (None: no profile). The principal
# lookup of each update reads the client's profile row in its own query (`AccountsRepository.find_member`),
# and `update` gets the new row back from its UPDATE, so the journey's reads cost no statement. Every write
# to client_profiles goes through this repository, which keeps the entry current, or through shredding,
# which forgets them all; any rollback drops them too (storage/session.py).
PROFILE_ROWS = "yuelao.profile_rows"
TRANSACTION_CACHES.append(PROFILE_ROWS)
PROFILE_COLUMN_PREFIX = "profile_"


class PrefixedRow:
    """The profile columns of a wider row (the principal lookup), read as `row.<column>`."""

    __slots__ = ("_mapping",)

    def __init__(self, row: Row[Any]) -> None:
        self._mapping = row._mapping

    def __getattr__(self, name: str) -> Any:
        return self._mapping[PROFILE_COLUMN_PREFIX + name]


def profile_columns() -> list[Any]:
    """The profile columns, labelled for a query that joins them to others (see `PrefixedRow`)."""
    return [column.label(PROFILE_COLUMN_PREFIX + column.name) for column in _TABLE.c]


def remember_profile_row(session: AsyncSession, account_id: UUID, row: Row[Any] | PrefixedRow | None) -> None:
    session.info.setdefault(PROFILE_ROWS, {})[account_id] = row


def forget_profile_rows(session: AsyncSession) -> None:
    session.info.pop(PROFILE_ROWS, None)


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
        values = {
            "account_id": account_id,
            "status": status,
            "tier": tier,
            "personality": [],
            "hobbies": [],
            "created_at": now,
            "updated_at": now,
            "activated_at": now if status == "active" else None,
        }
        row = (await self._session.execute(_INSERT, values)).one()
        remember_profile_row(self._session, account_id, row)
        return PROFILES.decode(self._crypto, None, row)

    async def get(self, account_id: UUID) -> ClientProfile | None:
        known: dict[UUID, Row[Any] | PrefixedRow | None] = self._session.info.get(PROFILE_ROWS, {})
        if account_id in known:
            row = known[account_id]
        else:
            row = (await self._session.execute(_GET, {"_account_id": account_id})).first()
            remember_profile_row(self._session, account_id, row)
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
        birth_date = values.get("birth_date")
        if "birth_date" in values and "birth_year" not in values:
            values["birth_year"] = None if birth_date is None else birth_date.year
        values["updated_at"] = now
        key = await self._keys.for_account(account_id)
        row = await self._update_row(account_id, PROFILES.encode(self._crypto, key, account_id, values))
        if row is None:
            raise NotFoundError("client profile", account_id)
        if values.get("status") == "active" and row.activated_at is None and "activated_at" not in values:
            row = await self._update_row(account_id, {"activated_at": now})  # the first activation
            assert row is not None
        return PROFILES.decode(self._crypto, key, row)

    async def _update_row(self, account_id: UUID, columns: dict[str, Any]) -> Row[Any] | None:
        """UPDATE ... RETURNING the whole row: one statement, and the row to decode comes back with it."""
        row: Row[Any] | None = (await self._session.execute(_UPDATE, {"_account_id": account_id, **columns})).first()
        if row is not None:
            remember_profile_row(self._session, account_id, row)
        else:
            self._session.info.get(PROFILE_ROWS, {}).pop(account_id, None)
        return row

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
        self,
        *,
        statuses: Sequence[str] = ("active",),
        gender: str | None = None,
        account_ids: Collection[UUID] | None = None,
    ) -> list[MatchFacts]:
        """The clear, coarse facts the matcher compares, for every profile in `statuses` (and among
        `account_ids` when given); decrypts nothing."""
        for status in statuses:
            require_choice("status", status, PROFILE_STATUSES)
        columns = [getattr(ClientProfileRow, name) for name in MATCH_FACT_FIELDS]
        query = select(*columns).where(ClientProfileRow.status.in_(list(statuses)))
        if gender is not None:
            query = query.where(ClientProfileRow.gender == gender)
        if account_ids is not None:
            query = query.where(ClientProfileRow.account_id.in_(list(account_ids)))
        query = query.order_by(ClientProfileRow.account_id)
        return [MatchFacts(**row._asdict()) for row in await self._session.execute(query)]

    async def changed_since(self, since: datetime) -> set[UUID]:
        """Clients whose profile or partner preferences changed after `since` (what the match index must
        refresh)."""
        profiles = select(ClientProfileRow.account_id).where(ClientProfileRow.updated_at > since)
        preferences = select(PartnerPreferencesRow.account_id).where(PartnerPreferencesRow.updated_at > since)
        return set((await self._session.scalars(profiles.union(preferences))).all())

    async def _record(self, row: ClientProfileRow | Row[Any] | PrefixedRow) -> ClientProfile:
        return PROFILES.decode(self._crypto, await self._keys.for_account(row.account_id), row)

    async def _records(self, rows: Sequence[ClientProfileRow]) -> list[ClientProfile]:
        await self._keys.preload(row.account_id for row in rows)
        return [await self._record(row) for row in rows]
