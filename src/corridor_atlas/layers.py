"""Read and check the GeoJSON layers named by the catalog.

Every layer is read with geopandas and checked: lines for routes, points for
facilities, EPSG:4326, finite coordinates within lon/lat range, the route id in
every feature. Problems are collected per file; :func:`load_atlas` reads every
layer it can and reports the rest, so one broken file never hides the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod

from . import geojsoncheck
from .catalog import Catalog, Route, load_catalog
from .errors import DataError, LayerError, Problem
from .i18n.message import Message

FACILITIES_ID = "facilities"
"""Layer id of the facilities (points); route layers use their catalog id."""
LINE_TYPES = frozenset({"LineString", "MultiLineString"})
GEOMETRY_QUALITIES = frozenset({"traced", "schematic"})
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Place:
    """A populated place of the basemap (Natural Earth), as the map may name it."""

    name: str
    lon: float
    lat: float
    scalerank: int
    capital: bool


@dataclass(frozen=True)
class CountryLabel:
    """Where a country's name goes: inside its largest part, far from its borders."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Atlas:
    """Everything the map draws: the catalog, its layers and what could not be read."""

    catalog: Catalog | None
    routes: dict[str, gpd.GeoDataFrame]
    facilities: gpd.GeoDataFrame | None
    countries: gpd.GeoDataFrame | None
    problems: tuple[Problem, ...] = field(default=())
    #: The countries as compact TopoJSON text (object ``countries``) for browsers, from the
    #: ``.topojson`` file beside the countries GeoJSON; ``None`` if there is none.
    countries_topojson: str | None = field(default=None, repr=False)
    places: tuple[Place, ...] = field(default=(), repr=False)
    country_labels: tuple[CountryLabel, ...] = field(default=(), repr=False)

    def drawn_length_km(self, route_id: str) -> float | None:
        """Geodesic length of a route as drawn, in km; ``None`` if it is not loaded."""
        gdf = self.routes.get(route_id)
        return None if gdf is None else float(gdf["length_km"].sum())

    def layer_ids(self) -> list[str]:
        """Every layer id that can be toggled, in drawing order: context layers, then
        connections, then the routes, then the facilities."""
        if self.catalog is None:
            return []
        loaded = [r for r in self.catalog.routes if r.id in self.routes]
        under = [r.id for role in ("context", "connection") for r in loaded if r.role == role]
        main = [r.id for r in loaded if r.role == "route"]
        return under + main + ([FACILITIES_ID] if self.facilities is not None else [])

    def default_layers(self) -> list[str]:
        """The layers on when the map opens: the catalog's default-visible routes."""
        if self.catalog is None:
            return []
        return [r.id for r in self.catalog.routes if r.default_visible and r.id in self.routes]


def geodesic_km(geom: shapely.Geometry) -> float:
    """Length of a (multi)line on the WGS84 ellipsoid, in km."""
    return float(_GEOD.geometry_length(geom)) / 1000.0


def _crs_problem(raw: dict, file: str) -> Problem | None:
    crs = raw.get("crs")
    if crs is None:
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = str(props.get("name", "")) if isinstance(props, dict) else ""
    if any(tag in name for tag in ("CRS84", "EPSG::4326", "EPSG:4326")):
        return None
    return Problem(file, f"declares CRS {name or crs!r}; layers must be EPSG:4326 (lon, lat): "
                         "reproject before adding it", field="crs")


def _rules(allowed: frozenset[str]) -> geojsoncheck.Rules:
    """How the catalog's layers are checked: only ``allowed`` types, drawable, in lon/lat."""
    return geojsoncheck.Rules(types=allowed, collection_only=True, null_geometry=False,
                              lonlat=True, drawable=True, unique_ids=True)


def _problem(flaw: geojsoncheck.Flaw, file: str) -> Problem:
    return Problem(file, flaw.message, feature=flaw.feature, field=flaw.field, said=flaw.said)


def _check_features(raw: dict, file: str, *, allowed: frozenset[str]) -> list[Problem]:
    """Every problem of a layer's features (``raw["features"]``)."""
    return [_problem(flaw, file)
            for flaw in geojsoncheck.feature_flaws(raw["features"], _rules(allowed))]


