"""The shipped Bot API spec and validation against it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import EMULATED_METHODS, ApiError, SpecMismatch, load_spec


def test_shipped_spec_is_bot_api_10() -> None:
    """botapi.json is packaged, complete and carries the subtype discriminators."""
    spec = load_spec()
    assert spec.version == "Bot API 10.0"
    assert len(spec.methods) > 150
    assert spec.types["BotCommandScopeChat"].fields["type"].const == "chat"
    assert set(spec.methods) >= EMULATED_METHODS


def test_params_are_typed_from_form_strings() -> None:
    """Form strings become ints, bools and parsed JSON according to the spec."""
    spec = load_spec()
    method = spec.method("SENDMESSAGE")
    assert method is not None
    params = spec.parse_params(
        method,
        {
            "chat_id": "-100123",
            "text": "hi",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}',
            "parse_mode": "",
        },
    )
    assert params == {
        "chat_id": -100123,
        "text": "hi",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]},
    }


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"chat_id": "1", "text": "x", "disable_notification": "maybe"}, "of type Boolean"),
        ({"chat_id": "1", "text": "x", "reply_parameters": "{}"}, 'field "message_id"'),
        (
            {"chat_id": "1", "text": "x", "entities": '[{"type": "bold", "offset": 0}]'},
            "entities[0]",
        ),
        (
            {"chat_id": "1", "text": "x", "link_preview_options": '{"disabled": true}'},
            'unknown field "disabled" in LinkPreviewOptions',
        ),
    ],
)
def test_invalid_params_are_400(raw: dict[str, Any], fragment: str) -> None:
    """Wrong scalars and malformed nested objects are 400 with a pointer to the problem."""
    spec = load_spec()
    method = spec.method("sendMessage")
    assert method is not None
    with pytest.raises(ApiError) as caught:
        spec.parse_params(method, raw)
    assert caught.value.status == 400
    assert fragment in caught.value.description


def test_subtypes_are_chosen_by_discriminator() -> None:
    """Abstract types (BotCommandScope) validate against the subtype their "type" names."""
    spec = load_spec()
    spec.check(["BotCommandScope"], {"type": "chat", "chat_id": 5})
    with pytest.raises(SpecMismatch, match='field "chat_id" is required'):
        spec.check(["BotCommandScope"], {"type": "chat"})
    with pytest.raises(SpecMismatch, match="unsupported BotCommandScope type 'everyone'"):
        spec.check(["BotCommandScope"], {"type": "everyone"})


def test_unions_report_the_closest_candidate() -> None:
    """For reply_markup's union, the error comes from the type the value was meant to be."""
    spec = load_spec()
    types = ["InlineKeyboardMarkup", "ReplyKeyboardMarkup", "ReplyKeyboardRemove", "ForceReply"]
    with pytest.raises(SpecMismatch) as caught:
        spec.check(types, {"inline_keyboard": [[{"text": "a", "callback_data": 1}]]})
    assert caught.value.path == "inline_keyboard[0][0].callback_data"
