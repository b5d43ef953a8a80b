"""The print render: real PNG, SVG and PDF files from the bundled data, checked as files."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import matplotlib as mpl
import numpy as np
import pytest
import shapely
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import styles
from corridor_atlas.errors import ExportError
from corridor_atlas.layers import FACILITIES_ID
from corridor_atlas.printmap import PT_PER_PX, _dashes, _map_extent
from corridor_atlas.printmap import render_static as _render
from corridor_atlas.projection import mercator
from corridor_atlas.scene import build_scene
from corridor_atlas.view import CORRIDOR_BBOX, PRESETS, SIZE_PRESETS, MapView, page_title

from .conftest import CONTEXT_IDS, ROUTE_IDS

IGDIR = MapView(layers=ROUTE_IDS, selected="igdir_nakhchivan", year=2024)
IGDIR_TITLE = "Iğdır–Nakhchivan gas pipeline — Corridor Atlas"
EVERYTHING = MapView(layers=(*CONTEXT_IDS, *ROUTE_IDS, FACILITIES_ID), selected="btc")
SVG = "{http://www.w3.org/2000/svg}"


def render_static(atlas, view: MapView, **kwargs) -> bytes:
    return _render(atlas, build_scene(atlas, view), **kwargs)


def _png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB")).astype(int)


def _texts(data: bytes) -> list[str]:
    """The text of every <text> element of an SVG."""
    return [el.text or "" for el in ET.fromstring(data).iter(f"{SVG}text")]


def _near(pixels: np.ndarray, colour: str, tol: int = 30) -> int:
    """How many pixels are within ``tol`` of ``colour`` in every channel."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb) <= tol).all(axis=-1).sum())


@pytest.mark.parametrize(("size", "scale"), [(SIZE_PRESETS["slide"], 1),
                                             (SIZE_PRESETS["a4"], 1),
                                             ((800, 500), 2)])
def test_png_is_size_times_scale_pixels(atlas, size, scale):
    pixels = _png(render_static(atlas, IGDIR, fmt="png", size=size, scale=scale))
    assert pixels.shape[:2] == (size[1] * scale, size[0] * scale)


@pytest.mark.parametrize("size", [(320, 320), (400, 1000), (6000, 320)])
def test_extreme_page_shapes_render(atlas, size):
    pixels = _png(render_static(atlas, EVERYTHING, fmt="png", size=size))
    assert pixels.shape[:2] == (size[1], size[0])
    assert _near(pixels, styles.SEA_COLOUR, tol=3) > 0.05 * size[0] * size[1]  # a map panel


@pytest.mark.parametrize(("shown", "absent"), [("tap", "btc"), ("btc", "tap")])
def test_only_visible_layers_are_drawn_in_their_colour(atlas, shown, absent):
    everything = build_scene(atlas, MapView(layers=(shown, absent)))
    shown_colour = everything.route(shown).colour
    absent_colour = everything.route(absent).colour
    assert shown_colour != absent_colour
    pixels = _png(render_static(atlas, MapView(layers=(shown,)), fmt="png"))
    assert _near(pixels, shown_colour, 12) > 500
    assert _near(pixels, absent_colour, 12) < 5  # not on the map, not in the legend


def test_unknown_and_unloaded_layer_ids_are_skipped(atlas):
    alone = render_static(atlas, MapView(layers=("tap",)), fmt="png")
    assert render_static(atlas, MapView(layers=("nope", "tap", "")), fmt="png") == alone


def test_facilities_drawn_as_rings_in_their_category_colour(atlas):
    pixels = _png(render_static(atlas, MapView(layers=(FACILITIES_ID,)), fmt="png"))
    for category in ("field", "station"):  # colours no route kind uses
        assert _near(pixels, styles.FACILITY_COLOURS[category], tol=20) > 20
    for kind in ("oil", "rail", "power"):  # no route drawn; facility rings differ enough
        if styles.KIND_COLOURS[kind] not in styles.FACILITY_COLOURS.values():
            assert _near(pixels, styles.KIND_COLOURS[kind], tol=20) < 5


