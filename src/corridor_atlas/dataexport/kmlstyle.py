"""The styles of a KML file: colours in KML's order, shared styles declared once."""

from __future__ import annotations

import re
from typing import Any

import simplekml

from .. import styles

KML_FACILITY_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


def kml_colour(hex_colour: str, opacity: float = 1.0) -> str:
    """``"#0072B2"`` → ``"ffb27200"`` (KML's aabbggrr, lower case)."""
    rgb = hex_colour.lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", rgb):
        raise ValueError(f"expected a colour as #rrggbb, got {hex_colour!r}")
    alpha = round(max(0.0, min(1.0, opacity)) * 255)
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def set_id(obj: Any, kml_id: str) -> None:
    """Give a simplekml object a fixed id."""
    # simplekml numbers ids from a process-wide counter; a fixed id per object keeps the
    # file identical from one export to the next. Only [A-Za-z0-9_-] reach here.
    obj._id = kml_id


class KmlStyles:
    """Shared styles, declared once in the Document and referenced by id."""

    def __init__(self, doc: simplekml.Document) -> None:
        self._doc = doc
        self._made: dict[str, simplekml.Style] = {}

    def _style(self, style_id: str) -> tuple[simplekml.Style, bool]:
        if style_id in self._made:
            return self._made[style_id], False
        style = simplekml.Style()
        set_id(style, style_id)
        self._doc._addstyle(style)
        self._made[style_id] = style
        return style, True

    def line(self, look: styles.LineStyle) -> str:
        """A line style of the scene's colour, opacity and width (rounded to half pixels)."""
        width = max(1.0, round(look.weight * 2) / 2)
        key = f"{look.colour.lstrip('#').lower()}-{round(look.opacity * 100)}-{width:g}"
        style_id = "line-" + key.replace(".", "_")
        style, new = self._style(style_id)
        if new:
            style.linestyle.color = kml_colour(look.colour, look.opacity)
            style.linestyle.width = width
            set_id(style.linestyle, f"{style_id}-line")
        return f"#{style_id}"

    def user(self) -> str:
        style_id = "user-layer"
        style, new = self._style(style_id)
        if new:
            style.linestyle.color = kml_colour(styles.USER_COLOUR)
            style.linestyle.width = styles.USER_WEIGHT
            style.polystyle.color = kml_colour(styles.USER_COLOUR, styles.USER_FILL_OPACITY)
            style.iconstyle.color = kml_colour(styles.USER_COLOUR)
            style.iconstyle.icon.href = KML_FACILITY_ICON
            for part, name in ((style.linestyle, "line"), (style.polystyle, "poly"),
                               (style.iconstyle, "icon"), (style.iconstyle.icon, "image")):
                set_id(part, f"{style_id}-{name}")
        return f"#{style_id}"

    def facility(self, category: str) -> str:
        style_id = f"facility-{category}"
        style, new = self._style(style_id)
        if new:
            style.iconstyle.color = kml_colour(styles.FACILITY_COLOURS.get(category, "#000000"))
            style.iconstyle.scale = 1.0
            style.iconstyle.icon.href = KML_FACILITY_ICON
            set_id(style.iconstyle.icon, f"{style_id}-image")
            set_id(style.iconstyle, f"{style_id}-icon")
        return f"#{style_id}"
