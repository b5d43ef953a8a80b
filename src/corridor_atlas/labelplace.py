"""Where the names go on a picture of fixed size: the label rules for the print render.

The same rules as the live map's label layer (``corridor_atlas/js/labels.js``; see
:mod:`corridor_atlas.labels` for the order), for one zoom and extent. Nothing overlaps:
boxes are tested turned, as drawn.

Coordinates are pixels of the picture, x to the right and y down.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import styles
from .labels import PlaceLabel, RouteLabel
from .projection import WORLD_WIDTH_M

__all__ = ["Box", "Placed", "place_labels", "zoom_of"]

Measure = Callable[[str, float, bool], float]  # (text, size px, bold) -> width px
Project = Callable[[np.ndarray], np.ndarray]  # (n, 2) lon/lat -> (n, 2) pixels

DOT_PX = styles.PLACE_DOT_PX
SPACING = styles.LABEL_SPACING
STEP_PX = 6.0
GAP_PX = 2.0
MARGIN_PX = 4.0
_CELL = 64.0


def zoom_of(metres_per_px: float) -> float:
    """The web map zoom (256-px tiles) at which one pixel covers ``metres_per_px`` metres."""
    return math.log2(WORLD_WIDTH_M / (256.0 * metres_per_px))


@dataclass(frozen=True)
class Box:
    """A rectangle turned about its centre: its corners, and the axis-aligned box around them."""

    pts: tuple[tuple[float, float], ...]

    @classmethod
    def around(cls, cx: float, cy: float, w: float, h: float, angle: float = 0.0) -> Box:
        c, s, dx, dy = math.cos(angle), math.sin(angle), w / 2, h / 2
        return cls(tuple((cx + x * c - y * s, cy + x * s + y * c)
                         for x, y in ((-dx, -dy), (dx, -dy), (dx, dy), (-dx, dy))))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.pts]
        ys = [p[1] for p in self.pts]
        return min(xs), min(ys), max(xs), max(ys)

    def overlaps(self, other: Box) -> bool:
        """Separating-axis test of two convex quadrilaterals (touching is not overlapping)."""
        for poly in (self.pts, other.pts):
            for j in range(4):
                (x0, y0), (x1, y1) = poly[j], poly[(j + 1) % 4]
                nx, ny = y1 - y0, x0 - x1
                a = [x * nx + y * ny for x, y in self.pts]
                b = [x * nx + y * ny for x, y in other.pts]
                if max(a) <= min(b) or max(b) <= min(a):
                    return False
        return True


@dataclass(frozen=True)
class Placed:
    """A name where it is drawn: its centre, its angle (radians), its box, its dot, and
    the point of its line a leader joins it to (a route name set beside its line)."""

    label: RouteLabel | PlaceLabel
    x: float
    y: float
    angle: float
    box: Box
    dot: tuple[float, float] | None = None
    anchor: tuple[float, float] | None = None
    size: tuple[float, float] = (0.0, 0.0)  # the box's width and height

    def leader_end(self) -> tuple[float, float] | None:
        """Where the leader meets the box: the point of its edge nearest the anchor."""
        if self.anchor is None:
            return None
        hw, hh = self.size[0] / 2 - 2, self.size[1] / 2
        return (max(self.x - hw, min(self.anchor[0], self.x + hw)),
                max(self.y - hh, min(self.anchor[1], self.y + hh)))


ANCHORS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.08, 0.92)
"""Where along a route's visible stretch a name set beside it may sit (middle first)."""
RINGS = (0.0, 10.0, 22.0, 38.0, 58.0)
"""How far beside its line (px) such a name may sit, nearest first."""


