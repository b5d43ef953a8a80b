"""Names on the map, flow widths and the legend, in a real browser.

* In the app, at a desktop and a phone size, at the opening view and at a "Zoom to"
  preset: every route in sight carries its short name inside the map, and no two names
  overlap (their rotated boxes, tested by separating axes) or cover a control.
* The browser PDF export has the routes' names and their ends' names as text, once per
  name drawn (the halo is painted, so a name is never written twice).
* With flows on, the lines are as wide as the scene says, in proportion to the sourced
  volumes; a route with no figure for the year is thin and finely dashed.
* A still export puts its legend in a corner, and no name under it.

The system Chromium driven by Playwright, fully offline. Without Chromium these tests
are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import calendar
import io
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Frame, Page, expect
from pypdf import PdfReader

from corridor_atlas import exports, maps, snapshot, styles
from corridor_atlas.catalog import Catalog, Route
from corridor_atlas.flows import Missing
from corridor_atlas.scene import Scene, build_scene
from corridor_atlas.view import PRESETS, SIZE_PRESETS, MapView

from . import browser_support as bs
from .conftest import VENDOR_DIR, OpenPage

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PRESET = "south-caucasus"
FLOW_YEAR = 2022
NO_FIGURE_YEAR = 2023  # TANAP: only its deliveries to Türkiye are sourced that year
PLACES = ("Ceyhan", "Kipoi", "Melendugno", "Kars", "Baku")
OVERLAP_TOLERANCE_PX = 0.5  # sub-pixel rounding of a box's edges
MIN_VISIBLE_PX = 5.0  # a route with less of its line in sight need not carry its name
QUIET_MS = 1000  # > streamlit-folium's debounce of map events, and a rerun
WHITE = 250  # every channel of the legend's background (white at 94 % over any colour)
LEGEND_WHITE_SHARE = 0.6
CORNER_SLACK_PX = 16  # a Leaflet control sits 10 px in from its corner
FIT_SLACK = 0.03  # of the extent's width and height
FIT_FILL = 0.5  # zoom steps are half levels: a fitted extent fills over 0.7 of one side


# --- What the page draws ---------------------------------------------------------------------

_LABELS_LAYER = f"""() => {{
  const map = ({bs.FIND_MAP})();
  let found = null;
  if (map) map.eachLayer(l => {{ if (l instanceof L.AtlasLabels) found = l; }});
  return found;
}}"""

# True once the map and its names have not changed for ``quietMs``: no zoom or pan under
# way, and the same names in the same places (a rerun may swap the label layer).
SETTLED = f"""(quietMs) => {{
  const map = ({bs.FIND_MAP})();
  if (!map || !map._loaded || map._animatingZoom) return false;
  const labels = ({_LABELS_LAYER})();
  if (!labels || !labels.placed) return false;
  const c = map.getCenter(), s = map.getSize();
  const key = JSON.stringify([c.lat, c.lng, map.getZoom(), s.x, s.y,
    Array.from(map.getContainer().querySelectorAll('.atlas-label')).map(
      e => [e.textContent, e.style.left, e.style.top, e.style.transform])]);
  const now = performance.now();
  if (window.__atlasKey !== key) {{
    window.__atlasKey = key;
    window.__atlasSince = now;
    return false;
  }}
  return now - window.__atlasSince >= quietMs;
}}"""

# Each name's real box: its centre, its unrotated size and the angle of its transform;
# and the boxes of the map and of its controls (all in the page's viewport).
LAYOUT = f"""() => {{
  const map = ({bs.FIND_MAP})(), root = map.getContainer();
  const rect = r => [r.left, r.top, r.right, r.bottom];
  const labels = Array.from(root.querySelectorAll('.atlas-label')).map(el => {{
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    const m = new DOMMatrixReadOnly(cs.transform === 'none' ? undefined : cs.transform);
    return {{kind: el.getAttribute('data-label'), text: el.textContent,
             cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2,
             w: parseFloat(cs.width), h: parseFloat(cs.height),
             angle: Math.atan2(m.b, m.a), inPane: !!el.closest('.leaflet-map-pane')}};
  }});
  const controls = Array.from(root.querySelectorAll('.leaflet-control'))
    .map(el => ({{cls: el.className, box: rect(el.getBoundingClientRect())}}))
    .filter(c => c.box[2] > c.box[0] && c.box[3] > c.box[1]);
  const legend = root.querySelector('.atlas-legend');
  const holder = legend && legend.closest('.leaflet-top, .leaflet-bottom');
  const side = holder ? ['top', 'bottom'].find(v => holder.classList.contains('leaflet-' + v))
    + ['left', 'right'].find(h => holder.classList.contains('leaflet-' + h)) : null;
  return {{map: rect(root.getBoundingClientRect()), labels, controls,
           legend: legend ? rect(legend.getBoundingClientRect()) : null, legendIn: side,
           holder: holder ? rect(holder.getBoundingClientRect()) : null,
           corner: root.getAttribute('data-legend')}};
}}"""

BOUNDS = f"""() => {{
  const b = ({bs.FIND_MAP})().getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}}"""

# How many pixels of each route's line are in sight: inside the map (less the label
# engine's margin) and under no control.
VISIBLE_PX = f"""(margin) => {{
  const map = ({bs.FIND_MAP})(), root = map.getContainer();
  const box = root.getBoundingClientRect();
  const controls = Array.from(root.querySelectorAll('.leaflet-control'))
    .map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const seen = (x, y) => x > box.left + margin && x < box.right - margin
    && y > box.top + margin && y < box.bottom - margin
    && !controls.some(r => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
  const out = {{}};
  map.eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (!p || !p.route_id || !l._path || !l._path.isConnected) return;
    const path = l._path, total = path.getTotalLength(), ctm = path.getScreenCTM();
    if (!total || !ctm) return;
    const n = Math.max(2, Math.ceil(total / 2));
    let last = null, length = 0;
    for (let i = 0; i <= n; i++) {{
      const q = path.getPointAtLength(total * i / n);
      const x = ctm.a * q.x + ctm.c * q.y + ctm.e, y = ctm.b * q.x + ctm.d * q.y + ctm.f;
      const here = seen(x, y) ? [x, y] : null;
      if (here && last) length += Math.hypot(here[0] - last[0], here[1] - last[1]);
      last = here;
    }}
    out[p.route_id] = (out[p.route_id] || 0) + length;
  }});
  return out;
}}"""

# The stroke width and dash pattern of each drawn line of a route.
ROUTE_LINES = f"""(routeId) => {{
  const out = [];
  ({bs.FIND_MAP})().eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (p && p.route_id === routeId && l._path && l._path.isConnected)
      out.push({{id: l.feature.id, width: Number(l._path.getAttribute('stroke-width')),
                 dash: l._path.getAttribute('stroke-dasharray') || ''}});
  }});
  return out;
}}"""


# --- Geometry --------------------------------------------------------------------------------

Point = tuple[float, float]


def corners(label: dict[str, Any]) -> list[Point]:
    """The four corners of a name's rotated box."""
    c, s = math.cos(label["angle"]), math.sin(label["angle"])
    dx, dy = label["w"] / 2, label["h"] / 2
    return [(label["cx"] + x * c - y * s, label["cy"] + x * s + y * c)
            for x, y in ((-dx, -dy), (dx, -dy), (dx, dy), (-dx, dy))]


