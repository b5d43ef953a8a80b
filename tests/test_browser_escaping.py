"""Hostile data in a real browser: every text field a script payload, none of them run.

A copy of ``geo/`` has every free-text field of one route (TAP) and one facility
(the Fier compressor station) replaced by script payloads, wherever the catalog
and the layer checks still accept one: names in every language, status detail,
sources, milestones, notes, figures, segment properties. The app runs on that
copy, a hostile GeoJSON is uploaded under a hostile file name, and the test visits
the live map (tooltips, popup, legend, layer list), the corridor overview, the route's
and the facility's panels, the search results, the Table tab and the standalone HTML
export, opened from disk. No dialog may open, no payload may run (``window.__xss``
stays undefined in every frame) and no payload may turn into markup; the payloads
must show up as literal text instead.

The system Chromium driven by Playwright, fully offline. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from corridor_atlas import styles
from corridor_atlas.catalog import Facility, Route, load_catalog
from corridor_atlas.errors import LayerError
from corridor_atlas.layers import load_atlas, read_route

from . import browser_support as bs
from .browser_support import RUN_COUNTER, choose, rerun, runs_done, settle
from .conftest import GEO_DIR, ROOT, OpenPage, read_json, write_json

pytestmark = pytest.mark.browser

ROUTE_ID = "tap"
FACILITY_ID = "fier_cs"  # on the TAP line; its id is searchable ("fier cs")
FACILITY_SEARCH = "fier"
UPLOAD = Path(__file__).parent / "data" / "good" / "xss.geojson"

# Each one runs (a dialog, or ``window.__xss`` set) if it ever reaches a page as markup,
# or as JavaScript source, or as a Markdown link or a template.
IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(1)">'
PAYLOADS = (
    IMG,
    "<script>window.__xss=1;alert(1)</script>",
    '"><svg onload="window.__xss=1;alert(1)">',
    "[link](javascript:window.__xss=1)",
    '{{7*7}}<b onmouseover="window.__xss=1;alert(1)">',
    "it's \\'; alert(1); //\\\"><img src=x onerror='window.__xss=1;alert(1)'>",
    "</script><script>window.__xss=1;alert(1)</script>",
)
# The route panel's Markdown shows these fields of the route (names, status, caveats);
# which payload lands in which depends on the catalog's field order (see `in_markdown`).
MIN_IN_MARKDOWN = 5
# The uploaded file's name becomes the user's layer name (legend, layer list, Table tab).
UPLOAD_NAME = "<img src=x onerror=window.__xss=1;alert(1)>.geojson"
UPLOAD_LAYER = UPLOAD_NAME.removesuffix(".geojson")
USER_COLOUR = styles.USER_COLOUR.upper()
HTML_FORMAT = "Interactive HTML (offline)"  # app.FORMAT_LABELS["html"]
MIN_POISONED = 10
VIEW = "41,32,4.5"  # lat, lon, zoom of the live map
HOVER_TRIES = 5
HOVER_TIMEOUT_MS = 3_000

# Whatever a payload becomes if it is ever parsed as markup (the map's own scripts,
# Streamlit's and Leaflet's, use none of these).
INJECTED = """() => document.querySelectorAll(
    'img[src="x"], [onerror], [onload], [onmouseover], a[href^="javascript:" i]').length"""

# Points where a feature (``[key, value]``: its id or a property) is the topmost element:
# along its line or outline, and the middle of its marker. With none in sight, the map is
# moved (at once, no animation) to show the feature, and the next poll finds its points.
TARGET_POINTS = f"""([key, value]) => {{
  const map = ({bs.FIND_MAP})();
  const box = map.getContainer().getBoundingClientRect();
  const inside = (x, y) => x > box.left + 10 && x < box.right - 10
      && y > box.top + 10 && y < box.bottom - 10;
  const found = [], out = [];
  map.eachLayer(l => {{
    if (!l.feature || !l._path || !l._path.isConnected) return;
    const got = key === 'id' ? l.feature.id : (l.feature.properties || {{}})[key];
    if (got !== value) return;
    found.push(l);
    const path = l._path, r = path.getBoundingClientRect();
    const total = path.getTotalLength(), ctm = path.getScreenCTM();
    const points = [[r.left + r.width / 2, r.top + r.height / 2]];
    for (let i = 1; i < 40; i++) {{
      const q = path.getPointAtLength(total * i / 40);
      points.push([ctm.a * q.x + ctm.c * q.y + ctm.e, ctm.b * q.x + ctm.d * q.y + ctm.f]);
    }}
    for (const [x, y] of points)
      if (inside(x, y) && document.elementFromPoint(x, y) === path) out.push([x, y]);
  }});
  if (!out.length && found.length) {{
    const bounds = L.latLngBounds([]);
    for (const l of found) bounds.extend(l.getLatLng ? l.getLatLng() : l.getBounds());
    map.fitBounds(bounds, {{animate: false, maxZoom: map.getZoom(), padding: [40, 40]}});
  }}
  return out.length ? out : null;
}}"""

# Where the app shows text as Markdown: st.markdown, headers, captions.
MARKDOWN = "[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']"

# The user layer's first feature id in a map (maps.user_layer numbers them).
USER_FEATURE = "user-0-0"
USER_TIP = "<script>alert('x')</script>"  # a property of tests/data/good/xss.geojson


# --- The hostile copy of geo/ ---------------------------------------------------------------

def _validator(model: Any, entry: Any) -> Callable[[], bool]:
    def valid() -> bool:
        try:
            model.model_validate(entry)
        except ValueError:  # pydantic's ValidationError
            return False
        return True

    return valid


def poison(node: Any, valid: Callable[[], bool], count: list[int]) -> None:
    """Put a payload in each string leaf and dict key of ``node`` where ``valid()`` holds.

    ``node`` is changed in place; ``count[0]`` counts the fields replaced (and picks the
    next payload, so they vary from field to field). Ids, enums, dates and URLs fail
    validation with a payload and keep their value.
    """
    def attempt(put: Callable[[Any], None], old: Any, new: Any) -> None:
        put(new)
        if valid():
            count[0] += 1
        else:
            put(old)

    if isinstance(node, dict):
        for key in list(node):
            value = node[key]
            if isinstance(value, str):
                attempt(lambda v, k=key: node.__setitem__(k, v), value,
                        PAYLOADS[count[0] % len(PAYLOADS)])
            else:
                poison(value, valid, count)
        for key in list(node):  # keys too (figures by country, facility facts), order kept
            hostile = f"{PAYLOADS[count[0] % len(PAYLOADS)]} #{count[0]}"
            before = dict(node)

            def rename(new: str, k: str = key, before: dict = before) -> None:
                node.clear()
                node.update({(new if name == k else name): v for name, v in before.items()})

            attempt(rename, key, hostile)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                attempt(lambda v, i=i: node.__setitem__(i, v), value,
                        PAYLOADS[count[0] % len(PAYLOADS)])
            else:
                poison(value, valid, count)


def _poison_features(path: Path, valid: Callable[[], bool], count: list[int],
                     add: dict[str, str] | None = None) -> None:
    """Payloads in the text properties of every feature of a GeoJSON file (ids left alone),
    each kept only if ``valid()`` still holds with the file as written."""
    raw = read_json(path)
    for feature in raw["features"]:
        props = feature["properties"]
        props.update(add or {})
        for key, old in list(props.items()):
            if not isinstance(old, str) or key == "id" or key.endswith("_id"):
                continue
            props[key] = PAYLOADS[count[0] % len(PAYLOADS)]
            write_json(path, raw)
            if valid():
                count[0] += 1
            else:
                props[key] = old
    write_json(path, raw)


@pytest.fixture(scope="module")
def hostile_geo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A copy of geo/ with payloads in every text field of TAP and of one facility."""
    geo = tmp_path_factory.mktemp("hostile") / "geo"
    shutil.copytree(GEO_DIR, geo)
    catalog = read_json(geo / "catalog.json")
    route = next(r for r in catalog["routes"] if r["id"] == ROUTE_ID)
    facility = next(f for f in catalog["facilities"]["items"] if f["id"] == FACILITY_ID)
    counts = {}
    for name, model, entry in (("route", Route, route), ("facility", Facility, facility)):
        count = [0]
        poison(entry, _validator(model, entry), count)
        counts[name] = count[0]
    write_json(geo / "catalog.json", catalog)
    cat, problems = load_catalog(geo, strict=False)
    assert cat is not None and problems == [], problems

    def route_reads() -> bool:
        try:
            read_route(cat.route(ROUTE_ID), geo)
        except LayerError:
            return False
        return True

    count = [0]
    # The tooltip shows a documented-length scope when a segment has one: give it one.
    _poison_features(geo / route["file"], route_reads, count,
                     add={"documented_length_scope": "scope"})
    counts["route features"] = count[0]

    known = {f.id for f in cat.facilities.items}

    def facility_kept() -> bool:  # the join key must still name a facility of the catalog
        raw = read_json(geo / cat.facilities.file)
        return {f["properties"].get("facility_id") for f in raw["features"]} <= known

    count = [0]
    _poison_features(geo / cat.facilities.file, facility_kept, count)
    counts["facility features"] = count[0]
    return geo, counts


