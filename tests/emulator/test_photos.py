"""sendPhoto in the emulator: an upload answered with sizes and file ids, a re-send by file_id,
and Telegram's 400 for a file_id it never gave."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest

from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.emulator.images import image_size
from tests.factories import png

ILLUSTRATION = Path(__file__).parents[2] / "content" / "images" / "bridge.png"


async def test_upload_answers_with_sizes_and_caption(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """An uploaded photo comes back as PhotoSizes (thumbnails, then the picture as sent) with
    its caption; the driver keeps the bytes and counts one upload."""
    data = ILLUSTRATION.read_bytes()
    message = await bot.send_photo(
        user.id, InputFile(data, "bridge.png"), caption="<b>Lift</b> your hips", parse_mode="HTML"
    )
    assert [(size.width, size.height) for size in message.photo] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (960, 720),
    ]
    assert message.caption == "Lift your hips"
    assert len({size.file_id for size in message.photo}) == 4
    (sent,) = emulator.photos(user)
    assert sent.photo is not None
    assert (sent.photo.data, sent.photo.uploaded, sent.text) == (data, True, "Lift your hips")
    assert sent.photo.file_id == message.photo[-1].file_id
    assert emulator.photo_uploads(user) == 1


async def test_resend_by_file_id_is_not_an_upload(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A file_id the emulator gave re-sends the same photo, with a new caption and no bytes."""
    first = await bot.send_photo(user.id, InputFile(png(40, 30), "a.png"))
    again = await bot.send_photo(user.id, first.photo[-1].file_id, caption="again")
    assert [size.file_id for size in again.photo] == [size.file_id for size in first.photo]
    assert again.caption == "again"
    assert [message.photo.uploaded for message in emulator.photos(user) if message.photo] == [
        True,
        False,
    ]
    assert emulator.photo_uploads() == 1


async def test_unknown_file_id_is_a_bad_request(bot: Bot, user: EmulatedUser) -> None:
    """A file_id nobody was given is Telegram's 400 "wrong file identifier"."""
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(user.id, "AgACAgIAAxkDAAEstale")


async def test_not_a_picture_and_long_captions_are_refused(bot: Bot, user: EmulatedUser) -> None:
    """Bytes that are no image, and a caption over 1 024 characters, are 400s as at Telegram."""
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(user.id, InputFile(b"not a picture", "x.png"))
    with pytest.raises(BadRequest, match=r"caption is too long"):
        await bot.send_photo(user.id, InputFile(png(4, 4), "x.png"), caption="x" * 1025)


def test_image_size_reads_png_and_jpeg_headers() -> None:
    """The size comes from a PNG's IHDR or a JPEG's start-of-frame; anything else is None."""
    assert image_size(png(33, 7)) == (33, 7)
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x04ab"
        + b"\xff\xc0\x00\x11\x08\x02\xd0\x03\xc0"
        + b"\x00" * 12
    )
    assert image_size(jpeg) == (960, 720)
    assert image_size(b"GIF89a") is None


async def test_a_photo_has_no_text_to_edit(bot: Bot, user: EmulatedUser) -> None:
    """editMessageText on a photo is Telegram's 400 (its caption is editMessageCaption's);
    its buttons can still be taken off."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    message = await bot.send_photo(
        user.id, InputFile(png(4, 4), "x.png"), caption="hi", reply_markup=keyboard
    )
    with pytest.raises(BadRequest, match=r"(?i)no text in the message to edit"):
        await bot.edit_message_text("new", user.id, message.message_id)
    await bot.edit_message_reply_markup(user.id, message.message_id, reply_markup=None)
