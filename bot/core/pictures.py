"""The pictures a routine may name: checked when the routine is loaded, so a missing, foreign
or oversized picture stops the bot at start-up rather than fail half-way through a session.

Telegram takes a photo up to 10 MB and 10 000 px, but a phone shows a few hundred pixels: the
limits here keep every picture small enough to upload fast and look sharp. Only the first
bytes are read (the standard library is enough for a PNG's or a JPEG's size).
"""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["MAX_PICTURE_BYTES", "MAX_PICTURE_SIDE", "check_picture", "picture_size"]

#: At most this many bytes (300 KB) ...
MAX_PICTURE_BYTES = 300 * 1024
#: ... and this many pixels on a side.
MAX_PICTURE_SIDE = 1280

_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive...): the segments that carry the size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
#: Enough of a JPEG to reach its start-of-frame past the usual metadata.
_HEAD = 64 * 1024


def picture_size(head: bytes) -> tuple[str, int, int] | None:
    """("PNG" or "JPEG", width, height) from a file's first bytes; None if it is neither."""
    if head.startswith(_PNG) and len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return "PNG", int(width), int(height)
    if head.startswith(b"\xff\xd8"):
        at = 2
        while at + 4 <= len(head) and head[at] == 0xFF:
            marker = head[at + 1]
            if marker == 0xFF:  # a fill byte
                at += 1
                continue
            if marker in _SOF and at + 9 <= len(head):
                height, width = struct.unpack(">HH", head[at + 5 : at + 9])
                return "JPEG", int(width), int(height)
            at += 2 + struct.unpack(">H", head[at + 2 : at + 4])[0]
    return None


def check_picture(folder: Path, name: str) -> tuple[Path, str | None]:
    """The picture ``name`` (a path relative to ``folder``, the content folder) and what is
    wrong with it, if anything: outside the folder, missing, not a PNG or JPEG, too big."""
    path = folder / name
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if Path(name).is_absolute() or not inside:
        return path, f"must be a file inside {folder}"
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(_HEAD)
    except FileNotFoundError:
        return path, f"{name} does not exist in {folder}"
    except OSError as exc:
        return path, f"cannot read {name} ({exc.strerror})"
    found = picture_size(head)
    if found is None:
        return path, f"{name} is not a PNG or JPEG picture"
    _kind, width, height = found
    if max(width, height) > MAX_PICTURE_SIDE:
        return path, f"{name} is {width}×{height} px; at most {MAX_PICTURE_SIDE} px on a side"
    if size > MAX_PICTURE_BYTES:
        return path, f"{name} is {size // 1024} KB; at most {MAX_PICTURE_BYTES // 1024} KB"
    return path.resolve(), None
