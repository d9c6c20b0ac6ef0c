"""Staff penalties: a manager with SUPERVISE_QUALITY records a warning, a fine, a suspension or a dismissal
against a counselor or customer-service member, with the reason and the evidence (a complaint case, an audit
entry); a suspension or dismissal also takes the member's access away (the existing deactivation). The member
sees their penalties on /penalties and may appeal each once; a manager keeps or lifts it.

A fine is exact money (`Decimal`, the agency's currency, stored in minor units), withheld from the member's
pay: it is written to the ledger as a salaries entry of the amount (source `penalty`, lowering what salaries
cost the agency) in the same transaction as the penalty, and reversed there when an appeal lifts it
(docs/quality.md, docs/finance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.finance.accounts import Category, Source
from domain.identity import Principal
from domain.membership.money import from_minor, parse_amount, to_minor
from domain.membership.states import LedgerKind
from domain.quality import (
    AppealDecision,
    PenaltyKind,
    PenaltyOrder,
    PenaltyRefusal,
    audit_reference_in,
    bars_access,
    complaint_reference_in,
    ensure_can_penalise,
    takes_access,
)
from domain.staff import Permission, PermissionDenied, Role, ensure
from handlers.services.feature import FeatureService
from handlers.services.staff import StaffOffice
from handlers.services.staff_access import Actor
from handlers.views import quality_penalties as views
from storage.records import StaffMember
from storage.repositories.complaints import ComplaintsRepository
from storage.repositories.quality_penalties import PenaltiesRepository, StaffPenalty

PENALISED_ACTION = "staff.penalised"
APPEALED_ACTION = "staff.penalty_appealed"
DECIDED_ACTION = "staff.penalty_decided"


class Issue(StrEnum):
    DONE = "done"
    NO_MEMBER = "no_member"  # no (single) staff member with that reference
    BAD_AMOUNT = "bad_amount"  # not an amount in the agency's currency
    SELF = "self"
    OUTRANKS = "outranks"


@dataclass(frozen=True)
class Issued:
    outcome: Issue
    penalty: StaffPenalty | None = None
    member: StaffMember | None = None


def amount_of(penalty: StaffPenalty) -> Decimal | None:
    if penalty.amount_minor is None or penalty.currency is None:
        return None
    return from_minor(penalty.amount_minor, penalty.currency)


@dataclass
class PenaltyDesk(FeatureService):
    @property
    def penalties(self) -> PenaltiesRepository:
        return PenaltiesRepository.of(self.uow)

    async def find_member(self, reference: str) -> StaffMember | None:
        found = [m for m in await self.uow.staff.list(active_only=False) if m.account_id.hex.startswith(reference)]
        return found[0] if len(found) == 1 else None

    async def issue(self, actor: Actor, order: PenaltyOrder) -> Issued:
        """Record the penalty (raises PermissionDenied without SUPERVISE_QUALITY) and tell the member."""
        ensure(actor.role, Permission.SUPERVISE_QUALITY)
        member = await self.find_member(order.member)
        if member is None:
            return Issued(Issue.NO_MEMBER)
        refusal = ensure_can_penalise(actor.role, Role(member.role), is_self=member.account_id == actor.account_id)
        if refusal is PenaltyRefusal.SELF:
            return Issued(Issue.SELF, member=member)
        if refusal is not None:
            return Issued(Issue.OUTRANKS, member=member)
        amount_minor = currency = None
        if order.kind is PenaltyKind.FINE:
            currency = self.settings.currency
            try:
                amount = parse_amount(order.amount or "", currency)
            except ValueError:
                return Issued(Issue.BAD_AMOUNT, member=member)
            if amount <= 0:
                return Issued(Issue.BAD_AMOUNT, member=member)
            amount_minor = to_minor(amount, currency)
        evidence = complaint_reference_in(order.reason)
        case = None if evidence is None else await ComplaintsRepository.of(self.uow).by_reference(evidence)
        logged = audit_reference_in(order.reason)
        audit_entry = None if logged is None else await self.uow.audit.by_reference(logged)
        now = self.now()
        entry = None
        if amount_minor is not None and currency is not None:
            entry = await self.uow.ledger.append(
                LedgerKind.EXPENSE,
                currency=currency,
                amount_minor=amount_minor,  # withheld from pay: salaries cost that much less
                now=now,
                category=Category.SALARIES,
                source=Source.PENALTY,
                made_by=actor.account_id,
            )
        penalty = await self.penalties.add(
            member.account_id,
            order.kind,
            order.reason,
            issued_by=actor.account_id,
            now=now,
            complaint_id=None if case is None else case.id,
            audit_id=None if audit_entry is None else audit_entry.id,
            amount_minor=amount_minor,
            currency=currency,
            ledger_entry_id=None if entry is None else entry.id,
        )
        await self.uow.audit.record(
            action=PENALISED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=member.account_id
        )
        if takes_access(order.kind) and member.active:
            await self._office().set_access(actor, member, active=False)
        await self.notifier.to_client(
            member.account_id,
            lambda: views.penalty_notice(penalty, amount_of(penalty)),
            dedupe_key=f"penalty:{penalty.id}",
        )
        return Issued(Issue.DONE, penalty, member)

    async def of_member(self, account_id: UUID) -> list[StaffPenalty]:
        return await self.penalties.list_for(account_id)

    async def penalised_actor(self, principal: Principal | None) -> Actor | None:
        """A member whom a suspension or dismissal made inactive, as the actor of their own /penalties and
        appeal (nothing else opens to them); None for anyone else."""
        account_id = None if principal is None else principal.account_id
        member = None if account_id is None else await self.uow.staff.get(account_id)
        if member is None or member.active:
            return None
        if not any(bars_access(p.kind, p.appeal_decision) for p in await self.penalties.list_for(member.account_id)):
            return None
        return Actor(role=Role(member.role), account_id=member.account_id, member=member, trained=False)

    async def may_appeal(self, actor: Actor, penalty_id: UUID | None) -> bool:
        """The penalty is the member's own and not appealed yet (asked before the appeal's words are)."""
        if penalty_id is None or actor.account_id is None:
            return False
        penalty = await self.penalties.get(penalty_id)
        return penalty is not None and penalty.staff_id == actor.account_id and penalty.appealed_at is None

    async def appeal(self, actor: Actor, penalty_id: UUID | None, text: str) -> bool:
        """The member's one appeal of their own penalty; the managers are told, with the decision buttons."""
        if penalty_id is None or actor.account_id is None:
            return False
        now = self.now()
        if not await self.penalties.appeal(penalty_id, actor.account_id, text, now=now):
            return False
        penalty = await self.penalties.get(penalty_id)
        assert penalty is not None
        await self.uow.audit.record(
            action=APPEALED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=actor.account_id
        )
        name = actor.member.display_name if actor.member else None
        managers = [m.account_id for m in await self.uow.staff.list(role=Role.MANAGER.value)]
        managers = managers or [m.account_id for m in await self.uow.staff.list(role=Role.OWNER.value)]
        for manager in managers:
            if manager != actor.account_id:
                await self.notifier.to_client(
                    manager,
                    lambda: views.appeal_alert(penalty, name, amount_of(penalty)),
                    dedupe_key=f"appeal:{penalty.id}:{manager}",
                )
        return True

    async def decide(self, actor: Actor, penalty_id: UUID | None, decision: AppealDecision) -> StaffPenalty | None:
        """Keep or lift an appealed penalty (SUPERVISE_QUALITY; never one's own); a suspension or dismissal may
        also be lifted without an appeal. A lifted one gives the member's access back when nothing else bars it.
        The member is told. None: stale (no appeal, decided already, or one's own)."""
        ensure(actor.role, Permission.SUPERVISE_QUALITY)
        penalty = None if penalty_id is None else await self.penalties.get(penalty_id)
        if penalty is None or penalty.staff_id == actor.account_id:
            return None
        now = self.now()
        if decision is AppealDecision.LIFTED and penalty.appealed_at is None and takes_access(penalty.kind):
            decided = await self.penalties.lift(penalty.id, by=actor.account_id, now=now)
        else:
            decided = await self.penalties.decide(penalty.id, decision, by=actor.account_id, now=now)
        if not decided:
            return None
        if decision is AppealDecision.LIFTED and penalty.ledger_entry_id is not None:
            await self.uow.ledger.reverse(penalty.ledger_entry_id, now=now, made_by=actor.account_id)
        await self.uow.audit.record(
            action=DECIDED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=penalty.staff_id
        )
        restored = decision is AppealDecision.LIFTED and await self._give_access_back(actor, penalty.staff_id)
        appealed = penalty.appealed_at is not None
        await self.notifier.to_client(
            penalty.staff_id,
            lambda: views.decision_notice(decision, appealed=appealed, restored=restored),
            dedupe_key=f"decided:{penalty.id}",
        )
        return penalty

    async def _give_access_back(self, actor: Actor, staff_id: UUID) -> bool:
        """Reactivate a member whom no suspension or dismissal bars any more; whether it was done."""
        member = await self.uow.staff.get(staff_id)
        if member is None or member.active:
            return False
        if any(bars_access(p.kind, p.appeal_decision) for p in await self.penalties.list_for(staff_id)):
            return False
        try:
            await self._office().set_access(actor, member, active=True)
        except PermissionDenied:
            return False  # one who may not manage them: their access waits for someone who may
        return True

    def _office(self) -> StaffOffice:
        return StaffOffice(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, principal=None)
