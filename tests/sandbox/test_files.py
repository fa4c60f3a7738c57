"""Files in the sandbox: the bot's are saved without overwriting, ``/send`` reads the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator.models import PhotoSizeSent, SentDocument, SentPhoto
from bot.sandbox.files import (
    MAX_SEND,
    Attachment,
    FileSaver,
    SendError,
    attachments,
    read_to_send,
    safe_name,
    shown_path,
    size_text,
)
from tests.sandbox.test_render import message

CSV = Attachment("document", "stretch-sessions-2026-11-25.csv", "text/csv", b"date\n")


def test_files_are_saved_under_their_names_never_over_another(tmp_path: Path) -> None:
    """The folder is made on the first file; a second file of the same name gets " (2)"."""
    saver = FileSaver(tmp_path / "out")
    first = saver.save(CSV, 10)
    second = saver.save(Attachment("document", CSV.name, None, b"other\n"), 11)
    assert first == tmp_path / "out" / "stretch-sessions-2026-11-25.csv"
    assert second == tmp_path / "out" / "stretch-sessions-2026-11-25 (2).csv"
    assert first.read_bytes() == b"date\n"
    assert second.read_bytes() == b"other\n"


def test_a_name_cannot_leave_the_folder(tmp_path: Path) -> None:
    """Folders in a name, and characters file systems refuse, are dropped; a file with no
    usable name is named after its kind and message."""
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\x.csv") == "x.csv"
    assert safe_name("re:port?<1>.csv") == "re_port__1_.csv"
    assert safe_name("..") == ""
    saver = FileSaver(tmp_path)
    assert saver.save(Attachment("photo", "..", "image/png", b"\x89PNG"), 7).name == "photo-7.png"
    assert saver.save(Attachment("document", None, None, b"x"), 8).name == "document-8"
    assert {path.name for path in tmp_path.iterdir()} == {"photo-7.png", "document-8"}


def test_documents_and_photos_are_attachments() -> None:
    """A document with its bytes is a file to save; so is a photo; a document re-sent without
    bytes and a text message are not."""
    sent = message(5, "caption", 1.0)
    assert attachments(sent) == []
    sent.document = SentDocument("id", "uid", "a.csv", "text/csv", b"date\n")
    assert attachments(sent) == [Attachment("document", "a.csv", "text/csv", b"date\n")]
    sent.document = SentDocument("id", "uid", "a.csv", "text/csv", b"")
    assert attachments(sent) == []
    sent.photo = SentPhoto((PhotoSizeSent("p", "u", 4, 3, 4),), b"\x89PNG", "image/png")
    assert attachments(sent) == [Attachment("photo", None, "image/png", b"\x89PNG")]


def test_send_reads_a_file_relative_to_the_working_directory(tmp_path: Path) -> None:
    """A relative path starts where the sandbox runs; the MIME type comes from the name."""
    (tmp_path / "plan.csv").write_bytes(b"a,b\n")
    path, data, mime_type = read_to_send("plan.csv", tmp_path)
    assert (path, data, mime_type) == (tmp_path / "plan.csv", b"a,b\n", "text/csv")
    (tmp_path / "mine.toml").write_text('id = "x"\n', encoding="utf-8")
    assert read_to_send(str(tmp_path / "mine.toml"), Path("/"))[2] == "application/octet-stream"


def test_send_explains_what_is_wrong(tmp_path: Path) -> None:
    """No path, a missing file, a folder, an empty or an over-large file: one line each,
    saying what to do, never a traceback."""
    (tmp_path / "empty.toml").touch()
    with (tmp_path / "huge.bin").open("wb") as huge:
        huge.truncate(MAX_SEND + 1)
    expected = {
        "": "/send needs a file, e.g. /send my-routine.toml",
        "nope.toml": f"there is no file nope.toml (looked for {tmp_path / 'nope.toml'})",
        ".": "/send: . is a folder; name a file in it.",
        "empty.toml": "empty.toml is empty; Telegram does not send empty files.",
        "huge.bin": "huge.bin is 20 MB; the sandbox sends files up to 20 MB",
    }
    for typed, says in expected.items():
        with pytest.raises(SendError) as raised:
            read_to_send(typed, tmp_path)
        assert says in str(raised.value)


def test_paths_and_sizes_as_the_user_reads_them(tmp_path: Path) -> None:
    """Paths inside the working directory are relative; sizes are short."""
    assert shown_path(tmp_path / "files" / "a.csv", tmp_path) == str(Path("files/a.csv"))
    assert shown_path(Path("/elsewhere/a.csv"), tmp_path) == "/elsewhere/a.csv"
    assert [size_text(n) for n in (812, 1024, 1434, 20 * 1024 * 1024)] == [
        "812 bytes",
        "1 KB",
        "1.4 KB",
        "20 MB",
    ]
