"""The chart worker: charts are drawn in another process; a failed drawing means text, a dead
worker a new one, never a failed /stats."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from bot.charts.worker import ChartRenderer
from bot.core.chart import ChartData
from bot.telegram.render.progress import CHART_WORDS
from tests.charts.test_draw import data


def _spawned() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


async def test_a_chart_is_drawn_in_the_worker_process() -> None:
    """Warmed, the renderer draws a year's chart in its worker, not in the bot's process."""
    executor = _spawned()
    renderer = ChartRenderer(executor)
    try:
        renderer.warm()
        png = await renderer.render(data(365), CHART_WORDS)
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
        assert await renderer.render(broken, CHART_WORDS) is None
        assert await renderer.render(data(3), CHART_WORDS) is not None
    finally:
        renderer.close()


async def test_a_dead_worker_is_replaced() -> None:
    """The worker process dies (killed, out of memory): the next chart starts another."""
    executor = _spawned()
    renderer = ChartRenderer(executor)
    try:
        os.kill(executor.submit(os.getpid).result(timeout=30), signal.SIGKILL)
        assert await renderer.render(data(3), CHART_WORDS) is not None
    finally:
        renderer.close()
