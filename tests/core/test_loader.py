"""The routine files: the shipped content follows the article, and the loader rejects broken
files with a message that names the file, exercise and step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import load_routine, load_routines
from bot.core.routines import ContentError, mirror, visible
from tests.factories import REPO, routine_toml

CONTENT = REPO / "content"

GOOD = routine_toml()


def write(tmp_path: Path, text: str, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_routine_follows_the_article() -> None:
    """The shipped default routine has the article's exercises, instructions and hold times."""
    book = load_routines(CONTENT)
    routine = book.default
    assert routine.id == "back"
    assert "Flexibility and Strength for your back" in routine.source
    assert "consult your medical practitioner" in routine.disclaimer
    assert "does not constitute medical advice" in routine.disclaimer
    iliopsoas, quadratus, glutes, hamstrings = routine.exercises
    assert iliopsoas.title.startswith("Iliopsoas")
    assert [step.text for step in iliopsoas.steps] == [
        "Place your right foot forward, ahead of your right knee.",
        "Keep your spine upright.",
        "Place your left knee behind your left hip.",
        "Gently lean forward so that you feel the stretch in your left lower abdomen.",
    ]
    hold_step = iliopsoas.steps[-1]
    assert hold_step.hold == 10
    assert [(f.text, f.hold) for f in hold_step.followups] == [("Increase the stretch", 20)]
    assert iliopsoas.both_sides
    assert not iliopsoas.added
    assert quadratus.title.startswith("Quadratus lumborum")
    assert quadratus.continues
    assert quadratus.both_sides
    assert not quadratus.added
    assert [step.hold for step in quadratus.steps] == [None, 20]
    for added in (glutes, hamstrings):
        assert added.added
        assert added.note.startswith("Added beyond the source")


def test_continuing_exercise_starts_on_the_mirrored_side() -> None:
    """An exercise that continues from the previous position starts on its mirror image."""
    routine = load_routines(CONTENT).default
    assert routine.exercises[0].sides == (False, True)
    assert routine.exercises[1].sides == (True, False)
    assert routine.exercises[3].sides == (False,)


def test_mirror_swaps_left_and_right_keeping_case() -> None:
    """The other side of an exercise swaps every left and right, in any case."""
    assert mirror("Left foot, right knee; RIGHT hip; leftover") == (
        "Right foot, left knee; LEFT hip; leftover"
    )


