"""The app in a real browser: the system Chromium driven by Playwright, fully offline.

Every page aborts (and records) requests to any host but the local app server, so
a test fails if the map reaches for a CDN or tile server. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
Select them with ``-m browser``, leave them out with ``-m "not browser"``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from corridor_atlas import styles
from corridor_atlas.assets import MAP_BUNDLE, iter_links
from corridor_atlas.maps import build_map, map_parts
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView

from . import browser_support as bs
from .conftest import ROUTE_IDS, VENDOR_DIR, OpenPage

pytestmark = pytest.mark.browser

# Each route is drawn in its own shade of its kind's hue.
SHADES = bs.upper([c for shades in styles.KIND_SHADES.values() for c in shades])
BTC_LABEL = "Baku–Tbilisi–Ceyhan oil pipeline (BTC)"
TAP_HEADER = "Trans Adriatic Pipeline (TAP)"
VENDOR_PATH = "/app/static/vendor/"


# --- Fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def app(open_page: OpenPage, app_url: str) -> tuple[Page, bs.PageLog, Frame]:
    """A fresh app session with its map drawn: the page, its log and the map's frame."""
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/")
    return page, log, bs.map_frame(page)


@pytest.fixture(scope="module")
def colours(atlas) -> dict[str, str]:
    """Each route's shade, upper case, as the map draws it."""
    scene = build_scene(atlas, MapView(layers=tuple(atlas.layer_ids())))
    return {layer.id: layer.colour.upper() for layer in scene.routes}


# --- Helpers ---------------------------------------------------------------------------------

def sidebar_checkbox(page: Page, label: str) -> Any:
    """A Streamlit checkbox, found by its visible label."""
    return page.locator("[data-testid='stCheckbox']").filter(
        has=page.get_by_text(label, exact=True))


# --- Discovery of the browser (no browser needed) -------------------------------------------

def test_chromium_from_env_wins_and_a_wrong_one_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert bs.find_chromium({bs.CHROMIUM_ENV: str(fake), "PATH": ""}) == (str(fake), "")
    found, why = bs.find_chromium({bs.CHROMIUM_ENV: "/nonexistent", "PATH": "/usr/bin"})
    assert found is None and "/nonexistent" in why
    found, _ = bs.find_chromium({"PATH": str(tmp_path)}, fallbacks=())
    assert found is None
    (tmp_path / "chromium-browser").symlink_to(fake)
    assert bs.find_chromium({"PATH": str(tmp_path)}, fallbacks=())[0] == str(
        tmp_path / "chromium-browser")


@pytest.mark.parametrize(("ci", "outcome"), [
    ("", pytest.skip.Exception), ("false", pytest.skip.Exception),
    ("true", pytest.fail.Exception), ("1", pytest.fail.Exception),
])
def test_missing_chromium_skips_or_fails_under_ci(ci: str, outcome: type) -> None:
    env = {bs.CHROMIUM_ENV: "/nonexistent", "PATH": "/usr/bin/false-dir", "CI": ci}
    with pytest.raises(outcome) as raised:
        bs.require_chromium(env)
    assert str(raised.value.msg).startswith(bs.NOT_FOUND)


# --- The live app ----------------------------------------------------------------------------

