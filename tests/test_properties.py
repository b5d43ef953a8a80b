"""Property-based tests: invariants of the geometry, catalog, parsing and text helpers.

Each test states a property that must hold for every input the strategies can
build, not for a handful of examples.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import math
import re
import shutil
import warnings
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
import shapely
import shapely.errors
import shapely.geometry
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from corridor_atlas import layers, maps, search, timeline, urlstate, view
from corridor_atlas.catalog import CATALOG_FILE, Effect, Segment, Status, load_catalog
from corridor_atlas.errors import ExportError, Problem
from corridor_atlas.layers import LINE_TYPES, geodesic_km, load_atlas
from corridor_atlas.markup import esc, md

from .conftest import GEO_DIR

# No example database: nothing is written into the repository.
BASE = {"database": None}
GEOS = {"database": None, "deadline": None}  # GEOS / pyproj calls: timing varies

CATALOG_RAW: dict[str, Any] = json.loads((GEO_DIR / CATALOG_FILE).read_text(encoding="utf-8"))
ROUTE_ENTRIES: list[dict[str, Any]] = CATALOG_RAW["routes"]
ALL_ROUTE_IDS: tuple[str, ...] = tuple(r["id"] for r in ROUTE_ENTRIES)


# ---------------------------------------------------------------------------
# Shared data (session scoped: hypothesis re-runs a test body many times, and
# function-scoped fixtures would not be reset between examples)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def scratch_geo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One writable copy of geo/ (named ``geo`` so problems read ``geo/…``).

    Tests rewrite a single file per example and put the original bytes back.
    """
    dst = tmp_path_factory.mktemp("properties") / "geo"
    shutil.copytree(GEO_DIR, dst)
    return dst


