"""Building the application: one place where every handler is registered, in order.

``build_application`` is what ``stretchbot``, the tests and the sandbox all use: one bot.
"""

from __future__ import annotations

import logging
from collections import Counter

from telegram import LinkPreviewOptions, Update
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
from bot.core.flood import FloodGuard, LocalFlood
from bot.core.loader import load_routines
from bot.core.routines import RoutineBook
from bot.features.account import Account
from bot.features.breaks import Breaks
from bot.features.coaching import CoachingService
from bot.features.countdown import COUNTDOWN, EDIT
from bot.features.operators import Operators
from bot.features.privacy import Privacy
from bot.features.reminders import Reminders
from bot.features.schedule_settings import ScheduleSettings
from bot.features.session_notes import Interrupted
from bot.features.sessions import LOOK_AFTER, SESSION, Sessions
from bot.features.settings_menu import SettingsMenu
from bot.ports import FloodLedger, SendBudget, Store, Timer, Timers, Updates
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.budget import PgSendBudget
from bot.storage.postgres.flood import PgFlood
from bot.storage.postgres.pool import new_pool
from bot.storage.postgres.store import PgStore
from bot.storage.postgres.timers import PgTimers
from bot.storage.postgres.updates import PgUpdates
from bot.storage.tinydb import TinyStore
from bot.storage.updates import RecentUpdates
from bot.telegram import callbacks, commands
from bot.telegram.break_callbacks import BREAK_PATTERN
from bot.telegram.context import BotApp, BotContext, Services, attach_services, services_of
from bot.telegram.delivery import DeliveryLimits, PriorityRateLimiter
from bot.telegram.handlers import (
    admin,
    breaks,
    coaching,
    errors,
    guard,
    place,
    privacy,
    progress,
    reminders,
    schedule,
    session,
    settings,
    subscription,
)
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.render.registry import RENDERERS
from bot.telegram.timers import JobQueueTimers

__all__ = ["build_application", "on_startup"]

_LOGGER = logging.getLogger(__name__)