def test_svg_parses_and_keeps_its_text_as_text(atlas):
    data = render_static(atlas, IGDIR, fmt="svg")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == f"{SIZE_PRESETS['slide'][0] * PT_PER_PX:g}pt"
    texts = _texts(data)
    assert IGDIR_TITLE in texts
    fonts = {el.get("style", "") for el in root.iter(f"{SVG}text")}
    assert all("font-family: 'DejaVu Sans'" in style for style in fonts)


def test_svg_names_every_route_and_the_places(atlas):
    for bbox in (None, PRESETS["south-caucasus"].bbox):
        view = MapView(layers=ROUTE_IDS, year=2022, bbox=bbox)
        scene = build_scene(atlas, view)
        texts = _texts(render_static(atlas, view, fmt="svg"))
        extent = shapely.box(*view.extent)
        for route in scene.routes:  # on the map, besides the legend's row
            if any(extent.intersects(s.geometry) for s in route.segments):
                assert texts.count(route.route.short_name) >= 2, (bbox, route.id)
    whole = _texts(render_static(atlas, MapView(layers=ROUTE_IDS, year=2022), fmt="svg"))
    for place in ("Baku", "Tbilisi", "Ceyhan", "Kars", "Kipoi", "Melendugno", "Nakhchivan"):
        assert place in whole


def _strokes(data: bytes) -> list[tuple[str, float]]:
    """(colour, width in px) of each stroked, unfilled path of the map panel, in order.

    The panel is the figure's second axes (the first holds the title, legend, credits).
    """
    panel = next(g for g in ET.fromstring(data).iter(f"{SVG}g") if g.get("id") == "axes_2")
    out = []
    for path in panel.iter(f"{SVG}path"):
        style = dict(item.split(": ", 1) for item in path.get("style", "").split("; ") if item)
        if style.get("fill") == "none" and "stroke" in style:
            out.append((style["stroke"].lower(),
                        round(float(style.get("stroke-width", "1")) / PT_PER_PX, 2)))
    return out


@pytest.mark.parametrize("view", [
    MapView(layers=(*CONTEXT_IDS, *ROUTE_IDS), selected="tap", year=2012),
    MapView(layers=ROUTE_IDS, selected="btc", year=2022, flows=True),
    MapView(layers=("kars_nakhchivan", "btk"), year=2025),
], ids=["2012", "flows-2022", "rail-2025"])
def test_draws_exactly_the_scenes_segments_in_its_order(atlas, view):
    scene = build_scene(atlas, view)
    expected = []
    for route in scene.routes:
        for segment in route.segments:  # what lies under a route's lines
            expected += [(look.colour.lower(), round(look.weight, 2))
                         for look in (segment.casing, segment.band) if look is not None]
        expected += [(s.style.colour.lower(), round(s.style.weight, 2)) for s in route.segments]
    drawn = [s for s in _strokes(_render(atlas, scene, fmt="svg"))
             if s[0] != styles.BORDER_COLOUR.lower()]  # the countries come first
    assert drawn[:len(expected)] == expected
    # after the routes, only the leaders of names set beside their line: halo, then line
    leaders = drawn[len(expected):]
    assert [colour for colour, _ in leaders[::2]] == [styles.LABEL_HALO.lower()] * (
        len(leaders) // 2) and len(leaders) % 2 == 0


def test_pdf_has_one_page_with_searchable_title_and_credits(atlas):
    data = render_static(atlas, IGDIR, fmt="pdf", size=SIZE_PRESETS["a4"])
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(
        (SIZE_PRESETS["a4"][0] * PT_PER_PX, SIZE_PRESETS["a4"][1] * PT_PER_PX))
    text = reader.pages[0].extract_text()
    assert IGDIR_TITLE in text
    assert "Natural Earth" in text and "OpenStreetMap contributors" in text
    assert "As of 2024" in text
    # the document's title says what, when and where (the heading is the picture's)
    assert reader.metadata.title == page_title(IGDIR, atlas.catalog)
    assert reader.metadata.title.startswith("Corridor Atlas — ") and "2024" in reader.metadata.title
    assert reader.metadata.producer == "Corridor Atlas"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_view_gives_identical_bytes(atlas, fmt):
    first = render_static(atlas, EVERYTHING, fmt=fmt)
    second = render_static(atlas, EVERYTHING, fmt=fmt)
    assert first == second
    assert b"Matplotlib" not in first and b"matplotlib.org" not in first


def test_output_ignores_and_restores_process_matplotlib_settings(atlas):
    plain = render_static(atlas, IGDIR, fmt="png")
    changed = {"font.size": 30, "lines.scale_dashes": False, "axes.facecolor": "red",
               "font.family": "serif", "svg.hashsalt": "other"}
    with mpl.rc_context(changed):
        before = dict(mpl.rcParams)
        assert render_static(atlas, IGDIR, fmt="png") == plain
        assert dict(mpl.rcParams) == before


def test_concurrent_renders_match_sequential_ones(atlas):
    views = [IGDIR, MapView(layers=("tap",)), EVERYTHING]
    sequential = [render_static(atlas, v, fmt="png", size=(640, 400)) for v in views]
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(lambda v: render_static(atlas, v, fmt="png", size=(640, 400)),
                                 views))
    assert threaded == sequential


