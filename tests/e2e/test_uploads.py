"""A routine from a physio, sent as a file; and /export csv for the physio."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from bot.core.session import compile_script
from bot.emulator import BotAPIEmulator
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory
from tests.factories import PHYSIO_ROUTINE, physio_routine


async def upload(bot: Bot, data: bytes, filename: str = "physio.toml") -> str:
    """Send a file and return the bot's reply."""
    bot.emulator.send_document(bot.user, filename, data, "application/toml")
    reply = await bot.expect(lambda m: "routine" in m.text or "file" in m.text)
    return reply.text


async def test_uploaded_routine_becomes_usable_for_that_user_only(
    start_bot: BotFactory, emulator: BotAPIEmulator
) -> None:
    """A valid file is downloaded (getFile + file URL), saved, listed in /routine, runs with
    /go, and another user neither sees nor starts it."""
    async with start_bot(time_scale=0.02) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        reply = await upload(bot, PHYSIO_ROUTINE.encode())
        assert "Saved Desk stretches from Sam as your own routine" in reply
        assert [r.status for r in emulator.requests_for("getFile")] == [200]
        listed = await bot.ask("/routine", "Desk stretches from Sam")
        assert "Desk stretches from Sam" in listed.button_texts[-2]  # before « Back
        bot.say("/go sam")
        script = compile_script(physio_routine())
        await bot.expect("Desk stretches from Sam")
        await bot.expect("Hold for 15 seconds", timeout=5)
        await bot.expect("Well done", timeout=5)
        assert len(script) > 3
        other = emulator.add_user("Robin")
        emulator.send_text(other, "/start")
        await emulator.wait_for_message(other, "I help people")
        emulator.send_text(other, "/go sam")
        refused = await emulator.wait_for_message(other, "I don't have a routine called")
        assert "Desk stretches" not in refused.text
        emulator.send_text(other, "/routine")
        others = await emulator.wait_for_message(other, "Routines")
        assert "Desk stretches from Sam" not in others.text


