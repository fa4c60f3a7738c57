"""The chart worker: charts are drawn in another process; a failed drawing means text, a dead
worker a new one, never a failed /stats."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from bot.charts.worker import ChartRenderer
from bot.core.chart import ChartData
from bot.telegram.render.progress import chart_words
from tests.charts.test_draw import data

ROOT = Path(__file__).resolve().parent.parent.parent


def _spawned() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


async def test_a_chart_is_drawn_in_the_worker_process() -> None:
    """Warmed, the renderer draws a year's chart in its worker, not in the bot's process."""
    executor = _spawned()
    renderer = ChartRenderer(executor)
    try:
        renderer.warm()
        png = await renderer.render(data(365), chart_words())
        worker = executor.submit(os.getpid).result(timeout=30)
    finally:
        renderer.close()
    assert png is not None
    assert png.startswith(b"\x89PNG")
    assert worker != os.getpid()


async def test_a_chart_that_fails_to_draw_is_none() -> None:
    """Data the drawing cannot take: None (and a logged error), so /stats answers in text;
    the next chart draws."""
    renderer = ChartRenderer(ThreadPoolExecutor(max_workers=1))
    broken: ChartData = dataclasses.replace(data(3), days=())
    try:
        assert await renderer.render(broken, chart_words()) is None
        assert await renderer.render(data(3), chart_words()) is not None
    finally:
        renderer.close()


async def test_a_dead_worker_is_replaced() -> None:
    """The worker process dies (killed, out of memory): the next chart starts another."""
    executor = _spawned()
    renderer = ChartRenderer(executor)
    try:
        os.kill(executor.submit(os.getpid).result(timeout=30), signal.SIGKILL)
        assert await renderer.render(data(3), chart_words()) is not None
    finally:
        renderer.close()


_KILLED_BOT = """
import asyncio, os, signal, sys
from bot.charts.worker import ChartRenderer

async def main() -> None:
    renderer = ChartRenderer()
    renderer.warm()
    pool = renderer._pool()
    print(pool.submit(os.getpid).result(timeout=60), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_the_worker_does_not_outlive_a_killed_bot() -> None:
    """The bot's process is killed (SIGKILL): its chart worker exits too, closing the bot's
    output, rather than living on."""
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_BOT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as bot:
        assert bot.stdout is not None
        worker = int(bot.stdout.readline())
        bot.wait(timeout=60)
        deadline = time.monotonic() + 10
        try:
            while _alive(worker):
                assert time.monotonic() < deadline, "the chart worker outlived the bot"
                time.sleep(0.05)
        finally:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
        # EOF on the bot's stdout: nothing holds it open any more.
        assert bot.stdout.read() == ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
