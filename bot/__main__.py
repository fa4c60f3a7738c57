"""Command line: ``stretchbot`` (or ``python -m bot``) runs the bot with long polling;
``stretchbot serve`` takes updates by webhook (``set-webhook`` points Telegram at it).

With no token configured, plain ``stretchbot`` (what ``make run`` calls) starts the offline
sandbox instead, so a fresh clone shows the bot working before anyone talks to @BotFather.
``stretchbot run`` never does: a service started without its token fails loudly.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
from dotenv import load_dotenv
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot import __version__
from bot.app import allowed_updates, build_application
from bot.config import ConfigError, Settings, load_settings
from bot.core.routines import ContentError
from bot.logs import setup_logging
from bot.sandbox import SandboxOptions, add_arguments, options_from, run_sandbox
from bot.storage.postgres.lock import PollerLock
from bot.storage.postgres.revision import SchemaError
from bot.telegram.context import BotApp
from bot.telegram.poller import poll_under_lock
from bot.web.commands import delete_webhook, set_webhook, webhook_info
from bot.web.serve import ListenError, serve

#: Which env file to read (default ``.env``), e.g. to try things without touching yours.
ENV_FILE_VARIABLE = "STRETCHBOT_ENV_FILE"
NO_TOKEN_NOTICE = (
    "No TELEGRAM_BOT_TOKEN set — running the offline sandbox.\n"
    "Put your token in .env to go live; see README."
)


def _fail(message: str) -> int:
    sys.stderr.write(f"stretchbot: {message}\n")
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretchbot",
        description="Daily lower-back stretching reminders and guided routines on Telegram.",
        epilog=(
            "With no COMMAND: run the bot, or the sandbox if no TELEGRAM_BOT_TOKEN is set. "
            f"Settings come from the environment and .env ({ENV_FILE_VARIABLE} names another "
            "file); see .env.example."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (needs TELEGRAM_BOT_TOKEN)")
    commands.add_parser(
        "serve",
        help="run the bot taking updates by webhook at WEBHOOK_LISTEN (needs WEBHOOK_SECRET)",
    )
    hook = commands.add_parser(
        "set-webhook", help="tell Telegram to send updates to URL (with WEBHOOK_SECRET)"
    )
    hook.add_argument("url", metavar="URL", help="the public https URL of WEBHOOK_PATH")
    commands.add_parser("delete-webhook", help="stop webhook deliveries (back to polling)")
    commands.add_parser("webhook-info", help="what Telegram has: URL, pending updates, errors")
    sandbox = commands.add_parser(
        "sandbox",
        help="chat with the real bot in this terminal, offline (no token needed)",
        description=(
            "Chat with the real bot in this terminal, through a local Telegram emulator: "
            "nothing reaches Telegram. Each line you type is a message; /1, /2 … press the "
            "numbered buttons of the latest message that has them; /quit, Ctrl-D or Ctrl-C "
            "ends it."
        ),
    )
    add_arguments(sandbox)
    commands.add_parser(
        "migrate",
        help="bring the PostgreSQL schema (DATABASE_URL) to this version's",
    )
    copy = commands.add_parser(
        "migrate-store",
        help="copy a data folder (TinyDB) into an empty PostgreSQL database",
    )
    copy.add_argument("--from", dest="source", type=Path, default=Path("data"), metavar="DIR")
    copy.add_argument("--to", dest="target", metavar="URL", help="default: DATABASE_URL")
    return parser


def _env_file() -> Path:
    return Path(os.environ.get(ENV_FILE_VARIABLE) or ".env")


def _token_given() -> bool:
    # load_settings has loaded the env file into os.environ by the time it fails.
    return bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())


def _start(
    env_file: Path, *, sandbox_without_token: bool = False, webhook: bool = False
) -> tuple[Settings, BotApp] | int:
    """Settings, logging and the application; an exit status for a problem, in one line."""
    try:
        settings = load_settings(env_file)
    except ConfigError as exc:
        if sandbox_without_token and not _token_given():
            return sandbox(SandboxOptions(), env_file, notice=NO_TOKEN_NOTICE)
        return _fail(str(exc))
    if webhook and not settings.webhook_secret:
        return _fail(
            "set WEBHOOK_SECRET (letters, digits, _ and -): Telegram sends it with every "
            "update, and serve refuses requests without it"
        )
    setup_logging(settings.log_level, [settings.token, settings.webhook_secret or ""])
    try:
        return settings, build_application(settings, webhook=webhook)
    except ContentError as exc:
        return _fail(f"broken content, not starting: {exc}")


def _guarded(settings: Settings, go: Callable[[], object]) -> int:
    """Run the bot until it stops; every start-up problem is one line, not a traceback."""
    try:
        go()
    except InvalidToken:
        return _fail("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather.")
    except NetworkError as exc:
        where = settings.api_base_url or "api.telegram.org"
        return _fail(f"could not reach the Bot API at {where}: {exc}")
    except SchemaError as exc:
        return _fail(f"not starting: {exc}")
    except psycopg.OperationalError as exc:
        return _fail(f"could not reach the database: {str(exc).splitlines()[0]}")
    except ListenError as exc:
        return _fail(str(exc))
    return 0


def run(env_file: Path, *, sandbox_without_token: bool = False) -> int:
    """Run the real bot with long polling until Ctrl-C; with DATABASE_URL, several may run
    and only the holder of the poller lock polls (the others serve timers)."""
    started = _start(env_file, sandbox_without_token=sandbox_without_token)
    if isinstance(started, int):
        return started
    settings, application = started
    url = settings.database_url
    if url:
        return _guarded(
            settings, lambda: asyncio.run(poll_under_lock(application, PollerLock(url)))
        )
    return _guarded(settings, lambda: application.run_polling(allowed_updates=allowed_updates()))


def serve_webhooks(env_file: Path) -> int:
    """Run the real bot taking updates by webhook until SIGINT or SIGTERM."""
    started = _start(env_file, webhook=True)
    if isinstance(started, int):
        return started
    settings, application = started
    return _guarded(settings, lambda: asyncio.run(serve(application, settings)))


def webhook_command(args: argparse.Namespace, env_file: Path) -> int:
    """``set-webhook``, ``delete-webhook``, ``webhook-info`` with the bot's own settings."""
    try:
        settings = load_settings(env_file)
    except ConfigError as exc:
        return _fail(str(exc))
    setup_logging("WARNING", [settings.token, settings.webhook_secret or ""])
    say = print
    try:
        if args.command == "set-webhook":
            asyncio.run(set_webhook(settings, args.url, allowed_updates(), say))
        elif args.command == "delete-webhook":
            asyncio.run(delete_webhook(settings, say))
        else:
            asyncio.run(webhook_info(settings, say))
    except ValueError as exc:
        return _fail(str(exc))
    except InvalidToken:
        return _fail("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather.")
    except TelegramError as exc:
        return _fail(f"Telegram said: {exc}")
    return 0


