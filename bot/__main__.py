"""Command line: ``stretchbot`` (or ``python -m bot``) runs the bot with long polling."""

from __future__ import annotations

import argparse
import sys

from telegram.error import InvalidToken, NetworkError

from bot import __version__
from bot.app import allowed_updates, build_application
from bot.config import ConfigError, load_settings
from bot.content import ContentError
from bot.logs import setup_logging


def _fail(message: str) -> int:
    sys.stderr.write(f"stretchbot: {message}\n")
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretchbot",
        description="Daily lower-back stretching reminders and guided routines on Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (the default)")
    return parser


def run() -> int:
    """Run the real bot until Ctrl-C; every start-up problem is one line, not a traceback."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    setup_logging(settings.log_level, [settings.token])
    try:
        application = build_application(settings)
    except ContentError as exc:
        return _fail(f"broken content, not starting: {exc}")
    try:
        application.run_polling(allowed_updates=allowed_updates())
    except InvalidToken:
        return _fail("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather.")
    except NetworkError as exc:
        where = settings.api_base_url or "api.telegram.org"
        return _fail(f"could not reach the Bot API at {where}: {exc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    _parser().parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
