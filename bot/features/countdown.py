"""The live countdown: during a hold, its message is edited as the seconds go by.

Telegram allows about one message per second in a chat, and edits count. Every edit in a chat
goes through one gate: at least :data:`MIN_EDIT_GAP` real seconds apart. Countdown updates
that would come too soon are dropped (the next one will do); the last edit of a hold, which
shows it done and what comes next, is delayed until the gate opens instead. The timed messages
themselves (hold, follow-up, release) never wait for an edit: they are separate messages.

Countdown updates are the bot's lowest-priority requests, so under load they give way:

* a shared budget of :data:`EDIT_RATE` updates a second for the whole bot: with more live
  countdowns than that budget serves every :data:`UPDATE_EVERY` seconds, every countdown is
  updated less often, all alike (one user alone sees no difference);
* a tick that runs more than :data:`LATE_TICK` late finds the event loop busy: it is dropped
  rather than adding an HTTP request to a loop that is already behind with cues.

The final edit of a hold (done, and what is next) is never dropped.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError

from bot.clock import Clock
from bot.telegram import jobs
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit

__all__ = ["Countdowns", "bar", "final_text", "paused_text", "progress_text"]

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
BAR_CELLS = 10


def bar(fraction: float) -> str:
    done = min(BAR_CELLS, max(0, round(fraction * BAR_CELLS)))
    return "▓" * done + "░" * (BAR_CELLS - done)


def progress_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while it counts down: its text, a bar and the seconds left."""
    seconds = max(1, math.ceil(left - 1e-6))
    return f"{cue_text}\n{bar(1 - left / hold)} {seconds} s"


