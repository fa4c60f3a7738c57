"""The countdown's text: a bar that fills as the hold goes on, the seconds left, and a last
line that says what comes next; and how often it is updated when many run at once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from bot.clock import Clock
from bot.features.countdown import (
    EDIT_RATE,
    LATE_TICK,
    Countdowns,
    bar,
    final_text,
    paused_text,
    progress_text,
)
from bot.storage.chatfiles import ChatFiles
from bot.telegram.context import BotContext
from tests.factories import bench_application


def test_bar_fills_up() -> None:
    """The bar has ten cells and fills in proportion, clamped at both ends."""
    assert bar(0) == "░" * 10
    assert bar(0.5) == "▓" * 5 + "░" * 5
    assert bar(1) == "▓" * 10
    assert bar(1.7) == "▓" * 10
    assert bar(-1) == "░" * 10


def test_progress_shows_seconds_left_rounded_up() -> None:
    """“7.2 s left” shows as 8 s, never 0 s while the hold is still running."""
    assert progress_text("⏱ Hold for 20 seconds", 20, 7.2) == (
        "⏱ Hold for 20 seconds\n▓▓▓▓▓▓░░░░ 8 s"
    )
    assert progress_text("⏱ Hold", 20, 0.1).endswith(" 1 s")


def test_paused_text_keeps_the_bar_and_says_paused() -> None:
    """A paused hold keeps its bar where it stopped and says so, with the seconds left."""
    assert paused_text("⏱ Hold for 20 seconds", 20, 7.2) == (
        "⏱ Hold for 20 seconds\n▓▓▓▓▓▓░░░░ ⏸ paused, 8 s left"
    )


def test_final_text_ends_with_what_comes_next() -> None:
    """A finished hold shows a full bar, a tick, and the follow-up."""
    assert final_text("⏱ Hold for 10 seconds", "Increase the stretch — 20 more seconds") == (
        "⏱ Hold for 10 seconds\n▓▓▓▓▓▓▓▓▓▓ ✓ → Increase the stretch — 20 more seconds"
    )
    assert final_text("⏱ Hold", None) == "⏱ Hold\n▓▓▓▓▓▓▓▓▓▓ ✓"


class _Clock(Clock):
    """Monotonic time that moves only when told to."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 1000.0

    def monotonic(self) -> float:  # type: ignore[override]
        return self.at


@dataclass
class _Bot:
    """Records countdown edits as (chat, text)."""

    edits: list[tuple[int, str]] = field(default_factory=list)

    async def edit_message_text(
        self, text: str, chat_id: int, message_id: int, reply_markup: object = None
    ) -> None:
        self.edits.append((chat_id, text))


@dataclass
class _Countdowns:
    countdowns: Countdowns
    clock: _Clock
    bot: _Bot
    jobs: object

    def context(self, chat_id: int | None = None) -> BotContext:
        job = SimpleNamespace(chat_id=chat_id)
        return cast(BotContext, SimpleNamespace(jobs=self.jobs, job=job, bot=self.bot))

    def begin(self, chat_id: int, hold: float) -> None:
        self.countdowns.begin(self.context(), chat_id, 1, "⏱ Hold", hold, live=True)

    async def tick_all(self, chats: range, at: float) -> None:
        """Every chat's tick job runs ``at`` seconds after the holds began."""
        self.clock.at = 1000.0 + at
        for chat_id in chats:
            await self.countdowns._tick(self.context(chat_id))


@pytest.fixture
def countdowns(tmp_path: Path) -> _Countdowns:
    """Countdowns on a clock the test moves; ticks are called by hand (the JobQueue is idle)."""
    clock = _Clock()
    application = bench_application(tmp_path, ChatFiles.in_folder(tmp_path), clock)
    return _Countdowns(Countdowns(clock, time_scale=1.0), clock, _Bot(), application.job_queue)


async def test_one_countdown_is_updated_every_two_seconds(countdowns: _Countdowns) -> None:
    """Alone, a 20 s hold shows 18 s, 16 s … 2 s: the budget changes nothing for one user."""
    countdowns.begin(1, 20)
    for at in range(2, 20, 2):
        await countdowns.tick_all(range(1, 2), at)
    assert [text.rsplit(" ", 2)[-2] for _, text in countdowns.bot.edits] == [
        str(left) for left in range(18, 0, -2)
    ]


async def test_many_countdowns_share_the_edit_budget(countdowns: _Countdowns) -> None:
    """200 live countdowns at 20 edits a second: each is updated every 10 s instead of 2 s,
    all alike, and the bot makes no more than its budget of countdown edits."""
    chats = range(1, 201)
    for chat_id in chats:
        countdowns.begin(chat_id, 30)
    assert countdowns.countdowns.update_interval() == pytest.approx(200 / EDIT_RATE)
    for at in range(2, 22, 2):
        await countdowns.tick_all(chats, at)
    edits = countdowns.bot.edits
    assert len(edits) <= EDIT_RATE * 20
    assert Counter(chat_id for chat_id, _ in edits) == dict.fromkeys(chats, 2)


async def test_a_late_tick_is_dropped(countdowns: _Countdowns) -> None:
    """A tick that runs well after its time (the loop is busy) makes no request; the next
    one on time does."""
    countdowns.begin(1, 20)
    await countdowns.tick_all(range(1, 2), 2 + LATE_TICK + 0.2)
    assert countdowns.bot.edits == []
    await countdowns.tick_all(range(1, 2), 4.05)
    assert len(countdowns.bot.edits) == 1