class _Restore:
    """Write ``text`` to ``path`` for the duration of a ``with`` block."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def __enter__(self) -> Path:
        self.original = self.path.read_bytes()
        self.path.write_text(self.text, encoding="utf-8")
        return self.path

    def __exit__(self, *exc: object) -> None:
        self.path.write_bytes(self.original)


# ---------------------------------------------------------------------------
# Strategies: GeoJSON-like features, valid and broken
# ---------------------------------------------------------------------------

lons = st.floats(-180, 180, allow_nan=False, allow_infinity=False)
lats = st.floats(-90, 90, allow_nan=False, allow_infinity=False)
valid_position = st.one_of(
    st.tuples(lons, lats).map(list),
    st.tuples(lons, lats, st.floats(-1e4, 1e4)).map(list),
)
# one dimension per line: a line mixing 2-D and 3-D positions is refused as malformed
valid_line_coords = st.one_of(
    st.lists(st.tuples(lons, lats).map(list), min_size=2, max_size=6),
    st.lists(st.tuples(lons, lats, st.floats(-1e4, 1e4)).map(list),
             min_size=2, max_size=6))
valid_line_geometry = st.one_of(
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, valid_line_coords),
    st.builds(lambda parts: {"type": "MultiLineString", "coordinates": parts},
              st.lists(valid_line_coords, min_size=1, max_size=3)),
)

numbers = st.one_of(
    st.floats(),  # NaN, ±inf, ±1e308, subnormals
    st.integers(-10**6, 10**6),
    st.sampled_from([180, -180, 90, -90, 180.0000001, -90.5, 1e308, -0.0, 2**63]),
)
junk_scalars = st.one_of(
    st.none(), st.booleans(), st.text(max_size=5),
    st.sampled_from(["1", "NaN", "", "12.5", "-inf"]),
)
ordinates = st.one_of(numbers, numbers, junk_scalars)
positions = st.one_of(st.lists(ordinates, max_size=4), ordinates)
coordinates = st.one_of(
    st.lists(positions, max_size=5),  # the depth of a LineString
    st.lists(st.lists(positions, min_size=1, max_size=4), min_size=1, max_size=3),  # Multi…
    st.lists(st.lists(st.lists(positions, max_size=3), max_size=2), max_size=2),  # too deep
    positions,
    junk_scalars,
    st.dictionaries(st.text(max_size=3), ordinates, max_size=2),
)
geometry_types = st.one_of(
    st.sampled_from(["LineString", "MultiLineString", "Point", "MultiPoint", "Polygon",
                     "GeometryCollection", "Feature", "linestring", "LINESTRING", "", "Line"]),
    st.none(), st.integers(), st.floats(),
)


def _geometry_dicts(types: st.SearchStrategy, coords: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {"type": types, "coordinates": coords},
        optional={"bbox": st.lists(numbers, max_size=4), "crs": junk_scalars},
    )


# Everything the checker must cope with.
geometries = st.one_of(
    valid_line_geometry,
    _geometry_dicts(geometry_types, coordinates),
    st.none(), junk_scalars, st.lists(numbers, max_size=3),
)
feature_ids = st.one_of(st.none(), st.text(max_size=6), st.integers(), st.lists(st.integers(),
                                                                              max_size=2))
features = st.one_of(
    st.fixed_dictionaries({"type": st.just("Feature"), "geometry": geometries},
                          optional={"id": feature_ids, "properties": st.none()}),
    st.fixed_dictionaries({"type": st.just("Feature")}),  # no geometry at all
    junk_scalars,
    st.lists(st.integers(), max_size=2),
)

# The same plus the inputs that crash the checker today.
crashing_geometries = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(sorted(LINE_TYPES))}),  # no coordinates
    _geometry_dicts(st.one_of(st.lists(st.just("LineString"), max_size=1), st.just({})),
                    coordinates),
    _geometry_dicts(st.just("LineString"), st.just([[10**400, 0], [1, 1]])),
    _geometry_dicts(st.just("MultiLineString"),
                    st.lists(st.one_of(valid_line_coords, st.just([]), st.none()),
                             min_size=2, max_size=3)),
)
any_geometries = st.one_of(geometries, crashing_geometries)
any_features = st.one_of(
    features,
    st.fixed_dictionaries({"type": st.just("Feature"), "geometry": any_geometries}),
)


def _line_coordinates(geom: dict) -> np.ndarray:
    """The coordinates of a GeoJSON geometry as shapely (and geopandas) read them."""
    return np.asarray(shapely.get_coordinates(shapely.geometry.shape(geom)))


def _assert_problems(result: object, file: str) -> list[Problem]:
    assert isinstance(result, list)
    assert all(isinstance(p, Problem) and p.file == file for p in result)
    return result  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Route files: layers._check_features, read_route, load_atlas
# ---------------------------------------------------------------------------


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], **GEOS)
@given(st.lists(features, min_size=1, max_size=4))
def test_check_features_returns_problems_and_passes_only_drawable_lines(feats):
    """Never raises; a feature list without problems is all finite, in-range lines."""
    problems = layers._check_features({"features": feats}, "f", allowed=LINE_TYPES)
    problems = _assert_problems(problems, "f")
    if problems:
        return
    for feature in feats:
        geom = feature["geometry"]
        assert geom["type"] in LINE_TYPES
        coords = _line_coordinates(geom)
        assert coords.ndim == 2 and len(coords) >= 2
        assert np.isfinite(coords).all()
        assert (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()


@settings(max_examples=100, **GEOS)
@given(st.lists(valid_line_geometry, min_size=1, max_size=3))
def test_check_features_accepts_every_valid_line(geoms):
    feats = [{"type": "Feature", "geometry": g, "properties": {}} for g in geoms]
    assert layers._check_features({"features": feats}, "f", allowed=LINE_TYPES) == []


@settings(max_examples=100, **GEOS)
@example([{"type": "Feature", "geometry": {"type": "LineString"}}])
@example([{"type": "Feature", "geometry": {"type": ["LineString"], "coordinates": []}}])
@example([{"type": "Feature",
           "geometry": {"type": "LineString", "coordinates": [[10**400, 0], [1, 1]]}}])
@example([{"type": "Feature",
           "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], []]}}])
@given(st.lists(any_features, min_size=1, max_size=4))
def test_check_features_never_raises(feats):
    problems = layers._check_features({"features": feats}, "f", allowed=LINE_TYPES)
    _assert_problems(problems, "f")


# Properties of a route feature: mostly right (so the geometry decides), sometimes not.
def _route_properties(route_id: str) -> st.SearchStrategy:
    good = st.fixed_dictionaries(
        {"route_id": st.just(route_id), "geometry_quality": st.sampled_from(["traced",
                                                                            "schematic"])},
        optional={"status": st.sampled_from(["existing", "planned"]),
                  "segment": st.text(max_size=10),
                  "length_km": numbers,
                  "name": st.one_of(st.none(), st.text(max_size=10))},
    )
    bad = st.one_of(
        st.none(), st.text(max_size=3), st.lists(st.integers(), max_size=2),
        st.fixed_dictionaries({"route_id": st.one_of(st.none(), st.text(max_size=6)),
                               "geometry_quality": st.one_of(st.none(), st.text(max_size=6)),
                               "status": st.one_of(st.none(), st.text(max_size=6))}),
    )
    return st.one_of(good, good, good, bad)


_NO_CRS = object()


@st.composite
def route_collections(draw, geometry_strategy=geometries):
    """(route id, FeatureCollection text) for one route file."""
    route_id = draw(st.sampled_from(ALL_ROUTE_IDS))
    feats = draw(st.lists(
        st.fixed_dictionaries({"type": st.just("Feature"),
                               "geometry": st.one_of(valid_line_geometry, geometry_strategy),
                               "properties": _route_properties(route_id)},
                              optional={"id": feature_ids}),
        min_size=1, max_size=3))
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    # no "crs" (most files), a valid or a foreign one, or junk
    crs = draw(st.one_of(
        st.just(_NO_CRS), st.just(_NO_CRS),
        st.just({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}),
        st.just({"type": "name", "properties": {"name": "EPSG:3857"}}),
        st.just({"type": "name", "properties": None}),
        st.none(), st.just("EPSG:4326"), st.integers(),
    ))
    if crs is not _NO_CRS:
        collection["crs"] = crs
    return route_id, json.dumps(collection, ensure_ascii=False)


def _route_file(route_id: str) -> str:
    return next(r["file"] for r in ROUTE_ENTRIES if r["id"] == route_id)


def _check_atlas_with_one_route_rewritten(scratch_geo: Path, route_id: str, text: str) -> None:
    file = _route_file(route_id)
    with _Restore(scratch_geo / file, text):
        atlas = load_atlas(scratch_geo)
    problems = _assert_problems(list(atlas.problems), f"geo/{file}")
    assert (route_id in atlas.routes) != bool(problems)
    others = set(ALL_ROUTE_IDS) - {route_id}
    assert others <= set(atlas.routes)
    assert atlas.catalog is not None and atlas.facilities is not None
    assert atlas.countries is not None
    if route_id in atlas.routes:
        gdf = atlas.routes[route_id]
        assert len(gdf) >= 1
        assert set(gdf.geom_type) <= LINE_TYPES
        coords = shapely.get_coordinates(gdf.geometry.to_numpy())
        assert np.isfinite(coords).all()
        assert (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()
        lengths = gdf["length_km"].to_numpy(dtype=float)
        assert np.isfinite(lengths).all() and (lengths >= 0).all()


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], **GEOS)
@given(route_collections())
def test_load_atlas_reports_only_the_rewritten_route(scratch_geo, case):
    """One rewritten route file: it loads or is reported; every other layer still loads."""
    route_id, text = case
    _check_atlas_with_one_route_rewritten(scratch_geo, route_id, text)


@settings(max_examples=25, **GEOS)
@given(st.sampled_from(ALL_ROUTE_IDS), st.lists(valid_line_geometry, min_size=1, max_size=3))
def test_load_atlas_loads_any_valid_route_file(scratch_geo, route_id, geoms):
    feats = [{"type": "Feature", "geometry": g,
              "properties": {"route_id": route_id, "geometry_quality": "traced"}}
             for g in geoms]
    text = json.dumps({"type": "FeatureCollection", "features": feats})
    with _Restore(scratch_geo / _route_file(route_id), text):
        atlas = load_atlas(scratch_geo)
    assert atlas.problems == ()
    assert set(atlas.routes) == set(ALL_ROUTE_IDS)


def _collection(route_id: str, line: Any, **extra_props: Any) -> tuple[str, str]:
    props = {"route_id": route_id, "geometry_quality": "traced", **extra_props}
    return route_id, json.dumps({"type": "FeatureCollection",
                                 "features": [{"type": "Feature", "geometry": line,
                                               "properties": props}]})


_LINE = {"type": "LineString", "coordinates": [[40.0, 40.0], [41.0, 41.0]]}


@settings(max_examples=20, **GEOS)
@example(_collection("btc", {"type": "LineString"}))
@example(("scp", json.dumps({"type": "FeatureCollection", "crs": {"properties": ["x"]},
                             "features": [{"type": "Feature", "geometry": _LINE,
                                           "properties": {"route_id": "scp",
                                                          "geometry_quality": "traced"}}]})))
@example(_collection("tap", _LINE, feature_id="a"))
@example(_collection("btk", _LINE, geometry=None))
@given(route_collections(any_geometries))
def test_load_atlas_never_raises_on_a_bad_route_file(scratch_geo, case):
    route_id, text = case
    _check_atlas_with_one_route_rewritten(scratch_geo, route_id, text)


# ---------------------------------------------------------------------------
# Catalog: one field of one route entry replaced by any JSON value
# ---------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, child in items:
        out.append((*prefix, key))
        out += _paths(child, (*prefix, key))
    return out


ENTRY_PATHS = [(i, path) for i, entry in enumerate(ROUTE_ENTRIES) for path in _paths(entry)]
def _get_in(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _set_in(node: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


NUMBER_PATHS = [
    (i, path) for i, path in ENTRY_PATHS
    if "technical" not in path
    and isinstance(_get_in(ROUTE_ENTRIES[i], path), int | float)
    and not isinstance(_get_in(ROUTE_ENTRIES[i], path), bool)
]

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
        st.sampled_from(["btc", "operating", "planned", "oil", "rail", "route", "context",
                         "2020", "2020-01", "https://example.org/a", "routes/x.geojson",
                         "", "BTC", 10**400]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def _load_with_entry_changed(geo: Path, index: int, path: tuple, value: Any):
    raw = copy.deepcopy(CATALOG_RAW)
    _set_in(raw["routes"][index], path, value)
    with _Restore(geo / CATALOG_FILE, json.dumps(raw, ensure_ascii=False)):
        return raw["routes"][index], load_catalog(geo, strict=False)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], **BASE)
@given(st.sampled_from(ENTRY_PATHS), json_values)
def test_catalog_isolates_a_bad_route_field(scratch_geo, where, value):
    index, path = where
    entry, (catalog, problems) = _load_with_entry_changed(scratch_geo, index, path, value)
    assert catalog is not None
    _assert_problems(problems, f"geo/{CATALOG_FILE}")
    name = entry["id"] if isinstance(entry.get("id"), str) else f"#{index}"
    others = [r for j, r in enumerate(ALL_ROUTE_IDS) if j != index]
    loaded = list(catalog.route_ids)
    if problems:
        assert {p.feature for p in problems} == {name}
        assert len(loaded) == len(ALL_ROUTE_IDS) - 1
        assert list(loaded) == others
        return
    assert loaded == [name if j == index else r for j, r in enumerate(ALL_ROUTE_IDS)]
    shown = _get_in(catalog.routes[index].model_dump(mode="python"), path)
    if value is None:
        assert shown is None
    elif isinstance(value, str) and isinstance(shown, str):
        assert shown == value
    elif (isinstance(value, int | float) and not isinstance(value, bool)
          and isinstance(shown, int | float) and not isinstance(shown, bool)):
        assert shown == value or (math.isnan(shown) and math.isnan(value))


@settings(max_examples=40, **BASE)
@example(next(w for w in NUMBER_PATHS if w == (0, ("facts", "length_km", "value"))), math.nan)
@given(st.sampled_from(NUMBER_PATHS), st.sampled_from([math.nan, math.inf, -math.inf]))
def test_catalog_route_figures_are_finite(scratch_geo, where, value):
    index, path = where
    entry, (catalog, problems) = _load_with_entry_changed(scratch_geo, index, path, value)
    assert catalog is not None
    if problems:
        assert {p.feature for p in problems} == {entry["id"]}
    else:
        shown = _get_in(catalog.routes[index].model_dump(mode="python"), path)
        assert math.isfinite(shown)


# ---------------------------------------------------------------------------
# Geometry: display_geometry, geodesic_km
# ---------------------------------------------------------------------------

_offsets = st.tuples(st.floats(-0.01, 0.01), st.floats(-0.01, 0.01))


@st.composite
def local_lines(draw):
    """A wiggly line of short steps (where simplification and the grid both act)."""
    lon0 = draw(st.floats(-179, 179))
    lat0 = draw(st.floats(-89, 89))
    steps = draw(st.lists(_offsets, min_size=1, max_size=25))
    coords = [(lon0, lat0)]
    for dx, dy in steps:
        lon, lat = coords[-1]
        coords.append((min(180.0, max(-180.0, lon + dx)), min(90.0, max(-90.0, lat + dy))))
    return coords


any_line_coords = st.one_of(
    st.lists(st.tuples(lons, lats), min_size=2, max_size=15),
    local_lines(),
)
shapely_lines = st.one_of(
    any_line_coords.map(shapely.LineString),
    st.lists(any_line_coords, min_size=1, max_size=3).map(shapely.MultiLineString),
)


@settings(max_examples=150, **GEOS)
@example(shapely.LineString([(0, 0), (0.00001, 0.00001)]))
@given(shapely_lines)
def test_display_geometry_stays_close_and_in_range(line):
    shown = maps.display_geometry(line)
    bound = maps.DISPLAY_TOLERANCE_DEG + maps.DISPLAY_PRECISION_DEG
    coords = shapely.get_coordinates(shown)
    assert np.isfinite(coords).all()
    assert (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()
    if not shown.is_empty:
        assert shown.geom_type in {"LineString", "MultiLineString"}
    with warnings.catch_warnings():  # GEOS divides by tiny lengths on subnormal input
        warnings.simplefilter("ignore", RuntimeWarning)
        for part in getattr(line, "geoms", [line]):
            start = shapely.Point(shapely.get_coordinates(part)[0])
            if shapely.hausdorff_distance(part, start) <= bound:
                continue  # a part smaller than the bound may be dropped
            assert not shown.is_empty
            # every vertex of a visible part lies within the bound of what is drawn
            far = shapely.distance(shapely.points(shapely.get_coordinates(part)), shown)
            assert float(np.max(far)) <= bound + 1e-9


@settings(max_examples=150, **GEOS)
@given(any_line_coords, st.data())
def test_geodesic_km_is_additive_symmetric_and_non_negative(coords, data):
    line = shapely.LineString(coords)
    total = geodesic_km(line)
    assert math.isfinite(total) and total >= 0
    tol = 1e-6 * total + 1e-9
    assert geodesic_km(shapely.LineString(coords[::-1])) == pytest.approx(total, abs=tol)
    if len(coords) >= 3:
        k = data.draw(st.integers(1, len(coords) - 2), label="split vertex")
        head = geodesic_km(shapely.LineString(coords[: k + 1]))
        tail = geodesic_km(shapely.LineString(coords[k:]))
        assert head >= 0 and tail >= 0
        assert head + tail == pytest.approx(total, abs=tol)


# ---------------------------------------------------------------------------
# View parsers
# ---------------------------------------------------------------------------


@st.composite
def bboxes(draw, lat_range=(-90.0, 90.0)):
    west, east = sorted(draw(st.lists(lons, min_size=2, max_size=2, unique=True)))
    lo, hi = lat_range
    south, north = sorted(draw(st.lists(st.floats(lo, hi), min_size=2, max_size=2,
                                        unique=True)))
    assume(west < east and south < north)
    return west, south, east, north


number_texts = st.one_of(
    st.floats().map(repr), st.integers(-400, 400).map(str),
    st.sampled_from(["", " ", "nan", "inf", "-0", "1e3", "1_0", "0x10", "١٢"]),
)
bbox_texts = st.one_of(
    st.text(max_size=40),
    st.lists(number_texts, min_size=0, max_size=6).map(",".join),
)


def _valid_bbox(b: tuple) -> bool:
    w, s, e, n = b
    return -180 <= w < e <= 180 and -90 <= s < n <= 90


@settings(max_examples=200, **BASE)
@given(bbox_texts)
def test_parse_bbox_rejects_or_returns_a_valid_box(text):
    try:
        box = view.parse_bbox(text)
    except ExportError:
        return
    assert len(box) == 4 and all(isinstance(v, float) and math.isfinite(v) for v in box)
    assert _valid_bbox(box)


@settings(max_examples=100, **BASE)
@given(bboxes(), st.sampled_from([",", " ,", ", "]))
def test_parse_bbox_round_trips(box, sep):
    assert view.parse_bbox(sep.join(repr(v) for v in box)) == box


size_texts = st.one_of(
    st.text(max_size=15),
    st.tuples(st.integers(0, 99999), st.integers(0, 99999),
              st.sampled_from(["x", "X", " x", "×"])).map(lambda t: f"{t[0]}{t[2]}{t[1]}"),
    st.sampled_from(["slide", "A4", " a4 ", "SLIDE"]),
)


@settings(max_examples=200, **BASE)
@given(size_texts)
def test_parse_size_rejects_or_returns_a_size_within_limits(text):
    try:
        width, height = view.parse_size(text)
    except ExportError:
        return
    assert isinstance(width, int) and isinstance(height, int)
    assert view.MIN_SIDE <= width <= view.MAX_SIDE
    assert view.MIN_SIDE <= height <= view.MAX_SIDE


@settings(max_examples=100, **BASE)
@given(st.integers(view.MIN_SIDE, view.MAX_SIDE), st.integers(view.MIN_SIDE, view.MAX_SIDE))
def test_parse_size_round_trips(width, height):
    assert view.parse_size(f"{width}x{height}") == (width, height)


@settings(max_examples=150, **BASE)
@given(st.one_of(st.text(max_size=12), st.integers().map(str), st.integers(1900, 2100)))
def test_parse_year_rejects_or_returns_a_year_in_the_data(catalog, text):
    first, last = view.year_range(catalog)
    try:
        year = view.parse_year(text, catalog)
    except ExportError:
        return
    assert isinstance(year, int) and first <= year <= last


@settings(max_examples=150, **BASE)
@given(st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.sampled_from([*ALL_ROUTE_IDS, "facilities", " btc ", ""]),
                       st.text(max_size=5)), max_size=6).map(",".join),
))
def test_parse_layers_rejects_or_returns_known_unique_ids(text):
    known = [*ALL_ROUTE_IDS, "facilities"]
    try:
        ids = view.parse_layers(text, known)
    except ExportError:
        return
    assert ids and set(ids) <= set(known) and len(set(ids)) == len(ids)


leaflet_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=6),
              st.sampled_from(["12.5", "nan", "1e400", "-inf"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["_southWest", "_northEast", "lat", "lng", "x"]),
                        inner, max_size=3),
    ),
    max_leaves=10,
)
corners = st.fixed_dictionaries({"lat": st.one_of(lats, numbers, leaflet_values),
                                 "lng": st.one_of(lons, numbers, leaflet_values)})
leaflet_bounds = st.one_of(
    leaflet_values,
    st.fixed_dictionaries({"_southWest": st.one_of(corners, leaflet_values),
                           "_northEast": st.one_of(corners, leaflet_values)}),
)


@settings(max_examples=200, **BASE)
@example({"_southWest": {"lat": 0, "lng": 0.00001}, "_northEast": {"lat": 1, "lng": 0.00002}})
@example({"_southWest": {"lat": 0, "lng": 10**400}, "_northEast": {"lat": 1, "lng": 2}})
@given(st.one_of(leaflet_bounds, st.fixed_dictionaries({
    "_southWest": st.fixed_dictionaries({"lat": st.just(0), "lng": st.just(10**400)}),
    "_northEast": corners})))
def test_bbox_from_leaflet_never_raises_and_returns_none_or_valid(bounds):
    box = view.bbox_from_leaflet(bounds)
    assert box is None or _valid_bbox(box)


@settings(max_examples=200, **BASE)
@given(leaflet_bounds)
def test_bbox_from_leaflet_result_is_within_range(bounds):
    """The part of the contract that holds today: no error, and any box is in range."""
    box = view.bbox_from_leaflet(bounds)
    if box is not None:
        w, s, e, n = box
        assert -180 <= w <= e <= 180 and -90 <= s <= n <= 90
        assert all(math.isfinite(v) for v in box)


_ROUNDING = 5e-6  # view_for_bbox rounds the centre to 5 decimals
_MERCATOR_LAT = 85.0  # view_for_bbox clamps latitudes to the Web Mercator range it uses


def _clamp_lat(lat: float) -> float:
    return max(-_MERCATOR_LAT, min(_MERCATOR_LAT, lat))


sizes = st.integers(view.MIN_SIDE, view.MAX_SIDE)


@settings(max_examples=200, **BASE)
@given(bboxes(), sizes, sizes, st.floats(2, 18))
def test_view_for_bbox_zoom_in_range_and_centre_inside(box, width, height, max_zoom):
    west, south, east, north = box
    lat, lon, zoom = view.view_for_bbox(box, width_px=width, height_px=height,
                                        max_zoom=max_zoom)
    assert 2.0 <= zoom <= max_zoom
    assert west - _ROUNDING <= lon <= east + _ROUNDING
    # inside the box, as far as Web Mercator reaches (a box north of 85° centres on 85°)
    assert _clamp_lat(south) - _ROUNDING <= lat <= _clamp_lat(north) + _ROUNDING
    if zoom > 2.0:  # not held at the minimum: the box fits the map at that zoom
        merc = lambda d: math.log(math.tan(math.pi / 4 + math.radians(_clamp_lat(d)) / 2))  # noqa: E731
        assert max(east - west, 1e-6) / 360 * 256 * 2**zoom <= width * (1 + 1e-9)
        assert (max(merc(north) - merc(south), 1e-9) / (2 * math.pi) * 256 * 2**zoom
                <= height * (1 + 1e-9))


@settings(max_examples=150, **BASE)
@given(bboxes(), st.data())
def test_view_for_bbox_zoom_grows_as_the_box_shrinks(outer, data):
    west, south, east, north = outer
    w2, e2 = sorted(data.draw(st.lists(st.floats(west, east), min_size=2, max_size=2)))
    s2, n2 = sorted(data.draw(st.lists(st.floats(south, north), min_size=2, max_size=2)))
    assume(w2 < e2 and s2 < n2)
    assert view.view_for_bbox((w2, s2, e2, n2))[2] >= view.view_for_bbox(outer)[2]


# ---------------------------------------------------------------------------
# URL state
# ---------------------------------------------------------------------------

LAYER_IDS = [*ALL_ROUTE_IDS, "facilities"]
YEARS = (1993, 2032)

control_text = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Zl",
                                                                         "Zp", "Cf"]),
                       max_size=5)
url_texts = st.one_of(
    st.text(max_size=30), control_text,
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(1, 300)),
    st.lists(st.sampled_from([*LAYER_IDS, "atlantis", " tap ", "", "BTC"]), max_size=8)
    .map(",".join),
    st.integers(1800, 2100).map(str),
    st.lists(st.one_of(number_texts, st.floats(-200, 200).map(str)), min_size=0, max_size=4)
    .map(",".join),
)
url_values = st.one_of(url_texts, url_texts, st.lists(url_texts, max_size=3))
url_params = st.dictionaries(st.one_of(st.sampled_from(urlstate.KEYS), st.text(max_size=8)),
                             url_values, max_size=6)


def _last(value):
    """The value parse_query reads: a list's last item."""
    return value if isinstance(value, str) else (list(value) or [""])[-1]