BROKEN = {
    "malformed TOML": (
        PHYSIO_ROUTINE.replace('title = "Chin tucks"', 'title = "Chin tucks'),
        "not valid TOML",
    ),
    "hold out of bounds": (
        PHYSIO_ROUTINE.replace("hold = 15", "hold = 900"),
        "exercise 1, step 2: hold must be at most 300 seconds",
    ),
    "over-long text": (
        PHYSIO_ROUTINE.replace("Sit tall.", "Sit tall. " * 150),
        "exercise 1, step 1: text is longer than 1000 characters",
    ),
    "progress bounds that exclude the hold": (
        PHYSIO_ROUTINE.replace("min = 10", "min = 16"),
        "exercise 1, step 2, progress: min and max must contain the step's own 15 s",
    ),
    "a built-in routine's id": (
        PHYSIO_ROUTINE.replace('id = "sam"', 'id = "back"'),
        "id 'back' is taken by a built-in routine",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
async def test_broken_upload_is_rejected_and_nothing_stored(subscribed: Bot, case: str) -> None:
    """Each broken file gets a clear reply naming the exercise and step, and nothing is
    stored."""
    text, expected = BROKEN[case]
    reply = await upload(subscribed, text.encode())
    assert reply.startswith("I couldn't use that routine — nothing was saved")
    assert expected in reply
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert subscriber.coaching.own_routine == ""


async def test_every_error_is_listed(subscribed: Bot) -> None:
    """A file with problems in two exercises gets one reply listing both."""
    text = PHYSIO_ROUTINE.replace("hold = 15", "hold = -1").replace("hold = 20", "hold = 0")
    reply = await upload(subscribed, text.encode())
    assert "exercise 1, step 2: hold must be a positive number" in reply
    assert "exercise 2, step 1: hold must be a positive number" in reply


async def test_oversize_file_is_refused_without_downloading(
    subscribed: Bot, emulator: BotAPIEmulator
) -> None:
    """A file over 64 KB is refused from its announced size: getFile is never called."""
    data = PHYSIO_ROUTINE.encode() + b"# padding\n" * 7000
    reply = await upload(subscribed, data)
    assert "larger than 64 KB" in reply
    assert emulator.requests_for("getFile") == []
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert subscriber.coaching.own_routine == ""


async def test_other_files_are_not_routines(subscribed: Bot) -> None:
    """A document that is not .toml gets a pointer to the format and changes nothing."""
    reply = await upload(subscribed, b"%PDF-1.4", "scan.pdf")
    assert "Send your routine as a .toml file" in reply


async def test_export_csv_matches_the_history(start_bot: BotFactory) -> None:
    """/export csv sends a UTF-8 CSV (with BOM) that the csv module parses into one row per
    session, with minutes, pain and each side's hold as recorded."""
    async with start_bot(time_scale=0.02) as bot:
        await bot.ask("/start", "I help people")
        bot.say("/go quick")
        before = await bot.expect("How is your back right now")
        bot.emulator.press_button(bot.user, before, text="4")
        await bot.expect("Well done", timeout=5)
        await bot.expect("And now")
        bot.say("/go quick")
        await bot.ask("stop", "Session stopped")
        bot.say("/export csv")
        await bot.emulator.wait_for_request("sendDocument")
        (message,) = bot.emulator.documents(bot.user)
    document = message.document
    assert document is not None
    assert document.file_name is not None
    assert document.file_name.endswith(".csv")
    assert document.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8-sig"))))
    history = bot.storage.history(bot.user.id)
    assert len(rows) == len(history) == 2
    first, second = rows
    assert first["routine"] == "Quick desk stretch"
    assert first["completed"] == "yes"
    assert first["pain before (0-10)"] == "4"
    assert first["pain after (0-10)"] == ""
    assert first["Standing hip-flexor stretch · left (s)"] == "20"
    assert first["Seated side bend · right (s)"] == "20"
    assert first["date"] == history[0].local_date.isoformat()
    assert float(first["minutes"]) == round((history[0].duration or 0) / 60, 1)
    assert second["completed"] == "no"
    assert second["status"] == "stopped"


async def test_other_files_in_a_group_are_left_alone(subscribed: Bot) -> None:
    """In a group, a file that is not .toml is conversation: the bot stays quiet."""
    emulator, admin = subscribed.emulator, subscribed.user
    member = emulator.add_user("Sam")
    group = emulator.add_group("Back office", members=[admin, member], admins=[admin])
    emulator.send_text(group, "/start", from_user=admin)
    await emulator.wait_for_message(group, "Hi Back office!")
    emulator.send_document(group, "minutes.pdf", b"%PDF-1.4", from_user=member)
    emulator.send_text(group, "/routine", from_user=member)
    await emulator.wait_for_message(group, "Routines")
    assert len(emulator.messages(group)) == 2


def routine_with(exercises: list[str], *, title: str = "Long routine") -> bytes:
    """A routine file with these ``[[exercises]]`` tables (TOML text each) after its header."""
    header = PHYSIO_ROUTINE.split("[[exercises]]", 1)[0].replace("Desk stretches from Sam", title)
    return (header + "".join(exercises)).encode()


def exercise(title: str, hold: str = "20", progress: str = "") -> str:
    extra = f"\n  progress = {progress}" if progress else ""
    return (
        f'\n[[exercises]]\ntitle = "{title}"\ntarget = "your back"\nsides = "both"\n\n'
        f'  [[exercises.steps]]\n  text = "Lean gently."\n  hold = {hold}{extra}\n'
    )


async def rejection(bot: Bot, data: bytes, filename: str = "physio.toml") -> str:
    """Send a file, expect the "nothing was saved" reply (not "something went wrong") and
    check that nothing was stored; return the reply."""
    bot.emulator.send_document(bot.user, filename, data, "application/toml")
    reply = await bot.expect()
    assert reply.text.startswith("I couldn't use that routine — nothing was saved"), reply.text
    subscriber = bot.storage.chat(bot.user.id)
    assert subscriber is not None
    assert subscriber.coaching.own_routine == ""
    return reply.text


async def test_deeply_nested_file_is_refused_clearly(subscribed: Bot) -> None:
    """A 1.2 KB file nested 600 deep (which makes tomllib recurse too far) gets a friendly
    rejection saying so, and nothing is stored."""
    reply = await rejection(subscribed, b"a = " + b"[" * 600 + b"]" * 600 + b"\n")
    assert "nested too deeply" in reply


async def test_long_error_lists_fit_one_message(subscribed: Bot) -> None:
    """A 5 000-character unknown key, and 15 errors under a 240-character file name, each get
    one reply within Telegram's 4 096 characters, quoting the names shortened."""
    key = "k" * 5000
    data = PHYSIO_ROUTINE.replace('id = "sam"', f'id = "sam"\n{key} = 1').encode()
    reply = await rejection(subscribed, data)
    assert "unknown field “kkkk" in reply
    assert len(reply) <= 4096
    broken = routine_with([exercise(f"Stretch {n}", hold="-1") for n in range(15)])
    reply = await rejection(subscribed, broken, "n" * 235 + ".toml")
    assert reply.count("hold must be a positive number") == 15
    assert len(reply) <= 4096


async def test_a_very_long_error_list_is_capped(subscribed: Bot) -> None:
    """Dozens of errors are listed as far as one message allows, then "… and N more"."""
    broken = routine_with([exercise(f"Stretch {n}", hold="-1") for n in range(50)])
    reply = await rejection(subscribed, broken, "n" * 235 + ".toml")
    listed = reply.count("hold must be a positive number")
    assert 0 < listed < 50
    assert f"… and {50 - listed} more" in reply
    assert len(reply) <= 4096


async def test_overlong_exercise_titles_are_refused(subscribed: Bot) -> None:
    """Exercise titles head messages and buttons: longer than 64 characters is refused, with
    the exercise named."""
    progress = "{ min = 10, max = 30, step = 5 }"
    data = routine_with([exercise("T" * 400, progress=progress) for _ in range(12)])
    reply = await rejection(subscribed, data)
    assert "exercise 1: title is longer than 64 characters" in reply
    assert "exercise 12: title is longer than 64 characters" in reply


async def test_stats_with_many_long_titles_are_split_not_lost(start_bot: BotFactory) -> None:
    """A valid routine with 60 exercises of 64-character titles, each given feedback, makes
    /stats longer than one message: it arrives in several, every exercise listed, instead of
    failing."""
    progress = "{ min = 10, max = 30, step = 5 }"
    titles = [f"{n:02d} " + "T" * 61 for n in range(60)]
    data = routine_with([exercise(title, progress=progress) for title in titles])
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        reply = await upload(bot, data)
        assert "Saved Long routine" in reply
        await bot.ask("/routine sam", "Long routine")
        adapted = {f"sam:{index}:0:0": 15.0 for index in range(60)}
        await services_of(bot.app).store.change(
            bot.user.id, lambda s: replace(s, coaching=replace(s.coaching, holds=adapted))
        )
        bot.say("/stats")
        first = await bot.expect("Your progress")
        rest = await bot.expect(titles[-1])
        assert first.message_id < rest.message_id
        shown = "\n".join(m.text for m in bot.emulator.messages(bot.user))
        assert all(title in shown for title in titles)
        assert not any("went wrong" in m.text for m in bot.emulator.messages(bot.user))


async def test_byte_order_mark_is_accepted(subscribed: Bot) -> None:
    """A routine saved by an editor that writes a UTF-8 byte-order mark is read as usual."""
    reply = await upload(subscribed, b"\xef\xbb\xbf" + PHYSIO_ROUTINE.encode())
    assert "Saved Desk stretches from Sam" in reply
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert subscriber.coaching.own_routine == PHYSIO_ROUTINE


async def test_sub_second_holds_are_refused(subscribed: Bot) -> None:
    """A hold of 0.001 s is not a hold: refused, naming the step."""
    data = PHYSIO_ROUTINE.replace("hold = 15", "hold = 0.001").encode()
    reply = await rejection(subscribed, data)
    assert "exercise 1, step 2: hold must be at least 1 second" in reply


async def test_invisible_title_is_refused(subscribed: Bot) -> None:
    """A title of one zero-width space shows nothing: refused."""
    data = PHYSIO_ROUTINE.replace("Desk stretches from Sam", "\u200b").encode()
    reply = await rejection(subscribed, data)
    assert "title must have a visible character" in reply
