"""How the sandbox shows the chat: stamps, numbered buttons, edits, and ANSI only on a TTY."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator import BotMessage, MessageEdit
from bot.sandbox.render import Look, Timeline, Transcript, changed_from
from bot.sandbox.terminal import detect_look

STARTED = 100.0
#: 08:59:57 UTC is 09:59:57 in Berlin: stamps are in the sandbox's zone.
TIMELINE = Timeline(
    STARTED, dt.datetime(2026, 11, 25, 8, 59, 57, tzinfo=dt.UTC), ZoneInfo("Europe/Berlin")
)
TTY = Look(ansi=True, width=80, height=24, echo=False)
KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "▶️ Start now", "callback_data": "go"},
            {"text": "⚡ Quick", "callback_data": "q"},
        ],
        [{"text": "📖 Article", "url": "https://example.org/back"}],
    ]
}
HOLD = "⏱ Hold for 10 seconds"


def message(
    message_id: int,
    text: str,
    at: float,
    *,
    entities: list[dict[str, Any]] | None = None,
    markup: dict[str, Any] | None = None,
) -> BotMessage:
    return BotMessage(
        chat_id=1,
        message_id=message_id,
        text=text,
        entities=entities or [],
        parse_mode="HTML",
        reply_markup=markup,
        disable_notification=False,
        protect_content=False,
        sent_at=at,
        date=0,
        source_text=text,
    )


def edit(text: str, at: float, markup: dict[str, Any] | None = None) -> MessageEdit:
    return MessageEdit(at=at, date=0, text=text, entities=[], reply_markup=markup)


PIPE = Look()


def transcript(look: Look = PIPE) -> tuple[Transcript, io.StringIO]:
    out = io.StringIO()
    return Transcript(out, look, TIMELINE), out


def test_message_with_local_time_elapsed_and_numbered_buttons() -> None:
    """A message shows the sandbox zone's time, the seconds since start, its id, its lines
    under one another, and its buttons numbered across rows (links marked, not pressable)."""
    shown, out = transcript()
    text = "⏰ Time to look after your back!\nReply start when you're ready."
    shown.message(message(3, text, STARTED + 2.04, markup=KEYBOARD))
    assert out.getvalue().splitlines() == [
        "09:59:59   +2.0s  #3    ⏰ Time to look after your back!",
        "                        Reply start when you're ready.",
        "                        [1] ▶️ Start now  [2] ⚡ Quick",
        "                        [3] 📖 Article ↗ https://example.org/back",
    ]


def test_user_lines_are_echoed_only_when_the_terminal_did_not() -> None:
    """Piped input is shown as "you"; typed at a TTY, the terminal has already shown it."""
    piped, piped_out = transcript(Look(echo=True))
    typed, typed_out = transcript(Look(echo=False))
    for shown in (piped, typed):
        shown.said("start", STARTED + 61.25)
    assert piped_out.getvalue() == "10:00:58  +61.2s  you   start\n"
    assert typed_out.getvalue() == ""


def test_without_a_tty_an_edit_is_one_line_with_what_changed() -> None:
    """Not a TTY: each edit of the countdown is a marked line with only the changed line;
    a change of buttons alone shows the buttons."""
    shown, out = transcript()
    shown.message(message(10, HOLD, STARTED + 10))
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓▓▓░░░░░░ 6 s", STARTED + 12))
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓▓▓▓▓▓▓░░ 2 s", STARTED + 14))
    shown.message(message(11, "Reminder", STARTED + 15, markup=KEYBOARD))
    shown.edited(message(11, "Reminder", STARTED + 15), edit("Reminder", STARTED + 16))
    assert out.getvalue().splitlines() == [
        "10:00:07  +10.0s  #10   ⏱ Hold for 10 seconds",
        "10:00:09  +12.0s  ✎ #10 ▓▓▓▓░░░░░░ 6 s",
        "10:00:11  +14.0s  ✎ #10 ▓▓▓▓▓▓▓▓░░ 2 s",
        "10:00:12  +15.0s  #11   Reminder",
        "                        [1] ▶️ Start now  [2] ⚡ Quick",
        "                        [3] 📖 Article ↗ https://example.org/back",
        "10:00:13  +16.0s  ✎ #11 (no buttons now)",
    ]
    assert "\x1b" not in out.getvalue()


def test_on_a_tty_the_last_message_is_rewritten_in_place() -> None:
    """On a TTY, an edit of the last thing on screen moves the cursor up and rewrites it
    (no new line); an edit of an older message is a marked line instead."""
    shown, out = transcript(TTY)
    shown.message(message(10, HOLD, STARTED + 10))
    before = out.getvalue()
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓▓▓░░░░░░ 6 s", STARTED + 12))
    grown = out.getvalue()[len(before) :]
    assert grown.startswith("\x1b[1A\r\x1b[2K")  # up over the one row, then two rows
    assert "✎" not in grown
    assert grown.endswith("▓▓▓▓░░░░░░ 6 s\n")
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓▓▓▓▓▓▓░░ 2 s", STARTED + 14))
    same_height = out.getvalue()[len(before) + len(grown) :]
    # Same height: the cursor (and a half-typed line) is put back where it was.
    assert same_height.startswith("\x1b7\x1b[2A\r")
    assert same_height.endswith("▓▓▓▓▓▓▓▓░░ 2 s\x1b8")

    shown.message(message(11, "Increase the stretch", STARTED + 15))
    mark = len(out.getvalue())
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓▓▓▓▓▓▓▓▓ ✓", STARTED + 16))
    assert "✎ #10" in out.getvalue()[mark:]
    assert "\x1b[2A" not in out.getvalue()[mark:]


def test_after_the_user_presses_enter_an_edit_is_not_rewritten_over_their_line() -> None:
    """Once the user's line is below the message, its edit is a marked line."""
    shown, out = transcript(TTY)
    shown.message(message(10, HOLD, STARTED + 10))
    shown.input_seen()
    shown.edited(message(10, HOLD, STARTED + 10), edit(f"{HOLD}\n▓▓ 8 s", STARTED + 12))
    assert "✎ #10" in out.getvalue()
    assert "\x1b7" not in out.getvalue()


