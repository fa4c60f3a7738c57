"""Errors: what the emulator answers over HTTP, and what it raises at the test that drives it."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error response, shaped exactly like Telegram's JSON error body."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """400, worded as Telegram words it: ``Bad Request: <reason>``."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403, e.g. ``Forbidden: bot was blocked by the user``."""
    return ApiError(403, f"Forbidden: {reason}")


def not_found(detail: str | None = None) -> ApiError:
    """404: wrong token, unknown method, or a method the emulator does not implement."""
    return ApiError(404, f"Not Found: {detail}" if detail else "Not Found")


class EmulatorAssertionError(AssertionError):
    """A test's expectation about the bot failed (raised by the driver, never over HTTP)."""


class WaitTimeout(EmulatorAssertionError):
    """Nothing matching arrived in time; the message lists what the bot did send instead."""


class ButtonNotFound(EmulatorAssertionError):
    """A test tried to press a button that the message does not currently show."""


class EmulatorUsageError(RuntimeError):
    """The driver was asked for something impossible (unknown chat, blocked user sending...)."""
