"""Answering a button press: answerCallbackQuery, once per query, as at Telegram.

The queries themselves come from the driver (``press_button``, ``send_callback_query``).
"""

from __future__ import annotations

from .. import limits
from ..errors import bad_request
from ..models import CallbackAnswer, CallbackAnswered
from ..spec import BotApiSpec
from ..state import EmulatorState
from .registry import Params, method

_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


@method("answerCallbackQuery")
async def answer_callback_query(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    query = state.queries.get(p["callback_query_id"])
    if query is None or query.answered:
        raise bad_request(_QUERY_INVALID)
    limits.check_callback_answer(p.get("text"))
    query.answered = True
    answer = CallbackAnswer(
        query_id=query.id,
        chat_id=query.chat_id,
        message_id=query.message_id,
        data=query.data,
        text=p.get("text"),
        show_alert=bool(p.get("show_alert", False)),
        url=p.get("url"),
        cache_time=p.get("cache_time"),
        at=now,
    )
    state.callback_answers.append(answer)
    state.publish(CallbackAnswered(answer))
    return True