def sandbox(options: SandboxOptions, env_file: Path, *, notice: str | None = None) -> int:
    """The offline sandbox; bad settings or content are one line, as for the real bot."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        # Emoji on a console that cannot show them become "?" rather than a crash.
        sys.stdout.reconfigure(errors="replace")
    try:
        return run_sandbox(options, env_file=env_file, notice=notice)
    except ConfigError as exc:
        return _fail(str(exc))
    except ContentError as exc:
        return _fail(f"broken content, not starting: {exc}")


def _database_url(given: str | None = None) -> str | None:
    load_dotenv(_env_file(), override=False)
    return given or os.environ.get("DATABASE_URL", "").strip() or None


def database_command(args: argparse.Namespace) -> int:
    """``migrate`` or ``migrate-store``: they need DATABASE_URL (or --to), not the token."""
    # Imported here: they bring Alembic and SQLAlchemy, which starting the bot does without.
    from bot.operations import migrate_schema, migrate_store

    url = _database_url(getattr(args, "target", None))
    if url is None:
        return _fail("set DATABASE_URL (postgresql://…) to say which database")
    say = print
    try:
        if args.command == "migrate":
            return migrate_schema(url, say)
        return migrate_store(args.source, url, say)
    except psycopg.OperationalError as exc:
        return _fail(f"could not reach the database: {str(exc).splitlines()[0]}")


def main(argv: list[str] | None = None) -> int:
    # Opt in to PTB 23's RetryAfter.retry_after as a timedelta (PTB 22 warns on every 429).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        return sandbox(options_from(args), _env_file())
    if args.command in ("migrate", "migrate-store"):
        return database_command(args)
    if args.command == "serve":
        return serve_webhooks(_env_file())
    if args.command in ("set-webhook", "delete-webhook", "webhook-info"):
        return webhook_command(args, _env_file())
    return run(_env_file(), sandbox_without_token=args.command is None)


if __name__ == "__main__":
    sys.exit(main())
