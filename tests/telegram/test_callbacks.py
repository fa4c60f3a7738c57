"""Callback data: one codec. Every kind of button round-trips exactly, stays ASCII and within
64 bytes, and anything the bot does not make decodes to None."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any

import pytest

from bot.telegram import callbacks
from bot.telegram.callbacks import (
    Choice,
    FeedbackVote,
    Gate,
    PainAnswer,
    Snooze,
    confirm,
    feedback,
    gate,
    go,
    pain,
    parse_confirm,
    parse_feedback,
    parse_gate,
    parse_go,
    parse_hurts,
    parse_pain,
    parse_settings,
    parse_snooze,
    setting,
    snooze,
)

#: Seeded, so a failure names the value that broke it and reproduces.
RNG_SEED = 17
ROUNDS = 2000


def routine_id(rng: random.Random) -> str:
    rest = string.ascii_lowercase + string.digits + "_-"
    return rng.choice(string.ascii_lowercase) + "".join(
        rng.choice(rest) for _ in range(rng.randrange(32))
    )


def settings_choice(rng: random.Random) -> Choice:
    menu = rng.choice(["", "time", "days", "routine", "pause", "resume", *["hour", "at"] * 2])
    values: dict[str, Callable[[], str]] = {
        "hour": lambda: f"{rng.randrange(24):02d}",
        "at": lambda: f"{rng.randrange(24):02d}{rng.randrange(60):02d}",
        "day": lambda: rng.choice([*map(str, range(7)), "all", "weekdays"]),
        "for": lambda: str(rng.choice(callbacks.PAUSE_CHOICES)),
        "use": lambda: routine_id(rng),
    }
    menu = rng.choice([menu, *values])
    return Choice(menu, values[menu]() if menu in values else "")


def feedback_vote(rng: random.Random) -> FeedbackVote:
    side = f"{rng.randrange(1000)}:{rng.randrange(1000)}:{rng.randrange(2)}"
    used = rng.choice([rng.randrange(1_000, 300_001), rng.randrange(1_000_000)])
    session = rng.choice([0, rng.randrange(1_700_000_000_000, 2_000_000_000_000), 36**9 - 1])
    return FeedbackVote(rng.choice(callbacks.VOTES), f"{routine_id(rng)}:{side}", used, session)


def pain_answer(rng: random.Random) -> PainAnswer:
    value = rng.choice([None, rng.randrange(11)])
    return PainAnswer(rng.random() < 0.5, value, rng.randrange(10**16))


#: Each kind of button: a generator of values, the encoder, and the decoder.
KINDS: dict[str, tuple[Callable[[random.Random], Any], Callable[[Any], str], Callable[[str], Any]]]
KINDS = {
    "go": (lambda rng: rng.choice(["", routine_id(rng)]), go, parse_go),
    "snooze": (
        lambda rng: Snooze(
            rng.choice([0, *callbacks.SNOOZE_MINUTES]),
            rng.choice([0, rng.randrange(10**11)]),
        ),
        lambda s: snooze(s.minutes, s.reminder),
        parse_snooze,
    ),
    "settings": (settings_choice, lambda c: setting(c.menu, c.value), parse_settings),
    "forget": (
        lambda rng: rng.random() < 0.5,
        lambda yes: confirm("fgt", yes),
        lambda data: parse_confirm("fgt", data),
    ),
    "broadcast": (
        lambda rng: rng.random() < 0.5,
        lambda yes: confirm("bc", yes),
        lambda data: parse_confirm("bc", data),
    ),
    "feedback": (
        feedback_vote,
        lambda v: feedback(v.vote, v.key, v.used_ms, v.session),
        parse_feedback,
    ),
    "hurts": (lambda rng: True, lambda _: callbacks.HURTS, parse_hurts),
    "pain": (
        pain_answer,
        lambda a: pain("b" if a.before else "a", a.value, a.session),
        parse_pain,
    ),
    "gate": (
        lambda rng: Gate(rng.random() < 0.5, rng.randrange(10**16)),
        lambda g: gate(g.go_on, g.session),
        parse_gate,
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_round_trips(kind: str) -> None:
    """decode(encode(value)) == value for generated values of each kind; the data is ASCII
    and at most 64 bytes."""
    generate, encode, decode = KINDS[kind]
    rng = random.Random(f"{RNG_SEED}:{kind}")
    for _ in range(ROUNDS):
        value = generate(rng)
        data = encode(value)
        assert data.isascii(), data
        assert len(data.encode()) <= callbacks.MAX_BYTES, data
        assert decode(data) == value, (value, data)


def mutations(data: str, rng: random.Random) -> list[str]:
    """Near misses of real data: a character changed, dropped or added, odd digits."""
    odd = ["\u0660", "\u0663", "\uff11", "\n", ":", "0", "9", "é", " ", "x", "\x00"]
    found = []
    for _ in range(20):
        at = rng.randrange(len(data) + 1)
        char = rng.choice(odd)
        found += [data[:at] + char + data[at + 1 :], data[:at] + char + data[at:]]
        found.append(data[:at] + data[at + 1 :])
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_whatever_decodes_encodes_back_to_the_same_data(kind: str) -> None:
    """For near misses of real data (non-ASCII digits, leading zeros, newlines…), anything
    that decodes is exactly what the encoder makes of it: one spelling per meaning."""
    generate, encode, decode = KINDS[kind]
    rng = random.Random(f"{RNG_SEED}:{kind}:mutate")
    for _ in range(ROUNDS // 10):
        for data in mutations(encode(generate(rng)), rng):
            value = decode(data)
            if value is not None:
                assert encode(value) == data, (data, value)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("settings", "set:at:2561"),
        ("settings", "set:at:07:30"),
        ("settings", "set:hour:24"),
        ("settings", "set:hour:7"),
        ("settings", "set:hour:\u0660\u0667"),
        ("settings", "set:day:7"),
        ("settings", "set:for:5"),
        ("settings", "set:use:../x"),
        ("settings", "set:nope"),
        ("settings", "set:days:extra"),
        ("settings", "set:time:7"),
        ("settings", "set:a:b:c"),
        ("settings", "set:"),
        ("settings", "settings"),
        ("snooze", "snz:5:1"),
        ("snooze", "snz::1"),
        ("snooze", "snz:015:1"),
        ("snooze", "snz:15"),
        ("snooze", "snz:15:01"),
        ("snooze", "snz:15:1:2"),
        ("snooze", "snz:15:١"),
        ("snooze", "snz:15:100000000000"),
        ("snooze", "snooze:15:1"),
        ("snooze", "skip"),
        ("snooze", "skipped:1"),
        ("go", "go:"),
        ("go", "go:Quick"),
        ("go", "go:quick\n"),
        ("go", "go:" + "x" * 200),
        ("feedback", "fb:x:quick:0:0:1:20000"),
        ("feedback", "fb:e:quick:0:0:2:20000"),
        ("feedback", "fb:e:Quick:0:0:1:20000"),
        ("feedback", "fb:e:quick:0:0:1"),
        ("feedback", "fb:e:quick:0:0:1:12.345"),
        ("feedback", "fb:e:quick:\u0660:\u0660:0:20000"),
        ("feedback", "fb:e:quick:00:0:0:20000"),
        ("feedback", "fb:e:quick:0:0:0:020000"),
        ("feedback", "fb:e:quick:0:0:0:20000\n"),
        ("feedback", "fb:e:quick:0:0:0:20000"),
        ("feedback", "fb:e:quick:0:0:0:20000:01"),
        ("feedback", "fb:e:quick:0:0:0:20000:A"),
        ("feedback", "fb:e:quick:0:0:0:20000:1_0"),
        ("feedback", "fb:e:quick:0:0:0:20000:1000000000"),
        ("gate", "gate:x:1"),
        ("gate", "gate:c:01"),
        ("gate", "gate:c:"),
        ("pain", "pain:b:11:1"),
        ("pain", "pain:c:3:1"),
        ("pain", "pain:b:3:"),
        ("pain", "pain:b:-1:1"),
        ("pain", "pain:b:03:1"),
        ("pain", "pain:b:\u0664:1"),
        ("hurts", "hurt\n"),
        ("forget", "fgt:yes\n"),
        ("broadcast", "bc:maybe"),
    ],
)
def test_data_the_bot_never_makes_is_refused(kind: str, data: str) -> None:
    """Forged, stale or mistyped data decodes to None."""
    _, _, decode = KINDS[kind]
    assert decode(data) is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: go("Quick"),
        lambda: snooze(5, 1),
        lambda: snooze(15.0, 1),  # type: ignore[arg-type]
        lambda: snooze(15, -1),
        lambda: snooze(15, 10**11),
        lambda: setting("hour", "7"),
        lambda: setting("days", "1"),
        lambda: setting("nope"),
        lambda: feedback("x", "quick:0:0:0", 20_000, 1),
        lambda: feedback("e", "quick:0:0:2", 20_000, 1),
        lambda: feedback("e", "quick:0:0:0", 1_000_000, 1),
        lambda: feedback("e", "quick:0:0:0", 12.345, 1),  # type: ignore[arg-type]
        lambda: feedback("e", "quick:0:0:0", 20_000, 36**9),
        lambda: gate(True, -1),
        lambda: gate(1, 1),  # type: ignore[arg-type]
        lambda: pain("b", 11, 1),
        lambda: pain("b", 2.0, 1),  # type: ignore[arg-type]
        lambda: pain("c", 1, 1),
    ],
)
def test_encoders_refuse_what_would_not_decode(make: Callable[[], str]) -> None:
    """An encoder never makes data its decoder would refuse: it raises instead."""
    with pytest.raises(ValueError, match="not a"):
        make()


def test_hold_times_are_carried_in_whole_milliseconds() -> None:
    """Any hold the loader accepts (1–300 s, 12.345 s too) round-trips through a feedback
    button and compares equal to itself."""
    for seconds in (1, 12.345, 20.3 - 0.1, 299.999, 300):
        data = feedback("e", "quick:0:0:1", callbacks.milliseconds(seconds), 1)
        vote = parse_feedback(data)
        assert vote is not None
        assert vote.used_ms == callbacks.milliseconds(seconds)
    assert feedback("e", "quick:0:0:1", 12_345, 1) == "fb:e:quick:0:0:1:12345:1"


def test_feedback_buttons_name_their_session_in_base_36() -> None:
    """A session id (milliseconds since 1970) goes into a feedback button in base 36, so the
    longest routine id still fits in 64 bytes; it comes back exactly."""
    session = 1_795_957_257_795
    data = feedback("h", f"{'r' * 32}:999:999:1", 999_999, session)
    assert len(data) <= callbacks.MAX_BYTES
    vote = parse_feedback(data)
    assert vote is not None
    assert vote.session == session
    assert data.endswith(":mx1ukx1f")


@pytest.mark.parametrize(
    ("pattern", "data", "accepted"),
    [
        (callbacks.FEEDBACK_PATTERN, "fb:e:quick:0:0:0:12345:1", True),
        (callbacks.FEEDBACK_PATTERN, "fb:e:quick:\u0660:0:0:12345:1", False),
        (callbacks.GATE_PATTERN, "gate:c:1795957257795", True),
        (callbacks.GO_PATTERN, "go", True),
        (callbacks.GO_PATTERN, "go:quick", True),
        (callbacks.GO_PATTERN, "go:../etc", False),
        (callbacks.SNOOZE_PATTERN, "skip:1795956216", True),
        (callbacks.SNOOZE_PATTERN, "skip", False),
        (callbacks.SETTINGS_PATTERN, "set:hour:07", True),
        (callbacks.FORGET_PATTERN, "fgt:yes", True),
        (callbacks.FORGET_PATTERN, "fgt:yes\n", False),
        (callbacks.BROADCAST_PATTERN, "bc:no", True),
        (callbacks.HURTS_PATTERN, "hurt", True),
        (callbacks.PAIN_PATTERN, "pain:a:x:1", True),
        (callbacks.PAIN_PATTERN, {"not": "a string"}, False),
    ],
)
def test_handler_patterns_are_the_decoders(pattern: Any, data: object, accepted: bool) -> None:
    """Handlers are routed by the codec itself, so a handler sees only data that decodes."""
    assert pattern(data) is accepted