def test_map_draws_every_default_route_offline(app, app_url, atlas, colours) -> None:
    _page, log, frame = app
    frame.wait_for_function(bs.COUNT_STROKES, arg=[SHADES, len(ROUTE_IDS), 10**6])
    coloured = [s for s in frame.evaluate(bs.STROKES) if s in SHADES]
    assert len(coloured) >= len(ROUTE_IDS)  # BTK and Kars–Nakhchivan have several segments
    assert sorted(atlas.default_layers()) == sorted(ROUTE_IDS)
    for route_id in ROUTE_IDS:  # each in its own shade
        assert colours[route_id] in coloured, route_id
    assert frame.evaluate(bs.ROUTE_IDS_DRAWN) == sorted(ROUTE_IDS)
    # The bundled countries are fetched from the app's static folder and drawn under the routes.
    frame.wait_for_function(
        "() => document.querySelectorAll('.leaflet-atlasBasemap-pane path').length > 50")
    assert any(kind == "fetch" and url.endswith("/app/static/basemap/countries.topojson")
               for kind, url in log.requests), [r for r in log.requests if r[0] == "fetch"]

    # Every script and stylesheet came from the app server; the map's own from the vendor
    # folder, each of them.
    server = urlsplit(app_url).netloc
    assets = [(kind, urlsplit(url)) for kind, url in log.requests
              if kind in ("script", "stylesheet") and not url.startswith("data:")]
    assert assets
    assert [u.geturl() for _, u in assets if u.netloc != server] == []
    static = {u.path for _, u in assets if u.path.startswith("/app/static/")}
    assert all(path.startswith(VENDOR_PATH) for path in static), static
    scene = build_scene(atlas, MapView(layers=tuple(atlas.default_layers())))
    parts = map_parts(atlas, scene, vendor_dir=VENDOR_DIR, countries_url="/countries")
    js, css = iter_links(parts.base)
    wanted = {urlsplit(url).path for url in js + css if not url.startswith("data:")}
    assert wanted and all(path.startswith(VENDOR_PATH) for path in wanted), wanted
    assert wanted <= static, f"never requested: {sorted(wanted - static)}"
    # Leaflet and its plugins in one file, none of them on its own
    assert f"{VENDOR_PATH}{MAP_BUNDLE}" in static
    assert not any(path.endswith(".js") for path in static - {f"{VENDOR_PATH}{MAP_BUNDLE}"})
    log.assert_clean()


def test_sidebar_toggle_removes_route_and_keeps_view(app, colours) -> None:
    page, log, frame = app
    centre = bs.view(frame)
    bs.zoom_in_and_drag(page, frame, by=(90, 40))  # the view now differs from the default
    before = bs.view(frame)
    assert before["zoom"] >= 6 and (before["lat"], before["lng"]) != (centre["lat"], centre["lng"])
    frame.evaluate("() => { window.__probe = 1; }")

    checkbox = sidebar_checkbox(page, BTC_LABEL)
    expect(checkbox).to_have_count(1)
    expect(checkbox.locator("input")).to_be_checked()
    checkbox.locator("label").click()
    expect(checkbox.locator("input")).not_to_be_checked()
    frame.wait_for_function(bs.COUNT_STROKES, arg=[[colours["btc"]], 0, 0])
    frame.wait_for_function(f"() => ({bs.ROUTE_IDS_DRAWN})().length === {len(ROUTE_IDS) - 1}")
    assert frame.evaluate(bs.ROUTE_IDS_DRAWN) == sorted(set(ROUTE_IDS) - {"btc"})

    assert frame.evaluate("() => window.__probe") == 1, "the map iframe was reloaded"
    after = bs.view(frame)
    assert after["zoom"] == before["zoom"]
    assert after["lat"] == pytest.approx(before["lat"], abs=1e-9)
    assert after["lng"] == pytest.approx(before["lng"], abs=1e-9)
    log.assert_clean()


