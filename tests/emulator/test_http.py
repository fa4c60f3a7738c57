"""The emulator over raw HTTP: Telegram's status codes, error bodies and limits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bot.emulator import BotAPIEmulator, EmulatedUser

from .conftest import RawApi

KEYBOARD = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}


def error(response: httpx.Response) -> tuple[int, str]:
    body: dict[str, Any] = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return response.status_code, body["description"]


async def test_wrong_token_is_404(api: RawApi) -> None:
    """A token other than the emulator's gets Telegram's 404 "Not Found"."""
    response = await api.call("getMe", token="999:wrong")
    assert error(response) == (404, "Not Found")


async def test_unknown_method_is_404(api: RawApi) -> None:
    """A method that is not in the Bot API spec is 404 "Not Found"."""
    assert error(await api.call("sendTelepathy", chat_id=1)) == (404, "Not Found")


async def test_unimplemented_method_is_404_saying_so(api: RawApi) -> None:
    """A spec method the emulator lacks is a loud 404 naming the gap, never a silent ok."""
    status, description = error(await api.call("sendVideo", chat_id=1, video="x"))
    assert status == 404
    assert "sendVideo is not emulated" in description


async def test_method_names_are_case_insensitive(api: RawApi) -> None:
    """Telegram accepts any case in the method name; so does the emulator (GET too)."""
    response = await api.client.get(f"/bot{api.token}/GETME")
    assert response.status_code == 200
    assert response.json()["result"]["is_bot"] is True


async def test_json_body_is_accepted(api: RawApi, user: EmulatedUser) -> None:
    """A JSON body with native values works like a form body."""
    response = await api.client.post(
        f"/bot{api.token}/sendMessage",
        json={"chat_id": user.id, "text": "hi", "reply_markup": KEYBOARD},
    )
    assert response.json()["result"]["reply_markup"] == KEYBOARD


async def test_unknown_parameter_is_400(api: RawApi, user: EmulatedUser) -> None:
    """A parameter the spec does not list is rejected instead of silently ignored."""
    response = await api.call("sendMessage", chat_id=user.id, text="hi", colour="red")
    assert error(response) == (400, 'Bad Request: unknown parameter "colour"')


async def test_missing_required_parameter_is_400(api: RawApi, user: EmulatedUser) -> None:
    """A missing required parameter is 400, in Telegram's words where known."""
    assert error(await api.call("sendMessage", chat_id=user.id)) == (
        400,
        "Bad Request: message text is empty",
    )
    assert error(await api.call("answerCallbackQuery")) == (
        400,
        'Bad Request: parameter "callback_query_id" is required',
    )


async def test_wrong_scalar_type_is_400(api: RawApi, user: EmulatedUser) -> None:
    """An Integer parameter that is not an integer is 400."""
    status, description = error(await api.call("getUpdates", limit="ten"))
    assert status == 400
    assert '"limit" must be of type Integer' in description


async def test_unknown_field_inside_json_object_is_400(api: RawApi, user: EmulatedUser) -> None:
    """Complex parameters are checked against the spec types, down to nested fields."""
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go", "colour": "red"}]]}
    status, description = error(
        await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup=markup)
    )
    assert status == 400
    assert 'unknown field "colour" in InlineKeyboardButton' in description
    assert "inline_keyboard[0][0]" in description


async def test_unparsable_json_parameter_is_400(api: RawApi, user: EmulatedUser) -> None:
    """A JSON-encoded parameter that is not JSON is 400."""
    response = await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup="{oops")
    assert error(response) == (400, 'Bad Request: can\'t parse "reply_markup" JSON object')


async def test_text_over_4096_characters_is_400(api: RawApi, user: EmulatedUser) -> None:
    """Texts over 4096 characters after entity parsing are "message is too long"."""
    tags = "<b>" + "x" * 4096 + "</b>"
    ok = await api.call("sendMessage", chat_id=user.id, text=tags, parse_mode="HTML")
    assert ok.status_code == 200
    too_long = await api.call("sendMessage", chat_id=user.id, text="x" * 4097)
    assert error(too_long) == (400, "Bad Request: message is too long")


async def test_whitespace_only_text_is_empty(api: RawApi, user: EmulatedUser) -> None:
    """Telegram trims the text; nothing left means "message text is empty"."""
    response = await api.call("sendMessage", chat_id=user.id, text=" \n ")
    assert error(response) == (400, "Bad Request: message text is empty")


