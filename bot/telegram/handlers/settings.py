"""/settings and /routine with inline keyboards (the rules:
:class:`bot.features.settings_menu.SettingsMenu`).

One message is edited in place as the user moves between screens. Every button's data is
parsed by :func:`bot.telegram.callbacks.parse_settings`; anything else is answered "This
button has expired".
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot.core.chat import Chat
from bot.core.uploads import available, chat_routine
from bot.features.account import AdminsOnly
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.handlers.common import answer, is_group, permission, render
from bot.telegram.render import account as account_text
from bot.telegram.render import i18n
from bot.telegram.render import schedule as schedule_text


def routine_names(context: BotContext, subscriber: Chat | None) -> list[schedule_text.RoutineName]:
    """Every routine the chat can use (its own too), for a reply that lists them."""
    routines = context.services.routines
    current = chat_routine(routines, subscriber).id if subscriber else routines.default.id
    return [(r.id, r.title, r.id == current) for r in available(routines, subscriber).values()]


async def show_settings(update: Update, context: BotContext) -> None:
    if update.effective_chat is None:
        return
    note = await context.services.settings_menu.show(
        update.effective_chat.id, group=is_group(update)
    )
    await answer(update, note)


async def show_routines(update: Update, context: BotContext) -> None:
    """/routine lists the routines; /routine quick picks one directly."""
    if update.effective_chat is None:
        return
    note = await context.services.settings_menu.routine(
        update.effective_chat.id,
        " ".join(context.args or []).lower(),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def settings_button(update: Update, context: BotContext) -> None:
    """Every ``set:…`` button: move between screens, or change one setting and show it."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    choice = callbacks.parse_settings(query.data or "")
    if choice is not None and choice.menu == "zone" and chat is not None:
        # The zone as /timezone shows it, in a new message: only one can bring the location
        # button (a reply keyboard), which an edit cannot.
        await query.answer()
        note = await context.services.place.timezone(
            chat.id, "", group=is_group(update), allowed=permission(update, context)
        )
        await answer(update, note)
        return
    tap = None
    if choice is not None and chat is not None:
        tap = await context.services.settings_menu.tap(
            chat.id, choice.menu, choice.value, allowed=permission(update, context)
        )
    if isinstance(tap, AdminsOnly):
        await query.answer(render(tap).text, show_alert=True)
        return
    if tap is None:
        await query.answer(account_text.button_expired())
        return
    if choice is not None and choice.menu == "lang":
        i18n.use(choice.value)  # the screen after the change speaks the new language
    await query.answer(render(tap.toast).text if tap.toast else None)
    screen = render(tap.screen)
    try:
        await query.edit_message_text(fit(screen.text, parts=1)[0], reply_markup=screen.buttons)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
