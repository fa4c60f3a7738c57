"""/forget and /export on the in-memory fakes."""

from __future__ import annotations

import json

from bot.features.account import AdminsOnly
from bot.features.privacy import (
    FORGET,
    Exported,
    ForgetCancelled,
    ForgetQuestion,
    Forgotten,
    NothingReadable,
    NothingStored,
    UnknownExportFormat,
)
from tests.features.account_fakes import Replies, World, allow, deny


async def test_forget_acts_on_the_first_answer_to_its_question_only() -> None:
    """Only a tap on the question asked, and only the first, is let through; "Yes" then
    ends any session, closes the reminder, cancels the chat's timers and deletes it all."""
    world = World()
    await world.subscribed()
    replies = Replies()
    await world.privacy.ask_forget(42, allowed=allow, reply=replies)
    assert replies.notes == [ForgetQuestion()]
    asked = replies.next_id
    assert not await world.privacy.take_answer(42, asked - 1)  # an older message
    assert await world.privacy.take_answer(42, asked)
    assert not await world.privacy.take_answer(42, asked)  # a second tap
    assert await world.privacy.forget(42, yes=True) == Forgotten()
    assert await world.store.chat(42) is None
    assert world.sessions.discarded == [42]
    assert world.reminders.closed == [42]
    assert world.reminders.forgotten == [42]


async def test_forget_no_keeps_everything() -> None:
    """ "No, keep it" deletes nothing."""
    world = World()
    before = await world.subscribed()
    replies = Replies()
    await world.privacy.ask_forget(42, allowed=allow, reply=replies)
    assert await world.privacy.take_answer(42, replies.next_id)
    assert await world.privacy.forget(42, yes=False) == ForgetCancelled()
    assert await world.store.chat(42) == before
    assert world.reminders.forgotten == []


async def test_forget_asks_only_when_there_is_something_and_an_admin_asks() -> None:
    """Nothing stored: nothing to ask; a group member: admins only. No question is opened."""
    world = World()
    replies = Replies()
    await world.privacy.ask_forget(42, allowed=allow, reply=replies)
    await world.subscribed(-5)
    await world.privacy.ask_forget(-5, allowed=deny, reply=replies)
    assert replies.notes == [NothingStored(), AdminsOnly()]
    assert world.store.prompts == {}


async def test_forget_asks_about_an_unreadable_copy() -> None:
    """A chat whose only data is an unreadable copy can still have it deleted."""
    world = World()
    world.store.unreadable_chats.add(42)
    replies = Replies()
    await world.privacy.ask_forget(42, allowed=allow, reply=replies)
    assert replies.notes == [ForgetQuestion()]
    assert (42, FORGET) in world.store.prompts


async def test_export_with_nothing_readable() -> None:
    """/export of an unreadable copy says nothing is readable; of nothing, nothing is kept."""
    world = World()
    assert await world.privacy.export(42, [], allowed=allow) == NothingStored()
    world.store.unreadable_chats.add(42)
    assert await world.privacy.export(42, [], allowed=allow) == NothingReadable()


async def test_export_formats() -> None:
    """JSON by default, CSV by name; an unknown format or a second word is named back."""
    world = World()
    await world.subscribed()
    exported = await world.privacy.export(42, [], allowed=allow)
    assert isinstance(exported, Exported)
    assert exported.format == "json"
    assert json.loads(exported.document.data)["chat_id"] == 42
    csv = await world.privacy.export(42, ["CSV"], allowed=allow)
    assert isinstance(csv, Exported)
    assert csv.format == "csv"
    unknown = await world.privacy.export(42, ["xml"], allowed=allow)
    assert unknown == UnknownExportFormat("xml", ("json", "csv"))
    assert isinstance(await world.privacy.export(42, ["json", "x"], allowed=allow), type(unknown))
    assert await world.privacy.export(42, [], allowed=deny) == AdminsOnly()
