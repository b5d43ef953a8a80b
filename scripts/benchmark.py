"""Benchmark Corridor Atlas against ``GeoDataFrame.explore()`` on the same layers.

Run from the project root (the bench extra provides matplotlib and mapclassify,
which ``explore()`` needs)::

    .venv/bin/python scripts/benchmark.py [--repeat N] [--json PATH] [--skip-browser]

Everything runs in this one process except the Streamlit server driven by
Chromium. Each timed step gets one untimed warm-up, then the median of N
repeats is reported. Results go to stdout as a Markdown table; ``--json`` also
writes every sample. Only loopback is used: the browser aborts any request that
is not to 127.0.0.1, ``file:`` or ``data:``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import firstpaint  # noqa: E402  (scripts/, beside this file)
import folium  # noqa: E402
import geopandas as gpd  # noqa: E402

from corridor_atlas import maps, snapshot, styles  # noqa: E402
from corridor_atlas.layers import Atlas, load_atlas  # noqa: E402
from corridor_atlas.scene import build_scene  # noqa: E402
from corridor_atlas.view import default_view  # noqa: E402

GEO = ROOT / "geo"
VENDOR = ROOT / "static" / "vendor"
APP = ROOT / "app.py"
TOGGLE_KEY = "layer_btc"
MAP_HEIGHT = 640
BROWSER_TIMEOUT_MS = 60_000
EXPLORE_PAINT_TIMEOUT_MS = 8_000
TARGET_RATIO = 0.5

NOTES = [
    "Each timing: one untimed warm-up, then the median of N repeats, all in this process.",
    "Data load: atlas = corridor_atlas.layers.load_atlas(geo/) (catalog, every route file, "
    "facilities, countries, with validation and geodesic lengths); explore = "
    "geopandas.read_file of the 7 default route files + geo/basemap/countries.geojson.",
    "Atlas map: maps.build_map(atlas, build_scene(atlas, <opening view: 7 default routes>), "
    "asset_mode='static') = the scene built and drawn: bundled countries (TopoJSON, geometry "
    "only, non-interactive), 7 routes in their own shades with display-simplified geometry "
    "(0.0015 deg, 1e-4 grid), schematic bands, per-feature HTML tooltip, highlight, the "
    "names on the map (route and place label candidates, the label engine), the legend, "
    "Fullscreen, MeasureControl, scale bar, credits, LayerControl; assets linked under "
    "/app/static/vendor.",
    "explore() map: countries[['name','geometry']].explore(tiles=None, non-interactive, no "
    "tooltip/popup/highlight) as the basemap, then gdf.explore(m=m, color=<kind colour>, "
    "name=<route id>, tooltip=True, popup=True) for each of the 7 routes as read_file "
    "returns them (all columns, full-resolution geometry, default highlight), then "
    "folium.LayerControl(); folium's default CDN links. No fullscreen, measure, scale "
    "bar, legend or credits on this side.",
    "Payload: len(html.encode()) of m.get_root().render(); asset files are linked, not "
    "inlined, on both sides, so asset bytes are excluded from both.",
    "Component payload: len(json_args) of the streamlit_folium.st_folium element in an "
    "AppTest run: app.py (base map + 7 feature groups + layer control) vs a one-call "
    "st_folium(<the explore() map>) script.",
]


# ---------------------------------------------------------------- helpers


@dataclass
class Row:
    metric: str
    atlas: Any = None
    explore: Any = None
    unit: str = "ms"  # "ms", "B" or "text"
    atlas_samples: list[float] = field(default_factory=list)
    explore_samples: list[float] = field(default_factory=list)
    explore_note: str | None = None  # shown instead of a value ("n/a ...")

    @property
    def ratio(self) -> float | None:
        if isinstance(self.atlas, int | float) and isinstance(self.explore, int | float) \
                and self.explore:
            return self.atlas / self.explore
        return None


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000.0, value


def median_ms(fn: Callable[[], Any], repeat: int, *, warmup: int = 1) -> tuple[float, list[float],
                                                                              Any]:
    """Median wall time of ``fn`` in ms, its samples, and the last return value."""
    value = None
    for _ in range(warmup):
        value = fn()
    samples = []
    for _ in range(repeat):
        ms, value = timed(fn)
        samples.append(ms)
    return statistics.median(samples), samples, value


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 100 else f"{value:,.1f} ms"
    if unit == "B":
        return f"{int(value):,} B ({value / 1024:,.1f} KiB)"
    return str(value)


def table(rows: list[Row]) -> str:
    lines = ["| metric | Corridor Atlas | explore() | ratio (atlas/explore) |",
             "|---|---:|---:|---:|"]
    for row in rows:
        explore = row.explore_note or fmt(row.explore, row.unit)
        ratio = "–" if row.ratio is None else f"{row.ratio:.2f}"
        lines.append(f"| {row.metric} | {fmt(row.atlas, row.unit)} | {explore} | {ratio} |")
    return "\n".join(lines)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence library warnings that would clutter the report."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ---------------------------------------------------------------- explore() side


def route_files(atlas: Atlas) -> dict[str, Path]:
    """The default route ids and their GeoJSON files, in drawing order."""
    assert atlas.catalog is not None
    return {rid: GEO / atlas.catalog.route(rid).file for rid in atlas.default_layers()}


def countries_file(atlas: Atlas) -> Path:
    assert atlas.catalog is not None
    return GEO / atlas.catalog.basemap["countries"]


def explore_load(files: dict[str, Path], countries: Path) -> tuple[dict[str, gpd.GeoDataFrame],
                                                                    gpd.GeoDataFrame]:
    return {rid: gpd.read_file(path) for rid, path in files.items()}, gpd.read_file(countries)


def explore_map(routes: dict[str, gpd.GeoDataFrame], countries: gpd.GeoDataFrame,
                colours: dict[str, str]) -> folium.Map:
    """The explore() counterpart of the atlas map (see NOTES)."""
    m = countries[["name", "geometry"]].explore(
        tiles=None, color=styles.LAND_COLOUR, name="Countries", control=False,
        tooltip=False, popup=False, highlight=False, interactive=False,
        style_kwds={"color": styles.BORDER_COLOUR, "weight": 0.8, "fillOpacity": 1.0},
    )
    for rid, gdf in routes.items():
        gdf.explore(m=m, color=colours[rid], name=rid, tooltip=True, popup=True)
    folium.LayerControl().add_to(m)
    return m


def explore_app(bench_path: str, files: dict[str, str], countries: str,
                colours: dict[str, str], height: int) -> None:
    """Streamlit script for AppTest: the explore() map through st_folium."""
    import importlib.util
    import sys
    from pathlib import Path

    from streamlit_folium import st_folium

    bench = sys.modules.get("corridor_bench")
    if bench is None:
        spec = importlib.util.spec_from_file_location("corridor_bench", bench_path)
        bench = importlib.util.module_from_spec(spec)
        sys.modules["corridor_bench"] = bench
        spec.loader.exec_module(bench)
    routes, land = bench.explore_load({k: Path(v) for k, v in files.items()}, Path(countries))
    m = bench.explore_map(routes, land, colours)
    st_folium(m, key="map", height=height, use_container_width=True,
              returned_objects=["last_object_clicked_popup"])


# ---------------------------------------------------------------- AppTest


def component_args(at: Any) -> str:
    for element in at.get("component_instance"):
        if element.proto.component_name == "streamlit_folium.st_folium":
            return element.proto.json_args
    raise RuntimeError("no streamlit_folium.st_folium element in the AppTest run")


def check_run(at: Any, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what} raised: {[e.message for e in at.exception]}")


def component_script(at: Any) -> str:
    """The st_folium base-map script (ids are stable across reruns)."""
    import json

    (comp,) = [c for c in at.get("component_instance")
               if c.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(comp.proto.json_args)["script"]


def apptest_metrics(repeat: int, files: dict[str, Path], countries: Path,
                    colours: dict[str, str]) -> dict[str, Any]:
    import streamlit as st
    from streamlit import logger as st_logger
    from streamlit.testing.v1 import AppTest

    def first_run() -> Any:
        st_logger.set_log_level("error")  # no bare-mode chatter in the report
        st.cache_data.clear()
        st.cache_resource.clear()
        # a session opening: the first run (the map), then the one the map starts when drawn
        at = AppTest.from_file(str(APP), default_timeout=60).run().run()
        check_run(at, "app.py first two runs")
        return at

    first_med, first_samples, at = median_ms(first_run, repeat)
    payload = len(component_args(at).encode())

    off: list[float] = []
    on: list[float] = []
    payload_off = None
    for _ in range(repeat):
        ms, _ = timed(lambda: at.checkbox(key=TOGGLE_KEY).uncheck().run())
        check_run(at, "toggle off")
        off.append(ms)
        payload_off = len(component_args(at).encode())
        ms, _ = timed(lambda: at.checkbox(key=TOGGLE_KEY).check().run())
        check_run(at, "toggle on")
        on.append(ms)

    years: list[float] = []
    script_before = component_script(at)
    for year in [2005, 2012, 2018, 2026] * max(1, repeat // 2):
        ms, _ = timed(lambda y=year: at.slider(key="year").set_value(y).run())
        check_run(at, f"year {year}")
        years.append(ms)
    same_base = component_script(at) == script_before

    explore_at = AppTest.from_function(
        explore_app, default_timeout=120,
        kwargs={"bench_path": str(Path(__file__).resolve()),
                "files": {k: str(v) for k, v in files.items()}, "countries": str(countries),
                "colours": colours, "height": MAP_HEIGHT})
    explore_at.run()
    check_run(explore_at, "explore() AppTest script")
    explore_payload = len(component_args(explore_at).encode())
    return {
        "first_run_ms": first_med, "first_run_samples": first_samples,
        "toggle_ms": statistics.median(off + on), "toggle_off_samples": off,
        "toggle_on_samples": on, "payload": payload, "payload_btc_off": payload_off,
        "explore_payload": explore_payload, "year_ms": statistics.median(years),
        "year_samples": years, "year_keeps_base": same_base,
    }


# ---------------------------------------------------------------- browser


def _new_context(browser: Any, blocked: list[str], allowed: tuple[str, ...]) -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})

    def route(r: Any) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


def _explore_paint(browser: Any, html_path: Path, repeat: int) -> dict[str, Any]:
    """First paint of the explore() HTML from file://, with all network requests aborted."""
    blocked: list[str] = []
    samples: list[float] = []
    reason = None
    for i in range(repeat):
        ctx = _new_context(browser, blocked, ("file:", "data:", "about:", "blob:"))
        try:
            page = ctx.new_page()
            start = time.perf_counter()
            page.goto(html_path.as_uri(), wait_until="commit")
            try:
                page.locator("path.leaflet-interactive").first.wait_for(
                    state="attached", timeout=EXPLORE_PAINT_TIMEOUT_MS)
            except Exception:
                leaflet = page.evaluate("typeof window.L")
                reason = ("n/a (CDN assets unreachable offline)" if leaflet == "undefined"
                          else f"n/a (no path after {EXPLORE_PAINT_TIMEOUT_MS} ms)")
                break
            samples.append((time.perf_counter() - start) * 1000.0)
        finally:
            ctx.close()
        if i == 0 and not samples:
            break
    return {"samples": samples, "median": statistics.median(samples) if samples else None,
            "note": reason, "blocked_requests": sorted(set(blocked))}


