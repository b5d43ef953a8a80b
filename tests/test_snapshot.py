"""PNG, PDF and standalone HTML of a map view, drawn by the system Chromium.

The browser tests are skipped without Chromium, except when ``$CI`` is true, where a
missing browser fails them. They use a fresh renderer (one browser, one worker
thread) for the module, so its launch counter starts at zero.
"""

from __future__ import annotations

import io
import itertools
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import snapshot, styles
from corridor_atlas.errors import BrowserUnavailableError, ExportError
from corridor_atlas.scene import Scene, build_scene
from corridor_atlas.view import SIZE_PRESETS, MapView, title_for

from . import browser_support as bs
from . import pdf_support
from .conftest import VENDOR_DIR

# Each route is drawn in its own shade of its kind's hue.
GAS_SHADES = styles.KIND_SHADES["gas"]
OIL_SHADES = styles.KIND_SHADES["oil"]
TOLERANCE = 25  # per channel: anti-aliased edges of a 3.5 px line are lighter
TAP_VIEW = MapView(layers=("tap",), bbox=(17.5, 38.0, 27.0, 43.5))
BTC_VIEW = MapView(layers=("btc",), bbox=(34.0, 36.0, 50.0, 42.5))
SLIDE = SIZE_PRESETS["slide"]
POINTS_PER_INCH = 72
PAPER_POINTS = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}

browser = pytest.mark.browser


# --- Helpers ---------------------------------------------------------------------------------

def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def central(png: bytes, fraction: float = 0.6) -> np.ndarray:
    """The central ``fraction`` of the image (RGB): clear of title, legend and credits."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    mx, my = round(w * (1 - fraction) / 2), round(h * (1 - fraction) / 2)
    return np.asarray(image.crop((mx, my, w - mx, h - my)), dtype=np.int16)


def count_near(pixels: np.ndarray, colour: str, tolerance: int = TOLERANCE) -> int:
    return int((np.abs(pixels - rgb(colour)) <= tolerance).all(axis=-1).sum())


def count_any(pixels: np.ndarray, colours: Sequence[str]) -> int:
    """Pixels near any of ``colours`` (a kind's shades)."""
    return sum(count_near(pixels, colour) for colour in colours)


def colour_of(scene: Scene, route_id: str) -> str:
    """The shade the scene draws a route in."""
    layer = scene.route(route_id)
    assert layer is not None, f"{route_id} is not drawn"
    return layer.colour


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).size


# --- Fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tap_scene(atlas) -> Scene:
    """What :data:`TAP_VIEW` draws (the renderers take a scene)."""
    return build_scene(atlas, TAP_VIEW)


@pytest.fixture(scope="module")
def btc_scene(atlas) -> Scene:
    return build_scene(atlas, BTC_VIEW)


@pytest.fixture(scope="module")
def renderer(chromium: str) -> Iterator[snapshot._Renderer]:
    """A fresh shared renderer for this module, closed at the end."""
    fresh = snapshot._Renderer()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(snapshot, "_renderer", fresh)
        yield fresh
    fresh.shutdown()


@pytest.fixture
def own_renderer(monkeypatch: pytest.MonkeyPatch) -> Iterator[snapshot._Renderer]:
    """A renderer of the test's own (its browser may be killed or never found)."""
    fresh = snapshot._Renderer()
    monkeypatch.setattr(snapshot, "_renderer", fresh)
    yield fresh
    fresh.shutdown()


# --- PNG -------------------------------------------------------------------------------------

@browser
@pytest.mark.parametrize("scale", [1, 2])
def test_png_tap_only_is_blue_and_exact_size(atlas, tap_scene, renderer, scale: int) -> None:
    png = snapshot.render_png(atlas, tap_scene, size=SLIDE, scale=scale, vendor_dir=VENDOR_DIR)
    assert png_size(png) == (SLIDE[0] * scale, SLIDE[1] * scale)
    tap = colour_of(tap_scene, "tap")
    assert tap in GAS_SHADES
    middle = central(png)
    gas, oil = count_near(middle, tap), count_any(middle, OIL_SHADES)
    assert gas > 300 * scale, f"only {gas} pixels of TAP's blue in the middle"
    assert oil <= 3, f"{oil} oil pixels with only TAP on"


