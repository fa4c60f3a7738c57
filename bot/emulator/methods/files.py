"""Files the bot sends and fetches: sendDocument, and getFile for the files users send.

A document the bot sends is kept on its message (``BotMessage.document``) and can be re-sent
by file_id; the files users send, their storage and the download URL are in
``bot.emulator.files``.
"""

from __future__ import annotations

from .. import limits
from ..errors import bad_request
from ..files import MAX_DOWNLOAD
from ..models import SentDocument, UploadedFile
from ..spec import BotApiSpec
from ..state import EmulatorState
from .messages import post
from .registry import Params, method


@method("sendDocument")
async def send_document(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """A file uploaded (multipart, or ``attach://<part>``) or re-sent by file_id."""
    chat = state.writable_chat(p["chat_id"])
    document = _document(state, p, p["document"])
    caption, entities = limits.caption(p)
    limits.check_reply_markup(spec, p.get("reply_markup"))
    limits.check_reply_keyboard(spec, p.get("reply_markup"), chat.type)
    state.check_flood(chat.id, now, paid=bool(p.get("allow_paid_broadcast")))
    return post(
        state,
        p,
        chat.id,
        now,
        caption,
        entities,
        source_text=p.get("caption", ""),
        document=document,
    )


def _document(state: EmulatorState, p: Params, value: object) -> SentDocument:
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.get(value.removeprefix("attach://"))
        if not isinstance(value, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
    if isinstance(value, UploadedFile):
        if not value.data:
            raise bad_request("file must be non-empty")
        number = state.next_file_number()
        return SentDocument(
            f"BQACAgIAAxkDAAEmulatorDoc{number:06d}",
            f"AgADEmuDoc{number:06d}",
            value.filename,
            value.content_type,
            value.data,
        )
    for messages in state.bot_messages.values():
        for sent in messages:
            if sent.document is not None and sent.document.file_id == value:
                return sent.document
    raise bad_request("wrong file identifier/HTTP URL specified")


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
