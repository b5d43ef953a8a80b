"""Reading what a PDF page strokes: colour, width and the lengths of its pieces.

Chromium's PDFs (Skia) set a line's width in a graphics state (``gs`` → ``/LW``) and
draw a dashed line as its dashes, one subpath each. Widths and lengths are given in
CSS pixels (1 px = 0.75 pt), the units of the map's style table.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream

PT_PER_CSS_PX = 0.75


@dataclass(frozen=True)
class Stroke:
    colour: str  # "#RRGGBB"
    width_px: float
    pieces_px: tuple[float, ...]  # the length of each subpath


def _times(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def strokes(pdf: bytes) -> list[Stroke]:
    """Every stroked path of the first page (Bézier pieces measured by their chords)."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    states = page["/Resources"].get("/ExtGState", {})
    ctm, width, colour = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 1.0, "#000000"
    saved: list[tuple[list[float], float, str]] = []
    pieces: list[float] = []
    here = start = (0.0, 0.0)
    out: list[Stroke] = []
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        name = op.decode() if isinstance(op, bytes) else op
        if name == "q":
            saved.append((ctm, width, colour))
        elif name == "Q":
            ctm, width, colour = saved.pop()
        elif name == "cm":
            ctm = _times([float(v) for v in operands], ctm)
        elif name == "w":
            width = float(operands[0])
        elif name == "gs":
            state = states[operands[0]].get_object()
            if "/LW" in state:
                width = float(state["/LW"])
        elif name == "RG":
            colour = "#" + "".join(f"{round(float(v) * 255):02X}" for v in operands)
        elif name == "m":
            here = start = (float(operands[0]), float(operands[1]))
            pieces.append(0.0)
        elif name in ("l", "c", "v", "y"):
            point = (float(operands[-2]), float(operands[-1]))
            if pieces:
                pieces[-1] += math.dist(here, point)
            here = point
        elif name == "h" and pieces:
            pieces[-1] += math.dist(here, start)
            here = start
        elif name == "re":
            pieces.append(2 * (float(operands[2]) + float(operands[3])))
        elif name in ("S", "s", "B", "B*", "b", "b*"):
            unit = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) / PT_PER_CSS_PX
            out.append(Stroke(colour, round(width * unit, 3),
                              tuple(round(p * unit, 3) for p in pieces)))
            pieces = []
        elif name in ("f", "f*", "F", "n"):
            pieces = []
    return out
