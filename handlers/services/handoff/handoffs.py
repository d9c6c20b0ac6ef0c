"""The handoff conversation (on top of `HandoffRequests`): the first claim wins, the relay both ways, /end on
either side and the client's rating. The conversation states of the two sides (relay mode) belong to the
router: these use cases return whose state to set (`outcomes`). `services.handoffs` is one of these.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from domain.delivery import OutboundMessage
from domain.handoff import ClaimRefusal, Handoff, HandoffState, claim_refusal, valid_rating
from domain.identity import Channel
from domain.quality import rating_needs_case
from domain.staff import Permission, allows
from handlers.services.handoff.outcomes import (
    Claimed,
    ClaimProblem,
    ClientEnded,
    CounselorEnded,
    NotClaimed,
    Rated,
    Relayed,
    RelayResult,
)
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.notifier import queue_rendered, recipient
from handlers.services.quality import ComplaintDesk
from handlers.services.staff_access import Actor
from handlers.views.handoff import messages
from storage.records import Account

CLAIM_ACTION = "handoff.claimed"
CLOSED_ACTION = "handoff.closed"
CONTACTS_ACTION = "client.contacts_viewed"


@dataclass
class Handoffs(HandoffRequests):
    async def reachable(self, account_id: UUID | None, channel: Channel) -> Account | None:
        """The account's private chat, when it is on `channel` (whose conversation states this update can set)
        and not deleted."""
        account = None if account_id is None else await self.uow.accounts.get(account_id)
        if account is None or account.is_deleted or account.channel != channel.value or account.external_id is None:
            return None
        return account

    @contextmanager
    def writing_for(self, account_id: UUID) -> Iterator[None]:
        """Conversation-state rows written inside are tagged with `account_id` (not the update's own account),
        so shredding that account deletes them."""
        previous = self.uow.principal_id
        self.uow.principal_id = account_id
        try:
            yield
        finally:
            self.uow.principal_id = previous

    async def claim(
        self, actor: Actor, handoff_id: UUID | None, channel: Channel, *, private: bool
    ) -> Claimed | NotClaimed:
        """The first claim wins. The client hears who joined; every copy of the alert on this channel is to say
        who took it; the counselor gets the client's card and what they wrote while waiting (`private`: to show
        in this chat; else through the outbox, never the client's details in the staff group)."""
        handoff = None if handoff_id is None else await self.uow.handoffs.get(handoff_id)
        if handoff is None:
            return NotClaimed(ClaimProblem.GONE)
        if actor.account_id is None:
            return NotClaimed(ClaimProblem.NO_ACCOUNT)
        serving = await self.uow.handoffs.serving(actor.account_id)
        refusal = claim_refusal(
            handoff,
            member=actor.account_id,
            role=actor.role,
            assigned=await self.uow.assignments.counselor_of(handoff.client_id),
            serving=None if serving is None else serving.id,
        )
        client = None
        if refusal is None:
            client = await self.reachable(handoff.client_id, channel)
            if client is None:
                return NotClaimed(ClaimProblem.UNREACHABLE)
            if not await self.uow.handoffs.claim(handoff.id, actor.account_id, now=self.now()):
                refusal = ClaimRefusal.TAKEN
                handoff = await self.uow.handoffs.get(handoff.id) or handoff
        if refusal is not None:
            holder = None
            if refusal is ClaimRefusal.TAKEN:
                holder = await self.staff_name(handoff.counselor_id)
            return NotClaimed(refusal, holder)
        assert client is not None
        return await self._claimed(actor, actor.account_id, handoff, client, channel, private=private)

    async def _claimed(
        self, actor: Actor, counselor_id: UUID, handoff: Handoff, client: Account, channel: Channel, *, private: bool
    ) -> Claimed:
        now = self.now()
        handoff = await self.uow.handoffs.get(handoff.id) or handoff
        await self.stop_timers(handoff.id)
        await self.uow.audit.record(
            action=CLAIM_ACTION, now=now, actor_account_id=counselor_id, subject_account_id=handoff.client_id
        )
        counselor = actor.member.display_name if actor.member else None
        await self.notifier.queue_for(handoff.client_id, lambda: messages.counselor_joined(counselor))
        name = await self.client_name(handoff.client_id)
        profile = await self.uow.profiles.get(handoff.client_id)
        contacts = allows(actor.role, Permission.VIEW_CONTACTS)
        if contacts:
            await self.uow.audit.record(
                action=CONTACTS_ACTION, now=now, actor_account_id=counselor_id, subject_account_id=handoff.client_id
            )
        called = None if profile is None else profile.short_name()
        edits = await self.alert_edits(handoff, channel, lambda: messages.taken(handoff, called, counselor))
        written = [(line.created_at, line.text) for line in await self.uow.handoffs.transcript(handoff.id)]
        timezone = self.settings.timezone

        def card() -> list[str]:
            text = messages.client_card(
                handoff,
                name,
                now=now,
                phone=profile.phone if contacts and profile is not None else None,
                telegram_id=client.external_id if contacts and client.channel == Channel.TELEGRAM.value else None,
            )
            return [text, *messages.waiting_lines(name, written, timezone=timezone)]

        if private:
            return Claimed(handoff, client, edits, card())
        member = await recipient(self.uow, counselor_id)
        if member is not None:
            with self.i18n.context(), self.i18n.use_locale(member.locale):
                parts = card()
            for text in parts:
                await queue_rendered(self.uow, member, OutboundMessage(text))
        return Claimed(handoff, client, edits, [])

    # --- the end and the rating -------------------------------------------------------------------------
    async def end_for_client(self, client_id: UUID, channel: Channel) -> ClientEnded | None:
        """A client's /end: withdraws a waiting request, or ends the conversation (the counselor hears it).
        None: there was nothing to end."""
        handoff = await self.uow.handoffs.active_for_client(client_id)
        if handoff is None:
            return None
        now = self.now()
        await self.uow.handoffs.close(handoff.id, now=now)
        await self.stop_timers(handoff.id)
        await self.uow.audit.record(
            action=CLOSED_ACTION, now=now, actor_account_id=client_id, subject_account_id=client_id
        )
        if handoff.state is HandoffState.OPEN:
            called = await self.client_short_name(client_id)
            edits = await self.alert_edits(handoff, channel, lambda: messages.closed_alert(handoff, called))
            return ClientEnded(handoff, withdrawn=True, alert_edits=edits, counselor=None, counselor_name=None)
        counselor_name = await self.staff_name(handoff.counselor_id)
        counselor = None
        if handoff.counselor_id is not None:
            name = await self.client_name(client_id)
            await self.notifier.queue_for(handoff.counselor_id, lambda: messages.client_ended(name))
            counselor = await self.reachable(handoff.counselor_id, channel)
        return ClientEnded(handoff, withdrawn=False, alert_edits=[], counselor=counselor, counselor_name=counselor_name)

    async def end_for_counselor(self, actor: Actor, channel: Channel) -> CounselorEnded | None:
        """A counselor's /end: the client is asked to rate the conversation. None: they were serving nobody."""
        handoff = None if actor.account_id is None else await self.uow.handoffs.serving(actor.account_id)
        if handoff is None:
            return None
        now = self.now()
        await self.uow.handoffs.close(handoff.id, now=now)
        await self.uow.audit.record(
            action=CLOSED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
        )
        client = await self.reachable(handoff.client_id, channel)
        counselor = actor.member.display_name if actor.member else None
        asked = await self.notifier.queue_for(handoff.client_id, lambda: messages.rating_question(handoff, counselor))
        return CounselorEnded(handoff, client, asked=asked is not None)

    async def rate(self, account_id: UUID | None, handoff_id: UUID | None, stars: int) -> Rated:
        """The client's 1-5 for their finished conversation (someone else's button reaches nothing)."""
        handoff = None if handoff_id is None else await self.uow.handoffs.get(handoff_id)
        if handoff is None or account_id is None or handoff.client_id != account_id or not valid_rating(stars):
            return Rated.STALE
        if handoff.rating is not None:
            return Rated.ALREADY
        if not await self.uow.handoffs.rate(handoff.id, account_id, stars, now=self.now()):
            return Rated.STALE
        if rating_needs_case(stars):  # a case about the counselor, for a manager
            await ComplaintDesk.beside(self).from_handoff_rating(account_id, handoff.id, handoff.counselor_id)
        return Rated.THANKED

    # --- the relay --------------------------------------------------------------------------------------
    # The database holds the conversation: whatever conversation state either side is in, their words belong
    # to the handoff the database says is theirs (`resumed`: they came back to it from another flow).
    async def holds_client(self, client_id: UUID | None) -> bool:
        """Whether the client has a request waiting or a conversation going on."""
        return client_id is not None and await self.uow.handoffs.active_for_client(client_id) is not None

    async def holds_counselor(self, actor: Actor) -> bool:
        """Whether the member is serving a client now."""
        return actor.account_id is not None and await self.uow.handoffs.serving(actor.account_id) is not None

    async def relay_from_client(self, client_id: UUID | None, text: str, *, resumed: bool = False) -> RelayResult:
        """A client's line: to their counselor, or, while nobody has claimed the request, kept for the
        counselor who claims it. In the transcript either way."""
        handoff = None if client_id is None else await self.uow.handoffs.active_for_client(client_id)
        if client_id is None or handoff is None:
            return RelayResult(Relayed.ENDED)
        if messages.too_long_to_relay(text):
            return RelayResult(Relayed.TOO_LONG, handoff)
        await self.uow.handoffs.add_line(
            handoff.id, client_id, from_client=True, author_id=client_id, text=text, now=self.now()
        )
        if handoff.state is HandoffState.OPEN or handoff.counselor_id is None:
            return RelayResult(Relayed.KEPT, handoff, answer_from=self.answer_from())
        name = await self.client_name(client_id)
        sent = await self.notifier.queue_for(handoff.counselor_id, lambda: messages.to_counselor(name, text))
        partner = await self.staff_name(handoff.counselor_id) if resumed else None
        return RelayResult(Relayed.UNDELIVERED if sent is None else Relayed.SENT, handoff, partner)

    async def relay_from_counselor(self, actor: Actor, text: str, *, resumed: bool = False) -> RelayResult:
        """A counselor's line to the client they serve (a conversation still theirs)."""
        handoff = None if actor.account_id is None else await self.uow.handoffs.serving(actor.account_id)
        if handoff is None or actor.account_id is None:
            return RelayResult(Relayed.ENDED)
        if messages.too_long_to_relay(text):
            return RelayResult(Relayed.TOO_LONG, handoff)
        await self.uow.handoffs.add_line(
            handoff.id, handoff.client_id, from_client=False, author_id=actor.account_id, text=text, now=self.now()
        )
        counselor = actor.member.display_name if actor.member else None
        sent = await self.notifier.queue_for(handoff.client_id, lambda: messages.to_client(counselor, text))
        partner = await self.client_name(handoff.client_id) if resumed else None
        return RelayResult(Relayed.UNDELIVERED if sent is None else Relayed.SENT, handoff, partner)
