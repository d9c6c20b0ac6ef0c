"""Accounts: found by (channel, external id) through a blind index; the external id itself is sealed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, Row, and_, bindparam, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.choices import CHANNELS, LOCALES, require_choice
from storage.crypto.aead import DataKey
from storage.crypto.blind_index import ACCOUNT_EXTERNAL_ID
from storage.data_keys import StoredKey
from storage.errors import AccountDeletedError, NotFoundError
from storage.fsm import FSM_STATES, remember_row
from storage.models.accounts import AccountRow, DataKeyRow
from storage.models.staff import StaffMemberRow
from storage.records import Account
from storage.repositories.base import Repository
from storage.repositories.profiles import PROFILES, PrefixedRow, profile_columns, remember_profile_row
from storage.sealing import RecordSpec
from storage.session import transaction_cache

ACCOUNTS = RecordSpec(AccountRow, Account, row_id="id")

# Built once, in Core on the tables: the lookup runs on every update, and a prebuilt Core statement skips
# statement construction, cache-key generation and ORM loading. Besides the account it reads what nearly every
# update reads next: the conversation-state row and the client's profile row. It starts from a one-row anchor
# so that the conversation state comes back even for a visitor who has no account.
_ACCOUNTS = ACCOUNTS.table
_KEYS = DataKeyRow.__table__
_STAFF = StaffMemberRow.__table__
_FSM = FSM_STATES.table
_PROFILES = PROFILES.table
_KNOWN_IDS = "yuelao.account_ids"  # session.info: (channel, external id index) -> account id, this transaction
_ANCHOR = select(literal(1).label("anchor")).subquery("anchor")
_FIND_MEMBER = select(
    *_ACCOUNTS.c,
    _KEYS.c.id.label("key_id"),
    _KEYS.c.master_key_id,
    _KEYS.c.wrapped_key,
    _STAFF.c.role,
    _STAFF.c.active,
    _FSM.c.key_index.label("fsm_key_index"),
    _FSM.c.state.label("fsm_state"),
    _FSM.c.data.label("fsm_data"),
    *profile_columns(),
).select_from(
    _ANCHOR.outerjoin(
        _ACCOUNTS,
        and_(_ACCOUNTS.c.channel == bindparam("channel"), _ACCOUNTS.c.external_id_index == bindparam("index")),
    )
    .outerjoin(_KEYS, _KEYS.c.account_id == _ACCOUNTS.c.id)
    .outerjoin(_STAFF, _STAFF.c.account_id == _ACCOUNTS.c.id)
    .outerjoin(_FSM, _FSM.c.key_index == bindparam("fsm_index"))
    .outerjoin(_PROFILES, _PROFILES.c.account_id == _ACCOUNTS.c.id)
)


class AccountsRepository(Repository):
    async def get(self, account_id: UUID) -> Account | None:
        return await self._find(AccountRow.id == account_id)

    async def require(self, account_id: UUID) -> Account:
        account = await self.get(account_id)
        if account is None:
            raise NotFoundError("account", account_id)
        return account

    async def get_many(self, account_ids: Iterable[UUID]) -> dict[UUID, Account]:
        wanted = list(dict.fromkeys(account_ids))
        if not wanted:
            return {}
        rows = (await self._session.scalars(select(AccountRow).where(AccountRow.id.in_(wanted)))).all()
        await self._keys.preload(row.id for row in rows if row.deleted_at is None)
        return {row.id: await self._record(row) for row in rows}

    async def unreachable_among(self, account_ids: Iterable[UUID]) -> set[UUID]:
        """The accounts among `account_ids` that blocked the bot, were deleted, or do not exist; reads only
        clear columns (nothing is decrypted)."""
        wanted = set(account_ids)
        if not wanted:
            return set()
        rows = await self._session.execute(
            select(AccountRow.id, AccountRow.unreachable, AccountRow.deleted_at).where(AccountRow.id.in_(list(wanted)))
        )
        reachable = {row.id for row in rows if not row.unreachable and row.deleted_at is None}
        return wanted - reachable

    async def find_by_external(self, channel: str, external_id: str) -> Account | None:
        found = await self.find_member(channel, external_id)
        return None if found is None else found[0]

    async def id_of_external(self, channel: str, external_id: str) -> UUID | None:
        """The account id of (channel, external id); no statement when this transaction already looked it up
        or created it (the principal lookup of the update did)."""
        key = self._id_key(channel, external_id)
        known = self._known_ids()
        if key not in known:
            account = await self.find_by_external(channel, external_id)
            known[key] = None if account is None else account.id
        return known[key]

    def _known_ids(self) -> dict[tuple[str, bytes], UUID | None]:
        known: dict[tuple[str, bytes], UUID | None] = self._session.info.setdefault(_KNOWN_IDS, {})
        return known

    def _remember_id(self, channel: str, external_id: str, account_id: UUID | None) -> None:
        self._known_ids()[self._id_key(channel, external_id)] = account_id

    def _id_key(self, channel: str, external_id: str) -> tuple[str, bytes]:
        """Where this transaction remembers the account id of (channel, external id)."""
        return channel, self._crypto.blind_index(ACCOUNT_EXTERNAL_ID, external_id)

    async def find_member(
        self, channel: str, external_id: str, *, conversation: bytes | None = None
    ) -> tuple[Account, str | None] | None:
        """The account of (channel, external id) and its staff role if it is an active staff member.

        One query for the account, its data key, its staff row and its client profile row (remembered for this
        transaction: `uow.profiles.get` of this account then costs no statement): the principal lookup of every
        update. `conversation`: the key index of the update's conversation-state row
        (`DatabaseFSMStorage.key_index_within`), read by the same query and remembered the same way.
        """
        require_choice("channel", channel, CHANNELS)
        index = self._crypto.blind_index(ACCOUNT_EXTERNAL_ID, external_id)
        parameters = {"channel": channel, "index": index, "fsm_index": conversation}
        row = (await self._session.execute(_FIND_MEMBER, parameters)).one()
        if conversation is not None:
            found = row.fsm_key_index is not None
            remember_row(self._session, conversation, (row.fsm_state, row.fsm_data) if found else None)
        if row.id is None:
            self._remember_id(channel, external_id, None)
            return None
        profile = PrefixedRow(row) if row.profile_account_id is not None else None
        remember_profile_row(self._session, row.id, profile)
        if row.deleted_at is None:
            transaction_cache(self._session).live_accounts.add(row.id)
        if row.key_id is not None:
            self._keys.remember(row.id, StoredKey(row.key_id, row.master_key_id, row.wrapped_key))
        account = await self._record(row)
        if account.external_id != external_id:
            return None
        self._remember_id(channel, external_id, account.id)
        return account, row.role if row.active else None

    async def create(
        self, channel: str, external_id: str, *, locale: str, now: datetime, demo: bool = False
    ) -> Account:
        """A new account with a new data key. A duplicate (channel, external id) fails at flush.
        `demo`: a synthetic client of the demo pool (never sent messages)."""
        require_choice("channel", channel, CHANNELS)
        require_choice("locale", locale, LOCALES)
        row = AccountRow(
            id=uuid4(), channel=channel, locale=locale, created_at=now, last_seen_at=now, unreachable=False, demo=demo
        )
        self._session.add(row)
        key = self._keys.create_for_account(row.id, now)
        ACCOUNTS.apply(self._crypto, key, row, {"external_id": external_id})
        await self._session.flush()
        self._remember_id(channel, external_id, row.id)
        return ACCOUNTS.decode(self._crypto, key, row)

    async def get_or_create(
        self, channel: str, external_id: str, *, locale: str, now: datetime
    ) -> tuple[Account, bool]:
        """The account of (channel, external id), created if missing; safe when two updates race.

        Returns (account, created). No lookup when this transaction already found none (the update's principal
        lookup): a race is settled by the INSERT.
        """
        known, lookup = self._known_ids(), self._id_key(channel, external_id)
        if not (lookup in known and known[lookup] is None):
            existing = await self.find_by_external(channel, external_id)
            if existing is not None:
                return existing, False
        require_choice("locale", locale, LOCALES)
        account_id = uuid4()
        key = DataKey.generate(uuid4())
        values = {
            "id": account_id,
            "channel": channel,
            "locale": locale,
            "created_at": now,
            "last_seen_at": now,
            "unreachable": False,
            **ACCOUNTS.encode(self._crypto, key, account_id, {"external_id": external_id}),
        }
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        inserted = (
            await self._session.execute(
                insert(_ACCOUNTS)
                .values(values)
                .on_conflict_do_nothing(index_elements=["channel", "external_id_index"])
                .returning(*_ACCOUNTS.c)
            )
        ).one_or_none()
        if inserted is None:
            winner = await self.find_by_external(channel, external_id)
            assert winner is not None
            return winner, False
        self._keys.register_for_account(account_id, key, now)
        await self._session.flush()
        self._remember_id(channel, external_id, account_id)
        transaction_cache(self._session).live_accounts.add(account_id)
        remember_profile_row(self._session, account_id, None)  # a new account has no profile yet
        return await self._record(inserted), True

    async def set_locale(self, account_id: UUID, locale: str) -> None:
        require_choice("locale", locale, LOCALES)
        await self._update(account_id, locale=locale)

    async def touch(self, account_id: UUID, now: datetime) -> None:
        """The person was just heard from: record it, and they are reachable again if they had blocked us."""
        await self._update(account_id, last_seen_at=now, unreachable=False, unreachable_since=None)

    async def mark_unreachable(self, account_id: UUID, now: datetime) -> None:
        """The person blocked the bot (Telegram answered 403). Keeps the first moment it was noticed."""
        account = await self.require(account_id)
        if not account.unreachable:
            await self._update(account_id, unreachable=True, unreachable_since=now)

    async def _update(self, account_id: UUID, **values: object) -> None:
        touched = await self._execute_dml(
            update(AccountRow).where(AccountRow.id == account_id, AccountRow.deleted_at.is_(None)).values(values)
        )
        if touched == 0:
            if await self._session.get(AccountRow, account_id) is None:
                raise NotFoundError("account", account_id)
            raise AccountDeletedError(account_id)

    async def _find(self, *conditions: ColumnElement[bool]) -> Account | None:
        """One account with its data key row in a single query (the principal lookup runs on every update)."""
        found = (
            await self._session.execute(
                select(AccountRow, DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped_key)
                .outerjoin(DataKeyRow, DataKeyRow.account_id == AccountRow.id)
                .where(*conditions)
            )
        ).first()
        if found is None:
            return None
        row, key_id, master_key_id, wrapped = found
        if key_id is not None:
            self._keys.remember(row.id, StoredKey(key_id, master_key_id, wrapped))
        return await self._record(row)

    async def _record(self, row: AccountRow | Row[Any]) -> Account:
        key = None if row.external_id is None else await self._keys.for_account(row.id)
        return ACCOUNTS.decode(self._crypto, key, row)
