"""Files: documents users send (``getFile`` and the file URL) and a minimal ``sendDocument``.

As at Telegram, ``getFile`` describes a file by ``file_id`` with a ``file_path``, and the bytes
are fetched from ``/file/bot<token>/<file_path>``; bots may download files up to 20 MB.
``sendDocument`` here is deliberately minimal (an upload or a known file_id, a caption, no
thumbnails): it keeps what the bot sent in ``state.sent_documents`` for tests to read.
"""

from __future__ import annotations

import hashlib
import time

from aiohttp import web

from . import limits
from .errors import bad_request, not_found
from .methods import Params, method
from .models import JSON, SentDocument, StoredFile, UploadedFile
from .spec import BotApiSpec
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


@method("getFile")
async def get_file(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    stored = state.files.get(p["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


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


@method("sendDocument")
async def send_document(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """Minimal: an uploaded file or the file_id of one a user sent, with an optional caption."""
    chat = state.writable_chat(p["chat_id"])
    document = p["document"]
    if isinstance(document, UploadedFile):
        data, filename, mime = document.data, document.filename, document.content_type
    else:
        stored = state.files.get(str(document))
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        data, filename, mime = stored.data, stored.file_path.rpartition("/")[2], ""
    if not data:
        raise bad_request("file must be non-empty")
    caption, entities = "", list[JSON]()
    if p.get("caption"):
        caption, entities = limits.formatted_text(
            p["caption"], p.get("parse_mode"), p.get("caption_entities")
        )
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    state.check_flood(chat.id, now)
    message_id = state.next_message_id(chat.id)
    state.sent_documents.append(
        SentDocument(
            chat.id, message_id, filename, mime or "application/octet-stream", data, caption
        )
    )
    stored = store_file(state, data, filename)
    message: JSON = {
        "message_id": message_id,
        "from": state.bot_user_short(),
        "chat": chat.to_api(),
        "date": int(time.time()),
        "document": {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime or "application/octet-stream",
            "file_size": len(data),
        },
    }
    if caption:
        message["caption"] = caption
    if entities:
        message["caption_entities"] = entities
    state.changed.fire()
    return message
