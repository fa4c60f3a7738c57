"""The Bot API methods the emulator implements, on validated parameters, one module per area.

Each handler gets the state, the parameters already typed by the spec, and ``now``: the
``time.monotonic()`` at which the request arrived. Anything not registered here answers 404
"not emulated", so a bot relying on an unimplemented feature fails loudly.

Importing this package imports every area, so ``HANDLERS`` holds every handler:

- ``bot_info``: getMe, logOut/close, the bot's commands and descriptions;
- ``updates``: getUpdates (long polling);
- ``webhooks``: setWebhook, deleteWebhook, getWebhookInfo (deliveries: ``bot.emulator.delivery``);
- ``messages``: sending and deleting messages, chat actions;
- ``edits``: editing the bot's messages;
- ``callbacks``: answering button presses;
- ``files``: sendDocument and getFile;
- ``photos``: sendPhoto (uploads and re-sends by file_id);
- ``chats``: what the bot can learn about a chat and its members.
"""

from . import bot_info, callbacks, chats, edits, files, messages, photos, updates, webhooks
from .registry import HANDLERS, Handler, Params, method

__all__ = [
    "HANDLERS",
    "Handler",
    "Params",
    "bot_info",
    "callbacks",
    "chats",
    "edits",
    "files",
    "messages",
    "method",
    "photos",
    "updates",
    "webhooks",
]
