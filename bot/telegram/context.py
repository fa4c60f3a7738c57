"""The typed callback context: handlers and jobs reach the bot's services through it.

As in PTB's ``contexttypesbot`` example, a custom context gives a typed ``context.services``
instead of ``cast(...)`` on ``bot_data`` in every handler.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeAlias, cast

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.charts.worker import ChartRenderer, shared_renderer
from bot.clock import Clock
from bot.config import Settings
from bot.core.flood import FloodGuard
from bot.core.routines import RoutineBook
from bot.features.account import Account
from bot.features.breaks import Breaks
from bot.features.coaching import CoachingService
from bot.features.operators import Operators
from bot.features.place import Place
from bot.features.privacy import Privacy
from bot.features.reminders import Reminders
from bot.features.schedule_settings import ScheduleSettings
from bot.features.sessions import Sessions
from bot.features.settings_menu import SettingsMenu
from bot.places import OfflinePlaces
from bot.ports import Outbox, Places, Store, Timers, Updates
from bot.storage.chatfiles import ChatFiles
from bot.storage.updates import RecentUpdates

__all__ = ["BotApp", "BotContext", "Services", "attach_services", "services_of"]

_SERVICES = "services"


@dataclass(slots=True)
class Services:
    """Everything the handlers need, built once per application (see ``bot.app``)."""

    settings: Settings
    #: The data folder's chat files, when they are the store (None with PostgreSQL): for
    #: shutting down, and for tests and benchmarks that look inside.
    storage: ChatFiles | None
    routines: RoutineBook
    clock: Clock
    #: The guided sessions (bot.features.sessions); coaching around them (feedback, pain,
    #: own routines).
    sessions: Sessions
    coaching: CoachingService
    #: The ports the features use: the store, the timers and the outbox.
    store: Store
    timers: Timers
    outbox: Outbox
    #: The features built on the ports.
    reminders: Reminders
    #: The account feature: /start and /stop, the guards and /stats; the schedule commands;
    #: the settings keyboard and /routine; /forget and /export; /admin and /broadcast.
    account: Account
    schedules: ScheduleSettings
    settings_menu: SettingsMenu
    privacy: Privacy
    operators: Operators
    #: Micro-breaks during work hours (/breaks, /workhours, the prompt, "meeting").
    breaks: Breaks
    #: Deliveries that failed since start-up, by kind ("blocked", "retried", "gave up"…).
    failures: Counter[str] = field(default_factory=Counter)
    #: Incoming updates per user (see bot.telegram.handlers.guard); build_application sizes it.
    flood: FloodGuard = field(default_factory=FloodGuard)
    #: Update ids already taken (by this or, on PostgreSQL, any instance): redeliveries drop.
    updates: Updates = field(default_factory=RecentUpdates)
    #: Draws the /stats chart in a worker process (one per process, warmed at start-up).
    charts: ChartRenderer = field(default_factory=shared_renderer)
    #: Offline zone lookups (a location, a city's name), loaded on first use.
    places: Places = field(default_factory=OfflinePlaces)

    @property
    def place(self) -> Place:
        """A shared location and /timezone with a city: a thin feature over the schedule's."""
        return Place(self.store, self.schedules, self.places)


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    """The callback context with a typed shortcut to :class:`Services`."""

    @property
    def services(self) -> Services:
        services: Services = self.bot_data[_SERVICES]
        return services

    @property
    def jobs(self) -> JobQueue[BotContext]:
        """The JobQueue; the application is always built with one."""
        job_queue = self.job_queue
        if job_queue is None:  # pragma: no cover - build_application always adds one
            raise RuntimeError("the application was built without a JobQueue")
        # PTB types it JobQueue[ST] (the context type var), which is this class.
        return cast("JobQueue[BotContext]", job_queue)


BotApp: TypeAlias = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], dict[str, Any], JobQueue[BotContext]
]


def attach_services(application: BotApp, services: Services) -> None:
    application.bot_data[_SERVICES] = services


def services_of(application: BotApp) -> Services:
    services: Services = application.bot_data[_SERVICES]
    return services