def _parse(params):
    return urlstate.parse_query(params, layer_ids=LAYER_IDS, route_ids=ALL_ROUTE_IDS,
                                years=YEARS)


@settings(max_examples=200, **BASE)
@given(url_params)
def test_parse_query_never_raises_and_keeps_only_valid_values(params):
    state, notices = _parse(params)
    assert isinstance(notices, list) and all(isinstance(n, urlstate.Notice)
                                             and isinstance(n.text, str) for n in notices)
    if state.layers is not None:
        assert set(state.layers) <= set(LAYER_IDS)
        assert len(set(state.layers)) == len(state.layers)
    if state.year is not None:
        assert YEARS[0] <= state.year <= YEARS[1]
    if state.route is not None:
        assert state.route in ALL_ROUTE_IDS
    if state.view is not None:
        lat, lon, zoom = state.view
        assert -85 <= lat <= 85 and -180 <= lon <= 180
        assert urlstate.MIN_ZOOM <= zoom <= urlstate.MAX_ZOOM
    # every ignored parameter is reported
    unknown = set(params) - set(urlstate.KEYS)
    field = {"status": "statuses"}  # the URL's name of a field, where it differs
    dropped = [k for k in urlstate.KEYS if k in params
               and getattr(state, field.get(k, k)) is None
               and not (k == "lang" and not _last(params[k]).strip())]  # names no language
    assert len(notices) >= len(unknown) + len(dropped)


