"""`Services`: everything a handler works with in one update, handed to it as the keyword `services`.

This is the one way a handler gets its dependencies. `bot.middlewares.handler_context` builds a `Services` per
update over the update's unit of work; a handler declares `services: Services` and calls one feature service
(`services.dates.propose(...)`). Each feature service is made on first use and kept for the update, so an
update pays only for the services its handler touches. Jobs build the same object over their own unit of work.

Besides `services`, a handler may take what aiogram itself hands over (`state`, `callback_data`, `command`,
`bot`) and what our middlewares and filters add, listed in `bot.middlewares.handler_context.HandlerData`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.identity import Principal
from domain.staff import Permission
from handlers.services.casework.audit_log import AuditLog
from handlers.services.casework.casework import Casework
from handlers.services.dates.keeper import DateKeeper
from handlers.services.dates.planner import DatePlanner
from handlers.services.event_edits import EventEditor
from handlers.services.event_payments import EventPayments
from handlers.services.events import EventDesk
from handlers.services.finance import FinanceDesk
from handlers.services.handoff.handoffs import Handoffs
from handlers.services.matching.matchmaker import Matchmaker
from handlers.services.membership.desk import MembershipDesk
from handlers.services.misunderstandings import MisunderstandingWatch
from handlers.services.notifier import Notifier
from handlers.services.operations import Operations
from handlers.services.personnel.hiring import HiringDesk
from handlers.services.personnel.kpis import KpiDesk
from handlers.services.personnel.training import TrainingDesk
from handlers.services.privacy import Privacy
from handlers.services.profiles import Profiles
from handlers.services.quality import ComplaintDesk
from handlers.services.quality_penalties import PenaltyDesk
from handlers.services.quality_surveys import SurveyDesk
from handlers.services.quality_transcripts import TranscriptDesk
from handlers.services.reports.flow import FlowReports
from handlers.services.reports.pilots import Pilots
from handlers.services.settings import Settings
from handlers.services.staff import StaffOffice
from handlers.services.staff_access import Actor, authorize
from storage.matching_source import MatchPool
from storage.unit_of_work import UnitOfWork


@dataclass
class Services:
    """The update's unit of work and the feature services over it (each made on first use)."""

    uow: UnitOfWork
    settings: Settings
    clock: Clock
    i18n: I18n
    match_pool: MatchPool
    principal: Principal | None = None

    async def authorize(self, permission: Permission | None) -> Actor:
        """The staff member behind the update, if they hold `permission` (any staff member when None); raises
        `domain.staff.PermissionDenied`."""
        return await authorize(self.principal, self.uow, permission, now=self.clock.now())

    @cached_property
    def notifier(self) -> Notifier:
        """Messages to people other than the one pressing, through the outbox."""
        return Notifier(self.uow, self.i18n, self.settings)

    @cached_property
    def matchmaker(self) -> Matchmaker:
        return Matchmaker(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, pool=self.match_pool)

    @cached_property
    def dates(self) -> DateKeeper:
        return DateKeeper(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def casework(self) -> Casework:
        return Casework(
            uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, principal=self.principal
        )

    @cached_property
    def operations(self) -> Operations:
        return Operations(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def handoffs(self) -> Handoffs:
        return Handoffs(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def profiles(self) -> Profiles:
        """The client journey's reads and writes of a client's own record."""
        return Profiles(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def privacy(self) -> Privacy:
        return Privacy(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def misunderstandings(self) -> MisunderstandingWatch:
        return MisunderstandingWatch(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def staff(self) -> StaffOffice:
        """Joining by invitation, the service standard, invitations, members' roles and access."""
        return StaffOffice(
            uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, principal=self.principal
        )

    @cached_property
    def audit_log(self) -> AuditLog:
        return AuditLog(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def date_planner(self) -> DatePlanner:
        """The picker of a date proposal, step by step."""
        return DatePlanner(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def quality(self) -> ComplaintDesk:
        """Complaints as cases (/complain, /complaints) and their SLA."""
        return ComplaintDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def penalties(self) -> PenaltyDesk:
        """Staff penalties (/penalty, /penalties) and their appeals."""
        return PenaltyDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def surveys(self) -> SurveyDesk:
        """The monthly satisfaction survey: answers and results (/survey)."""
        return SurveyDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def transcripts(self) -> TranscriptDesk:
        """Supervisors' audited reads of relay transcripts (/transcript)."""
        return TranscriptDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def membership(self) -> MembershipDesk:
        """Tiers, invoices, crediting payments once, refunds."""
        return MembershipDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def events(self) -> EventDesk:
        """Offline events: publishing, the rooms, sign-ups and cancellations."""
        return EventDesk(
            uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, matchmaker=self.matchmaker
        )

    @cached_property
    def event_payments(self) -> EventPayments:
        """Paying for a seat at an event: its invoice, the check before the charge, booking the payment."""
        return EventPayments(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def event_edits(self) -> EventEditor:
        """Editing a published event (/editevent): the form as it stands, the edit, who is told."""
        return EventEditor(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def finance(self) -> FinanceDesk:
        """Expenses, acquisition channels, budgets, month-end close (docs/finance.md)."""
        return FinanceDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def pilots(self) -> Pilots:
        """Pilots of flow changes: the flags, starting and ending pilots, their comparison (docs/pilots.md)."""
        return Pilots(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def hiring(self) -> HiringDesk:
        """Positions, candidates and hiring (/hiring, job links; docs/hiring.md)."""
        return HiringDesk(
            uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, principal=self.principal
        )

    @cached_property
    def flow_reports(self) -> FlowReports:
        """Management reports: the funnel, stage times, the bottleneck, targets (docs/reports.md)."""
        return FlowReports(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def kpis(self) -> KpiDesk:
        """Appraisal KPIs per member and period, ranked, with the team average (/kpi; docs/kpis.md)."""
        return KpiDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def training(self) -> TrainingDesk:
        """Training on the service standard: modules, quizzes, who is due (docs/training.md)."""
        return TrainingDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    # New feature services go above this line: one cached property each, named after the feature.
