"""Charts drawn off the event loop, in a worker process.

Drawing a chart is ~50 ms of CPU, most of it holding the interpreter (Pillow's drawing calls
and the Python around them). In a thread of the bot's process every other chat's timers would
wait on it, so it runs in one separate process (``bench/charts.py`` measures both), started
with *spawn* (a fork of a running bot would copy its threads' locks) and warmed at start-up, so
the first /stats does not pay for the start. This module never imports Pillow or the drawing:
the bot's own process stays as it was.

A chart is a nicety: if it fails or is slow, :meth:`ChartRenderer.render` returns None and
/stats answers in text.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts.words import ChartWords
from bot.core.chart import ChartData

__all__ = ["RENDER_TIMEOUT", "ChartRenderer", "shared_renderer"]

_LOGGER = logging.getLogger(__name__)

#: How often the worker checks that the bot's process is still there, in seconds.
_WATCH_EVERY = 0.5

#: Longer than this and /stats answers in text (a year of history takes ~0.05 s).
RENDER_TIMEOUT = 10.0


def _draw(data: ChartData, words: ChartWords) -> bytes:
    """Runs in the worker: the drawing (and Pillow) are imported there only."""
    from bot.charts.draw import draw

    return draw(data, words)


def _warm_up() -> int:
    from bot.charts.draw import warm_up

    return warm_up()


def _watch_parent(parent: int) -> None:
    """Runs in the worker as it starts: exit once the bot's process is gone. A worker waits on
    its queue, whose pipe it also holds open for writing, so it would never notice a killed
    bot by itself, and would live on holding the bot's stdout and stderr."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_EVERY)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _process_pool() -> Executor:
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


class ChartRenderer:
    """Draws charts in an executor (by default one worker process, started on first use).

    ``executor`` is for benchmarks and tests (a thread pool, to compare); the renderer owns
    whatever it is given and shuts it down in :meth:`close`. A worker that dies is replaced
    by a new process.
    """

    def __init__(self, executor: Executor | None = None, *, timeout: float = RENDER_TIMEOUT):
        self._executor = executor
        self._timeout = timeout
        self._warming: Future[int] | None = None

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = _process_pool()
        return self._executor

    def warm(self) -> None:
        """Start the worker and draw a tiny chart in the background (once); returns at once."""
        if self._warming is None:
            # A plain future, not the loop's: the shared worker outlives a test's event loop.
            self._warming = self._pool().submit(_warm_up)
            self._warming.add_done_callback(_log_warm_up)

    async def render(self, data: ChartData, words: ChartWords) -> bytes | None:
        """The chart as PNG bytes, or None if it could not be drawn in time."""
        for attempt in (1, 2):
            try:
                # submit() itself raises BrokenProcessPool once the pool knows its worker died.
                future = asyncio.wrap_future(self._pool().submit(_draw, data, words))
                async with asyncio.timeout(self._timeout):
                    return await future
            except BrokenProcessPool:
                # The worker died (killed, out of memory): a new one, once.
                _LOGGER.warning("The chart worker died (attempt %d); starting another", attempt)
                self._replace()
            except TimeoutError:
                # A stuck worker would hold up every chart after it: the next one gets a new
                # worker (the old one exits once it is done, as far as Python 3.11 can ask).
                _LOGGER.warning("A chart took over %.0f s; answering in text", self._timeout)
                self._replace()
                return None
            except Exception:
                _LOGGER.exception("Could not draw a chart; answering in text")
                return None
        return None

    def _replace(self) -> None:
        old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker (without waiting for a chart being drawn)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._warming = None


def _log_warm_up(future: Future[int]) -> None:
    if future.cancelled():
        return
    if (error := future.exception()) is not None:
        _LOGGER.warning("The chart worker did not start: %s", error)


_SHARED: list[ChartRenderer] = []


def shared_renderer() -> ChartRenderer:
    """This process's renderer: one worker process however many applications it builds (the
    bot builds one; the tests and the sandbox build many, and each would start a process)."""
    if not _SHARED:
        _SHARED.append(ChartRenderer())
    return _SHARED[0]
