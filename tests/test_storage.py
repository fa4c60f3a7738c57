"""The TinyDB store: atomic writes, round-trips, the once-only reminder claim, sessions."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from bot.storage import (
    ActiveSession,
    AtomicJSONStorage,
    SessionRecord,
    SessionStatus,
    Storage,
    Subscriber,
)

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def subscriber(chat_id: int = 42, **changes: object) -> Subscriber:
    values: dict[str, object] = {
        "chat_id": chat_id,
        "timezone": "Europe/Berlin",
        "times": (dt.time(7, 30), dt.time(13, 0)),
        "name": "Alex",
        "created_at": NOW,
    }
    values.update(changes)
    return Subscriber(**values)  # type: ignore[arg-type]


def test_subscriber_round_trip(tmp_path: Path) -> None:
    """A subscriber reads back exactly as saved, after reopening the file."""
    storage = Storage.in_folder(tmp_path)
    saved = subscriber(last_sent={"07:30": NOW})
    storage.save_subscriber(saved)
    storage.close()
    again = Storage.in_folder(tmp_path)
    assert again.subscriber(42) == saved
    assert again.subscriber(43) is None
    assert list(again.subscribers()) == [saved]


def test_negative_group_ids_work(tmp_path: Path) -> None:
    """Group chats have negative ids; they are stored like any other."""
    storage = Storage.in_folder(tmp_path)
    storage.save_subscriber(subscriber(-1001234567890))
    assert storage.subscriber(-1001234567890) is not None


def test_claim_reminder_only_once(tmp_path: Path) -> None:
    """A slot's reminder can be claimed once; an earlier or equal instant never again."""
    storage = Storage.in_folder(tmp_path)
    storage.save_subscriber(subscriber())
    assert storage.claim_reminder(42, "07:30", NOW)
    assert not storage.claim_reminder(42, "07:30", NOW)
    assert not storage.claim_reminder(42, "07:30", NOW - dt.timedelta(days=1))
    assert storage.claim_reminder(42, "13:00", NOW)
    assert storage.claim_reminder(42, "07:30", NOW + dt.timedelta(days=1))
    assert not storage.claim_reminder(99, "07:30", NOW)
    reopened = Storage.in_folder(tmp_path)
    assert not reopened.claim_reminder(42, "07:30", NOW + dt.timedelta(days=1))


def test_sessions_move_from_active_to_history(tmp_path: Path) -> None:
    """A session is active until it ends, then it is in the history."""
    storage = Storage.in_folder(tmp_path)
    active = ActiveSession(42, "back", NOW, NOW.date())
    storage.begin_session(active)
    assert storage.active_sessions() == [active]
    record = SessionRecord(
        42, "back", NOW, NOW + dt.timedelta(minutes=5), NOW.date(), SessionStatus.COMPLETED, 300.0
    )
    storage.end_session(record)
    assert storage.active_sessions() == []
    assert storage.history(42) == [record]
    assert storage.history(7) == []


def test_file_is_valid_json_and_written_atomically(tmp_path: Path) -> None:
    """Each write replaces the file with a complete one and leaves no temporary files."""
    storage = Storage.in_folder(tmp_path)
    for chat_id in range(5):
        storage.save_subscriber(subscriber(chat_id))
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["stretchbot.json"]
    data = json.loads((tmp_path / "stretchbot.json").read_text())
    assert len(data["subscribers"]) == 5


