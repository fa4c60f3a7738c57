"""The /stats chart as a PNG: sessions per day with the streak, the hold per side over time,
the weekly pain before → after.

Drawn with matplotlib's Agg canvas on a bare :class:`~matplotlib.figure.Figure` (no pyplot,
no global state), few artists and no automatic layout, so a year of history draws in well
under 200 ms. Nothing here knows a language: every word in the picture comes in as
:class:`ChartWords` from the render layer; tick labels are dates.
"""

from __future__ import annotations

import datetime as dt
import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from bot.charts.words import ChartWords
from bot.core.chart import ChartData, Day, SideHolds
from bot.core.stats import DayMark

__all__ = ["HEIGHT", "WIDTH", "ChartWords", "draw", "warm_up"]

#: The picture's size in pixels: portrait, to fill a phone's width and stay readable there.
WIDTH, HEIGHT = 900, 1125
_DPI = 150
_COLOURS = 64

#: The bot's palette (content/images/README.md).
BACKGROUND = "#F8F4EC"
NAVY = "#24496F"
BLUE = "#3A6A99"
PALE = "#A6C0DA"
ORANGE = "#FF6A3D"
SOFT_ORANGE = "#FFB79C"
GRID = "#E6DAC5"
GREEN = "#16A06F"
INK = "#4A4A4A"


def draw(data: ChartData, words: ChartWords) -> bytes:
    """The chart as PNG bytes (:data:`WIDTH` × :data:`HEIGHT`)."""
    figure = Figure(figsize=(WIDTH / _DPI, HEIGHT / _DPI), dpi=_DPI, facecolor=BACKGROUND)
    panels = [_sessions]
    if data.holds:
        panels.append(_holds)
    if data.pain:
        panels.append(_pain)
    # Fixed margins instead of tight_layout: it costs a draw of its own.
    grid = figure.add_gridspec(
        len(panels), 1, left=0.08, right=0.94, top=0.95, bottom=0.05, hspace=0.42
    )
    for row, panel in enumerate(panels):
        axes = figure.add_subplot(grid[row])
        _style(axes)
        panel(axes, data, words)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib leaves it unannotated
    # A flat chart needs few colours: a 64-colour palette PNG is a third the size of
    # matplotlib's RGBA one, and quicker to encode than it.
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    palette = image.convert("RGB").quantize(_COLOURS, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG")
    return buffer.getvalue()


def warm_up() -> int:
    """Draw a tiny chart once, so the first real one does not pay for imports and font
    caches (run in the worker at start-up); returns the PNG's size."""
    today = dt.date(2026, 1, 5)
    data = ChartData(
        today,
        (Day(today, 1, DayMark.DONE, streak=True),),
        1,
        (SideHolds("left", ((today, 20.0),)),),
        ((today, 3.0, 2.0),),
    )
    return len(draw(data, ChartWords("", "", "", "", "")))


def _style(axes: Axes) -> None:
    axes.set_facecolor(BACKGROUND)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=INK, labelsize=9, length=0, pad=4)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def _title(axes: Axes, text: str) -> None:
    if text:
        axes.set_title(text, loc="left", fontsize=11, color=NAVY, fontweight="bold", pad=8)


def _sessions(axes: Axes, data: ChartData, words: ChartWords) -> None:
    """One bar per day (the current streak's orange), a small dot for a missed day, and the
    streak's length as a big orange number at the top right."""
    heights = [day.sessions for day in data.days]
    colours = [ORANGE if day.streak else NAVY for day in data.days]
    xs = [(day.day - data.today).days for day in data.days]
    # One collection of rectangles, not ``bar``'s one patch per day: a fifth of the time.
    half = 0.36
    bars = [
        [(x - half, 0), (x - half, h), (x + half, h), (x + half, 0)]
        for x, h in zip(xs, heights, strict=True)
    ]
    axes.add_collection(PolyCollection(bars, facecolors=colours, edgecolors="none"))
    missed = [x for x, day in zip(xs, data.days, strict=True) if day.mark is DayMark.MISSED]
    if missed:
        axes.scatter(missed, [0.06] * len(missed), s=14, color=PALE, zorder=3)
    axes.set_ylim(0, max(*heights, 1) * 1.05)
    axes.yaxis.set_major_locator(MaxNLocator(2, integer=True))
    _dates(axes, data, words, span=len(data.days) - 1)
    if data.streak:
        axes.text(
            1.0, 1.03, str(data.streak), transform=axes.transAxes, ha="right", va="bottom",
            fontsize=18, fontweight="bold", color=ORANGE,
        )  # fmt: skip
    _title(axes, words.sessions)


