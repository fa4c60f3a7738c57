"""A throw-away PostgreSQL cluster for the tests: ``initdb`` in a temporary folder, a private
socket folder and a free loopback port, stopped and deleted afterwards.

Each pytest-xdist worker starts its own (about two seconds), so workers never share a database.
As root, the server runs as the ``postgres`` user (``pg_ctl`` refuses root). Where PostgreSQL
is not installed the tests that need it skip with a message saying so, unless
``STRETCHBOT_REQUIRE_POSTGRES=1`` (CI: ``.ci/run`` installs it and sets that), when they fail.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Cluster", "cluster", "find_binary"]

REQUIRE = "STRETCHBOT_REQUIRE_POSTGRES"


def find_binary(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Cluster:
    """A running server: connect with :meth:`url`."""

    root: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"PostgreSQL is required here ({REQUIRE}=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason} (install the postgresql package)")


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a fresh cluster for the duration of the ``with``."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        _missing("initdb/pg_ctl were not found")
    assert initdb is not None
    assert pg_ctl is not None
    root = Path(tempfile.mkdtemp(prefix="stretchbot-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    options = (
        f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    try:
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_user,
                pg_ctl,
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        _missing(f"the server did not start: {exc.stderr.decode(errors='replace')[-500:]}")
    try:
        yield Cluster(root, port)
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)
