"""Casework: who looks after each client and when to check in next (client_assignments), counselors' notes
(client_notes, sealed under the client's key), a counselor's manual stage changes (case_stages), and the
client lists staff page through (registered clients, the most recently active first)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, case, delete, func, select, update

from domain.pipeline import Stage
from storage.models.accounts import AccountRow
from storage.models.casework import ClientAssignmentRow, ClientNoteRow
from storage.models.clients import ClientProfileRow
from storage.models.matching import CaseStageRow
from storage.repositories.base import Repository
from storage.repositories.profiles import PROFILES
from storage.sealing import RecordSpec


@dataclass(frozen=True)
class Assignment:
    client_id: UUID
    counselor_id: UUID
    assigned_at: datetime
    assigned_by: UUID | None
    follow_up_on: date | None


@dataclass(frozen=True)
class ClientNote:
    id: UUID
    client_id: UUID
    author_id: UUID
    text: str
    created_at: datetime


@dataclass(frozen=True)
class RegisteredClient:
    """A registered client as a list shows them: when they were last active, and whether they are a demo
    client (a synthetic one of the demo pool)."""

    client_id: UUID
    last_active: datetime
    demo: bool


@dataclass(frozen=True)
class ClientCounts:
    """How many registered clients a list holds: real ones, and demo ones (shown only when asked for)."""

    real: int
    demo: int


REGISTERED = ("active", "paused")


_PROFILE = PROFILES.table.c


def _later(first: ColumnElement[Any], second: ColumnElement[Any]) -> ColumnElement[Any]:
    """The later of two times (`first` never NULL), in SQL both SQLite and PostgreSQL read (the result keeps
    the columns' type, so SQLite's text comes back as a datetime)."""
    return case((second > first, second), else_=first)


# A client's last activity: the latest of their profile's last change (answers, edits, pausing), the last time
# they opened their suggestions, and their account's last contact.
LAST_ACTIVE = _later(_later(_PROFILE.updated_at, _PROFILE.last_active_at), AccountRow.__table__.c.last_seen_at)
# Registered clients with their accounts (the demo mark).
_WITH_ACCOUNT = AccountRow.__table__.c.id == _PROFILE.account_id


ASSIGNMENTS = RecordSpec(ClientAssignmentRow, Assignment, row_id="client_id")
NOTES = RecordSpec(ClientNoteRow, ClientNote, row_id="id")


def reference_range(reference: str) -> tuple[UUID, UUID] | None:
    """The ids starting with a hex reference (the 8 characters staff see), as an inclusive range; None when
    `reference` is not 4-32 hex digits."""
    text = reference.strip().lower().replace("-", "")
    if not 4 <= len(text) <= 32 or any(c not in "0123456789abcdef" for c in text):
        return None
    return UUID(hex=text.ljust(32, "0")), UUID(hex=text.ljust(32, "f"))


def _registered(*, unassigned_only: bool, counselor: UUID | None) -> list[ColumnElement[bool]]:
    """Which registered clients a list holds: all, the unassigned ones, or those of one counselor."""
    conditions = [_PROFILE.status.in_(REGISTERED)]
    if unassigned_only:
        conditions.append(_PROFILE.account_id.not_in(select(ClientAssignmentRow.client_id)))
    if counselor is not None:
        assigned = select(ClientAssignmentRow.client_id).where(ClientAssignmentRow.counselor_id == counselor)
        conditions.append(_PROFILE.account_id.in_(assigned))
    return conditions


class AssignmentsRepository(Repository):
    async def counselor_of(self, client_id: UUID) -> UUID | None:
        """The client's assigned counselor, if any."""
        return await self._session.scalar(
            select(ClientAssignmentRow.counselor_id).where(ClientAssignmentRow.client_id == client_id)
        )

    async def get(self, client_id: UUID) -> Assignment | None:
        row = await self._session.get(ClientAssignmentRow, client_id, populate_existing=True)
        return None if row is None else ASSIGNMENTS.decode(self._crypto, None, row)

    async def assign(self, client_id: UUID, counselor_id: UUID, *, now: datetime, by: UUID | None) -> Assignment:
        """Give the client to `counselor_id` (a new assignment, or a reassignment keeping the follow-up date)."""
        row = await self._session.get(ClientAssignmentRow, client_id, populate_existing=True)
        if row is None:
            row = ClientAssignmentRow(client_id=client_id, counselor_id=counselor_id, assigned_at=now, assigned_by=by)
            self._session.add(row)
        else:
            row.counselor_id, row.assigned_at, row.assigned_by = counselor_id, now, by
        await self._session.flush()
        return ASSIGNMENTS.decode(self._crypto, None, row)

    async def unassign(self, client_id: UUID) -> bool:
        return (
            await self._execute_dml(delete(ClientAssignmentRow).where(ClientAssignmentRow.client_id == client_id)) > 0
        )

    async def set_follow_up(self, client_id: UUID, day: date | None) -> bool:
        """Set (or clear, with None) the next follow-up date; False when the client is not assigned."""
        changed = await self._execute_dml(
            update(ClientAssignmentRow).where(ClientAssignmentRow.client_id == client_id).values(follow_up_on=day)
        )
        return changed > 0

    async def clients_of(self, counselor_id: UUID) -> list[Assignment]:
        """The counselor's clients, the nearest follow-up first (none last)."""
        rows = (
            await self._session.scalars(
                select(ClientAssignmentRow)
                .where(ClientAssignmentRow.counselor_id == counselor_id)
                .order_by(
                    ClientAssignmentRow.follow_up_on.is_(None),
                    ClientAssignmentRow.follow_up_on,
                    ClientAssignmentRow.assigned_at,
                )
                .execution_options(populate_existing=True)
            )
        ).all()
        return [ASSIGNMENTS.decode(self._crypto, None, row) for row in rows]

    async def of_clients(self, client_ids: Collection[UUID]) -> dict[UUID, Assignment]:
        if not client_ids:
            return {}
        rows = (
            await self._session.scalars(
                select(ClientAssignmentRow)
                .where(ClientAssignmentRow.client_id.in_(list(client_ids)))
                .execution_options(populate_existing=True)
            )
        ).all()
        return {row.client_id: ASSIGNMENTS.decode(self._crypto, None, row) for row in rows}

    async def loads(self, counselor_ids: Collection[UUID]) -> dict[UUID, int]:
        """How many active clients each counselor looks after."""
        if not counselor_ids:
            return {}
        rows = await self._session.execute(
            select(ClientAssignmentRow.counselor_id, func.count())
            .join(ClientProfileRow, ClientProfileRow.account_id == ClientAssignmentRow.client_id)
            .where(ClientAssignmentRow.counselor_id.in_(list(counselor_ids)), ClientProfileRow.status == "active")
            .group_by(ClientAssignmentRow.counselor_id)
        )
        return {counselor: int(count) for counselor, count in rows.all()}

    async def due_follow_ups(self, day: date) -> list[tuple[UUID, UUID, date]]:
        """(counselor, client, follow-up date) for every follow-up due on `day` or earlier."""
        rows = await self._session.execute(
            select(ClientAssignmentRow.counselor_id, ClientAssignmentRow.client_id, ClientAssignmentRow.follow_up_on)
            .where(ClientAssignmentRow.follow_up_on.is_not(None), ClientAssignmentRow.follow_up_on <= day)
            .order_by(ClientAssignmentRow.counselor_id, ClientAssignmentRow.follow_up_on)
        )
        return [(counselor, client, due) for counselor, client, due in rows.all() if due is not None]

    async def clients(
        self, *, unassigned_only: bool = False, reference: str | None = None, limit: int = 200
    ) -> list[UUID]:
        """Registered clients (any status but draft or deleted), newest first: all of them, the unassigned
        ones, or those whose id starts with `reference`."""
        query = select(ClientProfileRow.account_id).where(ClientProfileRow.status.in_(("active", "paused")))
        if unassigned_only:
            assigned = select(ClientAssignmentRow.client_id)
            query = query.where(ClientProfileRow.account_id.not_in(assigned))
        if reference is not None:
            bounds = reference_range(reference)
            if bounds is None:
                return []
            query = query.where(ClientProfileRow.account_id.between(*bounds))
        query = query.order_by(ClientProfileRow.activated_at.desc(), ClientProfileRow.account_id).limit(limit)
        return list((await self._session.scalars(query)).all())

    # --- the lists ------------------------------------------------------------------------------------------
    async def registered(
        self,
        *,
        unassigned_only: bool = False,
        counselor: UUID | None = None,
        demo: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RegisteredClient]:
        """Registered clients (active or paused), the most recently active first: every one, the unassigned
        ones, or those of `counselor`; demo clients only with `demo`. A page with `offset` and `limit`."""
        conditions = _registered(unassigned_only=unassigned_only, counselor=counselor)
        if not demo:
            conditions.append(AccountRow.demo.is_(False))
        query = (
            select(_PROFILE.account_id, LAST_ACTIVE, AccountRow.demo)
            .select_from(PROFILES.table)
            .join(AccountRow, _WITH_ACCOUNT)
            .where(*conditions)
            .order_by(LAST_ACTIVE.desc(), _PROFILE.account_id)
            .offset(offset)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return [RegisteredClient(cast(UUID, row[0]), cast(datetime, row[1]), bool(row[2])) for row in rows]

    async def count_registered(self, *, unassigned_only: bool = False, counselor: UUID | None = None) -> ClientCounts:
        """How many clients `registered` lists (with the same filters), real and demo apart."""
        query = (
            select(AccountRow.demo, func.count())
            .select_from(PROFILES.table)
            .join(AccountRow, _WITH_ACCOUNT)
            .where(*_registered(unassigned_only=unassigned_only, counselor=counselor))
            .group_by(AccountRow.demo)
        )
        counts = {bool(is_demo): int(count) for is_demo, count in (await self._session.execute(query)).all()}
        return ClientCounts(real=counts.get(False, 0), demo=counts.get(True, 0))

    async def names(self, client_ids: Collection[UUID]) -> dict[UUID, str | None]:
        """The clients' names, opened (each under the client's own key): what a search by name must read,
        since names are sealed. The caller bounds how many."""
        if not client_ids:
            return {}
        rows = (
            await self._session.execute(
                select(_PROFILE.account_id, _PROFILE.display_name).where(_PROFILE.account_id.in_(list(client_ids)))
            )
        ).all()
        sealed = {cast(UUID, client_id): cast(bytes | None, name) for client_id, name in rows}
        await self._keys.preload(sealed)
        names: dict[UUID, str | None] = {}
        for client_id, name in sealed.items():
            key = await self._keys.for_account(client_id)
            names[client_id] = PROFILES.open_column(self._crypto, key, "display_name", client_id, name)
        return names

    # --- the case pipeline, by hand --------------------------------------------------------------------------
    async def set_stage(self, client_id: UUID, stage: Stage, *, cause: str, now: datetime) -> None:
        """A counselor's stage change: recorded whatever the current stage (the rules are in domain.casework)."""
        if len(cause) > 32:
            raise ValueError("cause must be at most 32 characters")
        self._session.add(
            CaseStageRow(id=uuid4(), account_id=client_id, stage=stage.value, cause=cause, changed_at=now)
        )
        await self._session.flush()

    async def current_stages(self, client_ids: Collection[UUID]) -> dict[UUID, tuple[Stage, datetime]]:
        """Each client's current stage and since when (clients without a stage are left out)."""
        if not client_ids:
            return {}
        rows = await self._session.execute(
            select(CaseStageRow.account_id, CaseStageRow.stage, CaseStageRow.changed_at)
            .where(CaseStageRow.account_id.in_(list(client_ids)))
            .order_by(CaseStageRow.account_id, CaseStageRow.changed_at, CaseStageRow.id)
        )
        latest: dict[UUID, tuple[Stage, datetime]] = {}
        for account_id, stage, changed_at in rows.all():
            known = latest.get(account_id)
            if known is None or changed_at >= known[1]:
                latest[account_id] = (Stage(stage), changed_at)
        return latest


class NotesRepository(Repository):
    async def add(self, client_id: UUID, *, author_id: UUID, text: str, now: datetime) -> ClientNote:
        row = ClientNoteRow(id=uuid4(), client_id=client_id, author_id=author_id, created_at=now)
        key = await self._keys.for_account(client_id)
        NOTES.apply(self._crypto, key, row, {"text": text})
        self._session.add(row)
        await self._session.flush()
        return NOTES.decode(self._crypto, key, row)

    async def list_for(self, client_id: UUID, *, limit: int | None = None) -> list[ClientNote]:
        """The client's notes, newest first."""
        rows = (
            await self._session.scalars(
                select(ClientNoteRow)
                .where(ClientNoteRow.client_id == client_id)
                .order_by(ClientNoteRow.created_at.desc(), ClientNoteRow.id)
                .limit(limit)
            )
        ).all()
        if not rows:
            return []
        key = await self._keys.for_account(client_id)
        return [NOTES.decode(self._crypto, key, row) for row in rows]

    async def count_for(self, client_id: UUID) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(ClientNoteRow).where(ClientNoteRow.client_id == client_id)
        )
        return int(count or 0)
