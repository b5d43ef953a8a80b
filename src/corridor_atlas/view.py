"""What the user is looking at, as one value every export takes.

A :class:`MapView` is the visible layers, the selected route, the as-of year and
the extent. The app builds one from its widgets and the map's bounds; the command
line builds one from its arguments with the ``parse_*`` functions here, which raise
:class:`~corridor_atlas.errors.ExportError` with a one-line message on bad input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import i18n, memo
from .catalog import Catalog, Kind, Status
from .errors import ExportError
from .i18n import N_, NC_, Lang
from .i18n.languages import language
from .layers import Atlas
from .projection import WORLD_WIDTH_M, mercator, to_lonlat

BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)

#: Pixel sizes at scale 1: a 16:9 slide, and A4 landscape at 150 dpi.
SIZE_PRESETS: dict[str, tuple[int, int]] = {"slide": (1600, 900), "a4": (1754, 1240)}
MIN_SIDE, MAX_SIDE = 320, 6000
SCALES = (1, 2)
CORRIDOR_BBOX: BBox = (18.0, 36.5, 50.5, 42.6)  # Melendugno to Baku, Ceyhan to Supsa
UPLOAD_FIT_MAX_ZOOM = 9.0
"""The closest the map zooms when it fits itself to a user's new layer. A single point
(an extent of no size) opens at this zoom: about 80 km across a phone, 200 km across a
desktop map, near enough to find the point and far enough to see the towns around it."""
UPLOAD_FIT_PADDING_PX = 28
"""Room kept around a user's new layer when the map fits to it: its edge points are not
cut in half by the map's edge nor hidden under the controls."""


@dataclass(frozen=True)
class Preset:
    """A named extent the map can zoom to."""

    id: str
    label: str
    bbox: BBox


PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset("corridor", N_("Whole corridor"), CORRIDOR_BBOX),
    # Supsa and the Georgian–Turkish border to Baku; Iğdır to the Greater Caucasus
    Preset("south-caucasus", N_("South Caucasus"), (41.2, 39.5, 50.2, 42.5)),
    # Türkgözü to Kipoi, Ceyhan to the Black Sea
    Preset("anatolia", N_("Anatolia"), (25.8, 36.4, 43.6, 42.2)),
    # Kipoi to Melendugno: TAP through Greece, Albania and the Adriatic
    Preset("balkans-italy", N_("Balkans–Italy"), (17.6, 39.4, 27.2, 42.4)),
    # Kars and Iğdır to Nakhchivan city and the Aras
    Preset("nakhchivan", N_("Nakhchivan"), (42.7, 38.7, 46.3, 40.9)),
)}
"""The "Zoom to" extents, by the id the URL (``view=``) and the CLI (``--bbox``) take.
Their labels are messages: ``translator(lang).gettext(preset.label)``."""


@dataclass(frozen=True)
class MapView:
    """The state of the map an export reproduces.

    ``kinds`` and ``statuses`` filter the layers (``None``: no filter); ``flows`` draws
    each route's width by its throughput in ``year``; ``lang`` is the language every
    text of the view is written in (its title, legend, credits, names on the map; the
    pseudo-locale :data:`~corridor_atlas.i18n.PSEUDO` too, for tests).
    """

    layers: tuple[str, ...]
    selected: str | None = None
    year: int | None = None
    bbox: BBox | None = None
    basemap: str = "offline"
    flows: bool = False
    kinds: tuple[Kind, ...] | None = None
    statuses: tuple[Status, ...] | None = None
    lang: Lang = "en"

    @property
    def extent(self) -> BBox:
        """The bbox, or the whole corridor."""
        return self.bbox or CORRIDOR_BBOX


def year_range(catalog: Catalog) -> tuple[int, int]:
    """First and last year in the data (milestones and annual volumes)."""
    years = [int(m.date[:4]) for r in catalog.routes for m in r.facts.milestones]
    years += [v.year for r in catalog.routes for v in r.facts.annual_volumes]
    return min(years), max(years)


def default_year(catalog: Catalog) -> int:
    """The year of the newest source (the catalog's as-of date)."""
    return int(catalog.as_of[:4])


