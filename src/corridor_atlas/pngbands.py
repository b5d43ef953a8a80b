"""A large picture taken in horizontal bands and joined into one PNG.

Chromium draws what is on screen in tiles, within a memory budget (512 MB on a
desktop, less on a small machine). A screenshot that needs more tiles than the budget
holds comes out with the rest left undrawn: the sea colour of the map's background with
fragments of routes. A 6000×6000 map needs 144 MB a layer at 1×, 576 MB at 2×.

So a picture of more than :data:`MAX_SHOT_PX` device pixels is taken in bands of at
most that many (each a screenshot of a strip of the one page, laid out once at the full
size) and the strips are joined: the same pixels as one screenshot, at any size the
export allows, on any machine whose budget holds one band.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

MAX_SHOT_PX = 8_000_000
"""Device pixels in one screenshot (32 MB a layer): a 3000×3000 picture still is one."""


def bands(width: int, height: int, scale: int,
          max_px: int = MAX_SHOT_PX) -> list[tuple[int, int]]:
    """The strips to take, as (top, height) in CSS pixels; one strip for a small picture."""
    rows = max(1, math.floor(max_px / (width * scale * scale)))
    return [(top, min(rows, height - top)) for top in range(0, height, rows)]


def join(parts: Sequence[bytes], width: int, height: int) -> bytes:
    """The strips (PNGs, top to bottom, each ``width`` device pixels wide) as one PNG."""
    if len(parts) == 1:
        return parts[0]
    from PIL import Image  # only for a picture taken in strips

    picture = Image.new("RGB", (width, height))
    top = 0
    for data in parts:
        with Image.open(io.BytesIO(data)) as part:
            picture.paste(part.convert("RGB"), (0, top))
            top += part.height
    if top != height:
        raise ValueError(f"the strips are {top} pixels high, not {height}")
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
