"""The README and the documents beside it point at things that exist: relative links at files
and headings, and code paths such as the failure table's ``tests/...py::test_name``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import REPO

DOCUMENTS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "bench" / "README.md",
]
_FENCED = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
#: A repository path in a code span, optionally naming a function in it (``file.py::name``).
_REPO_PATH = re.compile(r"^((?:bot|tests|bench|tools|content|docs)/[\w./-]*[\w/])(?:::(\w+))?$")
_SAME_FILE = re.compile(r"^::(\w+)$")


def _without_code_blocks(text: str) -> str:
    return _FENCED.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    """Every heading's anchor; a repeated heading gets ``-1``, ``-2``… as on GitHub."""
    found: set[str] = set()
    for heading in _HEADING.findall(_without_code_blocks(document.read_text(encoding="utf-8"))):
        slug = _slug(heading)
        candidate, copy = slug, 0
        while candidate in found:
            copy += 1
            candidate = f"{slug}-{copy}"
        found.add(candidate)
    return found


def links(document: Path) -> Iterator[str]:
    """Relative link targets, outside code (external addresses left out)."""
    prose = _CODE_SPAN.sub("", _without_code_blocks(document.read_text(encoding="utf-8")))
    for target in _LINK.findall(prose):
        if not _SCHEME.match(target):
            yield target


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_relative_links_resolve(document: Path) -> None:
    """Each relative link names a file in the repository and, with ``#``, one of its
    headings; so moving a section without its links fails here."""
    broken: list[str] = []
    for target in links(document):
        path_part, _, anchor = target.partition("#")
        linked = (document.parent / path_part).resolve() if path_part else document
        if not linked.is_relative_to(REPO) or not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.name}")
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_code_paths_exist(document: Path) -> None:
    """Paths in code spans (``bot/delivery.py``, ``tests/e2e/test_dst.py``) exist, and each
    ``::test_name`` (after a path, or alone meaning the last test file named) is defined there:
    the failure table's "Proven by" column names tests that are really there."""
    missing: list[str] = []
    current: Path | None = None
    for span in _CODE_SPAN.findall(_without_code_blocks(document.read_text(encoding="utf-8"))):
        named = _REPO_PATH.match(span)
        alone = _SAME_FILE.match(span)
        if named:
            path = REPO / named[1]
            if not path.exists():
                missing.append(f"{span}: no such path")
                continue
            current = path if named[1].startswith("tests/") else current
            name = named[2]
        elif alone and current is not None:
            path, name = current, alone[1]
        else:
            continue
        if name and not re.search(rf"^\s*(?:async\s+)?def {name}\(", _read(path), re.M):
            missing.append(f"{span}: no {name} in {path.relative_to(REPO)}")
    assert missing == []


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def test_slugs_follow_github() -> None:
    """Anchors are made the way GitHub makes them, so a link that works here works there."""
    assert _slug("Try it now — no token needed") == "try-it-now--no-token-needed"
    assert _slug("Benchmarks (`make bench`)") == "benchmarks-make-bench"
    assert _slug("Operators: `/admin` and `/broadcast`") == "operators-admin-and-broadcast"
    assert _slug("Routine files (`content/*.toml`)") == "routine-files-contenttoml"
