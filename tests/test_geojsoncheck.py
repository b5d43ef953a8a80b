"""The one GeoJSON checker: located flaws, and the same words for layers and uploads."""

from __future__ import annotations

import json
import re

import pytest

from corridor_atlas.errors import LayerError, UploadError
from corridor_atlas.geojsoncheck import NONFINITE, Flaw, JSONTextError, Rules, flaws, parse
from corridor_atlas.layers import LINE_TYPES, load_atlas, read_route
from corridor_atlas.uploads import read_upload

CATALOG = Rules(types=LINE_TYPES, collection_only=True, null_geometry=False, lonlat=True,
                drawable=True, unique_ids=True)


def _line(*coords: object, fid: str | None = None) -> dict:
    feature = {"type": "Feature", "properties": {},
               "geometry": {"type": "LineString", "coordinates": list(coords)}}
    if fid is not None:
        feature["id"] = fid
    return feature


def _fc(*features: object) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_flaws_name_the_feature_and_the_field():
    value = _fc(_line([40, 41], [41, 41], fid="a"), _line([40, 41], [41, "x"]),
                _line([40, 41], [41, 41], fid="a"))
    assert list(flaws(value, CATALOG)) == [
        Flaw("coordinates must be numbers, got 'x' (a string)", 1, None,
             "geometry.coordinates"),
        Flaw("duplicate feature id 'a'; feature ids must be unique", 2, "a", "id"),
    ]
    assert [f.feature for f in flaws(value, CATALOG)] == ["#1", "a"]


@pytest.mark.parametrize(
    ("value", "message", "field"),
    [
        ([1, 2], "not GeoJSON: expected a JSON object, got a JSON array", None),
        ({"type": "Topology"}, "not GeoJSON: 'type' is 'Topology'; expected 'FeatureCollection'",
         "type"),
        ({"type": "FeatureCollection", "features": {}},
         "not GeoJSON: 'features' is an object, not an array", "features"),
        (_fc(), "the FeatureCollection has no features", "features"),
    ],
)
def test_a_flaw_of_the_whole_file_ends_the_walk(value, message, field):
    assert list(flaws(value)) == [Flaw(message, field=field)]


def test_rules_decide_what_an_upload_may_be_and_a_layer_may_not():
    lone = {"type": "Feature", "properties": {}, "geometry": None}
    assert list(flaws(lone)) == []
    assert [f.message for f in flaws(lone, CATALOG)] == [
        "expected a GeoJSON FeatureCollection, got 'Feature'"]
    far = _fc(_line([500000, 4600000], [500100, 4600100]))  # metres: fine without lonlat
    assert list(flaws(far)) == []
    assert "outside lon -180..180 / lat -90..90" in next(flaws(far, CATALOG)).message
    gap = _fc({"type": "Feature", "geometry": {"type": "MultiLineString",
                                               "coordinates": [[[40, 41], [41, 41]], []]}})
    assert list(flaws(gap)) == []
    assert next(flaws(gap, CATALOG)).message == "a line needs at least two points"


@pytest.mark.parametrize("number", [float("nan"), float("inf"), 10**400])
def test_numbers_no_float_holds_are_not_finite(number):
    (flaw,) = flaws(_fc(_line([40, 41], [number, 41])))
    assert flaw.message == NONFINITE and flaw.index == 0


def test_parse_says_why_bytes_are_not_json():
    assert parse(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    for data, words in ((b"{\xff}", "text is not UTF-8 (byte 0xff at byte 1)"),
                        (b'{"a": }', "not valid JSON: Expecting value at line 1, column 7"),
                        (b"[" * 100_000, "not valid GeoJSON: nested too deeply")):
        with pytest.raises(JSONTextError, match="^" + re.escape(words)):
            parse(data)


def test_an_upload_and_a_route_file_get_the_same_words(geo_copy):
    bad = _fc(_line([26.0, 40.9], [26.5, 40.8]), _line([26.0, 40.9], ["east", 40.7]))
    for feature in bad["features"]:
        feature["properties"] = {"route_id": "tap", "geometry_quality": "traced"}
    text = json.dumps(bad)
    words = "coordinates must be numbers, got 'east' (a string)"
    with pytest.raises(UploadError) as upload:
        read_upload(text.encode(), "mine.geojson")
    assert str(upload.value) == f"mine.geojson: feature #1: {words}"
    (geo_copy / "routes" / "tap.geojson").write_text(text, "utf-8")
    from corridor_atlas.catalog import load_catalog

    with pytest.raises(LayerError) as layer:
        read_route(load_catalog(geo_copy)[0].route("tap"), geo_copy)
    (problem,) = layer.value.problems
    assert (problem.message, problem.feature, problem.field) == (
        words, "#1", "geometry.coordinates")


def test_a_route_with_an_empty_part_is_reported_not_raised(geo_copy):
    path = geo_copy / "routes" / "tap.geojson"
    doc = json.loads(path.read_text("utf-8"))
    geometry = doc["features"][0]["geometry"]
    parts = [geometry["coordinates"]] if geometry["type"] == "LineString" \
        else geometry["coordinates"]
    doc["features"][0]["geometry"] = {"type": "MultiLineString", "coordinates": [*parts, []]}
    path.write_text(json.dumps(doc), "utf-8")
    atlas = load_atlas(geo_copy)
    assert "tap" not in atlas.routes
    assert [p.message for p in atlas.problems] == ["a line needs at least two points"]