views = st.tuples(st.integers(-850000, 850000).map(lambda v: v / 10000),
                  st.integers(-1800000, 1800000).map(lambda v: v / 10000),
                  st.integers(200, 1800).map(lambda v: v / 100))
layer_tuples = st.lists(st.sampled_from(LAYER_IDS), unique=True, max_size=len(LAYER_IDS)).map(
    tuple)
years = st.integers(*YEARS)


@settings(max_examples=200, **BASE)
@given(st.builds(urlstate.UrlState, layer_tuples, years,
                 st.one_of(st.none(), st.sampled_from(ALL_ROUTE_IDS)), st.one_of(st.none(), views)),
       st.builds(urlstate.UrlState, layer_tuples, years))
def test_to_query_then_parse_query_gives_the_state_back(state, default):
    query = urlstate.to_query(state, default=default)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    back, notices = _parse(query)
    assert notices == []
    if "layers" in query:
        assert back.layers == state.layers
    else:
        assert back.layers is None and set(default.layers) == set(state.layers)
    assert (back.year if back.year is not None else default.year) == state.year
    assert back.route == state.route
    assert back.view == state.view


# ---------------------------------------------------------------------------
# Markup
# ---------------------------------------------------------------------------

markup_texts = st.one_of(
    st.text(),
    st.text(alphabet="<>&\"'`*_[]{}()#|~$:\\-+.!1 \n\tab", max_size=30),
)


