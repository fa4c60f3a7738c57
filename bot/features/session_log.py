"""What the guided sessions keep in the store: the session in progress and the history, the
holds an "it hurts" undoes, the summary a completed session ends with, and at start-up the
sessions a restart cut short. Each write is one unit of work; none is held across a send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core import progression
from bot.core.chat import ActiveSession, Chat, SessionRecord, SessionStatus
from bot.core.outlook import Outlook, outlook
from bot.core.routines import Routine
from bot.core.session import GuidedSession, session_id
from bot.core.stats import progress
from bot.ports import Clock, Store

__all__ = ["SessionLog"]


class SessionLog:
    """The sessions' side of the store."""

    def __init__(self, store: Store, clock: Clock, micro: Routine | None = None) -> None:
        self._store = store
        self._clock = clock
        #: The break prompts' short routine: a break, not a streak day (as in /stats).
        self._micro = micro.id if micro is not None else None

    async def end(self, session: GuidedSession, status: SessionStatus, took: float) -> None:
        """Move the session to the history, however it ended (``took``: real seconds)."""
        await self._store.end_session(
            SessionRecord(
                chat_id=session.chat_id,
                routine_id=session.routine.id,
                started_at=session.started_at,
                ended_at=self._clock.now(),
                local_date=session.local_date,
                status=status,
                duration=round(took, 3),
                skipped=session.skipped,
                holds=session.holds_used(),
                pain_before=session.pain_before,
                hurt=session.hurt,
            )
        )

    async def latest(self, chat_id: int) -> int | None:
        """The id of the chat's last recorded session."""
        history = await self._store.history(chat_id)
        return session_id(history[-1].started_at) if history else None

    async def forget_hurt(self, chat_id: int, routine_id: str) -> Chat | None:
        """A session of the routine starts: it is the "next time" after a hurt, so increases
        may resume. The chat as it is now (None: it has no settings)."""
        prefix = f"{routine_id}:"

        def forget(current: Chat) -> Chat:
            kept = frozenset(key for key in current.coaching.hurt if not key.startswith(prefix))
            return replace(current, coaching=replace(current.coaching, hurt=kept))

        return await self._store.change(chat_id, forget)

    async def block_increase(self, session: GuidedSession, exercise: int) -> None:
        """It hurt during ``exercise``: undo any increase of its holds made this session, and
        make none before the next session."""
        used = session.exercise_holds(exercise)
        key = progression.exercise_key(session.routine.id, exercise)

        def block(current: Chat) -> Chat:
            # Only sides feedback moved: one never moved has no increase to undo, and
            # storing its time would pass it off as adapted (bot.core.progression.SideHold).
            holds = dict(current.coaching.holds)
            for step, seconds in used.items():
                if step in holds:
                    holds[step] = min(holds[step], seconds)
            return replace(
                current,
                coaching=replace(
                    current.coaching, holds=holds, hurt=current.coaching.hurt | {key}
                ),
            )

        await self._store.change(session.chat_id, block)

    async def summary(self, chat_id: int) -> tuple[int, Outlook | None]:
        """The current streak and the schedule from now, for the end of a routine."""
        chat = await self._store.chat(chat_id)
        if chat is None:
            return 0, None
        now = self._clock.now()
        history = await self._store.history(chat_id)
        streak = progress(
            [record for record in history if record.routine_id != self._micro],
            today=chat.schedule.local_date(now),
            reminder_days=chat.schedule.days,
            paused=chat.schedule.pauses,
        ).current_streak
        return streak, outlook(chat, now)

    async def close_interrupted(self, now: dt.datetime) -> list[int]:
        """At start-up: record sessions cut by a restart as interrupted; returns their chats
        (each closed once: the active entry goes with the record)."""
        return [
            active.chat_id
            for active in await self._store.active_sessions()
            if await self.close_cut(active, now)
        ]

    async def close_cut(self, active: ActiveSession, now: dt.datetime) -> bool:
        """Record a session nobody runs any more as interrupted; False if it had ended, but
        its instance died before the active entry was removed (only that goes)."""
        recorded = {record.started_at for record in await self._store.history(active.chat_id)}
        if active.started_at in recorded:
            await self._store.clear_active_session(active.chat_id)
            return False
        await self._store.end_session(
            SessionRecord(
                chat_id=active.chat_id,
                routine_id=active.routine_id,
                started_at=active.started_at,
                ended_at=now,
                local_date=active.local_date,
                status=SessionStatus.INTERRUPTED,
                duration=None,
            )
        )
        return True
