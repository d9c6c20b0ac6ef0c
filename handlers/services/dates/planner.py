"""Drafting a proposal step by step: open a draft (a client's, a counselor's for their client, a counter-proposal,
a reschedule or a cancellation), the calendar, a day's times, the times chosen, the venues, the reason, and
sending it. `DateKeeper` decides whether a proposal stands; this walks the picker and fills in its pages.

Every step takes the conversation's `DateDraft` and returns the draft to keep (if it changed) with the page to
show; nothing here talks to the chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Literal
from uuid import UUID

from domain.casework import may_open
from domain.dates import CALENDAR_DAYS, MAX_SLOTS, DateState, SlotProblem, find_venue, suggest_venues
from handlers.services.dates.draft import DateDraft, DraftMode
from handlers.services.dates.keeper import DateKeeper, Refusal, Refused
from handlers.services.feature import FeatureService
from handlers.services.staff_access import Actor
from handlers.views.dates import messages
from handlers.views.dates.picker import CalendarPage, ChosenPage, TimesPage, VenuePage
from handlers.views.texts import quote
from storage.records import Introduction
from storage.repositories.dates import DateRecord


@dataclass(frozen=True)
class Picking:
    """The draft to keep and its calendar to show; `retry` says why the times chosen were dropped."""

    draft: DateDraft
    page: CalendarPage
    retry: Refused | None = None


@dataclass(frozen=True)
class Chosen:
    """The draft with its times changed, and the times to show."""

    draft: DateDraft
    page: ChosenPage


@dataclass(frozen=True)
class AskReason:
    """A reschedule or a cancellation begun: ask why (optional) before going on."""

    draft: DateDraft
    name: str


@dataclass(frozen=True)
class Sent:
    """The proposal went out: as the proposer (or their counselor) sees it."""

    record: DateRecord
    name: str
    zone: tzinfo
    reminder_withdrawn: bool  # a reminder of the old time had gone out already


@dataclass(frozen=True)
class Cancelled:
    name: str
    late: bool  # so close to the date that the counselor was told


@dataclass
class DatePlanner(FeatureService):
    @cached_property
    def keeper(self) -> DateKeeper:
        return DateKeeper(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    # --- opening a draft -----------------------------------------------------------------------------------------
    async def open_new(self, me: UUID, introduction_id: UUID | None) -> Picking | Refused | None:
        """`me` proposes a date for their introduction (None when it is not theirs)."""
        introduction = await self.keeper.own_introduction(me, introduction_id)
        return None if introduction is None else await self._open(introduction, me)

    async def open_for_client(
        self, actor: Actor, introduction_id: UUID | None, side: int
    ) -> Picking | Refused | Literal[Refusal.NOT_ASSIGNED] | None:
        """A counselor proposes in the name of the introduction's first (`side` 0) or second (1) person, who
        must be their client."""
        introduction = None if introduction_id is None else await self.uow.introductions.get(introduction_id)
        if introduction is None or side not in (0, 1):
            return None
        client = introduction.first_id if side == 0 else introduction.second_id
        if not may_open(actor.role, actor.account_id, await self.uow.assignments.counselor_of(client)):
            return Refusal.NOT_ASSIGNED
        return await self._open(introduction, client, for_client=True, counselor=actor.account_id)

    async def _open(
        self, introduction: Introduction, proposer: UUID, *, for_client: bool = False, counselor: UUID | None = None
    ) -> Picking | Refused:
        other = introduction.other(proposer)
        refusal = await self.keeper.may_propose(introduction)
        if refusal is not None:
            return Refused(refusal, await self.keeper.name_of(other))
        draft = DateDraft.start(
            DraftMode.NEW,
            proposer=proposer,
            other=other,
            introduction=introduction.id,
            for_client=for_client,
            counselor=counselor,
        )
        return Picking(draft, await self.calendar(draft))

    async def open_counter(self, me: UUID, date_id: UUID | None, round_: int) -> Picking | Refused | None:
        """`me` answers proposal `round_` with other times."""
        record = await self.keeper.own_date(me, date_id)
        if record is None:
            return None
        name = await self.keeper.name_of(record.other(me))
        if record.state is not DateState.PROPOSED or record.round != round_:
            return Refused(Refusal.STALE, name)
        if record.proposed_by == me:
            return Refused(Refusal.OWN, name)
        draft = self._answer(DraftMode.COUNTER, me, record)
        return Picking(draft, await self.calendar(draft))

    async def open_change(
        self, me: UUID, date_id: UUID | None, round_: int, mode: Literal[DraftMode.MOVE, DraftMode.CANCEL]
    ) -> AskReason | Refused | None:
        """`me` moves a confirmed date, or calls off an open one (a proposal or a confirmed date)."""
        record = await self.keeper.own_date(me, date_id)
        if record is None:
            return None
        name = await self.keeper.name_of(record.other(me))
        if record.state not in (DateState.CONFIRMED, DateState.PROPOSED) or record.round != round_:
            return Refused(Refusal.STALE, name)
        if mode is DraftMode.MOVE and record.state is not DateState.CONFIRMED:
            return Refused(Refusal.STALE, name)
        return AskReason(self._answer(mode, me, record), name)

    @staticmethod
    def _answer(mode: DraftMode, me: UUID, record: DateRecord) -> DateDraft:
        return DateDraft.start(
            mode,
            proposer=me,
            other=record.other(me),
            introduction=record.introduction_id,
            date=record.id,
            round_=record.round,
        )

    # --- the calendar and the times ----------------------------------------------------------------------------
    async def calendar(self, draft: DateDraft) -> CalendarPage:
        """The calendar at the month of the last time chosen (else of the first day that can be picked)."""
        zone, first, last = await self._reach(draft)
        return await self._page(
            draft, zone, first, last, draft.slots[-1].astimezone(zone).date() if draft.slots else first
        )

    async def calendar_at(self, draft: DateDraft, month: str = "") -> CalendarPage:
        """The calendar at `month` (YYYYMM) when it is within reach, else at the first day that can be picked."""
        zone, first, last = await self._reach(draft)
        try:
            shown = datetime.strptime(month + "01", "%Y%m%d").date()
        except ValueError:
            shown = first
        if shown < first.replace(day=1) or shown > last:
            shown = first
        return await self._page(draft, zone, first, last, shown)

    async def more_times(self, draft: DateDraft) -> CalendarPage | SlotProblem:
        """The calendar again, for another time (FULL when the draft has all it may)."""
        if len(draft.slots) >= MAX_SLOTS:
            return SlotProblem.FULL
        return await self.calendar_at(draft)

    async def day(self, draft: DateDraft, value: str) -> TimesPage | SlotProblem | None:
        """The start times of day `value` (YYYYMMDD; None when it is not a day)."""
        try:
            day = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            return None
        zone, first, last = await self._reach(draft)
        if not first <= day <= last:
            return SlotProblem.PAST if day < first else SlotProblem.TOO_FAR
        earliest = self.now().astimezone(zone).replace(tzinfo=None) if day == first else None
        return TimesPage(day, earliest, zone)

    async def add_time(self, draft: DateDraft, value: str) -> Chosen | SlotProblem | None:
        """The local start time `value` (YYYYMMDDHHMM; None when it is not one) added to the draft, unless it
        cannot be proposed."""
        try:
            local = datetime.strptime(value, "%Y%m%d%H%M")
        except ValueError:
            return None
        zone = await self.keeper.zone_of(draft.proposer)
        slot = local.replace(tzinfo=zone).astimezone(self.now().tzinfo)
        problem = await self.keeper.check_slot(draft.people, slot, list(draft.slots), except_date=draft.date)
        if problem is not None:
            return problem
        return await self._chosen(draft.with_slot(slot))

    async def drop_last_time(self, draft: DateDraft) -> Chosen:
        return await self._chosen(draft.without_last_slot())

    async def _chosen(self, draft: DateDraft) -> Chosen:
        return Chosen(draft, ChosenPage(draft.slots, await self.keeper.zone_of(draft.proposer)))

    async def _reach(self, draft: DateDraft) -> tuple[tzinfo, date, date]:
        """The proposer's zone, and the first and last days they may pick there."""
        zone = await self.keeper.zone_of(draft.proposer)
        today = self.now().astimezone(zone).date()
        return zone, today, today + timedelta(days=CALENDAR_DAYS)

    async def _page(self, draft: DateDraft, zone: tzinfo, first: date, last: date, shown: date) -> CalendarPage:
        name = await self.keeper.name_of(draft.other)
        client = await self.keeper.name_of(draft.proposer) if draft.for_client else None
        return CalendarPage(zone=zone, first=first, last=last, shown=shown, name=name, client=client)

    # --- the venue, and sending --------------------------------------------------------------------------------
    async def venues(self, draft: DateDraft) -> VenuePage:
        """Venues that suit the pair (in the proposer's city), and the answered date's venue to keep, if any."""
        profiles = [await self.uow.profiles.get(person) for person in draft.people]
        regions = [p.region_code if p else None for p in profiles]
        hobbies = [list(p.hobbies) if p else [] for p in profiles]
        current = None if draft.date is None else await self.uow.dates.get(draft.date)
        if current is not None and not (current.venue_code or current.venue_text):
            current = None
        return VenuePage(tuple(suggest_venues(regions, hobbies)), current)

    async def send_at_place(self, draft: DateDraft, code: str) -> Sent | Picking | Refused | None:
        """Send the draft with a venue from the catalogue (None when `code` names none)."""
        if find_venue(code) is None:
            return None
        return await self._send(draft, venue_code=code, venue_text=None)

    async def send_at_typed_place(self, draft: DateDraft, text: str) -> Sent | Picking | Refused:
        return await self._send(draft, venue_code=None, venue_text=text)

    async def send_at_same_place(self, draft: DateDraft) -> Sent | Picking | Refused | None:
        """Send the draft keeping the answered date's venue (None for a new proposal)."""
        if draft.date is None:
            return None
        return await self._send(draft, venue_code=None, venue_text=None, keep=True)

    async def _send(
        self, draft: DateDraft, *, venue_code: str | None, venue_text: str | None, keep: bool = False
    ) -> Sent | Picking | Refused:
        """A new proposal, or the next round of the answered date. When a time no longer works (passed, or
        either person booked it meanwhile) the calendar again, with none chosen."""
        me, other = draft.people
        name = await self.keeper.name_of(other)
        slots = list(draft.slots)
        reminder_withdrawn = False
        result: DateRecord | Refusal
        if draft.mode is DraftMode.NEW:
            introduction = await self.keeper.own_introduction(me, draft.introduction)
            if introduction is None:
                result = Refusal.CLOSED
            else:
                result = await self.keeper.propose(
                    introduction, me, slots, venue_code=venue_code, venue_text=venue_text
                )
        else:
            record = await self.keeper.own_date(me, draft.date)
            if record is None or record.round != draft.round:
                result = Refusal.STALE
            else:
                if keep:
                    venue_code, venue_text = record.venue_code, record.venue_text
                result = await self.keeper.repropose(
                    record, me, slots, venue_code=venue_code, venue_text=venue_text, reason=draft.reason
                )
                reminder_withdrawn = isinstance(result, DateRecord) and record.reminded_at is not None
        if isinstance(result, Refusal):
            if result in (Refusal.PAST, Refusal.BOOKED):
                again = draft.without_slots()
                return Picking(again, await self.calendar(again), retry=Refused(result, name))
            return Refused(result, name)
        zone = await self.keeper.zone_of(me)
        if draft.for_client:
            await self._tell_client(draft, result, name, zone)
        return Sent(result, name, zone, reminder_withdrawn)

    async def _tell_client(self, draft: DateDraft, proposal: DateRecord, name: str, zone: tzinfo) -> None:
        """The client a counselor proposed for learns what went out in their name."""
        by = None if draft.counselor is None else await self.uow.staff.get(draft.counselor)
        by_name = quote(by.display_name) if by and by.display_name else messages.agency_as_proposer()
        await self.notifier.to_client(
            draft.proposer,
            lambda: messages.proposed_for_you(proposal, by_name, name, zone),
            dedupe_key=f"date-for-you:{proposal.id}:{proposal.round}",
        )

    # --- the reason of a reschedule or a cancellation ----------------------------------------------------------
    async def give_reason(self, draft: DateDraft, reason: str | None) -> Picking | Cancelled | Refused:
        """With the reason (or none): a reschedule goes on to the calendar, a cancellation is done."""
        me = draft.proposer
        record = await self.keeper.own_date(me, draft.date)
        name = await self.keeper.name_of(draft.other)
        if record is None or record.round != draft.round:
            return Refused(Refusal.STALE, name)
        if draft.mode is DraftMode.MOVE:
            moving = draft.with_reason(reason)
            return Picking(moving, await self.calendar(moving))
        result = await self.keeper.cancel(record, me, reason)
        if isinstance(result, Refusal):
            return Refused(result, name)
        return Cancelled(name, result.late_cancellation)