def browser_metrics(repeat: int, explore_html: Path) -> dict[str, Any]:
    """The app in Chromium (scripts/firstpaint.py), then explore()'s page from file://."""
    from playwright.sync_api import sync_playwright

    out = firstpaint.measure(repeat)
    chromium = snapshot.find_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=snapshot.LAUNCH_ARGS)
        try:
            out["explore"] = _explore_paint(browser, explore_html, repeat)
        finally:
            browser.close()
    return out


# ---------------------------------------------------------------- main


def versions() -> dict[str, str]:
    names = ["streamlit", "streamlit-folium", "folium", "geopandas", "pyogrio", "shapely",
             "matplotlib", "mapclassify", "playwright"]
    found = {}
    for name in names:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return {"python": platform.python_version(), **found}


EXPORT_TARGETS_MS = {"png (browser)": 3000, "png (print render)": 1500, "html": 1000}


def export_metrics(atlas: Atlas, repeat: int, skip_browser: bool) -> list[Row]:
    """Time and size of each export format for the default view, slide size, scale 1."""
    from corridor_atlas import exports
    from corridor_atlas.view import default_view

    view = default_view(atlas)
    cases: list[tuple[str, str, bool]] = [
        ("png (print render)", "png", True), ("pdf (print render)", "pdf", True),
        ("svg (print render)", "svg", True), ("html", "html", False),
        ("geojson", "geojson", False), ("csv", "csv", False), ("kml", "kml", False)]
    if not skip_browser and snapshot.find_chromium():
        cases[:0] = [("png (browser)", "png", False), ("pdf (browser)", "pdf", False)]
    rows = []
    for label, fmt_, static in cases:
        with quiet():
            med, samples, result = median_ms(
                lambda f=fmt_, st=static: exports.export(atlas, view, f, vendor_dir=VENDOR,
                                                         static=st), repeat)
        target = EXPORT_TARGETS_MS.get(label)
        note = f" (target ≤ {target / 1000:g} s: {'met' if med <= target else 'NOT met'})" \
            if target else ""
        rows.append(Row(f"Export {label}{note}", med, None, "ms", samples))
        rows.append(Row(f"Export {label}: size", len(result.data), None, "B"))
    snapshot.shutdown()
    return rows


