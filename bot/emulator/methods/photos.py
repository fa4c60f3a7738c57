"""sendPhoto: a photo uploaded once (multipart) or re-sent by the file_id Telegram gave it.

As at Telegram, the answer's ``photo`` is a list of sizes (small thumbnails, then the picture
as sent), each with its own ``file_id``; any of them re-sends the photo. A file_id nobody was
given is a 400 "wrong file identifier". ``BotMessage.photo.uploaded`` tells an upload from a
re-send, so tests can count uploads.
"""

from __future__ import annotations

from dataclasses import replace

from .. import limits
from ..errors import bad_request
from ..images import image_size
from ..models import PhotoSizeSent, SentPhoto, UploadedFile
from ..spec import BotApiSpec
from ..state import EmulatorState
from .messages import post
from .registry import Params, method

#: Telegram's thumbnail sizes (longest side); each smaller than the picture is added.
_THUMBNAILS = (90, 320, 800)
#: Telegram's own limits for photos: 10 MB, width + height at most 10 000, ratio at most 20.
MAX_PHOTO_BYTES = 10 * 1024 * 1024


@method("sendPhoto")
async def send_photo(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    chat = state.writable_chat(p["chat_id"])
    photo = _photo(state, p, p["photo"])
    caption, entities = limits.caption(p)
    limits.check_reply_markup(spec, p.get("reply_markup"))
    limits.check_reply_keyboard(spec, p.get("reply_markup"), chat.type)
    state.check_flood(chat.id, now, paid=bool(p.get("allow_paid_broadcast")))
    return post(
        state, p, chat.id, now, caption, entities, source_text=p.get("caption", ""), photo=photo
    )


def _photo(state: EmulatorState, p: Params, value: object) -> SentPhoto:
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.get(value.removeprefix("attach://"))
        if not isinstance(value, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
    if isinstance(value, UploadedFile):
        return _upload(state, value)
    for messages in state.bot_messages.values():
        for sent in messages:
            if sent.photo is not None and value in sent.photo.file_ids:
                return replace(sent.photo, uploaded=False)  # a re-send: no bytes travelled
    raise bad_request("wrong file identifier/HTTP URL specified")


def _upload(state: EmulatorState, upload: UploadedFile) -> SentPhoto:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    size = image_size(upload.data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if width + height > 10_000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    number = state.next_file_number()
    sizes = []
    for side in (*(t for t in _THUMBNAILS if t < max(width, height)), max(width, height)):
        scale = side / max(width, height)
        sizes.append(
            PhotoSizeSent(
                f"AgACAgIAAxkDAAEmulatorPhoto{number:06d}x{side}",
                f"AQADEmuPhoto{number:06d}x{side}",
                max(1, round(width * scale)),
                max(1, round(height * scale)),
                len(upload.data)
                if side == max(width, height)
                else len(upload.data) * side**2 // max(width, height) ** 2,
            )
        )
    mime_type = "image/png" if upload.data.startswith(b"\x89PNG") else "image/jpeg"
    return SentPhoto(tuple(sizes), upload.data, mime_type, file_name=upload.filename or None)
