"""The shared figure: palette, proportions, geometry helpers and an SVG builder.

Every illustration is built from the same pieces so that all pictures show the same person:
limbs are thick round-capped strokes of fixed lengths (joints are placed with two-bone inverse
kinematics, so a bent knee never changes the length of a thigh), the head is a skin-coloured
disc with a hair cap on the back of the head (which tells the way the figure faces), and each
part is drawn over a thin gap of background colour so that overlapping parts stay apart.

Coordinates are SVG pixels on a 960 x 720 canvas, y pointing down; angles are degrees,
0 pointing right and 90 pointing down. Output is deterministic: numbers are written with one
decimal and elements in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Vec = tuple[float, float]

WIDTH = 960
HEIGHT = 720

# Palette (also listed in content/images/README.md).
BACKGROUND = "#F8F4EC"
MAT = "#E6DAC5"
MAT_EDGE = "#D4C3A6"
NEAR = "#24496F"  # limbs nearer the viewer
TORSO = "#3A6A99"
FAR = "#A6C0DA"  # limbs further from the viewer
SKIN = "#F2C39C"
HAIR = "#4A3426"
ACCENT = "#FF6A3D"  # the working or stretched muscle (near side)
ACCENT_FAR = "#FFB79C"  # the same muscle on a far limb
ARROW = "#16A06F"  # movement arrows
SPINE = "#2C5682"  # the spine line on a torso seen from behind
CHAIR = "#B7AC9A"
CHAIR_DARK = "#8A7F6D"

# Proportions, in pixels.
TORSO_LEN = 160.0  # pelvis point to shoulder point
THIGH = 150.0
SHIN = 140.0
FOOT = 50.0  # ankle to toes
UPPER_ARM = 100.0
FOREARM = 98.0
HEAD_R = 40.0
NECK_GAP = 10.0  # from the end of the torso's rounded top to the head's edge

# Line weights (stroke widths), in pixels.
TORSO_SIDE_W = 88.0  # torso seen from the side
TORSO_FRONT_W = 108.0  # torso seen from the front: its width at the shoulders
SHOULDER_HALF = TORSO_FRONT_W / 2
CHEST_HALF = 52.0
WAIST_HALF = 43.0
HIP_HALF = 47.0
CORNER = 20.0  # corner radius of the front torso
LEG_W = 46.0
ARM_W = 32.0
FOOT_W = 26.0
GAP = 6.0  # background-coloured gap around every body part
ARROW_W = 13.0
SPINE_W = 7.0

# Floor: the contact line and the mat around it.
FLOOR_Y = 640.0
# The chair: the middle of its seat cushion, and its depth.
CHAIR_SEAT_Y = 524.0
CHAIR_DEPTH = 190.0


def fmt(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def pt(p: Vec) -> str:
    return f"{fmt(p[0])},{fmt(p[1])}"


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k)


def length(a: Vec) -> float:
    return math.hypot(a[0], a[1])


def unit(a: Vec) -> Vec:
    n = length(a)
    return (a[0] / n, a[1] / n)


def polar(angle: float, dist: float) -> Vec:
    rad = math.radians(angle)
    return (math.cos(rad) * dist, math.sin(rad) * dist)


def toward(a: Vec, angle: float, dist: float) -> Vec:
    """The point `dist` from `a` in direction `angle` (degrees; 0 right, 90 down, -90 up)."""
    return add(a, polar(angle, dist))


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def angle_of(v: Vec) -> float:
    return math.degrees(math.atan2(v[1], v[0]))


def perp(v: Vec) -> Vec:
    """`v` turned 90 degrees clockwise on screen."""
    return (-v[1], v[0])


def ik(root: Vec, end: Vec, l1: float, l2: float, bend: int) -> Vec:
    """The middle joint of a two-bone limb from `root` to `end`.

    `bend` = +1 puts the joint clockwise of the root-to-end line (seen on screen), -1
    anticlockwise. An out-of-reach end straightens the limb along the line.
    """
    d = sub(end, root)
    dist = length(d)
    u = unit(d)
    if dist >= l1 + l2:
        return add(root, mul(u, l1 * dist / (l1 + l2)))
    a = (l1 * l1 - l2 * l2 + dist * dist) / (2 * dist)
    h = math.sqrt(max(l1 * l1 - a * a, 0.0))
    return add(add(root, mul(u, a)), mul(perp(u), h * bend))


def reach(root: Vec, end: Vec, total: float) -> Vec:
    """`end` if a limb of length `total` from `root` reaches it, else the nearest point it does."""
    d = sub(end, root)
    if length(d) <= total:
        return end
    return add(root, mul(unit(d), total))


@dataclass
class Svg:
    """A list of SVG elements with their definitions (clip paths and masks)."""

    defs: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    # The view: `focus` (a point of the drawing) lands in the canvas centre, enlarged by `zoom`.
    focus: Vec = (WIDTH / 2, HEIGHT / 2)
    zoom: float = 1.0
    _ids: int = 0

    def new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    def add(self, element: str) -> None:
        self.body.append(element)

    def render(self, *, mirrored: bool = False, title: str = "") -> str:
        inner = "\n".join(self.body)
        if self.zoom != 1.0 or self.focus != (WIDTH / 2, HEIGHT / 2):
            inner = (
                f'<g transform="translate({fmt(WIDTH / 2)} {fmt(HEIGHT / 2)}) '
                f'scale({self.zoom:.3f}) translate({fmt(-self.focus[0])} {fmt(-self.focus[1])})">'
                f"\n{inner}\n</g>"
            )
        if mirrored:
            inner = f'<g transform="matrix(-1 0 0 1 {WIDTH} 0)">\n{inner}\n</g>'
        defs = "\n".join(self.defs)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}">'
        )
        parts = [head]
        if title:
            parts.append(f"<title>{title}</title>")
        parts.append(f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>')
        if defs:
            parts.append(f"<defs>\n{defs}\n</defs>")
        parts.append(inner)
        parts.append("</svg>")
        return "\n".join(parts) + "\n"


def polyline_d(points: list[Vec]) -> str:
    return "M" + " L".join(pt(p) for p in points)


def curve_d(a: Vec, control: Vec, b: Vec) -> str:
    return f"M{pt(a)} Q{pt(control)} {pt(b)}"


def stroke(d: str, color: str, width: float, fill: str = "none") -> str:
    return (
        f'<path d="{d}" fill="{fill}" stroke="{color}" stroke-width="{fmt(width)}" '
        f'stroke-linecap="round" stroke-linejoin="round"/>'
    )


@dataclass(frozen=True)
class Part:
    """One body part: a round-capped stroke along `d` (a path) of the given width and colour,
    and if `fill`, the inside of the (closed) path too."""

    d: str
    width: float
    color: str
    fill: bool = False

    def draw(self, color: str, extra_width: float = 0.0) -> str:
        return stroke(self.d, color, self.width + extra_width, color if self.fill else "none")


def _quad(a: Vec, c: Vec, b: Vec, t: float) -> Vec:
    u = 1 - t
    return (
        u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
    )


def _quad_tangent(a: Vec, c: Vec, b: Vec, t: float) -> Vec:
    return (
        2 * (1 - t) * (c[0] - a[0]) + 2 * t * (b[0] - c[0]),
        2 * (1 - t) * (c[1] - a[1]) + 2 * t * (b[1] - c[1]),
    )


class Canvas:
    """Draws scenery, body parts (each over a background-coloured gap), highlights and arrows."""

    def __init__(self) -> None:
        self.svg = Svg()

    def view(self, focus: Vec, zoom: float) -> None:
        """Show the drawing around `focus`, enlarged by `zoom` (proportions stay the same)."""
        self.svg.focus = focus
        self.svg.zoom = zoom

    # Scenery -------------------------------------------------------------------------------

    def mat(
        self, x0: float, x1: float, top: float = FLOOR_Y - 26, bottom: float = FLOOR_Y + 26
    ) -> None:
        self.svg.add(
            f'<rect x="{fmt(x0)}" y="{fmt(top)}" width="{fmt(x1 - x0)}" '
            f'height="{fmt(bottom - top)}" rx="14" fill="{MAT}"/>'
        )
        self.svg.add(
            f'<rect x="{fmt(x0)}" y="{fmt(bottom - 10)}" width="{fmt(x1 - x0)}" '
            f'height="10" rx="5" fill="{MAT_EDGE}"/>'
        )

    def floor(self, y: float = FLOOR_Y, x0: float = 60, x1: float = WIDTH - 60) -> None:
        self.svg.add(stroke(polyline_d([(x0, y), (x1, y)]), MAT_EDGE, 10))

    def chair_side(self, back_x: float, facing: int, back_top: float = 350.0) -> None:
        """An office chair seen from the side. `back_x` is the backrest's x; `facing` -1 puts
        the seat in front of it to screen-left, +1 to screen-right."""
        seat_y = CHAIR_SEAT_Y
        front_x = back_x + facing * CHAIR_DEPTH
        mid_x = (back_x + front_x) / 2
        base_y = FLOOR_Y - 16
        # Base with two wheels, gas-lift post, seat, backrest and its support.
        self.svg.add(stroke(polyline_d([(mid_x, seat_y), (mid_x, base_y)]), CHAIR_DARK, 22))
        self.svg.add(
            stroke(polyline_d([(mid_x - 100, base_y), (mid_x + 100, base_y)]), CHAIR_DARK, 16)
        )
        for x in (mid_x - 100, mid_x + 100):
            self.svg.add(
                f'<circle cx="{fmt(x)}" cy="{fmt(FLOOR_Y - 10)}" r="11" fill="{CHAIR_DARK}"/>'
            )
        support = [(mid_x, seat_y + 4), (back_x, seat_y + 4), (back_x, back_top + 60)]
        self.svg.add(stroke(polyline_d(support), CHAIR_DARK, 14))
        self.svg.add(stroke(polyline_d([(back_x, back_top), (back_x, seat_y - 64)]), CHAIR, 38))
        self.svg.add(
            stroke(polyline_d([(back_x + facing * 8, seat_y), (front_x, seat_y)]), CHAIR, 28)
        )

    def chair_front(self, center_x: float, back_top: float = 300.0) -> None:
        """An office chair seen from the front: backrest, seat, post and base."""
        seat_y = CHAIR_SEAT_Y
        base_y = FLOOR_Y - 16
        self.svg.add(
            f'<rect x="{fmt(center_x - 78)}" y="{fmt(back_top)}" width="156" '
            f'height="{fmt(seat_y - 40 - back_top)}" rx="26" fill="{CHAIR}"/>'
        )
        self.svg.add(stroke(polyline_d([(center_x, seat_y), (center_x, base_y)]), CHAIR_DARK, 22))
        self.svg.add(
            stroke(
                polyline_d([(center_x - 110, base_y), (center_x + 110, base_y)]), CHAIR_DARK, 16
            )
        )
        for x in (center_x - 110, center_x, center_x + 110):
            self.svg.add(
                f'<circle cx="{fmt(x)}" cy="{fmt(FLOOR_Y - 10)}" r="11" fill="{CHAIR_DARK}"/>'
            )
        self.svg.add(
            stroke(polyline_d([(center_x - 100, seat_y), (center_x + 100, seat_y)]), CHAIR, 30)
        )

    def raw(self, element: str) -> None:
        self.svg.add(element)

    # Body ----------------------------------------------------------------------------------

    def part(self, *parts: Part) -> None:
        """Parts drawn together: one gap around all of them, then their colours."""
        for p in parts:
            self.svg.add(p.draw(BACKGROUND, 2 * GAP))
        for p in parts:
            self.svg.add(p.draw(p.color))

    def leg(self, hip: Vec, knee: Vec, ankle: Vec, toe: Vec, color: str) -> list[Part]:
        parts = [
            Part(polyline_d([hip, knee, ankle]), LEG_W, color),
            Part(polyline_d([ankle, toe]), FOOT_W, color),
        ]
        self.part(*parts)
        return parts

    def arm(self, shoulder: Vec, elbow: Vec, wrist: Vec, color: str) -> list[Part]:
        parts = [Part(polyline_d([shoulder, elbow, wrist]), ARM_W, color)]
        self.part(*parts)
        return parts

    def torso(self, pelvis: Vec, shoulder: Vec, width: float, bend: float = 0.0) -> list[Part]:
        """A torso from the pelvis point to the shoulder point; `bend` bows it sideways (px)."""
        if bend:
            mid = lerp(pelvis, shoulder, 0.5)
            control = add(mid, mul(perp(unit(sub(shoulder, pelvis))), 2 * bend))
            d = curve_d(pelvis, control, shoulder)
        else:
            d = polyline_d([pelvis, shoulder])
        parts = [Part(d, width, TORSO)]
        self.part(*parts)
        return parts

    def spine(self, pelvis: Vec, shoulder: Vec, bend: float = 0.0) -> None:
        """A thin line down the middle of a torso seen from behind (its spine)."""
        control = add(
            lerp(pelvis, shoulder, 0.5), mul(perp(unit(sub(shoulder, pelvis))), 2 * bend)
        )
        a = _quad(pelvis, control, shoulder, 0.08)
        b = _quad(pelvis, control, shoulder, 0.92)
        mid = _quad(pelvis, control, shoulder, 0.5)
        # The quadratic through a, mid and b.
        c = sub(mul(mid, 2), lerp(a, b, 0.5))
        self.svg.add(stroke(curve_d(a, c, b), SPINE, SPINE_W))

    def torso_front(self, pelvis: Vec, shoulder: Vec, bend: float = 0.0) -> list[Part]:
        """A torso seen from the front or back: broad shoulders, narrower waist, rounded
        corners. `bend` bows its centre line sideways (px, as for `torso`)."""
        axis = unit(sub(shoulder, pelvis))
        side = perp(axis)
        control = add(lerp(pelvis, shoulder, 0.5), mul(side, 2 * bend))
        # Half-widths along the centre line (0 = pelvis, 1 = shoulders), corners rounded below.
        profile = [(0.0, HIP_HALF), (0.45, WAIST_HALF), (0.8, CHEST_HALF), (1.0, SHOULDER_HALF)]
        left: list[Vec] = []
        right: list[Vec] = []
        for t, half in profile:
            p = _quad(pelvis, control, shoulder, t)
            tangent = unit(_quad_tangent(pelvis, control, shoulder, t))
            n = perp(tangent)
            inner = half - CORNER
            left.append(add(p, mul(n, -inner)))
            right.append(add(p, mul(n, inner)))
        # The ends stretch a little past the pelvis and shoulder points (as the caps of `torso`).
        bottom = mul(axis, -(HIP_HALF - CORNER) * 0.55)
        top = mul(axis, CORNER * 0.2)
        left[0] = add(left[0], bottom)
        right[0] = add(right[0], bottom)
        left[-1] = add(left[-1], top)
        right[-1] = add(right[-1], top)
        outline = [*left, *reversed(right)]
        d = polyline_d(outline) + " Z"
        parts = [Part(d, 2 * CORNER, TORSO, fill=True)]
        self.part(*parts)
        return parts

    def head(self, center: Vec, up: float, facing: float | None, hair: float = 0.5) -> None:
        """A head; `up` is the crown's direction, `facing` the face's (None: facing the viewer).

        `hair` is how far the hair cap is shifted away from the face, in head radii: less
        hair shows less face (0.3 for a head seen from behind, turned to one side)."""
        clip = self.svg.new_id("head")
        self.svg.defs.append(
            f'<clipPath id="{clip}"><circle cx="{fmt(center[0])}" cy="{fmt(center[1])}" '
            f'r="{fmt(HEAD_R)}"/></clipPath>'
        )
        self.svg.add(
            f'<circle cx="{fmt(center[0])}" cy="{fmt(center[1])}" r="{fmt(HEAD_R + GAP)}" '
            f'fill="{BACKGROUND}"/>'
        )
        self.svg.add(
            f'<circle cx="{fmt(center[0])}" cy="{fmt(center[1])}" r="{fmt(HEAD_R)}" '
            f'fill="{SKIN}"/>'
        )
        # The hair: the head disc intersected with a shifted copy of it (back and top).
        offset = polar(up, HEAD_R * 0.55)
        if facing is not None:
            offset = add(offset, polar(facing + 180, HEAD_R * hair))
        else:
            offset = polar(up, HEAD_R * 0.62)
        cap = add(center, offset)
        self.svg.add(
            f'<circle cx="{fmt(cap[0])}" cy="{fmt(cap[1])}" r="{fmt(HEAD_R * 1.02)}" '
            f'fill="{HAIR}" clip-path="url(#{clip})"/>'
        )

    def highlight(self, parts: list[Part], shapes: list[str]) -> None:
        """Paint `shapes` (SVG elements, filled) only where they fall on `parts`."""
        mask = self.svg.new_id("on")
        inner = "".join(p.draw("#FFFFFF") for p in parts)
        self.svg.defs.append(
            f'<mask id="{mask}" maskUnits="userSpaceOnUse" x="-1000" y="-1000" '
            f'width="3000" height="3000">{inner}</mask>'
        )
        self.svg.add(f'<g mask="url(#{mask})">' + "".join(shapes) + "</g>")

    # Arrows --------------------------------------------------------------------------------

    def arrow(self, points: list[Vec], *, curve: bool = False, both: bool = False) -> None:
        """A movement arrow along a line (2 points) or a quadratic curve (3 points)."""
        head_len = 34.0
        head_half = 24.0
        start, end = points[0], points[-1]
        before_end = points[-2] if len(points) > 1 else start
        after_start = points[1]
        end_dir = unit(sub(end, before_end))
        start_dir = unit(sub(start, after_start))
        # Shorten the shaft so its round cap hides under the arrowhead.
        shaft_end = add(end, mul(end_dir, -head_len * 0.6))
        shaft_start = add(start, mul(start_dir, -head_len * 0.6)) if both else start
        if curve and len(points) == 3:
            d = curve_d(shaft_start, points[1], shaft_end)
        else:
            d = polyline_d([shaft_start, *points[1:-1], shaft_end])
        heads = [self._arrowhead_d(end, end_dir, head_len, head_half)]
        if both:
            heads.append(self._arrowhead_d(start, start_dir, head_len, head_half))
        self.svg.add(stroke(d, BACKGROUND, ARROW_W + 2 * GAP))
        for h in heads:
            self.svg.add(stroke(h, BACKGROUND, 6 + 2 * GAP))
        self.svg.add(stroke(d, ARROW, ARROW_W))
        for h in heads:
            self.svg.add(
                f'<path d="{h}" fill="{ARROW}" stroke="{ARROW}" stroke-width="6" '
                f'stroke-linejoin="round"/>'
            )

    @staticmethod
    def _arrowhead_d(tip: Vec, direction: Vec, head_len: float, head_half: float) -> str:
        base = add(tip, mul(direction, -head_len))
        side = perp(direction)
        a = add(base, mul(side, head_half))
        b = add(base, mul(side, -head_half))
        return f"M{pt(tip)} L{pt(a)} L{pt(b)} Z"


def ellipse(center: Vec, rx: float, ry: float, angle: float, color: str) -> str:
    """A filled ellipse for highlights, rotated by `angle` degrees."""
    return (
        f'<ellipse cx="{fmt(center[0])}" cy="{fmt(center[1])}" rx="{fmt(rx)}" ry="{fmt(ry)}" '
        f'transform="rotate({fmt(angle)} {fmt(center[0])} {fmt(center[1])})" fill="{color}"/>'
    )


def band(a: Vec, b: Vec, width: float, color: str) -> str:
    """A round-ended band from `a` to `b` for highlights (a muscle along a limb)."""
    return stroke(polyline_d([a, b]), color, width)
