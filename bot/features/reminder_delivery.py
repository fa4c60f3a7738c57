"""Sending reminders: the timers that fire them, claim-then-send, one retry policy, and what a
403 means. Part of the reminders feature; :mod:`bot.features.reminders` is its face.

Three kinds of timer send a reminder message (:mod:`bot.features.reminder_timers`): a slot's
``reminder``, a ``snooze`` and the one follow-up, ``nudge``. Each message is sent at most once:
a slot's reminder is claimed in the store before the send, a snooze or follow-up is taken off
the chat's settings before it. A send that fails for a while (5xx, a timeout, a 429) gives its
claim back and is tried again with the same back-off for all three, until it would be later
than the grace window.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from typing import Literal, Protocol

from bot.core.calendar import Planner, following
from bot.core.chat import Chat, SessionStatus
from bot.core.routines import Routine, RoutineBook
from bot.core.uploads import chat_routine
from bot.features.reminder_notes import Nudge, Quick, Reminder
from bot.features.reminder_timers import (
    KINDS,
    NUDGE,
    REMINDER,
    ScheduledReminder,
    attempt_of,
    due_at,
    nudge_name,
    reminder_timer,
)
from bot.ports import Blocked, Clock, Lane, Note, Outbox, Store, Timer, Timers, Unreachable

__all__ = ["RETRY_FIRST_SECONDS", "RETRY_LONGEST_SECONDS", "ReminderDelivery", "Sessions"]

_LOGGER = logging.getLogger(__name__)

#: Back-off for a send that failed (5xx, reset, timeout): 5 s, 10 s, 20 s… at most 5 min, times
#: TIME_SCALE; a 429 waits its retry_after instead. Retries stop once the message would be
#: later than the grace window (REMINDER_GRACE_MINUTES).
RETRY_FIRST_SECONDS = 5.0
RETRY_LONGEST_SECONDS = 300.0


class Sessions(Protocol):
    """What reminders need from the guided sessions (``bot.features.sessions.Sessions``)."""

    async def running(self, chat_id: int) -> object | None:
        """The chat's session in progress, if any: a reminder would only interrupt it."""
        ...

    def script_seconds(self, routine: Routine) -> float:
        """How long a routine takes."""
        ...


#: A chat's pending timers that live on its settings: a snoozed reminder, the follow-up.
Pending = Literal["snoozed_until", "nudge_due"]


def _with_pending(chat: Chat, field: Pending, due: dt.datetime | None) -> Chat:
    if field == "snoozed_until":
        return replace(chat, delivery=replace(chat.delivery, snoozed_until=due))
    return replace(chat, delivery=replace(chat.delivery, nudge_due=due))


