"""Rebuild the upload test corpus: tests/data/bad/ (with EXPECTED.json) and tests/data/good/.

    .venv/bin/python tests/data/make_corpus.py

Every file is small. The zip bomb is 20 MB of zeros packed into about 20 kB; nothing
here unpacks it. Files that would be large (a line of a million vertices, more
features than a limit) are made by the tests in a temporary folder instead.
GeoPackages and Shapefiles carry the day they were written, so those few bytes
differ from run to run; everything else is byte-identical.
"""

from __future__ import annotations

import io
import json
import os
import random
import stat
import struct
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"
STAMP = (2024, 1, 1, 0, 0, 0)

# Places on the corridor, (lon, lat).
BAKU = (49.8671, 40.4093)
TBILISI = (44.7930, 41.7151)
AKHALKALAKI = (43.4860, 41.4055)
KARS = (43.0975, 40.6013)
ERZURUM = (41.2769, 39.9043)
CEYHAN = (35.8153, 37.0247)
GARDABANI = (45.0917, 41.4622)

XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert('x')</script>"


def feature(geometry: object, properties: dict | None = None, **extra: object) -> dict:
    return {"type": "Feature", **extra, "properties": properties or {}, "geometry": geometry}


def collection(*features: dict, **extra: object) -> dict:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def point(xy: tuple[float, float]) -> dict:
    return {"type": "Point", "coordinates": list(xy)}


def line(*xys: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(xy) for xy in xys]}


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def named_crs(code: int) -> dict:
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{code}"}}


def zip_bytes(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=STAMP)
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def shapefile_parts(gdf: gpd.GeoDataFrame, *, prj: bool = True) -> dict[str, bytes]:
    """The files of a Shapefile written by GDAL, by extension."""
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "'crs' was not provided": on purpose here
        gdf.to_file(Path(tmp) / "layer.shp", engine="pyogrio")
        parts = {p.suffix: p.read_bytes() for p in sorted(Path(tmp).iterdir())}
    if not prj:
        parts.pop(".prj", None)
    return parts


def zipped_shapefile(stem: str, gdf: gpd.GeoDataFrame, *, prj: bool = True,
                     drop: tuple[str, ...] = ()) -> bytes:
    parts = shapefile_parts(gdf, prj=prj)
    return zip_bytes([(f"{stem}{ext}", data) for ext, data in parts.items() if ext not in drop])