def _read_geojson(path: Path, file: str, *, allowed: frozenset[str]) -> tuple[dict, list[Problem]]:
    """
    A layer's FeatureCollection and the problems of its features.

    Raises :class:`LayerError` when the file as a whole is wrong: missing, not JSON, not a
    FeatureCollection, no features, another CRS.
    """
    try:
        raw = geojsoncheck.parse(path.read_bytes())
    except FileNotFoundError:
        said = Message.gettext("file not found")
        raise LayerError([Problem(file, str(said), said=said)]) from None
    except geojsoncheck.JSONTextError as err:
        raise LayerError([Problem(file, str(err), said=err.message)]) from None
    features = geojsoncheck.features_of(raw, _rules(allowed))
    if isinstance(features, geojsoncheck.Flaw):
        raise LayerError([_problem(features, file)])
    assert isinstance(raw, dict)  # a FeatureCollection: collection_only
    crs = _crs_problem(raw, file)
    if crs is not None:
        raise LayerError([crs])
    return raw, _check_features(raw, file, allowed=allowed)


def _feature_name(feature: object, index: int) -> str:
    if isinstance(feature, dict) and feature.get("id") is not None:
        return str(feature["id"])
    return f"#{index}"


def _check_route_properties(raw: dict, route: Route, file: str) -> list[Problem]:
    problems = []
    for i, feature in enumerate(raw["features"]):
        if not isinstance(feature, dict):
            continue
        name = _feature_name(feature, i)
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.append(Problem(file, "feature has no properties", feature=name,
                                    field="properties"))
            continue
        if props.get("route_id") != route.id:
            problems.append(Problem(file, f"route_id is {props.get('route_id')!r}, expected "
                                          f"{route.id!r} (the catalog id of this file)",
                                    feature=name, field="properties.route_id"))
        quality = props.get("geometry_quality")
        if quality not in GEOMETRY_QUALITIES:
            problems.append(Problem(file, f"geometry_quality is {quality!r}; expected "
                                          "'traced' or 'schematic'",
                                    feature=name, field="properties.geometry_quality"))
    return problems


_RESERVED = ("feature_id", "geometry")  # columns of the frame, not free properties


def _to_frame(raw: dict) -> gpd.GeoDataFrame:
    features = [{**f, "properties": {k: v for k, v in (f.get("properties") or {}).items()
                                     if k not in _RESERVED}} for f in raw["features"]]
    gdf = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    gdf.insert(0, "feature_id", [_feature_name(f, i) for i, f in enumerate(raw["features"])])
    return gdf


def read_route(route: Route, geo_dir: Path) -> gpd.GeoDataFrame:
    """
    Read one route layer and check it against its catalog entry.

    Parameters
    ----------
    route
        Catalog entry of the route.
    geo_dir
        Folder that holds ``catalog.json``.

    Returns
    -------
    gpd.GeoDataFrame
        Line features in EPSG:4326 with ``feature_id``, ``route_id``,
        ``geometry_quality`` and ``length_km`` (geodesic, as drawn). A feature's
        status in a year comes from the catalog's milestones
        (:mod:`corridor_atlas.timeline`), by its id.

    Raises
    ------
    LayerError
        Listing every problem of the file: missing, not JSON, not a
        FeatureCollection, not lines, coordinates out of range, wrong route id.
    """
    file = f"{Path(geo_dir).name}/{route.file}"
    raw, problems = _read_geojson(Path(geo_dir) / route.file, file, allowed=LINE_TYPES)
    problems += _check_route_properties(raw, route, file)
    if problems:
        raise LayerError(problems)
    gdf = _to_frame(raw)
    gdf["length_km"] = [geodesic_km(g) for g in gdf.geometry]
    return gdf


def _checked_points(path: Path, geo_dir: Path) -> tuple[dict, str]:
    """A point layer's GeoJSON, checked like a route, and its name for messages."""
    file = f"{Path(geo_dir).name}/{path.relative_to(geo_dir).as_posix()}"
    raw, problems = _read_geojson(path, file, allowed=frozenset({"Point"}))
    if problems:
        raise LayerError(problems)
    return raw, file


def read_points(path: Path, geo_dir: Path) -> gpd.GeoDataFrame:
    """Read a point layer (facilities), checked like a route; raises :class:`LayerError`."""
    return _to_frame(_checked_points(path, geo_dir)[0])


def read_countries(path: Path) -> gpd.GeoDataFrame:
    """Read the basemap countries (Natural Earth polygons) with geopandas."""
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf.to_crs(4326)


