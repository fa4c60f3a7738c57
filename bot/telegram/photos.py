"""Photos through the Bot API, Telegram's way: upload a picture once, then re-send it by the
file_id Telegram gave it (kept in the store by the picture's content hash).

A file_id Telegram no longer takes (a 400 about the file) is forgotten and the picture uploaded
again, so a store copied to another bot or a file_id Telegram expired costs one upload, not a
missing picture. Bytes made for one message (a chart) are always uploaded and never kept.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.ports import FileIds, Lane
from bot.telegram.render import Photo

__all__ = ["PhotoSender", "picture_key"]

_LOGGER = logging.getLogger(__name__)


def picture_key(data: bytes) -> str:
    """What a picture's file_id is kept under: its content, so an edited picture is new."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


class PhotoSender:
    """``send_photo`` with the file_id cache; Telegram's errors pass through as PTB's."""

    def __init__(self, bot: ExtBot[Any], file_ids: FileIds | None = None) -> None:
        self._bot = bot
        self._file_ids = file_ids
        #: Pictures read from disk: path → (bytes, key). A handful of small files, read once.
        self._read: dict[Path, tuple[bytes, str]] = {}

    async def send(
        self,
        chat_id: int,
        photo: Photo,
        *,
        caption: str | None,
        buttons: InlineKeyboardMarkup | None,
        lane: Lane,
        sound: bool,
    ) -> Message:
        options: dict[str, Any] = {
            "caption": caption,
            "reply_markup": buttons,
            "disable_notification": not sound,
            "rate_limit_args": lane,
        }
        if isinstance(photo, bytes):
            return await self._bot.send_photo(chat_id, InputFile(photo, "chart.png"), **options)
        data, key = self._picture(photo)
        if self._file_ids is not None:
            known = await self._file_ids.file_id(key)
            if known is not None:
                try:
                    return await self._bot.send_photo(chat_id, known, **options)
                except BadRequest as exc:
                    if "file" not in str(exc).lower():
                        raise
                    _LOGGER.info("Telegram refused the file_id of %s (%s)", photo.name, exc)
                    await self._file_ids.forget_file_id(key)
        message = await self._bot.send_photo(chat_id, InputFile(data, photo.name), **options)
        if self._file_ids is not None and message.photo:
            await self._file_ids.remember_file_id(key, message.photo[-1].file_id)
        return message

    def _picture(self, path: Path) -> tuple[bytes, str]:
        known = self._read.get(path)
        if known is None:
            data = path.read_bytes()  # a few KB, once per picture: not worth a thread
            known = self._read[path] = (data, picture_key(data))
        return known
