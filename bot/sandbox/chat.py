"""The conversation: the user's lines go to the emulator, and what the bot does to the screen.

Lines are messages from the sandbox user, except two local commands that never reach the bot:
``/1``, ``/2`` … press that button of the latest message that shows buttons, and ``/quit``
(or ``/exit``) ends the chat.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence

from bot.emulator import (
    BotAPIEmulator,
    BotMessage,
    ButtonNotFound,
    CallbackAnswered,
    EmulatedUser,
    Event,
    MessageDeleted,
    MessageEdited,
    MessageSent,
)
from bot.sandbox.render import Transcript
from bot.sandbox.terminal import End, Input

__all__ = ["QUIT_COMMANDS", "Chat", "latest_with_buttons"]

QUIT_COMMANDS = frozenset({"/quit", "/exit"})
_BUTTON_RE = re.compile(r"^/(\d{1,3})$")
#: At the end of input, wait until the bot has been quiet this long (it may still be answering
#: the last lines, e.g. ``echo /start | stretchbot sandbox``), but no longer than the limit.
SETTLE_QUIET = 1.0
SETTLE_LIMIT = 5.0
_SETTLE_STEP = 0.05


def latest_with_buttons(messages: Sequence[BotMessage]) -> BotMessage | None:
    """The newest message that shows buttons now (after its edits), which ``/N`` presses."""
    return next((m for m in reversed(messages) if m.buttons and not m.deleted), None)


class Chat:
    """One user talking to the bot until ``/quit``, the end of input or Ctrl-C."""

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user: EmulatedUser,
        transcript: Transcript,
        events: asyncio.Queue[Event],
        inputs: asyncio.Queue[Input],
    ) -> None:
        self._emulator = emulator
        self._user = user
        self._transcript = transcript
        self._events = events
        self._inputs = inputs
        self._last_activity = time.monotonic()

    async def run(self) -> End:
        """Show events while taking input; a failure in either side ends both."""
        async with asyncio.TaskGroup() as tasks:
            screen = tasks.create_task(self._show_events(), name="sandbox-screen")
            end = await self._converse()
            if end is End.EOF:
                await self._settle()
            screen.cancel()
        self._show_queued()
        return end

    # -- the bot's side ----------------------------------------------------------------------

    async def _show_events(self) -> None:
        while True:
            self._show(await self._events.get())

    def _show_queued(self) -> None:
        while not self._events.empty():
            self._show(self._events.get_nowait())

    def _show(self, event: Event) -> None:
        self._last_activity = time.monotonic()
        if event.chat_id != self._user.id:
            return
        if isinstance(event, MessageSent):
            self._transcript.message(event.message)
        elif isinstance(event, MessageEdited):
            self._transcript.edited(event.message, event.edit)
        elif isinstance(event, MessageDeleted):
            gone = event.message.deleted_at if event.message else None
            self._transcript.deleted(event.message_id, gone or time.monotonic())
        elif isinstance(event, CallbackAnswered) and event.answer.text:
            self._transcript.toast(event.answer.text, event.answer.at)

    # -- the user's side ---------------------------------------------------------------------

    async def _converse(self) -> End:
        while True:
            item = await self._inputs.get()
            if isinstance(item, End):
                return item
            self._transcript.input_seen()
            text = item.strip()
            if not text:
                continue
            self._transcript.said(text, time.monotonic())
            if text.lower() in QUIT_COMMANDS:
                return End.QUIT
            self._last_activity = time.monotonic()
            button = _BUTTON_RE.match(text)
            if button:
                self._press(int(button[1]))
            else:
                self._emulator.send_text(self._user, text)

    def _press(self, number: int) -> None:
        message = latest_with_buttons(self._emulator.messages(self._user))
        if message is None:
            self._transcript.note(f"/{number}: no message has buttons yet.")
            return
        buttons = message.buttons
        if not 1 <= number <= len(buttons):
            shown = "  ".join(f"[{n}] {b['text']}" for n, b in enumerate(buttons, start=1))
            self._transcript.note(f"/{number}: no such button. The latest ones: {shown}")
            return
        button = buttons[number - 1]
        if "callback_data" not in button:
            where = button.get("url", "something outside the chat")
            self._transcript.note(f"[{number}] {button['text']} opens {where}.")
            return
        try:
            self._emulator.press_button(
                self._user, message, text=button["text"], data=button["callback_data"]
            )
        except ButtonNotFound as exc:
            self._transcript.note(f"/{number}: {exc}")
            return
        self._transcript.note(f"pressed [{number}] {button['text']}")

    async def _settle(self) -> None:
        """After the end of input, let the bot answer what was typed, then go."""
        deadline = time.monotonic() + SETTLE_LIMIT
        while time.monotonic() < deadline and not self._interrupted():
            quiet = time.monotonic() - self._last_activity
            if quiet >= SETTLE_QUIET and not self._emulator.pending_updates:
                return
            await asyncio.sleep(_SETTLE_STEP)

    def _interrupted(self) -> bool:
        while not self._inputs.empty():
            if self._inputs.get_nowait() is End.INTERRUPT:
                return True
        return False
