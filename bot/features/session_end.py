"""How a guided session ends: its timer cancelled, the history written, the last words said
(and, for a chat that blocked the bot, the session ended at the first message refused)."""

from __future__ import annotations

import logging

from bot.core.chat import SessionStatus
from bot.core.encouragement import best_hold
from bot.features.countdown import Countdowns
from bot.features.session_log import SessionLog
from bot.features.session_notes import (
    Completed,
    HurtStop,
    PainQuestion,
    Partial,
    PauseExpired,
    Stopped,
)
from bot.features.session_state import Running, SessionStates
from bot.ports import Blocked, Clock, Note, Outbox, Timers, Unreachable

__all__ = ["SESSION", "SessionEnd"]

_LOGGER = logging.getLogger("bot.features.sessions")
#: The timer kind of a session's next cue (or, while paused, of giving up on it).
SESSION = "session"


class SessionEnd:
    """Ends sessions and says what sessions say (see the module's docstring)."""

    def __init__(
        self,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        log: SessionLog,
        states: SessionStates,
        countdowns: Countdowns,
    ) -> None:
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._log = log
        self._states = states
        self._countdowns = countdowns

    async def close(self, record: Running, status: SessionStatus) -> float:
        """Forget the session, cancel its timer and record it; returns how long it took."""
        session = record.session
        await self._timers.cancel(f"{SESSION}:{session.chat_id}")
        self._states.forget(session.chat_id)
        took = session.elapsed(self._clock.now().timestamp())
        await self._log.end(session, status, took)
        _LOGGER.info("Session in chat %s ended: %s after %.1f s", session.chat_id, status, took)
        return took

    async def finish(
        self,
        record: Running,
        status: SessionStatus,
        *,
        expired: bool = False,
        hold_done: bool = False,
        say: Note | None = None,
    ) -> None:
        session = record.session
        chat_id = session.chat_id
        done = status is SessionStatus.COMPLETED
        ended = done or status is SessionStatus.PARTIAL  # reached the end of the routine
        await self._countdowns.end(
            chat_id, done=hold_done and ended, next_note=None, sent=record.ended_hold_message()
        )
        took = await self.close(record, status)
        note: Note
        if expired:
            note = PauseExpired()
        elif session.hurt:
            note = HurtStop()
        elif ended:
            streak, outlook = await self._log.summary(chat_id)
            title = session.routine.title
            figure = best_hold(session)
            note = (
                Completed(title, took, streak, outlook, figure)
                if done
                else Partial(title, outlook)
            )
        else:
            note = say or Stopped()
        await self.say(chat_id, note)
        if ended and record.pain_check:
            await self.say(chat_id, PainQuestion(session.id, before=False))

    async def say(self, chat_id: int, note: Note, *, sound: bool = False) -> int | None:
        """Send one session message, quiet unless ``sound`` (/sound on, a hold's end); its id.
        A failure is logged and the session carries on (or ends, if the user blocked the bot)."""
        try:
            return await self._outbox.send(chat_id, note, sound=sound)
        except Blocked:
            _LOGGER.info("Chat %s blocked the bot; ending its session", chat_id)
            record = await self._states.load(chat_id)
            if record is not None and not record.session.finished:
                await self._countdowns.forget(chat_id)
                await self.close(record, SessionStatus.STOPPED)
        except Unreachable as exc:
            _LOGGER.warning("Could not send a session message to chat %s: %s", chat_id, exc)
        return None
