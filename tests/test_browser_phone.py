"""The app on a phone (390×844 CSS px, touch) and users' layers, in a real browser.

* The map takes most of the screen's height; the legend starts as a button that a tap
  opens (and another closes), and the credits never cover the scale bar.
* A search pick closes the sidebar and brings the picked route's panel into view; so
  does a tap on a route on the map.
* An uploaded layer: the map fits to it once, a single point at a sensible zoom.

The system Chromium driven by Playwright, fully offline. Without Chromium these tests
are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from corridor_atlas.view import UPLOAD_FIT_MAX_ZOOM

from . import browser_support as bs

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAP_SHARE = 0.7  # of the screen's height the map takes, at least
LEGEND_BUTTON_PX = (150, 48)  # the folded legend: a button at most this wide and tall…
TAP_TARGET_PX = 32  # …and at least this tall, as the map's other buttons, for a finger
LEGEND_SHARE = 0.6  # of the map's height an opened legend takes, at most
IGDIR = "Iğdır–Nakhchivan gas pipeline"
TAP_HEADER = "Trans Adriatic Pipeline (TAP)"
GORI = (44.11, 41.98)  # lon, lat: one point uploaded
UPLOAD_TRIES = 3

# The boxes, in the map frame's viewport, of the controls that share its bottom edge.
CONTROL_BOXES = """() => {
  const box = sel => { const e = document.querySelector(sel);
    if (!e || !e.offsetParent) return null;
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  return {map: [map.left, map.top, map.right, map.bottom],
          scale: box('.leaflet-control-scale'), credits: box('.leaflet-control-attribution'),
          legend: box('.atlas-legend')};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture
def phone(browser: Browser, app_url: str) -> Iterator[tuple[Page, bs.PageLog, Frame]]:
    """The app on a phone: a touch screen 390 px wide, the map drawn."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(bs.UPDATE_TIMEOUT_MS)
    log = bs.watch(page, bs.local_hosts_only)
    page.goto(f"{app_url}/")
    try:
        yield page, log, bs.map_frame(page)
    finally:
        context.close()


def _sidebar(page: Page) -> Any:
    return page.locator("[data-testid='stSidebar']")


def _open_sidebar(page: Page) -> None:
    page.locator("[data-testid='stExpandSidebarButton']").tap()
    expect(_sidebar(page)).to_have_attribute("data-collapsed", "false")


def test_on_a_phone_the_map_fills_the_screen_and_the_legend_is_a_button(phone) -> None:
    page, log, frame = phone
    iframe = page.locator(bs.MAP_IFRAME).first
    frame.wait_for_selector(".atlas-legend")
    height = iframe.bounding_box()["height"]
    assert height >= MAP_SHARE * PHONE["height"], f"the map is {height:.0f} px tall"
    assert height <= PHONE["height"], f"the map is {height:.0f} px tall, more than the screen"

    legend = page.frame_locator(bs.MAP_IFRAME).first.locator(".atlas-legend")
    boxes = frame.evaluate(CONTROL_BOXES)
    width, tall = boxes["legend"][2] - boxes["legend"][0], boxes["legend"][3] - boxes["legend"][1]
    assert width <= LEGEND_BUTTON_PX[0] and TAP_TARGET_PX <= tall <= LEGEND_BUTTON_PX[1], (
        f"the folded legend is {width:.0f}×{tall:.0f} px")
    assert not _overlap(boxes["scale"], boxes["credits"]), boxes
    assert not _overlap(boxes["legend"], boxes["credits"]), boxes
    assert not _overlap(boxes["legend"], boxes["scale"]), boxes

    button, details = legend.locator("summary"), legend.locator("details")
    expect(button).to_have_text("Legend")
    expect(details).not_to_have_attribute("open", "")
    button.tap()  # opens: the rows, no taller than part of the map
    expect(legend.get_by_text("Oil pipelines")).to_be_visible()
    boxes = frame.evaluate(CONTROL_BOXES)
    map_height = boxes["map"][3] - boxes["map"][1]
    assert boxes["legend"][3] - boxes["legend"][1] <= LEGEND_SHARE * map_height, boxes
    button.tap()  # and closes
    expect(legend.get_by_text("Oil pipelines")).to_be_hidden()
    log.assert_clean()


@pytest.mark.parametrize("lang", ["tr", "az"])
def test_on_a_phone_the_legend_button_clears_the_credits_in_every_language(
        browser: Browser, app_url: str, lang: str) -> None:
    """The folded legend's word is longer in Azerbaijani ("Şərti işarələr") than in
    English: the credits beside it still leave it room."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(bs.UPDATE_TIMEOUT_MS)
        page.goto(f"{app_url}/?lang={lang}")
        frame = bs.map_frame(page)
        frame.wait_for_selector(".atlas-legend")
        boxes = frame.evaluate(CONTROL_BOXES)
        assert boxes["legend"][2] - boxes["legend"][0] <= LEGEND_BUTTON_PX[0], boxes
        assert not _overlap(boxes["legend"], boxes["credits"]), boxes
        assert not _overlap(boxes["scale"], boxes["credits"]), boxes
    finally:
        context.close()


# True once the element is on screen whole, below Streamlit's header (fixed over the top).
BELOW_THE_HEADER = """e => {
  const header = document.querySelector("[data-testid='stHeader']").getBoundingClientRect();
  const r = e.getBoundingClientRect();
  return r.top >= header.bottom - 1 && r.bottom <= window.innerHeight;
}"""


def _below_the_header(page: Page, heading: Any) -> None:
    """Wait until ``heading`` is on screen whole, below the header (a scroll may be on)."""
    page.wait_for_function(BELOW_THE_HEADER, arg=heading.element_handle())


def test_on_a_phone_a_search_pick_closes_the_sidebar_and_shows_the_panel(phone) -> None:
    page, log, _frame = phone
    heading = page.get_by_role("heading", name=IGDIR)
    expect(heading).to_have_count(0)
    _open_sidebar(page)
    search = page.get_by_role("textbox", name="Search routes and places")
    search.fill("igdir")
    search.press("Enter")
    page.get_by_role("button", name=IGDIR).tap()
    expect(heading).to_be_visible()
    expect(_sidebar(page)).to_have_attribute("data-collapsed", "true")
    _below_the_header(page, heading)
    log.assert_clean()


def test_on_a_phone_tapping_a_route_shows_its_panel(phone) -> None:
    page, log, frame = phone
    heading = page.get_by_role("heading", name=TAP_HEADER)
    points = frame.wait_for_function(
        f"id => {{ const p = ({bs.CLICKABLE_POINTS})(id); return p.length ? p : null; }}",
        arg="tap").json_value()
    page.touchscreen.tap(*bs.to_page(page, points[len(points) // 2]))
    expect(heading).to_be_visible()
    _below_the_header(page, heading)
    log.assert_clean()


# --- users' layers ---------------------------------------------------------------------------

def test_the_map_fits_to_an_uploaded_point_once(open_page, app_url: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/")
    frame = bs.map_frame(page)
    opening = bs.view(frame)
    page.get_by_text("Your own layers").click()
    point = {"type": "Feature", "properties": {"name": "Gori"},
             "geometry": {"type": "Point", "coordinates": list(GORI)}}
    upload = {"name": "gori.geojson", "mimeType": "application/geo+json",
              "buffer": json.dumps(point).encode()}
    for attempt in range(UPLOAD_TRIES):  # a rerun under way (the map's first report) may
        page.locator("[data-testid='stSidebar'] input[type=file]").set_input_files(
            files=[upload])  # redraw the uploader and drop the file: give it again
        try:
            expect(page.locator("[data-testid='stFileUploader']").get_by_text(
                "gori.geojson", exact=True)).to_be_visible()
        except AssertionError:
            if attempt == UPLOAD_TRIES - 1:
                raise
        else:
            break
    expect(page.get_by_text("gori.geojson: 1 feature, geometry types Point")).to_be_visible(
        timeout=bs.UPDATE_TIMEOUT_MS)
    frame.wait_for_function("z => window.map.getZoom() > z", arg=opening["zoom"])
    fitted = bs.view(frame)
    assert fitted["zoom"] == UPLOAD_FIT_MAX_ZOOM
    assert (fitted["lng"], fitted["lat"]) == pytest.approx(GORI, abs=0.01)
    fit = frame.evaluate("() => window.__atlasFit")
    assert fit
    # the reader moves on; the next run (a year picked) leaves the map where they put it
    bs.zoom_in_and_drag(page, frame, clicks=1)
    moved = bs.view(frame)
    year = page.get_by_role("slider", name="As of year")
    year.focus()
    year.press("ArrowLeft")
    picked = year.input_value()
    page.wait_for_function("y => location.search.includes('year=' + y)", arg=picked)
    assert bs.view(frame) == pytest.approx(moved)
    assert frame.evaluate("() => window.__atlasFit") == fit
    log.assert_clean()


# Text in the panel's column wider than the column (cut off, or scrolled sideways), and
# the number of lines the panel's heading takes.
PANEL_FITS = """heading => {
  const column = heading.closest('[data-testid="stColumn"]') || document.body;
  const wide = [];
  for (const e of column.querySelectorAll(
      'h1, h2, h3, [data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"],'
      + ' .dvn-scroller')) {
    if (e.scrollWidth > e.clientWidth + 1) wide.push(e.textContent.slice(0, 60) || 'a table');
  }
  const text = document.createRange();  // the lines its words are set on
  text.selectNodeContents(heading.querySelector('span') || heading);
  const tops = new Set(Array.from(text.getClientRects())
      .filter(r => r.width > 1).map(r => Math.round(r.bottom / 4)));
  return {wide, lines: tops.size};
}"""


@pytest.mark.parametrize(("query", "name", "heading"), [
    ("ceyhan", "Ceyhan Marine Terminal (BTC terminal)", "Ceyhan Marine Terminal"),
    ("melendugno", "TAP landfall (San Foca", "TAP landfall, Melendugno"),
])
def test_on_a_phone_a_facility_panel_heads_with_its_name_and_nothing_is_cut(
        phone, query: str, name: str, heading: str) -> None:
    """A facility's heading is its name, in two lines at most; what it is and where go
    in the caption under it; its facts and sources fit the screen's width."""
    page, log, _frame = phone
    _open_sidebar(page)
    search = page.get_by_role("textbox", name="Search routes and places")
    search.fill(query)
    search.press("Enter")
    page.get_by_role("button", name=name).first.tap()
    title = page.get_by_role("heading", name=heading, exact=True)
    expect(title).to_be_visible()
    expect(page.locator("[data-testid='stCaptionContainer']")
           .filter(has_text="location: ").first).to_be_visible()
    fits = title.evaluate(PANEL_FITS)
    assert fits["wide"] == [] and fits["lines"] <= 2, fits
    log.assert_clean()
