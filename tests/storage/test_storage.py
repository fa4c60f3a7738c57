"""The TinyDB store: atomic writes, round-trips, the once-only reminder claim, sessions."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.chat import ActiveSession, Chat, SessionRecord, SessionStatus
from bot.core.documents import chat_from_doc, record_from_doc
from bot.storage.chatfiles import ChatFiles
from bot.storage.files import AtomicJSONStorage
from bot.storage.quarantine import CorruptChat
from tests.factories import REPO, make_chat, session_record, write_legacy_store

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def subscriber(chat_id: int = 42, **changes: object) -> Chat:
    values: dict[str, Any] = {
        "chat_id": chat_id,
        "timezone": "Europe/Berlin",
        "times": (dt.time(7, 30), dt.time(13, 0)),
        "name": "Alex",
        "created_at": NOW,
    }
    values.update(changes)
    return make_chat(**values)


def test_subscriber_round_trip(tmp_path: Path) -> None:
    """A subscriber reads back exactly as saved, after reopening the file."""
    storage = ChatFiles.in_folder(tmp_path)
    saved = storage.save(subscriber(last_sent={"07:30": NOW}))
    assert saved.version == 1
    storage.close()
    again = ChatFiles.in_folder(tmp_path)
    assert again.chat(42) == saved
    assert again.chat(43) is None
    assert list(again.chats()) == [saved]


def test_negative_group_ids_work(tmp_path: Path) -> None:
    """Group chats have negative ids; they are stored like any other."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.save(subscriber(-1001234567890))
    assert storage.chat(-1001234567890) is not None


def test_claim_reminder_only_once(tmp_path: Path) -> None:
    """A slot's reminder can be claimed once; an earlier or equal instant never again."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.save(subscriber())
    assert storage.claim_reminder(42, "07:30", NOW)
    assert not storage.claim_reminder(42, "07:30", NOW)
    assert not storage.claim_reminder(42, "07:30", NOW - dt.timedelta(days=1))
    assert storage.claim_reminder(42, "13:00", NOW)
    assert storage.claim_reminder(42, "07:30", NOW + dt.timedelta(days=1))
    assert not storage.claim_reminder(99, "07:30", NOW)
    reopened = ChatFiles.in_folder(tmp_path)
    assert not reopened.claim_reminder(42, "07:30", NOW + dt.timedelta(days=1))


def test_sessions_move_from_active_to_history(tmp_path: Path) -> None:
    """A session is active until it ends, then it is in the history."""
    storage = ChatFiles.in_folder(tmp_path)
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


def test_each_chat_has_its_own_valid_file_written_atomically(tmp_path: Path) -> None:
    """Each chat's write replaces that chat's file with a complete one, leaving no temp files."""
    storage = ChatFiles.in_folder(tmp_path)
    for chat_id in range(5):
        storage.save(subscriber(chat_id))
    files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    assert [path.name for path in files] == [f"{n}.json" for n in range(5)] + ["store.json"]
    for chat_id in range(5):
        data = json.loads(storage.chat_file(chat_id).read_text())
        assert data["subscriber"]["1"]["chat_id"] == chat_id


def stamp(path: Path) -> tuple[int, int]:
    """Changes whenever the file is replaced or rewritten."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def test_a_write_leaves_other_chats_files_untouched(tmp_path: Path) -> None:
    """Saving, claiming and ending a session for one chat never rewrites another chat's file,
    which is what keeps a write's cost independent of the number of users."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.add_chats(subscriber(chat_id) for chat_id in range(300))
    before = {path: stamp(path) for path in tmp_path.rglob("*.json")}
    storage.save(subscriber(7, name="Sam"))
    assert storage.claim_reminder(7, "07:30", NOW)
    storage.begin_session(ActiveSession(7, "back", NOW, NOW.date()))
    storage.end_session(SessionRecord(7, "back", NOW, NOW, NOW.date(), SessionStatus.STOPPED, 1.0))
    changed = [path for path, was in before.items() if stamp(path) != was]
    assert changed == [storage.chat_file(7)]


def test_add_subscribers_rejects_existing_ids_and_writes_nothing(tmp_path: Path) -> None:
    """A bulk add with an id already stored fails before writing any of the new ones."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.add_chats([subscriber(1), subscriber(2)])
    with pytest.raises(ValueError, match="already exist"):
        storage.add_chats([subscriber(3), subscriber(2, name="Other")])
    assert storage.chat(3) is None
    assert storage.chat(2) == subscriber(2)
    assert sorted(s.chat_id for s in ChatFiles.in_folder(tmp_path).chats()) == [1, 2]


