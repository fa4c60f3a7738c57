"""``BotAPIEmulator``: a local Telegram for one bot, driven by tests and the sandbox.

The bot talks to it over real HTTP (``ApplicationBuilder().base_url(emulator.base_url)``);
the test, in the same event loop, plays the users (``send_text``, ``press_button``...) and
observes the bot (``messages``, ``wait_for_message``, ``requests``...).

This module only assembles the class: its methods come from the driver's parts in
``bot.emulator.driver``, which all work on one ``EmulatorState`` shared with the server.
"""

from __future__ import annotations

from .driver.control import Control
from .driver.observing import Observation
from .driver.users import Users
from .driver.waiting import Waiting
from .driver.webhooks import Webhooks
from .flood import FloodLimits
from .spec import load_spec
from .state import EmulatorState
from .webhook import WebhookTiming

DEFAULT_TOKEN = "123456:TEST-emulator-token-not-real"


class BotAPIEmulator(Users, Observation, Waiting, Webhooks, Control):
    """A local, in-process Telegram Bot API server plus the controls to play its users.

    ``allow_http_webhooks`` (default on: everything here is local) lets setWebhook take
    ``http://127.0.0.1:...`` URLs on any port, as the official server does in ``--local`` mode;
    off, Telegram's public rules apply (https, ports 80/88/443/8443, no private addresses).
    ``webhook_timing`` sets the redelivery back-off and the delivery timeout.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "stretch_test_bot",
        first_name: str = "Stretch Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limit_per_chat: tuple[int, float] | None = None,
        limits: bool | FloodLimits = False,
        allow_http_webhooks: bool = True,
        webhook_timing: WebhookTiming | None = None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("token must look like Telegram's: '<bot id>:<secret>'")
        self._token = token
        self._host = host
        self._port = port
        self.spec = load_spec()
        self._state = EmulatorState(
            {
                "id": int(bot_id),
                "is_bot": True,
                "first_name": first_name,
                "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        self._state.flood_limit = flood_limit_per_chat
        self._state.webhooks.allow_http = allow_http_webhooks
        if webhook_timing is not None:
            self._state.webhooks.timing = webhook_timing
        if limits:
            self.enable_limits(None if limits is True else limits)
        self._runner = None
        self._dispatcher = None
        self._init_users()
        self._init_waiting()

    def __repr__(self) -> str:  # never shows the token
        state = f"serving on {self._host}:{self._port}" if self._runner else "stopped"
        return f"<BotAPIEmulator @{self.bot_user['username']} {state}>"
