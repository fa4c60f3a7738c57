"""Every sentence the bot says (HTML), gathered from the render modules: a facade kept while the
features move to notes and renderers. New code imports ``bot.telegram.render.<feature>``."""

from __future__ import annotations

from bot.telegram.render.account import *  # noqa: F403
from bot.telegram.render.coaching import *  # noqa: F403
from bot.telegram.render.reminders import *  # noqa: F403
from bot.telegram.render.schedule import *  # noqa: F403
from bot.telegram.render.session import *  # noqa: F403
from bot.telegram.render.settings import *  # noqa: F403
from bot.telegram.render.words import *  # noqa: F403