def test_clicking_a_route_opens_its_panel(app) -> None:
    page, log, frame = app
    expect(page.get_by_role("heading", name=TAP_HEADER)).to_have_count(0)
    # (waits until the line is drawn where it stays, with nothing over it)
    points = frame.wait_for_function(
        f"id => {{ const p = ({bs.CLICKABLE_POINTS})(id); return p.length ? p : null; }}",
        arg="tap").json_value()
    assert points, "no point of the TAP line is clickable"
    page.mouse.click(*bs.to_page(page, points[len(points) // 2]))  # a real click on the line
    expect(page.get_by_role("heading", name=TAP_HEADER)).to_be_visible(timeout=bs.UPDATE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="The corridor in figures")).to_have_count(0)
    # The selected route is drawn heavier (once the pointer has left it: hover highlights too).
    page.mouse.move(5, 5)
    frame.wait_for_function(
        f"""() => {{
          let heavy = false;
          ({bs.FIND_MAP})().eachLayer(l => {{
            const p = l.feature && l.feature.properties;
            if (p && p.route_id === 'tap' && l._path && l._path.isConnected
                && Number(l._path.getAttribute('stroke-width')) === {styles.SELECTED_WEIGHT})
              heavy = true;
          }});
          return heavy;
        }}""")
    log.assert_clean()


def test_the_page_fills_in_once_the_map_is_drawn(app) -> None:
    """The session's first run sends the map alone; the map, once drawn, starts the run
    that brings the controls and the panel, with no click, and keeps the map as it is."""
    page, log, frame = app
    expect(page.locator("[data-testid='stSidebar']").get_by_role("slider")).to_be_visible()
    expect(sidebar_checkbox(page, BTC_LABEL)).to_be_visible()
    expect(page.get_by_role("heading", name="The corridor in figures")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    # the same map: its page and its scripts were loaded once, and it still draws the routes
    documents = [url for kind, url in log.requests
                 if kind == "document" and "/component/streamlit_folium" in url]
    bundles = [url for _kind, url in log.requests if url.endswith(f"/{MAP_BUNDLE}")]
    assert len(documents) == 1 and len(bundles) == 1, (documents, bundles)
    assert frame.evaluate(bs.ROUTE_IDS_DRAWN) == sorted(ROUTE_IDS)
    log.assert_clean()


def test_back_on_the_map_tab_the_map_opens_where_the_reader_left_it(app) -> None:
    """The map is not drawn while another tab is open; it comes back where it was."""
    page, log, frame = app
    frame.evaluate("() => window.map.setView([41.7, 44.8], 8, {animate: false})")
    page.wait_for_function("() => location.search.includes('view=41.7')")  # reported
    # where the reader left it: the map may settle by a fraction of a pixel as its frame
    # takes its final size, so the view is read from the map, not from the setView call
    left = bs.view(frame)
    page.get_by_role("tab", name="Table", exact=True).click()
    expect(page.locator(bs.MAP_IFRAME)).to_have_count(0)
    page.get_by_role("tab", name="Map", exact=True).click()
    frame = bs.map_frame(page)
    back = bs.view(frame)
    assert back["zoom"] == left["zoom"] == 8
    pixel = 360 / (256 * 2 ** 8)  # degrees of longitude in one screen pixel at zoom 8
    assert back["lng"] == pytest.approx(left["lng"], abs=pixel)
    assert back["lat"] == pytest.approx(left["lat"], abs=pixel * math.cos(math.radians(41.7)))
    log.assert_clean()


def test_a_map_that_cannot_load_does_not_hold_back_the_controls(open_page: OpenPage,
                                                                  app_url: str) -> None:
    """Without its scripts the map never starts the next run: the page starts it itself
    a few seconds on, so the controls and the panel come all the same."""
    page, _log = open_page(bs.local_hosts_only)
    page.route(f"**/{MAP_BUNDLE}", lambda route: route.abort())
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", name="The corridor in figures")).to_be_visible(
        timeout=bs.LOAD_TIMEOUT_MS)
    expect(sidebar_checkbox(page, BTC_LABEL)).to_be_visible()
    assert page.frame_locator(bs.MAP_IFRAME).locator(bs.ROUTE_PATH).count() == 0


# --- The standalone HTML export --------------------------------------------------------------

def test_standalone_map_html_opens_offline(open_page: OpenPage, atlas, colours,
                                           tmp_path: Path) -> None:
    html = tmp_path / "corridor_atlas.html"
    scene = build_scene(atlas, MapView(layers=tuple(atlas.default_layers())))
    build_map(atlas, scene, vendor_dir=VENDOR_DIR, asset_mode="inline").save(str(html))
    page, log = open_page(bs.local_files_only)
    page.goto(html.as_uri())
    page.wait_for_function(bs.COUNT_STROKES, arg=[SHADES, len(ROUTE_IDS), 10**6])
    coloured = [s for s in page.evaluate(bs.STROKES) if s in SHADES]
    assert len(coloured) >= len(ROUTE_IDS)
    assert {colours[route_id] for route_id in ROUTE_IDS} <= set(coloured)
    assert page.evaluate(bs.ROUTE_IDS_DRAWN) == sorted(ROUTE_IDS)
    log.assert_clean()
