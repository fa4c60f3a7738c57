"""Privacy and access: /forget erases a chat, /export hands its data over, admin commands are
for ADMIN_IDS only, and the database is readable by its owner alone."""

from __future__ import annotations

import datetime as dt
import json
import stat

from bot.core.chat import Chat, Schedule, SessionStatus
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory


async def _with_history(bot: Bot) -> None:
    """A chat with settings, one finished session record and a reminder job."""
    await bot.subscribe("09:30")
    await bot.ask("start", "Go at your own pace")
    await bot.ask("stop", "stopped")
    assert [r.status for r in bot.storage.history(bot.user.id)] == [SessionStatus.STOPPED]


async def test_forget_deletes_everything_after_confirming(bot: Bot) -> None:
    """/forget asks first; "Yes" removes settings, history and every job of the chat."""
    await _with_history(bot)
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    await bot.emulator.wait_for_edit(bot.user, question.message_id, "deleted everything")
    assert bot.storage.chat(bot.user.id) is None
    assert bot.storage.history(bot.user.id) == []
    assert bot.storage.active_sessions() == []
    assert str(bot.user.id) not in bot.db_snapshot().replace(" ", "")
    assert bot.app.job_queue is not None
    assert [job.name for job in bot.app.job_queue.jobs()] == []


async def test_forget_can_be_cancelled(bot: Bot) -> None:
    """ "No, keep it" deletes nothing."""
    await _with_history(bot)
    before = bot.db_snapshot()
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="No, keep it")
    await bot.emulator.wait_for_edit(bot.user, question.message_id, "Nothing was deleted")
    assert bot.db_snapshot() == before


async def test_export_sends_the_users_data_as_json(bot: Bot) -> None:
    """/export sends a JSON document with the chat's settings and session history."""
    await _with_history(bot)
    for command in ("/export", "/export json"):
        sent = await bot.ask(command, "Everything I keep")
        assert sent.document is not None
        assert sent.document.file_name == f"stretchbot-{bot.user.id}.json"
        data = json.loads(sent.document.data)
        assert data["chat_id"] == bot.user.id
        assert data["settings"]["times"] == ["09:30"]
        assert data["settings"]["timezone"] == "Europe/Berlin"
        assert [s["status"] for s in data["sessions"]] == ["stopped"]


async def test_export_unknown_format_and_nothing_stored(bot: Bot) -> None:
    """An unknown format is named in the reply; a stranger's export says nothing is kept."""
    await bot.ask("/export", "I don't keep anything")
    await bot.ask("/export xml", "I can't export as “xml”")
    assert bot.storage.chat(bot.user.id) is None


async def test_admin_commands_for_admins_only(start_bot: BotFactory) -> None:
    """/admin and /broadcast answer like unknown commands unless the user is in ADMIN_IDS."""
    async with start_bot() as bot:
        await bot.ask("/admin", "I don't know /admin")
        await bot.ask("/broadcast hi", "I don't know /broadcast")
        assert "admin" not in {c["command"] for c in bot.emulator.commands}


async def test_admin_sees_counts_and_broadcasts(start_bot: BotFactory) -> None:
    """An admin sees subscriber and failure counts and can broadcast after confirming."""
    async with start_bot(admin_ids=frozenset()) as probe:
        admin_id = probe.user.id
    async with start_bot(admin_ids=frozenset({admin_id})) as bot:
        other = bot.emulator.add_user("Sam")
        bot.emulator.send_text(other, "/start")
        await bot.emulator.wait_for_message(other, "I help people")
        await bot.ask("/start", "I help people")
        blocked = bot.emulator.add_user("Kim")
        bot.emulator.send_text(blocked, "/start")
        await bot.emulator.wait_for_message(blocked, "I help people")
        bot.emulator.block_bot(blocked)
        question = await bot.ask("/broadcast Back at <b>22:00</b>", "Send this to 3 chats?")
        bot.emulator.press_button(bot.user, question, text="Send it")
        await bot.emulator.wait_for_edit(bot.user, question.message_id, "Sent to 2 chats; 1")
        shown = await bot.emulator.wait_for_message(other, "📢")
        assert shown.text == "📢 Back at <b>22:00</b>"
        report = await bot.ask("/admin", "Subscribers")
        assert "Getting reminders: 2" in report.text
        assert "Blocked the bot: 1" in report.text
        assert "blocked: 1" in report.text
        assert services_of(bot.app).failures["blocked"] == 1