def test_stale_active_marker_is_ignored(tmp_path: Path) -> None:
    """An active-session marker whose session already ended (a crash in between) lists
    nothing, and a session begun is listed after a reopen."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.begin_session(ActiveSession(5, "back", NOW, NOW.date()))
    storage.save(subscriber(6))
    (tmp_path / "active" / "6").touch()
    assert ChatFiles.in_folder(tmp_path).active_sessions() == [
        ActiveSession(5, "back", NOW, NOW.date())
    ]
    storage.clear_active_session(5)
    assert storage.active_sessions() == []


def test_dump_shows_every_change_and_nothing_else(tmp_path: Path) -> None:
    """The whole-store dump is stable across reads and differs after any write."""
    storage = ChatFiles.in_folder(tmp_path)
    saved = storage.save(subscriber())
    before = storage.dump()
    storage.chat(42)
    storage.history(42)
    list(storage.chats())
    assert storage.dump() == before
    storage.save(replace(saved, name="Sam"))
    assert storage.dump() != before


# Upgrading a store in the original single-file format --------------------------------------


def test_upgrade_splits_the_old_file_and_keeps_it_as_a_backup(tmp_path: Path) -> None:
    """Every subscriber, active session and past session in an old-format file is there after
    the first start, the old file is kept byte for byte, and a second start changes nothing."""
    people = [subscriber(1, last_sent={"07:30": NOW}), subscriber(-100200, name="Group")]
    records = [session_record(1, days_ago) for days_ago in (3, 1)] + [session_record(-100200, 2)]
    active = ActiveSession(1, "back", NOW, NOW.date())
    legacy = write_legacy_store(tmp_path, people, records, [active])
    original = legacy.read_bytes()
    storage = ChatFiles.in_folder(tmp_path)
    assert sorted(storage.chats(), key=lambda s: s.chat_id) == sorted(
        people, key=lambda s: s.chat_id
    )
    assert storage.history(1) == sorted(records[:2], key=lambda r: r.started_at)
    assert storage.history(-100200) == [records[2]]
    assert storage.active_sessions() == [active]
    assert not legacy.exists()
    assert (tmp_path / "stretchbot.json.v1-backup").read_bytes() == original
    dumped = storage.dump()
    assert ChatFiles.in_folder(tmp_path).dump() == dumped


def test_upgrade_cut_short_starts_over(tmp_path: Path) -> None:
    """A crash in the middle of an upgrade (half-written folders, no layout file) is undone:
    the next start upgrades from the old file again and has exactly its data."""
    write_legacy_store(tmp_path, [subscriber(1)], [], [])
    for leftover in ("chats/00/999.json", "chats.upgrading/01/1.json", "active/999"):
        path = tmp_path / leftover
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{")
    storage = ChatFiles.in_folder(tmp_path)
    assert [s.chat_id for s in storage.chats()] == [1]
    assert storage.active_sessions() == []
    assert not (tmp_path / "chats.upgrading").exists()


def test_upgrade_is_not_repeated_after_its_commit(tmp_path: Path) -> None:
    """If the process dies after the upgrade but before the old file is renamed, the next
    start only renames it: changes made since the upgrade are not overwritten by old data."""
    write_legacy_store(tmp_path, [subscriber(1)], [], [])
    ChatFiles.in_folder(tmp_path).save(subscriber(1, name="Changed"))
    backup = tmp_path / "stretchbot.json.v1-backup"
    backup.replace(tmp_path / "stretchbot.json")
    storage = ChatFiles.in_folder(tmp_path)
    changed = storage.chat(1)
    assert changed is not None
    assert changed.name == "Changed"
    assert backup.exists()
    assert not (tmp_path / "stretchbot.json").exists()


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


def test_missing_file_reads_as_empty_and_an_empty_one_as_damage(tmp_path: Path) -> None:
    """A file not there yet is an empty database; an empty file is damage (the store never
    writes one), not a new chat to overwrite."""
    path = tmp_path / "sub" / "db.json"
    storage = AtomicJSONStorage(path)
    assert storage.read() is None
    path.write_text("")
    with pytest.raises(CorruptChat, match="empty file"):
        storage.read()


def test_older_documents_without_new_fields_still_load() -> None:
    """A document written by an older version (fewer fields) still loads with defaults."""
    loaded = chat_from_doc({"chat_id": 1, "timezone": "UTC", "times": ["09:00"]})
    assert loaded.schedule.subscribed
    assert loaded.delivery.last_sent == {}


def test_schedule_fields_round_trip(tmp_path: Path) -> None:
    """Weekdays, pauses, skip, follow-up, routine and pending snooze survive a reopen."""
    storage = ChatFiles.in_folder(tmp_path)
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
    saved = storage.save(saved)
    assert ChatFiles.in_folder(tmp_path).chat(42) == saved


def test_reminds_on_combines_weekdays_pauses_and_skip() -> None:
    """A day has reminders only if its weekday is on, it is not paused and not skipped."""
    wednesday = dt.date(2026, 11, 25)
    person = subscriber(
        days=frozenset(range(5)),
        pauses=((dt.date(2026, 12, 1), dt.date(2026, 12, 3)),),
        skipped_day=wednesday,
    )
    assert not person.schedule.reminds_on(wednesday)  # skipped
    assert person.schedule.reminds_on(dt.date(2026, 11, 26))
    assert not person.schedule.reminds_on(dt.date(2026, 11, 28))  # Saturday
    assert not person.schedule.reminds_on(dt.date(2026, 12, 1))  # paused
    assert not person.schedule.reminds_on(dt.date(2026, 12, 2))
    assert person.schedule.reminds_on(
        dt.date(2026, 12, 3)
    )  # the pause's end day has reminders again
    assert person.schedule.paused_until(dt.date(2026, 11, 30)) == dt.date(2026, 12, 3)
    assert person.schedule.paused_until(dt.date(2026, 12, 3)) is None


def test_coaching_fields_round_trip_and_old_documents_load(tmp_path: Path) -> None:
    """Holds, hurt marks, the pain setting, an own routine and a session's holds and pain read
    back as saved; documents written before these fields existed load with the defaults."""
    storage = ChatFiles.in_folder(tmp_path)
    saved = subscriber(
        holds={"back:0:3:0": 27.0},
        hurt=frozenset({"back:1"}),
        pain_check=False,
        own_routine='id = "sam"',
    )
    saved = storage.save(saved)
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
    reopened = ChatFiles.in_folder(tmp_path)
    assert reopened.chat(42) == saved
    assert reopened.history(42) == [replace(done, pain_after=2)]
    old = {"chat_id": 7, "timezone": "UTC", "times": ["09:00"]}
    loaded = chat_from_doc(old)
    assert (
        loaded.coaching.holds,
        loaded.coaching.hurt,
        loaded.coaching.pain_check,
        loaded.coaching.own_routine,
    ) == (
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
    record = record_from_doc(old_record)
    assert (record.holds, record.pain_before, record.pain_after, record.hurt) == (
        {},
        None,
        None,
        False,
    )


CHURN = """
import sys
from dataclasses import replace
from pathlib import Path
from bot.storage.chatfiles import ChatFiles
from tests.storage.test_storage import subscriber
storage = ChatFiles.in_folder(Path(sys.argv[1]))
for n in range(100_000):
    current = storage.chat(n % 20) or subscriber(n % 20)
    storage.save(replace(current, name=str(n)))
    print(n, flush=True)