def paused_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while the session is paused: the bar stops, marked paused."""
    seconds = max(1, math.ceil(left - 1e-6))
    return f"{cue_text}\n{bar(1 - left / hold)} ⏸ paused, {seconds} s left"


def final_text(cue_text: str, next_text: str | None) -> str:
    """The hold message once the hold is over, ending with what to do next."""
    ending = f" → {next_text}" if next_text else ""
    return f"{cue_text}\n{bar(1.0)} ✓{ending}"


@dataclass(slots=True)
class _Hold:
    message_id: int
    text: str
    #: The hold in routine seconds (what the user is told) and in real seconds.
    hold: float
    real: float
    started: float
    paused_left: float | None = None
    edited: bool = False
    #: When the last countdown update was made (or the hold began), monotonic.
    updated: float = 0.0
    #: When the tick job was (re)started: ticks are due every UPDATE_EVERY from here.
    ticks_from: float = 0.0
    #: The hold message's buttons, kept through countdown edits (an edit without them would
    #: remove them); the final edit drops them, as the hold is over.
    markup: InlineKeyboardMarkup | None = None

    def left(self, now: float) -> float:
        """Real seconds left."""
        if self.paused_left is not None:
            return self.paused_left
        return max(0.0, self.real - (now - self.started))


class Countdowns:
    """The running countdown of each chat, and each chat's edit gate."""

    def __init__(self, clock: Clock, time_scale: float, edit_rate: float = EDIT_RATE) -> None:
        self._clock = clock
        self._scale = time_scale
        self._edit_rate = edit_rate
        self._holds: dict[int, _Hold] = {}
        self._gate: dict[int, float] = {}
        #: Chats whose countdown is ticking (live, running, not paused).
        self._ticking: set[int] = set()

    def begin(
        self,
        context: BotContext,
        chat_id: int,
        message_id: int,
        text: str,
        hold: float,
        live: bool,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """A hold message was sent: count it down (if ``live`` and long enough to bother)."""
        real = hold * self._scale
        now = self._clock.monotonic()
        self._holds[chat_id] = _Hold(message_id, text, hold, real, now, markup=markup, updated=now)
        if live and real >= 2 * UPDATE_EVERY:
            self._tick_every(context, chat_id)
        else:
            self._stop_ticking(context, chat_id)

    def update_interval(self) -> float:
        """Real seconds between two updates of one countdown: UPDATE_EVERY, or longer when
        more countdowns are live than the shared budget serves at that pace."""
        return max(UPDATE_EVERY, len(self._ticking) / self._edit_rate)

    def _tick_every(self, context: BotContext, chat_id: int) -> None:
        hold = self._holds.get(chat_id)
        if hold is not None:
            hold.ticks_from = self._clock.monotonic()
        self._ticking.add(chat_id)
        jobs.schedule_repeating(
            context.jobs,
            self._tick,
            UPDATE_EVERY,
            name=jobs.countdown_job_name(chat_id),
            chat_id=chat_id,
        )

    def pause(self, context: BotContext, chat_id: int) -> None:
        """The session paused: the countdown stops and its message says so (in groups too:
        one edit, and a bar that silently stopped would look like a hang). The "it hurts"
        button stays."""
        hold = self._holds.get(chat_id)
        if hold is not None and hold.paused_left is None:
            hold.paused_left = hold.left(self._clock.monotonic())
            self._stop_ticking(context, chat_id)
            hold.edited = True
            text = self._paused(hold)
            self._edit_later(context, chat_id, hold.message_id, text, hold.markup)

    def retire(self, context: BotContext, chat_id: int) -> None:
        """The paused hold resumes in a new message (where the user is looking, not one
        further up): this one keeps its paused mark and loses its button."""
        self._stop_ticking(context, chat_id)
        hold = self._holds.pop(chat_id, None)
        if hold is not None and hold.paused_left is not None:
            self._edit_later(context, chat_id, hold.message_id, self._paused(hold))

    def _paused(self, hold: _Hold) -> str:
        return paused_text(hold.text, hold.hold, (hold.paused_left or 0.0) / self._scale)

    def end(self, context: BotContext, chat_id: int, *, done: bool, next_text: str | None) -> None:
        """The hold is over: ``done`` shows it completed (and what is next); otherwise (skip,
        stop) the countdown is simply taken off the message."""
        self._stop_ticking(context, chat_id)
        hold = self._holds.pop(chat_id, None)
        if hold is None:
            return
        if done:
            self._edit_later(context, chat_id, hold.message_id, final_text(hold.text, next_text))
        elif hold.edited or hold.markup is not None:
            self._edit_later(context, chat_id, hold.message_id, hold.text)

    def forget(self, chat_id: int) -> None:
        self._holds.pop(chat_id, None)
        self._gate.pop(chat_id, None)
        self._ticking.discard(chat_id)

    def _stop_ticking(self, context: BotContext, chat_id: int) -> None:
        self._ticking.discard(chat_id)
        jobs.cancel_jobs(context.jobs, jobs.countdown_job_name(chat_id))

    def _take_slot(self, chat_id: int, now: float) -> float:
        """The earliest time this chat may be edited, reserving it."""
        at = max(now, self._gate.get(chat_id, 0.0))
        self._gate[chat_id] = at + MIN_EDIT_GAP
        return at

    async def _tick(self, context: BotContext) -> None:
        """Job callback: one countdown update, unless the gate is shut, the shared budget
        wants this countdown to wait, or the tick is late (then skip it)."""
        job = context.job
        chat_id = job.chat_id if job else None
        hold = self._holds.get(chat_id) if chat_id is not None else None
        now = self._clock.monotonic()
        if chat_id is None or hold is None or hold.paused_left is not None:
            return
        left = hold.left(now)
        if left < UPDATE_EVERY / 2 or now < self._gate.get(chat_id, 0.0):
            return  # the final edit is moments away, or the last edit was too recent
        if now - hold.updated < self.update_interval() - UPDATE_EVERY / 2:
            return  # more countdowns than the budget: this one's turn comes later
        if (now - hold.ticks_from) % UPDATE_EVERY > LATE_TICK:
            return  # the loop is behind: a cue may be waiting, and the next tick will do
        self._take_slot(chat_id, now)
        hold.edited = True
        hold.updated = now
        await self._edit(
            context,
            chat_id,
            hold.message_id,
            progress_text(hold.text, hold.hold, left / self._scale),
            hold.markup,
        )

    def _edit_later(
        self,
        context: BotContext,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        now = self._clock.monotonic()
        at = self._take_slot(chat_id, now)
        jobs.schedule_once(
            context.jobs,
            self._edit_job,
            at - now,
            name=f"edit:{chat_id}:{message_id}",
            chat_id=chat_id,
            data=(message_id, text, markup),
        )

    async def _edit_job(self, context: BotContext) -> None:
        job = context.job
        if job is None or job.chat_id is None or not isinstance(job.data, tuple):
            return
        message_id, text, markup = job.data
        await self._edit(context, job.chat_id, message_id, text, markup)

    @staticmethod
    async def _edit(
        context: BotContext,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        try:
            await context.bot.edit_message_text(
                fit(text, parts=1)[0], chat_id, message_id, reply_markup=markup
            )
        except (BadRequest, NetworkError) as exc:
            # Deleted by the user, unchanged, or Telegram briefly away: a countdown can miss one.
            _LOGGER.debug("Countdown edit in chat %s skipped: %s", chat_id, exc)