@browser
def test_png_btc_only_is_vermillion(atlas, btc_scene, renderer) -> None:
    png = snapshot.render_png(atlas, btc_scene, size=SLIDE, vendor_dir=VENDOR_DIR)
    assert png_size(png) == SLIDE
    btc = colour_of(btc_scene, "btc")
    assert btc in OIL_SHADES
    middle = central(png)
    gas, oil = count_any(middle, GAS_SHADES), count_near(middle, btc)
    assert oil > 300, f"only {oil} pixels of BTC's vermillion in the middle"
    assert gas <= 3, f"{gas} gas-blue pixels with only BTC on"


@browser
def test_png_custom_size(atlas, tap_scene, renderer) -> None:
    png = snapshot.render_png(atlas, tap_scene, size=(800, 600), vendor_dir=VENDOR_DIR)
    assert png_size(png) == (800, 600)


# Chromium draws its viewport in tiles within a memory budget (512 MB on a desktop, less on
# a small machine); what does not fit is left undrawn, in the map's sea colour. A browser
# given a small budget shows at a small size what a 6000×6000 picture does on an ordinary
# one: 2000×2000 at 2× needs 64 MB a layer, and the basemap, routes and names are layers.
SMALL_BUDGET = "--force-gpu-mem-available-mb=64"
LARGE = (2000, 2000)


