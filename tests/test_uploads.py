"""Users' own layers: the bad-input corpus, the good files, limits and escaping.

The corpus lives in tests/data/ (rebuild it with ``python tests/data/make_corpus.py``);
files too big to commit are made here in tmp_path.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from corridor_atlas import settings
from corridor_atlas.catalog import load_catalog
from corridor_atlas.errors import AtlasError, LayerError, UploadError
from corridor_atlas.layers import read_route
from corridor_atlas.uploads import Limits, UserLayer, read_upload, read_upload_file

from .conftest import XSS

# The places the good files hold, (lon, lat), and how the corpus packs a Shapefile.
from .data.make_corpus import (
    AKHALKALAKI,
    BAKU,
    CEYHAN,
    ERZURUM,
    GARDABANI,
    KARS,
    TBILISI,
    zipped_shapefile,
)

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "good"
EXPECTED: dict[str, str] = json.loads((BAD / "EXPECTED.json").read_text("utf-8"))
UPLOAD_CASES = sorted(name for name in EXPECTED if not name.startswith("routes/"))
ROUTE_CASES = sorted(name for name in EXPECTED if name.startswith("routes/"))



def _bounds(*points: tuple[float, float]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _fc(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _point(lon: float, lat: float, **props: object) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _refusal(data: bytes, name: str, **limits: int | float) -> str:
    with pytest.raises(UploadError) as info:
        read_upload(data, name, limits=Limits(**limits) if limits else None)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message and len(message) < 400
    return message


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_listed_whole():
    on_disk = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file()}
    assert on_disk - {"EXPECTED.json"} == set(EXPECTED)
    assert len(UPLOAD_CASES) >= 25
    assert sum(p.stat().st_size for p in BAD.rglob("*")) < 200_000  # small: the bomb is packed


@pytest.mark.parametrize("name", UPLOAD_CASES)
def test_bad_file_is_refused_with_one_line_naming_it(name):
    message = _refusal((BAD / name).read_bytes(), name)
    assert EXPECTED[name] in message
    assert "corridor-atlas-upload-" not in message  # no server paths


@pytest.mark.parametrize("name", ROUTE_CASES)
def test_bad_route_file_is_refused_by_read_route(geo_copy, name):
    shutil.copyfile(BAD / name, geo_copy / "routes" / "tap.geojson")
    route = load_catalog(geo_copy)[0].route("tap")
    with pytest.raises(LayerError) as info:
        read_route(route, geo_copy)
    assert EXPECTED[name] in str(info.value)


def test_zip_bomb_is_refused_from_its_headers_without_unpacking(monkeypatch):
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    message = _refusal((BAD / "bomb.zip").read_bytes(), "bomb.zip")
    assert "zip bomb" in message and "1,029:1" in message
    assert opened == []


def test_kml_entities_never_reach_gdal(monkeypatch):
    def no_gdal(*_a, **_k):
        raise AssertionError("GDAL was asked to read a KML with entities")

    monkeypatch.setattr(pyogrio, "read_dataframe", no_gdal)
    monkeypatch.setattr(pyogrio, "list_layers", no_gdal)
    for name in ("xxe.kml", "billion_laughs.kml"):
        assert "<!DOCTYPE or <!ENTITY" in _refusal((BAD / name).read_bytes(), name)


# --- good files ----------------------------------------------------------------------------

GOOD_CASES = {
    "points_4326.geojson": (4, ("LineString", "Point"), "EPSG:4326",
                            _bounds(BAKU, TBILISI, ERZURUM, CEYHAN)),
    "line_3857.geojson": (1, ("LineString",), "EPSG:3857", _bounds(BAKU, GARDABANI, KARS)),
    "stations.kml": (4, ("LineString", "Point"), "EPSG:4326",
                     _bounds(TBILISI, AKHALKALAKI, KARS, ERZURUM)),
    "utm38n.zip": (3, ("Point",), "EPSG:32638", _bounds(TBILISI, AKHALKALAKI, GARDABANI)),
    "facilities.gpkg": (2, ("Point", "Polygon"), "EPSG:4326", (41.0, 39.7, BAKU[0], BAKU[1])),
    "collection.geojson": (3, ("LineString", "Point"), "EPSG:4326", _bounds(KARS, ERZURUM)),
    "noprj_lonlat.zip": (2, ("Point",), "none", _bounds(BAKU, CEYHAN)),
    "xss.geojson": (1, ("Point",), "EPSG:4326", _bounds(TBILISI)),
}


def test_every_good_file_is_tested():
    assert {p.name for p in GOOD.iterdir()} == set(GOOD_CASES)


@pytest.mark.parametrize("name", sorted(GOOD_CASES))
def test_good_file_loads_in_lonlat(name):
    n, types, source, bounds = GOOD_CASES[name]
    layer = read_upload((GOOD / name).read_bytes(), name)
    assert isinstance(layer, UserLayer)
    assert layer.name == name.rsplit(".", 1)[0]
    assert layer.gdf.crs.to_epsg() == 4326
    assert (layer.n_features, layer.geometry_types, layer.source_crs) == (n, types, source)
    assert len(layer.gdf) == n
    assert layer.bounds == pytest.approx(bounds, abs=1e-6)
    assert tuple(layer.gdf.total_bounds) == pytest.approx(bounds, abs=1e-6)
    assert layer.n_vertices == int(shapely.get_num_coordinates(layer.gdf.geometry.values).sum())
    assert not layer.gdf.geometry.has_z.any()
    json.loads(layer.gdf.to_json())  # ready for the map


def test_describe_is_one_line():
    layer = read_upload((GOOD / "line_3857.geojson").read_bytes(), "line_3857.geojson")
    assert layer.describe() == ("1 feature, geometry types LineString, CRS EPSG:4326 "
                                "(from EPSG:3857), bounds 43.0975,40.4093,49.8671,41.4622")
    plain = read_upload((GOOD / "noprj_lonlat.zip").read_bytes(), "t.zip").describe()
    assert "2 features" in plain and "(none declared" in plain


def test_kml_folders_become_a_column_without_libkml_boilerplate():
    gdf = read_upload((GOOD / "stations.kml").read_bytes(), "stations.kml").gdf
    assert list(gdf["folder"]) == ["Georgia", "Georgia", "Türkiye", "Türkiye"]
    assert "tessellate" not in gdf.columns and "visibility" not in gdf.columns
    assert gdf["description"].iloc[0] == "Capital & junction"  # as written: shown escaped


def test_kml_declaring_its_encoding_is_read_in_it():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><kml xmlns="http://www.opengis.net/'
            'kml/2.2"><Document><Placemark><name>Gürcüstan café</name><Point><coordinates>'
            "44.8,41.7</coordinates></Point></Placemark></Document></kml>").encode("latin-1")
    gdf = read_upload(data, "latin1.kml").gdf
    assert list(gdf["Name"]) == ["Gürcüstan café"]


def test_geometry_collections_are_flattened_into_rows():
    gdf = read_upload((GOOD / "collection.geojson").read_bytes(), "c.geojson").gdf
    assert list(gdf.geom_type) == ["Point", "LineString", "Point"]
    assert set(gdf["name"]) == {"Kars and Erzurum"}


# --- plain data ----------------------------------------------------------------------------


def test_properties_are_kept_as_written_and_the_name_is_plain_text():
    layer = read_upload((GOOD / "xss.geojson").read_bytes(), "<i onclick=x>.geojson")
    assert layer.name == "<i onclick=x>"  # escaped where it is shown (tests/test_maps.py)
    assert set(layer.gdf.columns) == {XSS, "id", "name", "note", "url", "amp", "geometry"}
    row = layer.gdf.iloc[0]
    assert row["name"] == "<script>alert('x')</script>" and row["amp"] == "&lt;b&gt;"
    assert row[XSS] == XSS


def test_file_name_is_only_a_label():
    name = "../../etc/" + "a" * 200 + ".geojson"
    layer = read_upload((GOOD / "points_4326.geojson").read_bytes(), name)
    assert layer.name == "a" * 59 + "…"
    message = _refusal_any(b"", "evil\n\x1b[31mname" + "z" * 200 + ".geojson")
    assert message.startswith("…") and "\n" not in message and "\x1b" not in message
    assert message.split(": ", 1)[0].endswith(".geojson") and len(message.split(": ")[0]) <= 80


def _refusal_any(data: bytes, name: str) -> str:
    with pytest.raises(UploadError) as info:
        read_upload(data, name)
    return str(info.value)


# --- limits --------------------------------------------------------------------------------


def test_file_size_limit():
    data = (GOOD / "points_4326.geojson").read_bytes()
    message = _refusal(data, "p.geojson", max_bytes=100)
    assert f"the file is {len(data)} bytes; the limit is 100 bytes" in message


def test_size_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "0.0005")
    assert Limits().max_bytes == 524
    message = _refusal((GOOD / "points_4326.geojson").read_bytes(), "p.geojson")
    assert "the limit is 524 bytes" in message
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "lots")
    with pytest.raises(AtlasError, match="CORRIDOR_ATLAS_MAX_UPLOAD_MB must be a positive"):
        Limits()
    monkeypatch.delenv(settings.MAX_UPLOAD_MB_ENV)
    assert Limits().max_bytes == 25 * 1024 * 1024


def test_limits_must_be_positive():
    with pytest.raises(AtlasError, match="max_features"):
        Limits(max_features=0)


def test_too_many_features_names_the_count_and_the_limit():
    data = _fc(*[_point(44 + i / 100, 41.0) for i in range(25)])
    assert "has 25 features; the limit is 10" in _refusal(data, "f.geojson", max_features=10)
    assert read_upload(data, "f.geojson", limits=Limits(max_features=25)).n_features == 25


def test_too_many_vertices_names_the_count_and_the_limit():
    data = (GOOD / "points_4326.geojson").read_bytes()
    assert "has 7 vertices; the limit is 3" in _refusal(data, "v.geojson", max_vertices=3)


def test_a_line_of_a_million_vertices_is_refused(tmp_path):
    path = tmp_path / "million.geojson"
    body = ",".join(f"[{40 + i * 1e-5:.5f},40.5]" for i in range(1_000_000))
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"properties": {}, "geometry": {"type": "LineString", "coordinates": ['
                    + body + "]}}]}", encoding="utf-8")
    with pytest.raises(UploadError, match=r"has 1,000,000 vertices; the limit is 500,000"):
        read_upload_file(path)


def test_zip_member_count_and_unpacked_size_limits():
    data = (GOOD / "utm38n.zip").read_bytes()
    assert "holds 5 members; the limit is 3" in _refusal(data, "u.zip", max_zip_members=3)
    assert "the limit is 200 bytes" in _refusal(data, "u.zip", max_unzipped_bytes=200)
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert f"the zip unpacks to {total / 1024:,.1f} kB" in _refusal(
        data, "u.zip", max_unzipped_bytes=total - 1)


def test_a_shp_larger_than_the_limits_allow_is_refused_before_gdal(monkeypatch):
    long_line = shapely.LineString([(40 + i * 1e-4, 41.0) for i in range(10_000)])
    data = zipped_shapefile("layer", gpd.GeoDataFrame({"n": [1]}, geometry=[long_line],
                                                       crs=4326))
    assert read_upload(data, "line.zip").n_vertices == 10_000

    def no_gdal(*_a, **_k):
        raise AssertionError("GDAL read a .shp the limits rule out")

    monkeypatch.setattr(pyogrio, "read_dataframe", no_gdal)
    message = _refusal(data, "line.zip", max_vertices=1000, max_features=10)
    assert "the .shp is 156.4 kB, more than 10 features of 1,000 vertices" in message


def test_many_small_members_that_expand_too_much_in_all_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(40):
            zf.writestr(f"pad{i}.txt", bytes(100_000))  # each under the per-member floor
    message = _refusal(buf.getvalue(), "pads.zip")
    assert "the zip expands" in message and "zip bomb" in message


def test_a_zip_lying_about_a_member_size_is_refused():
    data = bytearray((GOOD / "utm38n.zip").read_bytes())
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
                if i.filename.endswith(".dbf"))
    struct.pack_into("<I", data, info.header_offset + 22, 10)  # local header: size 10
    at = data.find(b"PK\x01\x02")
    while at != -1:  # and the central directory
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n].endswith(b".dbf"):
            struct.pack_into("<I", data, at + 24, 10)
        at = data.find(b"PK\x01\x02", at + 4)
    assert "not a readable zip archive" in _refusal(bytes(data), "lie.zip")


def test_a_zip_with_extra_files_reads_its_one_shapefile():
    src = zipfile.ZipFile(GOOD / "utm38n.zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("docs/README.txt", b"hello")
        zf.writestr("__MACOSX/data/._georgia.shp", b"junk")
        for info in src.infolist():
            zf.writestr("data/" + info.filename.upper().replace(".SHP", ".shp"), src.read(info))
    layer = read_upload(buf.getvalue(), "nested.zip")
    assert layer.n_features == 3 and layer.source_crs == "EPSG:32638"


def test_a_geopackage_with_two_map_layers_is_refused(tmp_path):
    path = tmp_path / "two.gpkg"
    pts = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(TBILISI)], crs=4326)
    pts.to_file(path, layer="first", driver="GPKG")
    pts.to_file(path, layer="second", driver="GPKG", mode="a")
    message = _refusal(path.read_bytes(), "two.gpkg")
    assert "has 2 map layers ('first', 'second')" in message


# --- CRS and the swap check ----------------------------------------------------------------


def test_data_in_georgia_and_turkiye_is_not_taken_for_swapped():
    data = _fc(*[_point(lon, lat) for lon, lat in (TBILISI, KARS, ERZURUM, AKHALKALAKI)])
    layer = read_upload(data, "caucasus.geojson")
    assert layer.bounds == pytest.approx(_bounds(TBILISI, KARS, ERZURUM, AKHALKALAKI))


def test_projected_file_without_prj_gives_an_example_coordinate():
    message = _refusal((BAD / "noprj_projected.zip").read_bytes(), "noprj_projected.zip")
    assert "(e.g. x=482780.5, y=4618165.6); save the file with its CRS (.prj) or in EPSG:4326" \
        in message


# --- temporary files -----------------------------------------------------------------------


def test_reading_happens_in_a_private_folder_that_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    seen = []
    real = pyogrio.read_dataframe

    def spy(path, *args, **kwargs):
        folder = Path(str(path).removeprefix("GeoJSON:")).parent
        seen.append((folder.name, stat.S_IMODE(folder.stat().st_mode),
                     sorted(p.name for p in folder.iterdir())))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pyogrio, "read_dataframe", spy)
    read_upload((GOOD / "points_4326.geojson").read_bytes(), "../x/../../p.geojson")
    read_upload((GOOD / "utm38n.zip").read_bytes(), "u.zip")
    assert seen[0][0].startswith("corridor-atlas-upload-") and seen[0][1] == 0o700
    assert seen[0][2] == ["upload.geojson"]
    assert seen[1][2] == ["layer.cpg", "layer.dbf", "layer.prj", "layer.shp", "layer.shx"]
    assert list(tmp_path.iterdir()) == []
    _refusal((BAD / "nan.geojson").read_bytes(), "nan.geojson")
    assert list(tmp_path.iterdir()) == []


def test_read_upload_file_names_the_path(tmp_path):
    with pytest.raises(UploadError, match=r"^.*missing\.geojson: file not found$"):
        read_upload_file(tmp_path / "missing.geojson")
    with pytest.raises(UploadError, match="is a folder"):
        read_upload_file(tmp_path)
    big = tmp_path / "big.geojson"
    with open(big, "wb") as fh:
        fh.truncate(30 * 1024 * 1024)  # sparse: nothing is read
    with pytest.raises(UploadError, match=r"the file is 30 MB; the limit is 25 MB"):
        read_upload_file(big)


# --- nothing but UploadError ---------------------------------------------------------------


def _mutations(data: bytes, rng: random.Random, n: int) -> list[bytes]:
    out = [data[:k] for k in sorted({1, 2, 7, len(data) // 3, len(data) // 2, len(data) - 1})
           if 0 < k < len(data)]
    while len(out) < n:
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
    return out


@pytest.mark.parametrize("name", sorted(GOOD_CASES))
def test_damaged_files_raise_only_upload_error(name):
    rng = random.Random(name)
    data = (GOOD / name).read_bytes()
    messages, layers = [], []
    for damaged in _mutations(data, rng, 24):
        try:
            layers.append(read_upload(damaged, name))
        except UploadError as err:  # any other exception fails the test
            messages.append(str(err))
    assert all(m.startswith(f"{name}: ") and "\n" not in m for m in messages)
    assert all(layer.gdf.crs.to_epsg() == 4326 and layer.n_features > 0 for layer in layers)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"{}", "x", "not a recognised format (no extension)"),
        (b"{}", ".geojson", "not a recognised format (no extension)"),
        (b'{"type": "FeatureCollection", "features": []}', "x.txt", "looks like GeoJSON"),
        (b"PK\x05\x06" + bytes(18), "x.zip", "no .shp inside the zip (it holds nothing)"),
        (b"{" * 100_000, "deep.geojson", "not valid JSON: Expecting property name"),
        (b"[" * 100_000, "deep.json", "not valid GeoJSON: nested too deeply"),
        (b'{"type": "Feature", "properties": {}, "geometry": {"type": "Point", '
         b'"coordinates": [1]}}', "short.geojson", "a position must be an array of two"),
        (b'{"type": "Topology"}', "topo.json", "not GeoJSON: 'type' is 'Topology'"),
        (bytearray(b"\x00" * 10), "n.geojson", "is not GeoJSON"),
        (memoryview(b"<kml></kml>"), "e.kml", "cannot be read as KML"),
    ],
)
def test_odd_inputs(data, name, expected):
    assert expected in _refusal_any(data, name)


def test_null_geometries_are_dropped_when_others_have_one():
    data = _fc(_point(44.8, 41.7, name="a"),
               {"type": "Feature", "properties": {"name": "b"}, "geometry": None})
    layer = read_upload(data, "some.geojson")
    assert layer.n_features == 1 and list(layer.gdf["name"]) == ["a"]


def test_no_temporary_folder_leaks_on_damaged_zip(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    for name in ("truncated.zip", "missing_dbf.zip", "symlink.zip"):
        _refusal_any((BAD / name).read_bytes(), name)
    assert os.listdir(tmp_path) == []


# --- a session's uploads ---------------------------------------------------------------------


def test_shelf_reads_each_file_once_and_draws_each_content_once(monkeypatch):
    from corridor_atlas import uploads
    from corridor_atlas.uploads import Shelf, Upload

    reads: list[str] = []
    real = uploads.read_upload
    monkeypatch.setattr(uploads, "read_upload",
                        lambda data, name, **kw: reads.append(name) or real(data, name, **kw))
    data = (GOOD / "points_4326.geojson").read_bytes()
    shelf = Shelf()
    first = shelf.update([Upload("1", "a.geojson", data), Upload("2", "b.geojson", data)])
    assert [la.name for la in first.layers] == ["a"] and first.added == first.layers
    assert [n.level for n in first.notes] == ["info", "warning"]
    again = shelf.update([Upload("1", "a.geojson", data), Upload("2", "b.geojson", data)])
    assert again.layers == first.layers and again.added == ()
    assert reads == ["a.geojson"]  # the copy is not read while the first is there
    # the first goes: its copy is drawn in its place, the same data, so no new fit
    moved = shelf.update([Upload("2", "b.geojson", data)])
    assert [la.name for la in moved.layers] == ["b"] and moved.added == ()
    assert shelf.update([]).layers == ()
    back = shelf.update([Upload("3", "a.geojson", data)])  # uploaded anew: fitted anew
    assert [la.name for la in back.added] == ["a"]


def test_shelf_copy_of_a_refused_file_is_refused_too():
    from corridor_atlas.uploads import Shelf, Upload

    bad = b'{"type": "FeatureCollection", "features": [1]}'
    shelved = Shelf().update([Upload("1", "x.geojson", bad), Upload("2", "y.geojson", bad)])
    assert shelved.layers == ()
    assert [(n.file, n.level) for n in shelved.notes] == [("x.geojson", "error"),
                                                           ("y.geojson", "error")]
    assert shelved.notes[0].text.startswith("x.geojson: feature #0")
    assert shelved.notes[1].text == ("y.geojson: already added as x.geojson (the same data), "
                                     "which cannot be used (see above)")
