"""First paint of the app in Chromium against an empty Streamlit page, and where the time goes.

Part of ``make bench`` (``scripts/benchmark.py`` calls :func:`measure`); it also runs on
its own::

    .venv/bin/python scripts/firstpaint.py [--repeat N] [--json PATH]

Three servers run side by side on loopback, each started the one way the app is
(:func:`corridor_atlas.serve.start_app`): an empty Streamlit page (one line of text),
the same map alone (``map_parts`` + ``st_folium`` of the opening view, as the app calls
them) and the atlas (``app.py``). Each gets one untimed first visit; then, N times in
turn, each is opened in a fresh browser context (no cache, no session) and timed from
navigation to its first paint: the line of text for the empty page, the first route
path drawn in the map's iframe for the other two. Taking the three in turn in the same
run puts the same load of the machine on each.

Every atlas visit records when each step happened, in the page (a script added before
any of the page's own: the moment each element is first attached, checked on every
animation frame, and the Streamlit messages received) and on the server (the app's
phase times, :mod:`corridor_atlas.phases`, on the same clock). Resource timings give
when Streamlit's chunks, the component's bundle, Leaflet and its plugins, and the
basemap arrived. The breakdown is the median of each step over the N visits.

Then, on one atlas page: a layer toggled in the sidebar until the map shows the change
(the toggled route's paths gone, then back), and the year changed on the sidebar
slider until the map draws the routes of the new year, each end to end in Chromium.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from corridor_atlas import phases, serve, settings, snapshot, styles  # noqa: E402

IFRAME = "iframe[title='streamlit_folium.st_folium']"
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 60_000
GOAL_RATIO = 1.5
GOAL_CHANGE_MS = 500
TOGGLE_ID = "btc"
YEARS = (2005, 2026)  # the year change: to the first, then back to the second
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

# Added to every page before its own scripts. In the top frame only (the map's iframe is
# read from there): the first time each selector matches, checked on every animation
# frame (that is, before the frame is painted); the first Streamlit message and the one
# that carries the map; the script run's start and end (the app's script-state
# attribute). Times are epoch milliseconds (performance.timeOrigin + now()).
MARKS_JS = """(() => {
  if (window !== window.top) return;
  const now = () => performance.timeOrigin + performance.now();
  const marks = {};
  window.__paintMarks = marks;
  const IFRAME = "__IFRAME__";
  const page = {
    shell: '[data-testid="stApp"]',
    text: '[data-testid="stMain"] [data-testid="stText"]',
    sidebar: '[data-testid="stSidebarUserContent"] [data-testid="stSlider"]',
    iframe: IFRAME,
    cards: '[data-testid="stMetric"]',
    chart: '.vega-embed canvas, .vega-embed svg.marks',
    table: '[data-testid="stDataFrame"]',
    running: '[data-test-script-state="running"]',
  };
  const inMap = {
    leaflet: '.leaflet-container',
    route: 'path.leaflet-interactive',
    basemap: '.leaflet-atlasBasemap-pane path',
  };
  const look = (doc, want) => {
    for (const [name, sel] of Object.entries(want)) {
      if (!(name in marks) && doc.querySelector(sel)) marks[name] = now();
    }
  };
  const frame = () => {
    look(document, page);
    if (marks.running && !marks.idle
        && document.querySelector('[data-test-script-state="notRunning"]')) marks.idle = now();
    const f = document.querySelector(IFRAME);
    if (f && f.contentDocument) look(f.contentDocument, inMap);
    if (!marks.done) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => {
      const t = now();
      if (!marks.message) marks.message = t;
      if (!marks.map_message && e.data instanceof ArrayBuffer
          && new TextDecoder('latin1').decode(e.data).includes('streamlit_folium.st_folium')) {
        marks.map_message = t;
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();""".replace("__IFRAME__", IFRAME)

# Resource timings of a window, as [name, start, response end, transfer size] in epoch ms.
RESOURCES_JS = """(w) => (w || window).performance.getEntriesByType('resource').map(e => [
  e.name, (w || window).performance.timeOrigin + e.startTime,
  (w || window).performance.timeOrigin + e.responseEnd, e.transferSize])"""

MAP_RESOURCES_JS = f"""() => {{
  const f = document.querySelector("{IFRAME}");
  return ({RESOURCES_JS})(f && f.contentWindow);
}}"""

IDLE_JS = """() => {
  const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.getAttribute('data-test-script-state') === 'notRunning';
}"""

# The route ids the map draws (each route feature carries its route_id).
DRAWN_JS = f"""() => {{
  const f = document.querySelector("{IFRAME}");
  const w = f && f.contentWindow, map = w && w.map;
  if (!map || !map.eachLayer) return null;
  const ids = new Set();
  map.eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (p && p.route_id && l._path && l._path.isConnected) ids.add(p.route_id);
  }});
  return Array.from(ids).sort();
}}"""

DRAWN_IS_JS = f"""(want) => JSON.stringify(({DRAWN_JS})()) === JSON.stringify(want)"""

EMPTY_PAGE = '''import streamlit as st

st.set_page_config(page_title="Empty page", layout="wide")
st.text("An empty Streamlit page.")
'''

# The atlas's map alone: the same pieces, made the same way, mounted with the same call.
MAP_PAGE = '''import streamlit as st
from streamlit_folium import st_folium

from corridor_atlas import settings
from corridor_atlas.layers import load_atlas
from corridor_atlas.maps import map_parts
from corridor_atlas.scene import build_scene
from corridor_atlas.view import default_view

st.set_page_config(page_title="The map alone", layout="wide")


@st.cache_resource
def atlas():
    return load_atlas(settings.geo_dir())


a = atlas()
parts = map_parts(a, build_scene(a, default_view(a)), vendor_dir=settings.vendor_dir(),
                  countries_url="/app/static/basemap/countries.topojson",
                  listed=a.layer_ids())
st_folium(parts.base, key="map", height=640, use_container_width=True,
          feature_group_to_add=parts.groups, layer_control=parts.control,
          returned_objects=["bounds", "center", "zoom"])
'''

CHANGES = {
    "toggle_off": f"toggle {TOGGLE_ID.upper()} off in the sidebar → its paths gone",
    "toggle_on": f"toggle {TOGGLE_ID.upper()} on → its paths back",
    "year_to": f"year {YEARS[1]} → {YEARS[0]} on the sidebar slider → the routes of "
               f"{YEARS[0]} drawn",
    "year_back": f"year {YEARS[0]} → {YEARS[1]} → the routes of {YEARS[1]} drawn",
}

PAGES = {"empty": "An empty Streamlit page (one line of text)",
         "map": "The same map alone (map_parts + st_folium)",
         "atlas": "Corridor Atlas (app.py)"}


def log(message: str) -> None:
    print(f"[paint] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Visit:
    """One fresh visit: marks in ms from navigation start; resources; the server's runs."""

    paint_ms: float
    marks: dict[str, float] = field(default_factory=dict)
    resources: list[list[Any]] = field(default_factory=list)  # [name, start, end, bytes]
    map_resources: list[list[Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # server phase times


# ---------------------------------------------------------------- servers


@contextmanager
def servers(tmp: Path, phase_log: Path) -> Iterator[dict[str, serve.AppServer]]:
    """The three servers; the two small pages in ``tmp`` with the app's config and static/."""
    (tmp / ".streamlit").mkdir()
    (tmp / ".streamlit" / "config.toml").write_text(
        (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp / "static").symlink_to(settings.data_dir("static"), target_is_directory=True)
    (tmp / "empty.py").write_text(EMPTY_PAGE, encoding="utf-8")
    (tmp / "map.py").write_text(MAP_PAGE, encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT / "src")}
    with ExitStack() as stack:
        started = {}
        for name, root, script, extra in (
                ("empty", tmp, "empty.py", {}), ("map", tmp, "map.py", {}),
                ("atlas", ROOT, "app.py", {settings.PHASE_LOG_ENV: str(phase_log)})):
            server = serve.start_app(root, script, env={**env, **extra})
            stack.callback(server.stop)
            started[name] = server
        yield started


# ---------------------------------------------------------------- one visit


def _context(browser: Any, blocked: list[str]) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT)

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    ctx.add_init_script(MARKS_JS)
    return ctx


def _watch_messages(ctx: Any, page: Any) -> dict[str, float]:
    """When the Streamlit messages reach the browser (the network, before the page's
    thread handles them), in epoch ms: the first, and the one that carries the map. Read
    through the Chrome DevTools Protocol, whose clock is turned into the epoch's with the
    page's own request."""
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    clock: dict[str, float] = {}
    out: dict[str, float] = {}

    def sent(event: dict[str, Any]) -> None:
        if "wall" not in clock and event.get("type") == "Document":
            clock["wall"], clock["ts"] = event["wallTime"], event["timestamp"]

    def received(event: dict[str, Any]) -> None:
        if "wall" not in clock:
            return
        at = (clock["wall"] + event["timestamp"] - clock["ts"]) * 1000.0
        out.setdefault("message_net", at)
        payload = event["response"]["payloadData"]
        if "map_message_net" not in out and len(payload) > 10_000 \
                and b"streamlit_folium.st_folium" in base64.b64decode(payload):
            out["map_message_net"] = at

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.webSocketFrameReceived", received)
    return out


def visit(browser: Any, kind: str, url: str, blocked: list[str],
          phase_log: Path | None = None, keep: bool = False) -> tuple[Visit, Any]:
    """Open ``url`` in a fresh context and time its first paint; with ``keep``, return the
    open page (else None) for more measurements.

    The first paint is taken in the page: from the start of the navigation to the first
    animation frame that has the empty page's text, or a route path in the map's iframe.
    """
    ctx = _context(browser, blocked)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    arrivals = _watch_messages(ctx, page)
    page.goto(url, wait_until="commit")
    painted = "text" if kind == "empty" else "route"
    page.wait_for_function(f"() => !!(window.__paintMarks || {{}}).{painted}")
    result = Visit(0.0)
    if kind != "empty":  # let the page finish, to see when everything else came
        page.wait_for_function(IDLE_JS)
        page.frame_locator(IFRAME).locator(".leaflet-atlasBasemap-pane path").first.wait_for(
            state="attached")
        if kind == "atlas":  # the controls, the cards and the charts of the opening panel
            page.wait_for_function("() => { const m = window.__paintMarks;"
                                   " return !!(m.sidebar && m.cards && m.chart); }")
            page.wait_for_function(IDLE_JS)
    origin = page.evaluate("() => performance.timeOrigin")
    marks = page.evaluate("() => { window.__paintMarks.done = 1; return window.__paintMarks; }")
    result.marks = {k: v - origin for k, v in marks.items() if k != "done"}
    result.marks.update({k: v - origin for k, v in arrivals.items()})
    result.paint_ms = result.marks[painted]
    result.resources = [[n, s - origin, e - origin, b] for n, s, e, b in
                        page.evaluate(RESOURCES_JS)]
    if kind != "empty":
        result.map_resources = [[n, s - origin, e - origin, b] for n, s, e, b in
                                page.evaluate(MAP_RESOURCES_JS)]
    if phase_log is not None:
        since = origin / 1000.0
        result.runs = [{**r, "started_ms": r["started"] * 1000.0 - origin}
                       for r in phases.read_runs(phase_log)
                       if r["started"] >= since and r["run"] <= 2]
        result.runs.sort(key=lambda r: r["run"])
    if keep:
        return result, page
    ctx.close()
    return result, None


# ---------------------------------------------------------------- the breakdown


def _ends(resources: list[list[Any]], *needles: str) -> list[float]:
    return [r[2] for r in resources if any(n in r[0] for n in needles)]


def _starts(resources: list[list[Any]], *needles: str) -> list[float]:
    return [r[1] for r in resources if any(n in r[0] for n in needles)]


def steps(v: Visit) -> dict[str, float | None]:
    """The steps of one atlas visit, in ms from navigation start (None: did not happen)."""
    m = v.marks
    first_run = next((r for r in v.runs if r["run"] == 1), None)
    second_run = next((r for r in v.runs if r["run"] == 2), None)

    def phase_end(name: str, run: dict[str, Any] | None = first_run) -> float | None:
        if run is None:
            return None
        found = [p for p in run["phases"] if p.name == name]
        return run["started_ms"] + found[0].end_ms if found else None

    top_js = [r for r in v.resources if "/static/js/" in r[0]]
    boot = [r[2] for r in top_js if r[1] - top_js[0][1] < 50] if top_js else []
    map_js = [r for r in v.map_resources if r[0].endswith(".js") and "/static/js/" not in r[0]]
    out: dict[str, float | None] = {
        "Streamlit's scripts loaded (first chunks)": max(boot) if boot else None,
        "page shell drawn": m.get("shell"),
        "first message from the server reaches the browser": m.get("message_net"),
        "first message from the server handled by the page": m.get("message"),
        "server: script run starts": first_run["started_ms"] if first_run else None,
        "server: data loaded": phase_end("data"),
        "server: sidebar written": phase_end("sidebar"),
        "server: scene built": phase_end("scene"),
        "server: map made (map_parts)": phase_end("map parts"),
        "server: map sent (st_folium)": phase_end("map sent"),
        "map message reaches the browser": m.get("map_message_net"),
        "map message handled by the page": m.get("map_message"),
        "map component chunk loaded": max(_ends(v.resources, "ComponentInstance"), default=None),
        "map iframe attached": m.get("iframe"),
        "component bundle loaded (main.js)": max(_ends(v.map_resources, "/static/js/main."),
                                                 default=None),
        "Leaflet and plugins: first requested": min((r[1] for r in map_js), default=None),
        "Leaflet and plugins: all loaded": max((r[2] for r in map_js), default=None),
        "map created (.leaflet-container)": m.get("leaflet"),
        "FIRST ROUTE DRAWN": m.get("route"),
        "basemap fetched (countries.topojson)": max(_ends(v.map_resources, "countries."),
                                                    default=None),
        "basemap drawn": m.get("basemap"),
        "sidebar's controls drawn (year slider)": m.get("sidebar"),
        "panel's cards drawn": m.get("cards"),
        "server: script run ends": (first_run["started_ms"] + first_run["total_ms"]
                                    if first_run else None),
        "server: panel written (in the first run)": phase_end("panel"),
        "server: second run starts (the map reported its view)": (
            second_run["started_ms"] if second_run else None),
        "server: panel written in the second run": phase_end("panel", second_run),
        "script finished (page idle)": m.get("idle"),
        "Vega-Lite bundle loaded": max(_ends(v.resources, "/embed."), default=None),
        "panel's first chart drawn": m.get("chart"),
        "page complete (controls, cards and chart)": (
            max(m["sidebar"], m["cards"], m["chart"])
            if all(k in m for k in ("sidebar", "cards", "chart")) else None),
    }
    return out


def breakdown(visits: list[Visit]) -> list[tuple[str, float | None, int]]:
    """Each step's median over the visits (and in how many it happened), in time order."""
    per: dict[str, list[float]] = {}
    for v in visits:
        for name, at in steps(v).items():
            per.setdefault(name, [])
            if at is not None:
                per[name].append(at)
    rows = [(name, median(values), len(values)) for name, values in per.items()]
    return sorted(rows, key=lambda r: (r[1] is None, r[1] or 0.0))


def server_phases(visits: list[Visit], run: int) -> list[tuple[str, float]]:
    """The median length of each phase of the visits' ``run``-th script run."""
    per: dict[str, list[float]] = {}
    for v in visits:
        for r in v.runs:
            if r["run"] == run:
                for p in r["phases"]:
                    per.setdefault(p.name, []).append(p.ms)
                per.setdefault("whole run", []).append(r["total_ms"])
    return [(name, statistics.median(values)) for name, values in per.items()]


# ---------------------------------------------------------------- changes


# A mark in the map's window before a change: still there after it when the change redrew
# the map in place instead of mounting a new one.
PROBE_JS = f"""(set) => {{
  const f = document.querySelector("{IFRAME}"), w = f && f.contentWindow;
  if (set) {{ w.__probe = 1; return true; }}
  return !!w && w.__probe === 1;
}}"""


def _timed_change(page: Any, act: Any, until: str, arg: Any) -> tuple[float, bool]:
    """ms from the action to ``until`` holding, and whether the map stayed mounted."""
    page.wait_for_function(IDLE_JS)
    page.evaluate(PROBE_JS, True)
    start = time.perf_counter()
    act()
    page.wait_for_function(until, arg=arg)
    ms = (time.perf_counter() - start) * 1000.0
    page.wait_for_function(IDLE_JS)
    return ms, bool(page.evaluate(PROBE_JS, False))


def _slider_click(page: Any, year: int, first: int, last: int) -> None:
    """Click the year slider's track where ``year`` is, as a reader does."""
    track = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] "
                         "[data-orientation='horizontal'][style*='relative']").first
    box = track.bounding_box()
    x = box["x"] + box["width"] * (year - first) / (last - first)
    page.mouse.click(x, box["y"] + box["height"] / 2)


def changes(page: Any, repeat: int, drawn_in: dict[int, list[str]], first: int, last: int,
            toggle_label: str, toggle_colour: str) -> dict[str, Any]:
    """Toggle and year-change times on an open atlas page, ``repeat`` times each way."""
    label = page.locator("[data-testid='stSidebar'] label").filter(has_text=toggle_label)
    gone = """([colour]) => {
      const f = document.querySelector("__IFRAME__"); const d = f && f.contentDocument;
      return !!d && d.querySelectorAll('path.leaflet-interactive').length > 0
        && d.querySelectorAll('path[stroke="' + colour + '" i]').length === 0;
    }""".replace("__IFRAME__", IFRAME)
    back = """([colour]) => {
      const f = document.querySelector("__IFRAME__"); const d = f && f.contentDocument;
      return !!d && d.querySelectorAll('path[stroke="' + colour + '" i]').length > 0;
    }""".replace("__IFRAME__", IFRAME)
    if label.count() != 1:
        raise RuntimeError(f"expected one sidebar label {toggle_label!r}, found {label.count()}")
    out: dict[str, Any] = {key: [] for key in CHANGES}
    kept = []
    for _ in range(repeat):
        for key, until in (("toggle_off", gone), ("toggle_on", back)):
            ms, stayed = _timed_change(page, label.click, until, [toggle_colour])
            out[key].append(ms)
            kept.append(stayed)
    slider = page.locator("[data-testid='stSidebar']").get_by_role("slider")
    for _ in range(repeat):
        for key, year in (("year_to", YEARS[0]), ("year_back", YEARS[1])):
            ms, stayed = _timed_change(page, lambda y=year: _slider_click(page, y, first, last),
                                       DRAWN_IS_JS, drawn_in[year])
            out[key].append(ms)
            kept.append(stayed)
            landed = int(slider.get_attribute("aria-valuetext") or 0)
            if landed != year:
                raise RuntimeError(f"the slider went to {landed}, not {year}")
    out.update(kept=sum(kept), changes=len(kept))
    return out


# ---------------------------------------------------------------- the run


def measure(repeat: int, *, changes_too: bool = True) -> dict[str, Any]:
    """Cold visits, then ``repeat`` rounds of the three pages in turn, then the changes
    (unless ``changes_too`` is false)."""
    from playwright.sync_api import sync_playwright

    from corridor_atlas.describe import route_label
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.scene import build_scene
    from corridor_atlas.view import default_view, year_range

    atlas = load_atlas(settings.geo_dir())
    assert atlas.catalog is not None
    first, last = year_range(atlas.catalog)
    opening = default_view(atlas)
    drawn_in = {y: sorted(r.id for r in build_scene(atlas, replace(opening, year=y)).routes)
                for y in YEARS}
    toggle = atlas.catalog.route(TOGGLE_ID)
    colour = styles.route_colours((r.id, r.kind) for r in atlas.catalog.routes)[TOGGLE_ID]

    chromium = snapshot.find_chromium()
    if chromium is None:
        raise RuntimeError(snapshot.NOT_FOUND)
    out: dict[str, Any] = {"repeat": repeat, "load_before": os.getloadavg()[0],
                           "cores": os.cpu_count()}
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, servers(Path(tmp), Path(tmp) / "phases.jsonl") \
            as running, sync_playwright() as pw:
        phase_log = Path(tmp) / "phases.jsonl"
        browser = pw.chromium.launch(executable_path=chromium, args=snapshot.LAUNCH_ARGS)
        try:
            cold = {}
            for kind in PAGES:  # first visits after server start: untimed warm-ups
                v, _ = visit(browser, kind, running[kind].url + "/", blocked,
                             phase_log if kind == "atlas" else None)
                cold[kind] = v
                log(f"{kind}: first visit {v.paint_ms:,.0f} ms")
            visits: dict[str, list[Visit]] = {k: [] for k in PAGES}
            page = None
            for i in range(repeat):
                for kind in PAGES:
                    keep = kind == "atlas" and i == repeat - 1
                    v, kept = visit(browser, kind, running[kind].url + "/", blocked,
                                    phase_log if kind == "atlas" else None, keep=keep)
                    visits[kind].append(v)
                    page = kept or page
                log(f"round {i + 1}: " + ", ".join(
                    f"{k} {visits[k][-1].paint_ms:,.0f} ms" for k in PAGES))
            assert page is not None
            if changes_too:
                log("toggle and year change")
                out["changes"] = changes(page, repeat, drawn_in, first, last,
                                         route_label(toggle), colour)
            page.context.close()
        finally:
            browser.close()
    out["load_after"] = os.getloadavg()[0]
    out["cold"] = {k: asdict_visit(v) for k, v in cold.items()}
    out["visits"] = {k: [asdict_visit(v) for v in vs] for k, vs in visits.items()}
    out["paint"] = {k: median([v.paint_ms for v in vs]) for k, vs in visits.items()}
    out["paint_samples"] = {k: [v.paint_ms for v in vs] for k, vs in visits.items()}
    out["ratio"] = out["paint"]["atlas"] / out["paint"]["empty"]
    out["map_ratio"] = out["paint"]["map"] / out["paint"]["empty"]
    out["breakdown"] = breakdown(visits["atlas"])
    out["map_breakdown"] = breakdown(visits["map"])
    out["server_phases"] = server_phases(visits["atlas"], 1)
    out["server_phases_2"] = server_phases(visits["atlas"], 2)
    out["blocked"] = sorted(set(blocked))
    return out


def asdict_visit(v: Visit) -> dict[str, Any]:
    return {"paint_ms": v.paint_ms, "marks": v.marks, "runs": [
        {**r, "phases": [[p.name, p.end_ms, p.ms] for p in r["phases"]]} for r in v.runs],
        "resources": v.resources, "map_resources": v.map_resources}


# ---------------------------------------------------------------- the report


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def report(r: dict[str, Any]) -> str:
    n = r["repeat"]
    empty = r["paint"]["empty"]
    lines = [f"## First paint against an empty Streamlit page (median of {n} fresh sessions "
             "each, taken in turn)", "",
             "| page | first paint | ratio to the empty page | first visit after server "
             "start |", "|---|---:|---:|---:|"]
    for kind, what in PAGES.items():
        ratio = r["paint"][kind] / empty
        goal = f" (goal ≤ {GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'})" \
            if kind == "atlas" else ""
        lines.append(f"| {what} | {_ms(r['paint'][kind])} | {ratio:.2f}{goal} | "
                     f"{_ms(r['cold'][kind]['paint_ms'])} |")
    lines += ["", "First paint: from the start of the navigation to the first animation frame "
              "with the empty page's line of text, or with a route path in the map's iframe. "
              "Samples (ms): " + "; ".join(
                  f"{k} " + ", ".join(f"{s:,.0f}" for s in v)
                  for k, v in r["paint_samples"].items()) + ". Machine load (1-minute load "
              f"average, {r['cores']} cores): {r['load_before']:.1f} at the start, "
              f"{r['load_after']:.1f} at the end.", ""]
    lines += [f"### Where the time goes: Corridor Atlas (median of {n}, ms from navigation)",
              "", "| step | at | after the step before |", "|---|---:|---:|"]
    before = 0.0
    for name, at, count in r["breakdown"]:
        if at is None:
            lines.append(f"| {name} | did not happen | |")
            continue
        seen = "" if count == n else f" ({count} of {n})"
        lines.append(f"| {name}{seen} | {_ms(at)} | {_ms(at - before)} |")
        before = at
    lines += ["", "### The same map alone", "", "| step | at |", "|---|---:|"]
    for name, at, _count in r["map_breakdown"]:
        if at is not None and not name.startswith("server"):
            lines.append(f"| {name} | {_ms(at)} |")
    lines += ["", f"### The server's script runs of each session (median of {n}, ms)", "",
              "| phase | first run | second run |", "|---|---:|---:|"]
    first, second = dict(r["server_phases"]), dict(r.get("server_phases_2") or [])
    names = [*second, *(n for n in first if n not in second)]  # the fuller run's order
    if "whole run" in names:
        names.append(names.pop(names.index("whole run")))  # last
    for name in names:
        cells = [f"{run[name]:,.1f}" if name in run else "–" for run in (first, second)]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    c = r.get("changes")
    if c is None:
        return "\n".join(lines)
    lines += ["", f"### Changes, end to end in Chromium (median of {n} each)", "",
              "| change | median | samples | goal |", "|---|---:|---|---|"]
    for key, what in CHANGES.items():
        med = statistics.median(c[key])
        samples = ", ".join(f"{s:,.0f}" for s in c[key])
        met = "met" if med <= GOAL_CHANGE_MS else "NOT met"
        lines.append(f"| {what[0].upper()}{what[1:]} | {_ms(med)} | {samples} | "
                     f"≤ {GOAL_CHANGE_MS} ms: {met} |")
    lines += ["", f"The map stayed mounted (redrawn in place) in {c['kept']} of {c['changes']} "
              "changes. The app is idle before each change; a change is timed from the click "
              "to the map showing it.", "",
              f"Requests aborted as not loopback: {len(r['blocked'])}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-changes", action="store_true",
                        help="first paint only: no toggle or year change")
    args = parser.parse_args(argv)
    result = measure(args.repeat, changes_too=not args.no_changes)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
