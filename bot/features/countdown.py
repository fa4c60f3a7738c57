"""The live countdown: during a hold, its message is edited as the seconds go by.

Telegram allows about one message per second in a chat, and edits count. Every edit in a chat
goes through one gate: at least :data:`MIN_EDIT_GAP` real seconds apart. Countdown updates
that would come too soon are dropped (the next one will do); the last edit of a hold, which
shows it done and what comes next, is delayed until the gate opens instead. The timed messages
themselves (hold, follow-up, release) never wait for an edit: they are separate messages.

Countdown updates are the bot's lowest-priority requests, so under load they give way:

* each update goes in the rate limiter's spare lane (:attr:`~bot.ports.Lane.SPARE`): only when
  no cue, reply or reminder waits for the send budget, and dropped if no slot comes soon;

* a shared budget of :data:`EDIT_RATE` updates a second for the whole bot: with more live
  countdowns than that budget serves every :data:`UPDATE_EVERY` seconds, every countdown is
  updated less often, all alike (one user alone sees no difference);
* a tick that runs more than :data:`LATE_TICK` late finds the event loop busy: it is dropped
  rather than adding an HTTP request to a loop that is already behind with cues.

The final edit of a hold (done, and what is next) is never dropped.

Ticks are timers (kind ``countdown``, one per chat) re-armed by each tick on a grid of
:data:`UPDATE_EVERY` from the hold's start; a delayed edit is a timer too (kind
``countdown-edit``), its text kept here, as timer data holds only small values.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from bot.ports import Blocked, Clock, Lane, Note, Outbox, Timer, Timers, Unreachable

__all__ = [
    "COUNTDOWN",
    "EDIT",
    "EDIT_RATE",
    "LATE_TICK",
    "MIN_EDIT_GAP",
    "UPDATE_EVERY",
    "CountDone",
    "CountOff",
    "CountPaused",
    "Countdowns",
    "Counting",
    "countdown_timer",
]

_LOGGER = logging.getLogger(__name__)

#: Real seconds between countdown updates.
UPDATE_EVERY = 2.0
#: Real seconds between any two edits in one chat (Telegram: about one message a second).
MIN_EDIT_GAP = 1.1
#: Countdown updates a second across all chats. Telegram takes about 30 messages a second
#: from a bot in all, cues first; a countdown is a nicety. Up to ``EDIT_RATE * UPDATE_EVERY``
#: (40) countdowns at once, each is updated every ``UPDATE_EVERY`` seconds.
EDIT_RATE = 20.0
#: Real seconds a tick may run behind its time before it is dropped (the loop is busy).
LATE_TICK = 0.25
#: Timer kinds: a countdown's tick, and an edit waiting for the chat's gate.
COUNTDOWN = "countdown"
EDIT = "countdown-edit"


# What the countdown says: the hold message as sent (``message``), edited --------------------


@dataclass(frozen=True, slots=True)
class Counting(Note):
    """The hold message counting down: ``left`` of ``hold`` routine seconds; buttons kept."""

    message: Note
    hold: float
    left: float


@dataclass(frozen=True, slots=True)
class CountPaused(Note):
    """The hold message while its session is paused (with its buttons while it may resume
    there; without them once the hold resumed in a new message)."""

    message: Note
    hold: float
    left: float
    buttons: bool


@dataclass(frozen=True, slots=True)
class CountDone(Note):
    """The hold message once the hold is over, ending with what comes next (if anything)."""

    message: Note
    next: Note | None


@dataclass(frozen=True, slots=True)
class CountOff(Note):
    """The hold message as sent, without its countdown and buttons (skipped, stopped)."""

    message: Note


def countdown_timer(chat_id: int) -> str:
    return f"countdown:{chat_id}"


@dataclass(slots=True)
class _Hold:
    message_id: int
    message: Note
    #: The hold in routine seconds (what the user is told) and in real seconds.
    hold: float
    real: float
    started: float
    #: Tells this hold's ticks from an earlier hold's in the same chat.
    serial: int
    paused_left: float | None = None
    #: When the last countdown update was made (or the hold began), monotonic.
    updated: float = 0.0

    def left(self, now: float) -> float:
        """Real seconds left."""
        if self.paused_left is not None:
            return self.paused_left
        return max(0.0, self.real - (now - self.started))


class Countdowns:
    """The running countdown of each chat, and each chat's edit gate."""

    def __init__(
        self,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        time_scale: float = 1.0,
        edit_rate: float = EDIT_RATE,
        shared: bool = False,
    ) -> None:
        self._timers = timers
        #: Several instances: the stored session, not this process, knows which hold ended.
        self._shared = shared
        self._outbox = outbox
        self._clock = clock
        self._scale = time_scale
        self._edit_rate = edit_rate
        self._holds: dict[int, _Hold] = {}
        self._gate: dict[int, float] = {}
        #: Chats whose countdown is ticking (live, running, not paused).
        self._ticking: set[int] = set()
        #: Edits waiting for their chat's gate, by timer name.
        self._edits: dict[str, Note] = {}
        self._serial = 0
        timers.on(COUNTDOWN, self._tick)
        timers.on(EDIT, self._edit_due)

    async def begin(
        self, chat_id: int, message_id: int, message: Note, hold: float, live: bool
    ) -> None:
        """A hold message was sent: count it down (if ``live`` and long enough to bother).
        ``hold`` is in routine seconds."""
        real = hold * self._scale
        now = self._clock.monotonic()
        self._serial += 1
        counted = _Hold(message_id, message, hold, real, now, self._serial, updated=now)
        self._holds[chat_id] = counted
        if live and real >= 2 * UPDATE_EVERY:
            self._ticking.add(chat_id)
            await self._arm(chat_id, counted, now)
        else:
            await self._stop_ticking(chat_id)

    def update_interval(self) -> float:
        """Real seconds between two updates of one countdown: UPDATE_EVERY, or longer when
        more countdowns are live than the shared budget serves at that pace."""
        return max(UPDATE_EVERY, len(self._ticking) / self._edit_rate)

    async def _arm(self, chat_id: int, hold: _Hold, now: float) -> None:
        """The next tick, on the hold's grid (a tick that ran late does not shift it), while
        there is still something to show then."""
        at = hold.started + (math.floor((now - hold.started) / UPDATE_EVERY) + 1) * UPDATE_EVERY
        if hold.real - (at - hold.started) < UPDATE_EVERY / 2:
            await self._timers.cancel(countdown_timer(chat_id))
            return
        due = self._clock.now() + dt.timedelta(seconds=at - now)
        data = {"hold": hold.serial, "at": at}
        await self._timers.set(Timer(countdown_timer(chat_id), COUNTDOWN, chat_id, due, data))

    async def pause(self, chat_id: int) -> None:
        """The session paused: the countdown stops and its message says so (in groups too:
        one edit, and a bar that silently stopped would look like a hang). The "it hurts"
        button stays."""
        hold = self._holds.get(chat_id)
        if hold is not None and hold.paused_left is None:
            hold.paused_left = hold.left(self._clock.monotonic())
            await self._stop_ticking(chat_id)
            await self._edit_later(chat_id, hold.message_id, self._paused(hold, buttons=True))

    async def retire(self, chat_id: int) -> None:
        """The paused hold resumes in a new message (where the user is looking, not one
        further up): this one keeps its paused mark and loses its button."""
        await self._stop_ticking(chat_id)
        hold = self._holds.pop(chat_id, None)
        if hold is not None and hold.paused_left is not None:
            await self._edit_later(chat_id, hold.message_id, self._paused(hold, buttons=False))

    def _paused(self, hold: _Hold, *, buttons: bool) -> CountPaused:
        left = (hold.paused_left or 0.0) / self._scale
        return CountPaused(hold.message, hold.hold, left, buttons)

    async def end(
        self,
        chat_id: int,
        *,
        done: bool,
        next_note: Note | None,
        sent: tuple[int, Note] | None = None,
    ) -> None:
        """The hold is over: ``done`` shows it completed (and ``next_note``, what is next);
        otherwise (skip, stop) the countdown and the button are taken off the message (a hold
        message always has its "it hurts" button, so there is always something to take off).
        ``sent``: the hold's message and id, from the stored session. With several instances
        it is the only word on it: this instance's own hold may be one another instance has
        ended already (it took that cue's timer), and editing it again here would add a third
        message to the two the next cue sends (the last cue's "Well done" and pain question
        drew Telegram's per-chat 429) and show it a "what's next" that is not its own."""
        await self._stop_ticking(chat_id)
        hold = self._holds.pop(chat_id, None)
        if hold is not None and not self._shared:
            sent = hold.message_id, hold.message
        if sent is None:
            return
        message_id, message = sent
        edited = CountDone(message, next_note) if done else CountOff(message)
        await self._edit_later(chat_id, message_id, edited)

    async def forget(self, chat_id: int) -> None:
        """The chat is gone (it blocked the bot): no countdown, no gate."""
        await self._stop_ticking(chat_id)
        self._holds.pop(chat_id, None)
        self._gate.pop(chat_id, None)

    async def _stop_ticking(self, chat_id: int) -> None:
        self._ticking.discard(chat_id)
        await self._timers.cancel(countdown_timer(chat_id))

    def _take_slot(self, chat_id: int, now: float) -> float:
        """The earliest time this chat may be edited, reserving it."""
        at = max(now, self._gate.get(chat_id, 0.0))
        self._gate[chat_id] = at + MIN_EDIT_GAP
        return at

    async def _tick(self, timer: Timer) -> None:
        """Timer handler: one countdown update, unless the gate is shut, the shared budget
        wants this countdown to wait, or the tick is late (then skip it)."""
        chat_id = timer.chat_id
        hold = self._holds.get(chat_id)
        if hold is None or hold.serial != timer.data.get("hold") or chat_id not in self._ticking:
            return  # a tick of an earlier hold, or of one paused or ended as it came due
        now = self._clock.monotonic()
        await self._arm(chat_id, hold, now)  # before any await: ending the hold cancels it
        left = hold.left(now)
        if left < UPDATE_EVERY / 2 or now < self._gate.get(chat_id, 0.0):
            return  # the final edit is moments away, or the last edit was too recent
        if now - hold.updated < self.update_interval() - UPDATE_EVERY / 2:
            return  # more countdowns than the budget: this one's turn comes later
        at = timer.data.get("at")
        if isinstance(at, float | int) and now - at > LATE_TICK:
            return  # the loop is behind: a cue may be waiting, and the next tick will do
        self._take_slot(chat_id, now)
        hold.updated = now
        await self._edit(
            chat_id,
            hold.message_id,
            Counting(hold.message, hold.hold, left / self._scale),
            lane=Lane.SPARE,
        )

    async def _edit_later(self, chat_id: int, message_id: int, note: Note) -> None:
        """Edit when the chat's gate opens (a timer even when it is open: the caller's next
        message is not held up by the edit)."""
        now = self._clock.monotonic()
        at = self._take_slot(chat_id, now)
        name = f"edit:{chat_id}:{message_id}"
        self._edits[name] = note
        due = self._clock.now() + dt.timedelta(seconds=at - now)
        await self._timers.set(Timer(name, EDIT, chat_id, due, {"message": message_id}))

    async def _edit_due(self, timer: Timer) -> None:
        note = self._edits.pop(timer.name, None)
        message_id = timer.data.get("message")
        if note is not None and isinstance(message_id, int):
            await self._edit(timer.chat_id, message_id, note)

    async def _edit(
        self, chat_id: int, message_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE
    ) -> None:
        try:
            await self._outbox.edit(chat_id, message_id, note, lane=lane)
        except (Blocked, Unreachable) as exc:
            # Blocked, or Telegram briefly away: a countdown can miss one.
            _LOGGER.debug("Countdown edit in chat %s skipped: %s", chat_id, exc)
