"""The terminal side: lines from stdin without blocking the loop, Ctrl-C, what stdout can show.

Stdin is read by a daemon thread with ``os.read`` on the file descriptor, not through
``sys.stdin``: a thread blocked in a buffered read would hold the buffer's lock at interpreter
exit ("could not acquire lock for <stdin>"), and an executor thread would make
``asyncio.run`` wait forever for a line. ``loop.connect_read_pipe`` is not used either: it
rejects regular files (``< transcript.txt``) and puts a shared TTY into non-blocking mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TextIO, TypeAlias

from bot.sandbox.render import Look

__all__ = ["End", "Input", "detect_look", "interrupts", "read_lines"]

_CHUNK = 4096


class End(enum.Enum):
    """Why the user's side of the chat ended."""

    EOF = "end of input"
    INTERRUPT = "interrupted"
    QUIT = "/quit"


Input: TypeAlias = str | End


def detect_look(out: TextIO, stdin_fd: int, env: Mapping[str, str]) -> Look:
    """ANSI only on a real terminal and without ``NO_COLOR`` (https://no-color.org)."""
    tty = _isatty(out)
    if not tty:
        return Look(echo=not _fd_isatty(stdin_fd))
    size = shutil.get_terminal_size()
    return Look(
        ansi=not env.get("NO_COLOR") and env.get("TERM") != "dumb",
        width=size.columns,
        height=size.lines,
        echo=not _fd_isatty(stdin_fd),
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def _fd_isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


@contextlib.contextmanager
def read_lines(fd: int, deliver: Callable[[Input], None]) -> Iterator[None]:
    """Feed each line read from ``fd`` (then ``End.EOF``) to ``deliver`` on the running loop.

    Leaving the block stops the deliveries; the thread itself stays blocked in ``read`` until
    the next line or the end of the process, which as a daemon it does not delay.
    """
    loop = asyncio.get_running_loop()
    stopped = threading.Event()

    def hand_over(item: Input) -> bool:
        if stopped.is_set():
            return False
        try:
            loop.call_soon_threadsafe(_unless, stopped, deliver, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            return False
        return True

    thread = threading.Thread(
        target=_read, args=(fd, hand_over), name="sandbox-stdin", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stopped.set()


def _unless(stopped: threading.Event, deliver: Callable[[Input], None], item: Input) -> None:
    if not stopped.is_set():
        deliver(item)


def _read(fd: int, hand_over: Callable[[Input], bool]) -> None:
    pending = b""
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError:
            chunk = b""
        if not chunk:
            break
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            if not hand_over(_decode(line)):
                return
    if pending and not hand_over(_decode(pending)):
        return
    hand_over(End.EOF)


def _decode(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r")


@contextlib.contextmanager
def interrupts(on_signal: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C and SIGTERM call ``on_signal`` instead of raising inside whatever runs, so the
    bot stops in order. Where the loop cannot take signals (Windows), Ctrl-C stays
    ``KeyboardInterrupt``, which the caller handles."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