async def test_database_file_and_folder_are_private(bot: Bot) -> None:
    """The chat's file is mode 0600 and every folder of the store 0700, also after rewrites."""
    await bot.subscribe("09:30")
    path = bot.storage.chat_file(bot.user.id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    folders = [
        bot.storage.path,
        *(p for p in bot.storage.path.rglob("*") if p.is_dir()),
    ]
    assert len(folders) >= 3  # the store, chats/, a bucket
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


async def test_a_broadcast_does_not_hold_up_other_users(start_bot: BotFactory) -> None:
    """While a broadcast drains at Telegram's pace, another user's command is answered at once."""
    async with start_bot(admin_ids=frozenset()) as probe:
        admin_id = probe.user.id
    async with start_bot(admin_ids=frozenset({admin_id})) as bot:
        await bot.ask("/start", "I help people")
        crowd = [bot.emulator.add_user(f"U{index}") for index in range(90)]
        bot.storage.add_chats(
            Chat(chat_id=member.id, schedule=Schedule(timezone="UTC", times=(dt.time(9),)))
            for member in crowd
        )
        question = await bot.ask("/broadcast Maintenance at 22:00", "Send this to 91 chats?")
        bot.emulator.press_button(bot.user, question, text="Send it")
        await bot.emulator.wait_for_message(crowd[0], "📢")
        other = bot.emulator.add_user("Sam")
        bot.emulator.send_text(other, "/help")
        await bot.emulator.wait_for_message(other, "Commands", timeout=1)
        assert "Sent to" not in bot.emulator.message(bot.user, question.message_id).text
        await bot.emulator.wait_for_edit(bot.user, question.message_id, "Sent to 91", timeout=10)


def _edits(bot: Bot, message_id: int) -> list[str]:
    (message,) = [m for m in bot.emulator.messages(bot.user) if m.message_id == message_id]
    return [edit.text for edit in message.edits]


def _expired_answers(bot: Bot) -> int:
    return sum(
        request.params.get("text") == "This button has expired."
        for request in bot.emulator.requests_for("answerCallbackQuery")
    )


async def test_yes_then_keep_tapped_together_deletes_and_says_so_once(bot: Bot) -> None:
    """Yes, then Keep before the bot reacts: the first answer counts (everything deleted, and
    the question says so); the second tap is answered as expired, not "Nothing was deleted"."""
    await _with_history(bot)
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    bot.emulator.press_button(bot.user, question, text="No, keep it")
    await bot.emulator.wait_for_request(
        "answerCallbackQuery", lambda r: r.params.get("text") == "This button has expired."
    )
    assert _edits(bot, question.message_id) == [
        "Done: I deleted everything about this chat. Send /start if you ever want me back."
    ]
    assert bot.storage.chat(bot.user.id) is None


async def test_yes_tapped_twice_deletes_once_without_an_error(bot: Bot) -> None:
    """Yes twice: one deletion, one edit, the second tap answered as expired, no error."""
    await _with_history(bot)
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    await bot.emulator.wait_for_request(
        "answerCallbackQuery", lambda r: r.params.get("text") == "This button has expired."
    )
    assert len(_edits(bot, question.message_id)) == 1
    assert _expired_answers(bot) == 1
    assert not any("went wrong" in m.text for m in bot.emulator.messages(bot.user))


async def test_keep_then_yes_tapped_together_deletes_nothing(bot: Bot) -> None:
    """Keep, then Yes before the bot reacts: nothing is deleted, as the first answer said."""
    await _with_history(bot)
    before = bot.db_snapshot()
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="No, keep it")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    await bot.emulator.wait_for_request(
        "answerCallbackQuery", lambda r: r.params.get("text") == "This button has expired."
    )
    assert bot.db_snapshot() == before
    assert _edits(bot, question.message_id) == ["Nothing was deleted."]
