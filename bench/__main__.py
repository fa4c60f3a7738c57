"""Benchmarks: ``make bench`` runs them all, ``make bench ARGS=fanout`` one of them.

``python -m bench [fanout|holds|mixed|store|charts ...] [-- options]``: with no name, every
benchmark in turn, with its defaults (``pg_startup`` and ``scaleout`` need PostgreSQL: by
name only); with one name, that benchmark with the options that follow (see
``python -m bench.<name> --help``). Each prints its figures and targets; the exit status is
non-zero if any target was missed. Measured figures are in ``bench/README.md``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

__all__ = ["BENCHMARKS", "BY_NAME", "main"]

#: In the order of issue 6 (and ``charts``, issue 14). Imported only when run.
BENCHMARKS = ("fanout", "holds", "mixed", "store", "charts")
#: Run only by name (they need PostgreSQL and take minutes): ``python -m bench scaleout``.
BY_NAME = ("pg_startup", "scaleout")


def _load(name: str) -> Callable[[list[str]], int]:
    module = importlib.import_module(f"bench.{name}")
    run: Callable[[list[str]], int] = module.main
    return run


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print(f"benchmarks: {', '.join(BENCHMARKS)}; by name only: {', '.join(BY_NAME)}")
        return 0
    if argv and argv[0] not in BENCHMARKS + BY_NAME:
        print(f"unknown benchmark {argv[0]!r}; choose from {', '.join(BENCHMARKS + BY_NAME)}")
        return 2
    if argv:
        return _load(argv[0])(argv[1:])
    failed = [name for name in BENCHMARKS if _load(name)([]) != 0]
    if failed:
        print(f"targets missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
