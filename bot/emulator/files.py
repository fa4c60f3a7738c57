"""Files users send: stored for the bot, and served at the file URL for it to download.

As at Telegram, ``getFile`` (in ``methods.files``, with ``sendDocument``) describes a file by
``file_id`` with a ``file_path``, and the bytes are fetched from
``/file/bot<token>/<file_path>``; bots may download files up to 20 MB.
"""

from __future__ import annotations

import hashlib

from aiohttp import web

from .errors import not_found
from .models import StoredFile
from .state import EmulatorState

__all__ = ["MAX_DOWNLOAD", "FileServer", "store_file"]

#: The Bot API lets bots download files up to this size.
MAX_DOWNLOAD = 20 * 1024 * 1024
#: Captions are shorter than messages.
MAX_CAPTION = 1024


def store_file(state: EmulatorState, data: bytes, filename: str) -> StoredFile:
    """Keep a file a user sends; its ids are derived from its content, like Telegram's
    ``file_unique_id`` (the same file twice has the same one)."""
    digest = hashlib.sha256(data).hexdigest()
    number = len(state.files) + 1
    stored = StoredFile(
        file_id=f"BQAC{digest[:24]}{number:04d}",
        file_unique_id=f"AgAD{digest[:12]}",
        file_path=f"documents/file_{number}{_suffix(filename)}",
        data=data,
    )
    state.files[stored.file_id] = stored
    return stored


def _suffix(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return f".{ext}" if dot and ext.isalnum() else ""


class FileServer:
    """``GET /file/bot<token>/<file_path>``: a file's bytes, for the right token only."""

    def __init__(self, state: EmulatorState, token: str) -> None:
        self._state = state
        self._token = token

    async def get(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.match_info["token"] == self._token:
            for stored in self._state.files.values():
                if stored.file_path == path and len(stored.data) <= MAX_DOWNLOAD:
                    return web.Response(body=stored.data)
        return web.json_response(not_found().body(), status=404)
