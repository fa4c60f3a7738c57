"""Tests of the Bot API emulator (bot.emulator)."""
