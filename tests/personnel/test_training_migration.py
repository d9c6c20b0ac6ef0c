"""Migration 0018 on SQLite and PostgreSQL: a member who had accepted the service standard keeps it as a pass
of the standard module's first version; the acknowledgement column goes; a downgrade brings it back."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy import Uuid, bindparam, inspect, text

from storage.engine import create_engine
from storage.migrate import downgrade, upgrade

ACCEPTED = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


async def test_an_acknowledgement_becomes_a_pass_of_the_standard(database_url: str) -> None:
    await upgrade(database_url, "0017")
    accepted, pending = uuid4(), uuid4()
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for account_id, at in ((accepted, ACCEPTED), (pending, None)):
                await connection.execute(
                    text(
                        "INSERT INTO accounts (id, channel, locale, created_at, unreachable, demo) "
                        "VALUES (:id, 'telegram', 'en', :now, false, false)"
                    ).bindparams(bindparam("id", type_=Uuid())),
                    {"id": account_id, "now": ACCEPTED},
                )
                await connection.execute(
                    text(
                        "INSERT INTO staff_members (account_id, role, active, standard_acknowledged_at, created_at) "
                        "VALUES (:id, 'counselor', true, :at, :now)"
                    ).bindparams(bindparam("id", type_=Uuid())),
                    {"id": account_id, "at": at, "now": ACCEPTED},
                )
        await upgrade(database_url)
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT account_id, module, version, passed, correct FROM training_attempts")
                )
            ).all()
            assert [(row.module, row.version, bool(row.passed), row.correct) for row in rows] == [
                ("standard", 1, True, None)
            ]
            columns = await connection.run_sync(
                lambda sync: [column["name"] for column in inspect(sync).get_columns("staff_members")]
            )
            assert "standard_acknowledged_at" not in columns
        await downgrade(database_url, "0017")
        async with engine.connect() as connection:
            back = (
                await connection.execute(
                    text(
                        "SELECT standard_acknowledged_at FROM staff_members WHERE standard_acknowledged_at IS NOT NULL"
                    )
                )
            ).all()
            assert len(back) == 1
    finally:
        await engine.dispose()