async def test_callback_data_over_64_bytes_is_400(api: RawApi, user: EmulatedUser) -> None:
    """callback_data must be 1-64 bytes (UTF-8), else BUTTON_DATA_INVALID."""
    for data in ("é" * 33, ""):
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]}
        response = await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup=markup)
        assert error(response) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_button_needs_exactly_one_action(api: RawApi, user: EmulatedUser) -> None:
    """An inline button with no action, or with two, is rejected."""
    for button in (
        {"text": "Go"},
        {"text": "Go", "callback_data": "go", "url": "https://example.org"},
    ):
        markup = {"inline_keyboard": [[button]]}
        response = await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup=markup)
        status, description = error(response)
        assert status == 400
        assert "can't parse inline keyboard button" in description


async def test_html_that_does_not_parse_is_400(api: RawApi, user: EmulatedUser) -> None:
    """Broken HTML gets Telegram's "can't parse entities" with tdlib's reason."""
    cases = {
        "<b>bold": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "1 < 2": 'Unsupported start tag "" at byte offset 2',
        "<br>": 'Unsupported start tag "br" at byte offset 0',
        "salt & pepper": 'Character "&" must be escaped as "&amp;" at byte offset 5',
    }
    for text, reason in cases.items():
        response = await api.call("sendMessage", chat_id=user.id, text=text, parse_mode="HTML")
        assert error(response) == (400, f"Bad Request: can't parse entities: {reason}")


async def test_markdown_v2_unescaped_dot_is_400(api: RawApi, user: EmulatedUser) -> None:
    """MarkdownV2 reserves "." (and friends) outside entities."""
    response = await api.call(
        "sendMessage", chat_id=user.id, text="Done. Well done", parse_mode="MarkdownV2"
    )
    assert error(response) == (
        400,
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'",
    )


async def test_unknown_parse_mode_is_400(api: RawApi, user: EmulatedUser) -> None:
    """Only HTML, MarkdownV2 and Markdown exist."""
    response = await api.call("sendMessage", chat_id=user.id, text="hi", parse_mode="BBCode")
    assert error(response) == (400, "Bad Request: unsupported parse_mode")


async def test_edit_to_identical_content_is_not_modified(api: RawApi, user: EmulatedUser) -> None:
    """Editing to the same text and markup is Telegram's "message is not modified" 400."""
    sent = await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup=KEYBOARD)
    message_id = sent.json()["result"]["message_id"]
    edit = {"chat_id": user.id, "message_id": message_id, "text": "hi", "reply_markup": KEYBOARD}
    status, description = error(await api.call("editMessageText", **edit))
    assert status == 400
    assert description.startswith("Bad Request: message is not modified: specified new message")
    changed = await api.call("editMessageText", **{**edit, "text": "hello"})
    assert changed.json()["result"]["edit_date"] > 0


async def test_edit_of_unknown_message_is_400(api: RawApi, user: EmulatedUser) -> None:
    """Editing a message that does not exist is "message to edit not found"."""
    response = await api.call("editMessageText", chat_id=user.id, message_id=99, text="x")
    assert error(response) == (400, "Bad Request: message to edit not found")


async def test_unknown_chat_is_400(api: RawApi) -> None:
    """Sending to a chat the emulator does not know is "chat not found"."""
    response = await api.call("sendMessage", chat_id=4242, text="hi")
    assert error(response) == (400, "Bad Request: chat not found")