@settings(max_examples=200, **BASE)
@given(st.one_of(markup_texts, st.none(), st.integers(), st.floats()))
def test_esc_is_inert_html_and_reversible(value):
    out = esc(value)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert html.unescape(out) == ("" if value is None else str(value))


_ASCII_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_MD_ACTIVE = set("<[]`*_")


@settings(max_examples=200, **BASE)
@given(st.one_of(markup_texts, st.none(), st.integers()))
def test_md_escapes_every_active_character(value):
    out = md(value)
    i = 0
    while i < len(out):  # read it as a Markdown renderer does: a backslash escapes what follows
        if out[i] == "\\":
            assert i + 1 < len(out), f"dangling backslash in {out!r}"
            i += 2
            continue
        assert out[i] not in _MD_ACTIVE, f"unescaped {out[i]!r} at {i} in {out!r}"
        i += 1
    # nothing but escapes was added: dropping them gives the text, whitespace collapsed
    text = "" if value is None else str(value)
    assert re.sub(rf"\\([{_ASCII_PUNCT}])", r"\1", out) == " ".join(text.split())


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------

TURKIC = ("abcçdefgğhıijklmnoöprsştuüvyzqxwə" "ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZQXWƏ"
          "âîûÂÎÛ0123456789 -–—‑/()'.,_")
