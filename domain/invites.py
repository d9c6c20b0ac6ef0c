"""Staff invites: one-time codes that make whoever opens them a staff member with a given role.

The code travels in a Telegram deep link (`https://t.me/<bot>?start=staff-<code>`) or is typed in the web chat
as `/start staff-<code>`. Telegram allows up to 64 characters of `A-Za-z0-9_-` in a start payload.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

PAYLOAD_PREFIX = "staff-"
CODE_BYTES = 16  # 22 URL-safe characters
_PAYLOAD = re.compile(r"^staff-([A-Za-z0-9_-]{16,58})$")


class InviteStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def payload(code: str) -> str:
    """The deep-link payload of a code."""
    return PAYLOAD_PREFIX + code


def code_from_payload(value: str | None) -> str | None:
    """The code in a `/start` payload, or None when the payload is not a well-formed staff invite."""
    if value is None:
        return None
    found = _PAYLOAD.match(value.strip())
    return None if found is None else found.group(1)


def expires_at(now: datetime, hours: int) -> datetime:
    return now + timedelta(hours=hours)


def status(*, expires: datetime, used: datetime | None, now: datetime) -> InviteStatus:
    """A used invite stays used (even after it expires); an unused one is valid until `expires`."""
    if used is not None:
        return InviteStatus.USED
    if now >= expires:
        return InviteStatus.EXPIRED
    return InviteStatus.VALID