async def test_blocked_user_is_403(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """After the user blocks the bot, sending to them is 403 until they unblock it."""
    emulator.block_bot(user)
    response = await api.call("sendMessage", chat_id=user.id, text="hi")
    assert error(response) == (403, "Forbidden: bot was blocked by the user")
    emulator.unblock_bot(user)
    assert (await api.call("sendMessage", chat_id=user.id, text="hi")).status_code == 200


async def test_flood_limit_is_429_with_retry_after(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """With flood control on, the n+1-th send/edit in the window is 429 with retry_after."""
    emulator.set_flood_limit((2, 30.0))
    for _ in range(2):
        assert (await api.call("sendMessage", chat_id=user.id, text="hi")).status_code == 200
    response = await api.call("sendMessage", chat_id=user.id, text="hi")
    body = response.json()
    assert response.status_code == 429
    assert body["parameters"]["retry_after"] == 30
    assert body["description"] == "Too Many Requests: retry after 30"
    other = emulator.add_user("Sam")
    assert (await api.call("sendMessage", chat_id=other.id, text="hi")).status_code == 200


async def test_answer_callback_query_rules(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A query is answered once; unknown ids, repeats and texts over 200 chars are 400."""
    sent = await api.call("sendMessage", chat_id=user.id, text="hi", reply_markup=KEYBOARD)
    query = emulator.press_button(user, sent.json()["result"]["message_id"], data="go")
    too_long = await api.call("answerCallbackQuery", callback_query_id=query["id"], text="x" * 201)
    assert error(too_long) == (400, "Bad Request: MESSAGE_TOO_LONG")
    ok = await api.call("answerCallbackQuery", callback_query_id=query["id"], text="Saved")
    assert ok.json() == {"ok": True, "result": True}
    again = await api.call("answerCallbackQuery", callback_query_id=query["id"])
    invalid = "query is too old and response timeout expired or query ID is invalid"
    assert error(again) == (400, f"Bad Request: {invalid}")
    assert emulator.callback_answers[0].text == "Saved"


async def test_set_my_commands_limits(api: RawApi, emulator: BotAPIEmulator) -> None:
    """Command names are 1-32 of a-z0-9_, descriptions 1-256 chars, at most 100 commands."""
    bad = {
        "BOT_COMMAND_INVALID": [{"command": "Start", "description": "x"}],
        "BOT_COMMAND_DESCRIPTION_INVALID": [{"command": "start", "description": ""}],
        "BOT_COMMANDS_TOO_MUCH": [{"command": f"c{i}", "description": "x"} for i in range(101)],
    }
    for reason, commands in bad.items():
        response = await api.call("setMyCommands", commands=commands)
        assert error(response) == (400, f"Bad Request: {reason}")
    good = [{"command": "start", "description": "Start"}]
    assert (await api.call("setMyCommands", commands=good)).status_code == 200
    assert emulator.commands == good


async def test_chat_action_must_be_known(api: RawApi, user: EmulatedUser) -> None:
    """sendChatAction accepts Telegram's fixed list of actions only."""
    assert (await api.call("sendChatAction", chat_id=user.id, action="typing")).status_code == 200
    response = await api.call("sendChatAction", chat_id=user.id, action="dancing")
    assert error(response) == (400, "Bad Request: wrong parameter action in request")


async def test_get_updates_offset_confirms_updates(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Updates stay until an offset above their id confirms them; limit caps the batch."""
    for text in ("one", "two", "three"):
        emulator.send_text(user, text)
    first = (await api.call("getUpdates", limit=2)).json()["result"]
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = (await api.call("getUpdates")).json()["result"]
    assert len(again) == 3
    rest = (await api.call("getUpdates", offset=first[-1]["update_id"] + 1)).json()["result"]
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert len(emulator.pending_updates) == 1


async def test_get_updates_long_poll_returns_on_first_update(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A long poll waits until an update arrives, then returns at once."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(api.call("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    emulator.send_text(user, "hello")
    result = (await poll).json()["result"]
    assert [u["message"]["text"] for u in result] == ["hello"]
    assert loop.time() - started < 2


async def test_get_updates_times_out_empty(api: RawApi) -> None:
    """With nothing to deliver a long poll answers [] after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await api.call("getUpdates", timeout=1)
    assert response.json() == {"ok": True, "result": []}
    assert 0.9 < loop.time() - started < 2


async def test_concurrent_get_updates_conflict(api: RawApi) -> None:
    """A second getUpdates ends the pending one with 409, as with two bot instances."""
    first = asyncio.create_task(api.call("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    second = await api.call("getUpdates", timeout=0)
    assert second.status_code == 200
    status, description = error(await first)
    assert status == 409
    assert description.startswith("Conflict: terminated by other getUpdates request")


async def test_allowed_updates_is_remembered(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """allowed_updates filters updates created after the call, until changed again."""
    await api.call("getUpdates", allowed_updates=["callback_query"])
    emulator.send_text(user, "ignored")
    assert (await api.call("getUpdates")).json()["result"] == []
    await api.call("getUpdates", allowed_updates=[])
    emulator.send_text(user, "seen")
    result = (await api.call("getUpdates")).json()["result"]
    assert [u["message"]["text"] for u in result] == ["seen"]


async def test_stop_ends_pending_long_poll(api: RawApi, emulator: BotAPIEmulator) -> None:
    """Stopping the emulator answers a pending long poll instead of leaving it hanging."""
    poll = asyncio.create_task(api.call("getUpdates", timeout=30))
    await asyncio.sleep(0.1)
    await emulator.stop()
    response = await poll
    assert response.json() == {"ok": True, "result": []}


async def test_ptb_default_parse_mode_on_edit_reply_markup_is_ignored(
    api: RawApi, user: EmulatedUser
) -> None:
    """PTB's Defaults add parse_mode to editMessageReplyMarkup; Telegram ignores it, so do we,
    while a truly unknown parameter on the same method is still refused."""
    sent = (await api.call("sendMessage", chat_id=user.id, text="hi")).json()["result"]
    ok = await api.call(
        "editMessageReplyMarkup",
        chat_id=user.id,
        message_id=sent["message_id"],
        parse_mode="HTML",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    assert ok.status_code == 200
    bad = await api.call(
        "editMessageReplyMarkup", chat_id=user.id, message_id=sent["message_id"], colour="red"
    )
    assert bad.status_code == 400
    assert bad.json()["description"] == 'Bad Request: unknown parameter "colour"'
