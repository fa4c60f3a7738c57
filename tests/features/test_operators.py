"""/admin and /broadcast on the in-memory fakes."""

from __future__ import annotations

from dataclasses import replace

from bot.features.operators import (
    BROADCAST,
    AdminReport,
    Broadcast,
    BroadcastDone,
    BroadcastQuestion,
    BroadcastUsage,
)
from bot.ports import Lane
from tests.fakes import START
from tests.features.account_fakes import ADMIN, Replies, World, allow


async def _three_chats(world: World) -> None:
    """Chat 1 and 2 get reminders, chat 3 stopped them."""
    for chat_id in (1, 2, 3):
        await world.subscribed(chat_id)
    await world.store.change(
        3, lambda chat: replace(chat, schedule=replace(chat.schedule, subscribed=False))
    )


async def test_broadcast_only_for_operators_and_once_per_question() -> None:
    """Only an operator is asked; only an operator's first answer to the question asked lets
    the text through."""
    world = World()
    await _three_chats(world)
    replies = Replies()
    assert not await world.operators.ask_broadcast(5, 5, "Hi", reply=replies)
    assert replies.notes == []
    assert world.store.prompts == {}
    assert await world.operators.ask_broadcast(ADMIN, ADMIN, "Back at 22:00", reply=replies)
    assert replies.notes == [BroadcastQuestion("Back at 22:00", 2)]
    asked = replies.next_id
    assert await world.operators.take_answer(5, ADMIN, asked) is None  # not an operator
    assert await world.operators.take_answer(ADMIN, ADMIN, asked - 1) is None  # another message
    assert await world.operators.take_answer(ADMIN, ADMIN, asked) == "Back at 22:00"
    assert await world.operators.take_answer(ADMIN, ADMIN, asked) is None  # a second tap


async def test_broadcast_without_text_explains() -> None:
    """/broadcast alone says how to use it and asks nothing."""
    world = World()
    replies = Replies()
    assert await world.operators.ask_broadcast(ADMIN, ADMIN, "", reply=replies)
    assert replies.notes == [BroadcastUsage()]
    assert (ADMIN, BROADCAST) not in world.store.prompts


async def test_broadcast_goes_to_subscribed_chats_in_the_bulk_lane() -> None:
    """Every chat with reminders on gets the text, behind the interactive lane; a chat that
    blocked the bot is marked so, one unreachable chat stops nobody else."""
    world = World()
    await _three_chats(world)
    await world.subscribed(4)
    world.outbox.blocked.add(1)
    world.outbox.unreachable.add(4)
    done = await world.operators.broadcast("Back at 22:00")
    assert done == BroadcastDone(sent=1, failed=2)
    assert [(s.chat_id, s.note, s.lane, s.sound) for s in world.outbox.sent] == [
        (2, Broadcast("Back at 22:00"), Lane.BULK, True)
    ]
    assert world.reminders.blocked == [1]


async def test_admin_report_counts_chats_by_state() -> None:
    """The report sorts chats into blocked, stopped, paused and getting reminders."""
    world = World()
    await _three_chats(world)
    await world.subscribed(4)
    await world.schedules.pause(4, "3", group=False, allowed=allow)
    await world.subscribed(5)
    await world.store.change(
        5,
        lambda chat: replace(
            chat,
            schedule=replace(chat.schedule, subscribed=False),
            delivery=replace(chat.delivery, blocked_at=START),
        ),
    )
    world.failures["retried"] = 2
    assert await world.operators.report(5) is None
    report = await world.operators.report(ADMIN)
    assert report == AdminReport(
        subscribed=2, paused=1, blocked=1, stopped=1, failures={"retried": 2}
    )
