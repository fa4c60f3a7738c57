"""The account's notes in words and buttons: every note is said, and the few choices the
render functions make (which button, which wording) are right."""

from __future__ import annotations

import datetime as dt
import inspect
from types import ModuleType

import pytest

from bot.core.outlook import outlook
from bot.core.stats import DayMark, Progress
from bot.features import account, operators, privacy, schedule_settings, settings_menu
from bot.ports import Note
from bot.telegram import callbacks
from bot.telegram.render import Rendered, words
from bot.telegram.render import account as render_account
from bot.telegram.render import language as render_language
from bot.telegram.render import progress as render_progress
from bot.telegram.render import schedule as render_schedule
from bot.telegram.render import settings as render_settings
from bot.telegram.render.help import help_text
from tests.factories import make_chat, plain

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
RENDERERS = {
    **render_account.RENDERERS,
    **render_language.RENDERERS,
    **render_schedule.RENDERERS,
    **render_settings.RENDERERS,
    **render_progress.RENDERERS,
}


def _notes(module: ModuleType) -> list[type[Note]]:
    return [
        kind
        for _, kind in inspect.getmembers(module, inspect.isclass)
        if issubclass(kind, Note) and kind is not Note and kind.__module__ == module.__name__
    ]


@pytest.mark.parametrize(
    "module", [account, operators, privacy, schedule_settings, settings_menu], ids=str
)
def test_every_note_of_the_account_is_rendered(module: ModuleType) -> None:
    """A note nobody renders would fail only when it is first said, in production."""
    missing = [kind.__name__ for kind in _notes(module) if kind not in RENDERERS]
    assert missing == []


def _buttons(rendered: Rendered) -> list[str]:
    assert rendered.buttons is not None
    return [button.text for row in rendered.buttons.inline_keyboard for button in row]


def _screen(**changes: object) -> Rendered:
    chat = make_chat(1, timezone="UTC", **changes)
    note = settings_menu.SettingsScreen(outlook(chat, NOW), 60, "Back care", 300.0)
    return render_settings.RENDERERS[settings_menu.SettingsScreen](note)


def test_settings_offer_pause_or_resume() -> None:
    """The main screen offers Pause, or Resume while a pause runs; the routine's length and
    the follow-up are in words."""
    plain_screen = _screen()
    assert render_settings.button_pause() in _buttons(plain_screen)
    assert "Routine: Back care (about 5 minutes)" in plain_screen.text
    assert "Follow-up if a reminder goes unanswered: 1 hour later" in plain(plain_screen.text)
    paused = _screen(pauses=((NOW.date(), NOW.date() + dt.timedelta(days=3)),))
    assert render_settings.button_resume() in _buttons(paused)
    assert render_settings.button_pause() not in _buttons(paused)


def test_the_hour_screen_warns_that_a_tap_replaces_several_times() -> None:
    """With several daily times, picking one hour replaces them all: the screen says so."""
    one = render_settings.RENDERERS[settings_menu.HourScreen](
        settings_menu.HourScreen((dt.time(9, 0),))
    )
    several = render_settings.RENDERERS[settings_menu.HourScreen](
        settings_menu.HourScreen((dt.time(9, 0), dt.time(13, 0)))
    )
    assert "replaces" not in one.text
    assert "This replaces your reminder times (09:00 and 13:00)" in several.text
    assert len(_buttons(one)) == 24 + 1


def test_questions_carry_their_answers_in_the_buttons() -> None:
    """The /forget and /broadcast questions' buttons answer that question, yes or no."""
    forget = render_account.RENDERERS[privacy.ForgetQuestion](privacy.ForgetQuestion())
    assert forget.buttons is not None
    data = [b.callback_data for row in forget.buttons.inline_keyboard for b in row]
    assert [callbacks.parse_confirm(privacy.FORGET, str(d)) for d in data] == [True, False]
    question = operators.BroadcastQuestion("Back at <b>22:00</b>", 3)
    asked = render_account.RENDERERS[operators.BroadcastQuestion](question)
    assert asked.text.startswith("Send this to 3 chats?")
    assert "&lt;b&gt;" in asked.text  # shown exactly as typed


def test_not_set_up_in_a_group_names_the_admins() -> None:
    """A group is told an admin can set it up; a person, to send /start."""
    say = render_account.RENDERERS[account.NotSetUp]
    assert "group admin" in say(account.NotSetUp(group=True)).text
    assert say(account.NotSetUp()).text == render_account.not_set_up()


def test_stats_show_holds_and_pain_only_when_there_are_some() -> None:
    """/stats adds the holds and the pain trend below the chart only when they have rows."""
    progress = Progress(1, 1, 1, 1, 1, 5.0)
    weeks = ((dt.date(2026, 11, 23), (DayMark.DONE,) * 7),)
    bare = account.Stats(progress, weeks, 0, {"Back care": []}, ())
    assert "Your holds" not in render_progress.stats(bare).text
    assert "Back pain" not in render_progress.stats(bare).text
    full = account.Stats(
        progress, weeks, 0, {"Back care": []}, ((dt.date(2026, 11, 23), 4.0, 2.0),)
    )
    assert "w/c 23 Nov: 4.0 → 2.0" in render_progress.stats(full).text


def test_help_says_the_session_words_as_the_language_says_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/help names the session words as said in the chat's language (``say``), not in English."""
    monkeypatch.setattr(words, "pgettext", lambda context, word: f"{word}-said")
    text = help_text()
    for word in ("start", "pause", "resume", "skip", "again", "repeat", "stop", "later"):
        assert f"<b>{word}-said</b>" in text
    assert "<b>start-said quick</b>" in text


def test_the_broadcast_counts_its_chats_in_words() -> None:
    """One chat is "chat", several are "chats": the catalog's plural, not "chat(s)"."""
    assert render_account.broadcast_confirm("hi", 1).startswith("Send this to 1 chat?")
    assert render_account.broadcast_done(2, 0) == "Sent to 2 chats; 0 failed."
