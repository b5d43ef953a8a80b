"""A large picture taken in horizontal strips and joined into one PNG.

Chromium draws what is in its viewport in tiles, within a memory budget (512 MB on a
desktop, less on a small machine). A viewport that needs more tiles than the budget
holds is captured with the rest left undrawn: the sea colour of the map's background
with fragments of routes. A 6000×6000 map needs 144 MB a layer at 1×, 576 MB at 2×, and
the basemap, the routes and the names are layers of their own.

So a picture of more than :data:`ONE_SHOT_PX` device pixels is laid out once at its
full size and taken through a viewport of at most :data:`STRIP_PX` device pixels,
scrolled down strip by strip; the strips are joined here. The same pixels as one
screenshot, at any size the export allows, on any machine whose budget holds a strip.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from .errors import ExportError

ONE_SHOT_PX = 9_000_000
"""Device pixels a picture may have and still be one screenshot (3000×3000, A4 at 2×)."""
STRIP_PX = 4_000_000
"""Device pixels of one strip of a larger picture (16 MB a layer)."""


def strips(width: int, height: int, scale: int) -> list[tuple[int, int]]:
    """The strips to take, as (top, rows) in CSS pixels; one for a picture of one shot."""
    if width * height * scale * scale <= ONE_SHOT_PX:
        return [(0, height)]
    most = max(1, STRIP_PX // (width * scale * scale))
    rows = math.ceil(height / math.ceil(height / most))  # strips of (nearly) one height
    return [(top, min(rows, height - top)) for top in range(0, height, rows)]


def join(shots: Sequence[tuple[bytes, int, int]], width: int, height: int) -> bytes:
    """One PNG ``width`` × ``height`` device pixels from screenshots of its strips.

    ``shots`` are, top to bottom, each a screenshot (PNG) and the device rows of it
    that belong to the picture: ``(png, first_row, rows)``.
    """
    from PIL import Image  # only for a picture taken in strips

    picture = Image.new("RGB", (width, height))
    top = 0
    for data, first, rows in shots:
        with Image.open(io.BytesIO(data)) as shot:
            if shot.width != width or first + rows > shot.height:
                raise ExportError(f"a strip of {shot.width}×{shot.height} pixels does not hold "
                                 f"rows {first}–{first + rows} of a picture {width} wide")
            picture.paste(shot.convert("RGB").crop((0, first, width, first + rows)), (0, top))
        top += rows
    if top != height:
        raise ExportError(f"the strips are {top} pixels high, not {height}")
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
