"""Things counselors must hear about, raised by the client journey.

`new_client_registered` is the one place a finished registration is announced: an audit entry (ids and an
action code, no personal data) and, when the agency has a counselors' chat (`COUNSELOR_CHAT_ID`), an alert
queued in the outbox in the same transaction as the activation. The delivery worker sends it within
Telegram's limits; if the activation rolls back, so does the alert.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import Channel
from storage.repositories.delivery import enqueue
from storage.unit_of_work import UnitOfWork

NEW_CLIENT_ACTION = "client.registered"


async def new_client_registered(
    uow: UnitOfWork, account_id: UUID, now: datetime, *, counselor_chat_id: int | None, alert_text: str
) -> None:
    """A client confirmed their profile and is now active: counselors should welcome them."""
    await uow.audit.record(
        action=NEW_CLIENT_ACTION, now=now, actor_account_id=account_id, subject_account_id=account_id
    )
    if counselor_chat_id is not None:
        await enqueue(
            uow,
            ChatAddress(Channel.TELEGRAM, counselor_chat_id),
            OutboundMessage(text=alert_text),
            dedupe_key=f"{NEW_CLIENT_ACTION}:{account_id}",
        )