def _around(w: float, h: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for r in RINGS:
        dx, dy = w / 2 + 4 + r, h / 2 + 4 + r
        if r == 0:
            out.append((0.0, 0.0))
        out += [(dx, 0), (-dx, 0), (0, -dy), (0, dy), (dx, -dy), (-dx, -dy), (dx, dy),
                (-dx, dy)]
    return out


class _Placer:
    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = box.bounds
        return [(i, j) for i in range(int(x0 // _CELL), int(x1 // _CELL) + 1)
                for j in range(int(y0 // _CELL), int(y1 // _CELL) + 1)]

    def inside(self, box: Box) -> bool:
        x0, y0, x1, y1 = box.bounds
        return (x0 >= MARGIN_PX and y0 >= MARGIN_PX and x1 <= self.width - MARGIN_PX
                and y1 <= self.height - MARGIN_PX)

    def free(self, box: Box) -> bool:
        if not self.inside(box):
            return False
        x0, y0, x1, y1 = box.bounds
        for cell in self._cells(box):
            for other in self.cells.get(cell, ()):
                ox0, oy0, ox1, oy1 = other.bounds
                if ox0 < x1 and x0 < ox1 and oy0 < y1 and y0 < oy1 and box.overlaps(other):
                    return False
        return True

    def take(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)


@dataclass
class _Part:
    pts: np.ndarray  # (n, 2) pixels
    cum: np.ndarray  # arc length at each vertex
    spots: list[tuple[float, float, float, float]]  # (s, x, y, angle)


def _point_at(part: _Part, s: float) -> tuple[float, float, int]:
    i = int(np.searchsorted(part.cum, s, side="left"))
    i = min(max(i, 1), len(part.pts) - 1)
    seg = (part.cum[i] - part.cum[i - 1]) or 1.0
    t = (s - part.cum[i - 1]) / seg
    a, b = part.pts[i - 1], part.pts[i]
    return float(a[0] + (b[0] - a[0]) * t), float(a[1] + (b[1] - a[1]) * t), i


def _part(pts: np.ndarray, width: float, height: float) -> _Part:
    """The spots along a projected line where straight text of this size sits on it."""
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    part = _Part(pts, cum, [])
    half = width / 2 + 2
    s = half
    while s <= cum[-1] - half:
        ax, ay, ai = _point_at(part, s - half)
        bx, by, bi = _point_at(part, s + half)
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        if length >= width * 0.9:
            inner = pts[ai:bi]
            worst = (float(np.max(np.abs((inner[:, 0] - ax) * dy - (inner[:, 1] - ay) * dx)))
                     / length) if len(inner) else 0.0
            if worst <= height * 0.45:
                angle = math.atan2(dy, dx)
                if angle > math.pi / 2:
                    angle -= math.pi
                elif angle < -math.pi / 2:
                    angle += math.pi
                cx, cy, _ = _point_at(part, s)
                part.spots.append((s, cx, cy, angle))
        s += STEP_PX
    return part


def _text_width(label: RouteLabel | PlaceLabel, measure: Measure) -> float:
    width = measure(label.text, label.size, label.bold)
    if isinstance(label, PlaceLabel) and label.spaced:
        width += (len(label.text) - 1) * label.size * SPACING
    return width


def place_labels(routes: Sequence[RouteLabel], places: Sequence[PlaceLabel], *,
                 project: Project, size: tuple[float, float], zoom: float,
                 measure: Measure, obstacles: Sequence[tuple[float, float, float, float]] = ()
                 ) -> list[Placed]:
    """
    Place the names of a picture.

    Parameters
    ----------
    routes, places
        The scene's label candidates, in priority order.
    project
        Lon/lat to pixels of the picture.
    size
        The picture's width and height in pixels.
    zoom
        Its web map zoom (:func:`zoom_of`): places show between their min and max zoom.
    measure
        The width in pixels of a text at a size, bold or not, in the font it is drawn in.
    obstacles
        Rectangles (x0, y0, x1, y1) no name may cover.
    """
    placer = _Placer(*size)
    for x0, y0, x1, y1 in obstacles:
        placer.take(Box(((x0, y0), (x1, y0), (x1, y1), (x0, y1))))
    placed: list[Placed] = []
    shown = [p for p in places if p.min_zoom <= zoom < p.max_zoom]

    laid: list[tuple[RouteLabel, float, float, list[_Part], list[tuple[float, float]]]] = []
    for label in routes:
        w, h = _text_width(label, measure) + 2 * GAP_PX, label.size * 1.25
        parts = [_part(project(np.asarray(part, dtype=float)), w, h)
                 for part in label.parts if len(part) >= 2]
        laid.append((label, w, h, parts, []))

    def try_route(entry: tuple, x: float, y: float, angle: float,
                  anchor: tuple[float, float] | None = None) -> bool:
        label, w, h, _parts, taken = entry
        box = Box.around(x, y, w, h, angle)
        if not placer.free(box):
            return False
        placer.take(box)
        taken.append((x, y))
        placed.append(Placed(label, x, y, angle, box, anchor=anchor, size=(w, h)))
        return True

    def first_label(entry: tuple) -> None:
        _label, w, h, parts, _taken = entry
        ranked = []
        for part in parts:
            visible = [sp for sp in part.spots
                       if placer.inside(Box.around(sp[1], sp[2], w, h, sp[3]))]
            if visible:
                mid = (visible[0][0] + visible[-1][0]) / 2
                ranked += [(abs(sp[0] - mid), sp) for sp in visible]
        ranked.sort(key=lambda r: r[0])
        if any(try_route(entry, sp[1], sp[2], sp[3]) for _, sp in ranked):
            return
        anchors = _visible_anchors(parts, placer)
        next((True for ox, oy in _around(w, h) for ax, ay in anchors
              if try_route(entry, ax + ox, ay + oy, 0.0,
                           (ax, ay) if (ox or oy) else None)), None)

    def place(p: PlaceLabel) -> None:
        x, y = (float(v) for v in project(np.array([[p.lon, p.lat]]))[0])
        w, h = _text_width(p, measure), p.size * 1.2
        if p.kind == "country":
            box = Box.around(x, y, w + 2 * GAP_PX, h)
            if placer.free(box):
                placer.take(box)
                placed.append(Placed(p, x, y, 0.0, box))
            return
        r = DOT_PX / 2 + 3 if p.dot else 7
        dot = Box.around(x, y, DOT_PX + 2, DOT_PX + 2) if p.dot else None
        if dot is not None and not placer.free(dot):
            return
        for ox, oy in ((r + w / 2, 0), (-(r + w / 2), 0), (0, -(h / 2 + r)), (0, h / 2 + r)):
            box = Box.around(x + ox, y + oy, w + 2 * GAP_PX, h)
            if placer.free(box):
                placer.take(box)
                if dot is not None:
                    placer.take(dot)
                placed.append(Placed(p, x + ox, y + oy, 0.0, box, (x, y) if p.dot else None))
                return

    def key(p: PlaceLabel) -> bool:
        return p.kind in ("end", "capital")

    for entry in laid:  # 1. the selected route
        if entry[0].priority == 0:
            first_label(entry)
    for p in shown:  # 2. the routes' ends and the capitals
        if key(p):
            place(p)
    for entry in laid:  # 3. every other route
        if entry[0].priority != 0:
            first_label(entry)
    for p in shown:  # 4. the other places
        if not key(p) and p.kind != "country":
            place(p)
    for entry in laid:  # 5. the routes again along long lines
        label, _w, _h, parts, taken = entry
        for part in parts:
            for sp in part.spots:
                if all(math.hypot(tx - sp[1], ty - sp[2]) >= label.repeat_px
                       for tx, ty in taken):
                    try_route(entry, sp[1], sp[2], sp[3])
    for p in shown:  # 6. the countries
        if p.kind == "country":
            place(p)
    return placed


def _visible_anchors(parts: Sequence[_Part], placer: _Placer) -> list[tuple[float, float]]:
    """Points along the longest stretch of a route inside the picture (see :data:`ANCHORS`)."""
    best: tuple[float, _Part, float] | None = None
    for part in parts:
        inside = [float(part.cum[i]) for i, (x, y) in enumerate(part.pts)
                  if MARGIN_PX <= x <= placer.width - MARGIN_PX
                  and MARGIN_PX <= y <= placer.height - MARGIN_PX]
        if inside and (best is None or inside[-1] - inside[0] > best[0]):
            best = (inside[-1] - inside[0], part, inside[0])
    if best is None:
        return []
    length, part, first = best
    return [_point_at(part, first + length * f)[:2] for f in ANCHORS]
