"""Building the application: one place where every handler is registered, in order.

``build_application`` is what ``stretchbot``, the tests and the sandbox all use, so they run
the same bot.
"""

from __future__ import annotations

import logging
from collections import Counter

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.charts.worker import ChartRenderer, shared_renderer
from bot.clock import Clock
from bot.config import Settings
from bot.core.flood import FloodGuard
from bot.core.loader import load_routines
from bot.core.routines import RoutineBook
from bot.features.account import Account
from bot.features.coaching import CoachingService
from bot.features.operators import Operators
from bot.features.privacy import Privacy
from bot.features.reminders import Reminders
from bot.features.schedule_settings import ScheduleSettings
from bot.features.session_notes import Interrupted
from bot.features.sessions import Sessions
from bot.features.settings_menu import SettingsMenu
from bot.ports import Store, Timer
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.pool import new_pool
from bot.storage.postgres.store import PgStore
from bot.storage.tinydb import TinyStore
from bot.telegram import callbacks
from bot.telegram.context import BotApp, BotContext, Services, attach_services, services_of
from bot.telegram.delivery import DeliveryLimits, PriorityRateLimiter
from bot.telegram.handlers import (
    admin,
    coaching,
    errors,
    guard,
    privacy,
    progress,
    reminders,
    schedule,
    session,
    settings,
    subscription,
)
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.render import account as account_text
from bot.telegram.render.registry import RENDERERS
from bot.telegram.timers import JobQueueTimers

__all__ = ["build_application", "on_startup"]

_LOGGER = logging.getLogger(__name__)

#: Telegram's rate limits are per bot: a few retries after a 429 keep a message rather than
#: dropping it.
RATE_LIMIT_RETRIES = 3


def _file_url(base_url: str) -> str | None:
    """The file URL that goes with a Bot API base URL ending in ``/bot``, as Telegram lays out."""
    return base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else None


