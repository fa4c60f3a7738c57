"""Fitting HTML into Telegram messages: every part parses as Telegram would and fits."""

from __future__ import annotations

import random
from html import escape

import pytest

from bot.emulator.markup import parse
from bot.telegram.fitting import MAX_MESSAGE, fit, visible_length


def shown(markup: str) -> str:
    """What Telegram shows for an HTML text (raises if it would refuse the markup)."""
    plain, _ = parse(markup, "HTML")
    return plain


def check(parts: list[str], limit: int = MAX_MESSAGE) -> None:
    """Every part is valid HTML with something to show, and no longer than ``limit``."""
    for part in parts:
        plain = shown(part)
        assert plain, part
        assert len(plain) <= limit
        assert visible_length(part) <= limit


def test_a_text_that_fits_is_left_alone() -> None:
    """A short text comes back unchanged, as one message."""
    text = "<b>Your holds</b>\nIliopsoas stretch: left 23 s &amp; right 17 s"
    assert fit(text) == [text]
    assert fit(" \n ") == []


def test_length_counts_what_telegram_shows() -> None:
    """Tags take no room and an entity is one character."""
    assert visible_length("<b>a&amp;b</b>\n<pre>x&lt;y</pre>") == len("a&b\nx<y")
    assert visible_length("&#128512;") == 1


def test_long_text_is_split_at_line_boundaries() -> None:
    """Lines are never broken: the parts, joined again, are the text."""
    lines = [f"<b>{n:04d}</b> " + escape("Stretch & hold " * 5) for n in range(200)]
    text = "\n".join(lines)
    parts = fit(text)
    assert len(parts) > 1
    check(parts)
    assert "\n".join(parts) == text
    assert all(len(shown(part)) > MAX_MESSAGE - 100 for part in parts[:-1])


def test_a_pre_block_is_not_split_inside() -> None:
    """A multi-line <pre> block stays whole in one part: no split inside an open tag."""
    block = "<pre>" + "\n".join(f"row {n} ▓▓▓░░" for n in range(40)) + "</pre>"
    text = "\n".join(["intro " * 10] * 50 + [block] + ["outro " * 10] * 50)
    parts = fit(text, 1000)
    check(parts, 1000)
    assert sum(block in part for part in parts) == 1


def test_an_over_long_line_is_cut_safely() -> None:
    """A single line longer than a message is cut with "…", never inside a tag or an entity,
    its open tags closed."""
    line = "<b>" + "&amp;" * 5000 + "</b>"
    (part,) = fit(line)
    check([part])
    assert shown(part) == "&" * (MAX_MESSAGE - 1) + "…"
    (part,) = fit("<pre>" + "x\n" * 3000 + "</pre>")
    check([part])
    assert part.endswith("…</pre>")
    (part,) = fit('<a href="https://example.org/?a=1&amp;b=2">' + "y" * 5000 + "</a>")
    check([part])


def test_parts_limits_the_number_of_messages() -> None:
    """With parts=1 (an edit) the text is cut to one message that says something was left."""
    text = "\n".join(["line of text " * 10] * 100)
    (part,) = fit(text, parts=1)
    check([part])
    assert shown(part).endswith("\n…")
    assert len(fit(text, parts=2)) == 2


def test_blank_lines_do_not_make_empty_messages() -> None:
    """Paragraph breaks at a split do not start a message, and no part is blank."""
    text = "\n\n".join(["x" * 60] * 40)
    parts = fit(text, 200)
    check(parts, 200)
    assert not any(part.startswith("\n") for part in parts)


@pytest.mark.parametrize("seed", range(30))
def test_random_markup_always_fits(seed: int) -> None:
    """Random texts of tags, entities, emoji and newlines (seeded) split or cut into parts
    that Telegram's parser accepts, each within the limit."""
    rng = random.Random(seed)
    pieces = ["&amp;", "&lt;", "é", "👍", " ", "\n", "word", "\n\n"]
    out: list[str] = []
    for _ in range(rng.randrange(50, 600)):
        if rng.random() < 0.1:
            tag = rng.choice(["b", "i", "pre", "code", "u"])
            inner = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
            out.append(f"<{tag}>{inner}</{tag}>")
        else:
            out.append(rng.choice(pieces))
    text = "".join(out)
    limit = rng.choice([20, 50, 100, 400])
    parts = fit(text, limit)
    check(parts, limit)
