"""Page loads under load: N Chromium pages against ``streamlit run``, on loopback only.

Each page opens the app, turns a layer off and on, moves the year, and exports a PNG;
the script reports errors (which must be 0), p50/p95 time per interaction as a user
sees it (drawn in the page), and the server's memory before and after. Everything is
bounded in count and time, and every request that is not to 127.0.0.1 is aborted.

The pages run on the same machine as the server, so on a small machine this measures
the browsers as much as the server; ``scripts/loadgen.py`` loads the server alone.

    python scripts/loadtest.py --sessions 20 --rounds 2
    python scripts/loadtest.py --sessions 20 --replicas 2   # two app processes behind nginx

With ``--replicas 2`` the app processes run behind nginx (``scripts/replicas.py``; nginx
must be installed: ``apt-get install nginx``). All pages come from 127.0.0.1, so
``ip_hash`` keeps them on one replica: this checks the proxy, not the spread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [p for p in (str(HERE), str(HERE.parent / "src")) if p not in sys.path]

import procstat  # noqa: E402
import replicas  # noqa: E402

from corridor_atlas.snapshot import LAUNCH_ARGS, find_chromium  # noqa: E402

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
OIL = "#D55E00"
TOGGLE_LABEL = "Baku–Tbilisi–Ceyhan oil pipeline (BTC)"
STEP_TIMEOUT_MS = 60_000
OPEN_TIMEOUT_MS = 120_000
SESSION_TIMEOUT_S = 300


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, step: str, seconds: float) -> None:
        self.times.setdefault(step, []).append(seconds)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def local_only(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in ("127.0.0.1", "localhost")


async def session(browser, base: str, index: int, rounds: int, export: bool,
                  results: Results, ramp: float = 0.0) -> None:
    await asyncio.sleep(index * ramp)  # users arrive one after another, not all at once
    context = await browser.new_context(viewport={"width": 1400, "height": 950})
    page = await context.new_page()
    blocked: list[str] = []

    async def guard(route) -> None:
        if local_only(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    await page.route("**/*", guard)
    page.on("pageerror", lambda e: results.errors.append(f"session {index}: page error {e}"))
    step = "open"
    try:
        t0 = time.perf_counter()
        await page.goto(base + "/", timeout=OPEN_TIMEOUT_MS)
        frame = page.frame_locator(MAP_IFRAME).first
        await frame.locator("path.leaflet-interactive").first.wait_for(timeout=OPEN_TIMEOUT_MS)
        results.add("first paint", time.perf_counter() - t0)
        # the controls come with the run the map starts once drawn: not part of a toggle
        await page.get_by_text(TOGGLE_LABEL, exact=True).wait_for(timeout=OPEN_TIMEOUT_MS)
        oil = frame.locator(f"path.leaflet-interactive[stroke='{OIL}']")
        for r in range(rounds):
            step = "toggle"
            t0 = time.perf_counter()
            await page.get_by_text(TOGGLE_LABEL, exact=True).click(timeout=STEP_TIMEOUT_MS)
            await oil.first.wait_for(state="detached", timeout=STEP_TIMEOUT_MS)
            results.add("toggle off", time.perf_counter() - t0)
            t0 = time.perf_counter()
            await page.get_by_text(TOGGLE_LABEL, exact=True).click(timeout=STEP_TIMEOUT_MS)
            await oil.first.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
            results.add("toggle on", time.perf_counter() - t0)
            step = "year"
            t0 = time.perf_counter()
            slider = page.get_by_role("slider").first
            await slider.focus()
            await slider.press("ArrowLeft" if (index + r) % 2 else "ArrowRight")
            await page.wait_for_function("() => location.search.includes('year=')",
                                         timeout=STEP_TIMEOUT_MS)
            await page.get_by_role("slider").first.press("Home")
            await page.wait_for_function(
                "() => new URLSearchParams(location.search).get('year') === '1993'",
                timeout=STEP_TIMEOUT_MS)
            results.add("year change", (time.perf_counter() - t0) / 2)
            await page.get_by_role("slider").first.press("End")
            await page.wait_for_function(
                "() => new URLSearchParams(location.search).get('year') === '2032'",
                timeout=STEP_TIMEOUT_MS)
            if export:
                step = "export"
                t0 = time.perf_counter()
                prepare = page.get_by_role("button", name="Prepare download")
                if not await prepare.is_visible():
                    await page.get_by_text("Export this view").click(timeout=STEP_TIMEOUT_MS)
                await prepare.click(timeout=STEP_TIMEOUT_MS)
                await page.get_by_role("button", name="Save corridor-atlas").wait_for(
                    timeout=STEP_TIMEOUT_MS)
                results.add("export png", time.perf_counter() - t0)
        if blocked:
            results.errors.append(f"session {index}: {len(blocked)} external request(s), "
                                  f"e.g. {blocked[0][:80]}")
    except Exception as err:
        results.errors.append(f"session {index}, step {step}: {type(err).__name__}: "
                              f"{str(err).splitlines()[0][:200]}")
    finally:
        await context.close()


async def drive(base: str, sessions: int, rounds: int, export: bool,
                ramp: float) -> Results:
    from playwright.async_api import async_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("Chromium not found: apt-get install chromium")
    results = Results()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=list(LAUNCH_ARGS))
        try:
            await asyncio.wait_for(
                asyncio.gather(*(session(browser, base, i, rounds, export, results, ramp)
                                 for i in range(sessions))),
                timeout=SESSION_TIMEOUT_S + (30 + ramp) * sessions)
        except TimeoutError:
            results.errors.append("the run did not finish within its time limit")
        finally:
            await browser.close()
    return results


def report(results: Results, memory: dict[str, float], sessions: int, replicas: int,
           elapsed: float, cpu: dict[str, float] | None = None) -> dict[str, object]:
    cpu = {k: round(v, 1) for k, v in (cpu or {}).items()}
    if not results.times:
        return {"sessions": sessions, "replicas": replicas, "elapsed_s": round(elapsed, 1),
                "errors": results.errors, "steps": {}, "memory_mb": memory, "cpu_s": cpu}
    rows = {step: {"n": len(v), "p50_s": round(statistics.median(v), 3),
                   "p95_s": round(percentile(v, 95), 3), "max_s": round(max(v), 3)}
            for step, v in results.times.items()}
    return {"sessions": sessions, "replicas": replicas, "elapsed_s": round(elapsed, 1),
            "errors": results.errors, "steps": rows, "memory_mb": memory, "cpu_s": cpu}


def print_report(data: dict[str, object]) -> None:
    print(f"## Load test: {data['sessions']} sessions, {data['replicas']} replica(s), "
          f"{data['elapsed_s']} s")
    print("\n| interaction | n | p50 | p95 | max |\n|---|---:|---:|---:|---:|")
    for step, row in data["steps"].items():  # type: ignore[union-attr]
        print(f"| {step} | {row['n']} | {row['p50_s']:.2f} s | {row['p95_s']:.2f} s | "
              f"{row['max_s']:.2f} s |")
    print("\nServer memory (MB, app processes incl. the export browser): "
          + ", ".join(f"{k} {v:.0f}" for k, v in data["memory_mb"].items()))  # type: ignore[union-attr]
    cpu = data.get("cpu_s") or {}
    if cpu:
        print(f"\nCPU seconds during the run ({os.cpu_count()} cores, "
              f"{data['elapsed_s']} s wall): app processes incl. the export browser "
              f"{cpu['server']:.0f} ({cpu['server'] / max(cpu['machine'], 1e-9):.0%} of all "
              f"busy CPU), everything on the machine {cpu['machine']:.0f}; the rest is the "
              "load generator's own Chromium pages")
    errors = data["errors"]
    print(f"\nErrors: {len(errors)}")  # type: ignore[arg-type]
    for err in errors[:20]:  # type: ignore[index]
        print(f"- {err}")


def run(sessions: int, rounds: int, count: int, export: bool,
        ramp: float = 0.0) -> dict[str, object]:
    with replicas.replicas(count) as cluster:
        pids = cluster.pids()
        memory = {"before": sum(procstat.tree_rss_mb(p) for p in pids)}
        cpu_before = sum(procstat.tree_cpu_s(p) for p in pids), procstat.machine_busy_s()
        start = time.perf_counter()
        results = asyncio.run(drive(cluster.url, sessions, rounds, export, ramp))
        elapsed = time.perf_counter() - start
        memory["after"] = sum(procstat.tree_rss_mb(p) for p in pids)
        memory["per session (after − before)"] = (memory["after"] - memory["before"]) / sessions
        cpu = {"server": sum(procstat.tree_cpu_s(p) for p in pids) - cpu_before[0],
               "machine": procstat.machine_busy_s() - cpu_before[1]}
    return report(results, memory, sessions, count, elapsed, cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--replicas", type=int, default=1, choices=(1, 2, 3, 4))
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--ramp", type=float, default=1.5,
                        help="seconds between one session's start and the next's")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 1 <= args.rounds <= 5:
        parser.error("--sessions 1..50 and --rounds 1..5 (the run is bounded)")
    data = run(args.sessions, args.rounds, args.replicas, not args.no_export, args.ramp)
    print_report(data)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1))
    return 1 if data["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
