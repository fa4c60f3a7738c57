"""Bad input: each gets a clear, friendly reply and changes nothing in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.telegram import callbacks
from tests.e2e.conftest import Bot, BotFactory


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/frobnicate", "I don't know /frobnicate"),
        ("/time 25:61", "“25:61” isn't a time of day: hours go 0–23 and minutes 0–59"),
        ("/time", "To change it: /time 07:30"),
        ("/time 07:30 soon", "“soon” isn't a time I understand"),
        ("/timezone Mars/Olympus", "I don't know the time zone “Mars/Olympus”"),
        ("/timezone", "To change it, send your city or zone"),
        ("hello there", "I didn't catch that"),
        ("pause", "There's no session running"),
        ("/time 7:60", "“7:60” isn't a time of day"),
        ("/time -1:00", "“-1:00” isn't a time I understand"),
        ("/time 24:00", "“24:00” isn't a time of day"),
        ("/time abc", "“abc” isn't a time I understand"),
        ("/time <b>", "“<b>” isn't a time I understand"),
        ("/time " + " ".join(f"{n % 24:02d}:{n:02d}" for n in range(30)), "That's 30 times"),
        ("/time " + " ".join(["25:00"] * 30), "“25:00” isn't a time of day"),
        ("/time " + "9" * 5000, "“999999999"),
        ("/timezone ../../etc/passwd", "I don't know the time zone “../../etc/passwd”"),
        ("/timezone " + "A" * 5000, "I don't know the time zone “AAAA"),
        ("/days " + "z" * 5000, "isn't a day I know"),
        ("x" * 5000, "I didn't catch that"),
        ("/" + "z" * 5000, "I don't know /zzz"),
    ],
)
async def test_bad_input_gets_a_reply_and_changes_nothing(
    subscribed: Bot, text: str, reply: str
) -> None:
    """Unknown commands, impossible times, unknown zones: a clear reply, the data untouched."""
    before = subscribed.db_snapshot()
    answer = await subscribed.ask(text, reply)
    assert answer.text
    assert subscribed.db_snapshot() == before


async def test_unknown_zone_reply_has_an_example(subscribed: Bot) -> None:
    """The reply to an unknown zone shows a zone that would work."""
    answer = await subscribed.ask("/timezone Mars/Olympus", "I don't know the time zone")
    assert "Europe/Berlin" in answer.text


async def test_sticker_gets_a_reply_and_changes_nothing(subscribed: Bot) -> None:
    """A sticker (or any non-text message) is answered and changes nothing."""
    before = subscribed.db_snapshot()
    subscribed.emulator.send_sticker(subscribed.user)
    await subscribed.expect("I can only read text")
    assert subscribed.db_snapshot() == before


async def test_commands_before_start_ask_for_start(bot: Bot) -> None:
    """Someone who never sent /start is pointed to it, and nothing is stored."""
    await bot.ask("/time 07:30", "send /start")
    await bot.ask("start", "send /start")
    assert bot.storage.chat(bot.user.id) is None


async def test_forged_button_has_expired(subscribed: Bot) -> None:
    """A button press with data the bot never sent is answered "This button has expired"."""
    message = await subscribed.ask("/help", "Commands")
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, message.message_id, "go:../../etc")
    answer = await subscribed.emulator.wait_for_request("answerCallbackQuery")
    assert answer.params.get("text") == "This button has expired."
    assert subscribed.db_snapshot() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}},
        {"contact": {"phone_number": "+491234", "first_name": "Sam"}},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u3",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
    ],
    ids=["photo", "voice", "contact", "sticker"],
)
async def test_non_text_messages_get_a_reply_and_change_nothing(
    subscribed: Bot, fields: dict[str, object]
) -> None:
    """Photos, voice notes, contacts, stickers: one friendly reply, nothing stored (a location
    sets the zone: tests/e2e/test_place.py)."""
    before = subscribed.db_snapshot()
    subscribed.emulator.send_message_with(subscribed.user, fields)
    await subscribed.expect("I can only read text")
    assert subscribed.db_snapshot() == before


async def test_commands_for_another_bot_are_ignored(subscribed: Bot) -> None:
    """/time@other_bot is someone else's; /time@<this bot> is ours and works."""
    before = subscribed.db_snapshot()
    subscribed.say("/time@other_bot 07:30")
    subscribed.say("/frobnicate@other_bot")
    await subscribed.ask("/time@stretch_test_bot 07:45", "Done")
    assert subscribed.emulator.drain(subscribed.user) == []
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert [f"{t:%H:%M}" for t in subscriber.schedule.times] == ["07:45"]
    assert before != subscribed.db_snapshot()