TURKIC_SPECIAL = set("ıİəƏğĞşŞçÇöÖüÜ")


@settings(max_examples=200, **BASE)
@given(st.text(alphabet=TURKIC, max_size=40))
def test_fold_turkish_and_azerbaijani_text(text):
    key = search.fold(text)
    assert search.fold(key) == key
    assert not TURKIC_SPECIAL & set(key)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", key), key
    assert search.variants(text)[0] == key


@settings(max_examples=200, **BASE)
@example("ℌ")
@example("ᵊ")
@given(st.text())
def test_fold_is_idempotent_for_any_text(text):
    key = search.fold(text)
    assert search.fold(key) == key
    assert not TURKIC_SPECIAL & set(key)


@pytest.fixture(scope="session")
def index(atlas):
    return search.build_index(atlas)


@settings(max_examples=200, **BASE)
@given(st.one_of(st.text(max_size=40), st.text(alphabet=TURKIC, max_size=20),
                 st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3),
                           st.integers(1, 500))),
       st.integers(-2, 12))
def test_search_never_raises_and_ranks_at_most_limit_hits(index, atlas, query, limit):
    hits = index.search(query, limit=limit)
    assert len(hits) <= max(limit, 0)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert len({(h.kind, h.id) for h in hits}) == len(hits)
    facility_ids = {f.id for f in atlas.catalog.facilities.items}
    for h in hits:
        assert (h.id in ALL_ROUTE_IDS) if h.kind == "route" else (h.id in facility_ids)


