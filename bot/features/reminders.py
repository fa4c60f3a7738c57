"""Reminders: each chat's slots as timers, rebuilt at start-up with catch-up; snooze, skip today,
"later", the one follow-up and its cancelling reactions; closing the live reminder; chats that
block the bot and come back.

The feature works on the ports only (``bot.ports``): the store keeps what was sent and what is
pending, the timers call back when something is due, the outbox says it. Sending, and what a
failed send means, is :mod:`bot.features.reminder_delivery`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import replace

from bot.core.calendar import Occurrence, Planner, missed
from bot.core.chat import Chat
from bot.core.outlook import outlook
from bot.core.parsing import format_time
from bot.core.routines import RoutineBook
from bot.features.reminder_delivery import ReminderDelivery, Sessions
from bot.features.reminder_notes import SkippedToday, Snoozed
from bot.features.reminder_timers import (
    KINDS,
    NUDGE,
    REMINDER,
    SNOOZE,
    ScheduledReminder,
    nudge_name,
    occurrence_data,
    reminder_timer,
    snooze_name,
)
from bot.ports import Clock, JSONValue, Note, Outbox, Store, Timer, Timers

__all__ = [
    "KINDS",
    "LATER_MINUTES",
    "NUDGE",
    "REMINDER",
    "SNOOZE",
    "Reminders",
    "ScheduledReminder",
    "Sessions",
]

_LOGGER = logging.getLogger(__name__)

#: "later" brings the reminder back in this many minutes.
LATER_MINUTES = 15


class Reminders:
    """The reminders of every chat, over the store, the timers and the outbox."""

    def __init__(
        self,
        store: Store,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        routines: RoutineBook,
        sessions: Sessions,
        *,
        time_scale: float = 1.0,
        grace: dt.timedelta = dt.timedelta(minutes=30),
        failures: Counter[str] | None = None,
    ) -> None:
        self._store = store
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._delivery = ReminderDelivery(
            store,
            timers,
            outbox,
            clock,
            routines,
            sessions,
            time_scale=time_scale,
            grace=grace,
            failures=failures if failures is not None else Counter(),
        )
        timers.on(REMINDER, self._delivery.on_reminder)
        timers.on(SNOOZE, self._delivery.on_snooze)
        timers.on(NUDGE, self._delivery.on_nudge)
        #: Timers that follow a chat's schedule (micro-breaks): told of every reschedule and,
        #: at start-up, of every chat.
        self.followers: list[Callable[[Chat], Awaitable[None]]] = []

    # Scheduling -------------------------------------------------------------------------

    async def reschedule(self, chat: Chat) -> list[Occurrence]:
        """Replace the chat's reminder timers after its schedule changed (none if reminders are
        off); the occurrences now scheduled. Snooze and follow-up stay as they are."""
        for follow in self.followers:
            await follow(chat)
        return await self._schedule(
            chat, Planner(self._clock.now()), {}, catch_up=False, fresh=False
        )

    async def rebuild(self) -> int:
        """At start-up: timers keep nothing across restarts, the store does. A reminder missed
        while the bot was down, at most the grace window ago and not yet sent, is sent at once;
        snoozes and follow-ups still due come back. How many reminders were scheduled."""
        now = self._clock.now()
        planner = Planner(now)
        #: Timer data per occurrence, made once: thousands of chats share each.
        shared: dict[Occurrence, Mapping[str, JSONValue]] = {}
        count = 0
        async for chat in self._store.chats():
            for follow in self.followers:
                await follow(chat)
            count += len(await self._schedule(chat, planner, shared, catch_up=True, fresh=True))
            delivery = chat.delivery
            if delivery.snoozed_until is not None or delivery.nudge_due is not None:
                await self._rebuild_pending(chat, now)
        return count

    async def _schedule(
        self,
        chat: Chat,
        planner: Planner,
        shared: dict[Occurrence, Mapping[str, JSONValue]],
        *,
        catch_up: bool,
        fresh: bool,
    ) -> list[Occurrence]:
        """(Re)build one chat's reminders; ``fresh`` (at start-up: no timers yet) skips
        cancelling the old ones; ``planner`` and ``shared`` serve every chat of a rebuild."""
        if not fresh:
            await self._delivery.cancel(chat.chat_id, frozenset({REMINDER}))
        if not chat.schedule.subscribed:
            return []
        scheduled: list[Occurrence] = []
        for slot in chat.schedule.times:
            occurrence = planner.next(chat.schedule, slot)
            if catch_up:
                late = missed(chat, slot, format_time(slot), planner, self._delivery.grace)
                if late is not None:
                    _LOGGER.info("Catching up on a missed reminder for chat %s", chat.chat_id)
                    occurrence = late
            data = shared.get(occurrence)
            if data is None:
                data = shared[occurrence] = occurrence_data(occurrence)
            await self._timers.set(reminder_timer(chat.chat_id, occurrence, data))
            scheduled.append(occurrence)
        return scheduled

    async def _rebuild_pending(self, chat: Chat, now: dt.datetime) -> None:
        """Snoozes and follow-ups that came due while the bot was down (sent now if still
        useful, else forgotten), or are still to come."""
        snoozed, nudge = chat.delivery.snoozed_until, chat.delivery.nudge_due
        if snoozed is not None and not self._still_useful(chat, snoozed, now):
            snoozed = None
        if nudge is not None and not self._still_useful(chat, nudge, now):
            nudge = None
        if (snoozed, nudge) != (chat.delivery.snoozed_until, chat.delivery.nudge_due):
            gone_snooze = chat.delivery.snoozed_until if snoozed is None else None
            gone_nudge = chat.delivery.nudge_due if nudge is None else None

            def forget(current: Chat) -> Chat:
                delivery = current.delivery
                if gone_snooze is not None and delivery.snoozed_until == gone_snooze:
                    delivery = replace(delivery, snoozed_until=None)
                if gone_nudge is not None and delivery.nudge_due == gone_nudge:
                    delivery = replace(delivery, nudge_due=None)
                return replace(current, delivery=delivery)

            await self._store.change(chat.chat_id, forget)
        chat_id = chat.chat_id
        if snoozed is not None:
            await self._timers.set(Timer(snooze_name(chat_id), SNOOZE, chat_id, snoozed))
        if nudge is not None:
            await self._timers.set(Timer(nudge_name(chat_id), NUDGE, chat_id, nudge))

    def _still_useful(self, chat: Chat, due: dt.datetime, now: dt.datetime) -> bool:
        return chat.schedule.subscribed and now - due <= self._delivery.grace

    async def cancel(self, chat_id: int, kinds: Collection[str] = KINDS) -> None:
        """Cancel the chat's timers of these kinds (default: all its reminders, their retries,
        its snooze and follow-up): for /stop, /pause, /forget."""
        await self._delivery.cancel(chat_id, kinds)

    async def cancel_pending(
        self, chat_id: int, *, snooze: bool = True, follow_up: bool = True
    ) -> None:
        """Cancel the timer of a snoozed reminder and/or of the follow-up."""
        await self.cancel(
            chat_id, {kind for kind, on in ((SNOOZE, snooze), (NUDGE, follow_up)) if on}
        )

    async def forget(self, chat_id: int) -> None:
        """Cancel every reminder timer of a chat that is being forgotten."""
        await self.cancel(chat_id)

    async def scheduled(self, chat_id: int | None = None) -> list[ScheduledReminder]:
        """The slots' reminders waiting (of one chat), soonest first; retries not included."""
        found = [
            ScheduledReminder.of(timer)
            for timer in await self._timers.pending(chat_id)
            if timer.kind == REMINDER
        ]
        return sorted(
            (due for due in found if due.attempt == 0),
            key=lambda due: (due.occurrence.at, due.chat_id),
        )

    # Reactions --------------------------------------------------------------------------

    async def reacted(self, chat_id: int) -> Chat | None:
        """The chat answered its reminder in some way: no follow-up nudge for it."""
        await self._timers.cancel(nudge_name(chat_id))
        return await self._store.change(
            chat_id,
            lambda chat: replace(chat, delivery=replace(chat.delivery, nudge_due=None)),
        )

    async def snooze(self, chat_id: int, minutes: int) -> dt.datetime | None:
        """Send the reminder again in ``minutes``; when, or None if the chat is not set up."""
        due = self._clock.now() + self._delivery.scaled(minutes)
        await self._timers.cancel(nudge_name(chat_id))
        chat = await self._store.change(
            chat_id,
            lambda current: replace(
                current, delivery=replace(current.delivery, snoozed_until=due, nudge_due=None)
            ),
        )
        if chat is None:
            return None
        await self._timers.set(Timer(snooze_name(chat_id), SNOOZE, chat_id, due))
        return due

    async def skip_today(self, chat_id: int) -> Chat | None:
        """No more reminders today (the chat's local date); tomorrow's are untouched."""
        now = self._clock.now()

        def skip(chat: Chat) -> Chat:
            return replace(
                chat,
                schedule=replace(chat.schedule, skipped_day=chat.schedule.local_date(now)),
                delivery=replace(chat.delivery, snoozed_until=None, nudge_due=None),
            )

        await self._timers.cancel(nudge_name(chat_id))
        chat = await self._store.change(chat_id, skip)
        if chat is None:
            return None
        await self._timers.cancel(snooze_name(chat_id))
        await self.reschedule(chat)
        return chat

    async def undo_skip(self, chat_id: int) -> bool:
        """Take back today's "Skip today" (its later reminders come again); whether there was
        one."""
        now = self._clock.now()
        undone = False

        def undo(chat: Chat) -> Chat:
            nonlocal undone
            undone = chat.schedule.skipped_day == chat.schedule.local_date(now)
            if not undone:
                return chat
            return replace(chat, schedule=replace(chat.schedule, skipped_day=None))

        chat = await self._store.change(chat_id, undo)
        if undone and chat is not None:
            await self.reschedule(chat)
        return undone

    async def later(self, chat_id: int) -> Snoozed | None:
        """ "later": the reminder again in 15 minutes, today's skip undone, the live reminder
        closed; what to answer, or None if the chat is not set up."""
        skip_undone = await self.undo_skip(chat_id)
        due = await self.snooze(chat_id, LATER_MINUTES)
        chat = await self._store.chat(chat_id)
        if due is None or chat is None:
            return None
        await self.close_reminder(chat_id)
        return Snoozed(due.astimezone(chat.schedule.zone), skip_undone=skip_undone)

    async def press(self, chat_id: int, number: int, minutes: int) -> Note | None:
        """A reminder's snooze button (``minutes``; 0 is "Skip today") on reminder ``number``:
        what became of it, or None if the button is not the live reminder's (an older one, or
        already answered). The caller closes the reminder with that status."""
        chat = await self._store.chat(chat_id)
        if chat is None or number != chat.delivery.reminder_number:
            return None
        if minutes == 0:
            skipped = await self.skip_today(chat_id)
            return SkippedToday(outlook(skipped, self._clock.now()) if skipped else None)
        due = await self.snooze(chat_id, minutes)
        return Snoozed(due.astimezone(chat.schedule.zone)) if due else None

    async def close_reminder(self, chat_id: int, status: Note | None = None) -> None:
        """Close the live reminder (its buttons stop counting, and come off its message) and,
        if given, say what became of it."""
        closed: int | None = None

        def close(chat: Chat) -> Chat:
            nonlocal closed
            closed = chat.delivery.reminder_message_id
            return replace(
                chat,
                delivery=replace(chat.delivery, reminder_message_id=None, reminder_number=None),
            )

        await self._store.change(chat_id, close)
        if closed is not None:
            await self._delivery.drop_buttons(chat_id, closed)
        if status is not None:
            await self._outbox.send(chat_id, status)

    # Blocked chats ----------------------------------------------------------------------

    async def mark_blocked(self, chat_id: int) -> None:
        """The chat blocked the bot (a send got 403): reminders off, its timers gone."""
        await self._delivery.mark_blocked(chat_id)

    async def unblocked(self, chat_id: int) -> Chat | None:
        """The chat blocked the bot and now writes again: reminders back on, as they were; the
        chat, or None if it had not blocked the bot."""
        current = await self._store.chat(chat_id)
        if current is None or current.delivery.blocked_at is None:
            return None

        def back(chat: Chat) -> Chat:
            if chat.delivery.blocked_at is None:
                return chat
            return replace(
                chat,
                schedule=replace(chat.schedule, subscribed=True),
                delivery=replace(chat.delivery, blocked_at=None),
            )

        chat = await self._store.change(chat_id, back)
        if chat is None:
            return None
        await self.reschedule(chat)
        _LOGGER.info("Chat %s is back: reminders on again", chat_id)
        return chat
