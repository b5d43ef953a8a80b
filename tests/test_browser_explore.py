"""Exploring the corridor in a real browser: shared links, the URL, the year player.

The system Chromium driven by Playwright, fully offline: every page aborts (and
records) requests to any host but the local app server. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from corridor_atlas import styles

from . import browser_support as bs
from .conftest import ROUTE_IDS, OpenPage

pytestmark = pytest.mark.browser

PLAY_TIMEOUT_S = 20.0
TAP_HEADER = "Trans Adriatic Pipeline (TAP)"
CONSTRUCTION_DASH = styles.STATUS_DASH["construction"]
PLANNED_DASH = styles.STATUS_DASH["planned"]
CENTRE_TOLERANCE_DEG = 0.3

# The stroke-dasharray of each drawn line of one route ('' for a solid line).
ROUTE_DASHES = f"""(routeId) => {{
  const out = [];
  ({bs.FIND_MAP})().eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (p && p.route_id === routeId && l._path && l._path.isConnected)
      out.push(l._path.getAttribute('stroke-dasharray') || '');
  }});
  return out;
}}"""


# --- Helpers ---------------------------------------------------------------------------------





def drawn(frame: Frame) -> set[str]:
    return set(frame.evaluate(bs.ROUTE_IDS_DRAWN))


def wait_drawn(frame: Frame, ids: set[str]) -> None:
    """Wait until exactly ``ids`` are drawn (the layer groups arrive with a rerun)."""
    frame.wait_for_function(f"want => JSON.stringify(({bs.ROUTE_IDS_DRAWN})()) === want",
                            arg=json.dumps(sorted(ids), separators=(",", ":")))


def query(page: Page) -> dict[str, str]:
    """The page's query parameters as the app last wrote them (last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query,
                                         keep_blank_values=True).items()}


# The page's query parameters, as a plain object (last value of each), in the page.
QUERY_JS = "() => Object.fromEntries(new URLSearchParams(location.search))"


def wait_query(page: Page, ok_js: str, arg: Any = None) -> dict[str, str]:
    """Wait until ``ok_js(params, arg)`` holds for the page's query parameters; return them.

    Playwright re-evaluates the predicate in the page until it holds (or fails the test
    after the update timeout): no polling loop of our own.
    """
    page.wait_for_function(f"(arg) => ({ok_js})(({QUERY_JS})(), arg)", arg=arg,
                           timeout=bs.UPDATE_TIMEOUT_MS)
    return query(page)


def parse_view(text: str) -> tuple[float, float, float]:
    lat, lon, zoom = (float(part) for part in text.split(","))
    return lat, lon, zoom


def year_slider(page: Page) -> Any:
    """The sidebar's "As of year" slider (its range input)."""
    return page.locator("[data-testid='stSidebar']").get_by_role("slider")


def slider_year(page: Page) -> int:
    """The year the sidebar slider shows."""
    return int(year_slider(page).input_value())


def assert_near(got: dict[str, float], lat: float, lng: float, zoom: float) -> None:
    assert got["zoom"] == pytest.approx(zoom, abs=0.5), got
    assert got["lat"] == pytest.approx(lat, abs=CENTRE_TOLERANCE_DEG), got
    assert got["lng"] == pytest.approx(lng, abs=CENTRE_TOLERANCE_DEG), got




# --- Tests -----------------------------------------------------------------------------------