@settings(max_examples=100, **BASE)
@given(st.data())
def test_search_finds_every_name_at_the_top_score(index, data):
    entry = data.draw(st.sampled_from(index.entries), label="entry")
    assume(len(entry.key.replace(" ", "")) >= 2 and len(entry.key) <= search.MAX_QUERY_CHARS)
    hits = index.search(entry.name, limit=len(index.entries))
    assert hits and hits[0].score == 1.0
    assert any((h.kind, h.id) == (entry.kind, entry.id) and h.score == 1.0 for h in hits)


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------

EFFECTS = list(get_args(Effect))
STATUSES = set(get_args(Status))


def _dates() -> st.SearchStrategy[str]:
    """Whole, year-month and year-only dates between 1990 and 2040."""
    return st.builds(lambda y, m, d, cut: f"{y:04d}-{m:02d}-{d:02d}"[:cut],
                     st.integers(1990, 2040), st.integers(1, 12), st.integers(1, 28),
                     st.sampled_from([4, 7, 10, 10]))


def _with_milestones(base, dated, segments=()):
    milestones = [m.model_copy(update={"date": date, "effect": effect, "segments": list(segs),
                                       "dispute": None})
                  for m, date, effect, segs in dated]
    return base.model_copy(update={
        "segments": list(segments),
        "facts": base.facts.model_copy(update={"milestones": milestones}),
    })


