"""The house rules, checked from the source with the standard library's ``ast``: no import
cycle (imports under TYPE_CHECKING count), no module over 400 lines, Telegram only in its
adapter, and a core that imports no framework, storage or text module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "bot"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports, absolute, wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # "from bot import texts" imports the module bot.texts, not (only) the package
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            yield from submodules
            if len(submodules) < len(node.names):
                yield base


def _internal(target: str) -> str | None:
    """The bot module an import refers to (a submodule import counts as its module)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


GRAPH = {
    name: {t for i in _imports(name, path) if (t := _internal(i)) and t != name}
    for name, path in MODULES.items()
}


def _within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_no_import_cycles() -> None:
    """No module imports itself through others, counting TYPE_CHECKING imports."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if _within(nxt, "bot") and nxt == "bot":
                continue  # the package's __init__ is a version string
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_400_lines(name: str) -> None:
    """A module a newcomer reads in one sitting."""
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines"


def _external(name: str) -> set[str]:
    return {i.partition(".")[0] for i in _imports(name, MODULES[name])}


def test_only_the_telegram_adapter_imports_telegram() -> None:
    """telegram is imported by bot.telegram, the wiring (app, __main__), the sandbox and the
    webhook adapter (bot.web) only."""
    allowed = ("bot.telegram", "bot.app", "bot.__main__", "bot.sandbox", "bot.web")
    offenders = [n for n in MODULES if "telegram" in _external(n) and not _within(n, *allowed)]
    assert offenders == []


def test_the_core_is_plain() -> None:
    """The core imports no framework, storage or text module, and nothing outside itself."""
    offenders = {}
    for name in MODULES:
        if not _within(name, "bot.core"):
            continue
        bad = {"telegram", "tinydb", "aiohttp", "psycopg", "babel"} & _external(name)
        bad |= {t for t in GRAPH[name] if _within(t, "bot") and not _within(t, "bot.core")}
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}


def test_features_use_the_core_and_the_ports_only() -> None:
    """Features know no Telegram, no storage engine and no texts."""
    offenders = {}
    for name in MODULES:
        if not _within(name, "bot.features"):
            continue
        bad = {"telegram", "tinydb", "aiohttp", "psycopg"} & _external(name)
        bad |= {
            t
            for t in GRAPH[name]
            if _within(t, "bot.telegram", "bot.storage", "bot.sandbox", "bot.emulator", "bot.app")
        }
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}


def test_charts_know_only_the_core() -> None:
    """bot.charts draws core data with words it is given: no Telegram, no features, no
    storage; and the bot's process never imports the drawing (only its worker does)."""
    offenders = {}
    for name in MODULES:
        if not _within(name, "bot.charts"):
            continue
        bad = {"telegram", "tinydb", "aiohttp", "psycopg"} & _external(name)
        bad |= {
            t
            for t in GRAPH[name]
            if _within(t, "bot") and not _within(t, "bot.charts", "bot.core")
        }
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}
    drawing = [n for n in MODULES if "bot.charts.draw" in GRAPH[n] and n != "bot.charts.worker"]
    assert drawing == []


def test_the_emulator_imports_nothing_from_the_bot() -> None:
    """The emulator stands for Telegram: it shares no code with the bot it tests."""
    offenders = {
        name: sorted(t for t in GRAPH[name] if not _within(t, "bot.emulator"))
        for name in MODULES
        if _within(name, "bot.emulator")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}
