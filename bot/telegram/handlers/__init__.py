"""Telegram update handlers, one module per feature; registered in bot.app."""
