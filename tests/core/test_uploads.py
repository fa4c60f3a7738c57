"""Limits on a routine someone uploads: size, steps, title length, ids; the loader's errors."""

from __future__ import annotations

import pytest

from bot.core.chat import Chat, Coaching, Schedule
from bot.core.uploads import MAX_BYTES, UploadError, own_routine, validate_upload
from bot.telegram.fitting import MAX_MESSAGE, visible_length
from bot.telegram.render import coaching as coaching_text
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
    chat = Chat(
        chat_id=1,
        schedule=Schedule(timezone="UTC", times=()),
        coaching=Coaching(own_routine=PHYSIO_ROUTINE),
    )
    mine = own_routine(chat)
    assert mine is not None
    assert mine.title == routine.title
    assert own_routine(Chat(chat_id=1, schedule=Schedule(timezone="UTC", times=()))) is None


def test_problems_name_the_file_shortened() -> None:
    """A 240-character file name is quoted shortened in every problem."""
    name = "n" * 235 + ".toml"
    broken = PHYSIO_ROUTINE.replace("hold = 15", "hold = -1").encode()
    with pytest.raises(UploadError) as caught:
        validate_upload(broken, name, set())
    (problem,) = caught.value.problems
    assert problem.startswith(f"“{'n' * 39}…”: exercise 1, step 2: hold must be")
    assert len(problem) < 120


def test_rejection_lists_what_fits_then_the_rest_as_a_count() -> None:
    """The rejection lists problems (escaped) while one message holds them, then "… and N
    more"; a short list is listed whole."""
    short = coaching_text.upload_rejected(["a: <b> is wrong", "b: also"])
    assert short.endswith("• a: &lt;b&gt; is wrong\n• b: also")
    long = coaching_text.upload_rejected([f"problem {n}: " + "x" * 100 for n in range(200)])
    assert visible_length(long) <= MAX_MESSAGE
    listed = long.count("• problem")
    assert 30 < listed < 200
    assert long.endswith(f"… and {200 - listed} more")
