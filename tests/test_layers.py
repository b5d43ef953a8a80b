from __future__ import annotations

import json

import pytest

from corridor_atlas.errors import DataError, LayerError
from corridor_atlas.layers import load_atlas, read_route

from .conftest import CONNECTION_IDS, CONTEXT_IDS, ROUTE_IDS


def _route(geo_dir, rid):
    from corridor_atlas.catalog import load_catalog

    return load_catalog(geo_dir)[0].route(rid)


def test_read_route_gives_lines_with_lengths(geo_dir):
    gdf = read_route(_route(geo_dir, "btk"), geo_dir)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.geometry_quality) == ["traced", "traced", "traced", "schematic"]
    assert gdf["length_km"].sum() == pytest.approx(809.9, abs=0.5)


def test_route_features_are_the_catalog_segments(geo_dir):
    route = _route(geo_dir, "kars_nakhchivan")
    gdf = read_route(route, geo_dir)
    assert list(gdf.feature_id) == [s.id for s in route.segments]
    assert [s.existing for s in route.segments] == [False, False, False, True]


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda p: p.unlink(), "routes/tap.geojson: file not found"),
        (lambda p: p.write_text(p.read_text("utf-8")[:300], "utf-8"), "not valid JSON"),
        (lambda p: p.write_bytes(b'{"type": "FeatureCollection", "features": [\xff]}'),
         "not UTF-8"),
        (lambda p: p.write_text('{"type": "FeatureCollection", "features": []}', "utf-8"),
         "has no features"),
        (lambda p: p.write_text('{"type": "Feature"}', "utf-8"),
         "expected a GeoJSON FeatureCollection, got 'Feature'"),
        (lambda p: p.write_text("[" * 100_000, "utf-8"), "nested too deeply"),
        (lambda p: p.write_text("null", "utf-8"), "expected a JSON object, got a JSON null"),
    ],
)
def test_broken_file_is_reported_and_others_still_load(geo_copy, breakage, expected):
    breakage(geo_copy / "routes" / "tap.geojson")
    atlas = load_atlas(geo_copy)
    assert "tap" not in atlas.routes
    assert set(atlas.routes) == {*ROUTE_IDS, *CONTEXT_IDS, *CONNECTION_IDS} - {"tap"}
    assert len(atlas.problems) == 1
    assert expected in str(atlas.problems[0])
    with pytest.raises(DataError, match="1 problem in the data"):
        load_atlas(geo_copy, strict=True)


def _edit_first_feature(path, change):
    obj = json.loads(path.read_text("utf-8"))
    change(obj["features"][0])
    path.write_text(json.dumps(obj), "utf-8")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda f: f.update(geometry={"type": "Polygon", "coordinates": [
            [[40, 40], [41, 40], [41, 41], [40, 40]]]}),
         "geometry", "geometry is 'Polygon'; expected LineString or MultiLineString"),
        (lambda f: f["geometry"]["coordinates"][3].__setitem__(1, 123.0),
         "geometry.coordinates", "outside lon -180..180 / lat -90..90"),
        (lambda f: f["geometry"]["coordinates"].__setitem__(0, [float("nan"), 40.0]),
         "geometry.coordinates", "NaN or infinite coordinates"),
        (lambda f: f["properties"].update(route_id="btk"),
         "properties.route_id", "route_id is 'btk', expected 'btc'"),
        (lambda f: f["properties"].update(geometry_quality="guessed"),
         "properties.geometry_quality", "geometry_quality is 'guessed'"),
        (lambda f: f.update(geometry=None), "geometry", "geometry is null"),
    ],
)
def test_bad_feature_names_file_feature_and_field(geo_copy, change, field, message):
    _edit_first_feature(geo_copy / "routes" / "btc.geojson", change)
    atlas = load_atlas(geo_copy)
    assert "btc" not in atlas.routes and "tap" in atlas.routes
    (problem,) = atlas.problems
    assert problem.file == "geo/routes/btc.geojson"
    assert problem.feature == "btc-1"
    assert problem.field == field
    assert message in problem.message


def test_foreign_crs_is_refused(geo_copy):
    path = geo_copy / "routes" / "scp.geojson"
    obj = json.loads(path.read_text("utf-8"))
    obj["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    path.write_text(json.dumps(obj), "utf-8")
    (problem,) = load_atlas(geo_copy).problems
    assert "EPSG::3857" in problem.message and "reproject" in problem.message


def test_every_problem_of_one_file_is_listed(geo_copy):
    path = geo_copy / "routes" / "btk.geojson"
    obj = json.loads(path.read_text("utf-8"))
    obj["features"][0]["properties"]["route_id"] = "x"
    obj["features"][2]["geometry"] = {"type": "Point", "coordinates": [43, 40]}
    path.write_text(json.dumps(obj), "utf-8")
    with pytest.raises(LayerError) as info:
        read_route(_route(geo_copy, "btk"), geo_copy)
    assert len(info.value.problems) == 2
    assert {p.feature for p in info.value.problems} == {"btk-1", "btk-3"}


def test_facility_points_must_be_points(geo_copy):
    path = geo_copy / "facilities.geojson"
    obj = json.loads(path.read_text("utf-8"))
    obj["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[1, 1], [2, 2]]}
    path.write_text(json.dumps(obj), "utf-8")
    atlas = load_atlas(geo_copy)
    assert atlas.facilities is None
    assert set(atlas.routes) == {*ROUTE_IDS, *CONTEXT_IDS, *CONNECTION_IDS}
    assert "expected Point" in str(atlas.problems[0])


def test_a_broken_places_file_is_reported_and_the_map_still_names_its_routes(geo_copy):
    from corridor_atlas.scene import build_scene
    from corridor_atlas.view import MapView

    path = geo_copy / "basemap" / "places.geojson"
    doc = json.loads(path.read_text("utf-8"))
    doc["features"][3]["properties"]["scalerank"] = "three"
    path.write_text(json.dumps(doc), encoding="utf-8")
    atlas = load_atlas(geo_copy)
    assert [str(p) for p in atlas.problems] == [
        "geo/basemap/places.geojson, feature '#3', field 'properties': a place needs a name "
        "and a whole-number scalerank"]
    scene = build_scene(atlas, MapView(layers=("btc",)))
    assert [label.text for label in scene.route_labels] == ["BTC"]
    assert {p.kind for p in scene.place_labels} == {"end", "country"}