@pytest.fixture(scope="module")
def hostile_app(chromium: str, hostile_geo: tuple[Path, dict[str, int]]) -> Iterator[str]:
    with bs.run_app(ROOT, env={"CORRIDOR_ATLAS_GEO_DIR": str(hostile_geo[0])}) as url:
        yield url


# --- Helpers ---------------------------------------------------------------------------------

def hostile_route(geo: Path) -> Route:
    catalog, _ = load_catalog(geo, strict=False)
    assert catalog is not None
    return catalog.route(ROUTE_ID)


def in_markdown(route: Route) -> list[str]:
    """The payloads the route panel writes as Markdown: its names, status and caveats."""
    facts = route.facts
    fields = [route.name, route.name_tr, route.name_az, facts.status_detail, *facts.conflicts,
              facts.notes]
    return [p for p in PAYLOADS if p in fields]


def open_tab(page: Page, name: str) -> None:
    """Open a tab (the app reruns to fill it) and wait until it is drawn."""
    rerun(page, lambda: page.get_by_role("tab", name=name, exact=True).click())
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute(
        "aria-selected", "true")


def record_dialogs(page: Page) -> list[str]:
    """Every dialog the page (or any of its frames) opens, dismissed at once."""
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    """No dialog, no ``window.__xss`` and no injected element in any frame of the page
    (and no exception shown by the app: the payloads are data it must cope with)."""
    assert dialogs == []
    assert page.locator("[data-testid='stException']").count() == 0
    for frame in page.frames:
        where = frame.url[:120]
        assert frame.evaluate("() => typeof window.__xss") == "undefined", where
        assert frame.evaluate(INJECTED) == 0, where


