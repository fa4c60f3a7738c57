"""Inline-button callback data: a short prefix, validated on the way in.

Telegram limits callback data to 64 bytes and sends back whatever a (possibly old, possibly
forged) button carried, so nothing is trusted until it parses here.
"""

from __future__ import annotations

__all__ = ["GO"]

#: Start the default routine now (the reminder's button).
GO = "go"
