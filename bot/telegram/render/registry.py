"""Every note type and the function that says it, from each feature's render module: what the
outbox renders with, and what handlers reply with."""

from __future__ import annotations

from bot.telegram.render import Renderers
from bot.telegram.render import account as account_text
from bot.telegram.render import breaks as breaks_text
from bot.telegram.render import coaching as coaching_text
from bot.telegram.render import language as language_text
from bot.telegram.render import place as place_text
from bot.telegram.render import progress as progress_text
from bot.telegram.render import reminders as reminders_text
from bot.telegram.render import schedule as schedule_text
from bot.telegram.render import session as session_text
from bot.telegram.render import settings as settings_text

__all__ = ["RENDERERS"]

RENDERERS: Renderers = {
    **account_text.RENDERERS,
    **breaks_text.RENDERERS,
    **coaching_text.RENDERERS,
    **language_text.RENDERERS,
    **place_text.RENDERERS,
    **progress_text.RENDERERS,
    **reminders_text.RENDERERS,
    **schedule_text.RENDERERS,
    **session_text.RENDERERS,
    **settings_text.RENDERERS,
}
