"""Files in the emulator: getFile and the file URL for documents users send, and sendDocument."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, Document
from telegram.error import BadRequest

from bot.emulator import BotAPIEmulator, EmulatedUser


@pytest.fixture
async def file_bot(emulator: BotAPIEmulator) -> Bot:
    """A PTB Bot that also knows the emulator's file URL."""
    return Bot(emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)


async def sent_document(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> Document:
    """The document a user sent, as PTB parses it from getUpdates."""
    updates = await bot.get_updates(timeout=0)
    document = updates[-1].message.document if updates[-1].message else None
    assert document is not None
    return document


async def test_a_users_document_downloads_through_ptb(
    file_bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """PTB's get_file + download_as_bytearray fetch exactly the bytes the user sent."""
    emulator.send_document(user, "r.toml", b'id = "x"\n', "application/toml")
    async with file_bot:
        document = await sent_document(file_bot, emulator, user)
        assert (document.file_name, document.file_size) == ("r.toml", 9)
        file = await document.get_file()
        assert file.file_path is not None
        assert file.file_path.endswith(".toml")
        assert bytes(await file.download_as_bytearray()) == b'id = "x"\n'


async def test_unknown_file_id_is_400(file_bot: Bot) -> None:
    """getFile with a file_id nobody sent is a Bad Request, as at Telegram."""
    async with file_bot:
        with pytest.raises(BadRequest, match="Invalid file_id"):
            await file_bot.get_file("BQACnothing")


async def test_file_url_needs_the_token(emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """The file URL serves a file for the bot's token only; a wrong token or path is 404."""
    emulator.send_document(user, "r.toml", b"x = 1\n")
    root = f"http://127.0.0.1:{emulator.port}"
    async with httpx.AsyncClient(base_url=root) as client:
        good = await client.get(f"/file/bot{emulator.token}/documents/file_1.toml")
        assert (good.status_code, good.content) == (200, b"x = 1\n")
        wrong_token = await client.get("/file/bot1:wrong/documents/file_1.toml")
        assert wrong_token.status_code == 404
        wrong_path = await client.get(f"/file/bot{emulator.token}/documents/file_9.toml")
        assert wrong_path.status_code == 404


async def test_send_document_keeps_the_bytes(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """sendDocument returns a Message with the document; the driver shows name and bytes."""
    message = await bot.send_document(
        user.id,
        b"a,b\r\n1,2\r\n",
        filename="report.csv",
        caption="<b>Yours</b>",
        parse_mode="HTML",
    )
    assert message.document is not None
    assert message.document.file_name == "report.csv"
    assert message.caption == "Yours"
    (sent,) = emulator.documents(user)
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.data, sent.text) == (
        "report.csv",
        b"a,b\r\n1,2\r\n",
        "Yours",
    )
