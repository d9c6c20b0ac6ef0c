"""Complaints as cases: opened by a client's /complain or by another feature (a profile report, date feedback,
a low conversation rating), handled by customer service (or a manager when about staff) on `/complaints`,
kept to the SLA by a scheduled check, closed with an outcome and the client's "satisfied?".

`ComplaintDesk.beside(service)` is the hook other features call inside their own unit of work:

    await ComplaintDesk.beside(self).from_report(report)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from aiogram.types import InlineKeyboardMarkup

from domain.delivery import OutboundMessage
from domain.matching.decisions import ReportReason
from domain.quality import (
    Breach,
    CaseState,
    Category,
    Deadlines,
    EventKind,
    Moderation,
    ModerationState,
    Outcome,
    Owner,
    Source,
    breach,
    ensure_can_handle,
    escalation_due,
    hidden_until,
    may_handle,
    moderation_state,
    outcome_fits,
    owner_for,
    repeat_window_start,
    resolve_refusal,
    starting_severity,
)
from domain.staff import Role
from handlers.services.feature import FeatureService
from handlers.services.membership.desk import MembershipDesk
from handlers.services.staff_access import Actor
from handlers.views import quality as views
from handlers.views.membership_outcomes import RefundProblem
from handlers.views.punctuation import with_aside
from storage.records import Report
from storage.repositories.complaints import Complaint, ComplaintEvent, ComplaintsRepository
from storage.repositories.quality_moderation import ModerationRepository

OPENED_ACTION = "complaint.opened"
READ_ACTION = "complaint.read"  # a staff member read a case (the client's words): audited
RESOLVED_ACTION = "complaint.resolved"
MODERATED_ACTION = "moderation."  # + the action: who moderated whom
BLOCKED_ACTION = "client.blocked"
SERIOUS_REPORTS = frozenset({ReportReason.SCAM, ReportReason.OFFENSIVE})


class ComplainRefusal(StrEnum):
    NEVER_MET = "never_met"  # a complaint about staff by a client no staff member has served
    NOT_INTRODUCED = "not_introduced"  # a complaint about a client the complainant was never introduced to


class CaseChange(StrEnum):
    DONE = "done"
    REFUND_REQUESTED = "refund_requested"  # resolved; an upheld complaint about money asked finance for a refund
    GONE = "gone"  # no such case
    TAKEN = "taken"  # someone took it first
    RESOLVED = "resolved"  # resolved already (by someone else, at the same moment)
    NOT_TAKEN = "not_taken"  # resolve before taking
    WRONG_OUTCOME = "wrong_outcome"
    PROFILE_GONE = "profile_gone"  # moderation of a profile that was deleted: only dismissing is left
    NOT_SUSPENDED = "not_suspended"  # lifting a suspension that was lifted already (or never was)


@dataclass(frozen=True)
class CaseView:
    case: Complaint
    events: list[ComplaintEvent]
    client_name: str
    about_name: str | None
    names: dict[UUID, str]
    about_client: bool = False  # the case is about a client whose profile can be moderated
    about_suspended: bool = False  # ...and whose profile is suspended now (its suspension can be lifted)


@dataclass(frozen=True)
class Blocked:
    name: str  # the blocked person's short name
    introduction_id: UUID  # their introduction, closed by the block


def owners_for(role: Role) -> tuple[Owner, ...]:
    """Whose cases a role sees on /complaints: those it may handle."""
    return tuple(owner for owner in Owner if may_handle(role, owner))


@dataclass
class ComplaintDesk(FeatureService):
    @property
    def complaints(self) -> ComplaintsRepository:
        return ComplaintsRepository.of(self.uow)

    # --- opening ----------------------------------------------------------------------------------------------
    async def open_case(
        self,
        client_id: UUID,
        *,
        source: Source,
        category: Category,
        text: str | None = None,
        about_id: UUID | None = None,
        ref_id: UUID | None = None,
        serious: bool = False,
    ) -> Complaint:
        """A new case (or, for a source that opened one already, that case), its owners told."""
        if ref_id is not None:
            existing = await self.complaints.by_ref(ref_id)
            if existing is not None:
                return existing
        severity = starting_severity(category, earlier_about_same=await self.earlier_about(about_id), serious=serious)
        now = self.now()
        case = await self.complaints.open(
            client_id,
            source=source,
            category=category,
            severity=severity,
            owner=owner_for(category),
            now=now,
            text=text,
            about_id=about_id,
            ref_id=ref_id,
        )
        await self.uow.audit.record(
            action=OPENED_ACTION, now=now, actor_account_id=client_id, subject_account_id=about_id or client_id
        )
        await self._tell_handlers(case, lambda: views.new_case_alert(case), key=f"complaint:{case.id}")
        return case

    async def reclassify(self, case_id: UUID, category: Category, about_id: UUID | None) -> Complaint | None:
        """Make a case nobody has taken yet about something else (a survey's low NPS case that a low counselor
        score makes about staff); its new owners are told. None once it was taken (it stays as it was)."""
        current = await self.complaints.get(case_id)
        if current is None or (current.category == category.value and current.about_id == about_id):
            return current
        changed = await self.complaints.reclassify(
            case_id,
            category=category,
            severity=starting_severity(category, earlier_about_same=await self.earlier_about(about_id)),
            owner=owner_for(category),
            about_id=about_id,
        )
        case = await self.complaints.get(case_id) if changed else None
        if case is not None:
            await self._tell_handlers(case, lambda: views.new_case_alert(case), key=f"complaint:{case.id}:{category}")
        return case

    async def earlier_about(self, about_id: UUID | None) -> int:
        """Cases about this person within the repeat window, resolved or not: repeated complaints raise the
        priority of the next one even after the earlier ones were handled."""
        if about_id is None:
            return 0
        return await self.complaints.count_about_since(about_id, repeat_window_start(self.now()))

    async def from_report(self, report: Report) -> Complaint:
        """A profile report: a case about the reported client (repeated reports raise its priority)."""
        return await self.open_case(
            report.reporter_id,
            source=Source.REPORT,
            category=Category.CLIENT,
            text=report.comment,
            about_id=report.reported_id,
            ref_id=report.id,
            serious=ReportReason(report.reason) in SERIOUS_REPORTS,
        )

    async def from_date_feedback(
        self, author_id: UUID, feedback_id: UUID, other_id: UUID | None, *, no_show: bool
    ) -> Complaint:
        """A low date rating, a no-show or feedback marked as a complaint: a case about the date."""
        return await self.open_case(
            author_id,
            source=Source.DATE_FEEDBACK,
            category=Category.CLIENT,
            about_id=other_id,
            ref_id=feedback_id,
            serious=no_show,
        )

    async def from_handoff_rating(self, client_id: UUID, handoff_id: UUID, counselor_id: UUID | None) -> Complaint:
        """A low rating of a conversation with a counselor: a case about staff, for a manager."""
        return await self.open_case(
            client_id,
            source=Source.HANDOFF_RATING,
            category=Category.STAFF,
            about_id=counselor_id,
            ref_id=handoff_id,
        )

    # --- the client -------------------------------------------------------------------------------------------
    async def staff_met(self, client_id: UUID) -> list[UUID]:
        """The staff members who served the client: their counselor, then whoever talked with them."""
        met: list[UUID] = []
        counselor = await self.uow.assignments.counselor_of(client_id)
        if counselor is not None:
            met.append(counselor)
        for handoff in reversed(await self.uow.handoffs.for_client(client_id)):
            if handoff.counselor_id is not None and handoff.counselor_id not in met:
                met.append(handoff.counselor_id)
        return met

    async def staff_name(self, account_id: UUID) -> str | None:
        member = await self.uow.staff.get(account_id)
        return None if member is None else member.display_name

    async def complain(
        self, client_id: UUID, category: Category, text: str, about_id: UUID | None = None
    ) -> Complaint | ComplainRefusal:
        """The client's /complain. About staff: only someone who served them; about another client: only someone
        they were introduced to (both checked afresh; the case then counts towards that client's priority and
        can be moderated)."""
        if category is Category.STAFF:
            met = await self.staff_met(client_id)
            if not met:
                return ComplainRefusal.NEVER_MET
            if about_id not in met:
                about_id = met[0]
        elif category is Category.CLIENT:
            if about_id is None or await self.uow.introductions.for_pair(client_id, about_id) is None:
                return ComplainRefusal.NOT_INTRODUCED
        else:
            about_id = None
        return await self.open_case(client_id, source=Source.COMPLAIN, category=category, text=text, about_id=about_id)

    async def answer_satisfaction(self, client_id: UUID | None, case_id: UUID | None, satisfied: bool) -> bool:
        """The client's answer to "satisfied with how we handled it?"; False when stale or not theirs."""
        if client_id is None or case_id is None:
            return False
        done = await self.complaints.answer_satisfaction(case_id, client_id, satisfied, now=self.now())
        if done and not satisfied:
            case = await self.complaints.get(case_id)
            if case is not None:
                await self._tell(
                    await self._managers(), lambda: views.unsatisfied_alert(case), key=f"unsatisfied:{case_id}"
                )
        return done

    # --- staff ------------------------------------------------------------------------------------------------
    async def open_cases(self, actor: Actor) -> tuple[list[Complaint], int]:
        owners = owners_for(actor.role)
        if not owners:
            return [], 0
        cases = await self.complaints.list_open(owners=owners, limit=views.LIST_LIMIT)
        return cases, await self.complaints.count_open(owners=owners)

    async def case_view(self, actor: Actor, case_id: UUID | None) -> CaseView | None:
        """The case card (None: no such case); reading it is audited. Raises PermissionDenied when the case
        is not the actor's to handle."""
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is None:
            return None
        ensure_can_handle(actor.role, Owner(case.owner))
        await self.uow.audit.record(
            action=READ_ACTION, now=self.now(), actor_account_id=actor.account_id, subject_account_id=case.client_id
        )
        events = await self.complaints.timeline(case.id)
        profile = await self.uow.profiles.get(case.client_id)
        client_name = (None if profile is None else profile.short_name()) or "?"
        about_name = None
        about_client = False
        if case.about_id is not None:
            about_name = await self.staff_name(case.about_id)
            if about_name is None:
                about_profile = await self.uow.profiles.get(case.about_id)
                short = None if about_profile is None else about_profile.short_name()
                about_name = with_aside(short or "?", case.about_id.hex[:8])
                about_client = Category(case.category) is Category.CLIENT
        about_suspended = about_client and await self._suspended(case.about_id)
        names: dict[UUID, str] = {}
        for event in events:
            if event.actor_id is not None and event.actor_id not in names:
                name = await self.staff_name(event.actor_id)
                if name is None and event.actor_id == case.client_id:
                    name = client_name
                names[event.actor_id] = name or "?"
        return CaseView(case, events, client_name, about_name, names, about_client, about_suspended)

    async def case_screen(self, actor: Actor, case_id: UUID | None) -> tuple[str, InlineKeyboardMarkup] | None:
        """`case_view` as the card people see (its text and buttons)."""
        view = await self.case_view(actor, case_id)
        if view is None:
            return None
        return views.case_card(
            view.case,
            view.events,
            now=self.now(),
            client_name=view.client_name,
            about_name=view.about_name,
            names=view.names,
            about_client=view.about_client,
            about_suspended=view.about_suspended,
        )

    async def may_note(self, actor: Actor, case_id: UUID | None) -> bool:
        """Whether the case exists (False: gone); raises PermissionDenied when it is not the actor's to handle."""
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is not None:
            ensure_can_handle(actor.role, Owner(case.owner))
        return case is not None

    async def add_note(self, actor: Actor, case_id: UUID | None, note: str) -> CaseChange:
        """A handler's note on the case's timeline (sealed under the client's key), in any state."""
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is None:
            return CaseChange.GONE
        ensure_can_handle(actor.role, Owner(case.owner))
        await self.complaints.add_event(
            case.id, case.client_id, EventKind.NOTE, now=self.now(), actor_id=actor.account_id, note=note
        )
        return CaseChange.DONE

    async def take(self, actor: Actor, case_id: UUID | None) -> CaseChange:
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is None:
            return CaseChange.GONE
        ensure_can_handle(actor.role, Owner(case.owner))
        if not await self.complaints.take(case.id, actor.account_id, now=self.now()):
            return CaseChange.RESOLVED if case.state == CaseState.RESOLVED.value else CaseChange.TAKEN
        await self.notifier.to_client(
            case.client_id, lambda: views.case_taken_notice(case), dedupe_key=f"taken:{case.id}"
        )
        return CaseChange.DONE

    async def resolve(self, actor: Actor, case_id: UUID | None, outcome: Outcome | None) -> CaseChange:
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is None:
            return CaseChange.GONE
        ensure_can_handle(actor.role, Owner(case.owner))
        if outcome is None or not outcome_fits(Category(case.category), outcome):
            return CaseChange.WRONG_OUTCOME
        refusal = resolve_refusal(CaseState(case.state))
        if refusal is not None:
            return CaseChange.RESOLVED if CaseState(case.state) is CaseState.RESOLVED else CaseChange.NOT_TAKEN
        return await self._close(actor, case, outcome)

    async def _close(self, actor: Actor, case: Complaint, outcome: Outcome) -> CaseChange:
        """Resolve a taken case (one winner when two press at once), close its report, tell the client."""
        now = self.now()
        if not await self.complaints.resolve(case.id, actor.account_id, outcome, now=now):
            return CaseChange.RESOLVED  # another handler resolved it a moment ago
        if case.source == Source.REPORT.value and case.ref_id is not None:
            await self.uow.reports.close(case.ref_id)
        await self.uow.audit.record(
            action=RESOLVED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=case.client_id
        )
        await self.notifier.to_client(
            case.client_id, lambda: views.resolved_notice(case, outcome), dedupe_key=f"resolved:{case.id}"
        )
        if Category(case.category) is Category.FEES and outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD):
            # The refund policy decides what is due; finance decides on /refunds, as for a client's own request.
            reason = f"{views.reference(case.id)}: {case.text or ''}".strip()
            if not isinstance(await MembershipDesk.beside(self).request_refund(case.client_id, reason), RefundProblem):
                return CaseChange.REFUND_REQUESTED
        return CaseChange.DONE

    # --- report moderation ----------------------------------------------------------------------------------------
    async def moderate(self, actor: Actor, case_id: UUID | None, action: Moderation | None) -> CaseChange:
        """Decide about the reported client of a case: dismiss, warn, hide for some days or suspend; the case is
        resolved with it. The reported client hears what concerns them (never who complained); the complainant
        hears the outcome. LIFT ends the client's suspension from any case about them, resolved or not."""
        case = None if case_id is None else await self.complaints.get(case_id)
        if case is None:
            return CaseChange.GONE
        ensure_can_handle(actor.role, Owner(case.owner))
        about = case.about_id
        if action is None or about is None or Category(case.category) is not Category.CLIENT:
            return CaseChange.WRONG_OUTCOME
        if action is Moderation.LIFT:
            return await self._lift(actor, about)
        state = CaseState(case.state)
        if resolve_refusal(state) is not None:
            return CaseChange.RESOLVED if state is CaseState.RESOLVED else CaseChange.NOT_TAKEN
        profile = await self.uow.profiles.get(about)
        if action is not Moderation.DISMISS and (profile is None or profile.status == "deleted"):
            return CaseChange.PROFILE_GONE
        change = await self._close(actor, case, action.outcome)
        if change is not CaseChange.DONE or action is Moderation.DISMISS:
            return change
        now = self.now()
        await ModerationRepository.of(self.uow).apply(
            about, moderation_state(action), hidden_until=hidden_until(action, now), by=actor.account_id, now=now
        )
        await self.uow.audit.record(
            action=MODERATED_ACTION + action.value, now=now, actor_account_id=actor.account_id, subject_account_id=about
        )
        await self.notifier.to_client(about, lambda: views.moderation_notice(action), dedupe_key=f"moderated:{case.id}")
        return CaseChange.DONE

    async def _lift(self, actor: Actor, about: UUID) -> CaseChange:
        """The suspension ends (one winner when two press at once); audited; the client is told."""
        now = self.now()
        if not await ModerationRepository.of(self.uow).lift(about, by=actor.account_id, now=now):
            return CaseChange.NOT_SUSPENDED
        await self.uow.audit.record(
            action=MODERATED_ACTION + Moderation.LIFT.value,
            now=now,
            actor_account_id=actor.account_id,
            subject_account_id=about,
        )
        await self.notifier.to_client(
            about, lambda: views.moderation_notice(Moderation.LIFT), dedupe_key=f"lifted:{about}:{now.isoformat()}"
        )
        return CaseChange.DONE

    async def _suspended(self, account_id: UUID | None) -> bool:
        record = None if account_id is None else await ModerationRepository.of(self.uow).get(account_id)
        return record is not None and record.state is ModerationState.SUSPENDED

    # --- blocking -------------------------------------------------------------------------------------------------
    async def introduced_to(self, client_id: UUID) -> list[tuple[UUID, str, bool]]:
        """The people the client was introduced to: (account, short name, blocked already)."""
        moderation = ModerationRepository.of(self.uow)
        people: list[tuple[UUID, str, bool]] = []
        for introduction in await self.uow.introductions.list_for(client_id):
            other = introduction.second_id if introduction.first_id == client_id else introduction.first_id
            profile = await self.uow.profiles.get(other)
            name = (None if profile is None else profile.short_name()) or "?"
            people.append((other, name, await moderation.blocked_between(client_id, other)))
        return people

    async def block(self, client_id: UUID, other_id: UUID | None) -> Blocked | None:
        """Block someone the client was introduced to (checked afresh): neither is put in touch with the other
        again; their introduction is closed, waiting or connected, so neither can propose a date to the other
        (the caller then calls off an open date of theirs: `DateKeeper.call_off`). The other is not told; the
        client's counselor is. None when they were never introduced."""
        if other_id is None:
            return None
        introduction = await self.uow.introductions.for_pair(client_id, other_id)
        if introduction is None:
            return None
        now = self.now()
        if await ModerationRepository.of(self.uow).block(client_id, other_id, now=now):
            await self.uow.introductions.close(introduction, now)
            await self.uow.audit.record(
                action=BLOCKED_ACTION, now=now, actor_account_id=client_id, subject_account_id=other_id
            )
            await self.notifier.to_assigned_counselor(
                client_id, lambda: views.block_alert(client_id), dedupe_key=f"blocked:{client_id}:{other_id}"
            )
        profile = await self.uow.profiles.get(other_id)
        return Blocked((None if profile is None else profile.short_name()) or "?", introduction.id)

    # --- the SLA clock ------------------------------------------------------------------------------------------
    async def escalate_overdue(self) -> int:
        """Escalate every case that missed a target since the last check (once per target): the managers are
        told. Returns how many were escalated."""
        now = self.now()
        escalated = 0
        for case in await self.complaints.unresolved():
            due = Deadlines(case.first_response_due, case.resolution_due)  # as set when it opened
            missed = breach(due, responded_at=case.responded_at, resolved_at=case.resolved_at, now=now)
            level = escalation_due(case.escalation_level, missed)
            if level is None or not await self.complaints.escalate(case.id, int(level), now=now):
                continue
            escalated += 1

            def build(case: Complaint = case, missed: Breach = missed) -> OutboundMessage:
                return views.escalation_alert(case, missed)

            await self._tell(await self._managers(), build, key=f"escalated:{case.id}:{int(level)}")
        return escalated

    # --- inside -------------------------------------------------------------------------------------------------
    async def _managers(self) -> list[UUID]:
        managers = [m.account_id for m in await self.uow.staff.list(role=Role.MANAGER.value)]
        return managers or [m.account_id for m in await self.uow.staff.list(role=Role.OWNER.value)]

    async def _handlers_of(self, owner: Owner) -> list[UUID]:
        if owner is Owner.CUSTOMER_SERVICE:
            desk = [m.account_id for m in await self.uow.staff.list(role=Role.CUSTOMER_SERVICE.value)]
            if desk:
                return desk
        return await self._managers()

    async def _tell_handlers(self, case: Complaint, build: views.Builder, *, key: str) -> None:
        await self._tell(await self._handlers_of(Owner(case.owner)), build, key=key)

    async def _tell(self, people: list[UUID], build: views.Builder, *, key: str) -> None:
        """Each person in their language; the staff chat when there is nobody to tell."""
        told = False
        for person in people:
            told = await self.notifier.to_client(person, build, dedupe_key=f"{key}:{person}") or told
        if not told:
            await self.notifier.to_counselors(build, dedupe_key=key)