def test_polar_bbox_renders(atlas):
    view = MapView(layers=ROUTE_IDS, bbox=(10.0, 86.0, 20.0, 89.0))
    assert render_static(atlas, view, fmt="png", size=(400, 400)).startswith(b"\x89PNG")


def test_mercator_is_epsg_3857(atlas):
    lonlat = np.array([[18.0, 36.5], [50.5, 42.6], [0.0, 0.0], [-179.0, -60.0]])
    import geopandas as gpd

    expected = gpd.GeoSeries(gpd.points_from_xy(lonlat[:, 0], lonlat[:, 1]), crs=4326
                             ).to_crs(3857)
    got = mercator(lonlat)
    assert np.allclose(got[:, 0], expected.x, atol=1e-6)
    assert np.allclose(got[:, 1], expected.y, atol=1e-6)
    assert np.isfinite(mercator(np.array([[0.0, 90.0], [0.0, -90.0]]))).all()


@pytest.mark.parametrize("aspect", [0.5, 1.0, 16 / 9, 4.0, 10.0])
def test_extent_grows_to_the_panel_never_crops(aspect):
    x0, y0, x1, y1 = _map_extent(CORRIDOR_BBOX, aspect)
    (bx0, by0), (bx1, by1) = mercator(np.array([CORRIDOR_BBOX[:2], CORRIDOR_BBOX[2:]]))
    assert (x1 - x0) / (y1 - y0) == pytest.approx(aspect)
    eps = 1e-6 * (bx1 - bx0)
    assert x0 <= bx0 + eps and y0 <= by0 + eps and x1 >= bx1 - eps and y1 >= by1 - eps
    assert (x0 + x1) / 2 == pytest.approx((bx0 + bx1) / 2)


def test_leaflet_dashes_keep_their_pixel_length():
    assert _dashes(None, 3.5) == "solid"
    for status, pattern in styles.STATUS_DASH.items():
        if pattern is None:
            continue
        for weight in (styles.LINE_WEIGHT, styles.SELECTED_WEIGHT):
            offset, seq = _dashes(pattern, weight)  # type: ignore[misc]
            # matplotlib multiplies by the width in points; a layout pixel is PT_PER_PX points
            assert [v * weight for v in seq] == pytest.approx(
                [float(p) for p in pattern.split()]), status
            assert offset == 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "jpeg"}, "print render"),
    ({"fmt": "png", "scale": 3}, "scale"),
    ({"fmt": "png", "size": (100, 900)}, "out of range"),
    ({"fmt": "png", "size": (1600, 90000)}, "out of range"),
    ({"fmt": "png", "size": "slide"}, "size"),
])
def test_bad_requests_are_export_errors(atlas, kwargs, message):
    with pytest.raises(ExportError, match=message):
        render_static(atlas, IGDIR, **kwargs)