#: On PostgreSQL, timers that stay in this process (the JobQueue), with their names' prefixes:
#: a countdown edits a message this process counts down (best effort: it pauses if the process
#: dies). Everything else is a row any instance may run, a session's next cue included (its
#: state is in the database: bot.features.session_state).
LOCAL_KINDS = (COUNTDOWN, EDIT, LOOK_AFTER)
LOCAL_PREFIXES = ("countdown:", "edit:", f"{LOOK_AFTER}:")

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
    webhook: bool = False,
    charts: ChartRenderer | None = None,
) -> BotApp:
    """The bot, wired to its services; not started. Raises ContentError for broken content.

    ``rate_limiter`` replaces the default one (benchmarks pass one that reports queue waits);
    ``charts`` the process's shared chart worker (benchmarks compare it with a thread).
    ``webhook``: no Updater; updates come from ``bot.web``, which checks they are new itself.
    """
    routines = routines if routines is not None else load_routines(settings.content_dir)
    store: Store
    updates: Updates
    budget: SendBudget | None = None
    clock = clock or Clock()
    flood = FloodGuard(burst=settings.flood_burst)
    ledger: FloodLedger = LocalFlood(flood, clock.monotonic)
    if settings.database_url:
        # PostgreSQL: the pool opens (and the schema is checked) at start-up, in the loop.
        pool = new_pool(settings.database_url)
        store, updates = PgStore(pool), PgUpdates(pool)
        # Telegram's limits are per token: every instance takes its slots from one budget.
        budget = PgSendBudget(pool)
        # And the flood guard: a user is one user whichever instance gets the update.
        ledger = PgFlood(pool, burst=settings.flood_burst)
        storage = None
    else:
        storage = storage if storage is not None else ChatFiles.in_folder(settings.data_dir)
        store, updates = TinyStore(storage), RecentUpdates()

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
            rate_limiter
            or PriorityRateLimiter(
                DeliveryLimits(
                    max_retries=RATE_LIMIT_RETRIES,
                    paid_rate=settings.paid_broadcast_per_second,
                ),
                budget=budget,
            )
        )
        .post_init(on_startup)
        .post_stop(_on_stop)
        .post_shutdown(_on_shutdown)
    )
    if webhook:
        builder = builder.updater(None)
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

    timers: Timers = JobQueueTimers(job_queue, clock, timer_failed)
    if isinstance(store, PgStore):
        timers = PgTimers(
            store.pool,
            settings.database_url or "",
            clock,
            on_error=timer_failed,
            local=timers,
            local_kinds=LOCAL_KINDS,
            local_prefixes=LOCAL_PREFIXES,
            urgent_kinds=(SESSION,),
        )
    outbox = TelegramOutbox(
        application.bot,
        RENDERERS,
        store,
        paid_bulk=settings.paid_broadcast_per_second is not None,
        chats=store,
    )
    sessions = Sessions(
        store=store,
        timers=timers,
        outbox=outbox,
        clock=clock,
        routines=routines,
        time_scale=settings.time_scale,
        # Several instances may share PostgreSQL: sessions are read from it, not from memory.
        shared=bool(settings.database_url),
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
    schedules = ScheduleSettings(store, clock, reminders)
    scale, grace = settings.time_scale, settings.reminder_grace
    micro_breaks = Breaks(
        store, timers, outbox, clock, routines, sessions, schedules.command, scale, grace
    )
    reminders.followers.append(micro_breaks.follow)  # schedule changes and start-up
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
                flood=ledger,
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
            breaks=micro_breaks,
            failures=failures,
            flood=flood,
            updates=updates,
            charts=charts or shared_renderer(),
        ),
    )
    _register_handlers(application)
    if not webhook:
        application.add_handler(TypeHandler(Update, guard.first_time_only), group=-5)
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
        "timezone": place.set_timezone,
        "days": schedule.set_days,
        "pause": schedule.pause,
        "resume": schedule.resume,
        "nudge": schedule.set_nudge,
        "settings": settings.show_settings,
        "routine": settings.show_routines,
        "stats": progress.show_stats,
        "pain": schedule.pain,
        "sound": coaching.sound_command,
        "breaks": breaks.breaks_command,
        "workhours": breaks.workhours_command,
        "language": subscription.language,
    }
    # Buttons, each by its data's own pattern (so their order among themselves is free).
    buttons = [
        (coaching.feedback_button, callbacks.FEEDBACK_PATTERN),
        (coaching.hurts_button, callbacks.HURTS_PATTERN),
        (coaching.pain_button, callbacks.PAIN_PATTERN),
        (coaching.gate_button, callbacks.GATE_PATTERN),
        (session.start_button, callbacks.GO_PATTERN),
        (reminders.snooze_button, callbacks.SNOOZE_PATTERN),
        (settings.settings_button, callbacks.SETTINGS_PATTERN),
        (privacy.forget_button, callbacks.FORGET_PATTERN),
        (admin.broadcast_button, callbacks.BROADCAST_PATTERN),
        (breaks.break_button, BREAK_PATTERN),
    ]
    for button, pattern in buttons:
        application.add_handler(CallbackQueryHandler(button, pattern=pattern))
    # Coaching (issue 7): a document is a routine file and is not caught by the "not text" reply.
    # In groups, only a .toml file is meant for the bot; other files there are conversation.
    routine_files = private | (filters.ChatType.GROUPS & filters.Document.FileExtension("toml"))
    application.add_handler(
        MessageHandler(routine_files & new_messages & filters.Document.ALL, coaching.routine_file)
    )
    # Order matters: commands first, then buttons, then plain text, then the catch-alls.
    for command, callback in commands.items():
        application.add_handler(CommandHandler(command, callback, filters=chats))
    # Issue 5: /forget, /export; /admin and /broadcast (private, ADMIN_IDS only, not in the menu).
    application.add_handler(CommandHandler("forget", privacy.forget, filters=chats))
    application.add_handler(CommandHandler("export", privacy.export, filters=chats))
    application.add_handler(CommandHandler("admin", admin.admin, filters=private))
    application.add_handler(CommandHandler("broadcast", admin.broadcast, filters=private))
    application.add_handler(
        MessageHandler(chats & new_messages & filters.TEXT & ~filters.COMMAND, session.on_text)
    )
    application.add_handler(MessageHandler(new_messages & filters.LOCATION, place.location))
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
    application.add_handler(TypeHandler(Update, guard.flood_guard), group=-4)
    application.add_handler(TypeHandler(Update, guard.speak_their_language), group=-3)
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
    if isinstance(services.timers, PgTimers):
        # The timers are rows, kept up to date by every change: nothing to rebuild, and no chat
        # is read. Sessions in the database may be running on another instance right now:
        # only those nobody will continue (no timer) are closed.
        await _close_interrupted(services)
        services.timers.start()
        await services.sessions.look_after()
        count = -1
    else:
        await _close_interrupted(services)
        count = await services.reminders.rebuild()
    # The chart worker starts now, in the background: the first /stats need not wait for it.
    services.charts.warm()
    await commands.publish(application.bot)
    if count >= 0:
        _LOGGER.info("Started: %d reminder job(s) scheduled", count)
    else:
        _LOGGER.info("Started: timers are claimed from the database")


async def _close_interrupted(services: Services) -> None:
    """Sessions cut by the restart are recorded as interrupted, and their chats told."""
    for chat_id in await services.sessions.close_interrupted(services.clock.now()):
        try:
            await services.outbox.send(chat_id, Interrupted(), sound=True)
        except Exception as exc:  # one unreachable chat must not stop the start-up
            _LOGGER.warning("Could not tell chat %s its session was cut: %s", chat_id, exc)


async def _on_stop(application: BotApp) -> None:
    """Stop claiming timers while the bot can still send what it has claimed."""
    timers = services_of(application).timers
    if isinstance(timers, PgTimers):
        await timers.stop()


async def _on_shutdown(application: BotApp) -> None:
    services = services_of(application)
    if services.storage is not None:
        services.storage.close()
    if isinstance(services.store, PgStore):
        await services.store.close()


def allowed_updates() -> list[str]:
    """Only what the bot handles, so Telegram does not queue anything else for it."""
    return [Update.MESSAGE, Update.CALLBACK_QUERY]
