"""The only module that talks to the JobQueue: reminder jobs and session timers.

Job names are predictable (``session:{chat_id}``, ``snooze:{chat_id}``) and an old job is
removed before a new one with the same name is added, as in PTB's timerbot example.

Reminders are batched: **one job per instant** (``reminder:2026-11-25T08:00:00Z``) carries every
chat whose reminder is due then, and an in-memory index (chat → slot → batch) replaces or
cancels one chat's reminders in O(its slots). With one job per chat and slot, 100 000
subscribers meant 200 000 APScheduler jobs and a 20 s start-up (adding a job costs more the more
there are); reminders cluster on whole quarter hours, so batches number in the hundreds. The
guarantees are the per-chat ones they were: each chat's instants are computed on their own
(DST-safe, see ``bot.core.calendar``), the send claims its slot first, and a batch that fires runs
each chat's reminder as if it had its own job.

Every job is added with ``misfire_grace_time=None``: PTB keeps APScheduler's default of one
second, so a job that starts more than a second late (a busy loop, a slow disk) would be dropped
without a word. A reminder that is late must be delayed, never lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import weakref
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Job, JobQueue

from bot.core.calendar import Occurrence, next_occurrence, previous_occurrence
from bot.core.chat import Chat
from bot.core.parsing import format_time
from bot.telegram.context import BotContext

__all__ = [
    "JOB_KWARGS",
    "Planner",
    "ReminderJob",
    "cancel_chat",
    "cancel_jobs",
    "cancel_reminders",
    "countdown_job_name",
    "nudge_job_name",
    "pending_reminders",
    "reminder_job_name",
    "reminder_retry_job_name",
    "schedule_once",
    "schedule_reminders",
    "schedule_repeating",
    "schedule_retry",
    "session_job_name",
    "snooze_job_name",
]

_LOGGER = logging.getLogger(__name__)

#: Passed to APScheduler for every job: run however late, and only once if several runs piled
#: up. A job's successor has the same id (see _kwargs) and may start while the job is still
#: finishing (a session cue that schedules the next one, then awaits its send): APScheduler's
#: default of one running instance per id would silently skip it. Overlap is safe: session
#: timers check a generation under the chat's lock, reminders claim their slot.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 3}
#: The default grace window (setting REMINDER_GRACE_MINUTES): a reminder missed while the bot
#: was down, or still failing to send, is sent if it is at most this late.
CATCH_UP = dt.timedelta(minutes=30)

JobCallback = Callable[[BotContext], Coroutine[Any, Any, None]]


def reminder_job_name(chat_id: int, slot: dt.time) -> str:
    return f"reminder:{chat_id}:{slot:%H%M}"


def reminder_retry_job_name(chat_id: int, slot: dt.time) -> str:
    """Starts like the reminder's name, so cancelling a chat's reminders cancels retries too."""
    return f"{reminder_job_name(chat_id, slot)}:retry"


def session_job_name(chat_id: int) -> str:
    return f"session:{chat_id}"


def countdown_job_name(chat_id: int) -> str:
    return f"countdown:{chat_id}"


def snooze_job_name(chat_id: int) -> str:
    return f"snooze:{chat_id}"


def nudge_job_name(chat_id: int) -> str:
    return f"nudge:{chat_id}"


@dataclass(frozen=True, slots=True)
class ReminderJob:
    """What a reminder job carries: which occurrence it is for."""

    chat_id: int
    occurrence: Occurrence
    #: 0 for the scheduled send, then 1, 2… for retries after failed sends.
    attempt: int = 0

    @property
    def slot(self) -> str:
        return format_time(self.occurrence.slot)


def _kwargs(name: str) -> dict[str, Any]:
    # The job's APScheduler id is its name: adding a job replaces the old one by id, and
    # cancelling looks it up by id, where PTB's get_jobs_by_name scans every job (with
    # thousands of reminder jobs, that made start-up quadratic).
    return {**JOB_KWARGS, "id": name, "replace_existing": True}


def cancel_jobs(job_queue: JobQueue[BotContext], name: str) -> bool:
    """Remove the job with this name; True if there was one."""
    job = job_queue.scheduler.get_job(name)
    if job is None:
        return False
    job.remove()
    return True


def schedule_once(
    job_queue: JobQueue[BotContext],
    callback: JobCallback,
    delay: float,
    *,
    name: str,
    chat_id: int,
    data: object = None,
) -> Job[BotContext]:
    """Replace any job called ``name`` with one that runs ``callback`` in ``delay`` seconds."""
    return job_queue.run_once(
        callback, max(0.0, delay), name=name, chat_id=chat_id, data=data, job_kwargs=_kwargs(name)
    )


def schedule_repeating(
    job_queue: JobQueue[BotContext],
    callback: JobCallback,
    interval: float,
    *,
    name: str,
    chat_id: int,
) -> Job[BotContext]:
    """Replace any job called ``name`` with one that runs every ``interval`` seconds."""
    return job_queue.run_repeating(
        callback, interval, first=interval, name=name, chat_id=chat_id, job_kwargs=_kwargs(name)
    )


# Reminders ---------------------------------------------------------------------------------

#: What a batch runs for each reminder in it.
ReminderCallback = Callable[[BotContext, "ReminderJob"], Coroutine[Any, Any, None]]
#: A batch: the reminders due at one instant, by (chat, slot).
_Batch = dict[tuple[int, str], tuple[ReminderCallback, ReminderJob]]


@dataclass(slots=True)
class _Reminders:
    """The reminder index of one JobQueue: batches by job name, and where each chat's are."""

    batches: dict[str, _Batch] = field(default_factory=dict)
    by_chat: dict[int, dict[str, str]] = field(default_factory=dict)


