"""Command line: ``stretchbot`` (or ``python -m bot``) runs the bot with long polling.

With no token configured, plain ``stretchbot`` (what ``make run`` calls) starts the offline
sandbox instead, so a fresh clone shows the bot working before anyone talks to @BotFather.
``stretchbot run`` never does: a service started without its token fails loudly.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

import psycopg
from dotenv import load_dotenv
from telegram.error import InvalidToken, NetworkError

from bot import __version__
from bot.app import allowed_updates, build_application
from bot.config import ConfigError, load_settings
from bot.core.routines import ContentError
from bot.logs import setup_logging
from bot.operations import migrate_schema, migrate_store
from bot.sandbox import SandboxOptions, add_arguments, options_from, run_sandbox
from bot.storage.postgres.schema import SchemaError

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


def run(env_file: Path, *, sandbox_without_token: bool = False) -> int:
    """Run the real bot until Ctrl-C; every start-up problem is one line, not a traceback."""
    try:
        settings = load_settings(env_file)
    except ConfigError as exc:
        if sandbox_without_token and not _token_given():
            return sandbox(SandboxOptions(), env_file, notice=NO_TOKEN_NOTICE)
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
    except SchemaError as exc:
        return _fail(f"not starting: {exc}")
    except psycopg.OperationalError as exc:
        return _fail(f"could not reach the database: {str(exc).splitlines()[0]}")
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
    return run(_env_file(), sandbox_without_token=args.command is None)


if __name__ == "__main__":
    sys.exit(main())
