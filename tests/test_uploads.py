"""Limits on a routine someone uploads: size, steps, title length, ids; the loader's errors."""

from __future__ import annotations

import pytest

from bot.storage import Subscriber
from bot.uploads import MAX_BYTES, UploadError, own_routine, validate_upload
from tests.factories import PHYSIO_ROUTINE

STEP = '\n  [[exercises.steps]]\n  text = "Breathe."\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PHYSIO_ROUTINE + "#" * MAX_BYTES, "larger than 64 KB"),
        (PHYSIO_ROUTINE + STEP * 60, "63 steps, at most 60 are allowed"),
        (
            PHYSIO_ROUTINE.replace("Desk stretches from Sam", "S" * 65),
            "title is longer than 64 characters",
        ),
        (PHYSIO_ROUTINE.replace('id = "sam"', 'id = "quick"'), "id 'quick' is taken"),
        (PHYSIO_ROUTINE.replace("hold = 15", "hold = 900"), "hold must be at most 300"),
        ("\xff\xfe", "not UTF-8 text"),
    ],
)
def test_limits(text: str, message: str) -> None:
    """Each limit is enforced with a reason that names it."""
    data = text.encode("latin-1") if text.startswith("\xff") else text.encode()
    with pytest.raises(UploadError) as caught:
        validate_upload(data, "physio.toml", {"back", "quick"})
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_a_valid_upload_and_reading_it_back() -> None:
    """A valid file validates, and a subscriber keeping it gets the routine back."""
    routine = validate_upload(PHYSIO_ROUTINE.encode(), "physio.toml", {"back"})
    assert routine.id == "sam"
    chat = Subscriber(chat_id=1, timezone="UTC", times=(), own_routine=PHYSIO_ROUTINE)
    mine = own_routine(chat)
    assert mine is not None
    assert mine.title == routine.title
    assert own_routine(Subscriber(chat_id=1, timezone="UTC", times=())) is None
