"""Contract test over the real geo/ data: every file, every figure, every id."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from corridor_atlas.catalog import Source, load_catalog
from corridor_atlas.layers import LINE_TYPES, geodesic_km
from corridor_atlas.maps import MAP_BOUNDS

from .conftest import CONTEXT_IDS, GEO_DIR, ROUTE_IDS

CATALOG, _ = load_catalog(GEO_DIR)


def test_catalog_has_the_seven_routes_and_context_layers():
    routes = {r.id for r in CATALOG.routes if r.role == "route"}
    assert routes == set(ROUTE_IDS)
    assert {r.id for r in CATALOG.routes if r.role == "context"} == set(CONTEXT_IDS)
    assert all(r.default_visible for r in CATALOG.routes if r.role == "route")
    assert not any(r.default_visible for r in CATALOG.routes if r.role == "context")


def test_ids_are_unique_and_match_files():
    ids = CATALOG.route_ids
    assert len(ids) == len(set(ids))
    on_disk = {p.stem for p in (GEO_DIR / "routes").glob("*.geojson")}
    assert on_disk == set(ids)


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_route_file_contract(route):
    path = GEO_DIR / route.file
    gdf = gpd.read_file(path)  # the real reader, pyogrio
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert len(gdf) >= 1
    assert set(gdf.geom_type) <= LINE_TYPES
    assert gdf.is_valid.all() and not gdf.is_empty.any()
    minx, miny, maxx, maxy = gdf.total_bounds
    assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    assert set(gdf["route_id"]) == {route.id}
    assert set(gdf["geometry_quality"]) <= {"traced", "schematic"}
    raw = json.loads(path.read_text("utf-8"))
    feature_ids = [f["id"] for f in raw["features"]]
    assert len(feature_ids) == len(set(feature_ids))
    for feature in raw["features"]:
        props = feature["properties"]
        assert props["geometry_source"] and props["geometry_attribution"]
        assert props["geometry_license"]
        if props["geometry_quality"] == "schematic":
            assert props.get("waypoints"), "a schematic segment must list its waypoints"
            assert all(w["source"] for w in props["waypoints"])


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_drawn_length_within_ten_percent_of_documented_or_explained(route):
    gdf = gpd.read_file(GEO_DIR / route.file)
    drawn = sum(geodesic_km(g) for g in gdf.geometry)
    documented = route.facts.length_km.value
    scope = gdf.get("documented_length_scope")
    explained = scope is not None and scope.notna().any()
    if documented is None:
        pytest.fail(f"{route.id}: no documented length")
    ratio = drawn / documented
    if not 0.9 <= ratio <= 1.1:
        assert explained, f"{route.id}: drawn {drawn:.0f} km vs documented {documented} km"
        # what the scope explains still holds: the documented length is that of the first
        # segments alone (within 10 %), or the whole line is a generalised or schematic
        # drawing of it (within 25 %)
        lengths = [geodesic_km(g) for g in gdf.geometry]
        prefixes = [sum(lengths[:n]) / documented for n in range(1, len(lengths) + 1)]
        assert any(0.9 <= r <= 1.1 for r in prefixes) or 0.75 <= ratio <= 1.25, (
            f"{route.id}: drawn {drawn:.0f} km vs documented {documented} km "
            f"({scope.dropna().iloc[0]})")


def _sources(obj):
    if isinstance(obj, Source):
        yield obj
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _sources(item)
    elif hasattr(type(obj), "model_fields"):
        for name in type(obj).model_fields:
            yield from _sources(getattr(obj, name))


def _figures_with_sources(route):
    facts = route.facts
    for group in (facts.capacity, facts.milestones, facts.annual_volumes,
                  facts.annual_volume_alternatives, facts.other_volume_data, facts.cost,
                  facts.shareholders):
        for item in group:
            yield item, item.source
    if facts.length_km.value is not None:
        yield facts.length_km, facts.length_km.source
    if facts.diameter_in is not None:
        yield facts.diameter_in, facts.diameter_detail and facts.diameter_detail.source


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_every_figure_has_a_source(route):
    for figure, source in _figures_with_sources(route):
        assert source is not None, f"{route.id}: {figure!r} has no source"
        assert source.url or source.url_not_retained
        assert source.publisher and source.title


def test_context_figures_and_exports_have_sources():
    assert all(c.source.url for c in CATALOG.context_figures)
    assert all(y.sources for y in CATALOG.gas_exports_azerbaijan)
    assert sum(1 for _ in _sources(CATALOG)) > 500


def test_facilities_layer_matches_catalog():
    gdf = gpd.read_file(GEO_DIR / CATALOG.facilities.file)
    assert gdf.crs.to_epsg() == 4326 and set(gdf.geom_type) == {"Point"}
    drawn = set(gdf["facility_id"])
    with_coords = {f.id for f in CATALOG.facilities.items if f.lon is not None}
    assert drawn == with_coords
    for fac in CATALOG.facilities.items:
        if fac.id in drawn:
            point = gdf.loc[gdf["facility_id"] == fac.id, "geometry"].iloc[0]
            assert (point.x, point.y) == (fac.lon, fac.lat)


def test_basemap_countries_cover_the_corridor():
    countries = gpd.read_file(GEO_DIR / CATALOG.basemap["countries"])
    names = set(countries["name"])
    assert {"Azerbaijan", "Georgia", "Turkey", "Greece", "Albania", "Italy"} <= names
    assert countries.crs.to_epsg() == 4326 and countries.is_valid.all()
    # the basemap fills the whole area the map can be panned to
    assert tuple(countries.total_bounds) == pytest.approx(MAP_BOUNDS, abs=0.01)
    routes = gpd.pd.concat([gpd.read_file(GEO_DIR / r.file) for r in CATALOG.routes])
    w, s, e, n = routes.total_bounds
    assert MAP_BOUNDS[0] < w and MAP_BOUNDS[1] < s and e < MAP_BOUNDS[2] and n < MAP_BOUNDS[3]


def test_country_codes_name_the_basemaps_countries():
    """Every country code of the research is named as the map names the country (the
    basemap's Natural Earth name, as the atlas writes it: "Türkiye")."""
    countries = gpd.read_file(GEO_DIR / CATALOG.basemap["countries"])
    on_the_map = {CATALOG.country_names.get(n, n) for n in countries["name"]}
    used = {c for r in CATALOG.routes for c in r.facts.countries}
    assert used <= set(CATALOG.country_codes)
    assert set(CATALOG.country_codes.values()) <= on_the_map
    assert CATALOG.country_codes["TUR"] == "Türkiye"


def test_every_facility_heading_fits_a_phone():
    """A facility's panel heads with its name: short enough for two lines of a phone's
    heading (as Ceyhan Marine Terminal and TAP landfall, Melendugno are, in Chromium at
    390 px: tests/test_browser_phone.py); the name in full follows under it."""
    for facility in CATALOG.facilities.items:
        assert len(facility.heading) <= 34, facility.heading
        assert facility.heading == facility.name or facility.short_name, facility.id


def test_static_basemap_copy_matches_geo():
    """The app's browser fetches static/basemap/countries.topojson: it must be geo/'s file."""
    topo = (GEO_DIR / CATALOG.basemap["countries"]).with_suffix(".topojson")
    static = GEO_DIR.parent / "static" / "basemap" / "countries.topojson"
    assert static.read_bytes() == topo.read_bytes()


def test_basemap_topojson_draws_the_same_countries():
    """The TopoJSON browsers get holds the GeoJSON's countries, to within its quantisation."""
    geojson = gpd.read_file(GEO_DIR / CATALOG.basemap["countries"])
    topo = gpd.read_file((GEO_DIR / CATALOG.basemap["countries"]).with_suffix(".topojson"),
                         layer="countries").set_crs(4326, allow_override=True)
    assert len(topo) == len(geojson)
    assert tuple(topo.total_bounds) == pytest.approx(tuple(geojson.total_bounds), abs=1e-3)
    a, b = geojson.geometry.union_all(), topo.geometry.union_all()
    assert a.symmetric_difference(b).area < 1e-4 * a.area  # degrees², a sliver along coasts
    for mine, theirs in zip(geojson.geometry.values, topo.geometry.values, strict=True):
        assert mine.hausdorff_distance(theirs) < 2e-3  # one 0.001° grid step, and a bit


# --------------------------------------------------------------------------- map data

@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_route_ends_are_named_and_pipelines_flow_one_way(route):
    assert route.start_label and route.end_label and route.start_label != route.end_label
    assert route.flow_direction == ("forward" if route.kind in ("oil", "gas") else "both")


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_every_volume_says_what_it_measures(route):
    volumes = [*route.facts.annual_volumes, *route.facts.annual_volume_alternatives,
               *route.facts.annual_volumes_italy_only]
    for volume in volumes:
        assert volume.measure in ("throughput", "share", "count")
        assert (volume.share is not None) == (volume.measure == "share")
    shares = {v.share for v in route.facts.annual_volumes if v.measure == "share"}
    assert set(route.throughput_shares) <= shares  # every declared part is a real figure
    # one throughput figure a year per unit: a flow never has to choose between two
    seen = [(v.year, v.unit) for v in route.facts.annual_volumes if v.measure == "throughput"]
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_capacities_in_force_are_dated_and_never_overlap(route):
    dated = [c for c in route.facts.capacity if c.in_force is not None]
    for capacity in dated:
        assert capacity.in_force.basis
        assert capacity.what != "planned"  # a plan is never in force
        first = min(int(m.date[:4]) for m in route.facts.milestones)
        assert capacity.in_force.from_year >= first
    for year in range(1990, 2040):
        units = [c.unit for c in dated if c.in_force.covers(year)]
        assert len(units) == len(set(units)), (route.id, year)


def test_facility_labels_are_short_names_of_drawn_facilities():
    for facility in CATALOG.facilities.items:
        if facility.label is not None:
            assert facility.lon is not None and facility.lat is not None, facility.id
            assert (len(facility.label) <= 20 and facility.label in facility.name) or (
                facility.label in (facility.precision or "")), facility.id


def test_country_names_rename_basemap_names():
    names = set(gpd.read_file(GEO_DIR / CATALOG.basemap["countries"])["name"])
    assert set(CATALOG.country_names) <= names


def test_place_names_rename_basemap_places():
    names = {f["properties"]["name"] for f in json.loads(
        (GEO_DIR / CATALOG.basemap["places"]).read_text("utf-8"))["features"]}
    assert set(CATALOG.place_names) <= names


# --------------------------------------------------------------------------- the build


def test_the_build_reproduces_geo_byte_for_byte(tmp_path):
    """geo/ is made by scripts/build_geo.py from geo/sources/, never by hand."""
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_geo", ROOT / "scripts" / "build_geo.py")
    build_geo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_geo)
    build_geo.build(GEO_DIR / "sources", tmp_path)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert built, "the build wrote nothing"
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (GEO_DIR / rel).read_bytes(), rel
    # every built file is one the build writes: nothing in geo/ is left from an older build
    kept = {p.relative_to(GEO_DIR) for p in GEO_DIR.rglob("*.*json")
            if "sources" not in p.parts and p.name not in ("countries.geojson",
                                                            "countries.topojson")}
    assert kept == set(built)



