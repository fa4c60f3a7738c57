"""The /stats chart as a PNG: sessions per day with the streak, the hold per side over time,
the weekly pain before → after.

Drawn with Pillow, not a plotting library: matplotlib took 150–250 ms of CPU for these three
panels (most of it laying out and rasterising its tick labels), over the 200 ms budget on a
busy machine; a chart this simple is a few rectangles, lines, dots and labels, which Pillow
draws in a few tens of milliseconds. It draws at twice the size and halves the picture, since
its lines are not anti-aliased. The font is DejaVu Sans (``fonts/``, its licence beside it):
wide Unicode coverage, for the translations to come.

Nothing here knows a language: every word in the picture comes in as :class:`ChartWords`, and
the dates are written by Babel for the locale it names.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_skeleton
from PIL import Image, ImageDraw, ImageFont

from bot.charts.words import ChartWords
from bot.core.chart import ChartData, Day, SideHolds
from bot.core.stats import DayMark

__all__ = ["HEIGHT", "WIDTH", "draw", "warm_up"]

#: The picture's size in pixels: portrait, to fill a phone's width and stay readable there.
WIDTH, HEIGHT = 900, 1125
_S = 2  # drawn at twice the size, then halved: anti-aliasing
_COLOURS = 64
_FONTS = Path(__file__).resolve().parent / "fonts"

#: The bot's palette (content/images/README.md).
BACKGROUND = "#F8F4EC"
NAVY = "#24496F"
BLUE = "#3A6A99"
PALE = "#A6C0DA"
ORANGE = "#FF6A3D"
SOFT_ORANGE = "#FFB79C"
GREEN = "#16A06F"
GRID = "#E6DAC5"
INK = "#4A4A4A"
_SERIES = (NAVY, ORANGE, GREEN, BLUE, SOFT_ORANGE)

# Layout, in pixels of the final picture.
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 28, 16, 8
_TITLE, _TICKS, _GAP = 58, 44, 26
#: Tick labels and legend: a phone shows the picture about 400 points wide, so 21 px of 900
#: is about 9 points; titles 25 px.
_SMALL = 21


@functools.cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(_FONTS / name), size * _S)


@dataclass(frozen=True, slots=True)
class _Panel:
    """One panel's plot area (final pixels) and its x and y ranges."""

    pen: ImageDraw.ImageDraw
    top: float
    left: float
    right: float
    bottom: float
    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, value: float) -> float:
        """Where x (days before today) is, in the drawing's pixels."""
        share = (value - self.x0) / (self.x1 - self.x0)
        return _S * (self.left + share * (self.right - self.left))

    def y(self, value: float) -> float:
        share = (value - self.y0) / (self.y1 - self.y0)
        return _S * (self.bottom - share * (self.bottom - self.top))