@st.composite
def _routes(draw, catalog):
    """A real route with made-up dated effects, some on its own segments, one existing."""
    base = draw(st.sampled_from(catalog.routes), label="route")
    pool = [m for r in catalog.routes for m in r.facts.milestones]
    ids = [f"{base.id}-1", f"{base.id}-2"]
    segments = [Segment(id=ids[0], name="a line the route joins", existing=True),
                Segment(id=ids[1], name="the route's own line")]
    dated = draw(st.lists(st.tuples(st.sampled_from(pool), _dates(), st.sampled_from(EFFECTS),
                                    st.sampled_from([(), (), (ids[0],), (ids[1],)])),
                          max_size=10), label="milestones")
    return _with_milestones(base, dated, segments)


@settings(max_examples=300, **GEOS)
@given(st.data(), _dates())
def test_periods_tile_the_history_and_agree_with_the_status_on_any_date(catalog, data, as_of):
    route = data.draw(_routes(catalog))
    for segment in (None, *[s.id for s in route.segments]):
        found = timeline.periods(route, as_of=as_of, segment=segment)
        for before, after in itertools.pairwise(found):
            assert before.end == after.start  # no gap, no overlap
            assert before.start < before.end
            assert (before.status, before.dispute) != (after.status, after.dispute)
        assert all(p.status in STATUSES for p in found)
        if found:
            assert found[-1].end is None
        for p in found:  # the status on each period's first day is the period's
            state = timeline.state_on(route, p.start, segment)
            assert state is not None and state.status == p.status


@settings(max_examples=300, **GEOS)
@given(st.data(), _dates(), st.integers(1985, 2045))
def test_milestones_after_the_as_of_date_never_count(catalog, data, as_of, year):
    route = data.draw(_routes(catalog))
    kept = [m for m in route.facts.milestones if m.date <= as_of]
    trimmed = route.model_copy(update={"facts": route.facts.model_copy(
        update={"milestones": kept})})
    assert (timeline.route_state(route, year, as_of=as_of)
            == timeline.route_state(trimmed, year, as_of=as_of))


@settings(max_examples=300, **GEOS)
@given(st.data())
def test_an_existing_segment_is_in_use_whenever_its_route_is_shown(catalog, data):
    route = data.draw(_routes(catalog))
    existing = route.segments[0].id
    named = [m for m in route.facts.milestones if existing in m.segments]
    for year in range(1988, 2043, 3):
        state = timeline.route_state(route, year, as_of="2040-12-31")
        seg = timeline.segment_states(route, [existing], year, as_of="2040-12-31")[0]
        if not any(m.date <= f"{year}-12-31" for m in route.facts.milestones
                   if m.effect != "none"):
            assert seg is None
        elif not named:
            assert state is None or (seg is not None and seg.status == "operating")


@st.composite
def _lifecycles(draw):
    """A history as sources tell it: agreed, built, in use, with interruptions and
    expansions, in date order, possibly rebuilt or closed at the end."""
    effects = draw(st.lists(st.sampled_from(["planned", "none"]), max_size=3))
    effects += draw(st.lists(st.just("construction"), max_size=2))
    effects.append("operating")
    for _ in range(draw(st.integers(0, 3))):
        effects += [draw(st.sampled_from(["suspended", "idle"])),
                    *draw(st.lists(st.sampled_from(["expansion", "none"]), max_size=1)),
                    draw(st.sampled_from(["resumed", "operating"]))]
    effects += draw(st.lists(st.sampled_from(["expansion", "none", "construction",
                                              "closed"]), max_size=1))
    years = sorted(draw(st.lists(st.integers(1950, 2040), min_size=len(effects),
                                 max_size=len(effects))))
    return [(f"{y:04d}-{i % 12 + 1:02d}", e)
            for i, (y, e) in enumerate(zip(years, effects, strict=True))]


@settings(max_examples=300, **GEOS)
@given(_lifecycles(), st.data())
def test_the_order_check_accepts_real_lifecycles_and_flags_an_interruption_before_use(
        catalog, history, data):
    base = catalog.routes[0].facts.milestones[0]
    milestones = [base.model_copy(update={"date": d, "effect": e}) for d, e in history]
    assert timeline.check_milestones(milestones) == []
    first_use = next(d for d, e in history if e == "operating")
    bad = data.draw(st.sampled_from(["suspended", "idle", "resumed", "expansion"]))
    early = base.model_copy(update={"date": "1949", "effect": bad})
    problems = timeline.check_milestones([early, *milestones])
    assert len(problems) == 1 and problems[0].startswith("1949 ")
    late = base.model_copy(update={"date": first_use, "effect": "planned"})
    assert timeline.check_milestones([*milestones, late])


@pytest.mark.parametrize("geometry", [
    {"type": "LineString"},  # no coordinates
    {"type": ["LineString"], "coordinates": [[0, 0], [1, 1]]},  # an unhashable type
    {"type": "LineString", "coordinates": [[10 ** 400, 0], [1, 1]]},  # beyond float range
    {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], []]},  # an empty part
    {"type": "MultiLineString", "coordinates": [[], [[0, 0], [1, 1]]]},
])
def test_check_features_reports_malformed_geometries_and_never_raises(geometry):
    feats = [{"type": "Feature", "properties": {}, "geometry": geometry}]
    problems = layers._check_features({"features": feats}, "f", allowed=LINE_TYPES)
    assert problems and all(p.field and p.field.startswith("geometry") for p in problems), problems
