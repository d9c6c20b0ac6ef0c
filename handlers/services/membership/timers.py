"""The timers of a paid membership: reminders 7 days and 1 day before it runs out, and the expiry itself.

Reference ids are opaque: `<client id hex>:<expiry as Unix seconds>` (and `:<days>` for a reminder). A renewal
arms new timers for the new expiry; the old ones find a membership that no longer runs out then and do nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from storage.repositories.delivery import schedule
from storage.unit_of_work import UnitOfWork

REMINDER = "membership.reminder"
EXPIRY = "membership.expiry"
REMINDER_DAYS = (7, 1)


def expiry_ref(client_id: UUID, expires_at: datetime) -> str:
    return f"{client_id.hex}:{int(expires_at.timestamp())}"


def parse_ref(ref_id: str) -> tuple[UUID, datetime, int | None] | None:
    """(client, expiry, days before) from a reference id, or None when it is not one of ours."""
    parts = ref_id.split(":")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts[1:]):
        return None
    try:
        client_id = UUID(hex=parts[0])
    except ValueError:
        return None
    days = int(parts[2]) if len(parts) == 3 else None
    return client_id, datetime.fromtimestamp(int(parts[1]), UTC), days


async def arm_membership_jobs(uow: UnitOfWork, client_id: UUID, expires_at: datetime, *, now: datetime) -> None:
    ref = expiry_ref(client_id, expires_at)
    for days in REMINDER_DAYS:
        due = expires_at - timedelta(days=days)
        if due > now:
            await schedule(uow, REMINDER, f"{ref}:{days}", due)
    await schedule(uow, EXPIRY, ref, expires_at)