# Keyed by the APScheduler scheduler: PTB's JobQueue has __slots__ and takes no weak reference.
_INDEXES: weakref.WeakKeyDictionary[Any, _Reminders] = weakref.WeakKeyDictionary()


def _index(job_queue: JobQueue[BotContext]) -> _Reminders:
    index = _INDEXES.get(job_queue.scheduler)  # cheaper than setdefault, which makes a weakref
    if index is None:
        index = _INDEXES[job_queue.scheduler] = _Reminders()
    return index


@functools.lru_cache(maxsize=4096)  # a start-up names a few hundred instants 200 000 times
def batch_job_name(at: dt.datetime) -> str:
    return f"reminder:{at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}Z"


def pending_reminders(
    job_queue: JobQueue[BotContext], chat_id: int | None = None
) -> list[ReminderJob]:
    """The reminders waiting in the JobQueue (for one chat), soonest first."""
    index = _index(job_queue)
    chats = (
        index.by_chat.items() if chat_id is None else [(chat_id, index.by_chat.get(chat_id, {}))]
    )
    return sorted(
        (
            index.batches[name][(chat, slot)][1]
            for chat, slots in chats
            for slot, name in slots.items()
        ),
        key=lambda due: (due.occurrence.at, due.chat_id),
    )


def _add_reminder(
    job_queue: JobQueue[BotContext],
    callback: ReminderCallback,
    due: ReminderJob,
    seconds_until: Callable[[dt.datetime], float],
    index: _Reminders | None = None,
    slot: str | None = None,
) -> None:
    """Put one chat's reminder in the batch for its instant (replacing the slot's old one)."""
    index = index if index is not None else _index(job_queue)
    slot = slot or due.slot
    _remove_reminder(job_queue, index, due.chat_id, slot)
    name = batch_job_name(due.occurrence.at)
    batch = index.batches.get(name)
    if batch is None:
        batch = index.batches[name] = {}
        delay = max(0.0, seconds_until(due.occurrence.at))
        job_queue.run_once(_run_batch, delay, name=name, data=batch, job_kwargs=_kwargs(name))
    batch[due.chat_id, slot] = (callback, due)
    index.by_chat.setdefault(due.chat_id, {})[slot] = name


def _remove_reminder(
    job_queue: JobQueue[BotContext], index: _Reminders, chat_id: int, slot: str
) -> None:
    slots = index.by_chat.get(chat_id)
    name = slots.pop(slot, None) if slots is not None else None
    if slots is not None and not slots:
        del index.by_chat[chat_id]
    batch = index.batches.get(name) if name is not None else None
    if name is None or batch is None:
        return
    batch.pop((chat_id, slot), None)
    if not batch:  # nobody left at that instant: no job
        del index.batches[name]
        cancel_jobs(job_queue, name)


async def _run_batch(context: BotContext) -> None:
    """Job callback: every reminder due at this instant, each on its own as if it had a job."""
    job = context.job
    if job is None or not isinstance(job.data, dict):
        return
    batch: _Batch = job.data
    index = _index(context.jobs)
    if index.batches.get(job.name or "") is batch:
        del index.batches[job.name or ""]
    due_now = list(batch.values())
    batch.clear()
    for _, due in due_now:
        slots = index.by_chat.get(due.chat_id)
        if slots is not None and slots.get(due.slot) == job.name:
            del slots[due.slot]
            if not slots:
                del index.by_chat[due.chat_id]
    tasks = []
    for callback, due in due_now:
        tasks.append(asyncio.ensure_future(_run_one(context, callback, due)))
        # Each reminder claims its slot (a disk write) before its first await: yielding here
        # lets sessions and commands run between claims instead of after 10 000 of them.
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)


async def _run_one(context: BotContext, callback: ReminderCallback, due: ReminderJob) -> None:
    try:
        await callback(context, due)
    except Exception as exc:  # one chat's failure goes to the error handler, not the others
        await context.application.process_error(None, exc, job=context.job)


def cancel_reminders(job_queue: JobQueue[BotContext], chat_id: int) -> None:
    """Remove the chat's reminders, and retries of failed ones, whatever slots they were for."""
    index = _index(job_queue)
    for slot in list(index.by_chat.get(chat_id, {})):
        _remove_reminder(job_queue, index, chat_id, slot)
        # A retry's slot is still indexed: the next occurrence is chained before the first send.
        cancel_jobs(job_queue, reminder_retry_job_name(chat_id, dt.time.fromisoformat(slot)))


