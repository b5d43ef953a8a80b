"""``exports.export`` with the user's own layers: every map format draws them, the data
formats carry them, and their text stays text."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import cli, exports, styles
from corridor_atlas.uploads import UserLayer, attribute_table, read_upload
from corridor_atlas.view import MapView

from .conftest import CONNECTION_IDS, CONTEXT_IDS, ROOT, ROUTE_IDS, VENDOR_DIR, XSS

KML = "{http://www.opengis.net/kml/2.2}"
BOX = (42.0, 40.0, 47.0, 43.0)  # W, S, E, N around Tbilisi: BTC and the user's shapes
VIEW = MapView(layers=("btc",), bbox=BOX, year=2024)
LAND_FILL = "#F4F1EA"


def _user_geojson(*, hole: bool = True) -> bytes:
    outer = [[43.5, 41.0], [45.5, 41.0], [45.5, 42.5], [43.5, 42.5], [43.5, 41.0]]
    inner = [[44.0, 41.4], [45.0, 41.4], [45.0, 42.1], [44.0, 42.1], [44.0, 41.4]]
    features = [
        {"type": "Feature", "properties": {"name": XSS, "area": 1.5, "note": None},
         "geometry": {"type": "Polygon", "coordinates": [outer, inner] if hole else [outer]}},
        {"type": "Feature", "properties": {"name": "Survey line", "area": None, "note": "ok"},
         "geometry": {"type": "LineString", "coordinates": [[42.6, 40.5], [46.4, 40.6]]}},
        {"type": "Feature", "properties": {"name": "Well 7", "area": 0, "note": "<b>x</b>"},
         "geometry": {"type": "Point", "coordinates": [46.0, 42.8]}},
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture(scope="module")
def own() -> UserLayer:
    return read_upload(_user_geojson(), "my survey.geojson")


@pytest.fixture(scope="module")
def run(atlas) -> Callable[..., exports.Export]:
    """``run(fmt, own=None, **options)``: export :data:`VIEW`, with the user's layer if given."""
    def export(fmt: str, own: UserLayer | None = None, **kwargs: Any) -> exports.Export:
        return exports.export(atlas, VIEW, fmt, vendor_dir=VENDOR_DIR,
                              user_layers=[own] if own else [], **kwargs)
    return export


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def _near(pixels: np.ndarray, colour: str, tol: int = 12) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb) <= tol).all(axis=-1).sum())


def _blend(colour: str, under: str, alpha: float) -> str:
    a = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    b = np.array([int(under[i:i + 2], 16) for i in (1, 3, 5)])
    return "#" + "".join(f"{round(v):02x}" for v in alpha * a + (1 - alpha) * b)


# --- print render (no browser) -----------------------------------------------------------

def test_print_png_draws_the_users_layer_in_its_colour(run, own):
    fill = _blend(styles.USER_COLOUR, LAND_FILL, styles.USER_FILL_OPACITY)
    without = _pixels(run("png", static=True).data)
    with_own = _pixels(run("png", own, static=True).data)
    assert _near(without, styles.USER_COLOUR) == 0
    assert _near(without, fill, tol=4) == 0
    assert _near(with_own, styles.USER_COLOUR) > 2_000  # outlines, the line, the point ring
    assert _near(with_own, fill, tol=4) > 20_000  # the polygon's fill over land


def test_print_render_leaves_the_polygons_hole_unfilled(run):
    fill = _blend(styles.USER_COLOUR, LAND_FILL, styles.USER_FILL_OPACITY)
    holed = read_upload(_user_geojson(hole=True), "a.geojson")
    solid = read_upload(_user_geojson(hole=False), "a.geojson")
    n_holed = _near(_pixels(run("png", holed, static=True).data), fill, tol=4)
    n_solid = _near(_pixels(run("png", solid, static=True).data), fill, tol=4)
    # the hole is 0.35 of the ring's area (in degrees; a little less in Mercator)
    assert 0.5 * n_solid < n_holed < 0.8 * n_solid


def test_print_pdf_names_the_users_layer_in_the_legend(run, own):
    text = PdfReader(io.BytesIO(run("pdf", own, static=True).data)).pages[0].extract_text()
    assert "Your layers" in text and "my survey" in text


def test_print_render_is_byte_identical_with_user_layers(run, own):
    assert run("png", own, static=True).data == run("png", own, static=True).data


