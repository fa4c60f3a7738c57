"""The store contract: TinyDB and PostgreSQL behind one port, held to the same tests.

Every feature uses ``bot.ports.Store`` and nothing else of the storage, so anything true of
one backend must be true of the other: each test here runs against both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.chat import ActiveSession, BreakPlan, Chat, SessionRecord, SessionStatus
from bot.ports import Store
from bot.storage.tinydb import TinyStore
from tests.factories import NOW, make_chat

BACKENDS = ["tinydb", "postgresql"]


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "tinydb":
        yield TinyStore.in_folder(tmp_path / "data")
        return
    from bot.storage.postgres.pool import open_pool
    from bot.storage.postgres.store import PgStore

    url = request.getfixturevalue("database_url")
    pool = await open_pool(url, min_size=1, max_size=4)
    try:
        yield PgStore(pool)
    finally:
        await pool.close()


def record(chat_id: int, minutes: int, **changes: object) -> SessionRecord:
    started = NOW + dt.timedelta(minutes=minutes)
    done = SessionRecord(
        chat_id, "back", started, started + dt.timedelta(minutes=5), started.date(),
        SessionStatus.COMPLETED, 300.0,
    )  # fmt: skip
    return replace(done, **changes)  # type: ignore[arg-type]


async def test_a_new_chat_reads_back_as_created(store: Store) -> None:
    """create then chat: the same chat, at version 1; an unknown chat is None."""
    created = await store.create(make_chat(7, times=(dt.time(7, 30),), name="Alex"))
    assert created.version == 1
    assert await store.chat(7) == created
    assert await store.chat(8) is None


async def test_creating_a_chat_twice_is_refused(store: Store) -> None:
    """A second create of the same id raises instead of overwriting the first."""
    await store.create(make_chat(7))
    with pytest.raises(Exception, match="7"):
        await store.create(make_chat(7, name="other"))
    chat = await store.chat(7)
    assert chat is not None
    assert chat.name == ""


async def test_a_change_is_saved_with_the_next_version(store: Store) -> None:
    """change applies the function to the stored chat and bumps the version once."""
    await store.create(make_chat(7))
    changed = await store.change(7, lambda c: replace(c, name="Sam"))
    assert changed is not None
    assert (changed.name, changed.version) == ("Sam", 2)
    assert await store.chat(7) == changed
    assert await store.change(8, lambda c: replace(c, name="x")) is None


async def test_a_change_that_changes_nothing_writes_nothing(store: Store) -> None:
    """An equal result leaves the version where it was."""
    await store.create(make_chat(7))
    same = await store.change(7, lambda c: c)
    assert same is not None
    assert same.version == 1


async def test_concurrent_changes_are_all_kept(store: Store) -> None:
    """Twenty changes to one chat at once: each sees the one before, none is lost."""
    await store.create(make_chat(7, holds={}))

    async def add(key: str) -> None:
        await store.change(
            7,
            lambda c: replace(
                c, coaching=replace(c.coaching, holds={**c.coaching.holds, key: 1.0})
            ),
        )

    await asyncio.gather(*(add(f"k{n}") for n in range(20)))
    chat = await store.chat(7)
    assert chat is not None
    assert set(chat.coaching.holds) == {f"k{n}" for n in range(20)}
    assert chat.version == 21


async def test_every_chat_is_listed(store: Store) -> None:
    """chats() yields every stored chat once."""
    for chat_id in (3, 1, 2):
        await store.create(make_chat(chat_id))
    assert sorted([chat.chat_id async for chat in store.chats()]) == [1, 2, 3]


async def test_a_reminder_is_claimed_once(store: Store) -> None:
    """The first claim of a slot's instant wins; a release lets it be claimed again."""
    await store.create(make_chat(7))
    assert await store.claim_reminder(7, "09:00", NOW)
    assert not await store.claim_reminder(7, "09:00", NOW)
    await store.release_reminder(7, "09:00", NOW, None)
    assert await store.claim_reminder(7, "09:00", NOW)
    assert not await store.claim_reminder(8, "09:00", NOW)


async def test_sessions_move_from_active_to_the_history(store: Store) -> None:
    """begin, end: the active session becomes a record; update replaces by its start."""
    await store.create(make_chat(7))
    first = record(7, 0)
    await store.begin_session(ActiveSession(7, "back", first.started_at, first.local_date))
    assert [a.chat_id for a in await store.active_sessions()] == [7]
    await store.end_session(first)
    assert await store.active_sessions() == []
    await store.end_session(record(7, -60))
    assert [r.started_at for r in await store.history(7)] == [
        NOW - dt.timedelta(hours=1),
        NOW,
    ]
    assert await store.update_session(replace(first, pain_after=3))
    assert (await store.history(7))[-1].pain_after == 3
    assert not await store.update_session(record(7, 30))


def live(chat_id: int, version: int, position: int) -> ActiveSession:
    """A session in progress with its state (the runner's JSON) at ``version``."""
    state = {"session": {"position": position, "held_sides": {"Cat · left": 10.0}}, "on": True}
    return ActiveSession(chat_id, "back", NOW, NOW.date(), state=state, version=version)


