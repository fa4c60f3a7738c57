"""A chat's place in words: the reply to a shared location, and the button that asks for one
(a reply-keyboard button: Telegram sends the location as a message when it is tapped)."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.features import place as notes
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.i18n import _
from bot.telegram.render.schedule import timezone_now, timezone_set

_REMOVE = ReplyKeyboardRemove()


def share_location() -> str:
    return "📍 " + _("Share my location")


def location_keyboard() -> ReplyKeyboardMarkup:
    """The location button, offered under the input field until it is used (or the reply to a
    location takes it away)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(share_location(), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="/timezone Berlin",
    )


def location_offered(n: notes.LocationOffered) -> Rendered:
    text = timezone_now(n.now.schedule, no_dst=n.now.no_dst)
    offer = _("Or tap {button} below: I only look up its time zone and keep no location.").format(
        button=share_location()
    )
    return Rendered(f"{text}\n{offer}", keyboard=location_keyboard())


def zone_from_location(n: notes.ZoneFromLocation) -> Rendered:
    text = timezone_set(n.schedule, no_dst=n.no_dst)
    kept = _("I kept the time zone only, not your location.")
    return Rendered(f"📍 {text}\n{kept}", keyboard=_REMOVE)


def no_zone_there(_note: notes.NoZoneThere) -> Rendered:
    return Rendered(
        _(
            "That spot has no time zone I know (out at sea?). Share a location on land, or send "
            "your city: /timezone Berlin."
        ),
        keyboard=_REMOVE,
    )


def location_in_group(_note: notes.LocationInGroup) -> Rendered:
    return Rendered(
        _(
            "In a group I don't take locations: a group admin can set the zone with /timezone, "
            "e.g. /timezone Berlin or /timezone Europe/Berlin."
        )
    )


RENDERERS: Renderers = {
    notes.LocationOffered: location_offered,
    notes.ZoneFromLocation: zone_from_location,
    notes.NoZoneThere: no_zone_there,
    notes.LocationInGroup: location_in_group,
}