def rectangle(box: Sequence[float]) -> list[Point]:
    left, top, right, bottom = box
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def overlap(a: Sequence[Point], b: Sequence[Point],
            tolerance: float = OVERLAP_TOLERANCE_PX) -> bool:
    """Whether two convex polygons overlap by more than ``tolerance`` (separating axes)."""
    for poly in (a, b):
        for (x1, y1), (x2, y2) in zip(poly, [*poly[1:], poly[0]], strict=True):
            nx, ny = y2 - y1, x1 - x2
            norm = math.hypot(nx, ny)
            if norm == 0:
                continue
            pa = [(x * nx + y * ny) / norm for x, y in a]
            pb = [(x * nx + y * ny) / norm for x, y in b]
            if max(pa) - min(pb) <= tolerance or max(pb) - min(pa) <= tolerance:
                return False
    return True


def test_overlap_tells_rotated_boxes_apart() -> None:
    """The test's own geometry: boxes whose bounding boxes meet may still be apart."""
    flat = {"cx": 0.0, "cy": 0.0, "w": 100.0, "h": 10.0, "angle": 0.0}
    tilted = {"cx": 0.0, "cy": 0.0, "w": 100.0, "h": 10.0, "angle": math.radians(45)}
    beside = {**tilted, "cx": 10.0, "cy": -10.0}  # 14 px from it, across its 10 px height
    crossing = {"cx": 10.0, "cy": 0.0, "w": 100.0, "h": 10.0, "angle": math.radians(60)}
    far = {"cx": 0.0, "cy": 30.0, "w": 100.0, "h": 10.0, "angle": 0.0}
    assert not overlap(corners(tilted), corners(beside))  # bounding boxes overlap; boxes don't
    assert overlap(corners(tilted), corners({**beside, "cx": 5.0, "cy": -5.0}))
    assert overlap(corners(flat), corners(crossing))
    assert not overlap(corners(flat), corners(far))
    touching = {"cx": 0.0, "cy": 10.0, "w": 100.0, "h": 10.0, "angle": 0.0}
    assert not overlap(corners(flat), corners(touching))
    assert overlap(corners(flat), rectangle((40, -20, 60, 20)))