def test_shared_url_restores_extent_and_layers(open_page: OpenPage, app_url: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/?layers=tap,tanap&year=2021&route=tap&view=40.2,27.5,7")
    frame = bs.map_frame(page)
    wait_drawn(frame, {"tap", "tanap"})
    assert drawn(frame) == {"tap", "tanap"}
    assert_near(bs.view(frame), 40.2, 27.5, 7)
    expect(page.get_by_role("heading", name=TAP_HEADER)).to_be_visible()
    expect(year_slider(page)).to_have_value("2021")

    # The app rewrites the query string from its own state: the view survives it.
    params = wait_query(page, """(q) => {
        if (!(q.layers && q.year === '2021' && q.route === 'tap' && q.view)) return false;
        const [lat, lon, zoom] = q.view.split(',').map(Number);
        return Math.abs(zoom - 7) <= 0.5 && Math.abs(lat - 40.2) < 0.5
            && Math.abs(lon - 27.5) < 0.5;
    }""")
    assert set(params.get("layers", "").split(",")) == {"tap", "tanap"}, params
    assert params.get("year") == "2021", params
    assert params.get("route") == "tap", params
    lat, lon, zoom = parse_view(params.get("view", "nan,nan,nan"))
    assert_near({"lat": lat, "lng": lon, "zoom": zoom}, 40.2, 27.5, 7)
    assert drawn(frame) == {"tap", "tanap"}
    assert_near(bs.view(frame), 40.2, 27.5, 7)
    log.assert_clean()


def test_moving_the_map_updates_the_url(open_page: OpenPage, app_url: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    start = bs.view(frame)
    bs.zoom_in_and_drag(page, frame, by=(120, 60))  # zoom and pan: not the default view
    moved = bs.view(frame)
    assert moved["zoom"] == start["zoom"] + 2
    assert abs(moved["lng"] - start["lng"]) > CENTRE_TOLERANCE_DEG, (start, moved)

    shows_moved = """(q, m) => {
        if (!q.view) return false;
        const [lat, lon, zoom] = q.view.split(',').map(Number);
        return zoom === m.zoom && Math.abs(lat - m.lat) < 0.01 && Math.abs(lon - m.lng) < 0.01;
    }"""
    params = wait_query(page, shows_moved, moved)
    shared = f"{app_url}/?{urlsplit(page.evaluate('location.href')).query}"
    assert set(params) == {"view"}, params  # nothing else differs from the default view
    log.assert_clean()

    other, other_log = open_page(bs.local_hosts_only)
    other.goto(shared)
    other_frame = bs.map_frame(other)
    wait_drawn(other_frame, set(ROUTE_IDS))
    assert_near(bs.view(other_frame), moved["lat"], moved["lng"], moved["zoom"])
    assert bs.view(other_frame)["zoom"] == moved["zoom"]
    expect(other.locator("[data-testid='stAlert']")).to_have_count(0)  # no notice
    other_log.assert_clean()


def test_play_advances_the_year_and_the_map_changes(open_page: OpenPage, app_url: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/?year=2014")
    frame = bs.map_frame(page)
    # Kars–Nakhchivan not yet agreed; Iğdır–Nakhchivan agreed since 2009
    in_2014 = {"btc", "scp", "tanap", "tap", "btk", "igdir_nakhchivan"}
    wait_drawn(frame, in_2014)
    assert slider_year(page) == 2014
    tanap = frame.evaluate(ROUTE_DASHES, "tanap")
    assert tanap and PLANNED_DASH in tanap and CONSTRUCTION_DASH not in tanap, tanap
    frame.evaluate("() => { window.__probe = 1; }")

    # The page records every year the slider shows, on each animation frame, from now on.
    page.evaluate(bs.RECORD_YEARS)
    bs.flip_play(page)
    expect(bs.play_switch(page)).to_be_checked()
    # TANAP turns from dotted (planned) to dashed (under construction) in 2015.
    frame.wait_for_function(f"() => ({ROUTE_DASHES})('tanap')"
                            f".some(d => d === '{CONSTRUCTION_DASH}')",
                            timeout=PLAY_TIMEOUT_S * 1000)
    page.wait_for_function("() => Math.max(...window.__years) >= 2016",
                           timeout=PLAY_TIMEOUT_S * 1000)
    seen = page.evaluate("() => window.__years")
    # Each year in turn, none skipped.
    assert seen == sorted(seen) and seen[0] == 2014, seen
    assert seen == list(range(2014, max(seen) + 1)), seen
    assert drawn(frame) == in_2014  # the same routes until 2020, only their lines change

    bs.flip_play(page)
    expect(bs.play_switch(page)).not_to_be_checked()
    # Playing keeps the script running (each step waits, then reruns): once the app is idle
    # after Pause, no further step is scheduled.
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=bs.UPDATE_TIMEOUT_MS)
    stopped = slider_year(page)
    assert page.evaluate("() => Math.max(...window.__years)") == stopped
    assert 2016 <= stopped < 2020, seen
    wait_query(page, "(q, year) => q.year === year", str(stopped))
    assert frame.evaluate("() => window.__probe") == 1, "the map iframe was reloaded"
    log.assert_clean()


def test_garbage_url_shows_notices(open_page: OpenPage, app_url: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{app_url}/?year=abc&layers=%3Cscript%3Ealert(1)%3C/script%3E&view=1,2")
    frame = bs.map_frame(page)
    wait_drawn(frame, set(ROUTE_IDS))
    alerts = page.locator("[data-testid='stAlert']")
    expect(alerts.filter(has_text="not a whole number")).to_have_count(1)
    expect(alerts.filter(has_text="unknown layer")).to_have_count(1)
    expect(alerts.filter(has_text="LAT,LON,ZOOM")).to_have_count(1)
    # The rejected id is shown as text, never run.
    expect(alerts.filter(has_text="<script>alert(1)</script>")).to_have_count(1)
    assert drawn(frame) == set(ROUTE_IDS)
    # The app rewrites the URL from what it shows: the rejected values are gone from it.
    wait_query(page, "(q) => !('year' in q) && !('layers' in q)")
    assert dialogs == []
    log.assert_clean()


def test_play_stops_at_the_last_year(open_page, app_url) -> None:
    """At the end of the data Play switches itself off, and can be switched on again."""
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}?year=2031")
    bs.flip_play(page)
    expect(bs.play_switch(page)).to_be_checked()
    expect(bs.play_switch(page)).not_to_be_checked()
    expect(bs.play_switch(page)).to_be_enabled()
    expect(year_slider(page)).to_have_value("2032")
    page.wait_for_function("() => location.search.includes('year=2032')", timeout=5_000)
    log.assert_clean()