def build_application(
    settings: Settings,
    *,
    storage: ChatFiles | None = None,
    routines: RoutineBook | None = None,
    clock: Clock | None = None,
    rate_limiter: PriorityRateLimiter | None = None,
    charts: ChartRenderer | None = None,
) -> BotApp:
    """The bot, wired to its services; not started. Raises ContentError for broken content.

    ``rate_limiter`` replaces the default one (benchmarks pass one that reports queue waits);
    ``charts`` the process's shared chart worker (benchmarks compare it with a thread).
    """
    routines = routines if routines is not None else load_routines(settings.content_dir)
    store: Store
    if settings.database_url:
        # PostgreSQL: the pool opens (and the schema is checked) at start-up, in the loop.
        store = PgStore(new_pool(settings.database_url))
        storage = None
    else:
        storage = storage if storage is not None else ChatFiles.in_folder(settings.data_dir)
        store = TinyStore(storage)
    clock = clock or Clock()

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            rate_limiter or PriorityRateLimiter(DeliveryLimits(max_retries=RATE_LIMIT_RETRIES))
        )
        .post_init(on_startup)
        .post_shutdown(_on_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
        file_url = _file_url(settings.api_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
    application: BotApp = builder.build()  # type: ignore[assignment]
    job_queue = application.job_queue
    if job_queue is None:  # pragma: no cover - the builder always makes one
        raise RuntimeError("the application has no JobQueue")

    async def timer_failed(timer: Timer, error: Exception) -> None:
        _LOGGER.debug("Timer %s failed", timer.name)
        await application.process_error(None, error)

    timers = JobQueueTimers(job_queue, clock, timer_failed)
    outbox = TelegramOutbox(application.bot, RENDERERS)
    sessions = Sessions(
        store=store,
        timers=timers,
        outbox=outbox,
        clock=clock,
        routines=routines,
        time_scale=settings.time_scale,
    )
    failures: Counter[str] = Counter()
    reminders = Reminders(
        store,
        timers,
        outbox,
        clock,
        routines,
        sessions,
        time_scale=settings.time_scale,
        grace=settings.reminder_grace,
        failures=failures,
    )
    flood = FloodGuard(burst=settings.flood_burst)
    schedules = ScheduleSettings(store, clock, reminders)
    attach_services(
        application,
        Services(
            settings=settings,
            storage=storage,
            routines=routines,
            clock=clock,
            sessions=sessions,
            coaching=CoachingService(store=store, sessions=sessions, routines=routines),
            store=store,
            timers=timers,
            outbox=outbox,
            reminders=reminders,
            account=Account(
                store,
                clock,
                routines,
                reminders,
                sessions,
                default_zone=settings.default_timezone,
                default_time=settings.default_reminder_time,
                flood=flood,
                failures=failures,
            ),
            schedules=schedules,
            settings_menu=SettingsMenu(store, routines, schedules, sessions),
            privacy=Privacy(store, clock, routines, reminders, sessions),
            operators=Operators(
                store,
                clock,
                outbox,
                reminders,
                admin_ids=settings.admin_ids,
                failures=failures,
            ),
            failures=failures,
            flood=flood,
            charts=charts or shared_renderer(),
        ),
    )
    _register_handlers(application)
    return application


def _register_handlers(application: BotApp) -> None:
    private = filters.ChatType.PRIVATE
    chats = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    new_messages = filters.UpdateType.MESSAGE
    commands = {
        "start": subscription.start,
        "stop": subscription.stop,
        "help": subscription.help_command,
        "go": session.go,
        "time": schedule.set_time,
        "timezone": schedule.set_timezone,
        "days": schedule.set_days,
        "pause": schedule.pause,
        "resume": schedule.resume,
        "nudge": schedule.set_nudge,
        "settings": settings.show_settings,
        "routine": settings.show_routines,
        "stats": progress.show_stats,
    }
    # Coaching (issue 7): a document is a routine file and is not caught by the "not text" reply.
    application.add_handler(CommandHandler("pain", schedule.pain, filters=chats))
    application.add_handler(
        CallbackQueryHandler(coaching.feedback_button, pattern=callbacks.FEEDBACK_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(coaching.hurts_button, pattern=callbacks.HURTS_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(coaching.pain_button, pattern=callbacks.PAIN_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(coaching.gate_button, pattern=callbacks.GATE_PATTERN)
    )
    # In groups, only a .toml file is meant for the bot; other files there are conversation.
    routine_files = private | (filters.ChatType.GROUPS & filters.Document.FileExtension("toml"))
    application.add_handler(
        MessageHandler(routine_files & new_messages & filters.Document.ALL, coaching.routine_file)
    )
    # Order matters: commands first, then buttons, then plain text, then the catch-alls.
    for command, callback in commands.items():
        application.add_handler(CommandHandler(command, callback, filters=chats))
    application.add_handler(
        CallbackQueryHandler(session.start_button, pattern=callbacks.GO_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(reminders.snooze_button, pattern=callbacks.SNOOZE_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(settings.settings_button, pattern=callbacks.SETTINGS_PATTERN)
    )
    # Reliability and privacy (issue 5): /forget, /export; /admin and /broadcast (private only,
    # ADMIN_IDS only, not in the command menu).
    application.add_handler(CommandHandler("forget", privacy.forget, filters=chats))
    application.add_handler(CommandHandler("export", privacy.export, filters=chats))
    application.add_handler(CommandHandler("admin", admin.admin, filters=private))
    application.add_handler(CommandHandler("broadcast", admin.broadcast, filters=private))
    application.add_handler(
        CallbackQueryHandler(privacy.forget_button, pattern=callbacks.FORGET_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(admin.broadcast_button, pattern=callbacks.BROADCAST_PATTERN)
    )
    application.add_handler(
        MessageHandler(chats & new_messages & filters.TEXT & ~filters.COMMAND, session.on_text)
    )
    # Catch-alls. In groups, unknown commands and stickers are other people's business.
    application.add_handler(
        MessageHandler(private & new_messages & filters.COMMAND, errors.unknown_command)
    )
    application.add_handler(
        MessageHandler(private & new_messages & ~filters.TEXT, errors.not_text)
    )
    application.add_handler(CallbackQueryHandler(errors.expired_button))
    application.add_error_handler(errors.on_error)
    # Reliability (issue 5). Before every other group: a flood is dropped before any work; a
    # button press with no message (an old one) is answered as expired, since no handler can
    # act on it; then a chat that had blocked the bot and writes again gets its reminders back.
    application.add_handler(TypeHandler(Update, guard.flood_guard), group=-3)
    application.add_handler(TypeHandler(Update, guard.button_without_message), group=-2)
    application.add_handler(TypeHandler(Update, guard.welcome_back), group=-1)


async def on_startup(application: BotApp) -> None:
    """Rebuild everything the JobQueue forgot: interrupted sessions, reminders, the menu.

    Runs as ``post_init`` under ``run_polling``; the test harness and the sandbox call it
    themselves between ``initialize()`` and ``start()``.
    """
    services = services_of(application)
    if isinstance(services.store, PgStore) and services.settings.database_url:
        await services.store.open(services.settings.database_url)
    now = services.clock.now()
    for chat_id in await services.sessions.close_interrupted(now):
        try:
            await services.outbox.send(chat_id, Interrupted(), sound=True)
        except Exception as exc:  # one unreachable chat must not stop the start-up
            _LOGGER.warning("Could not tell chat %s its session was cut: %s", chat_id, exc)
    count = await services.reminders.rebuild()
    # The chart worker starts now, in the background: the first /stats need not wait for it.
    services.charts.warm()
    await application.bot.set_my_commands(
        [BotCommand(command, description) for command, description in account_text.COMMANDS]
    )
    _LOGGER.info("Started: %d reminder job(s) scheduled", count)


async def _on_shutdown(application: BotApp) -> None:
    services = services_of(application)
    if services.storage is not None:
        services.storage.close()
    if isinstance(services.store, PgStore):
        await services.store.close()


def allowed_updates() -> list[str]:
    """Only what the bot handles, so Telegram does not queue anything else for it."""
    return [Update.MESSAGE, Update.CALLBACK_QUERY]
