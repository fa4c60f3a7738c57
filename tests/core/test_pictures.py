"""Exercise pictures in routine files: the built-in routines name theirs, the loader checks
each (inside the content folder, a PNG or JPEG, at most 1280 px and 300 KB), and an uploaded
routine that names one is refused without the path being opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import load_routine, load_routines
from bot.core.pictures import MAX_PICTURE_BYTES, picture_size
from bot.core.routines import ContentError
from bot.core.session import CueKind, compile_script
from bot.core.uploads import UploadError, validate_upload
from tests.factories import PHYSIO_ROUTINE, REPO, png, routine_toml

CONTENT = REPO / "content"
BOTH = 'image = "images/a.png"\nimage_mirrored = "images/b.png"'


def folder_with(tmp_path: Path, pictures: str, sides: str = "both") -> Path:
    """A content folder with two good pictures and a routine naming ``pictures``."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(png(96, 72))
    (tmp_path / "images" / "b.png").write_bytes(png(96, 72))
    path = tmp_path / "tiny.toml"
    path.write_text(routine_toml(sides=sides, pictures=pictures), encoding="utf-8")
    return path


def problem(path: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_routine(path)
    return caught.value.problems[0]


def test_the_built_in_routines_name_a_picture_for_every_side() -> None:
    """Every exercise of the shipped routines has its picture, and a two-sided one the
    mirrored picture for the side done as the mirror image of its text."""
    for routine in load_routines(CONTENT).values():
        for exercise in routine.exercises:
            assert exercise.image is not None, exercise.title
            assert exercise.image.is_file()
            if exercise.both_sides:
                assert exercise.image_mirrored is not None, exercise.title
                assert exercise.image_mirrored.name == exercise.image.stem + "-mirrored.png"
            else:
                assert exercise.image_mirrored is None


def test_the_first_step_of_each_side_carries_its_picture() -> None:
    """The iliopsoas stretch shows its picture then the mirrored one; the quadratus lumborum
    stretch, which continues on the mirrored side, the other way round; other steps none."""
    script = compile_script(load_routines(CONTENT).default)
    pictured = [cue for cue in script if cue.picture is not None]
    assert all(cue.kind is CueKind.STEP for cue in pictured)
    assert [cue.picture.name for cue in pictured if cue.picture] == [
        "iliopsoas.png",
        "iliopsoas-mirrored.png",
        "quadratus-lumborum-mirrored.png",
        "quadratus-lumborum.png",
        "clamshell.png",
        "clamshell-mirrored.png",
        "bridge.png",
    ]
    assert pictured[2].words.startswith(
        "Continuing from the previous position, look towards your right"
    )
    assert pictured[5].words.startswith("Lie on your right side")


def test_good_pictures_load_as_paths_in_the_folder(tmp_path: Path) -> None:
    """Both pictures of a two-sided exercise load as resolved paths inside the folder."""
    (exercise,) = load_routine(folder_with(tmp_path, BOTH)).exercises
    assert (exercise.picture(False), exercise.picture(True)) == (
        (tmp_path / "images" / "a.png").resolve(),
        (tmp_path / "images" / "b.png").resolve(),
    )


@pytest.mark.parametrize(
    ("pictures", "says"),
    [
        ('image = "images/nope.png"\nimage_mirrored = "images/b.png"', "nope.png does not exist"),
        ('image = "images/words.png"\nimage_mirrored = "images/b.png"', "not a PNG or JPEG"),
        ('image = "images/wide.png"\nimage_mirrored = "images/b.png"', "at most 1280 px"),
        ('image = "images/heavy.png"\nimage_mirrored = "images/b.png"', "at most 300 KB"),
        ('image = "../outside.png"\nimage_mirrored = "images/b.png"', "must be a file inside"),
        ('image = "/etc/hostname"\nimage_mirrored = "images/b.png"', "must be a file inside"),
        ('image = "images/a.png"', 'sides = "both" names image and image_mirrored'),
        ('image_mirrored = "images/b.png"', "image_mirrored needs an image"),
        ("image = 3\nimage_mirrored = 4", "image must be a path"),
    ],
)
def test_a_bad_picture_stops_the_content_with_a_reason(
    tmp_path: Path, pictures: str, says: str
) -> None:
    """A missing file, not a picture, too wide, too heavy, outside the content folder, or a
    two-sided exercise without its mirrored picture: refused, naming the exercise and why."""
    path = folder_with(tmp_path, pictures)
    (tmp_path / "images" / "words.png").write_text("not a picture", encoding="utf-8")
    (tmp_path / "images" / "wide.png").write_bytes(png(1281, 4))
    (tmp_path / "images" / "heavy.png").write_bytes(png(8, 8, padding=MAX_PICTURE_BYTES))
    (tmp_path / "outside.png").write_bytes(png(8, 8))
    said = problem(path)
    assert said.startswith(f"{path}: exercise 1: ")
    assert says in said


def test_a_one_sided_exercise_names_one_picture(tmp_path: Path) -> None:
    """An exercise done on one side has no mirrored picture."""
    path = folder_with(tmp_path, BOTH, sides="one")
    assert "one done on one side names image only" in problem(path)
    path.write_text(routine_toml(sides="one", pictures='image = "images/a.png"'), "utf-8")
    (exercise,) = load_routine(path).exercises
    assert (
        exercise.picture(True) == exercise.picture(False) == (tmp_path / "images/a.png").resolve()
    )


def test_an_upload_naming_a_picture_is_refused_unopened(tmp_path: Path) -> None:
    """A physio's file that names an image is refused with a friendly reason, and the path
    is never opened (it names a file that exists here)."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(8, 8))
    upload = PHYSIO_ROUTINE.replace(
        'title = "Chin tucks"', f'title = "Chin tucks"\nimage = "{secret}"'
    )
    with pytest.raises(UploadError) as caught:
        validate_upload(upload.encode(), "physio.toml", {"back"})
    (said,) = caught.value.problems
    assert "pictures come only with the bot's own routines" in said
    assert "remove the image lines" in said


def test_picture_sizes_from_png_and_jpeg_headers() -> None:
    """A PNG's and a JPEG's size come from their first bytes; anything else is not a picture."""
    assert picture_size(png(33, 7)) == ("PNG", 33, 7)
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x02\xd0\x03\xc0" + b"\x00" * 12
    assert picture_size(jpeg) == ("JPEG", 960, 720)
    assert picture_size(b"GIF89a....") is None
