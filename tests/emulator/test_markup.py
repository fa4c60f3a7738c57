"""Parse modes: plain text and entities as Telegram returns them, tdlib's error reasons."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.markup import EntityParseError, parse, utf16_len


def entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("text", "plain", "entities"),
    [
        ("<b>bold <i>both</i></b>", "bold both", [entity("bold", 0, 9), entity("italic", 5, 4)]),
        (
            '<a href="https://x.org/?a=1&amp;b=2">link</a>',
            "link",
            [entity("text_link", 0, 4, url="https://x.org/?a=1&b=2")],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [entity("pre", 0, 5, language="python")],
        ),
        (
            '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>',
            "ab",
            [entity("spoiler", 0, 1), entity("spoiler", 1, 1)],
        ),
        ("<blockquote expandable>q</blockquote>", "q", [entity("expandable_blockquote", 0, 1)]),
        ("&lt;b&gt; &#128512; &quot;", '<b> 😀 "', []),
        ("<B>caps</B> 2 > 1", "caps 2 > 1", [entity("bold", 0, 4)]),
        ("  <b> padded </b>\n", "padded", [entity("bold", 0, 6)]),
    ],
)
def test_html(text: str, plain: str, entities: list[dict[str, Any]]) -> None:
    """Telegram's HTML subset yields the plain text and entities Telegram would return."""
    assert parse(text, "HTML") == (plain, entities)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("é <p>", 'Unsupported start tag "p" at byte offset 3'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("fish &chips", 'Character "&" must be escaped as "&amp;" at byte offset 5'),
        ("&nbsp;", 'Character "&" must be escaped as "&amp;" at byte offset 0'),
    ],
)
def test_html_errors(text: str, reason: str) -> None:
    """Invalid HTML fails with tdlib's reason and UTF-8 byte offset."""
    with pytest.raises(EntityParseError) as caught:
        parse(text, "HTML")
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("text", "plain", "entities"),
    [
        ("*b _i_*", "b i", [entity("bold", 0, 3), entity("italic", 2, 1)]),
        (
            "__u__ ~s~ ||p||",
            "u s p",
            [entity("underline", 0, 1), entity("strikethrough", 2, 1), entity("spoiler", 4, 1)],
        ),
        ("[a](https://x.org/\\))", "a", [entity("text_link", 0, 1, url="https://x.org/)")]),
        ("`a\\`b`", "a`b", [entity("code", 0, 3)]),
        ("```py\nx(1)\n```", "x(1)", [entity("pre", 0, 4, language="py")]),
        ("Done\\. 1\\+1\\=2\\!", "Done. 1+1=2!", []),
        (">one\n>two\nthree", "one\ntwo\nthree", [entity("blockquote", 0, 7)]),
        ("🙂 *b*", "🙂 b", [entity("bold", 3, 1)]),
    ],
)
def test_markdown_v2(text: str, plain: str, entities: list[dict[str, Any]]) -> None:
    """MarkdownV2 entities, escapes and blockquotes parse like Telegram's."""
    assert parse(text, "MarkdownV2") == (plain, entities)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Done.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a - b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("snake_case", "Can't find end of Italic entity at byte offset 5"),
        ("[a](https://x.org", "Can't find end of a URL at byte offset 3"),
    ],
)
def test_markdown_v2_errors(text: str, reason: str) -> None:
    """Unescaped reserved characters and unclosed entities are errors."""
    with pytest.raises(EntityParseError) as caught:
        parse(text, "MarkdownV2")
    assert str(caught.value) == reason


def test_legacy_markdown() -> None:
    """Legacy Markdown knows * _ ` ``` and links; other punctuation is plain text."""
    assert parse("*b* _i_ `c` [l](https://x.org) 1.5 - 2!", "Markdown") == (
        "b i c l 1.5 - 2!",
        [
            entity("bold", 0, 1),
            entity("italic", 2, 1),
            entity("code", 4, 1),
            entity("text_link", 6, 1, url="https://x.org"),
        ],
    )
    with pytest.raises(
        EntityParseError, match="Can't find end of the entity starting at byte offset 5"
    ):
        parse("snake_case", "Markdown")


def test_plain_text_and_modes() -> None:
    """No parse_mode means literal text; parse modes are case-insensitive; others are errors."""
    assert parse(" <b>*x*</b> ", None) == ("<b>*x*</b>", [])
    assert parse("*x*", "markdownv2") == ("x", [entity("bold", 0, 1)])
    with pytest.raises(ValueError, match="unsupported parse_mode"):
        parse("x", "BBCode")


def test_utf16_len() -> None:
    """Entity units are UTF-16 code units: astral characters count twice."""
    assert utf16_len("a🙂é") == 4
