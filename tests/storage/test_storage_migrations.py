"""Migrations agree with the models and the profile's declaration, go down and up again, and refuse a database
from a newer version."""

from __future__ import annotations

import pkgutil
import sys
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Connection, String, inspect, text

import storage.models
from domain.profile import Clear, PreferencesData, ProfileFields, declared_fields
from storage.database import Database
from storage.engine import create_engine
from storage.errors import SchemaNotCurrentError, SchemaTooNewError
from storage.keys import KeyMaterial
from storage.migrate import downgrade, head_revision, script_directory, upgrade
from storage.models import metadata
from storage.models.base import SHRED_WITH_ACCOUNT
from storage.models.clients import PREFERENCE_CHOICES, PROFILE_CHOICES, ClientProfileRow, PartnerPreferencesRow

TABLES = {
    "accounts",
    "audit_log",
    "client_profiles",
    "consents",
    "data_keys",
    "fsm_states",
    "partner_preferences",
    "photos",
    "staff_members",
}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert await connection.run_sync(_tables) >= TABLES
    finally:
        await engine.dispose()


DECLARED_TABLES = [
    ("client_profiles", ProfileFields, PROFILE_CHOICES, ClientProfileRow),
    ("partner_preferences", PreferencesData, PREFERENCE_CHOICES, PartnerPreferencesRow),
]


def _declaration_mismatches(connection: Connection) -> list[str]:
    """How the migrated profile tables differ from the declared fields (their types, widths, nullability and
    sealing, the codes their CHECK constraints allow) and from the models' columns."""
    inspector = inspect(connection)
    found: list[str] = []
    for table, declaration, choices, model in DECLARED_TABLES:
        columns = {column["name"]: column for column in inspector.get_columns(table)}
        if set(columns) != set(model.__table__.columns.keys()):
            found.append(f"{table}: the columns are not the model's")
        for item in declared_fields(declaration):
            column = columns.get(item.name)
            if column is None:
                found.append(f"{table}.{item.name}: missing")
                continue
            sql_type = column["type"]
            if column["nullable"] != item.nullable:
                found.append(f"{table}.{item.name}: nullable is {column['nullable']}")
            if item.sealed:
                right_type = sql_type.python_type is bytes
            elif item.type == list[str]:
                right_type = isinstance(sql_type, JSON)
            elif item.type is str:
                assert isinstance(item.kept, Clear)
                right_type = isinstance(sql_type, String) and sql_type.length == item.kept.length
            else:
                right_type = sql_type.python_type is item.type
            if not right_type:
                found.append(f"{table}.{item.name}: a {item.kept} {item.type} is kept as {sql_type}")
        checks = {check["name"]: check["sqltext"] for check in inspector.get_check_constraints(table)}
        for name, codes in choices.items():
            check = checks.get(f"ck_{table}_{name}", "")
            if not all(f"'{code}'" in check for code in codes):
                found.append(f"{table}.{name}: the CHECK constraint does not allow {codes}")
    return found


async def test_the_migrated_profile_tables_are_the_declared_fields(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_declaration_mismatches) == []
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    await upgrade(database_url)
    await downgrade(database_url, "base")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) <= {"alembic_version"}
        await upgrade(database_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            assert version == head_revision()
    finally:
        await engine.dispose()


async def test_a_database_from_a_newer_version_is_refused(database_url: str, key_material: KeyMaterial) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    finally:
        await engine.dispose()
    with pytest.raises(SchemaTooNewError, match=r"'0099_future'.*newer version"):
        await Database.open(database_url, key_material)
    with pytest.raises(SchemaTooNewError):
        await upgrade(database_url)


async def test_without_migrate_an_old_schema_is_refused(database_url: str, key_material: KeyMaterial) -> None:
    with pytest.raises(SchemaNotCurrentError, match=r"run_bot\.py migrate"):
        await Database.open(database_url, key_material, migrate=False)
    database = await Database.open(database_url, key_material, migrate=True)
    await database.close()
    reopened = await Database.open(database_url, key_material, migrate=False)
    await reopened.close()


def test_the_models_package_imports_every_module() -> None:
    for module in pkgutil.iter_modules(storage.models.__path__):
        assert f"storage.models.{module.name}" in sys.modules


def test_the_history_is_one_line_from_the_initial_revision() -> None:
    scripts = script_directory()
    assert scripts.get_bases() == ["0001_initial"]
    assert len(scripts.get_heads()) == 1


def test_every_reference_to_an_account_says_whether_shredding_deletes_it() -> None:
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name in ("accounts", "client_profiles") for fk in column.foreign_keys):
                assert SHRED_WITH_ACCOUNT in column.info, f"{table.name}.{column.name} needs a shred marker"
