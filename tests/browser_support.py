"""Support for the browser tests: find Chromium, run the app, watch every request.

Nothing here downloads a browser: the tests drive the system Chromium (Debian's
``chromium`` package) through Playwright's ``executable_path``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from corridor_atlas import serve

# The library's own discovery and launch flags, shared with the PNG/PDF exports.
from corridor_atlas.snapshot import CHROMIUM_ENV, CHROMIUM_FALLBACKS
from corridor_atlas.snapshot import LAUNCH_ARGS as LAUNCH_ARGS
from corridor_atlas.snapshot import locate_chromium as find_chromium

NOT_FOUND = ("Chromium not found: install it with `apt-get install chromium` (Debian) "
             f"or set {CHROMIUM_ENV}")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
INLINE_SCHEMES = frozenset({"data", "blob"})
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
ROUTE_PATH = "path.leaflet-interactive"
SERVER_START_TIMEOUT_S = serve.START_TIMEOUT_S
VIEWPORT = {"width": 1400, "height": 1000}
LOAD_TIMEOUT_MS = 45_000  # first page of a fresh server: imports and data loading
UPDATE_TIMEOUT_MS = 15_000  # one rerun of the app


# --- Chromium --------------------------------------------------------------------------------

def ci_requires_browser(env: Mapping[str, str] | None = None) -> bool:
    """True when ``$CI`` is set to a true value: a missing browser is then a failure."""
    env = os.environ if env is None else env
    return env.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def require_chromium(env: Mapping[str, str] | None = None,
                     fallbacks: Sequence[str] = CHROMIUM_FALLBACKS) -> str:
    """The Chromium executable; skips the test without one (fails it under CI)."""
    found, why = find_chromium(env, fallbacks)
    if found:
        return found
    message = f"{NOT_FOUND} ({why})"
    if ci_requires_browser(env):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover - skip raises


# --- The app server --------------------------------------------------------------------------

@contextlib.contextmanager
def run_app(root: Path, app: str = "app.py", timeout: float = SERVER_START_TIMEOUT_S,
            env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free local port; yield its base URL.

    ``env`` adds to (or overrides) the server's environment. A server that does not come
    up fails the test with its output.
    """
    try:
        server = serve.start_app(root, app, env=env, timeout=timeout)
    except serve.ServerError as err:
        pytest.fail(str(err), pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


# --- Watching a page -------------------------------------------------------------------------

def local_hosts_only(url: str) -> bool:
    """Allow 127.0.0.1 / localhost (the app server) and inline ``data:`` / ``blob:`` URLs."""
    parts = urlsplit(url)
    if parts.scheme in INLINE_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS


def local_files_only(url: str) -> bool:
    """Allow ``file:`` and inline URLs: a standalone HTML file."""
    return urlsplit(url).scheme in {"file", *INLINE_SCHEMES}


@dataclass
class PageLog:
    """Everything a page asked for, and everything that went wrong."""

    requests: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {name: items for name, items in (
            ("failed requests", self.failed),
            ("HTTP error responses", self.bad_status),
            ("external requests (aborted)", self.external),
            ("page errors", self.errors),
        ) if items}

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(
            f"{name}:\n  " + "\n  ".join(items) for name, items in problems.items())


def watch(page: Any, allowed: Callable[[str], bool]) -> PageLog:
    """Record requests, failures and errors of a page; abort every request not allowed."""
    log = PageLog()

    def on_route(route: Any) -> None:
        url = route.request.url
        if allowed(url):
            route.continue_()
        else:
            log.external.append(url)
            route.abort("blockedbyclient")

    def on_failed(request: Any) -> None:
        if request.url not in log.external:  # aborted above: reported once, as external
            log.failed.append(f"{request.url} ({request.failure})")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            log.bad_status.append(f"{response.status} {response.url}")

    def on_websocket(ws: Any) -> None:  # not routed by page.route: checked here instead
        if not allowed(ws.url):
            log.external.append(ws.url)

    page.route("**/*", on_route)
    page.on("request", lambda r: log.requests.append((r.resource_type, r.url)))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("websocket", on_websocket)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    return log


# --- The Leaflet map -------------------------------------------------------------------------

# In the streamlit-folium iframe the map is ``window.map``; in a saved folium page it is
# a global ``map_<id>``. Either way, the first L.Map among the globals (skipping those that
# throw when read, as ``localStorage`` does in a page set from a string).
FIND_MAP = """() => {
  if (window.map instanceof L.Map) return window.map;
  for (const key of Object.keys(window)) {
    let value;
    try { value = window[key]; } catch (e) { continue; }
    if (value instanceof L.Map) return value;
  }
  return undefined;
}"""

ROUTE_IDS_DRAWN = f"""() => {{
  const map = ({FIND_MAP})();
  const ids = new Set();
  map.eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (p && p.route_id && l._path && l._path.isConnected) ids.add(p.route_id);
  }});
  return Array.from(ids).sort();
}}"""

STROKES = f"""() => Array.from(document.querySelectorAll('{ROUTE_PATH}'))
    .map(p => (p.getAttribute('stroke') || '').toUpperCase())"""

COUNT_STROKES = f"""([colours, least, most]) => {{
  const n = Array.from(document.querySelectorAll('{ROUTE_PATH}'))
    .filter(p => colours.includes((p.getAttribute('stroke') || '').toUpperCase())).length;
  return n >= least && n <= most;
}}"""

# The same for fills: users' points are discs filled with their colour, ringed in white.
COUNT_FILLS = f"""([colours, least, most]) => {{
  const n = Array.from(document.querySelectorAll('{ROUTE_PATH}'))
    .filter(p => colours.includes((p.getAttribute('fill') || '').toUpperCase())).length;
  return n >= least && n <= most;
}}"""

VIEW = f"""() => {{
  const map = ({FIND_MAP})();
  const c = map.getCenter();
  return {{zoom: map.getZoom(), lat: c.lat, lng: c.lng}};
}}"""

# Points on a route's line, in the frame's viewport, where that line is the topmost
# element: a real click there lands on the route and nothing else.
CLICKABLE_POINTS = f"""(routeId) => {{
  const map = ({FIND_MAP})();
  const out = [];
  map.eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (!p || p.route_id !== routeId || !l._path || !l._path.isConnected) return;
    const path = l._path, total = path.getTotalLength(), ctm = path.getScreenCTM();
    for (let i = 1; i < 40; i++) {{
      const q = path.getPointAtLength(total * i / 40);
      const x = ctm.a * q.x + ctm.c * q.y + ctm.e, y = ctm.b * q.x + ctm.d * q.y + ctm.f;
      if (document.elementFromPoint(x, y) === path) out.push([x, y]);
    }}
  }});
  return out;
}}"""

# Points of the map's own background (no route, control or legend on top), to drag from.
BACKGROUND_POINTS = f"""() => {{
  const map = ({FIND_MAP})();
  const box = map.getContainer().getBoundingClientRect(), out = [];
  for (let fy = 0.3; fy < 0.75; fy += 0.05) for (let fx = 0.3; fx < 0.75; fx += 0.05) {{
    const x = box.left + box.width * fx, y = box.top + box.height * fy;
    const hit = document.elementFromPoint(x, y);
    if (hit && map.getContainer().contains(hit) && !hit.closest(
        '.leaflet-interactive, .leaflet-control, .leaflet-popup')) out.push([x, y]);
  }}
  return out;
}}"""


def upper(colours: Sequence[str]) -> list[str]:
    return [c.upper() for c in colours]


# --- The app's map in a page -----------------------------------------------------------------

def map_frame(page: Any) -> Any:
    """Wait for the (first) streamlit-folium iframe to draw route lines; return its frame."""
    routes = page.frame_locator(MAP_IFRAME).first.locator(ROUTE_PATH).first
    routes.wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    handle = page.locator(MAP_IFRAME).first.element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None, "the map iframe has no frame"
    frame.wait_for_function("() => window.map instanceof L.Map && window.map._loaded")
    return frame


# True once the map has stopped moving: no zoom or pan animation, no inertia, no pending
# fit (Leaflet's own flags), for two animation frames in a row.
MAP_AT_REST = f"""() => {{
  const map = ({FIND_MAP})();
  const moving = map._animatingZoom || map._zooming
    || (map._panAnim && map._panAnim._inProgress) || map._flyToFrame;
  const c = map.getCenter(), now = [map.getZoom(), c.lat, c.lng].join(',');
  const still = !moving && window.__atlasLastView === now;
  window.__atlasLastView = now;
  return still;
}}"""


def view(frame: Any) -> dict[str, float]:
    """The map's zoom and centre once it has stopped moving (zoom/pan animations, inertia)."""
    frame.wait_for_function(MAP_AT_REST, polling="raf", timeout=UPDATE_TIMEOUT_MS)
    return frame.evaluate(VIEW)


def to_page(page: Any, point: Sequence[float]) -> tuple[float, float]:
    """A point in the map iframe's viewport, in the page's viewport."""
    box = page.locator(MAP_IFRAME).first.bounding_box()
    assert box is not None
    return box["x"] + point[0], box["y"] + point[1]


def zoom_in_and_drag(page: Any, frame: Any, *, clicks: int = 2,
                     by: tuple[float, float] = (90, 40)) -> None:
    """Zoom in with the map's + button, then drag the map by ``by`` pixels from open ground."""
    zoom_in = page.frame_locator(MAP_IFRAME).first.locator("a.leaflet-control-zoom-in")
    for _ in range(clicks):
        before = frame.evaluate(VIEW)["zoom"]
        zoom_in.click()  # Leaflet ignores a zoom asked for while a zoom animation runs
        frame.wait_for_function("z => window.map.getZoom() > z && !window.map._animatingZoom",
                                arg=before)
    points = frame.evaluate(BACKGROUND_POINTS)
    assert points, "no open ground on the map to drag from"
    x, y = to_page(page, points[len(points) // 2])
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + by[0], y + by[1], steps=8)
    page.mouse.up()


# Every year the sidebar slider shows, recorded on each animation frame from now on.
RECORD_YEARS = """() => {
  const slider = () => document.querySelector("[data-testid='stSidebar'] input[type='range']");
  window.__years = [Number(slider().value)];
  const step = () => {
    const year = Number(slider().value);
    if (year !== window.__years[window.__years.length - 1]) window.__years.push(year);
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}"""


# --- Play ------------------------------------------------------------------------------------

PLAY_LABEL = "Play through the years"


def play_switch(page: Any) -> Any:
    """The sidebar's Play switch (checked while the years play)."""
    return page.get_by_role("switch", name=PLAY_LABEL)


def flip_play(page: Any) -> None:
    """Switch Play on or off as a user does: a click on its label."""
    page.locator("[data-testid='stSidebar']").get_by_text(PLAY_LABEL, exact=True).click()


# --- The app's runs ---------------------------------------------------------------------------

CHOOSE_TRIES = 3
CHOOSE_TIMEOUT_MS = 3_000

# Counts the runs of the app's script (the state Streamlit shows on its root element) and
# notes the time of each change; installed in every page before the app's own scripts.
RUN_COUNTER = """(() => {
  if (window.top !== window) return;
  const runs = window.__atlasRuns = {done: 0, changed: performance.now()};
  new MutationObserver(records => {
    for (const r of records) {
      runs.changed = performance.now();
      if (r.oldValue === 'running') runs.done++;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();"""
SETTLED = """([after, quietMs]) => {
  const app = document.querySelector("[data-testid='stApp']"), runs = window.__atlasRuns;
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && runs.done > after && performance.now() - runs.changed > quietMs;
}"""
QUIET_MS = 750  # > streamlit-folium's 250 ms debounce of map events, and a round trip


def runs_done(page: Any) -> int:
    """How many runs of the app's script have ended since the page loaded."""
    return int(page.evaluate("() => window.__atlasRuns.done"))


def settle(page: Any, after: int | None = None) -> None:
    """Wait until the app is idle: its script not running, and quiet for a moment.

    With ``after`` (a :func:`runs_done` count), also wait until a run more has ended:
    the rerun an action just asked for.
    """
    page.wait_for_function(SETTLED, arg=[-1 if after is None else after, QUIET_MS])


def rerun(page: Any, action: Callable[[], Any]) -> None:
    """Do ``action`` (one that reruns the app) and wait until that rerun is over."""
    before = runs_done(page)
    action()
    settle(page, before)


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``label`` and wait for the app's rerun.

    The list closes when anything scrolls under it, so the box is first brought to the
    middle of the viewport; a list that closed before its option was clicked is opened again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label)
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    for attempt in range(CHOOSE_TRIES):
        box.click()
        try:
            rerun(page, lambda: page.get_by_role("option", name=option).click(
                timeout=CHOOSE_TIMEOUT_MS))
        except PlaywrightTimeoutError:
            if attempt == CHOOSE_TRIES - 1:
                raise
        else:
            expect(box).to_have_value(option)
            return
