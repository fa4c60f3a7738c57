"""The :class:`~bot.ports.Outbox` port over the Bot API: render a note, fit it into Telegram's
limits, send it in its lane through the rate limiter (``bot.telegram.delivery``), and turn
Telegram's errors into the port's (:class:`~bot.ports.Blocked`, :class:`~bot.ports.Unreachable`).

Each note is rendered in its chat's language (``bot.telegram.render.i18n``), read from the store
at every send rather than cached, so a /language set on one instance holds on every other at
once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bot.ports import Blocked, FileIds, Lane, Note, Store, Unreachable
from bot.telegram import delivery
from bot.telegram.fitting import fit, visible_length
from bot.telegram.photos import PhotoSender
from bot.telegram.render import Rendered, Renderers, i18n

__all__ = ["TelegramOutbox"]

_LOGGER = logging.getLogger(__name__)

#: Telegram's limit for a photo's caption once the HTML is parsed.
MAX_CAPTION = 1024


class TelegramOutbox:
    """Notes to messages, through one bot."""

    def __init__(
        self,
        bot: ExtBot[Any],
        renderers: Renderers,
        file_ids: FileIds | None = None,
        *,
        paid_bulk: bool = False,
        chats: Store | None = None,
    ) -> None:
        self._bot = bot
        self._renderers = dict(renderers)
        #: Where each chat's language is read; without it, the language being spoken.
        self._chats = chats
        self._photos = PhotoSender(bot, file_ids)
        #: PAID_BROADCAST_PER_SECOND is set: bulk sends go as paid broadcasts, faster.
        self._paid_bulk = paid_bulk

    def render(self, note: Note) -> Rendered:
        """The message a note becomes (KeyError for a note nobody renders: a wiring bug), in
        the language being spoken."""
        return self._renderers[type(note)](note)

    async def _render_for(self, chat_id: int, note: Note) -> Rendered:
        """The note in the chat's own language (a chat that never chose one: the language of
        the update being answered, if any)."""
        chat = await self._chats.chat(chat_id) if self._chats is not None else None
        with i18n.speaking(i18n.pick(chat.language if chat else None, i18n.current())):
            return self.render(note)

    async def send(
        self, chat_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE, sound: bool = False
    ) -> int:
        """Send the note (split in several messages if it is too long for one, the buttons on
        the last); the id of the last message. A note rendered with a photo is a photo with the
        text as its caption, or, past a caption's 1 024 characters, a photo and then the text."""
        rendered = await self._render_for(chat_id, note)
        if rendered.photo is not None:
            fits = visible_length(rendered.text) <= MAX_CAPTION
            with _port_errors():
                message = await self._photos.send(
                    chat_id,
                    rendered.photo,
                    caption=rendered.text if fits else None,
                    buttons=rendered.buttons if fits else None,
                    lane=lane,
                    sound=sound,
                )
            if fits:
                return message.message_id
        parts = fit(rendered.text)
        paid = self._paid_bulk and lane is Lane.BULK
        message_id = 0
        for number, part in enumerate(parts, start=1):
            last = number == len(parts)
            with _port_errors():
                message = await self._bot.send_message(
                    chat_id,
                    part,
                    reply_markup=rendered.buttons if last else None,
                    disable_notification=not sound,
                    allow_paid_broadcast=True if paid else None,
                    rate_limit_args=lane,
                )
            message_id = message.message_id
        return message_id

    async def edit(
        self, chat_id: int, message_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE
    ) -> bool:
        rendered = await self._render_for(chat_id, note)
        try:
            await self._bot.edit_message_text(
                fit(rendered.text, parts=1)[0],
                chat_id,
                message_id,
                reply_markup=rendered.buttons,
                rate_limit_args=lane,
            )
        except delivery.NoRoom:
            return False  # a countdown tick with the budget busy: the next one will do
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except (BadRequest, NetworkError) as exc:
            # Deleted by the user, unchanged, too old, or Telegram away for a moment.
            _LOGGER.info("Could not edit message %s in chat %s: %s", message_id, chat_id, exc)
            return False
        return True

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        try:
            await self._bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except (BadRequest, NetworkError) as exc:
            _LOGGER.info("Could not take the buttons off in chat %s: %s", chat_id, exc)

    def bulk_slot(self) -> contextlib.AbstractAsyncContextManager[object]:
        return delivery.bulk_slot(self._bot)


@contextlib.contextmanager
def _port_errors() -> Iterator[None]:
    """Telegram's errors on a send as the port's: blocked, or unreachable for now."""
    try:
        yield
    except Forbidden as exc:
        raise Blocked(str(exc)) from exc
    except RetryAfter as exc:
        raise Unreachable(str(exc), _seconds(exc.retry_after)) from exc
    except BadRequest:
        raise  # a bug, or a chat that is gone: not a passing fault
    except NetworkError as exc:
        raise Unreachable(str(exc)) from exc


def _seconds(wait: dt.timedelta | float) -> float:
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