def _holds(axes: Axes, data: ChartData, words: ChartWords) -> None:
    """A line per side: the average time in position on each day it was held."""
    colours = [NAVY, ORANGE, GREEN, BLUE, SOFT_ORANGE]
    for series, colour in zip(data.holds, colours, strict=False):
        days = [(day - data.today).days for day, _ in series.points]
        seconds = [value for _, value in series.points]
        axes.plot(
            days, seconds, color=colour, linewidth=2.2, marker="o" if len(days) < 30 else "",
            markersize=4, label=words.side(series.side),
        )  # fmt: skip
    axes.set_ylim(0, max(v for s in data.holds for _, v in s.points) * 1.12)
    axes.yaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))
    _dates(axes, data, words, span=_span(data))
    _legend(axes)
    _title(axes, words.holds)


def _pain(axes: Axes, data: ChartData, words: ChartWords) -> None:
    """Per week, a dot before and a dot after the sessions, joined: lower is better."""
    # A week's dots sit mid-week (this week's: today at most); x is days before today.
    rows = [(min((monday - data.today).days + 3, 0), b, a) for monday, b, a in data.pain]
    both = [(m, b, a) for m, b, a in rows if b is not None and a is not None]
    if both:
        axes.vlines(
            [m for m, _, _ in both], [b for _, b, _ in both], [a for _, _, a in both],
            color=GRID, linewidth=3,
        )  # fmt: skip
    for index, colour, label in ((1, PALE, words.before), (2, ORANGE, words.after)):
        points = [(row[0], value) for row in rows if (value := row[index]) is not None]
        axes.scatter(
            [m for m, _ in points], [v for _, v in points], s=36, color=colour, zorder=3,
            label=label,
        )  # fmt: skip
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks([0, 5, 10])
    _dates(axes, data, words, span=_span(data))
    _legend(axes)
    _title(axes, words.pain)


def _span(data: ChartData) -> int:
    """Days the time panels cover: back to the first hold or pain answer, at least as far as
    the sessions panel, so that short histories line up with it."""
    starts = [s.points[0][0] for s in data.holds if s.points]
    starts += [monday for monday, _, _ in data.pain[:1]]
    return max((data.today - min(starts, default=data.today)).days, len(data.days) - 1)


def _dates(axes: Axes, data: ChartData, words: ChartWords, *, span: int) -> None:
    """A time axis of ``span`` days up to today; x is days before today (plain numbers:
    matplotlib's date units cost time), labelled on Mondays, every week or every few."""
    weeks = -(-span // 7 // 5) or 1
    monday = -data.today.weekday()
    ticks = [monday - 7 * weeks * n for n in range((span + monday) // (7 * weeks), -1, -1)]
    axes.set_xlim(-span - 0.7 - span * 0.01, 0.7 + span * 0.01)
    axes.set_xticks(ticks, [_date(data.today + dt.timedelta(days=n), words) for n in ticks])


def _legend(axes: Axes) -> None:
    _, labels = axes.get_legend_handles_labels()
    if any(labels):
        # In the title's row, on the right: never over the data.
        axes.legend(
            frameon=False, fontsize=9, loc="lower right", ncols=len(labels),
            bbox_to_anchor=(1.0, 0.98), labelcolor=INK, handlelength=1.2, borderaxespad=0,
        )  # fmt: skip


def _date(day: dt.date, words: ChartWords) -> str:
    if len(words.months) == 12:
        return f"{day.day} {words.months[day.month - 1]}"
    return f"{day.day}.{day.month}"
