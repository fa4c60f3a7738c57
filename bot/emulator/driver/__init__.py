"""The parts of ``BotAPIEmulator``, the driver a test or the sandbox holds.

``bot.emulator.emulator`` assembles them into one class. Each part is a mixin over the same
``EmulatorState``, keeping only its own bookkeeping besides, and none calls another:

- ``users``: the users and chats a test plays, and what they send (texts, documents, button
  presses and callback queries, raw updates);
- ``observing``: what the bot did, as snapshots (messages, API calls, callback answers,
  commands, events);
- ``waiting``: waiting for the bot's next message, edit or call, consuming them in order;
- ``webhooks``: webhook deliveries, waiting for one, and the test-only load balancer;
- ``control``: serving (start/stop), where it listens, faults and flood limits;
- ``refs``: how the parts name chats and messages.
"""
