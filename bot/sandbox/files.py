"""Files between the terminal and the chat: what the bot sends is saved to a folder, and
``/send`` reads a local file for the user to send.

A terminal cannot show a file, only say where it is, so each one the bot sends is written under
the name the bot gave it, never over an earlier one (``report (2).csv``).
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from bot.emulator import BotMessage

__all__ = [
    "MAX_SEND",
    "Attachment",
    "FileSaver",
    "SendError",
    "attachments",
    "read_to_send",
    "shown_path",
    "size_text",
]

#: The largest file ``/send`` reads: bots cannot download bigger ones from Telegram anyway.
MAX_SEND = 20 * 1024 * 1024
#: Fields of ``BotMessage`` that may carry a file the bot sent. ``photo`` is not emulated yet;
#: when it is, with the same shape as ``SentDocument``, its files are saved with no change here.
_FILE_FIELDS = ("document", "photo")
_UNSAFE_RE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_MAX_NAME = 120


@runtime_checkable
class _SentFile(Protocol):
    data: bytes
    mime_type: str | None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the bot sent: what kind of message carried it, its name (if any) and bytes."""

    kind: str
    name: str | None
    mime_type: str | None
    data: bytes


class SendError(Exception):
    """Why ``/send`` cannot send a file, as one line for the user."""


def attachments(message: BotMessage) -> list[Attachment]:
    """Every file ``message`` carries with its bytes (one sent by file_id has none to save)."""
    found: list[Attachment] = []
    for kind in _FILE_FIELDS:
        sent = getattr(message, kind, None)
        if isinstance(sent, _SentFile) and sent.data:
            name = getattr(sent, "file_name", None)
            found.append(
                Attachment(
                    kind, name if isinstance(name, str) else None, sent.mime_type, sent.data
                )
            )
    return found


class FileSaver:
    """Writes the bot's files into ``folder``, made when the first file arrives."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, attachment: Attachment, message_id: int) -> Path:
        """The new file's path. Raises OSError if it cannot be written."""
        name = safe_name(attachment.name) or _fallback_name(attachment, message_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = name.rpartition(".")
        if not stem:
            stem, dot, suffix = name, "", ""
        for copy in range(1, 1000):
            candidate = name if copy == 1 else f"{stem} ({copy}){dot}{suffix}"
            path = self.folder / candidate
            try:
                with path.open("xb") as file:  # "x": an existing file is never replaced
                    file.write(attachment.data)
            except FileExistsError:
                continue
            return path
        raise FileExistsError(f"too many files named {name} in {self.folder}")


def safe_name(name: str | None) -> str:
    """The last part of a name the bot chose, without characters a file system refuses, so
    a name like ``../../x`` cannot leave the folder. Empty when nothing usable is left."""
    if not name:
        return ""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE_RE.sub("_", last).strip(" .")
    return cleaned[:_MAX_NAME]


def _fallback_name(attachment: Attachment, message_id: int) -> str:
    guessed = mimetypes.guess_extension(attachment.mime_type or "") or ""
    return f"{attachment.kind}-{message_id}{guessed}"


def read_to_send(typed: str, cwd: Path) -> tuple[Path, bytes, str]:
    """The file ``typed`` names (relative to ``cwd``, ``~`` allowed): its path, bytes and
    MIME type. Raises SendError saying what is wrong and how to do it."""
    if not typed:
        raise SendError("/send needs a file, e.g. /send my-routine.toml (a path on this computer)")
    path = cwd / Path(typed).expanduser()
    if not path.exists():
        raise SendError(f"/send: there is no file {typed} (looked for {path}).")
    if path.is_dir():
        raise SendError(f"/send: {typed} is a folder; name a file in it.")
    try:
        size = path.stat().st_size
        if size > MAX_SEND:
            raise SendError(
                f"/send: {typed} is {size_text(size)}; the sandbox sends files up to "
                f"{size_text(MAX_SEND)} (bots cannot download bigger ones)."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SendError(f"/send: cannot read {typed}: {exc.strerror or exc}.") from None
    if not data:
        raise SendError(f"/send: {typed} is empty; Telegram does not send empty files.")
    mime_type, _ = mimetypes.guess_type(path.name)
    return path, data, mime_type or "application/octet-stream"


def shown_path(path: Path, cwd: Path) -> str:
    """``path`` as the user can type it: relative to ``cwd`` when inside it."""
    absolute = path if path.is_absolute() else cwd / path
    try:
        return str(absolute.relative_to(cwd))
    except ValueError:
        return str(absolute)


def size_text(size: int) -> str:
    """``812 bytes``, ``1.4 KB``, ``20 MB``."""
    if size < 1024:
        return f"{size} bytes"
    value, unit = size / 1024, "KB"
    if value >= 1024:
        value, unit = value / 1024, "MB"
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