def text_of(page: Page) -> str:
    """The text of the page and of its frames, whitespace collapsed."""
    return " ".join(" ".join(f.evaluate("() => document.body ? document.body.textContent : ''")
                             .split()) for f in page.frames)


def hover_tip(page: Page, frame: Frame | Page, key: str, value: str, tips: Any,
              *texts: str, dialogs: list[str]) -> tuple[float, float]:
    """Hover a feature (see :func:`target_point`) until a tooltip shows every one of ``texts``.

    ``frame`` is the map's frame (``page`` itself for a standalone map). The point is
    found again on each try, as a rerun of the app may redraw the layers. Returns the
    point hovered, in the page's viewport.
    """
    tip = tips
    for text in texts:
        tip = tip.filter(has_text=text)
    for attempt in range(HOVER_TRIES):
        page.mouse.move(5, 5)
        if frame is not page:
            page.locator(bs.MAP_IFRAME).first.scroll_into_view_if_needed()
        point = target_point(frame, key, value)
        if frame is not page:
            point = bs.to_page(page, point)
        page.mouse.move(*point)
        try:
            expect(tip).to_have_count(1, timeout=HOVER_TIMEOUT_MS)
        except AssertionError:
            if attempt == HOVER_TRIES - 1:
                raise AssertionError(
                    f"hovering {key}={value}: no tooltip shows {texts} as text; tooltips: "
                    f"{[t.inner_html() for t in tips.all()]}; dialogs: {dialogs}") from None
        else:
            if frame is not page:  # the live app: moving its map (if it moved) reruns it
                settle(page)
            return point
    raise AssertionError("unreachable")


