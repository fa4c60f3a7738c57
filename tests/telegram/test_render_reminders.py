"""The reminder's words and buttons: what each note becomes."""

from __future__ import annotations

import datetime as dt

from bot.features.reminder_notes import Nudge, Quick, Reminder, Snoozed
from bot.telegram import callbacks
from bot.telegram.render.reminders import RENDERERS


def buttons(note: Reminder | Nudge) -> list[list[tuple[str, str]]]:
    keyboard = RENDERERS[type(note)](note).buttons
    assert keyboard is not None
    return [
        [(button.text, str(button.callback_data)) for button in row]
        for row in keyboard.inline_keyboard
    ]


def test_a_reminder_offers_the_quick_routine_only_when_there_is_one() -> None:
    """Start now, then Quick with its length when a shorter routine exists; the snoozes and the
    skip carry the reminder's number."""
    quick = Reminder("Back", 4, 360.0, 1_764_000_000, Quick("quick", 130.0))
    assert buttons(quick) == [
        [("▶️ Start now", callbacks.go()), ("⚡ Quick 2 min", callbacks.go("quick"))],
        [
            ("⏰ In 15 min", callbacks.snooze(15, 1_764_000_000)),
            ("⏰ In 1 h", callbacks.snooze(60, 1_764_000_000)),
        ],
        [("🚫 Skip today", callbacks.snooze(0, 1_764_000_000))],
    ]
    alone = Reminder("Quick desk stretch", 2, 130.0, 5)
    assert buttons(alone)[0] == [("▶️ Start now", callbacks.go())]


def test_reminder_words() -> None:
    """The reminder names the routine (escaped), its exercises and length; a snoozed one says
    it is back; the follow-up has the same buttons."""
    first = RENDERERS[Reminder](Reminder("Back & hips", 1, 360.0, 5)).text
    assert "Time to look after your back" in first
    assert "<b>Back &amp; hips</b> — 1 exercise, about 6 minutes." in first
    again = RENDERERS[Reminder](Reminder("Back", 4, 30.0, 5, again=True)).text
    assert again.startswith("⏰ Here's your reminder again!")
    assert "under a minute" in again
    nudge = Nudge(360.0, 5)
    assert "It takes about 6 minutes" in RENDERERS[Nudge](nudge).text
    assert buttons(nudge) == buttons(Reminder("Back", 4, 360.0, 5))


def test_snoozed_says_the_local_time() -> None:
    """The snooze answer gives the time in the chat's zone, and says when a skip was undone."""
    at = dt.datetime(2026, 11, 25, 9, 45, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert RENDERERS[Snoozed](Snoozed(at)).text == "⏰ OK — I'll remind you again at 09:45."
    undone = RENDERERS[Snoozed](Snoozed(at, skip_undone=True)).text
    assert undone == "⏰ OK — skip undone; I'll remind you at 09:45."
