"""One map state, in a real browser: a shared view opens at every window size, the map's
layer control and the sidebar switch the same layers, a pick zooms to what was picked,
and web tiles that cannot load say so on the map.

The system Chromium driven by Playwright, fully offline: every page aborts (and
records) requests to any host but the local app server. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from corridor_atlas.maps import BASEMAPS, TILE_NOTICE

from . import browser_support as bs
from .conftest import GEO_DIR, ROUTE_IDS, OpenPage

pytestmark = pytest.mark.browser

WIDTHS = (390, 800, 1024, 1280, 1440)
SHARED = (41.0, 44.5, 6.0)  # lat, lon, zoom: the South Caucasus
CENTRE_TOLERANCE_DEG = 0.3
TAP_NAME = "Trans Adriatic Pipeline (TAP)"
TAP_IN_CONTROL = re.compile(r"\(TAP\)$")  # the control names routes as the sidebar does

# The map's extent and zoom, and whether it shows the whole of a box (W, S, E, N).
SHOWS = f"""([w, s, e, n]) => {{
  const map = ({bs.FIND_MAP})();
  return map.getBounds().contains(L.latLngBounds([[s, w], [n, e]]));
}}"""
EXTENT = f"""() => {{
  const map = ({bs.FIND_MAP})(), b = map.getBounds();
  return {{west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),
           zoom: map.getZoom()}};
}}"""
DRAWN = f"""() => {{
  const ids = new Set();
  ({bs.FIND_MAP})().eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (p && p.route_id && l._path && l._path.isConnected) ids.add(p.route_id);
  }});
  return JSON.stringify(Array.from(ids).sort());
}}"""


def open_app(open_page: OpenPage, width: int) -> tuple[Page, bs.PageLog]:
    page, log = open_page(bs.local_hosts_only)
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    page.add_init_script(bs.RUN_COUNTER)
    return page, log


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query,
                                         keep_blank_values=True).items()}


def wait_drawn(frame: Frame, ids: set[str]) -> None:
    frame.wait_for_function(f"want => ({DRAWN})() === want",
                            arg=json.dumps(sorted(ids), separators=(",", ":")),
                            timeout=bs.UPDATE_TIMEOUT_MS)


def assert_near(got: dict[str, float], lat: float, lng: float, zoom: float) -> None:
    assert got["zoom"] == pytest.approx(zoom, abs=0.26), got
    assert got["lat"] == pytest.approx(lat, abs=CENTRE_TOLERANCE_DEG), got
    assert got["lng"] == pytest.approx(lng, abs=CENTRE_TOLERANCE_DEG), got


def span_km(extent: dict[str, float]) -> tuple[float, float]:
    import math

    lat = math.radians((extent["south"] + extent["north"]) / 2)
    return ((extent["east"] - extent["west"]) * 111.32 * math.cos(lat),
            (extent["north"] - extent["south"]) * 111.32)


def route_bbox(route_id: str) -> list[float]:
    from corridor_atlas.layers import load_atlas

    return [float(v) for v in load_atlas(GEO_DIR).routes[route_id].total_bounds]


# --- Tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_a_shared_view_opens_at_every_window_size(open_page: OpenPage, app_url: str,
                                                  width: int) -> None:
    page, log = open_app(open_page, width)
    page.goto(f"{app_url}/?view={SHARED[0]},{SHARED[1]},{SHARED[2]:g}")
    frame = bs.map_frame(page)
    bs.settle(page)  # the map has said where it is, and the app has written the URL
    assert_near(bs.view(frame), *SHARED)
    lat, lon, zoom = (float(v) for v in query(page)["view"].split(","))
    assert_near({"lat": lat, "lng": lon, "zoom": zoom}, *SHARED)
    log.assert_clean()


def test_the_layer_control_and_the_sidebar_switch_the_same_layers(open_page: OpenPage,
                                                                  app_url: str) -> None:
    page, log = open_app(open_page, 1440)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    wait_drawn(frame, set(ROUTE_IDS))
    bs.settle(page)
    control = page.frame_locator(bs.MAP_IFRAME).first.locator(".leaflet-control-layers")
    tap_box = control.locator("label").filter(has_text=TAP_IN_CONTROL).locator("input")
    sidebar_tap = page.locator(".st-key-layer_tap input[type=checkbox]")
    expect(sidebar_tap).to_be_checked()

    # Unticked in the map: gone from the map, the sidebar and the URL alike.
    control.hover()
    listed = [t.strip() for t in control.locator("label").all_text_contents()]
    boxes = page.locator("[data-testid='stSidebar'] [class*='st-key-layer_']")
    sidebar = [t.strip() for t in boxes.all_text_contents()]
    assert [t.removeprefix("▬ ") for t in listed[:4]] == sidebar[:4], (listed, sidebar)
    assert sidebar[3] == "Trans Adriatic Pipeline (TAP)"  # the sidebar's order and names
    assert "● Facilities" in listed and len(listed) == 15, listed  # all it switches
    bs.rerun(page, lambda: tap_box.uncheck())
    expect(sidebar_tap).not_to_be_checked()
    wait_drawn(frame, set(ROUTE_IDS) - {"tap"})
    assert "tap" not in query(page)["layers"].split(",")
    assert set(query(page)["layers"].split(",")) == set(ROUTE_IDS) - {"tap"}
    expect(tap_box).not_to_be_checked()  # still listed, in its place, to switch on again
    assert [t.strip() for t in control.locator("label").all_text_contents()] == listed

    # The next change in the sidebar keeps it off.
    bs.rerun(page, lambda: page.locator(".st-key-layer_facilities label").click())
    frame.wait_for_function("() => !!document.querySelector('path.leaflet-interactive')"
                            " && Array.from(document.querySelectorAll('.leaflet-control-layers"
                            " label')).some(l => /Facilities/.test(l.textContent)"
                            " && l.querySelector('input').checked)")
    wait_drawn(frame, set(ROUTE_IDS) - {"tap"})
    expect(sidebar_tap).not_to_be_checked()
    expect(tap_box).not_to_be_checked()

    # Ticked in the map again: drawn, and ticked in the sidebar.
    control.hover()
    bs.rerun(page, lambda: tap_box.check())
    expect(sidebar_tap).to_be_checked()
    wait_drawn(frame, set(ROUTE_IDS))
    assert "tap" in query(page)["layers"].split(",")
    log.assert_clean()


def test_picking_a_route_in_the_route_panel_list_zooms_to_it(open_page: OpenPage,
                                                             app_url: str) -> None:
    page, log = open_app(open_page, 1440)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    bs.settle(page)
    before = frame.evaluate(EXTENT)
    tap = route_bbox("tap")
    bs.choose(page, "Route panel", TAP_NAME)
    frame.wait_for_function(SHOWS, arg=tap, timeout=bs.UPDATE_TIMEOUT_MS)
    bs.view(frame)  # at rest
    after = frame.evaluate(EXTENT)
    assert after["zoom"] > before["zoom"], (before, after)  # closer: the route fills the map
    assert frame.evaluate(SHOWS, tap)
    bs.settle(page)
    assert query(page).get("route") == "tap" and "view" in query(page)
    log.assert_clean()


@pytest.mark.parametrize("width", [390, 1440])
def test_a_search_pick_shows_the_place_with_its_surroundings(open_page: OpenPage, app_url: str,
                                                             width: int) -> None:
    page, log = open_app(open_page, width)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    bs.settle(page)
    if width < 500:  # a phone: the sidebar opens over the map
        page.get_by_test_id("stExpandSidebarButton").click()
    search = page.get_by_role("textbox", name="Search routes and places")
    search.fill("ceyhan")
    bs.rerun(page, lambda: search.press("Enter"))
    bs.rerun(page, lambda: page.locator(".st-key-hit_facility_ceyhan_terminal button").click())
    # No source locates the terminal itself: the map shows the sourced towns standing in
    # for it (Ceyhan, Yumurtalık) and what is around them, and the sidebar says so.
    proxies = [35.79667, 36.76917, 35.817, 37.033]
    frame.wait_for_function(SHOWS, arg=proxies, timeout=bs.UPDATE_TIMEOUT_MS)
    bs.view(frame)
    extent = frame.evaluate(EXTENT)
    assert extent["zoom"] <= 10, extent
    assert min(span_km(extent)) >= 99, extent
    expect(page.get_by_text("which stand in for it")).to_be_visible()
    # the routes there are drawn, and named on the map
    names = page.frame_locator(bs.MAP_IFRAME).first.locator(".atlas-label")
    expect(names.filter(has_text="Ceyhan").first).to_be_visible()
    log.assert_clean()


def test_web_tiles_that_cannot_load_say_so_on_the_map(open_page: OpenPage,
                                                      app_url: str) -> None:
    page, log = open_app(open_page, 1440)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    bs.settle(page)
    inside = page.frame_locator(bs.MAP_IFRAME).first
    expect(inside.locator(".atlas-tile-notice")).to_have_count(0)
    bs.zoom_in_and_drag(page, frame)
    bs.settle(page)
    where = bs.view(frame)
    # The tests are offline: every tile request is aborted, as with no internet.
    bs.rerun(page, lambda: page.get_by_text(BASEMAPS["osm"]).click())
    notice = inside.locator(".atlas-tile-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(TILE_NOTICE)
    frame = bs.map_frame(page)
    # the map is made anew for the other basemap, where the reader was
    assert_near(bs.view(frame), where["lat"], where["lng"], where["zoom"])
    # and the countries are filled in, as on the offline basemap, instead of a blue sea
    frame.wait_for_function("() => Array.from(document.querySelectorAll("
                            "'.leaflet-atlasBasemap-pane path'))"
                            ".some(p => p.getAttribute('fill-opacity') === '1')")
    assert {urlsplit(u).hostname for u in log.external} == {"tile.openstreetmap.org"}
    assert {k for k in log.problems() if k != "external requests (aborted)"} == set()


def test_moving_the_map_keeps_the_route_picked_after_a_click(open_page: OpenPage,
                                                             app_url: str) -> None:
    """A route clicked on the map, then another picked in the list: moving the map
    afterwards is no new click, and leaves the panel on the route picked."""
    page, log = open_app(open_page, 1440)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    bs.settle(page)
    points = frame.wait_for_function(f"id => {{ const p = ({bs.CLICKABLE_POINTS})(id);"
                                     " return p.length ? p : null; }", arg="tap").json_value()
    bs.rerun(page, lambda: page.mouse.click(*bs.to_page(page, points[len(points) // 2])))
    expect(page.get_by_role("heading", name=TAP_NAME)).to_be_visible()
    bs.choose(page, "Route panel", "Baku–Tbilisi–Ceyhan oil pipeline (BTC)")
    btc = page.get_by_role("heading", name="Baku–Tbilisi–Ceyhan oil pipeline (BTC)")
    expect(btc).to_be_visible()
    bs.view(frame)
    bs.rerun(page, lambda: bs.zoom_in_and_drag(page, frame, clicks=1))
    expect(btc).to_be_visible()
    expect(page.get_by_role("heading", name=TAP_NAME)).to_have_count(0)
    assert query(page).get("route") == "btc"
    log.assert_clean()


def test_a_zoom_to_area_stays_in_the_url_until_the_map_moves(open_page: OpenPage,
                                                             app_url: str) -> None:
    page, log = open_app(open_page, 1440)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    bs.settle(page)
    bs.choose(page, "Zoom to", "Nakhchivan")
    bs.view(frame)
    bs.settle(page)  # the map has said where the fit put it
    assert query(page).get("view") == "nakhchivan"  # the area's name: a link for any size
    bs.rerun(page, lambda: bs.zoom_in_and_drag(page, frame, clicks=1))
    moved = bs.view(frame)
    lat, lon, zoom = (float(v) for v in query(page)["view"].split(","))
    assert_near({"lat": lat, "lng": lon, "zoom": zoom}, moved["lat"], moved["lng"],
                moved["zoom"])
    log.assert_clean()
