"""The one style table: colours by kind and route, line patterns by status, flow widths.

The scene (:mod:`corridor_atlas.scene`) reads these tables, and every renderer draws
what the scene says, so a colour never drifts between what a user sees and what they
download. Kind colours come from the Okabe–Ito colour-blind-safe palette; each route
of a kind has its own shade of that kind's hue (:data:`KIND_SHADES`), apart in
lightness so that neighbouring routes stay distinct for colour-blind readers too.
Status is carried by the line pattern, so it does not depend on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .catalog import Kind, Status
from .i18n.markers import N_

KIND_COLOURS: dict[Kind, str] = {
    "oil": "#D55E00",  # vermillion
    "gas": "#0072B2",  # blue
    "rail": "#6B3FA0",  # purple
    "power": "#E69F00",  # orange
}

# Words (KIND_LABELS, STATUS_LABELS, FACILITY_LABELS) are messages in English: shown to
# a reader as ``translator(lang).gettext(label)``.
KIND_LABELS: dict[Kind, str] = {
    "oil": N_("Oil pipeline"),
    "gas": N_("Gas pipeline"),
    "rail": N_("Railway"),
    "power": N_("Power cable"),
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
    "operating": N_("Operating"),
    "construction": N_("Under construction"),
    "planned": N_("Planned / agreed"),
    "suspended": N_("Suspended"),
    "idle": N_("Idle (little or no flow)"),
    "closed": N_("Closed"),
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
    "terminal": N_("Terminal / port"),
    "junction": N_("Junction / border point"),
    "compressor": N_("Compressor station"),
    "refinery": N_("Refinery"),
    "field": N_("Oil or gas field"),
    "station": N_("Railway station"),
    "city": N_("Town (route node)"),
}

USER_COLOUR = "#2E7D32"
"""Users' own layers: green, the one hue no route kind uses. At least
:data:`USER_MIN_DIFFERENCE` (CIEDE2000) from every route's shade as each status draws it
(faded, schematic) on land and sea, and 3:1 against both."""
USER_MIN_DIFFERENCE = 25.0
"""The least CIEDE2000 difference between :data:`USER_COLOUR` and a route as drawn: about
twice what tells two thin lines apart at a glance."""
USER_WEIGHT = 3.0  # lines and polygon outlines of users' layers (px)
USER_CASING = "#FFFFFF"  # a white edge under users' lines: no route has one, in any vision
USER_CASING_WEIGHT = USER_WEIGHT + 3.0
USER_FILL_OPACITY = 0.25  # polygon fill of users' layers
USER_POINT_RADIUS = 5  # users' points: discs of USER_COLOUR ringed in white (facilities
USER_POINT_RING = 2  # are the other way round: white discs ringed in their colour)

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


def _lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a ``#rrggbb`` sRGB colour."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
           0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
                  for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh) / 2)
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6))
         - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = (-math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
           * 2 * math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    dl, dc, dhh = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return math.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + r_t * dc * dhh)


def colour_difference(a: str, b: str) -> float:
    """How far apart two ``#rrggbb`` colours look: CIEDE2000 (0 the same, 100 black to white)."""
    return delta_e_2000(_lab(a), _lab(b))


def over(colour: str, ground: str, opacity: float) -> str:
    """``colour`` drawn at ``opacity`` over ``ground``, as the browser blends it."""
    top = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    under = [int(ground.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#{:02X}{:02X}{:02X}".format(*(round(opacity * a + (1 - opacity) * b)
                                          for a, b in zip(top, under, strict=True)))


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
