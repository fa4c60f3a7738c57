"""The :class:`~bot.ports.Timers` port in PostgreSQL: a timer is a row any instance may run.

``set`` upserts the row (table ``timers``, revision 0002); ``cancel`` deletes it. Each instance
runs one loop that **claims** due rows in small batches — ``SELECT … FOR UPDATE SKIP LOCKED``
inside a ``DELETE … RETURNING`` — and runs each handler as its own task. Two instances never
claim the same row: the lock skips rows another is claiming, and a claimed row is gone.

**At-most-once.** A row is deleted as it is claimed, before its handler sends anything. An
instance that dies loses what it had claimed and not yet done, and no more: at most one batch
of bulk rows (the loop claims more only as earlier ones finish, so no more than ``batch`` are in
flight) plus the few urgent ones. We err this way because the other way duplicates: a lease
that expires would let a second instance send a reminder the dead one had already sent (the
Bot API has no idempotency key), and a reminder twice is the failure people notice and resent;
the features already chose it (a reminder is claimed in the store before it is sent).

**Urgent first.** Kinds named ``urgent`` (a session's next cue) are claimed before bulk rows,
each from its own range of the ``(urgent, due)`` index, so a cue never queues behind a
10 000-reminder fan-out; urgent rows are not held back by the in-flight bound.

**Waking.** The loop sleeps until the soonest row is due, at most ``poll`` seconds (the safety
net: a row set by another instance is seen within that, and slept for exactly). A row due
sooner than that is announced with ``NOTIFY stretchbot_timers``: every instance ``LISTEN``s on a
dedicated connection and looks again at once, so a ``/time`` set on one fires on time on
another. Rows due later need no notice: the next look finds them.

**Local kinds.** Some timers only make sense in the process that set them (a countdown tick
edits a message this process is counting down): kinds in ``local_kinds`` go to ``local`` (the
JobQueue) instead; their names start with one of ``local_prefixes`` (by default ``<kind>:``),
which is how :meth:`cancel` routes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from bot.ports import Clock, Timer, TimerHandler, Timers

__all__ = ["CHANNEL", "PgTimers"]

_LOGGER = logging.getLogger(__name__)

#: The NOTIFY channel: a timer due soon was set.
CHANNEL = "stretchbot_timers"

#: Reports a handler's exception to the application's error handler.
ErrorReporter = Callable[[Timer, Exception], Coroutine[Any, Any, None]]

_COLUMNS = "name, kind, chat_id, due, data"
_UPSERT = (
    "INSERT INTO timers (name, kind, chat_id, due, urgent, data)"
    " VALUES (%(name)s, %(kind)s, %(chat)s, %(due)s, %(urgent)s, %(data)s)"
    " ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, chat_id = EXCLUDED.chat_id,"
    " due = EXCLUDED.due, urgent = EXCLUDED.urgent, data = EXCLUDED.data"
)
#: Claim = delete: due urgent rows, then due bulk rows up to the room left, soonest first.
_CLAIM = (
    "WITH u AS (SELECT name FROM timers WHERE urgent AND due <= %(now)s"
    "   ORDER BY due LIMIT %(urgent)s FOR UPDATE SKIP LOCKED),"
    " b AS (SELECT name FROM timers WHERE NOT urgent AND due <= %(now)s"
    "   ORDER BY due LIMIT %(bulk)s FOR UPDATE SKIP LOCKED)"
    " DELETE FROM timers WHERE name IN (SELECT name FROM u UNION ALL SELECT name FROM b)"
    f" RETURNING {_COLUMNS}, urgent"
)
#: The soonest row of each class (each an index lookup); bulk only if there is room.
_NEXT = (
    "SELECT (SELECT min(due) FROM timers WHERE urgent),"
    " CASE WHEN %(room)s THEN (SELECT min(due) FROM timers WHERE NOT urgent) END"
)


def _timer(row: tuple[Any, ...]) -> Timer:
    name, kind, chat_id, due, data = row[:5]
    return Timer(name, kind, chat_id, due, data or {})


class PgTimers:
    """Timers as rows in PostgreSQL, run by whichever instance claims them first."""

    def __init__(
        self,
        pool: AsyncConnectionPool[AsyncConnection[Any]],
        url: str,
        clock: Clock,
        *,
        on_error: ErrorReporter | None = None,
        local: Timers | None = None,
        local_kinds: Iterable[str] = (),
        local_prefixes: Iterable[str] | None = None,
        urgent_kinds: Iterable[str] = (),
        batch: int = 50,
        poll: float = 1.0,
    ) -> None:
        self._pool = pool
        self._url = url
        self._clock = clock
        self._on_error = on_error
        self._local = local
        self._local_kinds = frozenset(local_kinds)
        if self._local_kinds and local is None:
            raise ValueError("local kinds need local timers")
        prefixes = [f"{kind}:" for kind in self._local_kinds]
        self._local_prefixes = tuple(prefixes if local_prefixes is None else local_prefixes)
        self._urgent_kinds = frozenset(urgent_kinds)
        self.batch = batch
        #: Bulk rows done before the loop claims again: a claim (and a look at the next due
        #: row) per few rows, not two round trips per reminder. The rest keep the sends busy.
        self.refill = max(1, batch // 5)
        self._poll = poll
        self._handlers: dict[str, TimerHandler] = {}
        self._wake = asyncio.Event()
        self._wake_at: dt.datetime | None = None
        self._bulk_in_flight = 0
        self._tasks: set[asyncio.Future[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._stopping = False
        #: How many timers this instance has run (for tests and benchmarks).
        self.fired = 0

    # The port --------------------------------------------------------------------------

    def on(self, kind: str, handler: TimerHandler) -> None:
        self._handlers[kind] = handler
        if self._local is not None and kind in self._local_kinds:
            self._local.on(kind, handler)

    async def set(self, timer: Timer) -> None:
        if timer.kind in self._local_kinds:
            if not timer.name.startswith(self._local_prefixes):
                raise ValueError(f"a local timer's name has no local prefix: {timer.name}")
            assert self._local is not None
            await self._local.set(timer)
            return
        values = {
            "name": timer.name,
            "kind": timer.kind,
            "chat": timer.chat_id,
            "due": timer.due,
            "urgent": timer.kind in self._urgent_kinds,
            "data": Jsonb(dict(timer.data)),
        }
        soon = self._clock.seconds_until(timer.due) < self._poll * 1.5
        async with self._pool.connection() as conn:
            if soon:  # the others may be asleep past it: wake them
                values["channel"] = CHANNEL
                await conn.execute(
                    f"WITH s AS ({_UPSERT}) SELECT pg_notify(%(channel)s, '')", values
                )
            else:
                await conn.execute(_UPSERT, values)
        if self._wake_at is None or timer.due < self._wake_at:
            self._wake.set()

    async def cancel(self, name: str) -> None:
        if self._local is not None and name.startswith(self._local_prefixes):
            await self._local.cancel(name)
            return
        async with self._pool.connection() as conn:
            await conn.execute("DELETE FROM timers WHERE name = %s", (name,))

    async def pending(self, chat_id: int | None = None) -> list[Timer]:
        async with self._pool.connection() as conn:
            if chat_id is None:
                cursor = await conn.execute(f"SELECT {_COLUMNS} FROM timers")
            else:
                cursor = await conn.execute(
                    f"SELECT {_COLUMNS} FROM timers WHERE chat_id = %s", (chat_id,)
                )
            found = [_timer(row) for row in await cursor.fetchall()]
        if self._local is not None:
            found += await self._local.pending(chat_id)
        return sorted(found, key=lambda timer: (timer.due, timer.name))

    # Running ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start claiming (and listening): once the pool is open, in the running loop."""
        if not self._loops:
            self._stopping = False
            self._loops = [
                asyncio.create_task(self._claiming(), name="timers: claim"),
                asyncio.create_task(self._listening(), name="timers: listen"),
            ]

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming; handlers already running get ``grace`` seconds to finish (what
        they claimed is theirs alone: cut short, it is lost)."""
        self._stopping = True
        for loop in self._loops:
            loop.cancel()
        if self._loops:
            _, stuck = await asyncio.wait(self._loops, timeout=grace)
            for loop in stuck:  # pragma: no cover - a loop that ignored its cancellation
                _LOGGER.error("Timer loop %s did not stop", loop.get_name())
        self._loops = []
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()

    def stopping(self) -> bool:
        """Whether :meth:`stop` was called (the loops end instead of retrying)."""
        return self._stopping

    async def claim(self) -> list[Timer]:
        """Claim (delete) what is due now: urgent rows, and bulk ones up to the room left."""
        return [timer for timer, _ in await self._claim()]

    async def _claim(self) -> list[tuple[Timer, bool]]:
        """:meth:`claim`, each timer with whether its row was urgent (as the instance that
        set it saw it: what counts against the room for bulk rows)."""
        room = max(0, self.batch - self._bulk_in_flight)
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                _CLAIM, {"now": self._clock.now(), "urgent": self.batch, "bulk": room}
            )
            rows = await cursor.fetchall()
        rows.sort(key=lambda row: (not row[5], row[3]))  # urgent first, then soonest
        self._bulk_in_flight += sum(1 for row in rows if not row[5])
        return [(_timer(row), bool(row[5])) for row in rows]

    async def _claiming(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                claimed = await self._claim()
                for timer, urgent in claimed:
                    task = asyncio.ensure_future(self._fire(timer, urgent))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                    # A handler may work before its first await: let the others run between.
                    await asyncio.sleep(0)
                if len(claimed) and self._bulk_in_flight < self.batch:
                    continue  # maybe more due right now
                wait = await self._until_next()
            except Exception as exc:  # the database is away (or worse): the loop must live on
                if self.stopping():
                    return
                _LOGGER.warning("Could not claim timers (trying again): %s", exc)
                wait = self._poll
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _until_next(self) -> float:
        """Seconds to sleep: until the soonest row, at most ``poll``."""
        room = self._bulk_in_flight < self.batch
        async with self._pool.connection() as conn:
            row = await (await conn.execute(_NEXT, {"room": room})).fetchone()
        soonest = min((due for due in (row or ()) if due is not None), default=None)
        self._wake_at = soonest
        if soonest is None:
            return self._poll
        return max(0.0, min(self._poll, self._clock.seconds_until(soonest)))

    async def _fire(self, timer: Timer, urgent: bool) -> None:
        try:
            await self._run(timer)
        finally:
            self.fired += 1
            if not urgent:
                self._bulk_in_flight -= 1
                if self._bulk_in_flight == self.batch - self.refill:
                    self._wake.set()  # room for a few again: one claim for them all

    async def _run(self, timer: Timer) -> None:
        handler = self._handlers.get(timer.kind)
        if handler is None:
            _LOGGER.error("No handler for timer %s (kind %s)", timer.name, timer.kind)
            return
        try:
            await handler(timer)
        except Exception as exc:  # one chat's failure goes to the error handler, not the others
            if self._on_error is None:
                _LOGGER.exception("Timer %s failed", timer.name)
                return
            await self._on_error(timer, exc)

    async def _listening(self) -> None:
        """Wake the claiming loop on every notice; reconnect if the connection drops (the
        poll covers the gap)."""
        while not self._stopping:
            try:
                conn = await AsyncConnection.connect(self._url, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    async for _ in conn.notifies():
                        self._wake.set()
            except (psycopg.Error, OSError) as exc:
                if self.stopping():  # psycopg may turn a cancelled wait into its own error
                    return
                _LOGGER.warning("Timer notices lost (reconnecting): %s", exc)
            await asyncio.sleep(self._poll)
