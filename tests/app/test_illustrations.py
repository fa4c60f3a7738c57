"""The committed exercise pictures are what their SVG sources render to (pixels within a
tolerance, not bytes: renderers differ a little between machines), and each fits the limits
the loader enforces."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.core.pictures import MAX_PICTURE_BYTES, MAX_PICTURE_SIDE, picture_size
from tests.factories import REPO

IMAGES = REPO / "content" / "images"
SOURCES = sorted(IMAGES.glob("*.svg"))


def _tool() -> ModuleType:
    """tools/render_images.py, the one command that renders and checks the pictures."""
    spec = importlib.util.spec_from_file_location("render_images", REPO / "tools/render_images.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_images", module)
    spec.loader.exec_module(module)
    return module


RENDER = _tool()


def test_every_svg_has_its_png_and_every_png_its_svg() -> None:
    """Pictures and sources pair up one to one."""
    assert SOURCES
    assert {p.stem for p in IMAGES.glob("*.png")} == {p.stem for p in SOURCES}


@pytest.mark.parametrize("svg", SOURCES, ids=lambda path: path.stem)
def test_the_committed_png_matches_its_svg(svg: Path) -> None:
    """resvg renders the SVG to the picture committed beside it (within the tool's tolerance:
    a moved limb or a lost highlight fails, anti-aliasing does not)."""
    fresh: bytes = RENDER.render(svg.read_text(encoding="utf-8"))
    committed = svg.with_suffix(".png").read_bytes()
    assert RENDER.compare_png(committed, fresh) is None


@pytest.mark.parametrize("svg", SOURCES, ids=lambda path: path.stem)
def test_every_picture_fits_the_limits(svg: Path) -> None:
    """Each PNG is at most 300 KB and 1280 px on a side (what the loader accepts)."""
    png = svg.with_suffix(".png")
    found = picture_size(png.read_bytes()[:64])
    assert found is not None
    kind, width, height = found
    assert kind == "PNG"
    assert max(width, height) <= MAX_PICTURE_SIDE
    assert png.stat().st_size <= MAX_PICTURE_BYTES


def test_a_changed_picture_is_caught() -> None:
    """The comparison fails for a picture that is not its source's: the mirrored one."""
    fresh: bytes = RENDER.render((IMAGES / "clamshell.svg").read_text(encoding="utf-8"))
    mirrored = (IMAGES / "clamshell-mirrored.png").read_bytes()
    assert RENDER.compare_png(mirrored, fresh) is not None


def test_the_svgs_are_what_the_pose_code_draws() -> None:
    """tools/illustrations/generate.py --check: the committed SVGs are up to date with it."""
    done = subprocess.run(
        [sys.executable, str(REPO / "tools/illustrations/generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