def test_good_file_loads(tmp_path: Path) -> None:
    """A minimal valid file loads with its values."""
    routine = load_routine(write(tmp_path, GOOD))
    assert routine.title == "Tiny"
    assert routine.exercises[0].steps[0].followups[0].hold == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("hold = 10", "hold = -3"), "exercise 1, step 1: hold must be a positive number"),
        (("hold = 10", 'hold = "ten"'), "exercise 1, step 1: hold must be a positive number"),
        (("hold = 10", "hold = 0"), "exercise 1, step 1: hold must be a positive number"),
        (("hold = 20", "hold = 9000"), "step 1, follow-up 1: hold must be at most 300"),
        (('sides = "both"', 'sides = "three"'), 'exercise 1: sides must be "one" or "both"'),
        (('text = "Lean to the left."', 'txt = "x"'), "exercise 1, step 1: unknown field “txt”"),
        (('title = "Tiny"', ""), "title is required"),
        (('target = "the back"', 'target = ""'), "exercise 1: target must be non-empty text"),
        (('id = "tiny"', 'id = "Has Spaces"'), "id must be lowercase"),
        (("hold = 10", "hold = 0.001"), "exercise 1, step 1: hold must be at least 1 second"),
        (("hold = 20", "hold = 0.5"), "step 1, follow-up 1: hold must be at least 1 second"),
        (('title = "Tiny"', 'title = "\u200b"'), "title must have a visible character"),
        (('title = "Stretch"', 'title = "\u200d\u2060"'), "exercise 1: title must have a visible"),
        (('text = "Lean to the left."', 'text = "\u200e "'), "text must have a visible character"),
        (
            ('title = "Stretch"', 'title = "' + "T" * 65 + '"'),
            "exercise 1: title is longer than 64",
        ),
        (('title = "Tiny"', 'title = "' + "T" * 65 + '"'), ": title is longer than 64"),
    ],
)
def test_broken_file_names_the_place(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    """Each kind of mistake is reported with the file, exercise and step it is in."""
    path = write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(ContentError) as caught:
        load_routine(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_hold_error_uses_the_documented_wording(tmp_path: Path) -> None:
    """The error for a bad hold reads exactly like the documented example."""
    path = write(tmp_path, GOOD.replace("hold = 10", "hold = -1"))
    with pytest.raises(
        ContentError,
        match=r"tiny\.toml: exercise 1, step 1: hold must be a "
        r"positive number of seconds$",
    ):
        load_routine(path)


def test_progress_bounds_are_at_least_a_second(tmp_path: Path) -> None:
    """A progression's min and step follow the holds' one-second minimum."""
    bounds = "\n  progress = { min = 0.5, max = 30, step = 0.01 }"
    path = write(tmp_path, GOOD.replace("hold = 10", "hold = 10" + bounds))
    with pytest.raises(ContentError) as caught:
        load_routine(path)
    assert "progress: min must be at least 1 second" in str(caught.value)
    path = write(tmp_path, GOOD.replace("hold = 10", "hold = 10" + bounds.replace("0.5", "11")))
    with pytest.raises(ContentError, match="progress: step must be at least 1 second"):
        load_routine(path)


def test_visible_characters() -> None:
    """Letters, digits, punctuation and emoji show; spaces, zero-width, direction and other
    format characters, lone combining marks and blank fillers do not."""
    for shows in ("a", "\u200b7", "👍", "é", "e\u0301"):
        assert visible(shows), repr(shows)
    for blank in ("", " \t\n", "\u200b", "\u200c\u200d", "\ufeff", "\u2060", "\u200f"):
        assert not visible(blank), repr(blank)
    for blank in ("\u0301", "\ufe0f", "\u3164", "\u2800", "\u00ad", "\u3000"):
        assert not visible(blank), repr(blank)


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark before the first key (Windows editors write one) is skipped."""
    path = tmp_path / "tiny.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_routine(path).id == "tiny"


def test_deep_nesting_is_invalid_toml(tmp_path: Path) -> None:
    """Brackets nested deep enough to exhaust tomllib's recursion are an ordinary error."""
    path = write(tmp_path, "a = " + "[" * 5000 + "]" * 5000)
    with pytest.raises(ContentError, match=r"not valid TOML \(nested too deeply\)$"):
        load_routine(path)


def test_followups_need_a_hold(tmp_path: Path) -> None:
    """A follow-up only makes sense after a hold."""
    path = write(tmp_path, GOOD.replace("hold = 10\n", ""))
    with pytest.raises(ContentError, match="followups need a hold"):
        load_routine(path)


def test_added_exercise_needs_a_note(tmp_path: Path) -> None:
    """Content added beyond the source must say so in a note."""
    path = write(tmp_path, GOOD.replace('sides = "both"', 'sides = "both"\nadded = true'))
    with pytest.raises(ContentError, match="exercise 1: note is required"):
        load_routine(path)


def test_continues_needs_a_two_sided_predecessor(tmp_path: Path) -> None:
    """“continues” on the first exercise has nothing to continue from."""
    path = write(tmp_path, GOOD.replace('sides = "both"', 'sides = "both"\ncontinues = true'))
    with pytest.raises(ContentError, match="continues needs a previous exercise"):
        load_routine(path)


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    """A syntax error names the file."""
    path = write(tmp_path, "id = ")
    with pytest.raises(ContentError, match="not valid TOML"):
        load_routine(path)


def test_folder_rules(tmp_path: Path) -> None:
    """An empty folder, duplicate ids and a missing default are refused."""
    with pytest.raises(ContentError, match="no routines"):
        load_routines(tmp_path)
    with pytest.raises(ContentError, match="no such content folder"):
        load_routines(tmp_path / "missing")
    write(tmp_path, GOOD, "a.toml")
    assert load_routines(tmp_path).default_id == "tiny"
    write(tmp_path, GOOD, "b.toml")
    with pytest.raises(ContentError, match="already used"):
        load_routines(tmp_path)
    write(tmp_path, GOOD.replace('id = "tiny"', 'id = "other"'), "b.toml")
    with pytest.raises(ContentError, match="mark one routine with default = true"):
        load_routines(tmp_path)
