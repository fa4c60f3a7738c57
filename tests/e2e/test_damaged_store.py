"""One damaged chat file stops nobody: the real bot process (``python -m bot run``) starts,
serves every other chat, sets the file aside by name once, and tells its chat what happened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.chat import Chat, Schedule
from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.storage.chatfiles import ChatFiles
from tests.e2e.process import BotProcess, bot_process
from tests.factories import DAMAGE, damage
from tests.waiting import eventually

UNREADABLE = "couldn't read the settings I had saved"


def _subscriber(user: EmulatedUser) -> Chat:
    return Chat(
        user.id,
        name=user.first_name,
        schedule=Schedule(timezone="Europe/Berlin", times=(dt.time(9, 0),)),
    )


async def _up(
    emulator: BotAPIEmulator, user: EmulatedUser, bot: BotProcess, reply: str = "Settings"
) -> None:
    emulator.send_text(user, "/settings")
    try:
        await emulator.wait_for_message(user, reply, timeout=20)
    except Exception:
        raise AssertionError(f"the bot did not come up:\n{bot.log[-3000:]}") from None


async def test_the_bot_starts_and_serves_everyone_despite_damaged_files(tmp_path: Path) -> None:
    """Every kind of damage at start-up: the bot runs, the others are served, each damaged
    chat is told once, and each file is named in the log once and kept in quarantine."""
    data = tmp_path / "data"
    async with BotAPIEmulator() as emulator:
        good = emulator.add_user("Alex")
        damaged = {kind: emulator.add_user(f"U{n}") for n, kind in enumerate(DAMAGE)}
        storage = ChatFiles.in_folder(data)
        storage.save(_subscriber(good))
        paths = {kind: damage(storage, user.id, kind) for kind, user in damaged.items()}
        async with bot_process(emulator, data, ADMIN_IDS=str(good.id)) as bot:
            await _up(emulator, good, bot)
            for kind, user in damaged.items():
                emulator.send_text(user, "hello")
                await emulator.wait_for_message(user, UNREADABLE, timeout=5)
                await emulator.wait_for_message(user, "send /start", timeout=5)
                emulator.send_text(user, "hello again")
                await emulator.wait_for_message(user, "send /start", timeout=5)
                assert sum(UNREADABLE in m.text for m in emulator.messages(user)) == 1, kind
            emulator.send_text(good, "/admin")
            await emulator.wait_for_message(good, "Getting reminders: 1", timeout=5)
            assert bot.alive
        for kind, path in paths.items():
            assert not path.exists(), kind
            assert bot.log.count(str(path)) == 1, kind
            assert ChatFiles(data).quarantine.holds(damaged[kind].id), kind
        assert "Traceback" not in bot.log
        assert emulator.internal_errors == []


async def test_a_damaged_chat_can_export_forget_and_start_afresh(tmp_path: Path) -> None:
    """The damaged chat's /export says nothing is readable, /start begins afresh without
    touching the copy, and /forget deletes the copy too."""
    data = tmp_path / "data"
    async with BotAPIEmulator() as emulator:
        user = emulator.add_user("Sam")
        storage = ChatFiles.in_folder(data)
        path = damage(storage, user.id, "empty")
        async with bot_process(emulator, data) as bot:
            await _up(emulator, user, bot, UNREADABLE)
            await emulator.wait_for_message(user, "We haven't met yet", timeout=5)
            emulator.send_text(user, "/export")
            await emulator.wait_for_message(user, "nothing I can export", timeout=5)
            emulator.send_text(user, "/start")
            await emulator.wait_for_message(user, "I help people", timeout=5)
            copies = sorted((data / "quarantine" / str(user.id)).iterdir())
            assert [copy.read_bytes() for copy in copies] == [b""]
            emulator.send_text(user, "/forget")
            question = await emulator.wait_for_message(user, "Delete it all?", timeout=5)
            emulator.press_button(user, question, text="Yes, delete everything")
            await emulator.wait_for_edit(user, question.message_id, "I deleted everything")
            assert not (data / "quarantine" / str(user.id)).exists()
            assert not path.exists()


async def test_a_file_damaged_while_running_breaks_nothing_for_admins(tmp_path: Path) -> None:
    """A chat file damaged while the bot runs: /admin and /broadcast still work for everyone
    else, and the file is set aside."""
    data = tmp_path / "data"
    async with BotAPIEmulator() as emulator:
        admin, other = emulator.add_user("Admin"), emulator.add_user("Kim")
        storage = ChatFiles.in_folder(data)
        for user in (admin, other):
            storage.save(_subscriber(user))
        async with bot_process(emulator, data, ADMIN_IDS=str(admin.id)) as bot:
            await _up(emulator, admin, bot)
            damage(storage, other.id, "truncated")
            emulator.send_text(admin, "/admin")
            await emulator.wait_for_message(admin, "Getting reminders: 1", timeout=5)
            emulator.send_text(admin, "/broadcast Maintenance at 22:00")
            question = await emulator.wait_for_message(admin, "Send this to 1 chat", timeout=5)
            emulator.press_button(admin, question, text="Send it")
            await emulator.wait_for_message(admin, "Maintenance at 22:00", timeout=5)
            await eventually(lambda: storage.quarantine.holds(other.id), what="quarantine")
            assert bot.alive
            assert "Traceback" not in bot.log
