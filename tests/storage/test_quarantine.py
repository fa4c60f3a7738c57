"""A damaged chat file costs that chat its saved settings, never the store: it is set aside
with its bytes intact, named in the log once, and the chat is told the next time it writes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.chat import Chat, Schedule
from bot.storage.chatfiles import ChatFiles, StaleWrite
from bot.storage.tinydb import TinyStore
from tests.factories import DAMAGE, damage

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
GOOD, BAD = 1, 2


def person(chat_id: int, **changes: object) -> Chat:
    subscriber = Chat(chat_id=chat_id, schedule=Schedule(timezone="UTC", times=(dt.time(9, 0),)))
    return replace(subscriber, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> ChatFiles:
    storage = ChatFiles.in_folder(tmp_path)
    storage.save(person(GOOD))
    return storage


def _quarantined(storage: ChatFiles, chat_id: int) -> list[Path]:
    folder = storage.quarantine.folder / str(chat_id)
    return sorted(path for path in folder.iterdir() if path.name != "untold")


@pytest.mark.parametrize("kind", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_file_is_set_aside_and_the_rest_is_served(
    store: ChatFiles, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Listing every chat skips the damaged one, which is moved, bytes intact, and logged."""
    path = damage(store, BAD, kind)
    before = path.read_bytes() if path.is_file() else None
    with caplog.at_level(logging.WARNING):
        assert [s.chat_id for s in store.chats()] == [GOOD]
    assert not path.exists()
    (moved,) = _quarantined(store, BAD)
    if before is not None:
        assert moved.read_bytes() == before
    assert [r.getMessage() for r in caplog.records if str(path) in r.getMessage()] != []
    assert store.chat(BAD) is None
    assert store.quarantine.take_notice(BAD)
    assert not store.quarantine.take_notice(BAD)  # told once


@pytest.mark.parametrize("kind", DAMAGE, ids=list(DAMAGE))
def test_reading_one_chat_sets_its_damaged_file_aside(store: ChatFiles, kind: str) -> None:
    """A damaged file met by a read of that chat is set aside; the chat reads as new."""
    damage(store, BAD, kind)
    assert store.chat(BAD) is None
    assert store.history(BAD) == []
    assert store.quarantine.holds(BAD)
    saved = store.save(person(BAD, name="afresh"))
    assert store.chat(BAD) == saved


def test_copies_in_quarantine_are_never_overwritten(store: ChatFiles) -> None:
    """Damaged twice, the chat keeps both copies."""
    path = store.chat_file(BAD)
    for text in (b"{", b"[]"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text)
        assert store.chat(BAD) is None
    assert sorted(p.read_bytes() for p in _quarantined(store, BAD)) == [b"[]", b"{"]


def test_forget_removes_the_quarantined_copy(store: ChatFiles) -> None:
    """/forget deletes what was set aside too."""
    store.chat_file(BAD).parent.mkdir(parents=True, exist_ok=True)
    store.chat_file(BAD).write_bytes(b"{")
    assert store.chat(BAD) is None
    store.forget_chat(BAD)
    assert not store.quarantine.holds(BAD)
    assert not (store.quarantine.folder / str(BAD)).exists()


def test_a_stale_copy_is_never_saved(store: ChatFiles) -> None:
    """Saving a copy read before another save raises instead of undoing that save."""
    first = store.chat(GOOD)
    assert first is not None
    store.save(replace(first, name="newer"))
    with pytest.raises(StaleWrite):
        store.save(replace(first, schedule=replace(first.schedule, times=(dt.time(10, 0),))))
    assert store.chat(GOOD) == replace(first, name="newer", version=first.version + 1)


async def test_change_applies_again_after_a_conflicting_save(store: ChatFiles) -> None:
    """When another save lands between the read and the write, the change is re-applied to
    the newer copy: both changes are kept."""
    calls = 0

    def later(current: Chat) -> Chat:
        nonlocal calls
        calls += 1
        if calls == 1:  # another writer gets in between this unit's read and write
            store.save(replace(current, name="meanwhile"))
        return replace(current, schedule=replace(current.schedule, times=(dt.time(10, 0),)))

    result = await TinyStore(store).change(GOOD, later)
    assert calls == 2
    assert result is not None
    assert (result.name, result.schedule.times) == ("meanwhile", (dt.time(10, 0),))
    assert store.chat(GOOD) == result


async def test_change_without_a_difference_writes_nothing(store: ChatFiles) -> None:
    """A change that changes nothing leaves the file (and its version) alone."""
    before = store.dump()
    await TinyStore(store).change(GOOD, lambda current: replace(current))
    assert store.dump() == before


def test_only_the_first_answer_to_a_question_counts(store: ChatFiles) -> None:
    """A prompt is taken once, only by its own message; the file is left as it was."""
    before = store.dump()
    store.open_prompt(GOOD, "forget", 10, "payload")
    assert store.take_prompt(GOOD, "forget", 9) is None
    assert store.take_prompt(GOOD, "forget", 10) == "payload"
    assert store.take_prompt(GOOD, "forget", 10) is None
    assert store.dump() == before
