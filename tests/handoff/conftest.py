"""Handoff fixtures: an owner in ADMIN_IDS, staff made in the database, registered clients, the job runner,
and the outbox delivered to a person as the worker would (each message marked sent, so a claim can edit
the other copies of an alert)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from handlers.services.handoff.jobs import register_handoff_jobs
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.casework import ClientAssignmentRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced
from tests.matching.chat import account_of, deliver
from tests.staff.conftest import OWNER_ID, Member, add_member

__all__ = ["OWNER_ID", "Member", "account_of", "add_member", "deliver"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.fixture
def person(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., PacedClient]:
    """`person(user_id=..., language_code=...)`: somebody who takes a second between messages."""

    def factory(**kwargs: object) -> PacedClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory


@pytest.fixture
def runner(dp: Dispatcher, settings: Settings, app_database: Database, clock: FakeClock) -> DueJobRunner:
    registry = JobRegistry()
    register_handoff_jobs(registry, settings=settings, i18n=dp["i18n"])
    return DueJobRunner(app_database, registry, clock)


async def assign(database: Database, client_id: UUID, counselor_id: UUID, now: datetime) -> None:
    """Make (or move) the client's assignment, as the assignment feature would."""
    async with database.unit_of_work() as uow:
        row = await uow.session.get(ClientAssignmentRow, client_id)
        if row is None:
            uow.session.add(ClientAssignmentRow(client_id=client_id, counselor_id=counselor_id, assigned_at=now))
        else:
            row.counselor_id = counselor_id
            row.assigned_at = now
