"""``bench.scaleout`` without running it: its command line, how it reads the sessions' messages,
and how its report holds figures against the targets (the run itself needs PostgreSQL and
minutes: ``python -m bench scaleout``)."""

from __future__ import annotations

import pytest

from bench.__main__ import BY_NAME
from bench.harness import CONTENT
from bench.scaleout import BATCH, Results, cue_lateness, parse, report
from bot.core.loader import load_routines
from bot.core.preview import preview
from bot.core.session import compile_script
from bot.emulator import parse as parse_html
from bot.telegram.render import session as session_text


def test_defaults_are_the_issues_scenario() -> None:
    """With no options: 10 000 reminders, 300 sessions, three instances, a kill at 40 %."""
    options = parse([])
    assert (options.subscribers, options.sessions, options.instances) == (10_000, 300, 3)
    assert options.kill_at == 0.4
    assert options.time_scale == 1.0
    assert "scaleout" in BY_NAME


def test_quick_is_small_and_options_win() -> None:
    """--quick is 1 000 reminders and 30 sessions at TIME_SCALE 0.5; explicit options win."""
    quick = parse(["--quick"])
    assert (quick.subscribers, quick.sessions, quick.time_scale) == (1_000, 30, 0.5)
    assert parse(["--quick", "--sessions", "0"]).sessions == 0
    assert parse(["--quick", "--subscribers", "50"]).subscribers == 50


def test_one_instance_is_never_killed_and_bad_fractions_are_refused() -> None:
    """A single instance runs without a kill (nobody would take over); --kill-at 2 is an
    error."""
    assert parse(["--instances", "1"]).kill_at == 0.0
    with pytest.raises(SystemExit):
        parse(["--kill-at", "2"])


def results(**changes: object) -> Results:
    base: dict[str, object] = {
        "subscribers": 4,
        "sessions": 1,
        "counts": [1, 1, 1, 1],
        "killed_at": 2,
        "sends": 300,
        "window": 10.0,
        "too_many": 0,
        "finished": 1,
        "lateness": [0.01, 0.02, 0.4],
        "cpu": {"instance 1": 1.5},
        "wall": 20.0,
    }
    base.update(changes)
    return Results(**base)  # type: ignore[arg-type]


def test_a_run_within_every_target_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """Everything delivered once at the full rate, no 429, holds on time: exit 0, figures
    printed beside their targets, CPU and load average shown."""
    assert report(results(), parse([]), "1.00, 2.00, 3.00") == 0
    out = capsys.readouterr().out
    assert "30.00/s = 1.000" in out
    assert "instance 1 1.5 s" in out
    assert "1.00, 2.00, 3.00" in out
    assert "MISSED" not in out


@pytest.mark.parametrize(
    ("changes", "missed"),
    [
        ({"counts": [0] * 4}, None),  # 4 lost, fewer than a batch: still met
        ({"counts": [2] * (BATCH + 1), "subscribers": BATCH + 1}, "duplicated"),
        ({"counts": [0] * (BATCH + 1), "subscribers": BATCH + 1}, "lost"),
        ({"sends": 280}, "free sends"),
        ({"too_many": 1}, "429 answers"),
        ({"lateness": [0.1] * 98 + [1.5] * 2}, "hold lateness p99"),
        ({"missing_cues": 1}, "session cues missing"),
        ({"finished": 0}, "sessions completed"),
    ],
)
def test_each_missed_target_exits_1(
    capsys: pytest.CaptureFixture[str], changes: dict[str, object], missed: str | None
) -> None:
    """Each target on its own: past its bound the report names it as missed and exits 1."""
    code = report(results(**changes), parse([]), "0.00, 0.00, 0.00")
    out = capsys.readouterr().out
    if missed is None:
        assert code == 0
    else:
        assert code == 1
        assert f"missed: {missed}" in out


def test_without_a_kill_nothing_may_be_lost(capsys: pytest.CaptureFixture[str]) -> None:
    """With no instance killed the bound is 0: one lost reminder misses the target."""
    no_kill = parse(["--kill-at", "0"])
    assert report(results(counts=[1, 1, 1, 0], killed_at=None), no_kill, "") == 1
    assert "missed: lost" in capsys.readouterr().out


def test_cue_lateness_finds_cues_by_text() -> None:
    """A question before the session does not shift the cues; a hold's lateness is the next
    cue's arrival minus the hold's scaled length; a cue that never came is counted missing."""
    script = compile_script(load_routines(CONTENT)["back"])
    shown = preview(script)
    texts = [parse_html(session_text.cue_text(cue, shown), "HTML")[0] for cue in script]
    at, conversation = 0.0, [("How is your back right now?", "", 0.0)]
    for cue, text in zip(script, texts, strict=True):
        at += 0.5
        conversation.append((text, text, at))
        at += cue.wait * 0.5 + 0.25  # the next cue 750 ms after the hold's end
    lateness, missing = cue_lateness([conversation], 0.5)
    holds = sum(cue.is_hold for cue in script)
    assert missing == 0
    assert len(lateness) == holds
    assert all(abs(value - 0.75) < 1e-9 for value in lateness)
    gone = next(i for i, cue in enumerate(script) if cue.is_hold) + 1  # the cue after a hold
    lateness, missing = cue_lateness([conversation[: gone + 1] + conversation[gone + 2 :]], 0.5)
    assert missing == 1
    # Neither the hold before the missing cue nor the missing cue (if a hold) is measured.
    assert len(lateness) == holds - 1 - script[gone].is_hold


def test_paid_broadcasts_are_shown_against_the_paid_rate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With --paid the reminders' paid sends are measured against PAID_BROADCAST_PER_SECOND,
    and the free 30 a second (left to the sessions) is no target."""
    paid = parse(["--paid", "1000"])
    assert paid.paid == 1000
    assert report(results(sends=5_010, paid_sends=5_000), paid, "") == 0
    assert "500.0/s = 0.500 of 1000/s" in capsys.readouterr().out
