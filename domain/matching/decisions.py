"""What happens around a suggestion: the client's answers, the daily list, introductions and reports.

Pure rules; `handlers/matching` applies them with storage and delivery.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from enum import StrEnum
from typing import TypeVar

from domain.identity import Channel

K = TypeVar("K", bound=Hashable)

__all__ = [
    "DECISIONS",
    "INTRODUCTION_STATES",
    "REPORT_REASONS",
    "REPORT_STATES",
    "SUGGESTION_SOURCES",
    "ContactRoute",
    "Decision",
    "IntroductionState",
    "ReportReason",
    "ReportState",
    "Source",
    "compose_list",
    "contact_route",
    "daily_quota",
    "ordered_pair",
]

DEFAULT_DAILY_SUGGESTIONS = 3
DAILY_SUGGESTIONS = {"basic": 3, "premium": 5, "private": 8}
MAX_REPORT_COMMENT = 1000


class Decision(StrEnum):
    INTERESTED = "interested"
    PASSED = "passed"
    REPORTED = "reported"


class Source(StrEnum):
    """Why a candidate is in an asker's list; also the order the queued ones come in."""

    COUNSELOR = "counselor"  # a counselor's pick, with a personal note
    INTEREST = "interest"  # the candidate said Interested in the asker first
    MATCHER = "matcher"  # the matcher's suggestion of the day


class IntroductionState(StrEnum):
    AWAITING = "awaiting"  # both said Interested; waiting for both to agree to share contacts
    CONNECTED = "connected"  # both agreed; each received the other's contact
    DECLINED = "declined"  # one of them chose not to share contacts


class ContactRoute(StrEnum):
    """How two introduced clients reach each other once both agreed to share contacts."""

    TELEGRAM = "telegram"  # both on Telegram: each receives the other's Telegram link (and phone, if given)
    COUNSELOR = "counselor"  # one uses the web chat, which has no contact to pass on: a counselor connects them


class ReportReason(StrEnum):
    FAKE = "fake"
    OFFENSIVE = "offensive"
    SCAM = "scam"
    OTHER = "other"


class ReportState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


DECISIONS = tuple(item.value for item in Decision)
SUGGESTION_SOURCES = tuple(item.value for item in Source)
INTRODUCTION_STATES = tuple(item.value for item in IntroductionState)
REPORT_REASONS = tuple(item.value for item in ReportReason)
REPORT_STATES = tuple(item.value for item in ReportState)
_SOURCE_ORDER = {source: i for i, source in enumerate(Source)}


def daily_quota(tier: str | None) -> int:
    """How many new suggestions a client's membership tier gives them a day."""
    return DAILY_SUGGESTIONS.get(tier or "", DEFAULT_DAILY_SUGGESTIONS)


def compose_list(queued: Sequence[tuple[K, Source]], fresh: Iterable[K], quota: int) -> list[tuple[K, Source]]:
    """The day's list: queued candidates first (counselor's picks, then people already interested in the
    asker, each group in the order queued), then the matcher's, up to `quota` in all. Queued candidates
    beyond the quota wait for the next day's list."""
    ordered = sorted(enumerate(queued), key=lambda item: (_SOURCE_ORDER[item[1][1]], item[0]))
    chosen: list[tuple[K, Source]] = [entry for _, entry in ordered][:quota]
    taken = {candidate for candidate, _ in chosen}
    for candidate in fresh:
        if len(chosen) >= quota:
            break
        if candidate not in taken:
            chosen.append((candidate, Source.MATCHER))
            taken.add(candidate)
    return chosen


def contact_route(first_channel: str, second_channel: str) -> ContactRoute:
    """Telegram links when both are on Telegram; otherwise the counselor's relay (a web chat client has no
    Telegram account to link to, and a Telegram link does not reach them in the web chat)."""
    both_on_telegram = first_channel == second_channel == Channel.TELEGRAM
    return ContactRoute.TELEGRAM if both_on_telegram else ContactRoute.COUNSELOR


def ordered_pair(first: K, second: K) -> tuple[K, K]:
    """The two people of an introduction in their stored order (by their text form)."""
    return (first, second) if str(first) < str(second) else (second, first)
