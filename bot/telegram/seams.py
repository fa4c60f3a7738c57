"""The account feature's seams (:class:`bot.features.account.Reminders` and ``Sessions``) over
the code that still takes PTB's context: the reminder functions in
``bot.telegram.handlers.reminders`` and the :class:`~bot.features.coach.Coach`.

Temporary: when the reminders and sessions features take plain values, they are the seams
themselves and this module goes. Each call makes an application-wide context (no update, no
chat data), which is all those functions use.
"""

from __future__ import annotations

from bot.core.chat import Chat
from bot.core.routines import Routine
from bot.features.coach import Coach
from bot.telegram import jobs
from bot.telegram.context import BotApp, BotContext
from bot.telegram.handlers import reminders

__all__ = ["CoachSessions", "HandlerReminders"]


class HandlerReminders:
    """The reminders feature as the account sees it."""

    def __init__(self, application: BotApp) -> None:
        self._application = application

    def _context(self) -> BotContext:
        return BotContext(self._application)

    def reschedule(self, chat: Chat) -> None:
        context = self._context()
        reminders.reschedule(context.jobs, context.services, chat)

    def cancel_pending(self, chat_id: int, *, snooze: bool = True, follow_up: bool = True) -> None:
        job_queue = self._context().jobs
        if snooze:
            jobs.cancel_jobs(job_queue, jobs.snooze_job_name(chat_id))
        if follow_up:
            jobs.cancel_jobs(job_queue, jobs.nudge_job_name(chat_id))

    async def close_reminder(self, chat_id: int) -> None:
        await reminders.close_reminder(self._context(), chat_id)

    async def mark_blocked(self, chat_id: int) -> None:
        await reminders.mark_blocked(self._context(), chat_id)

    async def unblocked(self, chat_id: int) -> Chat | None:
        return await reminders.unblocked(self._context(), chat_id)

    def forget(self, chat_id: int) -> None:
        jobs.cancel_chat(self._context().jobs, chat_id)


class CoachSessions:
    """The guided sessions as the account sees them."""

    def __init__(self, application: BotApp, coach: Coach) -> None:
        self._application = application
        self._coach = coach

    def running(self, chat_id: int) -> bool:
        return self._coach.running(chat_id) is not None

    async def stop(self, chat_id: int) -> bool:
        return await self._coach.stop(BotContext(self._application), chat_id)

    async def discard(self, chat_id: int) -> None:
        await self._coach.discard(BotContext(self._application), chat_id)

    def script_seconds(self, routine: Routine) -> float:
        return self._coach.script_seconds(routine)