def inside(points: Sequence[Point], box: Sequence[float],
           tolerance: float = OVERLAP_TOLERANCE_PX) -> bool:
    left, top, right, bottom = box
    return all(left - tolerance <= x <= right + tolerance
               and top - tolerance <= y <= bottom + tolerance for x, y in points)


def describe(label: dict[str, Any]) -> str:
    return (f"{label['kind']} {label['text']!r} at ({label['cx']:.0f}, {label['cy']:.0f}) "
            f"{label['w']:.0f}×{label['h']:.0f} {math.degrees(label['angle']):.0f}°")


def overlapping(labels: Sequence[dict[str, Any]]) -> list[str]:
    boxes = [corners(la) for la in labels]
    return [f"{describe(labels[i])} / {describe(labels[j])}"
            for i in range(len(labels)) for j in range(i + 1, len(labels))
            if overlap(boxes[i], boxes[j])]


# --- Fixtures and helpers --------------------------------------------------------------------

@pytest.fixture(scope="module")
def renderer(chromium: str) -> Iterator[None]:
    """The exports' shared browser, closed when this module is done."""
    yield
    snapshot.shutdown()


def short_names(catalog: Catalog, ids: Sequence[str]) -> dict[str, str]:
    return {rid: catalog.route(rid).short_name for rid in ids}


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def settle(frame: Frame | Page) -> None:
    """Wait until the map and its names have stopped changing."""
    frame.wait_for_function(SETTLED, arg=QUIET_MS, polling=100)


