"""The :class:`~bot.ports.Updates` port in memory, for one process (the data folder's bot).

One process sees a redelivery only when Telegram gave up waiting for its answer (a webhook
timeout) or after its own restart; the ids of the last few thousand updates cover the first,
and a restart forgets them, as the TinyDB bot always did.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["RecentUpdates"]

#: Update ids remembered: far more than Telegram keeps in flight for one bot.
DEFAULT_LIMIT = 10_000


class RecentUpdates:
    """The last ``limit`` update ids seen, oldest forgotten first."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True
