"""Hiring (docs/hiring.md): positions, the candidates' pipeline, and hiring, which issues the staff invitation
for the position's role and delivers it to the candidate in the bot. Reached as `services.hiring`.

Managers' actions need MANAGE_HIRING (checked here again, whatever the router let through) and, for a hire, the
authority to give the position's role (`domain.staff.ensure_can_grant`). A candidate applies through the
position's link and the bot's short interview; their data is sealed under their own account key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain import invites
from domain.identity import Channel, Principal
from domain.personnel.hiring import (
    NEXT,
    Application,
    EventKind,
    MoveRefusal,
    Pipeline,
    PositionState,
    Stage,
    accepts_applications,
    closes_when_hired,
    move_refusal,
    new_position_code,
)
from domain.staff import Permission, Role, allows, ensure, ensure_can_grant
from handlers.services.feature import FeatureService
from handlers.services.staff_access import Actor, staff_role
from handlers.views import hiring as views
from storage.repositories.hiring import Candidate, CandidateEvent, HiringRepository, Position

HIRING = Permission.MANAGE_HIRING


class ApplyRefusal(StrEnum):
    """Why someone cannot apply for a position."""

    NO_POSITION = "no_position"  # an unknown code
    NOT_OPEN = "not_open"  # closed, or every seat filled
    STAFF = "staff"  # already on the agency's staff
    APPLIED = "applied"  # applied for this position before


class Moved(StrEnum):
    DONE = "done"
    STALE = "stale"  # no such candidate, or they are not where the button says any more
    FULL = "full"  # a hire, but every seat is filled


@dataclass(frozen=True)
class PositionSummary:
    position: Position
    pipeline: Pipeline


@dataclass(frozen=True)
class CandidateCard:
    candidate: Candidate
    position: Position
    timeline: list[CandidateEvent]
    names: dict[UUID, str]  # who acted on the timeline: staff names by account


@dataclass(frozen=True)
class Hired:
    candidate: Candidate
    delivered: bool  # the invitation reached the candidate in the bot
    closed: bool  # this hire filled the last seat: the position closed


@dataclass
class HiringDesk(FeatureService):
    principal: Principal | None = None

    @property
    def repository(self) -> HiringRepository:
        return HiringRepository.of(self.uow)

    # --- positions -------------------------------------------------------------------------------------------
    async def positions(self) -> list[PositionSummary]:
        positions = await self.repository.positions()
        counts = await self.repository.stage_counts(p.id for p in positions)
        return [PositionSummary(p, Pipeline(counts[p.id])) for p in positions]

    async def position(self, position_id: UUID | None) -> PositionSummary | None:
        position = None if position_id is None else await self.repository.position(position_id)
        if position is None:
            return None
        counts = await self.repository.stage_counts([position.id])
        return PositionSummary(position, Pipeline(counts[position.id]))

    async def open_position(self, actor: Actor, role: Role, title: str, headcount: int, requirements: str) -> Position:
        """A new open position; raises `PermissionDenied` without MANAGE_HIRING or the authority to give `role`."""
        ensure(actor.role, HIRING)
        ensure_can_grant(actor.role, role)
        code = new_position_code()
        while await self.repository.code_taken(code):
            code = new_position_code()
        now = self.now()
        position = await self.repository.add_position(
            code=code,
            role=role.value,
            title=title,
            headcount=headcount,
            requirements=requirements,
            by=actor.account_id,
            now=now,
        )
        await self.uow.audit.record(action="hiring.position_opened", now=now, actor_account_id=actor.account_id)
        return position

    async def close_position(self, actor: Actor, position_id: UUID | None) -> PositionSummary | None:
        """Close the position (no more applications); None when there is no such position."""
        ensure(actor.role, HIRING)
        if position_id is None:
            return None
        now = self.now()
        if await self.repository.close_position(position_id, now):
            await self.uow.audit.record(action="hiring.position_closed", now=now, actor_account_id=actor.account_id)
        return await self.position(position_id)

    async def candidates(self, position_id: UUID | None, stage: Stage) -> list[Candidate]:
        return [] if position_id is None else await self.repository.candidates(position_id, stage)

    # --- one candidate ---------------------------------------------------------------------------------------
    async def card(self, actor: Actor, candidate_id: UUID | None) -> CandidateCard | None:
        """The candidate's card (their data, opened: the read is audited); None when stale."""
        ensure(actor.role, HIRING)
        candidate = None if candidate_id is None else await self.repository.candidate(candidate_id)
        position = None if candidate is None else await self.repository.position(candidate.position_id)
        if candidate is None or position is None:
            return None
        timeline = await self.repository.timeline(candidate)
        actors = {event.actor_id for event in timeline if event.actor_id is not None} - {candidate.account_id}
        names = {}
        for account_id in actors:
            member = await self.uow.staff.get(account_id)
            if member is not None and member.display_name:
                names[account_id] = member.display_name
        await self.uow.audit.record(
            action="hiring.candidate_viewed",
            now=self.now(),
            actor_account_id=actor.account_id,
            subject_account_id=candidate.account_id,
        )
        return CandidateCard(candidate, position, timeline, names)

    async def advance(self, actor: Actor, candidate_id: UUID | None, source: Stage) -> Moved:
        """Move the candidate one stage on from `source` (applied → interview → offer); a hire is `hire`."""
        ensure(actor.role, HIRING)
        target = NEXT.get(source)
        if target is None or target is Stage.HIRED:
            return Moved.STALE
        return await self._move(actor, candidate_id, source, target, EventKind.MOVED)

    async def decline(self, actor: Actor, candidate_id: UUID | None, source: Stage) -> Moved:
        ensure(actor.role, HIRING)
        return await self._move(actor, candidate_id, source, Stage.DECLINED, EventKind.DECLINED)

    async def add_note(self, actor: Actor, candidate_id: UUID | None, note: str) -> bool:
        """A manager's note on the candidate's timeline (sealed under the candidate's key); False when stale."""
        ensure(actor.role, HIRING)
        candidate = None if candidate_id is None else await self.repository.candidate(candidate_id)
        if candidate is None:
            return False
        now = self.now()
        await self.repository.add_event(
            candidate, EventKind.NOTE, stage=Stage(candidate.stage), note=note, actor_id=actor.account_id, now=now
        )
        await self.uow.audit.record(
            action="hiring.note_added",
            now=now,
            actor_account_id=actor.account_id,
            subject_account_id=candidate.account_id,
        )
        return True

    async def hire(self, actor: Actor, candidate_id: UUID | None, *, bot_username: str | None) -> Hired | Moved:
        """Hire a candidate at the offer stage: a one-time staff invitation for the position's role, delivered to
        them in the bot (`bot_username`: for a Telegram link; the command works everywhere). Raises
        `PermissionDenied` when giving that role is beyond the actor's authority."""
        ensure(actor.role, HIRING)
        candidate = None if candidate_id is None else await self.repository.candidate(candidate_id)
        summary = None if candidate is None else await self.position(candidate.position_id)
        if candidate is None or summary is None:
            return Moved.STALE
        position = summary.position
        role = Role(position.role)
        ensure_can_grant(actor.role, role)
        refusal = move_refusal(
            Stage(candidate.stage), Stage.HIRED, filled=summary.pipeline.filled, headcount=position.headcount
        )
        if refusal is MoveRefusal.FULL:
            return Moved.FULL
        if refusal is not None or Stage(candidate.stage) is not Stage.OFFER:
            return Moved.STALE
        now = self.now()
        if not await self.repository.move(candidate.id, source=Stage.OFFER, target=Stage.HIRED, now=now):
            return Moved.STALE
        code = invites.new_code()
        hours = self.settings.staff_invite_hours
        invite = await self.uow.invites.create(
            code, role=role.value, created_by=actor.account_id, now=now, expires_at=invites.expires_at(now, hours)
        )
        await self.repository.set_invite(candidate.id, invite.id)
        await self.repository.add_event(
            candidate, EventKind.HIRED, stage=Stage.HIRED, actor_id=actor.account_id, now=now
        )
        await self.uow.audit.record(action="staff.invited", now=now, actor_account_id=actor.account_id)
        await self.uow.audit.record(
            action="hiring.hired", now=now, actor_account_id=actor.account_id, subject_account_id=candidate.account_id
        )
        closed = closes_when_hired(filled_after=summary.pipeline.filled + 1, headcount=position.headcount)
        if closed:
            await self.repository.close_position(position.id, now)
        account = await self.uow.accounts.get(candidate.account_id)
        on_telegram = account is not None and account.channel == Channel.TELEGRAM.value
        link_name = bot_username if on_telegram else None
        delivered = await self.notifier.to_client(
            candidate.account_id,
            lambda: views.hired_notice(position.title, role, invites.payload(code), hours, link_name),
            dedupe_key=f"hiring:hired:{candidate.id}",
        )
        moved = await self.repository.candidate(candidate.id)
        assert moved is not None
        return Hired(moved, delivered=delivered, closed=closed)

    async def _move(
        self, actor: Actor, candidate_id: UUID | None, source: Stage, target: Stage, kind: EventKind
    ) -> Moved:
        candidate = None if candidate_id is None else await self.repository.candidate(candidate_id)
        if candidate is None or Stage(candidate.stage) is not source:
            return Moved.STALE
        if move_refusal(source, target, filled=0, headcount=1) is not None:
            return Moved.STALE
        now = self.now()
        if not await self.repository.move(candidate.id, source=source, target=target, now=now):
            return Moved.STALE
        await self.repository.add_event(candidate, kind, stage=target, actor_id=actor.account_id, now=now)
        await self.uow.audit.record(
            action="hiring.stage_changed",
            now=now,
            actor_account_id=actor.account_id,
            subject_account_id=candidate.account_id,
        )
        return Moved.DONE

    # --- applying --------------------------------------------------------------------------------------------
    async def applicable(self, code: str | None) -> Position | ApplyRefusal:
        """The position a `/start apply-<code>` link names, when the person behind the update may apply."""
        position = None if code is None else await self.repository.position_by_code(code)
        if position is None:
            return ApplyRefusal.NO_POSITION
        return await self._check_applicable(position)

    async def applicable_by_id(self, position_id: UUID | None) -> Position | ApplyRefusal:
        position = None if position_id is None else await self.repository.position(position_id)
        if position is None:
            return ApplyRefusal.NO_POSITION
        return await self._check_applicable(position)

    async def _check_applicable(self, position: Position) -> Position | ApplyRefusal:
        counts = await self.repository.stage_counts([position.id])
        filled = Pipeline(counts[position.id]).filled
        if not accepts_applications(PositionState(position.state), filled=filled, headcount=position.headcount):
            return ApplyRefusal.NOT_OPEN
        if staff_role(self.principal) is not None:
            return ApplyRefusal.STAFF
        account_id = None if self.principal is None else self.principal.account_id
        if account_id is not None and await self.repository.has_applied(position.id, account_id):
            return ApplyRefusal.APPLIED
        return position

    async def apply(self, position_id: UUID | None, application: Application) -> Candidate | ApplyRefusal:
        """Keep the application (an account is made for a newcomer: it owns the key that seals their answers) and
        tell the hiring managers."""
        position = await self.applicable_by_id(position_id)
        if isinstance(position, ApplyRefusal):
            return position
        principal = self.principal
        assert principal is not None
        now = self.now()
        account_id = principal.account_id
        if account_id is None:
            account, _created = await self.uow.accounts.get_or_create(
                principal.channel.value, principal.external_id, locale=principal.locale, now=now
            )
            self.uow.principal_id = account_id = account.id
        candidate = await self.repository.add_candidate(position.id, account_id, application, now=now)
        for manager in await self._hiring_managers():
            await self.notifier.to_client(
                manager,
                lambda: views.new_candidate_alert(position.title, candidate.name, candidate.id),
                dedupe_key=f"hiring:applied:{candidate.id}:{manager}",
            )
        return candidate

    async def _hiring_managers(self) -> list[UUID]:
        """Active staff members who hold MANAGE_HIRING (the managers and the owners with a staff row)."""
        members = await self.uow.staff.list()
        return [m.account_id for m in members if (role := _role(m.role)) is not None and allows(role, HIRING)]


def _role(code: str) -> Role | None:
    try:
        return Role(code)
    except ValueError:
        return None