def target_point(frame: Frame | Page, key: str, value: str) -> tuple[float, float]:
    """A point of the feature whose ``key`` (``"id"`` or a property) is ``value``, where
    nothing covers it; in the frame's viewport. Moves the map to it if needed."""
    points = frame.wait_for_function(TARGET_POINTS, arg=[key, value]).json_value()
    x, y = points[len(points) // 2]
    return x, y


# --- Tests -----------------------------------------------------------------------------------

def test_hostile_copy_poisons_every_text_field(hostile_geo) -> None:
    geo, counts = hostile_geo
    assert counts["route"] >= MIN_POISONED and counts["facility"] >= MIN_POISONED, counts
    assert counts["route features"] >= 3 and counts["facility features"] >= 1, counts
    atlas = load_atlas(geo)
    assert atlas.problems == ()
    route = atlas.catalog.route(ROUTE_ID)
    assert (route.name, route.id, route.kind) == (IMG, ROUTE_ID, "gas")
    assert all(m.event in PAYLOADS for m in route.facts.milestones)
    assert all(s.title in PAYLOADS for s in route.facts.operator_source)
    assert atlas.routes[ROUTE_ID]["segment"].tolist() != ["full route"]


def test_script_payloads_never_run(hostile_app: str, hostile_geo, open_page: OpenPage,
                                   tmp_path: Path) -> None:
    route = hostile_route(hostile_geo[0])
    shown_as_markdown = in_markdown(route)
    assert route.short_name in PAYLOADS  # the name written along its line on the map
    assert len(shown_as_markdown) >= MIN_IN_MARKDOWN, shown_as_markdown
    page, log = open_page(bs.local_hosts_only)
    page.add_init_script(RUN_COUNTER)
    dialogs = record_dialogs(page)
    # Fier (on TAP) and the uploaded point (Tbilisi) both in sight, beside the side panel.
    where = f"{hostile_app}/?layers={ROUTE_ID},facilities&view={VIEW}"

    # The corridor overview: the hostile route's milestones, capacities and lengths.
    page.goto(where)
    bs.map_frame(page)
    expect(page.get_by_role("heading", name="The corridor in figures")).to_be_visible(
        timeout=bs.LOAD_TIMEOUT_MS)
    settle(page)
    open_tab(page, "Timeline")  # a tab's charts and tables are sent only while it is open
    assert_nothing_ran(page, dialogs)

    # The route's panel, opened from the URL: its names, figures, sources and milestones.
    page.goto(f"{where}&route={ROUTE_ID}")
    frame = bs.map_frame(page)
    expect(page.get_by_role("heading", name=IMG)).to_be_visible(timeout=bs.LOAD_TIMEOUT_MS)
    settle(page)
    open_tab(page, "Caveats")
    markdown = page.locator(MARKDOWN)
    for payload in shown_as_markdown:  # in the header, captions and the caveats, as written
        expect(markdown.filter(has_text=payload).first).to_be_visible()
    for tab in ("Volumes", "Dates"):  # "Key figures", the first, was drawn with the page
        open_tab(page, tab)
    assert_nothing_ran(page, dialogs)
    map_ = page.frame_locator(bs.MAP_IFRAME).first
    tips = map_.locator(".leaflet-tooltip")

    # The route's name on the map: written as text by the label engine, never as markup.
    route_names = map_.locator(".atlas-label[data-label='route']")
    expect(route_names.filter(has_text=route.short_name).first).to_be_visible()
    assert set(route_names.all_text_contents()) == {route.short_name}

    # The route's tooltip, then a click on the line (the app reads the clicked tooltip).
    point = hover_tip(page, frame, "route_id", ROUTE_ID, tips, IMG, styles.KIND_LABELS["gas"],
                      dialogs=dialogs)
    rerun(page, lambda: page.mouse.click(*point))
    expect(page.get_by_role("heading", name=IMG)).to_be_visible()

    # A hostile upload under a hostile name: drawn, named in the sidebar, hovered.
    page.get_by_text("Your own layers").click()
    upload = {"name": UPLOAD_NAME, "mimeType": "application/geo+json",
              "buffer": UPLOAD.read_bytes()}
    rerun(page, lambda: page.locator("[data-testid='stSidebar'] input[type=file]")
          .set_input_files(files=[upload]))
    frame.wait_for_function(bs.COUNT_FILLS, arg=[[USER_COLOUR], 1, 10**6])
    settle(page)
    hover_tip(page, frame, "id", USER_FEATURE, tips, UPLOAD_LAYER, USER_TIP, dialogs=dialogs)
    page.mouse.move(5, 5)

    # The Table tab: the visible layers, and the user's layer in its own table.
    open_tab(page, "Table")
    table_tab = page.get_by_role("tabpanel", name="Table", exact=True)
    expect(table_tab.get_by_role("heading", name=f"Your layer: {UPLOAD_LAYER}")).to_be_visible()
    expect(table_tab.locator("[data-testid='stDataFrame']").filter(visible=True)).to_have_count(2)
    open_tab(page, "Map")
    frame = bs.map_frame(page)  # drawn again: the map is not kept while its tab is hidden

    # The standalone HTML export of this view, the user's layer included.
    rerun(page, lambda: page.get_by_text("Export this view").click())
    choose(page, "Format", HTML_FORMAT)
    page.get_by_role("button", name="Prepare download").click()
    save = page.get_by_role("button", name="Save ")
    expect(save).to_be_visible(timeout=bs.LOAD_TIMEOUT_MS)
    with page.expect_download() as download:
        save.click()
    html = tmp_path / "standalone.html"
    download.value.save_as(html)
    saved = html.read_text(encoding="utf-8")
    assert USER_FEATURE in saved and f'"route_id": "{ROUTE_ID}"' in saved, "layers missing"

    # The facility's tooltip and popup (which moves the map to fit).
    point = hover_tip(page, frame, "id", FACILITY_ID, tips, IMG,
                      styles.FACILITY_LABELS["compressor"], dialogs=dialogs)
    before = runs_done(page)
    page.mouse.click(*point)
    expect(map_.locator(".leaflet-popup-content").filter(has_text=PAYLOADS[2])).to_have_count(1)
    page.mouse.move(5, 5)
    settle(page, before)

    # The facility's panel, found by the search box.
    search = page.get_by_role("textbox", name="Search routes and places")
    search.fill(FACILITY_SEARCH)
    rerun(page, lambda: search.press("Enter"))
    rerun(page, lambda: page.locator(f".st-key-hit_facility_{FACILITY_ID} button").click())
    facility = next(f for f in load_catalog(hostile_geo[0], strict=False)[0].facilities.items
                    if f.id == FACILITY_ID)
    assert facility.heading in PAYLOADS, facility.heading  # its short name, poisoned too
    expect(page.get_by_role("heading", name=facility.heading)).to_be_visible()
    # the panel's caption: the facility's kind, as text, and where its point is, in words
    assert facility.kind in PAYLOADS, facility.kind
    expect(page.locator(MARKDOWN).filter(has_text="location: ")
           .filter(has_text=facility.kind).first).to_be_visible()

    # Every payload was shown somewhere as the text it is; none ran.
    shown = text_of(page)
    assert [p for p in PAYLOADS if p not in shown] == []
    assert_nothing_ran(page, dialogs)
    log.assert_clean()

    # The downloaded file, opened from disk: tooltips, popup and legend.
    standalone, standalone_log = open_page(bs.local_files_only)
    standalone_dialogs = record_dialogs(standalone)
    standalone.goto(html.as_uri())
    standalone.wait_for_function(f"() => ({bs.ROUTE_IDS_DRAWN})().includes('{ROUTE_ID}')")
    standalone.wait_for_function(bs.COUNT_FILLS, arg=[[USER_COLOUR], 1, 10**6])
    bs.view(standalone)
    tips = standalone.locator(".leaflet-tooltip")
    hover_tip(standalone, standalone, "route_id", ROUTE_ID, tips, IMG,
              styles.KIND_LABELS["gas"], dialogs=standalone_dialogs)
    hover_tip(standalone, standalone, "id", USER_FEATURE, tips, UPLOAD_LAYER, USER_TIP,
              dialogs=standalone_dialogs)
    point = hover_tip(standalone, standalone, "id", FACILITY_ID, tips, IMG,
                      styles.FACILITY_LABELS["compressor"], dialogs=standalone_dialogs)
    standalone.mouse.click(*point)
    expect(standalone.locator(".leaflet-popup-content").filter(
        has_text=PAYLOADS[2])).to_have_count(1)
    expect(standalone.locator(".atlas-legend")).to_contain_text(UPLOAD_LAYER)
    assert_nothing_ran(standalone, standalone_dialogs)
    standalone_log.assert_clean()
