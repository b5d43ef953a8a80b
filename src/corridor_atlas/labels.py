"""What the map names: route labels along the lines, and places.

These are the *candidates*: each with its text, style, priority and the zooms it shows
at. Where each one goes, and which give way when they would overlap, is decided at
draw time for the exact zoom and extent (the live map's label layer, and
:mod:`corridor_atlas.labelplace` for the print render), following the same rules:

1. the selected route's name;
2. the routes' ends and the capitals;
3. one label for every other route, in priority order: on its line where the line is
   straight enough over the label's length, as near the middle of its visible stretch
   as it fits; else beside the line, joined to it by a leader;
4. the other places, in priority order: facilities, the cities along the way by size;
5. each route's name again along long lines, every :data:`ROUTE_REPEAT_PX` pixels;
6. the countries, at low zoom only.

A label that would overlap one placed before it, leave the map or cover the legend is
not drawn; a place tries the four sides of its dot before giving way.

Places come from the route ends the catalog names (``start_label``/``end_label``), the
facilities (their ``label``), and the bundled Natural Earth places: capitals, and the
cities within :data:`ALONG_KM` of a route. Every name is written in the view's language:
routes by their short name in it (:meth:`~corridor_atlas.catalog.Route.short_name_in`),
places and countries by the name a source gives in it
(:meth:`~corridor_atlas.catalog.Catalog.local_name`), or in English where none does.
Natural Earth places that name a spot already named (the same name within
:data:`SAME_NAME_KM`, or any route end or facility within :data:`SAME_PLACE_KM`) are left
out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import shapely

from . import memo, styles
from .catalog import Route
from .layers import Atlas, Place
from .search import fold

__all__ = ["PlaceKind", "PlaceLabel", "RouteLabel", "place_labels", "route_label"]

PlaceKind = Literal["end", "capital", "city", "facility", "country"]

ALONG_KM = 45.0
CAPITAL_KM = 250.0
SAME_NAME_KM = 40.0
SAME_PLACE_KM = 12.0
ROUTE_REPEAT_PX = 340.0
LABEL_SIMPLIFY_DEG = 0.004  # ~400 m: a label needs the line's course, not its detail
COUNTRY_MAX_ZOOM = 6.5
FACILITY_MIN_ZOOM = 6.0
REGION_MARGIN_DEG = 4.0  # countries named around the routes' extent

_PRIORITY = {"selected": 0, "route": 10, "end": 20, "capital": 21, "context": 30,
             "facility": 40, "city": 50, "country": 90}


@dataclass(frozen=True)
class RouteLabel:
    """A route's name, written along its line (as often as the line's length allows)."""

    layer_id: str
    text: str
    colour: str  # the text; the halo is white
    parts: tuple[tuple[tuple[float, float], ...], ...]  # lon/lat lines, origin to terminus
    priority: int
    size: float = styles.ROUTE_LABEL_PX
    bold: bool = True
    repeat_px: float = ROUTE_REPEAT_PX


@dataclass(frozen=True)
class PlaceLabel:
    """A place's name beside its dot (or a country's name, centred, without a dot)."""

    text: str
    lon: float
    lat: float
    kind: PlaceKind
    priority: int
    min_zoom: float = 0.0
    max_zoom: float = 99.0
    size: float = styles.PLACE_LABEL_PX
    bold: bool = False
    colour: str = styles.PLACE_TEXT
    dot: bool = True
    spaced: bool = False  # letter-spaced (countries)


def _lines(geometries: Iterable[shapely.Geometry]) -> list[shapely.LineString]:
    lines = []
    for geom in geometries:
        for part in shapely.get_parts(geom):
            if part.geom_type == "LineString" and not part.is_empty:
                lines.append(part)
    return lines


def _label_parts(geometries: Sequence[shapely.Geometry]) -> tuple:
    """The drawn segments merged and simplified for a label, once per set of segments."""

    def compute() -> tuple:
        merged = shapely.line_merge(shapely.MultiLineString(_lines(geometries)))
        parts = []
        for line in _lines([merged]):
            simple = line.simplify(LABEL_SIMPLIFY_DEG, preserve_topology=False)
            coords = tuple((round(x, 4), round(y, 4)) for x, y, *_ in simple.coords)
            if len(coords) >= 2:
                parts.append(coords)
        return tuple(parts)

    return memo.once("label parts", geometries, None, compute)


def route_label(route: Route, geometries: Sequence[shapely.Geometry], colour: str, *,
                selected: bool = False, lang: str = "en") -> RouteLabel:
    """The label of a drawn route: its short name in ``lang`` along its drawn segments,
    merged."""
    key = "selected" if selected else ("route" if route.role == "route" else "context")
    return RouteLabel(route.id, route.short_name_in(lang), colour, _label_parts(geometries),
                      _PRIORITY[key])


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (km) on a sphere: enough to tell two labels name one spot."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _city_min_zoom(place: Place) -> float:
    if place.capital:
        return 3.0
    for rank, zoom in ((3, 4.0), (5, 5.0), (7, 6.0), (8, 7.0)):
        if place.scalerank <= rank:
            return zoom
    return 8.0


def _along(atlas: Atlas) -> tuple[tuple[Place, ...], tuple[float, ...]]:
    """The places near any route of the catalog (drawn or not), and the routes' region.

    Computed once per atlas: the basemap's names do not change when layers are toggled.
    """
    return memo.once("places along", [atlas], None, lambda: _places_along(atlas))


def _places_along(atlas: Atlas) -> tuple[tuple[Place, ...], tuple[float, ...]]:
    lines = _lines(g for gdf in atlas.routes.values() for g in gdf.geometry)
    result: tuple[tuple[Place, ...], tuple[float, ...]] = ((), ())
    if lines:
        network = shapely.MultiLineString(lines)
        west, south, east, north = network.bounds
        region = (west - REGION_MARGIN_DEG, south - REGION_MARGIN_DEG,
                  east + REGION_MARGIN_DEG, north + REGION_MARGIN_DEG)
        chosen: tuple[Place, ...] = ()
        if atlas.places:
            points = shapely.points([(p.lon, p.lat) for p in atlas.places])
            # degrees to km at the corridor's latitude: a filter, not a measurement
            near = shapely.dwithin(points, network, ALONG_KM / 85.0)
            capital_near = shapely.dwithin(points, network, CAPITAL_KM / 85.0)
            chosen = tuple(p for p, n, c in zip(atlas.places, near, capital_near, strict=True)
                           if (n and p.scalerank <= 8) or (p.capital and c))
        result = (chosen, region)
    return result


def place_labels(atlas: Atlas, routes: Sequence[Route], *,
                 facilities: Sequence[str] = (), lang: str = "en") -> tuple[PlaceLabel, ...]:
    """
    The places to name, in priority order, without two names for one spot.

    Parameters
    ----------
    atlas
        Loaded data (facilities, Natural Earth places, countries).
    routes
        The routes drawn: their ends are named.
    facilities
        The ids of the facilities drawn: their names are candidates too.
    lang
        The language the names are written in.
    """
    key = (tuple(r.id for r in routes), tuple(facilities), lang)
    return memo.once("place labels", [atlas], key,
                     lambda: _place_labels(atlas, routes, facilities=facilities, lang=lang))


def _place_labels(atlas: Atlas, routes: Sequence[Route], *,
                  facilities: Sequence[str], lang: str = "en") -> tuple[PlaceLabel, ...]:
    catalog = atlas.catalog

    def local(text: str) -> str:
        return catalog.local_name(text, lang) if catalog is not None else text

    candidates: list[PlaceLabel] = []
    for route in routes:
        gdf = atlas.routes.get(route.id)
        if gdf is None or gdf.empty:
            continue
        geometries = gdf.geometry.values
        first = shapely.get_coordinates(geometries[0])[0]
        last = shapely.get_coordinates(geometries[-1])[-1]
        for text, (lon, lat) in ((route.start_label, first), (route.end_label, last)):
            candidates.append(PlaceLabel(local(text), round(float(lon), 4),
                                         round(float(lat), 4),
                                         "end", _PRIORITY["end"],
                                         size=styles.KEY_PLACE_LABEL_PX, bold=True))
    if facilities and atlas.catalog is not None:
        drawn = set(facilities)
        for fac in atlas.catalog.facilities.items:
            if fac.id in drawn and fac.label and fac.lon is not None and fac.lat is not None:
                candidates.append(PlaceLabel(local(fac.label), fac.lon, fac.lat, "facility",
                                             _PRIORITY["facility"],
                                             min_zoom=FACILITY_MIN_ZOOM, dot=False))
    along, region = _along(atlas)
    renamed = atlas.catalog.place_names if atlas.catalog is not None else {}
    for place in sorted(along, key=lambda p: (not p.capital, p.scalerank)):
        kind: PlaceKind = "capital" if place.capital else "city"
        candidates.append(PlaceLabel(
            local(renamed.get(place.name, place.name)), place.lon, place.lat, kind,
            _PRIORITY[kind] + (0 if place.capital else place.scalerank),
            min_zoom=_city_min_zoom(place), bold=place.capital))
    out: list[PlaceLabel] = []
    by_name: dict[str, list[PlaceLabel]] = {}
    marked: list[PlaceLabel] = []  # the routes' ends and the facilities kept
    for cand in sorted(candidates, key=lambda c: c.priority):
        key = fold(cand.text)
        if any(_km(cand.lon, cand.lat, k.lon, k.lat) <= SAME_NAME_KM
               for k in by_name.get(key, ())):
            continue  # the same name for the same place
        if cand.kind in ("city", "capital") and any(
                _km(cand.lon, cand.lat, k.lon, k.lat) <= SAME_PLACE_KM for k in marked):
            continue  # a town already named by a route's end or a facility
        out.append(cand)
        by_name.setdefault(key, []).append(cand)
        if cand.kind in ("end", "facility"):
            marked.append(cand)
    if region:
        west, south, east, north = region
        out += [PlaceLabel(local(c.name), c.lon, c.lat, "country", _PRIORITY["country"],
                           max_zoom=COUNTRY_MAX_ZOOM, size=styles.COUNTRY_LABEL_PX,
                           colour=styles.COUNTRY_TEXT, dot=False, spaced=True)
                for c in atlas.country_labels
                if west <= c.lon <= east and south <= c.lat <= north]
    return tuple(out)