def draw(data: ChartData, words: ChartWords) -> bytes:
    """The chart as PNG bytes (:data:`WIDTH` × :data:`HEIGHT`), a 64-colour palette PNG."""
    image = Image.new("RGB", (WIDTH * _S, HEIGHT * _S), BACKGROUND)
    pen = ImageDraw.Draw(image)
    panels: list[Callable[[ImageDraw.ImageDraw, float, float, ChartData, ChartWords], None]]
    panels = [_sessions]
    if data.holds:
        panels.append(_holds)
    if data.pain:
        panels.append(_pain)
    height = (HEIGHT - _TOP - _BOTTOM - _GAP * (len(panels) - 1)) / len(panels)
    for row, panel in enumerate(panels):
        top = _TOP + row * (height + _GAP)
        panel(pen, top, top + height, data, words)
    small = image.reduce(_S).quantize(
        _COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    small.save(buffer, "PNG", compress_level=1)  # 40 % less CPU than 6, for ~10 KB more
    return buffer.getvalue()


def warm_up() -> int:
    """Draw a tiny chart once, so the first real one does not pay for loading the fonts (run
    in the worker at start-up); returns the PNG's size."""
    today = dt.date(2026, 1, 5)
    data = ChartData(
        today,
        (Day(today, 1, DayMark.DONE, streak=True),),
        1,
        (SideHolds("left", ((today, 20.0),)),),
        ((today, 3.0, 2.0),),
    )
    return len(draw(data, ChartWords("Aa", "Aa", "Aa", "Aa", "Aa", locale="en_GB")))


# Panels -----------------------------------------------------------------------------------


def _sessions(
    pen: ImageDraw.ImageDraw, top: float, bottom: float, data: ChartData, words: ChartWords
) -> None:
    """One bar per day (the current streak's orange), a small dot for a missed day, and the
    streak's length as a big orange number at the top right."""
    most = max(max(day.sessions for day in data.days), 1)
    panel = _frame(pen, top, bottom, span=len(data.days) - 1, y1=most * 1.08, title=words.sessions)
    _y_ticks(panel, range(most + 1) if most <= 3 else _nice_ticks(most))
    half = 0.36
    for day in data.days:
        x = (day.day - data.today).days
        if day.sessions:
            box = (panel.x(x - half), panel.y(day.sessions), panel.x(x + half), panel.y(0))
            pen.rectangle(box, fill=ORANGE if day.streak else NAVY)
        elif day.mark is DayMark.MISSED:
            _dot(pen, panel.x(x), panel.y(0) - 8 * _S, 5, PALE)
    _x_ticks(panel, data, words)
    if data.streak:
        pen.text(
            (_S * (WIDTH - _RIGHT), _S * top),
            str(data.streak),
            font=_font(40, bold=True),
            fill=ORANGE,
            anchor="ra",
        )


def _holds(
    pen: ImageDraw.ImageDraw, top: float, bottom: float, data: ChartData, words: ChartWords
) -> None:
    """A line per side: the average time in position on each day it was held."""
    most = max(value for series in data.holds for _, value in series.points)
    ticks = _nice_ticks(most)
    panel = _frame(pen, top, bottom, span=_span(data), y1=max(most * 1.12, ticks[-1]))
    _title(pen, top, words.holds)
    _y_ticks(panel, ticks)
    legend = []
    for series, colour in zip(data.holds, _SERIES, strict=False):
        points = [
            (panel.x((day - data.today).days), panel.y(value)) for day, value in series.points
        ]
        if len(points) > 1:
            pen.line(points, fill=colour, width=5 * _S, joint="curve")
        if len(points) < 30:
            for x, y in points:
                _dot(pen, x, y, 5, colour)
        legend.append((words.side(series.side), colour, "line"))
    _x_ticks(panel, data, words)
    _legend(pen, top, legend)


def _pain(
    pen: ImageDraw.ImageDraw, top: float, bottom: float, data: ChartData, words: ChartWords
) -> None:
    """Per week, a dot before and a dot after the sessions, joined: lower is better."""
    panel = _frame(pen, top, bottom, span=_span(data), y1=10.6, y0=-0.6)
    _title(pen, top, words.pain)
    _y_ticks(panel, (0, 5, 10))
    # A week's dots sit mid-week (this week's: today at most); x is days before today.
    rows = [(min((monday - data.today).days + 3, 0), b, a) for monday, b, a in data.pain]
    for x, before, after in rows:
        if before is not None and after is not None:
            pen.line(
                [(panel.x(x), panel.y(before)), (panel.x(x), panel.y(after))],
                fill=GRID,
                width=3 * _S,
            )
    for x, before, after in rows:
        for value, colour in ((before, PALE), (after, ORANGE)):
            if value is not None:
                _dot(pen, panel.x(x), panel.y(value), 7, colour)
    _x_ticks(panel, data, words)
    _legend(pen, top, [(words.before, PALE, "dot"), (words.after, ORANGE, "dot")])


# Parts --------------------------------------------------------------------------------------


def _frame(
    pen: ImageDraw.ImageDraw,
    top: float,
    bottom: float,
    *,
    span: int,
    y1: float,
    y0: float = 0.0,
    title: str = "",
) -> _Panel:
    """The plot area under the title row and above the date labels, its base line drawn.
    x is days before today, from ``-span`` to 0; y from ``y0`` to ``y1``."""
    _title(pen, top, title)
    area = _Panel(
        pen, top + _TITLE, _LEFT, WIDTH - _RIGHT, bottom - _TICKS, -span - 0.7, 0.7, y0, y1
    )
    base = _S * area.bottom
    pen.line([(_S * area.left, base), (_S * area.right, base)], fill=GRID, width=2 * _S)
    return area


def _title(pen: ImageDraw.ImageDraw, top: float, text: str) -> None:
    if text:
        pen.text((_S * _LEFT, _S * (top + 4)), text, font=_font(25, bold=True), fill=NAVY)


def _y_ticks(panel: _Panel, values: Sequence[float]) -> None:
    """Grid lines across the panel, their values to the left."""
    font = _font(_SMALL)
    for value in values:
        y = panel.y(value)
        if value:
            panel.pen.line(
                [(_S * panel.left, y), (_S * panel.right, y)], fill=GRID, width=int(1.5 * _S)
            )
        panel.pen.text((_S * (panel.left - 10), y), f"{value:g}", font=font, fill=INK, anchor="rm")


def _x_ticks(panel: _Panel, data: ChartData, words: ChartWords) -> None:
    """Dates under the panel on Mondays: every week, or every few weeks on a long span."""
    span = round(panel.x1 - 0.7 - (panel.x0 + 0.7))
    weeks = -(-span // 7 // 5) or 1
    monday = -data.today.weekday()
    font = _font(_SMALL)
    y = _S * (panel.bottom + 10)
    for n in range((span + monday) // (7 * weeks), -1, -1):
        at = monday - 7 * weeks * n
        label = _date(data.today + dt.timedelta(days=at), words)
        # Kept inside the picture: the last Monday may be close to its right edge.
        half = font.getlength(label) / 2
        x = min(panel.x(at), _S * (WIDTH - 4) - half)
        panel.pen.text((x, y), label, font=font, fill=INK, anchor="ma")


def _legend(pen: ImageDraw.ImageDraw, top: float, entries: list[tuple[str, str, str]]) -> None:
    """Right-aligned in the title row: a line or dot in each entry's colour, then its word."""
    font = _font(_SMALL)
    x: float = _S * (WIDTH - _RIGHT)
    y = _S * (top + 19)
    for label, colour, mark in reversed([entry for entry in entries if entry[0]]):
        x -= font.getlength(label)
        pen.text((x, y), label, font=font, fill=INK, anchor="lm")
        x -= 8 * _S
        if mark == "line":
            pen.line([(x - 26 * _S, y), (x, y)], fill=colour, width=6 * _S)
            x -= 26 * _S
        else:
            _dot(pen, x - 7 * _S, y, 7, colour)
            x -= 14 * _S
        x -= 24 * _S


def _dot(pen: ImageDraw.ImageDraw, x: float, y: float, radius: float, colour: str) -> None:
    r = radius * _S
    pen.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _span(data: ChartData) -> int:
    """Days the time panels cover: back to the first hold or pain answer, at least as far as
    the sessions panel, so that short histories line up with it."""
    starts = [s.points[0][0] for s in data.holds if s.points]
    starts += [monday for monday, _, _ in data.pain[:1]]
    return max((data.today - min(starts, default=data.today)).days, len(data.days) - 1)


def _nice_ticks(most: float) -> list[float]:
    """0 and two or three round values up to about ``most``."""
    steps = (1, 2, 5, 10, 15, 20, 30, 50, 60, 100, 120, 150, 300)
    step = next((step for step in steps if most / step <= 3), steps[-1])
    count = int(most // step) + (1 if most % step > step / 3 else 0)
    return [n * step for n in range(count + 1)]


def _date(day: dt.date, words: ChartWords) -> str:
    if words.locale:
        return format_skeleton("MMMd", day, locale=words.locale)
    return f"{day.day}.{day.month}"