def read_topology(path: Path) -> str:
    """The text of a TopoJSON file holding a ``countries`` object; ``ValueError`` if not."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("type") != "Topology":
        raise ValueError("not a TopoJSON Topology")
    if not isinstance(data.get("objects"), dict) or "countries" not in data["objects"]:
        raise ValueError("no 'countries' object")
    return text.strip()


def read_places(path: Path, geo_dir: Path) -> tuple[Place, ...]:
    """Read the basemap's populated places (Natural Earth points); raises :class:`LayerError`.

    Checked like any point layer; kept as plain values (the map only names them).
    """
    raw, file = _checked_points(path, geo_dir)
    places = []
    for i, feature in enumerate(raw["features"]):
        props = feature.get("properties") or {}
        name, rank = props.get("name"), props.get("scalerank")
        if not isinstance(name, str) or not name or not isinstance(rank, int):
            raise LayerError([Problem(file, "a place needs a name and a whole-number "
                                            "scalerank", feature=_feature_name(feature, i),
                                      field="properties")])
        lon, lat = feature["geometry"]["coordinates"][:2]
        places.append(Place(name, float(lon), float(lat), rank,
                            props.get("featurecla") == "Admin-0 capital"))
    return tuple(places)


def country_label_points(countries: gpd.GeoDataFrame,
                         names: dict[str, str]) -> tuple[CountryLabel, ...]:
    """Each country's label point: the pole of inaccessibility of its largest part.

    ``names`` renames Natural Earth's English names (``{"Turkey": "Türkiye"}``).
    """
    from shapely.ops import polylabel

    out = []
    for name, geom in zip(countries["name"], countries.geometry, strict=True):
        if not isinstance(name, str) or geom is None or geom.is_empty:
            continue
        parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
        if not parts:
            continue
        largest = max(parts, key=lambda p: p.area)
        point = polylabel(largest, tolerance=0.05)
        out.append(CountryLabel(names.get(name, name), round(point.x, 3), round(point.y, 3)))
    return tuple(out)


def load_atlas(geo_dir: Path, *, strict: bool = False) -> Atlas:
    """
    Load the catalog and every layer it names.

    Parameters
    ----------
    geo_dir
        Folder that holds ``catalog.json``, ``routes/`` and ``basemap/``.
    strict
        Raise one :class:`~corridor_atlas.errors.DataError` listing every problem
        instead of returning what could be read.

    Returns
    -------
    Atlas
        The layers that loaded, and a problem for each one that did not.
    """
    geo_dir = Path(geo_dir)
    catalog, problems = load_catalog(geo_dir, strict=False)
    routes: dict[str, gpd.GeoDataFrame] = {}
    facilities = countries = topology = None
    places: tuple[Place, ...] = ()
    country_labels: tuple[CountryLabel, ...] = ()
    if catalog is not None:
        for route in catalog.routes:
            try:
                routes[route.id] = read_route(route, geo_dir)
            except LayerError as err:
                problems.extend(err.problems)
            except Exception as err:
                problems.append(Problem(f"{geo_dir.name}/{route.file}",
                                        f"could not be read ({type(err).__name__}: "
                                        f"{str(err)[:160]})"))
        try:
            facilities = read_points(geo_dir / catalog.facilities.file, geo_dir)
        except LayerError as err:
            problems.extend(err.problems)
        else:
            problems.extend(_check_facility_ids(catalog, facilities, geo_dir))
        countries_file = catalog.basemap.get("countries")
        if countries_file:
            try:
                countries = read_countries(geo_dir / countries_file)
            except Exception as err:
                problems.append(Problem(f"{geo_dir.name}/{countries_file}",
                                        f"basemap not readable ({err})"))
            topo_path = (geo_dir / countries_file).with_suffix(".topojson")
            if countries is not None and topo_path.is_file():
                try:
                    topology = read_topology(topo_path)
                except (OSError, ValueError) as err:  # the GeoJSON is embedded instead
                    problems.append(Problem(f"{geo_dir.name}/{topo_path.name}",
                                            f"basemap TopoJSON not usable ({str(err)[:160]}); "
                                            "rebuild it with scripts/build_basemap.py"))
            if countries is not None and "name" in countries:
                country_labels = country_label_points(countries, catalog.country_names)
        places_file = catalog.basemap.get("places")
        if places_file:
            try:
                places = read_places(geo_dir / places_file, geo_dir)
            except LayerError as err:  # the map draws without place names
                problems.extend(err.problems)
    if strict and problems:
        raise DataError(problems)
    return Atlas(catalog, routes, facilities, countries, tuple(problems), topology,
                 places, country_labels)


def _check_facility_ids(catalog: Catalog, gdf: gpd.GeoDataFrame, geo_dir: Path) -> list[Problem]:
    known = {f.id for f in catalog.facilities.items}
    file = f"{geo_dir.name}/{catalog.facilities.file}"
    ids = gdf.get("facility_id", gdf["feature_id"])
    return [Problem(file, f"facility {fid!r} is not in the catalog", feature=str(fid),
                    field="properties.facility_id")
            for fid in ids if fid not in known]
