"""Export gives a client every field we hold; shredding makes their data unreadable for good."""

from __future__ import annotations

import dataclasses
import json

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from domain.clock import FakeClock
from storage.crypto.codecs import TEXT
from storage.data_keys import DataKeyRing, StoredKey, unwrap_stored
from storage.database import Database
from storage.errors import AccountDeletedError, CiphertextIntegrityError, DataKeyDestroyedError
from storage.models.accounts import AccountRow, DataKeyRow
from storage.privacy_ops import account_data_tables, export_account, shred_account
from storage.records import Account, ClientProfile, Consent, PartnerPreferences, Photo, StaffMember
from storage.repositories.profiles import PROFILES
from tests.db_fixtures import RawContents
from tests.storage.sample_data import (
    ABOUT_ME,
    AUDIT_REASON,
    DISPLAY_NAME,
    PHONE,
    PHOTO_FILE_ID,
    SECRETS,
    STAFF_NAME,
    TELEGRAM_ID,
    USERNAME,
    create_sample_client,
)


def _fields(record: type[object]) -> set[str]:
    return {field.name for field in dataclasses.fields(record)}  # type: ignore[arg-type]


async def test_export_contains_every_field_decrypted(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
    key = StorageKey(bot_id=42, chat_id=int(TELEGRAM_ID), user_id=int(TELEGRAM_ID))
    async with database.unit_of_work(principal_id=sample.account_id):
        await database.fsm_storage().set_state(key, "Intake:about")
        await database.fsm_storage().set_data(key, {"username": USERNAME})

    async with database.unit_of_work(read_only=True) as uow:
        export = await export_account(uow, sample.account_id)
        staff_export = await export_account(uow, sample.staff_account_id)

    text = json.dumps(export, ensure_ascii=False)
    for value in (TELEGRAM_ID, DISPLAY_NAME, PHONE, ABOUT_ME, PHOTO_FILE_ID, AUDIT_REASON, USERNAME, "1991-03-17"):
        assert value in text
    assert STAFF_NAME in json.dumps(staff_export, ensure_ascii=False)

    sections: dict[str, type[object]] = {
        "account": Account,
        "client_profile": ClientProfile,
        "partner_preferences": PartnerPreferences,
        "staff_member": StaffMember,
    }
    for name, record in sections.items():
        shown = (export if name != "staff_member" else staff_export)[name]
        assert isinstance(shown, dict) and set(shown) == _fields(record), name
    assert set(export["photos"][0]) == _fields(Photo)  # type: ignore[index]
    assert set(export["consents"][0]) == _fields(Consent)  # type: ignore[index]
    assert export["conversation_state"] == [
        {"state": "Intake:about", "data": {"username": USERNAME}, "updated_at": clock.now().isoformat()}
    ]
    assert export["audit_log"][0]["reason"] == AUDIT_REASON  # type: ignore[index]


def test_every_column_of_account_data_reaches_a_record() -> None:
    """A new column must be added to its record (and so to the export), or declared internal here."""
    internal = {"external_id_index", "phone_index", "key_index"}
    records = {
        "accounts": Account,
        "consents": Consent,
        "client_profiles": ClientProfile,
        "partner_preferences": PartnerPreferences,
        "photos": Photo,
        "staff_members": StaffMember,
    }
    for table, _ in account_data_tables():
        if table.name in records:
            missing = set(table.columns.keys()) - internal - _fields(records[table.name])
            assert missing == set(), f"{table.name}: {missing}"


async def test_shredding_destroys_the_key_then_the_rows(
    database: Database, raw_contents: RawContents, clock: FakeClock
) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
        other = await uow.accounts.create("telegram", "1002", locale="en", now=clock.now())
    key = StorageKey(bot_id=42, chat_id=int(TELEGRAM_ID), user_id=int(TELEGRAM_ID))
    untagged = StorageKey(bot_id=42, chat_id=int(TELEGRAM_ID), user_id=int(TELEGRAM_ID), destiny="other")
    async with database.unit_of_work(principal_id=sample.account_id):
        await database.fsm_storage().set_data(key, {"username": USERNAME})
    await database.fsm_storage().set_data(untagged, {"username": USERNAME})
    async with database.unit_of_work() as uow:
        stolen_about_me = await uow.session.scalar(
            select(PROFILES.table.c.about_me).where(PROFILES.table.c.account_id == sample.account_id)
        )
        stolen_wrapped_key = await uow.session.scalar(
            select(DataKeyRow.wrapped_key).where(DataKeyRow.account_id == sample.account_id)
        )
    raw_before = await raw_contents()
    assert stolen_about_me is not None and stolen_wrapped_key is not None
    assert stolen_about_me in raw_before and stolen_wrapped_key in raw_before

    async with database.unit_of_work() as uow:
        await shred_account(uow, sample.account_id, clock.now(), fsm_keys=[untagged])
        await shred_account(uow, sample.account_id, clock.now())  # idempotent

    async with database.unit_of_work() as uow:
        tombstone = await uow.accounts.require(sample.account_id)
        assert tombstone.is_deleted and tombstone.external_id is None
        assert await uow.accounts.find_by_external("telegram", TELEGRAM_ID) is None
        assert await uow.profiles.get(sample.account_id) is None
        assert await uow.photos.list_for(sample.account_id) == []
        assert await uow.consents.list_for(sample.account_id) == []
        for table, columns in account_data_tables():
            for column in columns:
                count = await uow.session.scalar(
                    select(func.count()).select_from(table).where(table.c[column] == sample.account_id)
                )
                assert count == 0, f"{table.name}.{column}"
        key_row = (
            await uow.session.scalars(select(DataKeyRow).where(DataKeyRow.account_id == sample.account_id))
        ).one()
        assert key_row.wrapped_key is None and key_row.destroyed_at == clock.now()
        assert await uow.session.scalar(select(func.count()).select_from(AccountRow)) == 3
        assert (await uow.accounts.require(other.id)).external_id == "1002"

        # A copy of the ciphertext taken before the shred: no key the master keys can still unwrap opens it.
        fresh_ring = DataKeyRing(uow.session, database.context.master, database.context.system_key)
        with pytest.raises(DataKeyDestroyedError):
            await fresh_ring.for_account(sample.account_id)
        live_keys = (await uow.session.scalars(select(DataKeyRow).where(DataKeyRow.wrapped_key.is_not(None)))).all()
        assert len(live_keys) == 3  # the other two accounts and the system key
        location = PROFILES.location("about_me", sample.account_id)
        for row in live_keys:
            stored = StoredKey(row.id, row.master_key_id, row.wrapped_key)
            candidate = unwrap_stored(database.context.master, stored, "a stored key")
            with pytest.raises(CiphertextIntegrityError):
                database.context.crypto.open(candidate, TEXT, location, stolen_about_me)

        audit = await uow.audit.list_for_subject(sample.account_id)
        assert [(entry.action, entry.reason, entry.reason_erased) for entry in audit] == [("profile.read", None, True)]
        with pytest.raises(AccountDeletedError):
            await uow.audit.record(action="note", now=clock.now(), subject_account_id=sample.account_id, reason="x")
        await uow.audit.record(action="account.deleted", now=clock.now(), subject_account_id=sample.account_id)

    assert await database.fsm_storage().get_data(key) == {}
    assert await database.fsm_storage().get_data(untagged) == {}

    raw = await raw_contents()
    assert [secret for secret in SECRETS if secret.encode() in raw] == []
    if database.dialect_name == "sqlite":
        # secure_delete and the WAL checkpoint leave neither the deleted ciphertext nor the old wrapped key.
        assert stolen_about_me not in raw and stolen_wrapped_key not in raw
