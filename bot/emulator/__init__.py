"""A local Telegram Bot API emulator for end-to-end tests and the terminal sandbox.

Point the real python-telegram-bot stack at it::

    async with BotAPIEmulator() as emulator:
        app = ApplicationBuilder().token(emulator.token).base_url(emulator.base_url).build()
        user = emulator.add_user("Alex")
        ...
        emulator.send_text(user, "/start")
        reply = await emulator.wait_for_message(user, "Welcome")

Webhooks work as at Telegram (setWebhook, then updates arrive by HTTP POST, retried until a
2xx answer; getUpdates is 409 meanwhile); ``emulator.balance(url, [...])`` is a test-only load
balancer in front of several bot instances. Calls are validated against the Bot API 10.0 spec
(``botapi.json``), Telegram's limits and parse modes; methods it does not implement answer 404
so that gaps are never silent.
"""

from .driver.refs import ChatRef
from .driver.waiting import EditMatch, MessageMatch
from .emulator import DEFAULT_TOKEN, BotAPIEmulator
from .errors import (
    ApiError,
    ButtonNotFound,
    EmulatorAssertionError,
    EmulatorUsageError,
    WaitTimeout,
)
from .faults import Fault, FaultKind, Faults
from .flood import FloodLimits
from .markup import EntityParseError, parse, utf16_len
from .methods import HANDLERS
from .models import (
    ApiRequest,
    BotMessage,
    CallbackAnswer,
    CallbackAnswered,
    ChatAction,
    ChatActionSent,
    EmulatedUser,
    Event,
    MessageDeleted,
    MessageEdit,
    MessageEdited,
    MessageSent,
)
from .spec import BotApiSpec, SpecMismatch, load_spec
from .webhook import SECRET_TOKEN_HEADER, Webhook, WebhookDelivery, WebhookTiming

EMULATED_METHODS = frozenset(HANDLERS)

__all__ = [
    "DEFAULT_TOKEN",
    "EMULATED_METHODS",
    "SECRET_TOKEN_HEADER",
    "ApiError",
    "ApiRequest",
    "BotAPIEmulator",
    "BotApiSpec",
    "BotMessage",
    "ButtonNotFound",
    "CallbackAnswer",
    "CallbackAnswered",
    "ChatAction",
    "ChatActionSent",
    "ChatRef",
    "EditMatch",
    "EmulatedUser",
    "EmulatorAssertionError",
    "EmulatorUsageError",
    "EntityParseError",
    "Event",
    "Fault",
    "FaultKind",
    "Faults",
    "FloodLimits",
    "MessageDeleted",
    "MessageEdit",
    "MessageEdited",
    "MessageMatch",
    "MessageSent",
    "SpecMismatch",
    "WaitTimeout",
    "Webhook",
    "WebhookDelivery",
    "WebhookTiming",
    "load_spec",
    "parse",
    "utf16_len",
]
