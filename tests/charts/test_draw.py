"""The /stats picture: a valid PNG of a phone-friendly size for any history, from one day to
a year, with both sides, one side or no holds, with or without pain answers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from babel.dates import format_skeleton
from PIL import Image, ImageFont

from bot.charts import draw as draw_module
from bot.charts.draw import HEIGHT, WIDTH, draw
from bot.charts.words import ChartWords
from bot.core.chart import ChartData, chart_data
from bot.core.chat import SessionRecord, SessionStatus
from bot.telegram.render import i18n
from bot.telegram.render.progress import chart_words

TODAY = dt.date(2026, 11, 25)
EVERY_DAY = frozenset(range(7))
BOTH = {"Iliopsoas stretch · left": 20.0, "Iliopsoas stretch · right": 24.0}
ONE = {"Bridge": 15.0}


def history(days: int, holds: dict[str, float], pain: bool) -> list[SessionRecord]:
    """A session on most of the last ``days`` days (and today), holds growing slowly."""
    records = []
    for n in range(days, -1, -1):
        if n % 5 == 3:
            continue
        day = TODAY - dt.timedelta(days=n)
        started = dt.datetime.combine(day, dt.time(9), dt.UTC)
        records.append(
            SessionRecord(
                chat_id=1,
                routine_id="back",
                started_at=started,
                ended_at=started + dt.timedelta(minutes=6),
                local_date=day,
                status=SessionStatus.COMPLETED,
                duration=360.0,
                holds={label: s + (days - n) / 30 for label, s in holds.items()},
                pain_before=5 if pain else None,
                pain_after=3 if pain and n % 2 else None,
            )
        )
    return records


def data(days: int, holds: dict[str, float] = BOTH, pain: bool = True) -> ChartData:
    found = chart_data(history(days, holds, pain), today=TODAY, reminder_days=EVERY_DAY)
    assert found is not None
    return found


def png(chart: ChartData, words: ChartWords | None = None) -> Image.Image:
    image_bytes = draw(chart, words or chart_words())
    assert image_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    # Small enough for a quick upload, big enough to be a real picture.
    assert 3_000 < len(image_bytes) < 200_000, len(image_bytes)
    image = Image.open(io.BytesIO(image_bytes))
    image.load()  # a truncated or corrupt file fails here
    return image


@pytest.mark.parametrize("days", [0, 1, 30, 365])
def test_a_chart_is_a_phone_sized_png(days: int) -> None:
    """From the first day to a year: a PNG of 900 × 1125 px (portrait, within Telegram's
    1280 px) and 3–200 KB, with the bot's light background at the corners."""
    image = png(data(days))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT)
    assert max(image.size) <= 1280
    corner = image.convert("RGB").getpixel((2, 2))
    assert isinstance(corner, tuple)
    # The palette PNG may shift a colour by a step or two.
    assert max(abs(a - b) for a, b in zip(corner, (0xF8, 0xF4, 0xEC), strict=True)) <= 3


@pytest.mark.parametrize(
    ("holds", "pain"),
    [(BOTH, True), (ONE, True), (BOTH, False), ({}, False), ({**BOTH, **ONE}, False)],
    ids=["both-sides", "one-side", "no-pain", "sessions-only", "sides-and-unsided"],
)
def test_every_mix_of_panels_draws(holds: dict[str, float], pain: bool) -> None:
    """Both sides, one side or no holds at all, pain or none: the picture still draws (a
    panel with nothing to show is left out rather than drawn empty)."""
    image = png(data(40, holds, pain))
    assert image.size == (WIDTH, HEIGHT)


def test_the_streak_is_drawn_in_orange() -> None:
    """The current streak's bars are the highlight orange: a chart with a streak has some,
    one whose streak was broken yesterday has none."""
    orange = (0xFF, 0x6A, 0x3D)

    def has_orange(chart: ChartData) -> bool:
        image = png(chart, ChartWords("", "", "", "", "")).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 16) or []
        return any(
            count > 500 and max(abs(a - b) for a, b in zip(c, orange, strict=True)) < 12
            for count, c in colours
            if isinstance(c, tuple)
        )

    with_streak = data(10, {}, pain=False)
    assert with_streak.streak > 0
    assert has_orange(with_streak)
    broken = chart_data(
        [r for r in history(10, {}, False) if r.local_date < TODAY - dt.timedelta(days=2)],
        today=TODAY,
        reminder_days=EVERY_DAY,
    )
    assert broken is not None
    assert broken.streak == 0
    assert not has_orange(broken)


@pytest.mark.parametrize("language", ["en", "de", "es", "ru"])
def test_every_shipped_language_draws_its_words_and_dates(language: str) -> None:
    """A chart in each shipped language draws, with its dates written by Babel for the
    locale the words name ("25 Nov", "25. Nov.", "25 nov", "25 нояб.")."""
    with i18n.speaking(language):
        words = chart_words()
    assert png(data(40), words).size == (WIDTH, HEIGHT)
    assert draw_module._date(TODAY, words) == format_skeleton("MMMd", TODAY, locale=words.locale)
    assert draw_module._date(TODAY, ChartWords("", "", "", "", "")) == "25.11"


def test_the_font_has_every_letter_of_the_shipped_languages() -> None:
    """The bundled DejaVu Sans draws Cyrillic, umlauts and Spanish accents as letters, not
    as the missing-glyph box."""
    font = ImageFont.truetype(str(draw_module._FONTS / "DejaVuSans.ttf"), 40)
    missing = bytes(font.getmask("\ue000"))  # a private-use character: no glyph
    letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАЯЁ" + "äöüßÄÖÜ" + "ñáéíóúüÑ¿¡–→·"
    boxes = [c for c in letters if bytes(font.getmask(c)) == missing]
    assert boxes == []
