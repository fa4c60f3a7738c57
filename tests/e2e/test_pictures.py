"""Pictures in a session: each exercise's first step arrives as its picture with the step as
the caption, the second side with the mirrored one; later sessions (and a restarted bot)
re-send them by file_id; a file_id Telegram refuses is uploaded again."""

from __future__ import annotations

from bot.config import Settings
from bot.core.session import CueKind, compile_script
from bot.emulator import BotMessage
from bot.storage.tinydb import TinyStore
from bot.telegram.photos import picture_key
from tests.e2e.conftest import Bot, BotFactory
from tests.factories import CONTENT, routines

#: The quick routine's pictures, in the order its sides are done.
QUICK = [
    "desk-hip-flexor.png",
    "desk-hip-flexor-mirrored.png",
    "seated-side-bend.png",
    "seated-side-bend-mirrored.png",
]


async def quick_session(bot: Bot) -> list[BotMessage]:
    """Run /go quick to the end; the photos it sent."""
    before = len(bot.emulator.photos(bot.user))
    bot.say("/go quick")
    await bot.expect("Well done", timeout=10)
    return bot.emulator.photos(bot.user)[before:]


async def test_a_session_shows_each_exercises_picture_with_its_first_step(
    start_bot: BotFactory,
) -> None:
    """One photo per exercise and side, the picture of that side (the mirrored one for the
    second), captioned with the first step in that side's words; the other steps are text."""
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        photos = await quick_session(bot)
    steps = [cue for cue in compile_script(routines()["quick"]) if cue.kind is CueKind.STEP]
    pictured = [cue for cue in steps if cue.picture is not None]
    assert [cue.picture.name for cue in pictured if cue.picture] == QUICK
    assert [photo.text for photo in photos] == [cue.words for cue in pictured]
    assert photos[1].text.startswith("Stand behind your chair, hands on its back. Step your left")
    for photo, name in zip(photos, QUICK, strict=True):
        assert photo.photo is not None
        assert photo.photo.data == (CONTENT / "images" / name).read_bytes()
        assert (photo.photo.width, photo.photo.height) == (960, 720)
        assert photo.disable_notification  # session messages stay silent
    texts = [m.text for m in bot.emulator.messages(bot.user) if m.photo is None]
    unpictured = [cue.words for cue in steps if cue.picture is None]
    assert all(words in texts for words in unpictured)


async def test_later_sessions_resend_by_file_id_even_after_a_restart(
    start_bot: BotFactory,
) -> None:
    """The first session uploads each picture once; a second session, and one after the bot
    restarts, send the same file_ids and upload nothing."""
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        first = await quick_session(bot)
        assert bot.emulator.photo_uploads(bot.user) == 4
        second = await quick_session(bot)
        assert bot.emulator.photo_uploads(bot.user) == 4
    async with start_bot() as bot:
        third = await quick_session(bot)
        assert bot.emulator.photo_uploads(bot.user) == 4

    def ids(photos: list[BotMessage]) -> list[str]:
        return [photo.photo.file_id for photo in photos if photo.photo]

    assert [photo.photo.uploaded for photo in first if photo.photo] == [True] * 4
    assert [photo.photo.uploaded for photo in second + third if photo.photo] == [False] * 8
    assert ids(first) == ids(second) == ids(third)


async def test_a_stale_file_id_is_uploaded_again(
    start_bot: BotFactory, settings: Settings
) -> None:
    """A kept file_id Telegram does not know (another bot's, or expired) gets a 400; the bot
    uploads the picture instead, keeps the new file_id, and the user sees the picture."""
    key = picture_key((CONTENT / "images" / QUICK[0]).read_bytes())
    store = TinyStore.in_folder(settings.data_dir)
    await store.remember_file_id(key, "AgACAgIAAxkDAAEfromAnotherBot")
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        photos = await quick_session(bot)
        assert len(photos) == 4
        refused = [r for r in bot.emulator.requests_for("sendPhoto") if r.status == 400]
        assert len(refused) == 1
        assert photos[0].photo is not None
        assert photos[0].photo.uploaded
        again = TinyStore.in_folder(bot.settings.data_dir)
        assert await again.file_id(key) == photos[0].photo.file_id
