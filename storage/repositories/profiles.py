"""Client profiles: one per client account, filled in step by step during intake."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict, Unpack
from uuid import UUID

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.profile import ProfileFields, declared_fields
from storage.choices import PROFILE_STATUSES, require_choice
from storage.crypto.blind_index import CLIENT_PHONE
from storage.errors import AccountDeletedError, NotFoundError
from storage.models.clients import PROFILE_CHOICES, ClientProfileRow, PartnerPreferencesRow
from storage.records import ClientProfile, MatchFacts
from storage.repositories.base import Repository
from storage.sealing import RecordSpec
from storage.session import ProfileRow, account_alive, transaction_cache

PROFILES = RecordSpec(ClientProfileRow, ClientProfile, row_id="account_id")

# The statements of the update path, built once, in Core on the table: an ORM load of this wide row costs
# more than the query itself. `_UPDATE` sets the columns named in its parameters.
_TABLE = PROFILES.table
_GET = select(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id"))
_UPDATE = update(_TABLE).where(_TABLE.c.account_id == bindparam("_account_id")).returning(*_TABLE.c)
_INSERT = insert(_TABLE).returning(*_TABLE.c)
MATCH_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(MatchFacts))

# The profile rows this transaction read or wrote (`TransactionCache.profile_rows`, storage/session.py): the
# principal lookup of each update reads the client's profile row in its own query
# (`AccountsRepository.find_member`), and `update` gets the new row back from its UPDATE, so the journey's
# reads cost no statement. Every write to client_profiles goes through this repository, which keeps the
# entry current, or through shredding, which forgets them all; any rollback drops them too.
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


def remember_profile_row(session: AsyncSession, account_id: UUID, row: ProfileRow | None) -> None:
    transaction_cache(session).profile_rows[account_id] = row


def forget_profile_rows(session: AsyncSession) -> None:
    transaction_cache(session).profile_rows.clear()


class ProfileChanges(TypedDict, total=False):
    """The fields `ProfilesRepository.update` accepts; any subset, plain values.

    For type checkers: the same names and types as `domain.profile.ProfileFields`, where the fields are declared
    (`UPDATABLE_FIELDS` is the set `update` checks at run time; a test holds the two equal).
    """

    status: str
    intake_step: str | None
    display_name: str | None
    preferred_name: str | None
    gender: str | None
    birth_date: date | None
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
    birth_year: int | None
    tier: str
    activated_at: datetime | None
    last_active_at: datetime | None


PROFILE_FIELDS = {item.name: item for item in declared_fields(ProfileFields)}
UPDATABLE_FIELDS = frozenset(PROFILE_FIELDS)
LIST_FIELDS = tuple(name for name, item in PROFILE_FIELDS.items() if item.type == list[str])


def validate_changes(changes: Mapping[str, Any]) -> None:
    unknown = changes.keys() - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"not a profile field that can be changed: {', '.join(sorted(unknown))}")
    for name, choices in PROFILE_CHOICES.items():
        if name in changes:
            require_choice(name, changes[name], choices, nullable=PROFILE_FIELDS[name].nullable)
    for name in LIST_FIELDS:
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
        alive = await account_alive(self._session, account_id)
        if alive is None:
            raise NotFoundError("account", account_id)
        if not alive:
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
        known = transaction_cache(self._session).profile_rows
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
            transaction_cache(self._session).profile_rows.pop(account_id, None)
        return row

    async def find_by_phone(self, phone: str) -> list[ClientProfile]:
        """Profiles registered with this phone number (pass it normalised, E.164, as the domain does)."""
        index = self._crypto.blind_index(CLIENT_PHONE, phone)
        rows = (
            await self._session.scalars(select(ClientProfileRow).where(_TABLE.c.phone_index == index))
        ).all()
        return await self._records(rows)

    async def list_by_status(self, status: str, *, limit: int | None = None) -> list[ClientProfile]:
        """Decrypted profiles in a status, oldest first (keys fetched in bulk)."""
        require_choice("status", status, PROFILE_STATUSES)
        query = (
            select(ClientProfileRow)
            .where(_TABLE.c.status == status)
            .order_by(_TABLE.c.created_at, _TABLE.c.account_id)
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
        query = select(*(_TABLE.c[name] for name in MATCH_FACT_FIELDS)).where(_TABLE.c.status.in_(list(statuses)))
        if gender is not None:
            query = query.where(_TABLE.c.gender == gender)
        if account_ids is not None:
            query = query.where(_TABLE.c.account_id.in_(list(account_ids)))
        query = query.order_by(_TABLE.c.account_id)
        return [MatchFacts(**row._asdict()) for row in await self._session.execute(query)]

    async def changed_since(self, since: datetime) -> dict[UUID, datetime]:
        """Clients whose profile or partner preferences changed after `since`, with the time of the latest
        change of either (what the match index must refresh, and the version it then holds)."""
        profiles = select(_TABLE.c.account_id, _TABLE.c.updated_at).where(_TABLE.c.updated_at > since)
        preferences = select(PartnerPreferencesRow.account_id, PartnerPreferencesRow.updated_at).where(
            PartnerPreferencesRow.updated_at > since
        )
        latest: dict[UUID, datetime] = {}
        for row in (await self._session.execute(profiles.union_all(preferences))).all():
            account_id: UUID = row[0]
            updated_at: datetime = row[1]
            if account_id not in latest or updated_at > latest[account_id]:
                latest[account_id] = updated_at
        return latest

    async def _record(self, row: ClientProfileRow | ProfileRow) -> ClientProfile:
        return PROFILES.decode(self._crypto, await self._keys.for_account(row.account_id), row)

    async def _records(self, rows: Sequence[ClientProfileRow]) -> list[ClientProfile]:
        await self._keys.preload(row.account_id for row in rows)
        return [await self._record(row) for row in rows]
