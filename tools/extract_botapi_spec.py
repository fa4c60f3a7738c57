"""Compact the scraped Bot API spec into the copy the emulator ships (bot/emulator/botapi.json).

The source is PaulSonOfLars/telegram-bot-api-spec (MIT) for Bot API 10.0. It is 850 kB because
it carries every description; the emulator needs only names, types, required flags, return
types and subtype lists, plus the constant discriminator of each subtype (``"type": "chat"`` for
``BotCommandScopeChat``), which the source states only in prose and which is extracted here.

Run from the repository root (CI never runs it; its output is committed):

    .venv/bin/python tools/extract_botapi_spec.py [--source PATH/api.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/telegram-bot-api/api.json")
OUT_DIR = REPO / "bot" / "emulator"
SOURCE_NAME = "PaulSonOfLars/telegram-bot-api-spec"

# 'Scope type, must be chat' / 'Type of the reaction, always "emoji"'
_CONST_RE = re.compile(r"(?:always|must be) [\"“]?([a-z_]+)[\"”]?")
_DISCRIMINATORS = ("type", "status", "source")


def _fields(raw: list[dict[str, Any]], *, subtype: bool) -> list[dict[str, Any]]:
    out = []
    for field in raw:
        entry: dict[str, Any] = {
            "name": field["name"],
            "types": field["types"],
            "required": field["required"],
        }
        if subtype and field["name"] in _DISCRIMINATORS:
            match = _CONST_RE.search(field.get("description", ""))
            if match:
                entry["const"] = match.group(1)
        out.append(entry)
    return out


def compact(spec: dict[str, Any]) -> dict[str, Any]:
    """Keep what validation needs; drop descriptions and links."""
    methods = {
        name: {
            "fields": _fields(method.get("fields", []), subtype=False),
            "returns": method["returns"],
        }
        for name, method in spec["methods"].items()
    }
    types: dict[str, Any] = {}
    for name, typ in spec["types"].items():
        entry: dict[str, Any] = {}
        if "fields" in typ:
            entry["fields"] = _fields(typ["fields"], subtype="subtype_of" in typ)
        if "subtypes" in typ:
            entry["subtypes"] = typ["subtypes"]
        if "subtype_of" in typ:
            entry["subtype_of"] = typ["subtype_of"]
        types[name] = entry
    return {
        "version": spec["version"],
        "release_date": spec.get("release_date", ""),
        "source": f"https://github.com/{SOURCE_NAME}",
        "methods": methods,
        "types": types,
    }


def dumps(data: dict[str, Any]) -> str:
    """One method or type per line: small, yet reviewable in a diff."""
    lines = ["{"]
    for key in ("version", "release_date", "source"):
        lines.append(f"{json.dumps(key)}: {json.dumps(data[key], ensure_ascii=False)},")
    for section in ("methods", "types"):
        lines.append(f'"{section}": {{')
        items = list(data[section].items())
        for index, (name, value) in enumerate(items):
            comma = "," if index < len(items) - 1 else ""
            body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            lines.append(f"{json.dumps(name)}: {body}{comma}")
        lines.append("}," if section == "methods" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="scraped api.json")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    source: Path = args.source
    out_dir: Path = args.out_dir

    spec = json.loads(source.read_text(encoding="utf-8"))
    data = compact(spec)
    (out_dir / "botapi.json").write_text(dumps(data), encoding="utf-8")

    licence = (source.parent / "LICENSE").read_text(encoding="utf-8")
    header = (
        f"bot/emulator/botapi.json is derived from {SOURCE_NAME}\n"
        f"(https://github.com/{SOURCE_NAME}), {data['version']}, under this licence:\n\n"
    )
    (out_dir / "LICENSE-botapi-spec").write_text(header + licence, encoding="utf-8")

    sys.stdout.write(
        f"{data['version']}: {len(data['methods'])} methods, {len(data['types'])} types"
        f" -> {out_dir / 'botapi.json'}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
