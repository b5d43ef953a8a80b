"""The one style table: colours by kind, line patterns by status.

The live map, the legend and every export read these tables, so a colour never
drifts between what a user sees and what they download. Colours come from the
Okabe–Ito colour-blind-safe palette; status is carried by the line pattern too,
so it does not depend on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog import Kind, Status

KIND_COLOURS: dict[Kind, str] = {
    "oil": "#D55E00",  # vermillion
    "gas": "#0072B2",  # blue
    "rail": "#6B3FA0",  # purple
    "power": "#E69F00",  # orange
}

KIND_LABELS: dict[Kind, str] = {
    "oil": "Oil pipeline",
    "gas": "Gas pipeline",
    "rail": "Railway",
    "power": "Power cable",
}

STATUS_DASH: dict[Status, str | None] = {
    "operating": None,
    "construction": "10 7",
    "planned": "1 8",
}

STATUS_LABELS: dict[Status, str] = {
    "operating": "Operating",
    "construction": "Under construction",
    "planned": "Planned / agreed",
}

FACILITY_COLOURS: dict[str, str] = {
    "terminal": "#000000",
    "junction": "#555555",
    "compressor": "#0072B2",
    "refinery": "#D55E00",
    "field": "#009E73",
    "station": "#6B3FA0",
    "city": "#777777",
}

FACILITY_LABELS: dict[str, str] = {
    "terminal": "Terminal / port",
    "junction": "Junction / border point",
    "compressor": "Compressor station",
    "refinery": "Refinery",
    "field": "Oil or gas field",
    "station": "Railway station",
    "city": "Town (route node)",
}

USER_COLOUR = "#CC79A7"  # reddish purple: users' own layers, apart from every route kind
USER_WEIGHT = 3.0  # lines and polygon outlines of users' layers (px)
USER_FILL_OPACITY = 0.25  # polygon fill of users' layers
USER_POINT_RADIUS = 5  # users' points: white circles ringed in USER_COLOUR (px)
USER_POINT_RING = 2

LAND_COLOUR = "#F4F1EA"
BORDER_COLOUR = "#A8A296"
SEA_COLOUR = "#DCE8F0"

LINE_WEIGHT = 3.5
SELECTED_WEIGHT = 6.5
SCHEMATIC_BAND_WEIGHT = 16
SCHEMATIC_BAND_OPACITY = 0.18
SCHEMATIC_LINE_OPACITY = 0.75


@dataclass(frozen=True)
class LineStyle:
    """How one line segment is drawn."""

    colour: str
    weight: float
    dash: str | None
    opacity: float

    def leaflet(self) -> dict[str, Any]:
        """Options for a Leaflet path (``L.Path`` style keys)."""
        style: dict[str, Any] = {
            "color": self.colour,
            "weight": self.weight,
            "opacity": self.opacity,
            "lineCap": "round",
            "lineJoin": "round",
        }
        if self.dash:
            style["dashArray"] = self.dash
        return style


def line_style(kind: Kind, status: Status, *, schematic: bool = False,
               selected: bool = False) -> LineStyle:
    """The style of a route segment of this kind and status."""
    return LineStyle(
        colour=KIND_COLOURS[kind],
        weight=SELECTED_WEIGHT if selected else LINE_WEIGHT,
        dash=STATUS_DASH[status],
        opacity=SCHEMATIC_LINE_OPACITY if schematic else 1.0,
    )


def schematic_band(kind: Kind) -> LineStyle:
    """The wide translucent band drawn under a schematic segment: 'position approximate'."""
    return LineStyle(colour=KIND_COLOURS[kind], weight=SCHEMATIC_BAND_WEIGHT, dash=None,
                     opacity=SCHEMATIC_BAND_OPACITY)
