"""Messages the bot did not understand: counted, and at the third in a row the client is handed to a counselor.

`domain.handoff.count_misunderstanding` decides what counts as "in a row" (each within ten minutes of the
previous one, in the same conversation state). The count itself lives in the client's conversation-state data,
which the caller reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.handoff import HandoffReason, Misunderstandings, count_misunderstanding, should_hand_off
from handlers.services.feature import FeatureService
from handlers.services.handoff.handoffs import Handoffs


@dataclass
class MisunderstandingWatch(FeatureService):
    """The fallback's count of what a client said that nobody understood."""

    async def note(
        self, client_id: UUID, previous: Misunderstandings | None, *, state: str | None
    ) -> Misunderstandings | None:
        """Count one more message not understood in `state`. Returns the count to keep, or None when the client
        was just handed to a counselor (the count starts again)."""
        counted = count_misunderstanding(previous, now=self.now(), state=state)
        if not should_hand_off(counted):
            return counted
        await Handoffs.beside(self).open(client_id, HandoffReason.NOT_UNDERSTOOD)
        return None