async def test_updates_the_bot_did_not_ask_for_never_arrive(subscribed: Bot) -> None:
    """Edited messages and channel posts are filtered by allowed_updates: no reply, no write."""
    sent = subscribed.emulator.send_text(subscribed.user, "/time 07:30")
    await subscribed.expect("Done")
    before = subscribed.db_snapshot()
    edited = {**sent, "text": "/time 08:00", "edit_date": sent["date"] + 1}
    subscribed.emulator.send_update("edited_message", edited)
    channel = {"id": -1009, "type": "channel", "title": "News"}
    post = {"message_id": 1, "date": sent["date"], "chat": channel, "text": "/time 09:00"}
    subscribed.emulator.send_update("channel_post", post)
    await subscribed.ask("/help", "Commands")
    assert len(subscribed.emulator.dropped_updates) == 2
    assert subscribed.db_snapshot() == before


async def test_message_without_a_user_changes_nothing(subscribed: Bot) -> None:
    """A message with no sender is dropped: no crash, no reply, nothing written."""
    before = subscribed.db_snapshot()
    message = subscribed.emulator.send_text(subscribed.user, "/time 06:00")
    del message["from"]
    await subscribed.ask("/help", "Commands")
    assert subscribed.emulator.internal_errors == []
    assert not any("went wrong" in m.text for m in subscribed.emulator.messages(subscribed.user))
    assert subscribed.db_snapshot() == before
    assert len(subscribed.emulator.messages(subscribed.user)) == 2  # welcome, help


@pytest.mark.parametrize(
    "data",
    ["snz:15", "snz:999", "set:day:9", "go:" + "x" * 200, "fgt:yes", "bc:yes", "\x00", "é" * 64],
    ids=[
        "stale-snooze",
        "forged-snooze",
        "forged-day",
        "oversized",
        "forged-forget",
        "forged-broadcast",
        "control",
        "unicode",
    ],
)
async def test_forged_stale_or_oversized_buttons_expire(subscribed: Bot, data: str) -> None:
    """Button data the bot did not put on this message is answered "expired"; nothing changes."""
    message = await subscribed.ask("/help", "Commands")
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, message.message_id, data)
    answer = await subscribed.emulator.wait_for_request("answerCallbackQuery")
    assert answer.params.get("text") in ("This button has expired.", None)
    assert subscribed.db_snapshot() == before
    assert subscribed.storage.chat(subscribed.user.id) is not None


async def test_pause_too_far_on_a_leap_day(start_bot: BotFactory) -> None:
    """On 29 February, a pause beyond a year is refused naming the last possible date (there
    is no 29 February next year), and a pause to that date works."""
    async with start_bot(now=dt.datetime(2028, 2, 29, 10, 0, tzinfo=dt.UTC)) as bot:
        await bot.ask("/start", "I help people")
        before = bot.db_snapshot()
        await bot.ask("/pause 2030-01-01", "Pause for at most a year (until 2029-02-28)")
        assert bot.db_snapshot() == before
        await bot.ask("/pause 2029-02-28", "paused until Wed 28 Feb")


#: A button of every kind the bot makes (one per handler pattern), and one no handler takes.
EVERY_BUTTON = {
    "GO_PATTERN": "go:quick",
    "SNOOZE_PATTERN": "snz:15:1795956216",
    "SETTINGS_PATTERN": "set:day:0",
    "FORGET_PATTERN": "fgt:yes",
    "BROADCAST_PATTERN": "bc:yes",
    "FEEDBACK_PATTERN": "fb:e:quick:0:0:0:20000:1",
    "HURTS_PATTERN": "hurt",
    "PAIN_PATTERN": "pain:b:4:1",
    "GATE_PATTERN": "gate:c:1",
    "none": "nothing:we:make",
}


def test_every_button_pattern_is_covered() -> None:
    """The test below presses a button of every pattern the handlers use."""
    patterns = {name for name in callbacks.__all__ if name.endswith("_PATTERN")}
    assert patterns == set(EVERY_BUTTON) - {"none"}
    for name, data in EVERY_BUTTON.items():
        assert name == "none" or getattr(callbacks, name)(data), name


@pytest.mark.parametrize("pattern", list(EVERY_BUTTON))
async def test_button_without_a_message_is_answered(subscribed: Bot, pattern: str) -> None:
    """A press whose query carries no message (Telegram leaves it out for old messages) is
    answered "This button has expired", so the button stops spinning, and changes nothing;
    "Stop — it hurts" is answered with the safety note instead."""
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, None, EVERY_BUTTON[pattern])
    answer = await subscribed.emulator.wait_for_request("answerCallbackQuery", timeout=3)
    if pattern == "HURTS_PATTERN":
        assert "Don't push through pain" in str(answer.params.get("text"))
    else:
        assert answer.params.get("text") == "This button has expired."
    assert subscribed.db_snapshot() == before
    assert not any("went wrong" in m.text for m in subscribed.emulator.messages(subscribed.user))
