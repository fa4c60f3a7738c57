"""Waiting for the bot: ``wait_for_message``, ``wait_for_edit``, ``wait_for_request``.

Each wait consumes what it returns and everything before it (per chat, per message, per
method), so consecutive waits check the order the bot did things in; ``drain`` and
``mark_all_read`` consume without waiting. A wait that times out says what the bot did do.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import WaitTimeout
from ..models import ApiRequest, BotMessage, MessageEdit
from ..state import EmulatorState
from . import refs
from .refs import ChatRef

_SHOWN_IN_FAILURES = 10

T = TypeVar("T")
MessageMatch = str | re.Pattern[str] | Callable[[BotMessage], bool] | None
EditMatch = str | re.Pattern[str] | Callable[[MessageEdit], bool] | None
RequestPredicate = Callable[[ApiRequest], bool] | None


def _matches(
    match: str | re.Pattern[str] | Callable[[T], bool] | None, text: str, item: T
) -> bool:
    if match is None:
        return True
    if isinstance(match, str):
        return match in text
    if isinstance(match, re.Pattern):
        return match.search(text) is not None
    return match(item)


def _describe_match(match: object) -> str:
    if match is None:
        return "any"
    if isinstance(match, re.Pattern):
        return f"/{match.pattern}/"
    if isinstance(match, str):
        return repr(match)
    return getattr(match, "__name__", repr(match))


async def wait_until(
    state: EmulatorState,
    probe: Callable[[], T | None],
    seconds: float,
    failure: Callable[[], str],
) -> T:
    """What ``probe`` finds, re-probing on every change; ``WaitTimeout(failure())`` after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found is not None:
            return found
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaitTimeout(failure())
        await state.changed.wait(remaining)


class Waiting:
    """``BotAPIEmulator``'s part for waiting on the bot, with what each wait consumed so far."""

    _state: EmulatorState  # shared with the server; set by BotAPIEmulator.__init__

    def _init_waiting(self) -> None:
        self._read_cursor: dict[int, int] = {}
        self._edit_cursor: dict[tuple[int, int], int] = {}
        self._request_cursor: dict[str, int] = {}

    async def wait_for_message(
        self,
        chat: ChatRef,
        match: MessageMatch = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> BotMessage:
        """The first unconsumed bot message in the chat matching ``match`` (None: any;
        str: substring of the current text; Pattern: search; callable: predicate).

        It and everything before it count as consumed, so consecutive waits check order.
        On timeout raises ``WaitTimeout`` listing what the bot did send.
        """
        chat_id = refs.known_chat(self._state, chat).id

        def probe() -> BotMessage | None:
            messages = self._state.bot_messages.get(chat_id, [])
            for index in range(self._read_cursor.get(chat_id, 0), len(messages)):
                if _matches(match, messages[index].text, messages[index]):
                    self._read_cursor[chat_id] = index + 1
                    return messages[index]
            return None

        return await self._wait(
            probe,
            timeout,
            lambda: self._chat_report(
                chat_id, f"no bot message matching {_describe_match(match)}", timeout
            ),
        )

    async def wait_for_edit(
        self,
        chat: ChatRef,
        message_id: int,
        match: EditMatch = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> MessageEdit:
        """The first not yet consumed edit of the message matching ``match`` (applied to the
        edited text, or a callable on the ``MessageEdit``)."""
        chat_id = refs.known_chat(self._state, chat).id
        key = (chat_id, message_id)

        def probe() -> MessageEdit | None:
            message = self._state.bot_message(chat_id, message_id)
            edits = message.edits if message else []
            for index in range(self._edit_cursor.get(key, 0), len(edits)):
                if _matches(match, edits[index].text, edits[index]):
                    self._edit_cursor[key] = index + 1
                    return edits[index]
            return None

        return await self._wait(
            probe,
            timeout,
            lambda: self._chat_report(
                chat_id, f"no edit of #{message_id} matching {_describe_match(match)}", timeout
            ),
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: RequestPredicate = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> ApiRequest:
        """The first not yet consumed call of ``method`` (any status) satisfying
        ``predicate``; consumption is tracked per method."""
        key = method.lower()

        def probe() -> ApiRequest | None:
            requests = self._state.requests
            for index in range(self._request_cursor.get(key, 0), len(requests)):
                request = requests[index]
                if request.method.lower() == key and (predicate is None or predicate(request)):
                    self._request_cursor[key] = index + 1
                    return request
            return None

        def report() -> str:
            latest = self._state.requests[-_SHOWN_IN_FAILURES:]
            seen = [f"{r.method} -> {r.status}" for r in latest]
            return (
                f"no {method} request matching {_describe_match(predicate)} within {timeout}s; "
                f"latest calls: {', '.join(seen) or 'none'}"
            )

        return await self._wait(probe, timeout, report)

    async def wait_for(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> None:
        """Return once ``condition()`` holds (e.g. ``lambda: not emulator.pending_updates``),
        re-checked whenever the emulated world changes; ``WaitTimeout`` after ``timeout``."""
        name = getattr(condition, "__name__", repr(condition))
        await self._wait(
            lambda: True if condition() else None,
            timeout,
            lambda: f"{name} did not hold within {timeout}s",
        )

    def drain(self, chat: ChatRef) -> list[BotMessage]:
        """The bot messages not yet consumed by a wait; they count as consumed now."""
        chat_id = refs.chat_id(chat)
        messages = self._state.bot_messages.get(chat_id, [])
        unread = messages[self._read_cursor.get(chat_id, 0) :]
        self._read_cursor[chat_id] = len(messages)
        return list(unread)

    def mark_all_read(self) -> None:
        """Consume everything so far: messages, edits and requests (a test's fresh start)."""
        for chat_id, messages in self._state.bot_messages.items():
            self._read_cursor[chat_id] = len(messages)
            for message in messages:
                self._edit_cursor[chat_id, message.message_id] = len(message.edits)
        for method in {request.method.lower() for request in self._state.requests}:
            self._request_cursor[method] = len(self._state.requests)

    async def _wait(
        self, probe: Callable[[], T | None], seconds: float, failure: Callable[[], str]
    ) -> T:
        return await wait_until(self._state, probe, seconds, failure)

    def _chat_report(self, chat_id: int, headline: str, timeout: float) -> str:
        messages = self._state.bot_messages.get(chat_id, [])
        cursor = self._read_cursor.get(chat_id, 0)
        first = max(0, len(messages) - _SHOWN_IN_FAILURES)
        lines = [f"{headline} in chat {chat_id} within {timeout}s."]
        if messages:
            lines.append("Bot messages there (oldest first; '>' = not consumed by a wait yet):")
            for index in range(first, len(messages)):
                marker = ">" if index >= cursor else " "
                lines.append(f"  {marker} {messages[index].describe()}")
        else:
            lines.append("The bot sent nothing to this chat.")
        failed = [r for r in self._state.requests if r.status >= 400][-5:]
        if failed:
            lines.append("Recent failed API calls:")
            lines.extend(f"    {r.method} -> {r.status} {r.description}" for r in failed)
        return "\n".join(lines)