def open_still(page: Page, atlas: Any, scene: Scene, size: tuple[int, int]) -> None:
    """The page a PNG or PDF export draws, at its size (the HTML ``snapshot`` renders)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    html = maps.snapshot_map(atlas, scene, vendor_dir=VENDOR_DIR,
                             interactive=False).get_root().render()
    page.set_content(html, wait_until="load")
    page.wait_for_function("() => window.atlasReady === true")
    settle(page)


def assert_fitted(shown: Sequence[float], wanted: Sequence[float]) -> None:
    """The map shows all of ``wanted`` (W, S, E, N), filling at least half of one side."""
    west, south, east, north = shown
    w, s, e, n = wanted
    slack_x, slack_y = FIT_SLACK * (e - w), FIT_SLACK * (n - s)
    assert (west <= w + slack_x and south <= s + slack_y and east >= e - slack_x
            and north >= n - slack_y), f"the map shows {shown}, not all of {wanted}"
    assert max((e - w) / (east - west), (n - s) / (north - south)) > FIT_FILL, (
        f"the map shows {shown}: far more than {wanted}")


def throughput(route: Route, year: int) -> float | None:
    """A route's sourced throughput in ``year`` in its family's unit (bcm/y or bbl/d),
    worked out by hand from the catalog: the throughput figure, else the sum of its
    shares when every one is sourced; ``None`` without either."""
    days = 366 if calendar.isleap(year) else 365
    per_unit = {"bcm": 1.0, "million bbl": 1e6 / days}
    of_year = [v for v in route.facts.annual_volumes if v.year == year]
    whole = [v for v in of_year if v.measure == "throughput" and v.unit in per_unit]
    if whole:
        return whole[0].value * per_unit[whole[0].unit]
    shares = {v.share: v.value * per_unit[v.unit] for v in of_year
              if v.measure == "share" and v.unit in per_unit}
    if not route.throughput_shares or set(shares) != set(route.throughput_shares):
        return None
    return sum(shares.values())


def sourced(route: Route, year: int) -> float:
    value = throughput(route, year)
    assert value is not None, f"{route.id} has no sourced throughput in {year}"
    return value


# --- The app: every route in sight named, no two names overlapping ---------------------------

@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
@pytest.mark.parametrize("where", ["", PRESET], ids=["opening-view", PRESET])
def test_every_route_in_sight_is_named_and_no_names_overlap(
        open_page: OpenPage, app_url: str, atlas, catalog, size: dict[str, int],
        where: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.set_viewport_size(size)
    page.goto(f"{app_url}/?view={where}" if where else f"{app_url}/")
    frame = bs.map_frame(page)
    drawn_ids = list(atlas.default_layers())
    frame.wait_for_function(f"n => ({bs.ROUTE_IDS_DRAWN})().length === n", arg=len(drawn_ids))
    assert frame.evaluate(bs.ROUTE_IDS_DRAWN) == sorted(drawn_ids)
    settle(frame)
    if where:
        assert_fitted(frame.evaluate(BOUNDS), PRESETS[where].bbox)

    visible = frame.evaluate(VISIBLE_PX, 4)
    names = short_names(catalog, drawn_ids)
    in_sight = {rid: names[rid] for rid in drawn_ids if visible.get(rid, 0) >= MIN_VISIBLE_PX}
    assert in_sight, f"no route in sight: {visible}"
    route_labels = page.frame_locator(bs.MAP_IFRAME).first.locator(
        ".atlas-label[data-label='route']")
    for name in in_sight.values():
        expect(route_labels.filter(has_text=exactly(name)).first).to_be_visible()

    layout = frame.evaluate(LAYOUT)
    labels = layout["labels"]
    route_texts = {la["text"] for la in labels if la["kind"] == "route"}
    missing = {rid: f"{visible[rid]:.0f} px in sight" for rid, name in in_sight.items()
               if name not in route_texts}
    assert missing == {}, f"routes in sight without their name: {missing}"
    assert route_texts <= set(names.values()), route_texts  # only drawn routes are named
    assert all(la["inPane"] for la in labels)
    outside = [describe(la) for la in labels if not inside(corners(la), layout["map"])]
    assert outside == [], f"names outside the map {layout['map']}: {outside}"
    assert overlapping(labels) == []
    covering = [f"{describe(la)} on {c['cls']}" for la in labels for c in layout["controls"]
                if overlap(corners(la), rectangle(c["box"]))]
    assert covering == [], covering
    log.assert_clean()


# --- The browser PDF: the names as text, once per name drawn ---------------------------------

def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    # NFKC: the PDF's text may use ligatures (ﬁ)
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())


def test_pdf_export_has_each_name_once_per_label(open_page: OpenPage, renderer, atlas,
                                                  catalog) -> None:
    view = MapView(layers=tuple(atlas.default_layers()), year=FLOW_YEAR)
    result = exports.export(atlas, view, "pdf", vendor_dir=VENDOR_DIR)
    assert result.renderer == "browser"
    text = pdf_text(result.data)

    # The same page, drawn at the PDF's page size: the names it writes, and the text of
    # its controls (title, legend, scale, credits), the only other text on it.
    scene = build_scene(atlas, view)
    page, log = open_page(bs.local_files_only)
    open_still(page, atlas, scene, snapshot.PAPERS["a4"].viewport)
    labels = page.evaluate(LAYOUT)["labels"]
    controls = unicodedata.normalize("NFKC", page.locator(
        ".leaflet-control-container").inner_text())
    log.assert_clean()

    names = short_names(catalog, [r.id for r in scene.routes])
    assert set(names) == set(atlas.default_layers())
    drawn = [unicodedata.normalize("NFKC", la["text"]) for la in labels]
    assert sum(1 for la in labels if la["kind"] == "route") >= len(names)
    for name in [*names.values(), *PLACES]:
        assert name in drawn, f"{name!r} is not drawn on the page"
        assert name in text, f"{name!r} is not in the PDF's text"
        assert name * 2 not in text, f"{name!r} written twice over"
        # once per name drawn (a route's name may be drawn more than once along a long
        # line; "Kars" is in "Kars–Nakhchivan"), and once per mention in the controls
        expected = sum(d.count(name) for d in drawn) + controls.count(name)
        assert text.count(name) == expected, (name, text.count(name), expected)


# --- Flows: widths from the sourced volumes, no figure drawn thin and dashed ----------------

def widths(page: Page, route_id: str) -> list[dict[str, Any]]:
    lines = page.evaluate(ROUTE_LINES, route_id)
    assert lines, f"{route_id} is not drawn"
    return lines


def flow_page(open_page: OpenPage, atlas, year: int) -> tuple[Page, Scene]:
    scene = build_scene(atlas, MapView(layers=tuple(atlas.default_layers()), year=year,
                                       flows=True))
    html = snapshot.standalone_html(atlas, scene, vendor_dir=VENDOR_DIR)
    page, log = open_page(bs.local_files_only)
    page.set_content(html.decode("utf-8"), wait_until="load")
    page.wait_for_function("() => window.atlasReady === true")
    page.mouse.move(0, 0)  # a hovered line is drawn wider
    log.assert_clean()
    return page, scene


def test_flow_widths_follow_the_sourced_volumes(open_page: OpenPage, atlas, catalog) -> None:
    page, scene = flow_page(open_page, atlas, FLOW_YEAR)
    drawn: dict[str, float] = {}
    for rid in ("btc", "tap", "scp", "tanap"):
        layer = scene.route(rid)
        assert layer is not None and layer.flow is not None and layer.flow.volume is not None
        want = {s.feature_id: s.style.weight for s in layer.segments if s.flow_width}
        assert want, f"{rid} has no line drawn by its flow"
        got = {line["id"]: line["width"] for line in widths(page, rid)}
        assert {k: got.get(k) for k in want} == pytest.approx(want), rid
        assert len(set(want.values())) == 1, want  # one flow, one width along the route
        drawn[rid] = next(iter(want.values()))

    # Gas: TAP, SCP and TANAP (its shares summed) in proportion to their volumes in bcm.
    gas = {rid: sourced(catalog.route(rid), FLOW_YEAR) for rid in ("tap", "scp", "tanap")}
    assert drawn["tap"] / drawn["scp"] == pytest.approx(gas["tap"] / gas["scp"], rel=1e-6)
    assert drawn["tanap"] / drawn["scp"] == pytest.approx(gas["tanap"] / gas["scp"], rel=1e-6)
    # Oil: BTC is the only oil route with a figure that year, so it is compared with the
    # largest oil throughput of any route in any year, which is drawn widest.
    assert [r.id for r in catalog.routes if r.kind == "oil" and r.id != "btc"
            and throughput(r, FLOW_YEAR) is not None] == []
    oil = [throughput(r, year) for r in catalog.routes if r.kind == "oil"
           for year in {v.year for v in r.facts.annual_volumes}]
    widest = max(v for v in oil if v is not None)
    assert drawn["btc"] / styles.FLOW_MAX_WEIGHT == pytest.approx(
        sourced(catalog.route("btc"), FLOW_YEAR) / widest, rel=1e-6)
    # Arrowheads along the flow lines show the direction.
    arrows = page.locator(f".leaflet-overlay-pane path[fill='{styles.ARROW_COLOUR}']")
    assert arrows.count() > 0


def test_a_route_without_a_figure_is_thin_and_finely_dashed(open_page: OpenPage, atlas,
                                                           catalog) -> None:
    tanap = catalog.route("tanap")
    assert throughput(tanap, NO_FIGURE_YEAR) is None
    assert any(v.year == NO_FIGURE_YEAR and v.measure == "share"
               for v in tanap.facts.annual_volumes)  # a part is sourced, not the whole
    page, scene = flow_page(open_page, atlas, NO_FIGURE_YEAR)
    layer = scene.route("tanap")
    assert layer is not None and layer.phase == "operating"
    assert layer.flow is not None and layer.flow.missing is Missing.NO_FIGURE
    lines = widths(page, "tanap")
    assert {line["dash"] for line in lines} == {styles.NO_FIGURE_DASH}, lines
    assert {line["width"] for line in lines} == {styles.NO_FIGURE_WEIGHT}, lines
    # a route with a figure that year keeps a solid line, as wide as its volume
    scp = widths(page, "scp")
    assert {line["dash"] for line in scp} == {""}
    assert min(line["width"] for line in scp) > styles.NO_FIGURE_WEIGHT


# --- A still export's legend: in a corner, no name under it ---------------------------------

# The default layers at a few extents: the corridor with flows (a tall legend), TAP's
# end of it, and the crowded South Caucasus.
STILL_VIEWS: dict[str, dict[str, Any]] = {
    "corridor": {"year": FLOW_YEAR, "flows": True},
    "balkans": {"year": FLOW_YEAR, "bbox": PRESETS["balkans-italy"].bbox},
    "south-caucasus": {"bbox": PRESETS[PRESET].bbox},
}


@pytest.mark.parametrize("name", list(STILL_VIEWS))
def test_still_png_legend_sits_in_a_corner_clear_of_names(open_page: OpenPage, renderer,
                                                           atlas, name: str) -> None:
    view = MapView(layers=tuple(atlas.default_layers()), **STILL_VIEWS[name])
    size = SIZE_PRESETS["slide"]
    scene = build_scene(atlas, view)
    page, log = open_page(bs.local_files_only)
    open_still(page, atlas, scene, size)
    layout = page.evaluate(LAYOUT)
    log.assert_clean()

    corner, legend, (left, top, right, bottom) = layout["corner"], layout["legend"], layout["map"]
    assert corner in ("topleft", "topright", "bottomleft", "bottomright"), corner
    assert legend is not None
    # in that corner's stack of controls (with the scale, say), which sits in the corner
    assert layout["legendIn"] == corner
    holder = layout["holder"]
    assert inside(rectangle(legend), holder), (legend, holder)
    corner_x, corner_y = (left if "left" in corner else right,
                          top if corner.startswith("top") else bottom)
    assert any(abs(x - corner_x) <= 1 and abs(y - corner_y) <= 1
               for x, y in rectangle(holder)), (corner, holder, layout["map"])
    x = legend[0] - left if "left" in corner else right - legend[2]
    assert 0 <= x <= CORNER_SLACK_PX, (corner, legend)  # at that side of the map
    under = [describe(la) for la in layout["labels"]
             if overlap(corners(la), rectangle(legend))]
    assert under == [], f"names under the legend {legend}: {under}"
    assert layout["labels"], "no names drawn"

    # The PNG export of the same scene has its legend there: a white box in that corner.
    png = snapshot.render_png(atlas, scene, size=size, vendor_dir=VENDOR_DIR)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    box = image[round(legend[1]):round(legend[3]), round(legend[0]):round(legend[2])]
    white = float((box >= WHITE).all(axis=-1).mean())
    assert white >= LEGEND_WHITE_SHARE, f"{white:.0%} white where the legend should be"