def default_view(atlas: Atlas) -> MapView:
    """The app's opening view: the seven routes, the whole corridor, the as-of year."""
    year = default_year(atlas.catalog) if atlas.catalog else None
    return MapView(layers=tuple(atlas.default_layers()), year=year)


def opening_extent(atlas: Atlas) -> BBox:
    """The extent the map opens on: the default routes, framed tightly (a little padding)."""
    return memo.once("opening extent", [atlas], None, lambda: _routes_extent(atlas))


def _routes_extent(atlas: Atlas) -> BBox:
    frames = [atlas.routes[i] for i in atlas.default_layers()]
    if not frames:
        return CORRIDOR_BBOX
    west = min(f.total_bounds[0] for f in frames)
    south = min(f.total_bounds[1] for f in frames)
    east = max(f.total_bounds[2] for f in frames)
    north = max(f.total_bounds[3] for f in frames)
    pad_x, pad_y = (east - west) * 0.02, (north - south) * 0.04
    return (round(west - pad_x, 3), round(south - pad_y, 3), round(east + pad_x, 3),
            round(north + pad_y, 3))


def parse_layers(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """``"btc,tap"`` → ``("btc", "tap")``; unknown ids are an error naming them."""
    known = list(known)
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise ExportError("no layer given; choose from: " + ", ".join(known))
    unknown = [i for i in ids if i not in known]
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise ExportError(f"unknown layer {shown}; choose from: {', '.join(known)}")
    return tuple(dict.fromkeys(ids))


def parse_year(text: str | int, catalog: Catalog) -> int:
    """A year within the data's range."""
    first, last = year_range(catalog)
    try:
        year = int(str(text).strip())
    except ValueError:
        raise ExportError(f"year must be a whole number, got {str(text)[:20]!r}") from None
    if not first <= year <= last:
        raise ExportError(f"year {year} is outside the data ({first}–{last})")
    return year


def parse_bbox(text: str) -> BBox:
    """``"W,S,E,N"`` in degrees (west < east, south < north), or a preset's id."""
    preset = PRESETS.get(text.strip().lower())
    if preset is not None:
        return preset.bbox
    parts = text.split(",")
    if len(parts) != 4:
        raise ExportError(f"bbox must be W,S,E,N (four numbers) or one of "
                          f"{', '.join(PRESETS)}; got {text[:60]!r}")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ExportError(f"bbox must be four numbers W,S,E,N, got {text[:60]!r}") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ExportError("bbox values must be finite numbers")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ExportError(f"bbox {text[:60]!r} must have -180 ≤ W < E ≤ 180 and "
                          "-90 ≤ S < N ≤ 90 (degrees, W,S,E,N order)")
    return west, south, east, north


def parse_size(text: str) -> tuple[int, int]:
    """``slide``, ``a4`` or ``WIDTHxHEIGHT`` in pixels."""
    key = text.strip().lower()
    if key in SIZE_PRESETS:
        return SIZE_PRESETS[key]
    found = re.fullmatch(r"(\d{1,5})x(\d{1,5})", key)
    if not found:
        raise ExportError(f"size must be slide, a4 or WIDTHxHEIGHT, got {text[:30]!r}")
    return check_size((int(found.group(1)), int(found.group(2))))


def check_size(size: object) -> tuple[int, int]:
    """A picture's (width, height) in pixels, each side within the limits; else one line."""
    try:
        width, height = (int(v) for v in size)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ExportError(f"size must be (width, height) in pixels, got {str(size)[:30]!r}"
                          ) from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ExportError(f"size {width}x{height} out of range: each side "
                          f"{MIN_SIDE}–{MAX_SIDE} px")
    return width, height


def parse_scale(value: object) -> int:
    """1 or 2 (pixels per layout pixel); else one line."""
    try:
        scale = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        scale = 0
    if scale not in SCALES or (isinstance(value, float) and value != scale):
        raise ExportError(f"scale must be 1 or 2, got {str(value)[:10]!r}")
    return scale


def english(lang: str) -> bool:
    """Whether ``lang`` writes numbers and dates as English does (English, and the
    pseudo-locale, which is English with its messages marked)."""
    return language(lang).code == "en"


def _route_name(catalog: Catalog, route_id: str, lang: str) -> str:
    try:
        return catalog.route(route_id).name_in(lang)
    except KeyError:
        return route_id


def title_for(view: MapView, catalog: Catalog) -> str:
    """The export's title, in the view's language."""
    tr = i18n.translator(view.lang)
    if view.selected:
        return tr.gettext("{route} — Corridor Atlas").format(
            route=_route_name(catalog, view.selected, view.lang))
    return tr.gettext("Azerbaijan–Georgia–Türkiye–Europe energy and transport corridor")


COMPASS = {"E": NC_("compass", "E"), "W": NC_("compass", "W"), "N": NC_("compass", "N"),
           "S": NC_("compass", "S")}
"""The hemispheres' letters after a longitude or latitude (``41.10°E``)."""


def _degrees(low: float, high: float, positive: str, negative: str, lang: str = "en") -> str:
    """``41.10–45.50°E``: a span of longitude or latitude, with its hemisphere."""
    tr = i18n.translator(lang)

    def value(v: float) -> str:
        return f"{abs(v):.2f}" if english(lang) else i18n.number(abs(v), lang, places=2)

    def one(v: float) -> str:
        letter = tr.pgettext("compass", COMPASS[positive if v >= 0 else negative])
        return f"{value(v)}°{letter}"

    if (low >= 0) == (high >= 0):
        return f"{value(low)}–{one(high)}"
    return f"{one(low)}–{one(high)}"


def extent_text(view: MapView) -> str:
    """Where the view looks: a "Zoom to" area's name, the whole corridor, or its bounds."""
    tr = i18n.translator(view.lang)
    if view.bbox is None:
        return tr.gettext("whole corridor")
    for preset in PRESETS.values():
        if all(abs(a - b) < 1e-6 for a, b in zip(preset.bbox, view.bbox, strict=True)):
            return tr.gettext(preset.label)
    west, south, east, north = view.bbox
    return (f"{_degrees(west, east, 'E', 'W', view.lang)}, "
            f"{_degrees(south, north, 'N', 'S', view.lang)}")


def _date(text: str, lang: str) -> str:
    """A date of the data: as the catalog writes it in English, in words otherwise."""
    return text if english(lang) else i18n.date(text, lang)


def page_title(view: MapView, catalog: Catalog) -> str:
    """The document title of an export (PDF metadata, HTML ``<title>``, PNG ``Title``).

    ``Corridor Atlas — routes as of 2026 — South Caucasus``: what is drawn, the year
    and where, in the view's language.
    """
    tr = i18n.translator(view.lang)
    year = view.year if view.year is not None else default_year(catalog)
    where = extent_text(view)
    if view.selected:
        route = _route_name(catalog, view.selected, view.lang)
        text = (tr.gettext("Corridor Atlas — {route} and flows as of {year} — {where}")
                if view.flows else
                tr.gettext("Corridor Atlas — {route} as of {year} — {where}"))
        return text.format(route=route, year=year, where=where)
    text = (tr.gettext("Corridor Atlas — routes and flows as of {year} — {where}")
            if view.flows else tr.gettext("Corridor Atlas — routes as of {year} — {where}"))
    return text.format(year=year, where=where)


def as_of_text(view: MapView, catalog: Catalog) -> str:
    """The as-of line under the title: the year shown and the date of the data."""
    tr = i18n.translator(view.lang)
    year = view.year if view.year is not None else default_year(catalog)
    return tr.gettext("As of {year} · data as of {date}").format(
        year=year, date=_date(catalog.as_of, view.lang))


CREDIT_WORDS = (
    N_("Pipeline routes: Global Energy Monitor, Global Gas / Oil Infrastructure Tracker"),
    N_("TAP, TANAP and railway geometries © OpenStreetMap contributors"),
    N_("Basemap: Natural Earth"),
    N_("Routes: Global Energy Monitor"),
    N_("© OpenStreetMap contributors"),
    N_("public domain"),
)
"""The catalog's credits (``attribution``: text, short text, licence) as messages: the
catalog's English text is the message, so a credit the catalog changes is shown as the
catalog writes it until it is translated (and the pseudo-locale test names it)."""


def credit_text(text: str, lang: str = "en") -> str:
    """One of the catalog's credit texts (or a licence's name) in ``lang``."""
    return i18n.translator(lang).gettext(text)


def credits_line(catalog: Catalog, lang: str = "en") -> str:
    """The credits the data licences require, on one line."""
    return "; ".join(f"{credit_text(a.text, lang)} ({credit_text(a.licence, lang)})"
                     for a in catalog.attribution)


def sources_line(view: MapView, catalog: Catalog) -> str:
    """One line on where the figures come from."""
    return i18n.translator(view.lang).gettext(
        "Figures: publishers named per figure in Corridor Atlas (geo/catalog.json), newest "
        "source {date}. Schematic segments (pale band) are indicative only.").format(
        date=_date(catalog.as_of, view.lang))


def bbox_from_leaflet(bounds: object) -> BBox | None:
    """The bbox of a Leaflet ``LatLngBounds`` as streamlit-folium returns it, or ``None``.

    ``{"_southWest": {"lat": …, "lng": …}, "_northEast": {…}}``; anything malformed,
    empty or out of range gives ``None`` (the whole corridor), never an error.
    """
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
        west, south = float(sw["lng"]), float(sw["lat"])
        east, north = float(ne["lng"]), float(ne["lat"])
    except (TypeError, KeyError, ValueError, OverflowError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    west, east = round(max(west, -180.0), 4), round(min(east, 180.0), 4)
    south, north = round(max(south, -90.0), 4), round(min(north, 90.0), 4)
    if not (west < east and south < north):
        return None
    return (west, south, east, north)


def union_bbox(boxes: Iterable[BBox]) -> BBox | None:
    """The smallest bbox holding all ``boxes``; ``None`` for none."""
    boxes = list(boxes)
    if not boxes:
        return None
    west, south, east, north = zip(*boxes, strict=True)
    return (min(west), min(south), max(east), max(north))


#: A picked route or place is shown with at least this much around it, each way (km),
#: and no closer than this zoom: enough for the names and the routes nearby to show.
FOCUS_MIN_KM = 150.0
FOCUS_MAX_ZOOM = 10.0
KM_PER_DEG_LAT = 111.32


def focus_extent(bbox: BBox, *, min_km: float = FOCUS_MIN_KM) -> BBox:
    """``bbox`` grown about its centre to at least ``min_km`` across, east–west and
    north–south (a point becomes a square of that side); a larger box is kept as it is."""
    west, south, east, north = bbox
    lat = (south + north) / 2
    half_lat = min_km / KM_PER_DEG_LAT / 2
    half_lon = min(180.0, half_lat / max(math.cos(math.radians(lat)), 0.01))
    if north - south < 2 * half_lat:
        south, north = max(-85.0, lat - half_lat), min(85.0, lat + half_lat)
    lon = (west + east) / 2
    if east - west < 2 * half_lon:
        west, east = max(-180.0, lon - half_lon), min(180.0, lon + half_lon)
    return west, south, east, north


def view_for_bbox(bbox: BBox, *, width_px: int = 800, height_px: int = 640,
                  max_zoom: float = 11.0) -> tuple[float, float, float]:
    """Center (lat, lon) and the Web Mercator zoom that fits ``bbox`` in a map of that size."""
    west, south, east, north = bbox
    (_, y0), (_, y1) = mercator([[west, south], [east, north]])
    x_span = max(east - west, 1e-6) / 360.0  # fractions of the world's width
    y_span = max((y1 - y0) / WORLD_WIDTH_M, 1e-9 / (2 * math.pi))
    zoom = min(math.log2(width_px / 256 / x_span), math.log2(height_px / 256 / y_span))
    zoom = max(2.0, min(max_zoom, math.floor(zoom * 2) / 2))
    ((_, lat),) = to_lonlat([[0.0, (y0 + y1) / 2]])
    return round(float(lat), 5), round((west + east) / 2, 5), zoom
