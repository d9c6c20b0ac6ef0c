from __future__ import annotations

from datetime import timedelta

from domain.clock import FakeClock
from domain.flood import FloodGuard, Verdict


def test_burst_then_one_warning_then_silence() -> None:
    clock = FakeClock()
    guard = FloodGuard(rate=1.0, burst=3)

    verdicts = [guard.check("u", clock.now()) for _ in range(6)]

    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]


def test_tokens_come_back_with_time_and_the_warning_can_come_again() -> None:
    clock = FakeClock()
    guard = FloodGuard(rate=1.0, burst=2)
    for _ in range(3):
        guard.check("u", clock.now())

    clock.advance(timedelta(seconds=1))
    assert guard.check("u", clock.now()) is Verdict.ALLOW
    clock.advance(timedelta(seconds=5))
    assert [guard.check("u", clock.now()) for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]


def test_users_do_not_share_a_bucket() -> None:
    clock = FakeClock()
    guard = FloodGuard(rate=1.0, burst=1)

    assert guard.check("a", clock.now()) is Verdict.ALLOW
    assert guard.check("b", clock.now()) is Verdict.ALLOW
    assert guard.check("a", clock.now()) is Verdict.WARN