def run(repeat: int, skip_browser: bool) -> dict[str, Any]:
    rows: list[Row] = []
    extra: dict[str, Any] = {}

    # 1. Data load.
    log("data load")
    with quiet():
        load_med, load_samples, atlas = median_ms(lambda: load_atlas(GEO), repeat)
    if atlas.problems:
        raise RuntimeError(f"geo/ has data problems: {[str(p) for p in atlas.problems]}")
    files = route_files(atlas)
    land_file = countries_file(atlas)
    assert atlas.catalog is not None
    colours = styles.route_colours((r.id, r.kind) for r in atlas.catalog.routes)
    colours = {rid: colours[rid] for rid in files}
    with quiet():
        x_load_med, x_load_samples, (x_routes, x_countries) = median_ms(
            lambda: explore_load(files, land_file), repeat)
    rows.append(Row("Data load", load_med, x_load_med, "ms", load_samples, x_load_samples))

    # 2. Map build + render: the scene of the opening view (names and legend included), drawn.
    log("map build + render")
    view = default_view(atlas)

    def atlas_render() -> str:
        m = maps.build_map(atlas, build_scene(atlas, view), vendor_dir=VENDOR,
                           asset_mode="static")
        return m.get_root().render()

    def explore_render() -> str:
        return explore_map(x_routes, x_countries, colours).get_root().render()

    with quiet():
        build_med, build_samples, atlas_html = median_ms(atlas_render, repeat)
        x_build_med, x_build_samples, explore_html = median_ms(explore_render, repeat)
    rows.append(Row("Map build + render (7 routes + countries)", build_med, x_build_med, "ms",
                    build_samples, x_build_samples))

    # The map as the app mounts it: countries fetched once from static/ (and cached by the
    # browser) instead of embedded.
    def app_render() -> str:
        parts = maps.map_parts(atlas, build_scene(atlas, view), vendor_dir=VENDOR,
                               countries_url="/app/static/basemap/countries.topojson")
        for group in parts.groups:
            group.add_to(parts.base)
        parts.control.add_to(parts.base)
        return parts.base.get_root().render()

    with quiet():
        app_med, app_samples, app_html = median_ms(app_render, repeat)
    rows.append(Row("Map build + render, as the app mounts it (countries fetched)", app_med,
                    x_build_med, "ms", app_samples, x_build_samples))

    # 3. Payload.
    atlas_bytes = len(atlas_html.encode())
    explore_bytes = len(explore_html.encode())
    rows.append(Row("Rendered HTML payload (assets linked, not counted)", atlas_bytes,
                    explore_bytes, "B"))
    rows.append(Row("Rendered HTML payload, as the app mounts it (countries fetched)",
                    len(app_html.encode()), explore_bytes, "B"))
    extra["countries_file_bytes"] = land_file.with_suffix(".topojson").stat().st_size

    # 4. AppTest (also gives the st_folium component payload of both sides).
    log("AppTest runs")
    with quiet():
        at = apptest_metrics(repeat, files, land_file, colours)
    extra["apptest"] = at
    rows.append(Row("st_folium component payload (json_args, AppTest)", at["payload"],
                    at["explore_payload"], "B"))
    rows.append(Row("AppTest first two runs of app.py (caches cleared)", at["first_run_ms"],
                    None, "ms", at["first_run_samples"]))
    rows.append(Row(f"AppTest rerun, toggle BTC off/on (median of {2 * repeat})",
                    at["toggle_ms"], None, "ms",
                    at["toggle_off_samples"] + at["toggle_on_samples"]))
    rows.append(Row(f"AppTest rerun, year change (median of {len(at['year_samples'])})",
                    at["year_ms"], None, "ms", at["year_samples"]))
    rows.append(Row("Year change keeps the base map (no remount)",
                    "yes" if at["year_keeps_base"] else "NO", None, "text"))

    # Exports of the default view: time and size per format (the browser already started).
    log("exports")
    export_rows = export_metrics(atlas, repeat, skip_browser)
    extra["exports"] = export_rows
    rows.extend(export_rows)

    # 5. Browser.
    if skip_browser:
        log("browser metrics skipped (--skip-browser)")
    else:
        log("browser: streamlit run + Chromium")
        with tempfile.TemporaryDirectory() as tmp:
            html_path = Path(tmp) / "explore_map.html"
            html_path.write_text(explore_html, encoding="utf-8")
            br = browser_metrics(repeat, html_path)
        extra["browser"] = br
        xp = br["explore"]
        cold = br["cold"]["atlas"]["paint_ms"]
        rows.append(Row("Chromium first paint, first visit after server start (1 sample)",
                        cold, None, "ms", [cold]))
        rows.append(Row(f"Chromium first paint (median of {repeat} fresh pages)",
                        br["paint"]["atlas"], xp["median"], "ms", br["paint_samples"]["atlas"],
                        xp["samples"], explore_note=xp["note"]))
        changes = br["changes"]
        for key, what in firstpaint.CHANGES.items():
            rows.append(Row(f"Chromium {what}", statistics.median(changes[key]), None, "ms",
                            changes[key]))
        kept = f"{'yes' if changes['kept'] == changes['changes'] else 'NO'} " \
               f"({changes['kept']}/{changes['changes']} changes)"
        rows.append(Row("Toggles and year changes redraw without remounting the iframe", kept,
                        None, "text"))

    by_name = {row.metric: row for row in rows}
    targets = [
        {"target": f"{name} ≤ {TARGET_RATIO} × explore()", "ratio": by_name[name].ratio}
        for name in ("Map build + render (7 routes + countries)",
                     "Map build + render, as the app mounts it (countries fetched)",
                     "Rendered HTML payload (assets linked, not counted)",
                     "Rendered HTML payload, as the app mounts it (countries fetched)")
    ]
    for t in targets:
        t["met"] = t["ratio"] is not None and t["ratio"] <= TARGET_RATIO
    return {"rows": rows, "targets": targets, "extra": extra}


