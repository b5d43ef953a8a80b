"""The one style table: colours by kind and route, line patterns by status, flow widths.

The scene (:mod:`corridor_atlas.scene`) reads these tables, and every renderer draws
what the scene says, so a colour never drifts between what a user sees and what they
download. Kind colours come from the Okabe–Ito colour-blind-safe palette; each route
of a kind has its own shade of that kind's hue (:data:`KIND_SHADES`), apart in
lightness so that neighbouring routes stay distinct for colour-blind readers too.
Status is carried by the line pattern, so it does not depend on colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable
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

KIND_SHADES: dict[Kind, tuple[str, ...]] = {
    # the catalog's routes of each kind take these in catalog order
    "oil": ("#D55E00", "#8E3B00"),  # BTC vermillion; Baku–Supsa dark
    # SCP, TANAP, TAP, Iğdır–Nakhchivan; IGB teal (it leaves TAP), Kilis–Aleppo
    "gas": ("#0B3B66", "#0072B2", "#3689CB", "#035484", "#167D8A", "#5B6FB5"),
    # BTK light; Kars–Nakhchivan dark; Horadiz–Aghband; TRIPP darkest
    "rail": ("#9566CB", "#4D2482", "#7B52AE", "#2E0F5C"),
    "power": ("#E69F00", "#A36A00"),  # Black Sea cable; BSTN
}
"""Each kind's shades, far apart in lightness: the parallel lines of the South Caucasus
and the routes that meet (SCP–TANAP at Türkgözü, TANAP–TAP at Kipoi) differ under every
common colour-vision deficiency, and all reach 3:1 contrast on the land colour."""

STATUS_DASH: dict[Status, str | None] = {
    "operating": None,
    "construction": "10 7",
    "planned": "1 8",
    "suspended": "12 4 2 4",  # dash-dot: interrupted
    "idle": "12 4 2 4 2 4",  # dash-dot-dot, faded: built, carrying little or nothing
    "closed": "2 5",
}

STATUS_OPACITY: dict[Status, float] = {"idle": 0.6, "closed": 0.45}
"""Statuses drawn fainter than a line in use (1.0 otherwise)."""

STATUS_LABELS: dict[Status, str] = {
    "operating": "Operating",
    "construction": "Under construction",
    "planned": "Planned / agreed",
    "suspended": "Suspended",
    "idle": "Idle (little or no flow)",
    "closed": "Closed",
}

DISPUTE_COLOUR = "#B00020"  # the mark on a line whose status sources disagree about
DISPUTE_MARK_PX = 16.0

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

# Flows: line width proportional to the year's throughput, one scale per unit family,
# the family's largest figure in the catalog drawn FLOW_MAX_WEIGHT wide.
FLOW_MAX_WEIGHT = 14.0
FLOW_MIN_WEIGHT = 2.0
NO_FIGURE_WEIGHT = 2.0  # an operating route with no sourced figure for the year
NO_FIGURE_OPACITY = 0.45
NO_FIGURE_DASH = "2 5"
CASING_COLOUR = "#1A1A1A"  # under the selected route when widths carry flows
CASING_EXTRA = 3.0
CASING_OPACITY = 0.55
ARROW_COLOUR = "#FFFFFF"  # arrowheads on a flow line: white, edged in the route colour
ARROW_SPACING_PX = 140.0
ARROW_MIN_SIZE_PX = 7.0

# Names on the map: a halo keeps them legible over any line or basemap.
LABEL_FONT = "DejaVu Sans"
LABEL_FONT_STACK = "'DejaVu Sans', 'Noto Sans', 'Segoe UI', Arial, sans-serif"
ROUTE_LABEL_PX = 12.0
PLACE_LABEL_PX = 11.0
KEY_PLACE_LABEL_PX = 12.0
COUNTRY_LABEL_PX = 11.0
LABEL_HALO_PX = 2.5
LABEL_HALO = "#FFFFFF"
PLACE_TEXT = "#1F1F1F"
COUNTRY_TEXT = "#6E675B"
PLACE_DOT_PX = 5.0  # a place's dot, ringed in white
LABEL_SPACING = 0.15  # letter spacing of country names, in font sizes
LABEL_MIN_CONTRAST = 4.5  # label text against its white halo (WCAG AA, normal text)


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
               selected: bool = False, colour: str | None = None,
               weight: float | None = None) -> LineStyle:
    """The style of a route segment of this kind and status.

    ``colour`` is the route's own shade (the kind's colour by default); ``weight`` a
    width set by its flow (the normal or selected width by default).
    """
    if weight is None:
        weight = SELECTED_WEIGHT if selected else LINE_WEIGHT
    return LineStyle(
        colour=colour or KIND_COLOURS[kind],
        weight=weight,
        dash=STATUS_DASH[status],
        opacity=STATUS_OPACITY.get(status, 1.0) * (SCHEMATIC_LINE_OPACITY if schematic else 1.0),
    )


def schematic_band(kind: Kind, colour: str | None = None) -> LineStyle:
    """The wide translucent band drawn under a schematic segment: 'position approximate'."""
    return LineStyle(colour=colour or KIND_COLOURS[kind], weight=SCHEMATIC_BAND_WEIGHT,
                     dash=None, opacity=SCHEMATIC_BAND_OPACITY)


def casing(style: LineStyle) -> LineStyle:
    """A dark edge under ``style``: marks the selected route when widths carry flows."""
    return LineStyle(colour=CASING_COLOUR, weight=style.weight + CASING_EXTRA, dash=None,
                     opacity=CASING_OPACITY)


def route_colours(routes: Iterable[tuple[str, Kind]]) -> dict[str, str]:
    """Each route's colour: its kind's shades in order, repeating if there are more routes."""
    seen: dict[str, int] = {}
    out = {}
    for route_id, kind in routes:
        shades = KIND_SHADES.get(kind) or (KIND_COLOURS[kind],)
        index = seen.get(kind, 0)
        out[route_id] = shades[index % len(shades)]
        seen[kind] = index + 1
    return out


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(colour: str, halo: str = LABEL_HALO) -> str:
    """``colour`` darkened just enough for text on ``halo`` to reach 4.5:1."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    for step in range(21):
        k = 1 - step * 0.05
        shade = "#{:02X}{:02X}{:02X}".format(*(round(c * k) for c in rgb))
        if contrast(shade, halo) >= LABEL_MIN_CONTRAST:
            return shade
    return "#000000"


def flow_weight(volume: float, reference: float) -> float:
    """Line width (px) of a throughput ``volume``: proportional, ``reference`` drawn widest."""
    if not reference > 0 or not volume > 0:
        return FLOW_MIN_WEIGHT
    return max(FLOW_MIN_WEIGHT, FLOW_MAX_WEIGHT * volume / reference)


def no_figure_style(colour: str) -> LineStyle:
    """An operating route with no sourced figure for the year: thin, faded, finely dashed."""
    return LineStyle(colour=colour, weight=NO_FIGURE_WEIGHT, dash=NO_FIGURE_DASH,
                     opacity=NO_FIGURE_OPACITY)
