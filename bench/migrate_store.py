"""``python -m bench.migrate_store [--chats N ...] [--url URL]``: ``stretchbot migrate-store``
at scale (issue 13).

For each size, writes a data folder of N subscribers with about three sessions each (the store
bench's writer, then the upgrade to one file per chat, as the bot would have left it), copies it
into an empty, migrated database with the command's own code (``bot.operations.migrate_store``)
and reports rows a second: chats + sessions + sessions in progress by ``COPY``, then the
reminder timer rows. A second run over the same folder shows what re-running costs (nothing is
added). Without ``--url`` a throw-away cluster is started (``tests.postgres``, as the tests do).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bench.store import write_legacy_store
from bot.operations import migrate_store
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.schema import migrate

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def server(url: str | None) -> Iterator[str]:
    """A PostgreSQL server's maintenance URL: the one given, or a throw-away cluster."""
    if url:
        yield url
        return
    sys.path.insert(0, str(REPO))
    from tests.postgres import cluster

    with cluster() as running:
        yield running.url()


def fresh_database(url: str) -> str:
    """A new database on the server, at the bot's schema; its URL."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    target = urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
    migrate(target)
    return target


def run(folder: Path, url: str) -> dict[str, float]:
    """One ``migrate-store``: seconds to the counts (the copy) and to the end (the timers)."""
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    status = migrate_store(folder, url, lambda line: lines.append((time.perf_counter(), line)))
    ended = time.perf_counter()
    if status != 0:
        raise SystemExit("\n".join(line for _, line in lines))
    copied = next(at for at, line in lines if "counts match" in line)
    rows = sum(int(m[1]) for _, line in lines if (m := re.search(r"→\s+(\d+)", line)))
    timers = next(int(line.split()[0]) for _, line in lines if "timer(s)" in line)
    return {
        "rows": rows,
        "copy_s": copied - started,
        "timers": timers,
        "timers_s": ended - copied,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.migrate_store")
    parser.add_argument("--chats", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--url", help="a PostgreSQL server to create throw-away databases on")
    args = parser.parse_args(argv)
    with server(args.url) as url:
        for size in args.chats:
            with tempfile.TemporaryDirectory() as name:
                folder = Path(name)
                write_legacy_store(folder, size)
                ChatFiles.in_folder(folder).close()  # the upgrade is not part of the copy
                target = fresh_database(url)
                for label in ("first run", "run again"):
                    f = run(folder, target)
                    total = f["copy_s"] + f["timers_s"]
                    print(
                        f"{size:>7} chats, {label}: {f['rows']:.0f} rows copied in "
                        f"{f['copy_s']:.1f} s ({f['rows'] / f['copy_s']:,.0f} rows/s), "
                        f"{f['timers']:.0f} timer rows in {f['timers_s']:.1f} s "
                        f"({f['timers'] / f['timers_s']:,.0f}/s); all "
                        f"{(f['rows'] + f['timers']) / total:,.0f} rows/s",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
