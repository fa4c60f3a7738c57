"""Stdin without blocking the loop, the sandbox's options, and text layout helpers."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.options import add_arguments, options_from, pretend_now
from bot.sandbox.terminal import End, Input, read_lines
from bot.sandbox.text import display_width, styles_of, wrap


async def test_lines_from_a_pipe_then_the_end_of_input() -> None:
    """Each line (CRLF or LF, the last one even without a newline) arrives on the loop in
    order, decoded as UTF-8, then End.EOF; the loop was never blocked meanwhile."""
    read_fd, write_fd = os.pipe()
    received: list[Input] = []
    ended = asyncio.Event()

    def deliver(item: Input) -> None:
        received.append(item)
        if item is End.EOF:
            ended.set()

    try:
        with read_lines(read_fd, deliver):
            # "ï" is two bytes; the line is split between them.
            os.write(write_fd, b"/start\nstart\r\nna\xc3")
            await asyncio.sleep(0.05)  # the loop runs while the thread waits for more
            os.write(write_fd, b"\xafve tail")
            os.close(write_fd)
            await asyncio.wait_for(ended.wait(), 5)
    finally:
        os.close(read_fd)
    assert received == ["/start", "start", "naïve tail", End.EOF]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sandbox", exit_on_error=False)
    add_arguments(parser)
    return parser.parse_args(argv)


def test_options() -> None:
    """--speed sets a factor, --now takes HH:MM or HH:MM:SS, --timezone is canonicalised,
    --files says where the bot's files go."""
    options = options_from(parse("--speed", "10", "--now", "8:59", "--timezone", "europe/berlin"))
    assert options.speed == 10
    assert options.now == dt.time(8, 59)
    assert options.timezone == "Europe/Berlin"
    assert options.log_level == "WARNING"
    assert options.data_dir is None
    assert options.files_dir == Path("sandbox-files")  # in .gitignore
    assert options_from(parse("--files", "out")).files_dir == Path("out")
    assert options_from(parse("--now", "08:59:57", "--log-level", "info")).now == dt.time(
        8, 59, 57
    )
    assert options_from(parse("--log-level", "info")).log_level == "INFO"


@pytest.mark.parametrize(
    "argv",
    [
        ("--speed", "0"),
        ("--speed", "-2"),
        ("--speed", "nan"),
        ("--speed", "fast"),
        ("--now", "25:00"),
        ("--now", "8.59"),
        ("--now", "08:60"),
        ("--timezone", "Mars/Olympus"),
    ],
)
def test_bad_options_are_refused(argv: tuple[str, ...]) -> None:
    """A bad value stops before anything starts, with argparse's one-line error."""
    with pytest.raises((SystemExit, argparse.ArgumentError)):
        parse(*argv)


def test_pretend_now_is_that_wall_clock_time_in_the_zone() -> None:
    """--now 08:59 in Berlin on a winter day is 07:59 UTC."""
    now = pretend_now(dt.time(8, 59), ZoneInfo("Europe/Berlin"), dt.date(2026, 11, 25))
    assert now.astimezone(dt.UTC) == dt.datetime(2026, 11, 25, 7, 59, tzinfo=dt.UTC)


def test_wrap_gives_slices_that_fit() -> None:
    """Rows are slices of the text: broken at spaces, at newlines, and inside a word only
    when the word alone is too long."""
    text = "hold it there\nabcdefghij"
    assert [text[a:b] for a, b in wrap(text, 8)] == ["hold it", "there", "abcdefgh", "ij"]
    assert wrap(text, None) == [(0, 13), (14, 24)]
    assert wrap("", 10) == [(0, 0)]


def test_width_and_styles_count_like_a_terminal_and_telegram() -> None:
    """Emoji take two columns; entity offsets count UTF-16 units."""
    assert display_width("▶️ Start") == 8
    assert display_width("👋 hi") == 5
    assert styles_of("👋 hi", [{"type": "bold", "offset": 3, "length": 2}]) == [0, 0, 1, 1]
