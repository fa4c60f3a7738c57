"""The HTTP face of the emulator: ``/bot<token>/<method>``, answered the way Telegram answers.

Order of checks, as at Telegram: token, method name, parameters (spec), then the method's own
rules. Every call is logged with its arrival time and final status; a call cut short because
the client went away (an abandoned long poll) is logged with status 499.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import files
from .errors import ApiError, bad_request, forbidden, not_found
from .faults import Fault
from .methods import HANDLERS
from .models import ApiRequest, Described, UploadedFile
from .spec import BotApiSpec, SpecMismatch, api_error_for
from .state import EmulatorState

_LOG = logging.getLogger(__name__)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CLIENT_CLOSED = 499
#: Logged for a call whose connection an injected fault closed without any response.
CONNECTION_RESET = 444


async def read_params(request: web.Request) -> dict[str, object]:
    """Query string plus a form, multipart or JSON body; files become ``UploadedFile``."""
    params: dict[str, object] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        params.update(body)
    elif request.content_type in _FORM_TYPES:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[name] = UploadedFile(
                    value.name, value.filename, value.content_type, value.file.read()
                )
            elif isinstance(value, str):
                params[name] = value
            else:
                params[name] = bytes(value).decode("utf-8", "replace")
    return params


@dataclass
class _Call:
    """What the log will say about one request, filled in as handling progresses."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    status: int = CLIENT_CLOSED
    description: str | None = None
    result: object = None


class BotApiHandler:
    """The aiohttp handler for every ``/bot<token>/<method>`` request."""

    def __init__(self, state: EmulatorState, spec: BotApiSpec, token: str) -> None:
        self._state = state
        self._spec = spec
        self._token = token

    async def handle(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        call = _Call(request.match_info["method"])
        try:
            try:
                result = await self._dispatch(request, call, now)
            except _Reset:
                call.status, call.description = CONNECTION_RESET, "fault: connection reset"
                return web.Response(status=CONNECTION_RESET)
            except ApiError as exc:
                call.status, call.description = exc.status, exc.description
                return web.json_response(exc.body(), status=exc.status)
            call.status, call.result = 200, result
            body: dict[str, object] = {"ok": True, "result": result}
            if call.description is not None:
                body["description"] = call.description
            return web.json_response(body)
        finally:
            self._state.log_request(
                ApiRequest(
                    call.method,
                    call.params,
                    now,
                    call.status,
                    call.description,
                    call.result,
                    _peer_port(request),
                )
            )

    async def _dispatch(self, request: web.Request, call: _Call, now: float) -> object:
        if request.match_info["token"] != self._token:
            raise not_found()
        method = self._spec.method(call.method)
        if method is None:
            raise not_found()
        call.method = method.name
        handler = HANDLERS.get(method.name)
        if handler is None:
            raise not_found(f"method {method.name} is not emulated")
        raw = await read_params(request)
        call.params = dict(raw)
        params = self._spec.parse_params(method, raw)
        call.params = dict(params)
        fault = self._state.faults.take(method.name, params)
        if fault is not None and not (fault.kind == "timeout" and fault.processed):
            await _inject(request, fault)
        try:
            result = await handler(self._state, self._spec, params, now)
            if isinstance(result, Described):
                result, call.description = result.result, result.description
            self._spec.check_result(method, result)
        except SpecMismatch as exc:
            self._state.internal_errors.append(f"{method.name}: {exc}")
            raise api_error_for(exc) from None
        except ApiError:
            raise
        except Exception as exc:
            _LOG.exception("Emulator bug while handling %s", method.name)
            self._state.internal_errors.append(f"{method.name}: {exc!r}")
            raise ApiError(500, f"Internal Server Error: emulator bug: {exc!r}") from None
        if fault is not None:  # a processed timeout: done, but the answer comes late (or never)
            await asyncio.sleep(fault.hold)
            fault.answered += 1
        return result


class _Reset(Exception):
    """The connection was closed on purpose; there is nobody left to answer."""


async def _inject(request: web.Request, fault: Fault) -> None:
    """Fail the call as ``fault`` says, before the method runs (a timeout returns late)."""
    if fault.kind == "400":
        raise bad_request("fault injected by the test")
    if fault.kind == "500":
        raise ApiError(500, "Internal Server Error")
    if fault.kind == "502":
        raise ApiError(502, "Bad Gateway")
    if fault.kind == "429":
        after = fault.retry_after
        raise ApiError(429, f"Too Many Requests: retry after {after}", retry_after=after)
    if fault.kind == "403":
        raise forbidden("bot was blocked by the user")
    if fault.kind == "reset":
        if request.transport is not None:
            request.transport.abort()
        raise _Reset
    # A timeout: the client gives up first, and the handler is cancelled when it goes away.
    await asyncio.sleep(fault.hold)


async def _not_found(request: web.Request) -> web.Response:
    return web.json_response(not_found().body(), status=404)


def build_app(state: EmulatorState, spec: BotApiSpec, token: str) -> web.Application:
    """The aiohttp application serving the Bot API for ``token``."""
    app = web.Application(client_max_size=50 * 1024 * 1024)
    handler = BotApiHandler(state, spec, token)
    app.router.add_route("GET", "/bot{token}/{method}", handler.handle)
    app.router.add_route("POST", "/bot{token}/{method}", handler.handle)
    app.router.add_route("GET", "/file/bot{token}/{path:.+}", files.FileServer(state, token).get)
    app.router.add_route("*", "/{tail:.*}", _not_found)
    return app


def _peer_port(request: web.Request) -> int | None:
    """The port the request came from, if known."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if isinstance(peer, tuple) and len(peer) >= 2 else None
