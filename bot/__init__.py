"""stretch-bot: daily lower-back stretching reminders and guided routines on Telegram."""

__version__ = "0.1.0"
