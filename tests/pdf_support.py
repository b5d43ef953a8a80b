"""Reading what a PDF page draws: each stroke's colour and width, each filled shape's size.

Chromium's PDFs (Skia) set a line's width in a graphics state (``gs`` → ``/LW``), and
draw a dashed line as its dashes outlined and filled: one closed capsule per dash,
whose straight sides are the dash's length and whose span is that length plus the
line's width (the round caps). Sizes are in CSS pixels (1 px = 0.75 pt), the units of
the map's style table.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream

PT_PER_CSS_PX = 0.75
EARTH_M = 40_075_016.686  # Web Mercator's equator


@dataclass(frozen=True)
class Piece:
    """One subpath: its longest straight side and its span (farthest two points)."""

    side: float
    span: float


@dataclass(frozen=True)
class Paint:
    kind: str  # "stroke" or "fill"
    colour: str  # "#RRGGBB"
    width_px: float  # the line width in force (strokes)
    pieces: tuple[Piece, ...]


def _times(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _colour(operands: list) -> str:
    return "#" + "".join(f"{round(float(v) * 255):02X}" for v in operands)


def _piece(points: list[tuple[float, float]], sides: list[float], unit: float) -> Piece:
    span = max((math.dist(a, b) for a, b in itertools.combinations(points, 2)), default=0.0)
    return Piece(round(max(sides, default=0.0) * unit, 3), round(span * unit, 3))


def paints(pdf: bytes) -> list[Paint]:
    """Every stroked or filled path of the first page, in drawing order."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    states = page["/Resources"].get("/ExtGState", {})
    ctm, width, stroke, fill = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 1.0, "#000000", "#000000"
    saved: list[tuple[list[float], float, str, str]] = []
    subpaths: list[tuple[list[tuple[float, float]], list[float]]] = []
    out: list[Paint] = []
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        name = op.decode() if isinstance(op, bytes) else op
        if name == "q":
            saved.append((ctm, width, stroke, fill))
        elif name == "Q":
            ctm, width, stroke, fill = saved.pop()
        elif name == "cm":
            ctm = _times([float(v) for v in operands], ctm)
        elif name == "w":
            width = float(operands[0])
        elif name == "gs":
            state = states[operands[0]].get_object()
            if "/LW" in state:
                width = float(state["/LW"])
        elif name == "RG":
            stroke = _colour(operands)
        elif name == "rg":
            fill = _colour(operands)
        elif name == "m":
            subpaths.append(([(float(operands[0]), float(operands[1]))], []))
        elif name in ("l", "c", "v", "y") and subpaths:
            points, sides = subpaths[-1]
            end = (float(operands[-2]), float(operands[-1]))
            if name == "l":
                sides.append(math.dist(points[-1], end))
            points.append(end)
        elif name == "re":
            x, y, w, h = (float(v) for v in operands)
            subpaths.append(([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], [w, h]))
        elif name in ("S", "s", "f", "f*", "F", "B", "B*", "b", "b*"):
            unit = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) / PT_PER_CSS_PX
            pieces = tuple(_piece(points, sides, unit) for points, sides in subpaths)
            stroked, filled = name in ("S", "s", "B", "B*", "b", "b*"), name not in ("S", "s")
            if stroked:
                out.append(Paint("stroke", stroke, round(width * unit, 3), pieces))
            if filled:
                out.append(Paint("fill", fill, round(width * unit, 3), pieces))
            subpaths = []
        elif name == "n":
            subpaths = []
    return out


def text(pdf: bytes) -> str:
    """The first page's text, its runs of white space as single spaces."""
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def scale_bar_km(words: str) -> int:
    """The kilometres the scale bar in ``words`` reads (there is one)."""
    (km,) = re.findall(r"\b(\d+) km\b", words)
    return int(km)


def km_per_100_px(bbox: tuple[float, float, float, float], size: tuple[int, int]) -> float:
    """The ground 100 CSS px cover at the middle of a map of ``size`` fitted to ``bbox``.

    A Leaflet scale bar is the largest of 1, 2, 3, 5 × 10ⁿ that fits 100 px: between
    half this and this.
    """
    west, south, east, north = bbox

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    world_px = min(size[0] / ((east - west) / 360), size[1] / (y(north) - y(south)))
    middle = math.degrees(2 * math.atan(math.exp((y(north) + y(south)) * math.pi)) - math.pi / 2)
    return 100 * EARTH_M * math.cos(math.radians(middle)) / world_px / 1000


def title(pdf: bytes) -> str:
    """The document's title (its information dictionary)."""
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta.title, "the PDF has no title"
    return str(meta.title)
