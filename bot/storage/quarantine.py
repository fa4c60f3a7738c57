"""Chat files that cannot be read are set aside, not lost and not fatal.

One damaged file (a disk error, a hand edit, a bug in an old version) must not stop the bot for
everybody, nor be silently treated as a new user and overwritten. It is moved, bytes intact, to
``quarantine/<chat id>/`` inside the data folder under a name that is never reused, logged once
by name, and a marker there remembers that the chat has not been told yet: its next message is
answered that its saved settings could not be read (see ``bot.telegram.handlers.guard``).
``/forget`` removes the folder with everything else.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path

__all__ = ["CorruptChat", "Quarantine"]

_LOGGER = logging.getLogger(__name__)
#: Present while the chat has not yet been told that its file was set aside.
_UNTOLD = "untold"
#: A file whose name is not a chat id goes here.
_UNKNOWN = "unknown"


class CorruptChat(Exception):
    """A chat file that cannot be read as one; ``reason`` says why (for the log)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = Path(path)
        self.reason = reason


class Quarantine:
    """The ``quarantine/`` folder of one store."""

    def __init__(self, folder: Path, mode: int) -> None:
        self.folder = folder
        self._mode = mode

    def _chat_folder(self, chat_id: int | None) -> Path:
        return self.folder / (str(chat_id) if chat_id is not None else _UNKNOWN)

    def set_aside(self, path: Path, chat_id: int | None, reason: str) -> Path | None:
        """Move ``path`` (a file or a folder) into quarantine under a fresh name; returns where
        it went, or None if it could not be moved (then it is logged, and left in place)."""
        target_folder = self._chat_folder(chat_id)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        try:
            target_folder.mkdir(mode=self._mode, parents=True, exist_ok=True)
            target = target_folder / f"{stamp}-{path.name}"
            number = 1
            while target.exists():  # never overwrite an earlier copy
                number += 1
                target = target_folder / f"{stamp}-{number}-{path.name}"
            path.rename(target)
            if chat_id is not None:
                (target_folder / _UNTOLD).touch(mode=0o600)
        except OSError as exc:
            _LOGGER.error(
                "Chat file %s could not be read (%s) nor set aside: %s", path, reason, exc
            )
            return None
        _LOGGER.warning("Chat file %s could not be read (%s): moved to %s", path, reason, target)
        return target

    def holds(self, chat_id: int) -> bool:
        """Whether anything of this chat is in quarantine."""
        folder = self._chat_folder(chat_id)
        return folder.is_dir() and any(entry.name != _UNTOLD for entry in folder.iterdir())

    def take_notice(self, chat_id: int) -> bool:
        """True once after the chat's file was set aside: the chat is to be told now."""
        marker = self._chat_folder(chat_id) / _UNTOLD
        try:
            marker.unlink()
        except FileNotFoundError:
            return False
        return True

    def remove(self, chat_id: int) -> None:
        """Delete the chat's quarantined copies (/forget)."""
        shutil.rmtree(self._chat_folder(chat_id), ignore_errors=True)