SOURCES = json.loads((GEO_DIR / "sources" / "corridor-facts.json").read_text("utf-8"))


def test_every_milestone_in_the_sources_records_its_effect():
    from typing import get_args

    from corridor_atlas.catalog import Effect

    for route in SOURCES["routes"]:
        for milestone in route["milestones"]:
            assert milestone.get("effect") in get_args(Effect), (route["id"], milestone)


def _unsourced(node, path="facts"):
    """Paths of the figures in the sources (a dict with a ``value``) without a source."""
    if isinstance(node, dict):
        if ("value" in node and isinstance(node["value"], int | float | dict)
                and not (node.get("source") or node.get("sources"))):
            yield path
        for key, value in node.items():
            yield from _unsourced(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _unsourced(value, f"{path}[{i}]")


def test_every_figure_in_the_sources_has_a_source():
    assert list(_unsourced(SOURCES)) == []


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_each_route_file_documents_the_catalog_length(route):
    raw = json.loads((GEO_DIR / route.file).read_text("utf-8"))
    documented = {f["properties"].get("documented_length_km") for f in raw["features"]}
    assert documented == {route.facts.length_km.value}


@pytest.mark.parametrize("route", CATALOG.routes, ids=lambda r: r.id)
def test_catalog_segments_are_the_route_file_features(route):
    raw = json.loads((GEO_DIR / route.file).read_text("utf-8"))
    assert [s.id for s in route.segments] == [f["id"] for f in raw["features"]]
    for segment in route.segments:
        if segment.existing:  # a line there before the route says since when, by whom
            assert segment.existing_since and segment.existing_source is not None


# --------------------------------------------------------------------------- names in tr/az


def test_names_in_turkish_and_azerbaijani_have_sources_and_differ_from_english():
    assert {"Baku", "Nakhchivan", "Georgia", "Türkiye", "Sangachal"} <= set(CATALOG.local_names)
    for text, by_lang in CATALOG.local_names.items():
        assert by_lang, text
        for lang, local in by_lang.items():
            assert local.name != text, (text, lang)
            assert local.source.url and local.source.publisher, (text, lang)
            if lang == "tr":  # the Turkish alphabet has no ə, q or x
                assert not set("əƏqQxX") & set(local.name), (text, local.name)


def test_local_names_are_names_the_map_writes():
    places = {f["properties"]["name"] for f in json.loads(
        (GEO_DIR / CATALOG.basemap["places"]).read_text("utf-8"))["features"]}
    countries = set(gpd.read_file(GEO_DIR / CATALOG.basemap["countries"])["name"])
    written = ({CATALOG.place_names.get(p, p) for p in places}
               | {CATALOG.country_names.get(c, c) for c in countries}
               | {r.start_label for r in CATALOG.routes} | {r.end_label for r in CATALOG.routes}
               | {f.label for f in CATALOG.facilities.items if f.label})
    assert set(CATALOG.local_names) <= written


def test_the_map_writes_names_in_the_readers_language_or_english():
    assert CATALOG.local_name("Baku", "tr") == "Bakü"
    assert CATALOG.local_name("Baku", "az") == "Bakı"
    assert CATALOG.local_name("Nakhchivan", "tr") == "Nahçıvan"
    assert CATALOG.local_name("Türkiye", "az") == "Türkiyə"
    assert CATALOG.local_name("Georgia", "tr") == "Gürcistan"
    assert CATALOG.local_name("Melendugno", "tr") == "Melendugno"  # no source: English
    assert CATALOG.local_name("Baku", "en") == "Baku"


def test_facility_names_in_turkish_and_azerbaijani_have_sources():
    named = {f.id: f for f in CATALOG.facilities.items if f.name_tr or f.name_az}
    assert {"sangachal", "ceyhan_terminal", "nakhchivan_city"} <= set(named)
    assert named["sangachal"].name_az.name == "Səngəçal terminalı"
    for fac in named.values():
        for local in (fac.name_tr, fac.name_az):
            assert local is None or (local.name and local.source.url), fac.id


def _build_module():
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_geo", ROOT / "scripts" / "build_geo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("section", "key"), [("places", "Atlantis"),
                                              ("facilities", "no_such_facility")])
def test_the_build_refuses_a_name_for_nothing_the_map_shows(tmp_path, section, key):
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(GEO_DIR / "sources", sources)
    names = json.loads((sources / "names.json").read_text("utf-8"))
    names[section][key] = {"tr": {"name": "X", "source": names["places"]["Kars"]["az"]["source"]}}
    (sources / "names.json").write_text(json.dumps(names, ensure_ascii=False), "utf-8")
    with pytest.raises(SystemExit, match=key):
        _build_module().build(sources, tmp_path / "out")


def test_route_names_in_turkish_and_azerbaijani_carry_no_language_marks():
    """The research marks its aliases "(TR)", "(AZ)" or "(BTQ, AZ)": readers get the name."""
    for route in CATALOG.routes:
        for name in (route.name_tr, route.name_az):
            assert not name.endswith(("TR)", "AZ)")), (route.id, name)
    assert CATALOG.route("btk").name_az == "Bakı–Tbilisi–Qars dəmir yolu (BTQ)"
