"""The flood guard's token bucket: a burst, a steady refill, one warning per flood."""

from __future__ import annotations

from bot.core.flood import FloodGuard, Verdict


def test_burst_then_one_warning_then_silence() -> None:
    """Past the burst the first update is a warning, later ones are dropped quietly."""
    guard = FloodGuard(rate=1.0, burst=3)
    verdicts = [guard.check(1, 0.0) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]


def test_refills_at_the_rate_and_warns_rarely() -> None:
    """One update a second gets through a sustained flood, with no second warning until the
    bucket could have refilled; a flood after that is warned again."""
    guard = FloodGuard(rate=1.0, burst=2)
    assert [guard.check(1, 0.0) for _ in range(3)][-1] is Verdict.WARN
    assert guard.check(1, 1.0) is Verdict.ALLOW
    assert guard.check(1, 1.0) is Verdict.DROP
    assert guard.check(1, 1.5) is Verdict.DROP
    assert [guard.check(1, 10.0) for _ in range(3)][-1] is Verdict.WARN


def test_users_are_counted_apart() -> None:
    """One user's flood does not silence another."""
    guard = FloodGuard(rate=1.0, burst=1)
    assert guard.check(1, 0.0) is Verdict.ALLOW
    assert guard.check(1, 0.0) is Verdict.WARN
    assert guard.check(2, 0.0) is Verdict.ALLOW


def test_idle_users_are_forgotten() -> None:
    """Buckets of users who went quiet are dropped, so memory does not grow without end."""
    guard = FloodGuard(rate=1.0, burst=1)
    guard._PRUNE_AT = 3
    for user_id in range(3):
        guard.check(user_id, 0.0)
    guard.check(99, 10.0)
    assert set(guard._buckets) == {99}
