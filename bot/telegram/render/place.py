"""A chat's place in words: the reply to a shared location, and the button that asks for one
(a reply-keyboard button: Telegram sends the location as a message when it is tapped)."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.features import place as notes
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.schedule import timezone_now, timezone_set

SHARE_LOCATION = "📍 Share my location"

#: The location button, offered under the input field until it is used (or the reply to a
#: location takes it away).
LOCATION_KEYBOARD = ReplyKeyboardMarkup(
    [[KeyboardButton(SHARE_LOCATION, request_location=True)]],
    resize_keyboard=True,
    one_time_keyboard=True,
    input_field_placeholder="/timezone Berlin",
)
_REMOVE = ReplyKeyboardRemove()


def location_offered(n: notes.LocationOffered) -> Rendered:
    text = timezone_now(n.now.schedule, no_dst=n.now.no_dst)
    return Rendered(
        f"{text}\nOr tap {SHARE_LOCATION} below: I only look up its time zone and keep no "
        "location.",
        keyboard=LOCATION_KEYBOARD,
    )


def zone_from_location(n: notes.ZoneFromLocation) -> Rendered:
    text = timezone_set(n.schedule, no_dst=n.no_dst)
    return Rendered(f"📍 {text}\nI kept the time zone only, not your location.", keyboard=_REMOVE)


RENDERERS: Renderers = {
    notes.LocationOffered: location_offered,
    notes.ZoneFromLocation: zone_from_location,
    notes.NoZoneThere: lambda _: Rendered(
        "That spot has no time zone I know (out at sea?). Share a location on land, or send "
        "your city: /timezone Berlin.",
        keyboard=_REMOVE,
    ),
    notes.LocationInGroup: lambda _: Rendered(
        "In a group I don't take locations: a group admin can set the zone with /timezone, "
        "e.g. /timezone Berlin or /timezone Europe/Berlin."
    ),
}