def gpkg_bytes(gdf: gpd.GeoDataFrame, layer: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def kml(body: str, *, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>\n'
            ).encode()


def placemark(name: str, lon: float, lat: float, description: str = "") -> str:
    desc = f"<description>{description}</description>" if description else ""
    return (f"<Placemark><name>{name}</name>{desc}<Point><coordinates>{lon},{lat}"
            "</coordinates></Point></Placemark>")


def utm38n(*lonlats: tuple[float, float]) -> list[tuple[float, float]]:
    to_utm = Transformer.from_crs(4326, 32638, always_xy=True)
    return [to_utm.transform(*xy) for xy in lonlats]


def bad_files() -> dict[str, tuple[bytes, str]]:
    """File name → (bytes, a substring its error message must contain)."""
    rng = random.Random(20240101)
    btc = line(BAKU, TBILISI, ERZURUM, CEYHAN)
    files: dict[str, tuple[bytes, str]] = {}

    def add(name: str, data: bytes, expected: str) -> None:
        files[name] = (data, expected)

    # GeoJSON
    add("empty.geojson", b"", "the file is empty")
    whole = dumps(collection(feature(btc, {"name": "BTC"})))
    add("truncated.geojson", whole[: len(whole) // 2], "not valid JSON")
    add("geometry_string.geojson",
        dumps(collection(feature("POINT (44.79 41.71)", {"name": "Tbilisi"}))),
        "geometry is a string")
    add("coordinates_strings.geojson",
        dumps(collection(feature({"type": "Point", "coordinates": ["44.79", "41.71"]}))),
        "coordinates must be numbers")
    add("empty_collection.geojson", dumps(collection()), "has no features")
    add("null_geometries.geojson",
        dumps(collection(feature(None, {"a": 1}), feature(None, {"a": 2}))),
        "none of its 2 features has a geometry")
    add("nan.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "LineString", "coordinates": [[49.86, 40.4], [NaN, 41.7]]}}]}',
        "NaN or infinite coordinates")
    add("infinity.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "Point", "coordinates": [Infinity, -Infinity]}}]}',
        "NaN or infinite coordinates")
    add("huge_number.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "Point", "coordinates": [1e400, 40.0]}}]}',
        "NaN or infinite coordinates")
    swapped = line(*[(lat, lon) for lon, lat in (BAKU, TBILISI, ERZURUM, CEYHAN)])
    add("swapped.geojson", dumps(collection(feature(swapped, {"name": "BTC, lat/lon"}))),
        "latitude and longitude look swapped")
    add("out_of_range.geojson",
        dumps(collection(feature(line((44.8, 41.7), (200.0, 95.0))))),
        "outside longitude -180..180 / latitude -90..90")
    add("latin1.geojson",
        dumps(collection(feature(point(TBILISI), {"name": "PLACEHOLDER"})))
        .replace(b"PLACEHOLDER", "Gürcüstan café".encode("latin-1")),
        "not UTF-8")
    add("unknown_type.geojson",
        dumps(collection(feature({"type": "Circle", "coordinates": [44.8, 41.7],
                                  "radius": 5}))),
        "unknown geometry type 'Circle'")
    add("not_a_collection.json", b"[1, 2, 3]", "expected a JSON object, got a JSON array")
    add("crs_link.geojson",
        dumps(collection(feature(point(TBILISI)),
                         crs={"type": "link",
                              "properties": {"href": "http://example.invalid/crs.prj",
                                             "type": "proj4"}})),
        "declares its CRS by a link")
    add("utm_lonlat.geojson",
        dumps(collection(feature(point(TBILISI)), crs=named_crs(32638))),
        "the coordinates look like longitude/latitude")
    add("utm_out_of_range.geojson",
        dumps(collection(feature(point((1e9, 1e9))), crs=named_crs(32638))),
        "after reprojecting from EPSG:32638")
    add("notes.txt", b"Baku, Tbilisi, Ceyhan\n", "not a recognised format ('.txt')")
    add("mislabelled.kml", whole, "is named .kml but is not KML")

    # KML
    add("xxe.kml",
        kml(placemark("&xxe;", *TBILISI),
            prolog='<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'),
        "<!DOCTYPE or <!ENTITY")
    laughs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)]
    add("billion_laughs.kml",
        kml(placemark("&lol9;", *TBILISI), prolog=f"<!DOCTYPE kml [{''.join(laughs)}]>\n"),
        "<!DOCTYPE or <!ENTITY")
    good_kml = kml(placemark("Tbilisi", *TBILISI) + placemark("Kars", *KARS))
    add("truncated.kml", good_kml[:120], "cannot be read as KML")
    add("latin1.kml",
        good_kml.replace(b"Tbilisi", "Tbilisi café".encode("latin-1")),
        "not UTF-8")
    add("utf16.kml", "\ufeff".encode("utf-16-le") + good_kml.decode().encode("utf-16-le"),
        "UTF-16")

    # GeoPackage
    add("random.gpkg", rng.randbytes(4096), "is not a GeoPackage")
    add("corrupt.gpkg", b"SQLite format 3\x00" + rng.randbytes(4080),
        "cannot be read as a GeoPackage")

    # zip
    pts = gpd.GeoDataFrame({"name": ["Tbilisi", "Kars"]},
                           geometry=gpd.points_from_xy(*zip(TBILISI, KARS, strict=True)),
                           crs=4326)
    projected = gpd.GeoDataFrame({"name": ["Tbilisi", "Akhalkalaki"]},
                                 geometry=[shapely.Point(xy) for xy in
                                           utm38n(TBILISI, AKHALKALAKI)], crs=None)
    add("empty.zip", b"", "the file is empty")
    add("not_a_zip.zip", b"this is not a zip archive\n", "is not a zip archive")
    shp_zip = zipped_shapefile("stations", pts)
    add("truncated.zip", shp_zip[: len(shp_zip) // 2], "not a readable zip archive")
    add("bomb.zip", zip_bytes([("zeros.shp", bytes(20 * 1024 * 1024))]), "zip bomb")
    add("traversal.zip", zip_bytes([("../../evil.shp", b"\x00\x00\x27\x0a")]),
        "unsafe path (a '..' component)")
    add("absolute.zip", zip_bytes([("/tmp/evil.shp", b"\x00\x00\x27\x0a")]),
        "unsafe path (an absolute path)")
    link = zipfile.ZipInfo("stations.shp", date_time=STAMP)
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    add("symlink.zip", zip_bytes([(link, b"/etc/passwd")]), "is a symbolic link")
    add("no_shp.zip", zip_bytes([("readme.txt", b"stations\n"), ("stations.geojson", whole)]),
        "no .shp inside the zip")
    add("missing_dbf.zip", zipped_shapefile("stations", pts, drop=(".dbf",)), "missing .dbf")
    two = shapefile_parts(pts)
    add("two_shapefiles.zip",
        zip_bytes([(f"{stem}{ext}", data) for stem in ("a", "b") for ext, data in two.items()]),
        "holds 2 Shapefiles")
    add("noprj_projected.zip", zipped_shapefile("utm_points", projected, prj=False),
        "no CRS and the coordinates are not longitude/latitude (e.g. x=")
    add("encrypted.zip", _encrypted(zip_bytes([("stations.shp", b"secret")])), "is encrypted")

    # route files of the catalog, read with corridor_atlas.layers.read_route as tap
    def route_props(**extra: object) -> dict:
        return {"route_id": "tap", "geometry_quality": "traced", **extra}

    polygon = {"type": "Polygon",
               "coordinates": [[[19.0, 40.5], [20.0, 40.5], [20.0, 41.0], [19.0, 40.5]]]}
    add("routes/polygon_route.geojson", dumps(collection(feature(polygon, route_props()))),
        "geometry is 'Polygon'; expected LineString or MultiLineString")
    add("routes/duplicate_ids.geojson",
        dumps(collection(feature(line((26.0, 40.9), (23.0, 40.7)), route_props(), id="seg-1"),
                         feature(line((23.0, 40.7), (19.5, 40.7)), route_props(), id="seg-1"))),
        "duplicate feature id 'seg-1'")
    add("routes/nan_route.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        b'{"route_id": "tap", "geometry_quality": "traced"}, "geometry": {"type": "LineString",'
        b' "coordinates": [[26.0, 40.9], [NaN, 40.7]]}}]}',
        "NaN or infinite coordinates")
    return files


def _encrypted(data: bytes) -> bytes:
    """A zip whose members claim to be encrypted (bit 0 of the flags), as a tool would write."""
    buf = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = buf.find(sig)
        while at != -1:
            (flags,) = struct.unpack_from("<H", buf, at + flag_at)
            struct.pack_into("<H", buf, at + flag_at, flags | 0x1)
            at = buf.find(sig, at + 4)
    return bytes(buf)


def good_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    files["points_4326.geojson"] = dumps(collection(
        feature(point(BAKU), {"name": "Baku", "kind": "terminal"}),
        feature(point(TBILISI), {"name": "Tbilisi", "kind": "city"}),
        feature(point(CEYHAN), {"name": "Ceyhan", "kind": "terminal"}),
        feature(line(BAKU, TBILISI, ERZURUM, CEYHAN), {"name": "BTC (sketch)", "kind": "oil"}),
    ))
    to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
    merc = [list(to_merc.transform(*xy)) for xy in (BAKU, GARDABANI, KARS)]
    files["line_3857.geojson"] = dumps(collection(
        feature({"type": "LineString", "coordinates": merc}, {"name": "Baku–Kars"}),
        crs=named_crs(3857)))
    files["stations.kml"] = kml(
        "<name>Stations</name><Folder><name>Georgia</name>"
        + placemark("Tbilisi", *TBILISI, "Capital &amp; junction")
        + placemark("Akhalkalaki", *AKHALKALAKI)
        + "</Folder><Folder><name>Türkiye</name>"
        + placemark("Kars", *KARS, "BTK terminus")
        + "<Placemark><name>Kars–Erzurum</name><LineString><coordinates>"
        + f"{KARS[0]},{KARS[1]} {ERZURUM[0]},{ERZURUM[1]}"
        + "</coordinates></LineString></Placemark></Folder>")
    utm = gpd.GeoDataFrame({"name": ["Tbilisi", "Akhalkalaki", "Gardabani"], "n": [1, 2, 3]},
                           geometry=[shapely.Point(xy) for xy in
                                     utm38n(TBILISI, AKHALKALAKI, GARDABANI)], crs=32638)
    files["utm38n.zip"] = zipped_shapefile("georgia_stations_utm38n", utm)
    gpkg = gpd.GeoDataFrame(
        {"name": ["Baku", "Erzurum"], "capacity_mbd": [1.2, None]},
        geometry=[shapely.Point(BAKU), shapely.Polygon([(41.0, 39.7), (41.5, 39.7),
                                                        (41.5, 40.1), (41.0, 39.7)])],
        crs=4326)
    files["facilities.gpkg"] = gpkg_bytes(gpkg, "facilities")
    files["xss.geojson"] = dumps(collection(
        feature(point(TBILISI), {XSS: XSS, "name": SCRIPT, "note": '"><svg onload=alert(1)>',
                                 "url": "javascript:alert(1)", "amp": "&lt;b&gt;"},
                id=XSS),
        name=XSS))
    files["collection.geojson"] = dumps(collection(feature(
        {"type": "GeometryCollection",
         "geometries": [point(KARS), line(KARS, ERZURUM),
                        {"type": "GeometryCollection", "geometries": [point(ERZURUM)]}]},
        {"name": "Kars and Erzurum"})))
    lonlat = gpd.GeoDataFrame({"name": ["Baku", "Ceyhan"]},
                              geometry=[shapely.Point(BAKU), shapely.Point(CEYHAN)], crs=None)
    files["noprj_lonlat.zip"] = zipped_shapefile("terminals", lonlat, prj=False)
    return files


def main() -> int:
    for folder in (BAD, BAD / "routes", GOOD):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
    expected = {}
    for name, (data, message) in bad_files().items():
        (BAD / name).write_bytes(data)
        expected[name] = message
    (BAD / "EXPECTED.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    good = good_files()
    for name, data in good.items():
        (GOOD / name).write_bytes(data)
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    print(f"wrote {len(expected)} bad and {len(good)} good files "
          f"({total / 1024:,.0f} kB in {os.path.relpath(HERE)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