def _rgb_array(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@browser
def test_large_png_is_whole_whatever_the_browsers_memory(atlas, renderer,
                                                         monkeypatch) -> None:
    view = MapView(layers=tuple(atlas.default_layers()), year=2026)
    scene = build_scene(atlas, view)
    png = snapshot.render_png(atlas, scene, size=LARGE, scale=2, vendor_dir=VENDOR_DIR)
    reference = _rgb_array(png)  # the browser's usual budget holds this picture
    small = snapshot._Renderer([*snapshot.LAUNCH_ARGS, SMALL_BUDGET])
    monkeypatch.setattr(snapshot, "_renderer", small)
    try:
        png = snapshot.render_png(atlas, scene, size=LARGE, scale=2, vendor_dir=VENDOR_DIR)
    finally:
        small.shutdown()
    pixels = _rgb_array(png)
    assert pixels.shape == reference.shape == (LARGE[1] * 2, LARGE[0] * 2, 3)
    land = rgb(styles.LAND_COLOUR)
    for name, picture in (("usual budget", reference), ("small budget", pixels)):
        # land in every quarter of the picture, from the top rows to the bottom ones
        for rows in np.array_split(picture, 4, axis=0):
            share = float((np.abs(rows - land) <= 3).all(axis=-1).mean())
            assert share > 0.4, f"{name}: a quarter of the picture is {share:.0%} land"
    # the same picture: the same layout, the same names in the same places
    differs = float((np.abs(pixels - reference) > 8).any(axis=-1).mean())
    assert differs < 0.001, f"{differs:.2%} of the pixels differ from the whole picture"


def test_large_pictures_are_taken_in_strips_that_cover_them() -> None:
    from corridor_atlas import pngbands

    for small in ((1600, 900, 2), (1754, 1240, 2), (3000, 3000, 1)):  # slide, A4: one shot
        assert pngbands.strips(*small) == [(0, small[1])]
    for width, height, scale in ((6000, 6000, 1), (6000, 6000, 2), (3001, 2999, 2),
                                 (500, 6000, 2), (6000, 400, 2)):
        strips = pngbands.strips(width, height, scale)
        assert len(strips) > 1
        assert strips[0][0] == 0 and sum(rows for _, rows in strips) == height
        assert all(a + n == b for (a, n), (b, _) in itertools.pairwise(strips))
        assert all(width * rows * scale * scale <= pngbands.STRIP_PX
                   for _, rows in strips if rows > 1)


# --- PDF -------------------------------------------------------------------------------------

@browser
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_is_one_landscape_page(atlas, renderer, paper: str) -> None:
    view = MapView(layers=("btc", "tap"))
    pdf = snapshot.render_pdf(atlas, build_scene(atlas, view), paper=paper,  # type: ignore[arg-type]
                              vendor_dir=VENDOR_DIR)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width, height = float(box.width), float(box.height)
    assert width > height
    expected = PAPER_POINTS[paper]
    assert abs(width - expected[0]) < 3 and abs(height - expected[1]) < 3, (width, height)
    text = " ".join(reader.pages[0].extract_text().split())
    assert atlas.catalog is not None
    # the licences need the credits and the reader needs the title: both, as text
    for part in ("Natural Earth", "OpenStreetMap contributors", "Global Energy Monitor",
                 title_for(view, atlas.catalog)):
        assert part in text, (part, text[:300])


# Kars to Nakhchivan on A4, about zoom 8.5 (the app's ?view=40.6,43.3,8): BTC solid, BTK
# on its schematic band, Kars–Nakhchivan dashed (under construction) in 2026.
ZOOMED = MapView(layers=("btc", "btk", "kars_nakhchivan"), year=2026,
                 bbox=(42.2, 39.6, 45.6, 41.4))


@browser
def test_zoomed_pdf_draws_lines_dashes_and_scale_as_the_map_does(atlas, renderer) -> None:
    scene = build_scene(atlas, ZOOMED)
    pdf = snapshot.render_pdf(atlas, scene, paper="a4", vendor_dir=VENDOR_DIR)
    drawn = pdf_support.paints(pdf)
    # every line of a route at a width its style gives, in CSS px (not 10× that)
    for layer in scene.routes:
        looks = [st for seg in layer.segments for st in (seg.style, seg.band, seg.casing) if st]
        widths = {round(st.weight, 3) for st in looks}
        lines = [p for p in drawn if p.kind == "stroke" and p.colour == layer.colour.upper()]
        assert lines, f"{layer.id} is not in the PDF"
        assert {p.width_px for p in lines} <= widths, (layer.id, widths)
    # the dashes of a line under construction as the style says ("10 7"), not blobs: Skia
    # outlines each dash, a capsule as long as the dash and as wide as the line
    dash = float(styles.STATUS_DASH["construction"].split()[0])
    kars = scene.route("kars_nakhchivan")
    assert kars is not None and any(seg.phase == "construction" for seg in kars.segments)
    capsules = [c for p in drawn if p.kind == "fill" and p.colour == kars.colour.upper()
                for c in p.pieces if c.side > 3]
    assert len(capsules) > 20, "the dashed line is not drawn as dashes"
    spans = sorted(c.span for c in capsules)  # a dash bent round a corner spans less
    assert spans[-1] <= dash + styles.LINE_WEIGHT + 0.5, spans[-5:]
    assert abs(spans[len(spans) // 2] - (dash + styles.LINE_WEIGHT)) < 0.5, spans
    # the scale bar: 100 px or less of ground, and at least half of it (1-2-3-5 steps)
    km = pdf_support.scale_bar_km(pdf_support.text(pdf))
    ground = pdf_support.km_per_100_px(ZOOMED.extent, snapshot.PAPERS["a4"].viewport)
    assert ground / 2 <= km <= ground * 1.01, f"the scale bar says {km} km for {ground:.0f} km"


# --- Standalone HTML -------------------------------------------------------------------------

FIND_MAP = """() => Object.values(window).find(v => v && typeof v === 'object'
    && typeof v.getBounds === 'function' && '_leaflet_id' in v)"""
BOUNDS = f"""() => {{
  const b = ({FIND_MAP})().getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}}"""
COUNT_STROKE = f"""(colour) => Array.from(document.querySelectorAll('{bs.ROUTE_PATH}'))
    .filter(p => (p.getAttribute('stroke') || '').toUpperCase() === colour).length"""


def test_standalone_html_is_self_contained(atlas, tap_scene) -> None:
    html = snapshot.standalone_html(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    text = html.decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert 'charset=utf-8' in text.lower()
    for attr in ("src", "href"):
        for quote in ("'", '"'):
            assert f"{attr}={quote}http" not in text, f"external {attr} link"
    assert "window.atlasReady = true" in text


@browser
def test_standalone_html_opens_offline(atlas, tap_scene, chromium: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = tmp_path / "tap.html"
    path.write_bytes(snapshot.standalone_html(atlas, tap_scene, vendor_dir=VENDOR_DIR))
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium, args=snapshot.LAUNCH_ARGS)
        try:
            page = chrome.new_page(viewport={"width": 1400, "height": 900})
            log = bs.watch(page, bs.local_files_only)
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("() => window.atlasReady === true", timeout=15_000)
            log.assert_clean()
            assert [url for _, url in log.requests] == [path.as_uri()]
            assert page.evaluate(COUNT_STROKE, colour_of(tap_scene, "tap").upper()) >= 1
            assert sum(page.evaluate(COUNT_STROKE, oil.upper()) for oil in OIL_SHADES) == 0
            west, south, east, north = page.evaluate(BOUNDS)
            title = page.locator(".atlas-title").inner_text()
            controls = page.locator(".leaflet-control-zoom, .leaflet-control-layers").count()
        finally:
            chrome.close()
    assert atlas.catalog is not None
    assert title_for(TAP_VIEW, atlas.catalog) in title
    assert controls == 2  # interactive: zoom and layer controls
    w, s, e, n = TAP_VIEW.extent
    slack = 0.05
    assert west <= w + slack and south <= s + slack and east >= e - slack and north >= n - slack
    # Fitted, not merely contained: the bbox fills at least one side (zoom steps of 0.5).
    assert max((e - w) / (east - west), (n - s) / (north - south)) > 0.6


# --- The renderer ----------------------------------------------------------------------------

@browser
def test_renderer_reuses_one_browser(atlas, tap_scene, renderer) -> None:
    for _ in range(2):
        assert png_size(snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)) == SLIDE
    stats = snapshot._renderer_stats()
    assert stats["launches"] == 1
    assert stats["restarts"] == 0
    assert stats["worker_alive"]
    assert stats["blocked_recent"] == []


@browser
def test_render_from_two_threads(atlas, tap_scene, btc_scene, renderer) -> None:
    both_started = threading.Barrier(2)  # both calls in flight at once, on two threads
    results: dict[str, bytes] = {}

    def render(name: str, view: MapView) -> None:
        both_started.wait(timeout=60)
        results[name] = snapshot.render_png(atlas, build_scene(atlas, view),
                                            vendor_dir=VENDOR_DIR)

    threads = [threading.Thread(target=render, args=args)
               for args in (("tap", TAP_VIEW), ("btc", BTC_VIEW))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    tap, btc = results["tap"], results["btc"]
    assert png_size(tap) == png_size(btc) == SLIDE
    tap_blue, btc_red = colour_of(tap_scene, "tap"), colour_of(btc_scene, "btc")
    assert count_near(central(tap), tap_blue) > 300
    assert count_any(central(tap), OIL_SHADES) <= 3
    assert count_near(central(btc), btc_red) > 300
    assert count_any(central(btc), GAS_SHADES) <= 3
    assert snapshot._renderer_stats()["launches"] == 1


@browser
def test_an_export_in_progress_does_not_hold_up_other_users(atlas, tap_scene, chromium: str,
                                                            own_renderer) -> None:
    """While the browser is busy with one user's export, other sessions build their maps."""
    from corridor_atlas.maps import map_parts

    snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)  # the browser is up
    busy, release = threading.Event(), threading.Event()

    def hold(_browser: Any, _deadline: float) -> None:  # an export that runs until released
        busy.set()
        release.wait(timeout=120)

    worker = threading.Thread(target=own_renderer.run, args=(hold,))
    worker.start()
    try:
        assert busy.wait(timeout=60), "the renderer never took the job"
        for layers in (["btc"], ["tap", "tanap"], ["scp"], ["btk"]):  # four users' reruns
            scene = build_scene(atlas, MapView(layers=tuple(layers), year=2020))
            parts = map_parts(atlas, scene, vendor_dir=VENDOR_DIR)
            for group in parts.groups:
                group.add_to(parts.base)
            assert "L.featureGroup(" in parts.base.get_root().render()
        assert worker.is_alive() and not release.is_set()  # all done while it still ran
    finally:
        release.set()
        worker.join(timeout=120)
    assert not worker.is_alive()
    png = snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)  # and it carries on
    assert png_size(png) == SLIDE


def _browser_pid(browser_: Any, _deadline: float) -> int:
    cdp = browser_.new_browser_cdp_session()
    try:
        info = cdp.send("SystemInfo.getProcessInfo")
    finally:
        cdp.detach()
    return next(p["id"] for p in info["processInfo"] if p["type"] == "browser")


@browser
def test_dead_browser_is_restarted(atlas, tap_scene, chromium: str, own_renderer) -> None:
    snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    os.kill(own_renderer.run(_browser_pid), signal.SIGKILL)
    png = snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    assert png_size(png) == SLIDE
    stats = snapshot._renderer_stats()
    assert (stats["launches"], stats["restarts"]) == (2, 1)


@browser
def test_shutdown_then_render_again(atlas, tap_scene, chromium: str, own_renderer) -> None:
    snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    snapshot.shutdown()
    assert not snapshot._renderer_stats()["worker_alive"]
    assert png_size(snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)) == SLIDE
    assert snapshot._renderer_stats()["launches"] == 2


# --- Without a browser -----------------------------------------------------------------------

def test_no_chromium_is_a_clear_error(atlas, tap_scene, own_renderer, monkeypatch) -> None:
    monkeypatch.setenv(snapshot.CHROMIUM_ENV, "/nonexistent/chromium")
    assert snapshot.find_chromium() is None
    with pytest.raises(BrowserUnavailableError, match="apt-get install chromium") as raised:
        snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    assert "--static" in str(raised.value)
    with pytest.raises(BrowserUnavailableError):
        snapshot.render_pdf(atlas, tap_scene, vendor_dir=VENDOR_DIR)
    assert snapshot._renderer_stats()["launches"] == 0


def test_find_chromium_honours_the_variable(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(snapshot.CHROMIUM_ENV, str(fake))
    assert snapshot.find_chromium() == str(fake)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"size": (100, 900)}, "out of range"),
    ({"size": (1600, 90_000)}, "out of range"),
    ({"scale": 3}, "scale must be 1 or 2"),
])
def test_bad_png_request(atlas, tap_scene, own_renderer, kwargs: dict[str, Any],
                         message: str) -> None:
    with pytest.raises(ExportError, match=message):
        snapshot.render_png(atlas, tap_scene, vendor_dir=VENDOR_DIR, **kwargs)
    assert own_renderer.stats()["worker_thread"] is None  # refused before any browser work


def test_bad_paper(atlas, tap_scene, own_renderer) -> None:
    with pytest.raises(ExportError, match="paper must be one of a4, letter"):
        snapshot.render_pdf(atlas, tap_scene, paper="a3", vendor_dir=VENDOR_DIR)  # type: ignore[arg-type]
