"""The bot itself: getMe, logOut/close, and what users see of it (commands, descriptions)."""

from __future__ import annotations

from .. import limits
from ..errors import bad_request
from ..spec import BotApiSpec
from ..state import EmulatorState, scope_key
from .registry import Params, method


@method("getMe")
async def get_me(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return state.bot_user


@method("logOut")
@method("close")
async def log_out(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return True


# -- commands and descriptions ---------------------------------------------------------------


def _scope_key(state: EmulatorState, p: Params) -> str:
    scope = p.get("scope")
    if scope and "chat_id" in scope:
        scope = {**scope, "chat_id": state.chat(scope["chat_id"]).id}
    return scope_key(scope)


def _language(p: Params) -> str:
    language: str = p.get("language_code", "")
    limits.check_language_code(language)
    return language


@method("setMyCommands")
async def set_my_commands(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    limits.check_commands(p["commands"])
    key = (_scope_key(state, p), _language(p))
    if p["commands"]:
        state.commands[key] = [dict(c) for c in p["commands"]]
    else:
        state.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return state.commands.get((_scope_key(state, p), _language(p)), [])


@method("deleteMyCommands")
async def delete_my_commands(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    state.commands.pop((_scope_key(state, p), _language(p)), None)
    return True


@method("setMyDescription")
async def set_my_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    description: str = p.get("description", "")
    if len(description) > limits.MAX_DESCRIPTION:
        raise bad_request("BOT_DESCRIPTION_INVALID")
    state.descriptions[_language(p)] = description
    return True


@method("getMyDescription")
async def get_my_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"description": state.descriptions.get(_language(p), "")}


@method("setMyShortDescription")
async def set_my_short_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    description: str = p.get("short_description", "")
    if len(description) > limits.MAX_SHORT_DESCRIPTION:
        raise bad_request("BOT_SHORT_DESCRIPTION_INVALID")
    state.short_descriptions[_language(p)] = description
    return True


@method("getMyShortDescription")
async def get_my_short_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"short_description": state.short_descriptions.get(_language(p), "")}