def report(result: dict[str, Any], repeat: int, skip_browser: bool) -> str:
    lines = [f"## Corridor Atlas vs GeoDataFrame.explore() (median of {repeat})", "",
             table(result["rows"]), "", "### Targets", ""]
    for t in result["targets"]:
        ratio = "–" if t["ratio"] is None else f"{t['ratio']:.3f}"
        lines.append(f"- {t['target']}: ratio {ratio} → {'MET' if t['met'] else 'NOT MET'}")
    lines += ["", "### What each side includes", ""]
    lines.append(f"- 'As the app mounts it': the countries TopoJSON "
                 f"({result['extra']['countries_file_bytes']:,} B) is a static file the browser "
                 "fetches once from /app/static/basemap/ and caches, like the vendored Leaflet; "
                 "the other rows embed it in the map, as explore() must.")
    lines += [f"- {note}" for note in NOTES]
    br = result["extra"].get("browser")
    if skip_browser:
        lines.append("- Browser metrics skipped (--skip-browser).")
    elif br:
        xp = br["explore"]
        lines.append(
            "- Chromium: first paint = page.goto → first `path.leaflet-interactive` inside the "
            "st_folium iframe, each in a fresh browser context, after one untimed first "
            "visit; toggles and year changes end to end; see the first-paint report below "
            f"(scripts/firstpaint.py). Requests aborted as non-loopback: {len(br['blocked'])}.")
        lines.append(
            "- explore() first paint: its HTML saved to a temporary file and opened with "
            "file:// with every non-file request aborted (nothing is fetched from the "
            f"internet); {len(xp['blocked_requests'])} distinct CDN URLs were aborted"
            + (f", so: {xp['note']}." if xp["note"] else "."))
    at = result["extra"]["apptest"]
    lines.append(f"- st_folium payload with BTC off: {at['payload_btc_off']:,} B.")
    if br:
        lines += ["", firstpaint.report(br)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats per metric (5)")
    parser.add_argument("--json", type=Path, help="also write all samples to this JSON file")
    parser.add_argument("--skip-browser", action="store_true",
                        help="skip the streamlit run + Chromium metrics")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.chdir(ROOT)
    started = time.perf_counter()
    result = run(args.repeat, args.skip_browser)
    print(report(result, args.repeat, args.skip_browser))
    total = time.perf_counter() - started
    log(f"done in {total:.1f} s")
    if args.json:
        payload = {
            "repeat": args.repeat, "skip_browser": args.skip_browser,
            "total_seconds": total, "versions": versions(), "notes": NOTES,
            "rows": [{**asdict(r), "ratio": r.ratio} for r in result["rows"]],
            "targets": result["targets"], "extra": result["extra"],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str),
                             encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
