"""The pure rules: message format, retry policy, limits and due-time decisions."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.delivery import (
    Attachment,
    ChatAddress,
    InlineButton,
    OutboundMessage,
    RateLimits,
    limit_violations,
)
from domain.identity import Channel
from domain.retry import FailureKind, Outcome, RetryPolicy, SendFailure, safe_reason
from domain.scheduling import DueAction, due_action, validate_kind, validate_ref_id

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

button_text = st.text(min_size=1, max_size=20).filter(lambda t: t.strip() != "")
callback = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:_-", min_size=1, max_size=64)
buttons = st.one_of(
    st.builds(InlineButton, text=button_text, callback_data=callback),
    st.builds(InlineButton, text=button_text, url=st.just("https://example.org/x")),
)
messages = st.builds(
    OutboundMessage,
    text=st.text(min_size=1, max_size=200).filter(lambda t: t.strip() != ""),
    keyboard=st.lists(st.lists(buttons, min_size=1, max_size=3), max_size=3).map(
        lambda rows: tuple(tuple(r) for r in rows)
    ),
    attachment=st.none() | st.builds(Attachment, kind=st.sampled_from(["photo", "document"]), file=st.just("AgAD1")),
)


@given(messages)
def test_a_message_survives_json_unchanged(message: OutboundMessage) -> None:
    assert OutboundMessage.from_json(json.loads(json.dumps(message.to_json()))) == message


@given(st.sampled_from(list(Channel)), st.integers(min_value=-(10**13), max_value=10**13).filter(bool))
def test_a_chat_address_survives_its_key(channel: Channel, chat_id: int) -> None:
    address = ChatAddress(channel, chat_id)
    assert ChatAddress.from_key(address.key) == address
    assert address.is_group == (chat_id < 0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: OutboundMessage(""),
        lambda: OutboundMessage("x" * 4097),
        lambda: OutboundMessage("x" * 1025, attachment=Attachment("photo", "AgAD")),
        lambda: InlineButton("Yes"),
        lambda: InlineButton("Yes", callback_data="a", url="https://example.org"),
        lambda: InlineButton("Yes", callback_data="x" * 65),
        lambda: InlineButton("Open", url="javascript:alert(1)"),
        lambda: ChatAddress.telegram(0),
        lambda: ChatAddress.from_key("fax:123"),
        lambda: OutboundMessage.from_json({"v": 2, "text": "hi"}),
    ],
)
def test_what_telegram_would_refuse_is_refused_early(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_a_photo_may_go_without_a_caption() -> None:
    assert OutboundMessage("", attachment=Attachment("photo", "AgAD")).text == ""


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_and_stays_within_its_bounds(failures: int, seed: int) -> None:
    policy = RetryPolicy()
    delay = policy.backoff(failures, random.Random(seed)).total_seconds()
    nominal = min(policy.base_delay.total_seconds() * 2 ** (failures - 1), policy.max_delay.total_seconds())
    assert nominal * (1 - policy.jitter) <= delay <= nominal * (1 + policy.jitter)


def test_backoff_is_exponential_until_the_cap() -> None:
    policy = RetryPolicy(jitter=0.0)
    rng = random.Random(1)
    assert [policy.backoff(n, rng).total_seconds() for n in range(1, 6)] == [2, 4, 8, 16, 32]
    assert policy.backoff(30, rng) == policy.max_delay


@given(st.integers(min_value=0, max_value=3600), st.integers(min_value=0, max_value=2**32))
def test_a_429_waits_retry_after_plus_at_most_the_jitter(retry_after: int, seed: int) -> None:
    policy = RetryPolicy()
    failure = SendFailure(FailureKind.RATE_LIMITED, "429", retry_after=retry_after)
    decision = policy.decide(failure, failures=0, attempts=1, now=NOW, rng=random.Random(seed))
    assert decision.outcome is Outcome.RETRY and decision.retry_at is not None
    wait = decision.retry_at - NOW
    assert timedelta(seconds=retry_after) <= wait <= timedelta(seconds=retry_after) + policy.retry_after_jitter
    assert not decision.counts_as_failure


def test_transient_failures_are_retried_then_parked() -> None:
    policy = RetryPolicy(max_failures=3)
    rng = random.Random(7)
    failure = SendFailure(FailureKind.TRANSIENT, "TelegramServerError: Internal Server Error")
    first = policy.decide(failure, failures=0, attempts=1, now=NOW, rng=rng)
    second = policy.decide(failure, failures=1, attempts=2, now=NOW, rng=rng)
    third = policy.decide(failure, failures=2, attempts=3, now=NOW, rng=rng)
    assert [first.outcome, second.outcome, third.outcome] == [Outcome.RETRY, Outcome.RETRY, Outcome.PARK]
    assert first.counts_as_failure and "gave up after 3 failures" in third.reason


def test_blocked_and_rejected_are_never_retried() -> None:
    policy, rng = RetryPolicy(), random.Random(0)
    blocked = policy.decide(SendFailure(FailureKind.BLOCKED, "403"), failures=0, attempts=1, now=NOW, rng=rng)
    rejected = policy.decide(SendFailure(FailureKind.REJECTED, "400"), failures=0, attempts=1, now=NOW, rng=rng)
    assert (blocked.outcome, rejected.outcome) == (Outcome.UNREACHABLE, Outcome.PARK)


def test_endless_rate_limiting_is_parked_too() -> None:
    policy = RetryPolicy(max_attempts=5)
    failure = SendFailure(FailureKind.RATE_LIMITED, "429", retry_after=1)
    assert policy.decide(failure, failures=0, attempts=5, now=NOW, rng=random.Random(0)).outcome is Outcome.PARK


def test_reasons_never_carry_chat_ids() -> None:
    reason = safe_reason("Flood control exceeded in chat 123456789.\nRetry in 5 seconds")
    assert "123456789" not in reason and "\n" not in reason
    assert len(safe_reason("x" * 1000)) == 200


def test_limit_violations_count_half_open_windows() -> None:
    limits = RateLimits()
    spaced = [(1, i * 1.0) for i in range(5)]  # exactly 1 s apart: allowed
    assert limit_violations(spaced, limits) == []
    close = [(1, 0.0), (1, 0.999)]
    (violation,) = limit_violations(close, limits)
    assert (violation.scope, violation.count, violation.allowed) == ("chat", 2, 1)
    burst = [(chat, 0.5) for chat in range(31)]
    assert [v.scope for v in limit_violations(burst, limits)] == ["global"]
    group = [(-100, i * 2.9) for i in range(21)]  # 21 within 60 s: one too many
    assert [v.scope for v in limit_violations(group, limits)] == ["chat"]
    assert limit_violations([(-100, i * 3.0) for i in range(20)] + [(-100, 60.0)], limits) == []


def test_the_paced_intervals_keep_their_headroom() -> None:
    limits = RateLimits()
    assert limits.global_interval == pytest.approx(1 / 28.8)
    assert limits.global_window == (30, 1.04)
    assert limits.chat_interval(5) == pytest.approx(1 / 0.96)
    assert limits.chat_interval(-5) == pytest.approx(3 / 0.96)


@pytest.mark.parametrize(
    ("late", "first", "expected"),
    [
        (timedelta(seconds=-1), True, DueAction.WAIT),
        (timedelta(0), True, DueAction.RUN),
        (timedelta(minutes=59), True, DueAction.RUN),
        (timedelta(hours=1), True, DueAction.RUN),
        (timedelta(hours=1, seconds=1), True, DueAction.MISS),
        (timedelta(days=2), False, DueAction.RUN),
    ],
)
def test_due_actions(late: timedelta, first: bool, expected: DueAction) -> None:
    assert due_action(NOW, NOW + late, timedelta(hours=1), first_attempt=first) is expected


def test_kinds_and_references_are_codes() -> None:
    assert validate_kind("date.reminder") == "date.reminder"
    assert validate_ref_id("7f1c2a9e-1b7d-4a43-9d43-3a9a3f0f2b55") == "7f1c2a9e-1b7d-4a43-9d43-3a9a3f0f2b55"
    for bad in ("", "Date", "date reminder", "x" * 65):
        with pytest.raises(ValueError, match="job kind"):
            validate_kind(bad)
    with pytest.raises(ValueError, match="job reference"):
        validate_ref_id("Alice Smith")
