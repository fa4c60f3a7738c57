"""The conversation: the user's lines go to the emulator, and what the bot does to the screen.

Lines are messages from the sandbox user, except the sandbox's own commands
(``bot.sandbox.commands``), which never reach the bot: pressing a button of the latest or of
any earlier message, sending a local file, help, and quitting. Files the bot sends are saved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

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
from bot.sandbox.commands import HELP_LINES, Help, Press, Quit, SendFile, parse_local
from bot.sandbox.files import (
    FileSaver,
    SendError,
    attachments,
    read_to_send,
    shown_path,
    size_text,
)
from bot.sandbox.render import Transcript
from bot.sandbox.terminal import End, Input

__all__ = ["Chat", "latest_with_buttons"]

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
        *,
        files: FileSaver,
        cwd: Path,
    ) -> None:
        self._emulator = emulator
        self._user = user
        self._transcript = transcript
        self._events = events
        self._inputs = inputs
        self._files = files
        #: Pictures already saved, by file_id: a re-sent one points to the same file.
        self._pictures: dict[str, Path] = {}
        #: Where ``/send`` paths start from, and what the saved files' paths are shown from.
        self._cwd = cwd
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
            self._transcript.message(event.message, self._save_files(event.message))
        elif isinstance(event, MessageEdited):
            self._transcript.edited(event.message, event.edit)
        elif isinstance(event, MessageDeleted):
            gone = event.message.deleted_at if event.message else None
            self._transcript.deleted(event.message_id, gone or time.monotonic())
        elif isinstance(event, CallbackAnswered) and event.answer.text:
            self._transcript.toast(event.answer.text, event.answer.at)

    def _save_files(self, message: BotMessage) -> list[str]:
        """Save the files ``message`` carries; a line per file saying where it went. A photo
        (the caption is the message's text) is saved once and shown by its path each time."""
        lines: list[str] = []
        picture = message.photo.file_id if message.photo is not None else None
        for attachment in attachments(message):
            icon = "🖼" if attachment.kind == "photo" else "📎"
            name = attachment.name or attachment.kind
            label = f"{icon} {name} · {size_text(len(attachment.data))}"
            if picture is not None and picture in self._pictures:
                lines.append(f"{label} → {shown_path(self._pictures[picture], self._cwd)}")
                continue
            try:
                path = self._files.save(attachment, message.message_id)
            except OSError as exc:  # a full disk or a read-only folder must not end the chat
                lines.append(f"{label} — not saved: {exc.strerror or exc}")
            else:
                if picture is not None:
                    self._pictures[picture] = path
                lines.append(f"{label} → saved as {shown_path(path, self._cwd)}")
        return lines

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
            command = parse_local(text)
            if isinstance(command, Quit):
                return End.QUIT
            self._last_activity = time.monotonic()
            if command is None:
                self._emulator.send_text(self._user, text)
            elif isinstance(command, Press):
                self._press(command)
            elif isinstance(command, SendFile):
                self._send_file(command.path)
            elif isinstance(command, Help):
                self._help()

    def _help(self) -> None:
        """The sandbox's commands, and where the bot's files go."""
        where = shown_path(self._files.folder, self._cwd)
        self._transcript.note("\n".join([*HELP_LINES, f"Files the bot sends go to {where}/."]))

    def _press(self, press: Press) -> None:
        message = self._message_to_press(press)
        if message is None:
            return
        buttons = message.buttons
        number = press.button
        if not 1 <= number <= len(buttons):
            shown = "  ".join(f"[{n}] {b['text']}" for n, b in enumerate(buttons, start=1))
            which = "The latest ones" if press.message_id is None else f"#{message.message_id} has"
            self._transcript.note(f"{press}: no such button. {which}: {shown}")
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
            self._transcript.note(f"{press}: {exc}")
            return
        self._transcript.note(f"pressed [{number}] {button['text']} on #{message.message_id}")

    def _message_to_press(self, press: Press) -> BotMessage | None:
        """The message ``press`` means, or None after saying why there is none."""
        messages = self._emulator.messages(self._user)
        if press.message_id is None:
            latest = latest_with_buttons(messages)
            if latest is None:
                self._transcript.note(f"{press}: no message has buttons yet.")
            return latest
        wanted = press.message_id
        message = next((m for m in messages if m.message_id == wanted), None)
        if message is None:
            self._transcript.note(f"{press}: #{wanted} is not a message from the bot.")
        elif message.deleted:
            self._transcript.note(f"{press}: #{wanted} was deleted.")
        elif not message.buttons:
            self._transcript.note(f"{press}: #{wanted} has no buttons now.")
        else:
            return message
        return None

    def _send_file(self, typed: str) -> None:
        """``/send PATH``: the file as a document from the user, as if attached in Telegram."""
        try:
            path, data, mime_type = read_to_send(typed, self._cwd)
        except SendError as exc:
            self._transcript.note(str(exc))
            return
        self._emulator.send_document(self._user, path.name, data, mime_type)
        self._transcript.note(f"sent {path.name} · {size_text(len(data))}")

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