def test_a_user_layer_outside_the_view_is_harmless(run):
    far = read_upload(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Point", "coordinates": [-70.0, -40.0]}}).encode(), "far.geojson")
    png = _pixels(run("png", far, static=True).data)
    assert _near(png, styles.USER_COLOUR) < 400  # the legend swatch only


# --- browser renders ---------------------------------------------------------------------

@pytest.mark.browser
def test_browser_png_and_pdf_draw_the_users_layer(run, chromium, own):
    from corridor_atlas import snapshot

    try:
        without = _pixels(run("png").data)
        result = run("png", own)
        pdf = run("pdf", own)
    finally:
        snapshot.shutdown()
    assert result.renderer == "browser"
    assert _near(without, styles.USER_COLOUR) == 0
    assert _near(_pixels(result.data), styles.USER_COLOUR) > 2_000
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Your layers" in text and "my survey" in text


# --- standalone HTML ---------------------------------------------------------------------

def test_standalone_html_carries_the_users_layer_escaped(run, own):
    html = run("html", own).data.decode()
    assert "my survey" in html
    assert len(re.findall(r'"id": ?"user-0-', html)) == 3
    assert XSS not in html  # the property in the tooltip is escaped, inside JSON
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html


# --- data --------------------------------------------------------------------------------

def test_geojson_appends_the_users_features_with_their_properties(run, own, tmp_path):
    data = run("geojson", own).data
    doc = json.loads(data)
    mine = [f for f in doc["features"] if f["id"].startswith("user-1-")]
    assert [f["id"] for f in mine] == ["user-1-1", "user-1-2", "user-1-3"]
    assert [f["geometry"]["type"] for f in mine] == ["Polygon", "LineString", "Point"]
    assert mine[0]["properties"] == {"name": XSS, "area": 1.5, "note": None}
    assert mine[2]["properties"]["note"] == "<b>x</b>"  # data, kept as the user wrote it
    assert len(mine[0]["geometry"]["coordinates"]) == 2  # the hole survives
    assert doc["user_layers"] == [{"id": "user-1", "name": "my survey",
                                   "note": "your own layer, not part of Corridor Atlas"}]
    path = tmp_path / "x.geojson"
    path.write_bytes(data)
    back = gpd.read_file(path)
    assert len(back) == len(doc["features"]) and (back["name"] == XSS).sum() == 1
    assert "user_layers" not in json.loads(run("geojson").data)


def test_kml_puts_the_users_layer_in_its_own_folder(run, own):
    root = ET.fromstring(run("kml", own).data)
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    folder = folders["my survey"]
    placemarks = folder.findall(f"{KML}Placemark")
    assert [p.findtext(f"{KML}name") for p in placemarks] == [XSS, "Survey line", "Well 7"]
    assert placemarks[0].find(f".//{KML}innerBoundaryIs") is not None
    assert placemarks[1].find(f"{KML}LineString") is not None
    assert placemarks[2].find(f"{KML}Point") is not None
    assert all(p.findtext(f"{KML}styleUrl") == "#user-layer" for p in placemarks)
    style = root.find(f".//{KML}Style[@id='user-layer']")
    assert style is not None
    assert style.findtext(f"{KML}LineStyle/{KML}color") == "ff327d2e"  # #2E7D32, aabbggrr
    description = placemarks[0].findtext(f"{KML}description")
    assert "&lt;img" in description and "<img" not in description  # shown, never run


def test_csv_lists_figures_only(run, own):
    with_own = run("csv", own).data
    assert with_own == run("csv").data
    rows = list(csv.DictReader(io.StringIO(with_own.decode())))
    assert rows and {r["route_id"] for r in rows} <= {*ROUTE_IDS, *CONTEXT_IDS, *CONNECTION_IDS,
                                                       "facilities"}
    assert not any("my survey" in value for r in rows for value in r.values())


def test_the_attribute_table_has_one_row_per_feature(own):
    table = attribute_table(own)
    assert list(table.columns) == ["geometry type", "name", "area", "note"]
    assert table["geometry type"].tolist() == ["Polygon", "LineString", "Point"]
    assert table["name"].tolist()[0] == XSS


def test_uploads_with_the_same_bytes_share_a_digest_and_others_do_not():
    a = read_upload(_user_geojson(), "a.geojson")
    assert a.digest == read_upload(_user_geojson(), "a.geojson").digest
    assert a.digest != read_upload(_user_geojson(), "b.geojson").digest
    assert a.digest != read_upload(_user_geojson(hole=False), "a.geojson").digest


# --- command line ------------------------------------------------------------------------

def test_cli_add_layer_draws_and_writes_the_users_file(tmp_path, capsys):
    layer = tmp_path / "mine.geojson"
    layer.write_bytes(_user_geojson())
    out = tmp_path / "out.geojson"
    code = cli.main(["export", "--format", "geojson", "--layers", "btc", "--add-layer",
                     str(layer), "--add-layer", str(ROOT / "tests/data/good/xss.geojson"),
                     "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert [u["name"] for u in doc["user_layers"]] == ["mine", "xss"]
    assert sum(f["id"].startswith("user-") for f in doc["features"]) == 4


def test_cli_add_layer_refuses_a_bad_file_in_one_line(tmp_path, capsys):
    out = tmp_path / "out.png"
    code = cli.main(["export", "--format", "png", "--static", "--add-layer",
                     str(ROOT / "tests/data/bad/bomb.zip"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "bomb.zip" in err
    assert not out.exists() and not list(Path(tmp_path).glob("*.part"))


def test_a_hostile_file_name_stays_text_in_the_legend_and_layer_list(run):
    hostile = read_upload(_user_geojson(), f"{XSS}.geojson")
    html = run("html", hostile).data.decode()
    # what the page's scripts see once JSON string escapes are read
    seen = html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert XSS not in seen
    assert "&lt;img src=x onerror=alert(1)&gt;" in seen