def test_bold_and_italic_with_ansi_only() -> None:
    """Entities (UTF-16 offsets, after an emoji) become ANSI bold/italic on a TTY and
    nothing at all without one."""
    text = "👋 Reply start — gently."
    entities = [
        {"type": "bold", "offset": 9, "length": 5},  # "👋" is two UTF-16 units
        {"type": "italic", "offset": 17, "length": 6},
    ]
    tty, tty_out = transcript(TTY)
    pipe, pipe_out = transcript()
    for shown in (tty, pipe):
        shown.message(message(2, text, STARTED + 1, entities=entities))
    assert "Reply \x1b[1mstart\x1b[0m — \x1b[3mgently\x1b[0m." in tty_out.getvalue()
    assert pipe_out.getvalue() == f"09:59:58   +1.0s  #2    {text}\n"


def test_long_lines_wrap_to_a_tty_and_never_in_a_pipe() -> None:
    """On a TTY text wraps at spaces under the text column; piped, a line stays one line."""
    text = " ".join(["stretch"] * 20)
    tty, tty_out = transcript(Look(ansi=False, width=60))
    pipe, pipe_out = transcript()
    for shown in (tty, pipe):
        shown.message(message(2, text, STARTED))
    rows = tty_out.getvalue().splitlines()
    assert len(rows) == 5
    assert all(len(row) < 60 for row in rows)
    assert all(row.startswith(" " * 24 + "stretch") for row in rows[1:])
    assert " ".join(row.split("    ")[-1].strip() for row in rows) == text
    assert len(pipe_out.getvalue().splitlines()) == 1


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ansi_needs_a_tty_and_no_no_color() -> None:
    """NO_COLOR (any value), TERM=dumb or a pipe turn ANSI off; a plain TTY turns it on."""
    assert detect_look(FakeTTY(), -1, {}).ansi
    assert not detect_look(FakeTTY(), -1, {"NO_COLOR": "1"}).ansi
    assert not detect_look(FakeTTY(), -1, {"TERM": "dumb"}).ansi
    piped = detect_look(io.StringIO(), -1, {})
    assert not piped.ansi
    assert piped.width is None
    assert piped.echo  # stdin (fd -1) is no terminal either


def test_changed_from_finds_the_first_changed_line() -> None:
    """The offset of the first line that differs; 0 when nothing new was added."""
    assert changed_from("a\nb", "a\nc") == 2
    assert changed_from("a", "a\nb") == 2
    assert changed_from("a\nb", "a") == 0
    assert changed_from("a", "z") == 0


def test_a_file_is_shown_above_its_caption() -> None:
    """A message with a file shows where the file was saved, then its caption and buttons;
    without a caption, the file's line alone."""
    shown, out = transcript()
    saved = "📎 report.csv · 1.4 KB → saved as sandbox-files/report.csv"
    shown.message(message(4, "Your sessions.", STARTED + 1, markup=KEYBOARD), [saved])
    shown.message(message(5, "", STARTED + 2), ["📎 photo · 3 KB → saved as x/photo-5.jpg"])
    assert out.getvalue().splitlines() == [
        f"09:59:58   +1.0s  #4    {saved}",
        "                        Your sessions.",
        "                        [1] ▶️ Start now  [2] ⚡ Quick",
        "                        [3] 📖 Article ↗ https://example.org/back",
        "09:59:59   +2.0s  #5    📎 photo · 3 KB → saved as x/photo-5.jpg",
    ]