class ReminderDelivery:
    """The timer handlers of the reminders feature and everything a send involves."""

    def __init__(
        self,
        store: Store,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        routines: RoutineBook,
        sessions: Sessions,
        *,
        time_scale: float,
        grace: dt.timedelta,
        failures: Counter[str],
    ) -> None:
        self._store = store
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._routines = routines
        self._sessions = sessions
        self._time_scale = time_scale
        self.grace = grace
        self._failures = failures

    def scaled(self, minutes: int) -> dt.timedelta:
        """Snooze and follow-up delays are relative timers: TIME_SCALE applies to them (so a
        demo or a test need not wait 15 minutes); reminder times are wall-clock times and it
        does not."""
        return dt.timedelta(minutes=minutes) * self._time_scale

    async def cancel(self, chat_id: int, kinds: Collection[str] = KINDS) -> None:
        """Cancel the chat's timers of these kinds (a slot's retries with its reminders)."""
        for timer in await self._timers.pending(chat_id):
            if timer.kind in kinds:
                await self._timers.cancel(timer.name)

    # The timers -------------------------------------------------------------------------

    async def on_reminder(self, timer: Timer) -> None:
        """A slot's reminder came due: send it at most once per slot and day, then chain the
        next occurrence."""
        due = ScheduledReminder.of(timer)
        chat = await self._store.chat(due.chat_id)
        if chat is None:
            return
        now = self._clock.now()
        # Found late (every instance was down): a retry is bounded by its own policy instead.
        stale = due.attempt == 0 and now - due.occurrence.at > self.grace
        if due.attempt == 0:
            # Chain the next occurrence first, so nothing below can end this slot's reminders.
            upcoming = following(chat.schedule, due.occurrence)
            if upcoming is not None and stale:
                upcoming = Planner(now).next(chat.schedule, due.occurrence.slot)
            if upcoming is not None:
                await self._timers.set(reminder_timer(due.chat_id, upcoming))
        if stale:
            _LOGGER.info("Reminder %s for chat %s is past its grace", due.slot, due.chat_id)
            return
        schedule = chat.schedule
        if (
            not schedule.subscribed
            or due.occurrence.slot not in schedule.times
            or not schedule.reminds_on(due.occurrence.day)
        ):
            return
        at = due.occurrence.at
        async with self._outbox.bulk_slot():
            # Claimed before sending: a crash after this point loses one reminder rather than
            # sending it twice after the restart. A send that fails releases the claim.
            previous = ((await self._store.chat(due.chat_id)) or chat).delivery.last_sent
            before = previous.get(due.slot)
            if not await self._store.claim_reminder(due.chat_id, due.slot, at):
                _LOGGER.info("Reminder %s for chat %s was already sent", due.slot, due.chat_id)
                return
            if await self._sessions.running(due.chat_id):
                return  # mid-session: a reminder would only interrupt
            chat = await self._store.chat(due.chat_id) or chat
            try:
                sent = await self._deliver(chat, at, again=False, follow_up=True)
            except Unreachable as error:
                await self._store.release_reminder(due.chat_id, due.slot, at, before)
                await self._retry(timer, error)
                return
        if (
            sent is not None
            and sent.schedule.subscribed
            and sent.delivery.nudge_due
            and sent.schedule.nudge_minutes is not None
        ):
            await self._timers.set(
                Timer(nudge_name(due.chat_id), NUDGE, due.chat_id, sent.delivery.nudge_due)
            )

    async def on_snooze(self, timer: Timer) -> None:
        """A snoozed reminder came due: sent once."""
        at, chat_id = due_at(timer), timer.chat_id
        async with self._outbox.bulk_slot():
            chat = await self._take_pending(chat_id, "snoozed_until", at)
            if (
                chat is None
                or not chat.schedule.subscribed
                or await self._sessions.running(chat_id)
            ):
                return
            try:
                await self._deliver(chat, at, again=True)
            except Unreachable as error:
                await self._restore_pending(chat_id, "snoozed_until", at)
                await self._retry(timer, error)

    async def on_nudge(self, timer: Timer) -> None:
        """One gentle follow-up to a reminder nobody reacted to, unless the chat did its
        routine today anyway."""
        at, chat_id = due_at(timer), timer.chat_id
        async with self._outbox.bulk_slot():
            chat = await self._take_pending(chat_id, "nudge_due", at)
            if chat is None:
                return
            today = chat.schedule.local_date(self._clock.now())
            done_today = any(
                record.local_date == today and record.status is SessionStatus.COMPLETED
                for record in await self._store.history(chat_id)
            )
            if done_today or not chat.schedule.subscribed or await self._sessions.running(chat_id):
                return
            try:
                await self._deliver(chat, at, nudge=True)
            except Unreachable as error:
                await self._restore_pending(chat_id, "nudge_due", at)
                await self._retry(timer, error)

    async def _retry(self, timer: Timer, error: Unreachable) -> None:
        """The one retry policy: the same timer again with back-off (or after a 429's
        retry_after), unless that is later than the grace window.

        A timeout may hide a send that did reach Telegram (only the answer was lost), and the
        Bot API has no idempotency key: retrying then duplicates the message. We retry anyway,
        because a reminder that silently never comes breaks the habit, and a rare duplicate
        does not.
        """
        at, attempt = due_at(timer), attempt_of(timer)
        if error.retry_after is not None:
            delay = error.retry_after
        else:
            delay = min(RETRY_FIRST_SECONDS * 2**attempt, RETRY_LONGEST_SECONDS)
            delay *= self._time_scale
        now = self._clock.now()
        when = now + dt.timedelta(seconds=delay)
        if when - at > self.grace:
            self._failures["gave up"] += 1
            _LOGGER.warning(
                "Giving up on %s after %d attempt(s): %s", timer.name, attempt + 1, error
            )
            return
        self._failures["retried"] += 1
        _LOGGER.warning("%s failed (%s); retrying in %.1f s", timer.name, error, delay)
        # A slot's own name already holds its next occurrence; a snooze or follow-up keeps its
        # name, so a newer one replaces the retry.
        name = timer.name
        if timer.kind == REMINDER and attempt == 0:
            name = f"{name}:retry"
        data = {**timer.data, "at": at.isoformat(), "attempt": attempt + 1}
        await self._timers.set(replace(timer, name=name, due=when, data=data))

    # Sending ----------------------------------------------------------------------------

    def quick(self, routine: Routine) -> Quick | None:
        """The shortest routine, offered beside the chat's own if it is shorter."""
        seconds = self._sessions.script_seconds
        shortest = min(self._routines.values(), key=seconds)
        length = seconds(shortest)
        return Quick(shortest.id, length) if length < seconds(routine) else None

    def _note(self, chat: Chat, number: int, *, again: bool, nudge: bool) -> Note:
        routine = chat_routine(self._routines, chat)
        seconds = self._sessions.script_seconds(routine)
        quick = self.quick(routine)
        if nudge:
            return Nudge(seconds, number, quick)
        return Reminder(routine.title, len(routine.exercises), seconds, number, quick, again)

    async def _deliver(
        self,
        chat: Chat,
        due: dt.datetime,
        *,
        again: bool = False,
        nudge: bool = False,
        follow_up: bool = False,
    ) -> Chat | None:
        """Send a reminder message (it makes a sound) due at ``due`` as the chat's live
        reminder, with its follow-up if ``follow_up`` and the chat wants one. Returns the chat
        as saved, or None if the chat blocked the bot (reminders are then turned off).

        The reminder is opened before the send (its number, which its buttons carry) and its
        message recorded after it, each a unit of work of its own, never held across the send:
        a /time or /nudge off sent while Telegram was slow to answer stays as the user set it,
        and a snooze pressed meanwhile counts. A reminder closed meanwhile (/stop, a session
        started) loses its buttons as soon as its message is known.
        """
        chat_id, number = chat.chat_id, int(due.timestamp())
        await self._store.change(
            chat_id,
            lambda current: replace(
                current,
                delivery=replace(
                    current.delivery, reminder_number=number, reminder_message_id=None
                ),
            ),
        )
        note = self._note(chat, number, again=again, nudge=nudge)
        try:
            # In the bulk lane: behind every session cue and reply.
            message_id = await self._outbox.send(chat_id, note, lane=Lane.BULK, sound=True)
        except Blocked:
            await self.mark_blocked(chat_id)
            return None
        still_open = False

        def record(current: Chat) -> Chat:
            nonlocal still_open
            still_open = current.delivery.reminder_number == number
            if not still_open:
                return current
            current = replace(
                current, delivery=replace(current.delivery, reminder_message_id=message_id)
            )
            minutes = current.schedule.nudge_minutes
            if not follow_up or minutes is None or not current.schedule.subscribed:
                return current
            nudge_due = due + self.scaled(minutes)
            return replace(current, delivery=replace(current.delivery, nudge_due=nudge_due))

        saved = await self._store.change(chat_id, record)
        if not still_open:
            await self.drop_buttons(chat_id, message_id)
        return saved

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        """Take a reminder's buttons off; a chat that blocked the bot has nothing to close."""
        try:
            await self._outbox.drop_buttons(chat_id, message_id)
        except (Blocked, Unreachable) as error:
            _LOGGER.info("Could not close the reminder in chat %s: %s", chat_id, error)

    async def _take_pending(self, chat_id: int, field: Pending, due: dt.datetime) -> Chat | None:
        """Clear the chat's pending snooze or follow-up (``field``) if it is still the one due
        at ``due``; the chat if this call took it, None if it was cancelled, replaced, or
        already sent before a restart."""
        taken = False

        def take(chat: Chat) -> Chat:
            nonlocal taken
            taken = getattr(chat.delivery, field) == due
            return _with_pending(chat, field, None) if taken else chat

        chat = await self._store.change(chat_id, take)
        if taken and self._clock.now() - due > self.grace:  # found late: no longer useful
            _LOGGER.info("The %s of chat %s is past its grace", field, chat_id)
            return None
        return chat if taken else None

    async def _restore_pending(self, chat_id: int, field: Pending, due: dt.datetime) -> None:
        """A send failed after :meth:`_take_pending`: put it back for the retry, unless
        something newer (another snooze, /stop) took its place meanwhile."""

        def restore(chat: Chat) -> Chat:
            if getattr(chat.delivery, field) is not None or not chat.schedule.subscribed:
                return chat
            return _with_pending(chat, field, due)

        await self._store.change(chat_id, restore)

    async def mark_blocked(self, chat_id: int) -> None:
        """A send got 403: reminders off and every timer of the chat's reminders gone, with no
        retry loop. Kept apart from /stop (``blocked_at``), so that writing to the bot again
        turns them back on."""
        self._failures["blocked"] += 1
        _LOGGER.info("Chat %s blocked the bot: reminders off", chat_id)
        blocked_at = self._clock.now()
        await self._store.change(
            chat_id,
            lambda chat: replace(
                chat,
                schedule=replace(chat.schedule, subscribed=False),
                delivery=replace(
                    chat.delivery, blocked_at=blocked_at, snoozed_until=None, nudge_due=None
                ),
            ),
        )
        await self.cancel(chat_id)