"""


def test_kill_9_loses_no_confirmed_write_and_leaves_no_broken_file(tmp_path: Path) -> None:
    """A process killed (SIGKILL) in the middle of a stream of writes leaves every chat file
    readable and every write that had returned in place."""
    with subprocess.Popen(
        [sys.executable, "-c", CHURN, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as child:
        assert child.stdout is not None
        confirmed = [int(child.stdout.readline()) for _ in range(150)]
        child.send_signal(signal.SIGKILL)
        confirmed += [int(line) for line in child.stdout.read().split()]
    assert child.returncode == -signal.SIGKILL
    storage = ChatFiles.in_folder(tmp_path)
    for chat_id in range(20):
        last = max(n for n in confirmed if n % 20 == chat_id)
        stored = storage.chat(chat_id)
        assert stored is not None
        assert int(stored.name) >= last
    for path in tmp_path.rglob("*.json"):
        json.loads(path.read_text())


def test_chat_files_are_private_however_written(tmp_path: Path) -> None:
    """Chat files are readable by the bot's user only, whether written one by one, in bulk or
    by the upgrade (they hold names and habits)."""
    write_legacy_store(tmp_path, [subscriber(1)], [], [])
    storage = ChatFiles.in_folder(tmp_path)
    storage.add_chats([subscriber(2)])
    storage.save(subscriber(3))
    for chat_id in (1, 2, 3):
        assert storage.chat_file(chat_id).stat().st_mode & 0o777 == 0o600


def test_an_existing_data_folder_is_made_private(tmp_path: Path) -> None:
    """A data folder that existed with a wider mode (the repository's data/) becomes 0700."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    ChatFiles.in_folder(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
