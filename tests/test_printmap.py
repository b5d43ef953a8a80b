"""The print render: real PNG, SVG and PDF files from the bundled data, checked as files."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import folium
import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.ft2font import FT2Font
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import styles
from corridor_atlas.errors import ExportError
from corridor_atlas.maps import FACILITIES_ID, layer_groups, layer_ids
from corridor_atlas.printmap import (
    PT_PER_PX,
    _dashes,
    _map_extent,
    draw_order,
    mercator,
    render_static,
)
from corridor_atlas.view import CORRIDOR_BBOX, SIZE_PRESETS, MapView

from .conftest import CONTEXT_IDS, ROUTE_IDS

IGDIR = MapView(layers=ROUTE_IDS, selected="igdir_nakhchivan", year=2024)
IGDIR_TITLE = "Iğdır–Nakhchivan gas pipeline — Corridor Atlas"
EVERYTHING = MapView(layers=(*CONTEXT_IDS, *ROUTE_IDS, FACILITIES_ID), selected="btc")


def _png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB")).astype(int)


def _glyph_id(font: str, char: str) -> str:
    """The id matplotlib gives a glyph drawn as a path in an SVG: font name and glyph index."""
    index = FT2Font(str(Path(mpl.get_data_path(), "fonts", "ttf", f"{font}.ttf"))
                    ).get_char_index(ord(char))
    assert index != 0, f"{char!r} is not in {font}"
    return f"{font}-{index:x}"


def _ids(root: ET.Element) -> set[str]:
    return {i for el in root.iter() if (i := el.get("id"))}


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
def test_only_visible_layers_are_drawn_in_their_kind_colour(atlas, catalog, shown, absent):
    pixels = _png(render_static(atlas, MapView(layers=(shown,)), fmt="png"))
    shown_colour = styles.KIND_COLOURS[catalog.route(shown).kind]
    absent_colour = styles.KIND_COLOURS[catalog.route(absent).kind]
    assert shown_colour != absent_colour
    assert _near(pixels, shown_colour) > 500
    assert _near(pixels, absent_colour) < 5  # not on the map, not in the legend


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


def test_svg_parses_and_carries_the_title(atlas):
    data = render_static(atlas, IGDIR, fmt="svg")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == f"{SIZE_PRESETS['slide'][0] * PT_PER_PX:g}pt"
    texts = {el.text for el in root.iter() if el.text}
    assert IGDIR_TITLE in texts  # the document title (the drawn text is glyph outlines)
    assert {_glyph_id("DejaVuSans-Bold", c) for c in "Iğdır–"} <= _ids(root)


def test_svg_draws_the_corridor_titles_letters_from_dejavu(atlas):
    root = ET.fromstring(render_static(atlas, MapView(layers=("tap",)), fmt="svg"))
    assert {_glyph_id("DejaVuSans-Bold", c) for c in "Azerbaijan–Türkiye"} <= _ids(root)


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
    assert reader.metadata.title == IGDIR_TITLE
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


def test_draw_order_is_the_live_maps(atlas):
    for selected in (None, "btc", "black_sea_cable", FACILITIES_ID, "nope"):
        view = MapView(layers=tuple(reversed(layer_ids(atlas))), selected=selected)
        live = [c.layer_name for g in layer_groups(atlas, view.layers, selected=selected)
                for c in g._children.values() if isinstance(c, folium.GeoJson) and c.control]
        assert draw_order(atlas, view) == live
    assert draw_order(atlas, EVERYTHING)[-2:] == ["btc", FACILITIES_ID]
    assert draw_order(atlas, MapView(layers=("tap", "baku_supsa")))[0] == "baku_supsa"


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
    x0, y0, x1, y1 = _map_extent(MapView(layers=()), aspect)
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


def test_render_times(atlas):
    """Not a limit: prints how long one render takes on this machine."""
    render_static(atlas, EVERYTHING, fmt="png")  # warm caches (fonts)
    for fmt in ("png", "svg", "pdf"):
        start = time.perf_counter()
        data = render_static(atlas, EVERYTHING, fmt=fmt)
        print(f"print render {fmt}: {time.perf_counter() - start:.3f} s, {len(data):,} bytes")