class Planner:
    """Next and previous reminder instants, memoised for a rebuild of every chat at once.

    Most chats share a zone, a slot and their weekdays, and computing an instant (zone
    conversions over several candidate days) is the bulk of a start-up's work otherwise. The
    key is :meth:`Chat.calendar_key` plus the slot; ``now`` is fixed for the planner's life.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._next: dict[Hashable, Occurrence] = {}
        self._previous: dict[Hashable, Occurrence | None] = {}

    def next(self, subscriber: Chat, slot: dt.time) -> Occurrence:
        key = (subscriber.schedule.calendar_key(), slot)
        found = self._next.get(key)
        if found is None:
            zone = subscriber.schedule.zone
            found = self._next[key] = next_occurrence(
                slot, zone, self.now, subscriber.schedule.reminds_on
            )
        return found

    def previous(self, subscriber: Chat, slot: dt.time) -> Occurrence | None:
        key = (subscriber.schedule.calendar_key(), slot)
        if key not in self._previous:
            zone = subscriber.schedule.zone
            self._previous[key] = previous_occurrence(
                slot, zone, self.now, subscriber.schedule.reminds_on
            )
        return self._previous[key]


def cancel_chat(job_queue: JobQueue[BotContext], chat_id: int) -> None:
    """Remove every timer of the chat: reminders, retries, snooze, follow-up, session."""
    cancel_reminders(job_queue, chat_id)
    for name in (snooze_job_name, nudge_job_name, session_job_name, countdown_job_name):
        cancel_jobs(job_queue, name(chat_id))


def schedule_reminders(
    job_queue: JobQueue[BotContext],
    subscriber: Chat,
    callback: ReminderCallback,
    now: dt.datetime,
    *,
    seconds_until: Callable[[dt.datetime], float],
    catch_up: bool = False,
    fresh: bool = False,
    grace: dt.timedelta = CATCH_UP,
    planner: Planner | None = None,
) -> list[Occurrence]:
    """(Re)build the reminders of one chat from its stored schedule.

    With ``catch_up`` (at start-up) a reminder the bot missed while it was down, at most
    ``grace`` ago and not yet sent, is sent at once instead of waiting for tomorrow.
    ``fresh`` (an empty JobQueue, at start-up) skips removing the chat's old reminders; a
    ``planner`` made for ``now`` is shared by many chats. Returns the occurrences scheduled.
    """
    if not fresh:
        cancel_reminders(job_queue, subscriber.chat_id)
    if not subscriber.schedule.subscribed:
        return []
    planner = planner if planner is not None and planner.now == now else Planner(now)
    index = _index(job_queue)
    scheduled: list[Occurrence] = []
    for slot in subscriber.schedule.times:
        slot_name = format_time(slot)
        occurrence = planner.next(subscriber, slot)
        if catch_up:
            missed = _missed(subscriber, slot, slot_name, planner, grace)
            if missed is not None:
                _LOGGER.info("Catching up on a missed reminder for chat %s", subscriber.chat_id)
                occurrence = missed
        due = ReminderJob(subscriber.chat_id, occurrence)
        _add_reminder(job_queue, callback, due, seconds_until, index, slot_name)
        scheduled.append(occurrence)
    return scheduled


def _missed(
    subscriber: Chat, slot: dt.time, slot_name: str, planner: Planner, grace: dt.timedelta
) -> Occurrence | None:
    previous = planner.previous(subscriber, slot)
    if previous is None or planner.now - previous.at > grace:
        return None
    if subscriber.created_at and previous.at < subscriber.created_at:
        return None
    last = subscriber.delivery.last_sent.get(slot_name)
    if last is not None and last >= previous.at:
        return None
    return previous


def schedule_following(
    job_queue: JobQueue[BotContext],
    subscriber: Chat,
    done: Occurrence,
    callback: ReminderCallback,
    *,
    seconds_until: Callable[[dt.datetime], float],
) -> Occurrence | None:
    """After a reminder ran, schedule the same slot's next occurrence (if still wanted)."""
    if not subscriber.schedule.subscribed or done.slot not in subscriber.schedule.times:
        return None
    zone = subscriber.schedule.zone
    occurrence = next_occurrence(done.slot, zone, done.at, subscriber.schedule.reminds_on)
    _add_reminder(job_queue, callback, ReminderJob(subscriber.chat_id, occurrence), seconds_until)
    return occurrence


def schedule_retry(
    job_queue: JobQueue[BotContext],
    due: ReminderJob,
    callback: ReminderCallback,
    delay: float,
) -> None:
    """Try a reminder that failed to send again in ``delay`` seconds: a job of its own, so the
    slot's next occurrence, already chained in its batch, stays in place."""
    schedule_once(
        job_queue,
        _run_retry,
        delay,
        name=reminder_retry_job_name(due.chat_id, due.occurrence.slot),
        chat_id=due.chat_id,
        data=(callback, ReminderJob(due.chat_id, due.occurrence, due.attempt + 1)),
    )


async def _run_retry(context: BotContext) -> None:
    job = context.job
    if job is None or not isinstance(job.data, tuple):
        return
    callback, due = job.data
    await _run_one(context, callback, due)