def test_failed_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash in the middle of a write (here: fsync failing) keeps the previous content."""
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"a": 1}}})

    def broken_fsync(_: int) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk on fire"):
        storage.write({"t": {"1": {"a": 2}}})
    assert storage.read() == {"t": {"1": {"a": 1}}}
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]


def test_missing_or_empty_file_reads_as_empty(tmp_path: Path) -> None:
    """A new or empty file is an empty database, not an error."""
    path = tmp_path / "sub" / "db.json"
    storage = AtomicJSONStorage(path)
    assert storage.read() is None
    path.write_text("")
    assert storage.read() is None


def test_older_documents_without_new_fields_still_load() -> None:
    """A document written by an older version (fewer fields) still loads with defaults."""
    loaded = Subscriber.from_doc({"chat_id": 1, "timezone": "UTC", "times": ["09:00"]})
    assert loaded.subscribed
    assert loaded.last_sent == {}


def test_schedule_fields_round_trip(tmp_path: Path) -> None:
    """Weekdays, pauses, skip, follow-up, routine and pending snooze survive a reopen."""
    storage = Storage.in_folder(tmp_path)
    saved = subscriber(
        days=frozenset({0, 2, 4}),
        pauses=((dt.date(2026, 12, 20), dt.date(2026, 12, 27)),),
        skipped_day=dt.date(2026, 11, 25),
        nudge_minutes=None,
        routine_id="quick",
        reminder_message_id=17,
        snoozed_until=NOW,
        nudge_due=NOW,
    )
    storage.save_subscriber(saved)
    assert Storage.in_folder(tmp_path).subscriber(42) == saved


def test_reminds_on_combines_weekdays_pauses_and_skip() -> None:
    """A day has reminders only if its weekday is on, it is not paused and not skipped."""
    wednesday = dt.date(2026, 11, 25)
    person = subscriber(
        days=frozenset(range(5)),
        pauses=((dt.date(2026, 12, 1), dt.date(2026, 12, 3)),),
        skipped_day=wednesday,
    )
    assert not person.reminds_on(wednesday)  # skipped
    assert person.reminds_on(dt.date(2026, 11, 26))
    assert not person.reminds_on(dt.date(2026, 11, 28))  # Saturday
    assert not person.reminds_on(dt.date(2026, 12, 1))  # paused
    assert not person.reminds_on(dt.date(2026, 12, 2))
    assert person.reminds_on(dt.date(2026, 12, 3))  # the pause's end day has reminders again
    assert person.paused_until(dt.date(2026, 11, 30)) == dt.date(2026, 12, 3)
    assert person.paused_until(dt.date(2026, 12, 3)) is None


def test_coaching_fields_round_trip_and_old_documents_load(tmp_path: Path) -> None:
    """Holds, hurt marks, the pain setting, an own routine and a session's holds and pain read
    back as saved; documents written before these fields existed load with the defaults."""
    storage = Storage.in_folder(tmp_path)
    saved = subscriber(
        holds={"back:0:3:0": 27.0},
        hurt=frozenset({"back:1"}),
        pain_check=False,
        own_routine='id = "sam"',
    )
    storage.save_subscriber(saved)
    done = SessionRecord(
        42,
        "back",
        NOW,
        NOW,
        NOW.date(),
        SessionStatus.COMPLETED,
        300.0,
        holds={"Iliopsoas stretch · left": 27.0},
        pain_before=5,
        pain_after=3,
        hurt=True,
    )
    storage.end_session(done)
    assert storage.update_session(replace(done, pain_after=2))
    assert not storage.update_session(replace(done, started_at=NOW + dt.timedelta(seconds=1)))
    storage.close()
    reopened = Storage.in_folder(tmp_path)
    assert reopened.subscriber(42) == saved
    assert reopened.history(42) == [replace(done, pain_after=2)]
    old = {"chat_id": 7, "timezone": "UTC", "times": ["09:00"]}
    loaded = Subscriber.from_doc(old)
    assert (loaded.holds, loaded.hurt, loaded.pain_check, loaded.own_routine) == (
        {},
        frozenset(),
        True,
        "",
    )
    old_record = {
        "chat_id": 7,
        "routine_id": "back",
        "started_at": NOW.isoformat(),
        "ended_at": NOW.isoformat(),
        "local_date": "2026-11-25",
        "status": "completed",
        "duration": 1.0,
    }
    record = SessionRecord.from_doc(old_record)
    assert (record.holds, record.pain_before, record.pain_after, record.hurt) == (
        {},
        None,
        None,
        False,
    )
