"""Write the exercise illustrations' SVG sources into content/images/.

Run from the repository root (plain Python, standard library only):

    python tools/illustrations/generate.py           # (re)write the SVGs
    python tools/illustrations/generate.py --check   # exit 1 if a committed SVG is out of date

Then render the PNGs with `python tools/render_images.py`. The output is deterministic, so
running this twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import poses
from figure import Svg

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "content" / "images"

# name -> (builder, sides): sides is "one" (a single picture), "both" (the builder draws the
# first side, <name>-mirrored is its flip) or "both-flipped" (the builder draws the second
# side, so <name> is its flip and <name>-mirrored the drawing as built).
PICTURES: dict[str, tuple[Callable[[], Svg], str]] = {
    "iliopsoas": (poses.iliopsoas, "both"),
    "quadratus-lumborum": (poses.quadratus_lumborum_mirror, "both-flipped"),
    "clamshell": (poses.clamshell, "both"),
    "bridge": (poses.bridge, "one"),
    "desk-hip-flexor": (poses.desk_hip_flexor, "both"),
    "seated-side-bend": (poses.seated_side_bend, "both"),
    "seated-pelvic-tilt": (poses.seated_pelvic_tilt, "one"),
}


def sources() -> dict[str, str]:
    """File name -> SVG text for every picture, mirrored ones included."""
    out: dict[str, str] = {}
    for name, (build, sides) in PICTURES.items():
        flipped = sides == "both-flipped"
        out[f"{name}.svg"] = build().render(mirrored=flipped)
        if sides != "one":
            out[f"{name}-mirrored.svg"] = build().render(mirrored=not flipped)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = []
    for filename, text in sources().items():
        path = OUT_DIR / filename
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(filename)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        sys.stderr.write(
            "out of date (run python tools/illustrations/generate.py): " + ", ".join(stale) + "\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
