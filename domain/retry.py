"""What to do after a failed send: wait and retry, park for staff, or stop writing to someone who blocked us.

Pure: the caller classifies the error into a `SendFailure`, passes the injected clock's time and a random
source, and stores the `Decision` it gets back.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_REASON = 200
_LONG_NUMBER = re.compile(r"-?\d{5,}")


class FailureKind(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429: Telegram says when to come back
    TRANSIENT = "transient"  # 5xx, timeouts, connection errors: back off and retry
    BLOCKED = "blocked"  # 403: the person blocked the bot, or the bot left the group
    REJECTED = "rejected"  # 400 and other refusals: retrying would not help


class Outcome(StrEnum):
    RETRY = "retry"
    PARK = "park"  # failed for good, kept for staff
    UNREACHABLE = "unreachable"  # park this one, cancel the rest of the chat, mark the account


@dataclass(frozen=True)
class SendFailure:
    kind: FailureKind
    reason: str
    retry_after: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", safe_reason(self.reason))
        if self.kind is FailureKind.RATE_LIMITED and (self.retry_after is None or self.retry_after < 0):
            raise ValueError("a rate-limit failure carries a non-negative retry_after")


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str
    retry_at: datetime | None = None
    counts_as_failure: bool = False  # whether it adds to the consecutive-failure count


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient errors; `retry_after` plus jitter for 429.

    `max_failures` transient failures in a row park the message; `max_attempts` bounds every kind of
    retry together, so a chat that is rate-limited forever is parked too.
    """

    base_delay: timedelta = timedelta(seconds=2)
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(minutes=10)
    jitter: float = 0.2  # the backoff is scaled by a random factor in [1 - jitter, 1 + jitter]
    retry_after_jitter: timedelta = timedelta(seconds=1)  # added at random on top of retry_after
    max_failures: int = 6
    max_attempts: int = 30

    def __post_init__(self) -> None:
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise ValueError("delays must be positive and max_delay at least base_delay")
        if self.multiplier < 1 or not 0 <= self.jitter < 1:
            raise ValueError("multiplier must be >= 1 and jitter in [0, 1)")
        if self.retry_after_jitter < timedelta(0) or self.max_failures < 1 or self.max_attempts < 1:
            raise ValueError("retry_after_jitter must be >= 0, max_failures and max_attempts >= 1")

    def backoff(self, failures: int, rng: random.Random) -> timedelta:
        """The wait after the `failures`-th consecutive transient failure (1 = the first)."""
        if failures < 1:
            raise ValueError("failures counts from 1")
        exponent = min(failures - 1, 64)
        base = min(self.base_delay.total_seconds() * self.multiplier**exponent, self.max_delay.total_seconds())
        factor = 1 + rng.uniform(-self.jitter, self.jitter)
        return timedelta(seconds=base * factor)

    def after_rate_limit(self, retry_after: float, rng: random.Random) -> timedelta:
        return timedelta(seconds=retry_after) + self.retry_after_jitter * rng.random()

    def decide(
        self, failure: SendFailure, *, failures: int, attempts: int, now: datetime, rng: random.Random
    ) -> Decision:
        """`failures`: consecutive transient failures before this one; `attempts`: sends tried, this one included."""
        if failure.kind is FailureKind.BLOCKED:
            return Decision(Outcome.UNREACHABLE, failure.reason)
        if failure.kind is FailureKind.REJECTED:
            return Decision(Outcome.PARK, failure.reason)
        if attempts >= self.max_attempts:
            return Decision(Outcome.PARK, safe_reason(f"gave up after {attempts} attempts: {failure.reason}"))
        if failure.kind is FailureKind.RATE_LIMITED:
            assert failure.retry_after is not None
            return Decision(Outcome.RETRY, failure.reason, now + self.after_rate_limit(failure.retry_after, rng))
        if failures + 1 >= self.max_failures:
            return Decision(
                Outcome.PARK,
                safe_reason(f"gave up after {failures + 1} failures: {failure.reason}"),
                counts_as_failure=True,
            )
        return Decision(Outcome.RETRY, failure.reason, now + self.backoff(failures + 1, rng), counts_as_failure=True)


def safe_reason(text: str) -> str:
    """A reason fit for logs and staff views: one line, bounded, with long numbers (chat ids) masked."""
    one_line = " ".join(text.split())
    masked = _LONG_NUMBER.sub("#", one_line)
    return masked if len(masked) <= MAX_REASON else masked[: MAX_REASON - 1] + "…"
