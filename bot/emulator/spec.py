"""The Bot API 10.0 spec (botapi.json) and validation of calls and results against it.

Validation is deliberately stricter than Telegram in one way: unknown fields, also inside
JSON-encoded objects, are errors. A typo in ``reply_markup`` that Telegram would silently ignore
is a bug in the bot, and the emulator exists to make such bugs loud.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .errors import ApiError, bad_request
from .models import UploadedFile

SCALARS = frozenset({"Integer", "String", "Boolean", "Float"})
_INT_RE = re.compile(r"-?\d{1,20}")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})
_ARRAY = "Array of "

# Telegram's own wording for some missing required parameters.
_MISSING_WORDING = {"text": "message text is empty", "chat_id": "chat_id is empty"}


class SpecMismatch(ValueError):
    """A JSON value does not match its declared Bot API type; ``path`` locates the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem

    @property
    def depth(self) -> int:
        """How deep the mismatch is: for unions, the deepest failure is the informative one."""
        if not self.path:
            return 0
        return 1 + self.path.count(".") + self.path.count("[")


@dataclass(frozen=True)
class FieldSpec:
    """A parameter of a method or a field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    const: str | None = None


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API type: an object with fields, or an abstract type listing its subtypes."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]


def _field(raw: Mapping[str, Any]) -> FieldSpec:
    return FieldSpec(raw["name"], tuple(raw["types"]), bool(raw["required"]), raw.get("const"))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


#: Parameters python-telegram-bot 22 sends to methods that do not take them: with
#: ``Defaults(parse_mode=...)`` every call built by ``Bot._send_message`` carries ``parse_mode``,
#: editMessageReplyMarkup included. Telegram ignores unknown parameters, so these are accepted
#: and dropped; any other unknown parameter is still a 400, so a typo never passes silently.
PTB_EXTRA_PARAMS = frozenset({("editMessageReplyMarkup", "parse_mode")})

#: Parameters the spec calls required that Telegram's server does not require: setWebhook
#: without a url (or with an empty one, as the spec itself suggests) removes the webhook.
NOT_REQUIRED_IN_PRACTICE = frozenset({("setWebhook", "url")})


class BotApiSpec:
    """Methods and types of one Bot API version, with validators for calls and results."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(
                name, {f["name"]: _field(f) for f in raw["fields"]}, tuple(raw["returns"])
            )
            for name, raw in data["methods"].items()
        }
        self.types: dict[str, TypeSpec] = {
            name: TypeSpec(
                name,
                {f["name"]: _field(f) for f in raw.get("fields", [])},
                tuple(raw.get("subtypes", [])),
            )
            for name, raw in data["types"].items()
        }
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        """Look a method up case-insensitively, as Telegram does."""
        return self._by_lower.get(name.lower())

    # -- calls -------------------------------------------------------------------------------

    def parse_params(self, method: MethodSpec, raw: Mapping[str, object]) -> dict[str, Any]:
        """Turn raw request parameters into typed values, or raise a 400 ``ApiError``.

        Form values are strings (complex ones JSON-encoded); JSON bodies carry native values.
        An empty value counts as absent, as at Telegram.
        """
        params: dict[str, Any] = {}
        for name, value in raw.items():
            field = method.fields.get(name)
            if field is None and (method.name, name) in PTB_EXTRA_PARAMS:
                continue  # Telegram ignores it; see PTB_EXTRA_PARAMS
            if field is None:
                raise bad_request(f'unknown parameter "{name}"')
            if value is None or value == "":
                continue
            params[name] = self._coerce(field, value)
        for field in method.fields.values():
            if (method.name, field.name) in NOT_REQUIRED_IN_PRACTICE:
                continue
            if field.required and field.name not in params:
                wording = _MISSING_WORDING.get(field.name, f'parameter "{field.name}" is required')
                raise bad_request(wording)
        return params

    def _coerce(self, field: FieldSpec, value: object) -> object:
        if isinstance(value, UploadedFile):
            if "InputFile" in field.types:
                return value
            raise bad_request(f'parameter "{field.name}" can\'t be a file')
        for typ in field.types:
            if typ in SCALARS or typ == "InputFile":
                coerced = _coerce_scalar(typ, value)
                if coerced is not None:
                    return coerced
        complex_types = [t for t in field.types if t not in SCALARS and t != "InputFile"]
        if not complex_types:
            expected = " or ".join(field.types)
            raise bad_request(f'parameter "{field.name}" must be of type {expected}')
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f'can\'t parse "{field.name}" JSON object') from None
        try:
            self.check(complex_types, value, field.name)
        except SpecMismatch as exc:
            raise bad_request(f"invalid parameter {exc}") from None
        return value

    # -- values ------------------------------------------------------------------------------

    def check(self, types: Sequence[str], value: object, path: str = "") -> None:
        """Raise ``SpecMismatch`` unless ``value`` (native JSON) matches one of ``types``."""
        failures: list[SpecMismatch] = []
        for typ in types:
            try:
                self._check_one(typ, value, path)
            except SpecMismatch as exc:
                failures.append(exc)
            else:
                return
        raise max(failures, key=lambda exc: exc.depth)

    def check_result(self, method: MethodSpec, result: object) -> None:
        """Raise ``SpecMismatch`` if a method's result does not match its declared return type."""
        self.check(method.returns, result, "result")

    def _check_one(self, typ: str, value: object, path: str) -> None:
        if typ.startswith(_ARRAY):
            if not isinstance(value, list):
                raise SpecMismatch(path, f"expected {typ}")
            item_type = typ.removeprefix(_ARRAY)
            for index, item in enumerate(value):
                self.check([item_type], item, f"{path}[{index}]")
            return
        if typ in SCALARS or typ == "InputFile":
            if not _is_native(typ, value):
                raise SpecMismatch(path, f"expected {typ}, got {type(value).__name__}")
            return
        spec = self.types.get(typ)
        if spec is None:  # pragma: no cover - the spec references only its own types
            raise SpecMismatch(path, f"unknown type {typ}")
        if not isinstance(value, dict):
            raise SpecMismatch(path, f"expected a {typ} object")
        if spec.subtypes:
            self._check_abstract(spec, value, path)
        else:
            self._check_object(spec, value, path)

    def _check_abstract(self, spec: TypeSpec, value: dict[str, Any], path: str) -> None:
        by_const: dict[str, str] = {}
        key: str | None = None
        for name in spec.subtypes:
            for field in self.types[name].fields.values():
                if field.const is not None:
                    key = field.name
                    by_const[field.const] = name
        if key is None:  # no discriminator (e.g. InputMessageContent): any subtype may fit
            self.check(spec.subtypes, value, path)
            return
        tag = value.get(key)
        if tag is None:
            raise SpecMismatch(path, f'field "{key}" is required for {spec.name}')
        if tag not in by_const:
            raise SpecMismatch(_join(path, key), f"unsupported {spec.name} {key} {tag!r}")
        self._check_object(self.types[by_const[tag]], value, path)

    def _check_object(self, spec: TypeSpec, value: dict[str, Any], path: str) -> None:
        for name in value:
            if name not in spec.fields:
                raise SpecMismatch(path, f'unknown field "{name}" in {spec.name}')
        for field in spec.fields.values():
            item = value.get(field.name)
            if item is None:
                if field.required:
                    raise SpecMismatch(path, f'field "{field.name}" is required in {spec.name}')
                continue
            self.check(field.types, item, _join(path, field.name))
            if field.const is not None and item != field.const:
                raise SpecMismatch(_join(path, field.name), f"must be {field.const!r}")


def _is_native(typ: str, value: object) -> bool:
    if typ == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if typ == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if typ == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, str)  # String, and InputFile given as file_id / URL / attach://


def _coerce_scalar(typ: str, value: object) -> object | None:
    """A form string or native JSON value as ``typ``, or None if it isn't one."""
    if not isinstance(value, str):
        return value if _is_native(typ, value) else None
    if typ == "Integer":
        return int(value) if _INT_RE.fullmatch(value) else None
    if typ == "Float":
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    if typ == "Boolean":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        return False if lowered in _FALSE else None
    return value


@cache
def load_spec() -> BotApiSpec:
    """The spec shipped with the package (generated by tools/extract_botapi_spec.py)."""
    text = resources.files(__package__).joinpath("botapi.json").read_text(encoding="utf-8")
    return BotApiSpec(json.loads(text))


def api_error_for(exc: SpecMismatch) -> ApiError:
    """An emulator result that breaks the spec is an emulator bug: answer 500, loudly."""
    return ApiError(500, f"Internal Server Error: emulator result breaks the Bot API spec: {exc}")
