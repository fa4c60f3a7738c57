"""Extract every text into the translation catalogs: ``make messages`` (docs/languages.md).

Two domains, each a template (``bot/locales/<domain>.pot``) merged into every language's
``.po`` by Babel's own ``extract`` and ``update`` commands:

* ``messages``: the bot's texts, every ``_()``, ``N_()`` and ``ngettext()`` in
  ``bot/telegram/render``;
* ``content``: the routines' texts in ``content/*.toml`` (titles, summaries, disclaimers,
  steps, notes), by :func:`extract_routine`, a Babel extraction method (Babel has none for
  TOML). A two-sided exercise's steps are also extracted mirrored ("left" ↔ "right"), as the
  session says them for the second side.

Run from the repository's root: ``python -m tools.catalogs``.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

from bot.core.routines import mirror

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "bot" / "locales"
#: Every shipped language but English, the source.
TRANSLATED = ("de", "es", "ru")

#: The keys of a routine file whose values people read.
_ROUTINE_TEXTS = ("title", "summary", "disclaimer", "derived")
_EXERCISE_TEXTS = ("title", "target", "note")


def extract_routine(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction interface for a routine file: (line, function, text, comments)."""
    raw = fileobj.read().decode("utf-8")
    lines = raw.splitlines()
    data = tomllib.loads(raw)

    def line_of(text: str) -> int:
        start = text.strip().splitlines()[0][:40]
        return next((n for n, line in enumerate(lines, 1) if start in line), 1)

    def found(text: object, comment: str) -> Iterator[tuple[int, str | None, str, list[str]]]:
        if isinstance(text, str) and text.strip():
            yield line_of(text), None, text.strip(), [comment]

    for key in _ROUTINE_TEXTS:
        yield from found(data.get(key), f"routine {key}")
    micro = data.get("micro", {})
    for key in ("title", "note"):
        yield from found(micro.get(key), f"short break routine {key}")
    for exercise in data.get("exercises", ()):
        for key in _EXERCISE_TEXTS:
            yield from found(exercise.get(key), f"exercise {key}")
        two_sided = exercise.get("sides") == "both"
        for step in exercise.get("steps", ()):
            texts = [step.get("text")] + [f.get("text") for f in step.get("followups", ())]
            for text in texts:
                yield from found(text, "step")
                if two_sided and isinstance(text, str) and mirror(text) != text:
                    yield from found(mirror(text), "step, the other side")


def extract(domain: str, into: Path = LOCALES) -> Path:
    """Write ``bot/locales/<domain>.pot`` from the sources: Babel's extraction, with
    :func:`extract_routine` for the routine files (a mapping file cannot name a method in a
    module, hence the callable here)."""
    methods: dict[str, tuple[Path, list[tuple[str, Any]]]] = {
        "messages": (ROOT / "bot" / "telegram" / "render", [("**.py", "python")]),
        "content": (ROOT / "content", [("**.toml", extract_routine)]),
    }
    source, method_map = methods[domain]
    catalog = Catalog(project="stretch-bot", charset="utf-8")
    found = extract_from_dir(
        source, method_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        where = (Path(source.relative_to(ROOT), filename).as_posix(), lineno)
        catalog.add(message, None, [where], auto_comments=comments, context=context)
    template = into / f"{domain}.pot"
    template.parent.mkdir(parents=True, exist_ok=True)
    with template.open("wb") as file:
        write_po(file, catalog, width=0, sort_by_file=True, omit_header=False)
    return template


def main() -> int:
    babel: Any = CommandLineInterface()  # Babel's own command line (untyped)
    for domain in ("messages", "content"):
        template = extract(domain)
        for language in TRANSLATED:
            po = LOCALES / language / "LC_MESSAGES" / f"{domain}.po"
            command = "update" if po.exists() else "init"
            args = ["pybabel", command, "-i", str(template), "-d", str(LOCALES), "-D", domain]
            babel.run([*args, "-l", language, "--no-wrap"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
