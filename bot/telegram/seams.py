"""The account feature's seam (:class:`bot.features.account.Sessions`) over the code that still
takes PTB's context: the :class:`~bot.features.coach.Coach`.

Temporary: when the reminders and sessions features take plain values, they are the seams
themselves and this module goes. Each call makes an application-wide context (no update, no
chat data), which is all those functions use.
"""

from __future__ import annotations

from bot.core.routines import Routine
from bot.features.coach import Coach
from bot.telegram.context import BotApp, BotContext

__all__ = ["CoachSessions"]


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
