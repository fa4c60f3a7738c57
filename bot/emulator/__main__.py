"""Run the emulator on its own: ``python -m bot.emulator --port 8081``.

Handy while developing: point a bot at the printed base_url, write to it as the printed user
with ``--say``, and watch what it sends. Stop with Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .emulator import DEFAULT_TOKEN, BotAPIEmulator
from .flood import FloodLimits
from .models import CallbackAnswered, ChatActionSent, Event, MessageDeleted, MessageEdited


def _describe(event: Event) -> str:
    if isinstance(event, MessageEdited):
        return f"edited  {event.message.describe()}"
    if isinstance(event, MessageDeleted):
        return f"deleted #{event.message_id}"
    if isinstance(event, CallbackAnswered):
        return f"answer  {event.answer.text!r} (alert={event.answer.show_alert})"
    if isinstance(event, ChatActionSent):
        return f"action  {event.action.action}"
    return f"sent    {event.message.describe()}"


async def _serve(args: argparse.Namespace) -> None:
    limits: bool | FloodLimits = args.limits
    if args.strict_window:
        limits = FloodLimits(strict_window=True)
    async with BotAPIEmulator(
        args.token, host=args.host, port=args.port, limits=limits
    ) as emulator:
        user = emulator.add_user(args.user)
        events = emulator.subscribe()
        sys.stdout.write(
            f"Bot API emulator for @{emulator.bot_user['username']}\n"
            f"base_url:      {emulator.base_url}\n"
            f"base_file_url: {emulator.base_file_url}\n"
            f"user:          {user.first_name} (id {user.id})\n"
        )
        sys.stdout.flush()
        for text in args.say:
            emulator.send_text(user, text)
        while True:
            event = await events.get()
            sys.stdout.write(f"[chat {event.chat_id}] {_describe(event)}\n")
            sys.stdout.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the token the bot must use")
    parser.add_argument("--user", default="Alex", help="first name of the emulated user")
    parser.add_argument(
        "--limits",
        action="store_true",
        help="enforce Telegram's flood limits (30/s overall, ~1/s per chat, 20/min per group)",
    )
    parser.add_argument(
        "--strict-window",
        action="store_true",
        help="limits mode counted strictly: at most 30 sends in any second, 1 per private chat "
        "in any second, 20 per group in any minute (implies --limits)",
    )
    parser.add_argument("--say", action="append", default=[], help="text the user sends")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
