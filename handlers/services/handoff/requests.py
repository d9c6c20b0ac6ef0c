"""A handoff request (转人工): opening one and alerting staff, the escalation steps, a client's /human and the
staff's /queue. `Handoffs` (`handoffs.py`) adds the conversation: claims, the relay, the end and the rating.

`HandoffRequests.open` is the hook other features call (a low date rating, a complaint, a payment problem):

    await HandoffRequests.beside(self).open(client_id, HandoffReason.COMPLAINT)

It works in the caller's unit of work (a handler's or a job's) and only writes rows and outbox
messages, so it is safe in either. Everything sent to somebody other than the person of the update goes
through the outbox (`Notifier`), in the recipient's language.

Outside the agency's opening hours (`OPENING_HOURS`) the first alert waits for the shift (`ALERT_JOB`), and
the widening and escalation steps count from the start of the shift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.delivery import OutboundMessage
from domain.handoff import (
    ALERT_JOB,
    ESCALATE_JOB,
    WIDEN_JOB,
    AlertPlan,
    Handoff,
    HandoffReason,
    HandoffState,
    OpeningHours,
    StaffOnDuty,
    Timing,
    first_alert,
    managers_to_tell,
    widened_alert,
)
from domain.identity import Channel
from domain.staff import parse_role
from handlers.services.feature import FeatureService
from handlers.services.handoff.outcomes import AlertEdit, Ask, Asking, Waiting
from handlers.services.membership.priority import queue_order
from handlers.services.personnel.training import cleared_members
from handlers.services.staff_access import Actor
from handlers.views.handoff import messages
from storage.repositories.delivery import cancel, schedule

OPENED_ACTION = "handoff.opened"
QUEUE_ACTION = "handoff.listed"
QUEUE_LIMIT = 20


@dataclass
class HandoffRequests(FeatureService):
    @property
    def timing(self) -> Timing:
        return Timing(self.settings.handoff_claim_minutes, self.settings.handoff_escalation_minutes)

    @property
    def hours(self) -> OpeningHours:
        """The agency's opening hours (validated with the settings)."""
        return OpeningHours.parse(self.settings.opening_hours, self.zone)

    def answer_from(self) -> datetime | None:
        """When counselors are back, if they are not there now (None: within the opening hours)."""
        return self.hours.answer_from(self.now())

    # --- people -----------------------------------------------------------------------------------------
    async def client_short_name(self, client_id: UUID) -> str | None:
        """What to call the client in alerts and the queue: the name they chose, else one read from their name
        (domain/names.py), never a family name alone."""
        profile = await self.uow.profiles.get(client_id)
        return None if profile is None else profile.short_name()

    async def client_name(self, client_id: UUID) -> str | None:
        profile = await self.uow.profiles.get(client_id)
        return None if profile is None else profile.display_name

    async def staff_name(self, member_id: UUID | None) -> str | None:
        member = None if member_id is None else await self.uow.staff.get(member_id)
        return None if member is None else member.display_name

    async def staff_on_duty(self) -> list[StaffOnDuty]:
        found = []
        members = await self.uow.staff.list()
        trained = await cleared_members(self.uow, [member.account_id for member in members], now=self.now())
        for member in members:
            role = parse_role(member.role)
            if role is not None:
                found.append(StaffOnDuty(member.account_id, role, member.active, member.account_id in trained))
        return found

    # --- opening and escalating -------------------------------------------------------------------------
    async def open(self, client_id: UUID, reason: HandoffReason) -> Handoff:
        """Hand the client over to a human (the hook for other features).

        When the client already has an open or claimed handoff, that one is returned and nothing else happens.
        Otherwise: a new open handoff, an audit entry, the first alert (the assigned counselor if on duty,
        else everyone on duty or the staff chat) and the escalation jobs. Outside the opening hours the first
        alert is a job at the start of the next shift, and the escalation steps count from then. Works in a
        handler or a job.
        """
        active = await self.uow.handoffs.active_for_client(client_id)
        if active is not None:
            return active
        now = self.now()
        handoff = await self.uow.handoffs.open(client_id, reason, now=now)
        await self.uow.audit.record(
            action=OPENED_ACTION, now=now, actor_account_id=client_id, subject_account_id=client_id
        )
        shift = self.hours.next_opening(now)
        widened = False
        if shift > now:
            await schedule(self.uow, ALERT_JOB, handoff.id.hex, shift)
        else:
            widened = await self._first_alert(handoff)
        if not widened:
            await schedule(self.uow, WIDEN_JOB, handoff.id.hex, self.timing.widen_at(shift))
        await schedule(self.uow, ESCALATE_JOB, handoff.id.hex, self.timing.escalate_at(shift))
        return handoff

    async def alert_shift(self, handoff_id: UUID) -> None:
        """Opened outside the opening hours and still waiting: the first alert, now that the shift starts."""
        handoff = await self.uow.handoffs.get(handoff_id)
        if handoff is None or handoff.state is not HandoffState.OPEN or handoff.widened_at is not None:
            return
        await self._first_alert(handoff)

    async def _first_alert(self, handoff: Handoff) -> bool:
        """The assigned counselor if on duty, else everyone on duty (or the staff chat); whether that was
        everyone (the handoff is marked as offered to all)."""
        now = self.now()
        plan = first_alert(
            assigned=await self.uow.assignments.counselor_of(handoff.client_id),
            staff=await self.staff_on_duty(),
            client_id=handoff.client_id,
            has_staff_chat=self.settings.counselor_chat_id is not None,
        )
        await self._alert(handoff, plan, await self._request_alert(handoff), step="first", now=now)
        if plan.widened:
            await self.uow.handoffs.mark_widened(handoff.id, now=now)
        return plan.widened

    async def widen(self, handoff_id: UUID) -> None:
        """Not claimed by the assigned counselor in time: offer it to everyone on duty (or the staff chat)."""
        handoff = await self.uow.handoffs.get(handoff_id)
        if handoff is None or handoff.state is not HandoffState.OPEN or handoff.widened_at is not None:
            return
        plan = widened_alert(
            staff=await self.staff_on_duty(),
            client_id=handoff.client_id,
            has_staff_chat=self.settings.counselor_chat_id is not None,
            already=await self.uow.handoffs.alerted(handoff.id),
        )
        now = self.now()
        await self._alert(handoff, plan, await self._request_alert(handoff), step="wide", now=now)
        await self.uow.handoffs.mark_widened(handoff.id, now=now)

    async def escalate(self, handoff_id: UUID) -> None:
        """Still unclaimed after the escalation time: tell the managers."""
        handoff = await self.uow.handoffs.get(handoff_id)
        if handoff is None or handoff.state is not HandoffState.OPEN or handoff.managers_told_at is not None:
            return
        managers = managers_to_tell(await self.staff_on_duty(), handoff.client_id)
        name = await self.client_short_name(handoff.client_id)
        now = self.now()
        since = self.hours.next_opening(handoff.created_at)  # staff were told from the start of the shift
        minutes = max(1, int((now - since) / timedelta(minutes=1)))
        plan = AlertPlan(managers, to_staff_chat=False, widened=True)

        def build() -> OutboundMessage:
            return messages.escalation(handoff, name, minutes=minutes)

        await self._alert(handoff, plan, build, step="managers", now=now)
        await self.uow.handoffs.mark_managers_told(handoff.id, now=now)

    async def _request_alert(self, handoff: Handoff) -> Callable[[], OutboundMessage]:
        """The alert of a waiting request, with its Claim button."""
        name = await self.client_short_name(handoff.client_id)
        timezone = self.settings.timezone
        return lambda: messages.alert(handoff, name, timezone=timezone)

    async def _alert(
        self, handoff: Handoff, plan: AlertPlan, build: Callable[[], OutboundMessage], *, step: str, now: datetime
    ) -> None:
        """Send the alert copies of `plan` and remember each one's outbox id (to edit it on a claim)."""
        notifier = self.notifier
        key = f"handoff:{handoff.id.hex}:{step}"
        for recipient in plan.recipients:
            outbox_id = await notifier.queue_for(recipient, build, dedupe_key=f"{key}:{recipient.hex}")
            if outbox_id is not None:
                await self.uow.handoffs.add_alert(
                    handoff.id, handoff.client_id, recipient_id=recipient, outbox_id=outbox_id, now=now
                )
        if plan.to_staff_chat:
            outbox_id = await notifier.queue_for_counselors(build, dedupe_key=key)
            if outbox_id is not None:
                await self.uow.handoffs.add_alert(
                    handoff.id, handoff.client_id, recipient_id=None, outbox_id=outbox_id, now=now
                )

    async def stop_timers(self, handoff_id: UUID) -> None:
        await cancel(self.uow, ALERT_JOB, handoff_id.hex)
        await cancel(self.uow, WIDEN_JOB, handoff_id.hex)
        await cancel(self.uow, ESCALATE_JOB, handoff_id.hex)

    async def alert_edits(self, handoff: Handoff, channel: Channel, build: Callable[[], str]) -> list[AlertEdit]:
        """Every delivered copy of the alert on `channel`, with `build()` in its reader's language."""
        copies = [c for c in await self.uow.handoffs.alert_copies(handoff.id) if c.chat is not None and c.message_id]
        recipients = await self.uow.accounts.get_many(c.recipient_id for c in copies if c.recipient_id is not None)
        edits = []
        for copy in copies:
            assert copy.chat is not None and copy.message_id is not None
            if copy.chat.channel is not channel:
                continue
            recipient = recipients.get(copy.recipient_id) if copy.recipient_id is not None else None
            locale = recipient.locale if recipient is not None else self.settings.default_locale
            with self.i18n.use_locale(locale):
                text = build()
            edits.append(AlertEdit(copy.chat.chat_id, copy.message_id, copy.outbox_id, text))
        return edits

    # --- a client asks; staff list and claim --------------------------------------------------------------
    async def ask(self, client_id: UUID) -> Asking:
        """A client's /human: back to their conversation, still waiting, or a new request."""
        active = await self.uow.handoffs.active_for_client(client_id)
        if active is not None and active.state is HandoffState.CLAIMED and active.counselor_id is not None:
            return Asking(Ask.TALKING, active, await self.staff_name(active.counselor_id))
        if active is not None:
            return Asking(Ask.WAITING, active, answer_from=self.answer_from())
        return Asking(Ask.OPENED, await self.open(client_id, HandoffReason.ASKED), answer_from=self.answer_from())

    async def waiting(self, actor: Actor) -> Waiting:
        """/queue: the member's own conversation, then the longest waiting requests first; each listing of a
        client is audited."""
        now = self.now()
        serving = None if actor.account_id is None else await self.uow.handoffs.serving(actor.account_id)
        serving_name = None if serving is None else await self.client_name(serving.client_id)
        waiting = await queue_order(self.uow, await self.uow.handoffs.waiting(limit=QUEUE_LIMIT))
        total = await self.uow.handoffs.count_waiting() if waiting else 0
        requests = []
        for handoff in waiting:
            requests.append((handoff, await self.client_short_name(handoff.client_id)))
            await self.uow.audit.record(
                action=QUEUE_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
            )
        return Waiting(requests, total, now, serving, serving_name)