async def test_a_session_in_progress_is_saved_only_over_the_version_before(
    store: Store,
) -> None:
    """save_session: version 1 only when none is stored, then each version only over the one
    before it; a stale save changes nothing. The state reads back as saved."""
    await store.create(make_chat(7))
    assert await store.active_session(7) is None
    assert await store.save_session(live(7, 1, 0))
    assert not await store.save_session(live(7, 1, 5))  # a session already runs
    assert await store.save_session(live(7, 2, 1))
    assert not await store.save_session(live(7, 2, 9))  # another instance got in first
    assert not await store.save_session(live(7, 4, 9))
    assert await store.active_session(7) == live(7, 2, 1)
    assert await store.active_sessions() == [live(7, 2, 1)]
    assert await store.active_session(8) is None
    await store.end_session(record(7, 0))
    assert await store.active_session(7) is None
    assert await store.save_session(live(7, 1, 0))  # the next session


async def test_overdue_sessions_are_those_whose_timer_is_due_before(store: Store) -> None:
    """overdue_sessions names the chats whose session's timer was due before the instant."""
    for chat_id, seconds in ((7, -10), (8, 10), (9, -1)):
        await store.create(make_chat(chat_id))
        due = NOW + dt.timedelta(seconds=seconds)
        assert await store.save_session(replace(live(chat_id, 1, 0), due=due))
    await store.create(make_chat(10))
    assert await store.save_session(live(10, 1, 0))  # no timer (finished, or only noted)
    assert sorted(await store.overdue_sessions(NOW)) == [7, 9]
    assert await store.overdue_sessions(NOW - dt.timedelta(seconds=10)) == []


async def test_of_concurrent_saves_of_one_version_one_wins(store: Store) -> None:
    """Two instances move the same session on at once: exactly one save is kept."""
    await store.create(make_chat(7))
    assert await store.save_session(live(7, 1, 0))
    saved = await asyncio.gather(*(store.save_session(live(7, 2, p)) for p in range(1, 9)))
    assert sorted(saved) == [False] * 7 + [True]
    winner = saved.index(True) + 1
    assert await store.active_session(7) == live(7, 2, winner)


async def test_a_question_is_answered_once(store: Store) -> None:
    """take_prompt returns the payload once, and only for the message that asked."""
    await store.create(make_chat(7))
    await store.open_prompt(7, "forget", 10, "payload")
    assert await store.take_prompt(7, "forget", 9) is None
    assert await store.take_prompt(7, "forget", 10) == "payload"
    assert await store.take_prompt(7, "forget", 10) is None


async def test_forget_deletes_everything_about_a_chat(store: Store) -> None:
    """After forget, the chat, its history and its questions are gone; others stay."""
    for chat_id in (7, 8):
        await store.create(make_chat(chat_id))
        await store.end_session(record(chat_id, 0))
        await store.open_prompt(chat_id, "forget", 1)
    await store.forget(7)
    assert await store.chat(7) is None
    assert await store.history(7) == []
    assert await store.take_prompt(7, "forget", 1) is None
    assert await store.chat(8) is not None
    assert len(await store.history(8)) == 1


async def test_a_chat_is_the_same_after_a_round_trip_of_every_field(store: Store) -> None:
    """Every part of a chat (schedule, delivery, coaching, breaks) reads back as saved."""
    full: Chat = make_chat(
        7,
        timezone="UTC+05:30",
        times=(dt.time(7, 30), dt.time(18, 0)),
        days=frozenset({0, 2}),
        pauses=((dt.date(2026, 12, 1), dt.date(2026, 12, 3)),),
        skipped_day=dt.date(2026, 11, 25),
        nudge_minutes=None,
        last_sent={"07:30": NOW},
        reminder_number=123,
        snoozed_until=NOW,
        holds={"back:0:3:0": 27.0},
        hurt=frozenset({"back:1"}),
        pain_check=False,
        own_routine='id = "sam"',
        created_at=NOW,
        breaks=BreakPlan(45, dt.time(8), dt.time(16, 30), NOW, NOW, 1_764_000_000_000, 9, 3),
    )
    created = await store.create(full)
    assert await store.chat(7) == created


async def test_file_ids_are_remembered_replaced_and_forgotten(store: Store) -> None:
    """A picture's file_id reads back by its key, a newer one replaces it, a forgotten one is
    gone; other keys are untouched."""
    assert await store.file_id("sha256:aa") is None
    await store.remember_file_id("sha256:aa", "AgAC-one")
    await store.remember_file_id("sha256:bb", "AgAC-two")
    await store.remember_file_id("sha256:aa", "AgAC-three")
    assert await store.file_id("sha256:aa") == "AgAC-three"
    await store.forget_file_id("sha256:aa")
    await store.forget_file_id("sha256:never")
    assert await store.file_id("sha256:aa") is None
    assert await store.file_id("sha256:bb") == "AgAC-two"


async def test_tinydb_file_ids_survive_a_restart_and_a_damaged_file(tmp_path: Path) -> None:
    """The TinyDB store keeps file_ids on disk across a restart; a damaged file is a cache
    miss (pictures uploaded again), never a failure."""
    folder = tmp_path / "data"
    await TinyStore.in_folder(folder).remember_file_id("sha256:aa", "AgAC-one")
    assert await TinyStore.in_folder(folder).file_id("sha256:aa") == "AgAC-one"
    (folder / "file_ids.json").write_text("{not json", encoding="utf-8")
    again = TinyStore.in_folder(folder)
    assert await again.file_id("sha256:aa") is None
    await again.remember_file_id("sha256:aa", "AgAC-two")
    assert await TinyStore.in_folder(folder).file_id("sha256:aa") == "AgAC-two"
