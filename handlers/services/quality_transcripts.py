"""Transcript review: supervisors (SUPERVISE_QUALITY: managers and owners) read the relay transcript of a
client's conversations with counselors. The transcript is sealed at rest under the client's key; each read is
written to the audit log (`transcript.read`), like every staff read of client data."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.handoff import Handoff
from domain.staff import Permission, ensure
from handlers.services.feature import FeatureService
from handlers.services.staff_access import Actor
from handlers.views.quality import transcript_text
from storage.repositories.handoffs import RelayLine

READ_ACTION = "transcript.read"
CONVERSATIONS_SHOWN = 3


@dataclass(frozen=True)
class Conversation:
    handoff: Handoff
    counselor: str | None
    lines: list[RelayLine]


@dataclass(frozen=True)
class Transcript:
    client_id: UUID
    client_name: str
    conversations: list[Conversation]  # the newest first


@dataclass
class TranscriptDesk(FeatureService):
    async def read(self, actor: Actor, reference: str) -> Transcript | None:
        """The transcripts of the client whose reference starts with `reference` (None: no such client);
        raises PermissionDenied without SUPERVISE_QUALITY. The read is audited."""
        ensure(actor.role, Permission.SUPERVISE_QUALITY)
        found = await self.uow.assignments.clients(reference=reference, limit=2)
        if len(found) != 1:
            return None
        client_id = found[0]
        profile = await self.uow.profiles.get(client_id)
        name = (None if profile is None else profile.display_name) or "?"
        conversations = []
        handoffs = sorted(await self.uow.handoffs.for_client(client_id), key=lambda h: h.created_at, reverse=True)
        for handoff in handoffs:
            lines = await self.uow.handoffs.transcript(handoff.id)
            if not lines:
                continue
            member = None if handoff.counselor_id is None else await self.uow.staff.get(handoff.counselor_id)
            conversations.append(Conversation(handoff, None if member is None else member.display_name, lines))
            if len(conversations) == CONVERSATIONS_SHOWN:
                break
        await self.uow.audit.record(
            action=READ_ACTION, now=self.now(), actor_account_id=actor.account_id, subject_account_id=client_id
        )
        return Transcript(client_id, name, conversations)

    async def read_text(self, actor: Actor, reference: str) -> str | None:
        """`read`, as the message a supervisor is shown (None: no such client)."""
        transcript = await self.read(actor, reference)
        if transcript is None:
            return None
        conversations = [
            (
                item.handoff.created_at,
                item.counselor,
                [(line.created_at, line.from_client, line.text) for line in item.lines],
            )
            for item in transcript.conversations
        ]
        return transcript_text(transcript.client_id, transcript.client_name, conversations)
