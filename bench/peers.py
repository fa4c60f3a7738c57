"""Which local process sent a request: its TCP source port, owned by one process's socket.

The emulator records each request's source port (``ApiRequest.peer_port``); the instances are
processes on this machine, so ``/proc`` says whose socket has that port. Connections come and
go (keep-alive expiry), so :class:`PortWatch` samples them all through a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["PortWatch", "socket_ports"]


def _inodes(pid: int) -> set[str]:
    found = set()
    with contextlib.suppress(OSError):
        for fd in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = str(Path(fd.path).readlink())
                if target.startswith("socket:["):
                    found.add(target[8:-1])
    return found


def socket_ports(pids: Sequence[int], remote_port: int) -> dict[int, int]:
    """Local port → pid, for TCP connections of ``pids`` to ``remote_port``."""
    owners = {inode: pid for pid in pids for inode in _inodes(pid)}
    ports: dict[int, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if int(remote.rsplit(":", 1)[1], 16) == remote_port and inode in owners:
                    ports[int(local.rsplit(":", 1)[1], 16)] = owners[inode]
    return ports


class PortWatch:
    """Samples ``socket_ports`` every ``every`` seconds while running (``async with``)."""

    def __init__(self, pids: Sequence[int], remote_port: int, every: float = 0.25) -> None:
        self.pids = list(pids)
        self.remote_port = remote_port
        self.every = every
        #: Every local port seen → its pid.
        self.ports: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        self.ports.update(socket_ports(self.pids, self.remote_port))

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)

    async def __aenter__(self) -> PortWatch:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.sample()
