"""Load on the app's server, not on browsers: sessions that speak Streamlit's own protocol.

Each session (``scripts/stclient.py``) opens the app as a browser tab does, then, with a
pause between (a user's think time), moves the year, turns a route layer on or off, or
switches Flows, and checks that the rerun shows what it asked for: the view in the URL
the app writes back. Nothing is drawn, so the generator's own CPU stays small and the
figures are the server's. Reported per app process: the sessions it holds, p50/p95 time
from an interaction to the end of its rerun (``script_finished``), CPU seconds and
resident memory per session (from ``/proc``), and errors.

    python scripts/loadgen.py --sessions 10 50 100 --replicas 1 2
    python scripts/loadgen.py --fault --sessions 50 --replicas 2

With two or more replicas, nginx sits in front (``scripts/replicas.py``); each session
connects from its own loopback address (127.0.N.1), so ``ip_hash`` spreads them. With
``--fault`` the first replica is killed (SIGKILL) in the middle of the run: its sessions
reconnect as a browser tab does (health check with backoff, a new WebSocket, a rerun
with the same query string) and land on another replica; each checks that it is back
at the view it had. Half of them reconnect as an open tab (sending their widget values
too), half as a reloaded page (the URL alone).

Everything stays on loopback and is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path[:0] = [p for p in (str(HERE), str(HERE.parent / "src")) if p not in sys.path]

import procstat  # noqa: E402
import replicas  # noqa: E402
import stclient  # noqa: E402

LAYER_KEYS = ("layer_btc", "layer_tap", "layer_tanap", "layer_scp", "layer_btk")
FLOWS_ON = ("1", "true", "on", "yes")
YEARS = (1995, 2000, 2006, 2011, 2015, 2018, 2021, 2024)
MAX_SESSIONS = 200
RUN_DEADLINE_S = 900.0
FAULT_NOTICE_S = 5.0  # how long a finished session waits to see its connection close


# --- The view ------------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    """What the map shows, as far as these interactions change it."""

    year: int
    layers: frozenset[str]
    flows: bool


def view_in_query(query: str, default: View) -> View:
    """The view a query string asks for (what the app writes: defaults left out)."""
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    layers = default.layers if "layers" not in params else frozenset(
        p for p in params["layers"].split(",") if p)
    year = int(params["year"]) if "year" in params else default.year
    flows = params["flows"].lower() in FLOWS_ON if "flows" in params else default.flows
    return View(year, layers, flows)


def view_in_widgets(values: dict[str, Any]) -> View:
    """The view the page's widgets show."""
    return View(int(values["year"]),
                frozenset(k.removeprefix("layer_") for k, v in values.items()
                          if k.startswith("layer_") and v),
                bool(values.get("flows", False)))


def interaction(index: int, step: int, values: dict[str, Any]) -> dict[str, Any]:
    """Session ``index``'s ``step``-th change: the year, a layer or Flows, in turn."""
    kind = (index + step) % 3
    if kind == 0:
        year = YEARS[(index * 3 + step) % len(YEARS)]
        if year == int(values["year"]):
            year = YEARS[(index * 3 + step + 1) % len(YEARS)]
        return {"year": year}
    if kind == 1:
        key = LAYER_KEYS[(index + step) % len(LAYER_KEYS)]
        return {key: not values.get(key, False)}
    return {"flows": not values.get("flows", False)}


# --- One run -------------------------------------------------------------------------------

@dataclass
class Record:
    """What one session did."""

    index: int
    replica: int | None = None  # where it held its session at the end
    opened: bool = False
    open_s: float | None = None
    waits: list[tuple[int | None, float]] = field(default_factory=list)  # (replica, s)
    errors: list[str] = field(default_factory=list)
    reconnects: list[dict[str, Any]] = field(default_factory=list)
    connected_at_end: bool = False


@dataclass
class Plan:
    sessions: int
    interactions: int
    think_s: float
    ramp_s: float
    run_timeout_s: float
    fault_after_s: float | None = None  # kill replica 0 this long after all have opened


class Runner:
    def __init__(self, cluster: replicas.Cluster, plan: Plan, default: View) -> None:
        self.cluster, self.plan, self.default = cluster, plan, default
        self.records = [Record(i) for i in range(plan.sessions)]
        self.all_open = asyncio.Event()
        self.opened = 0
        self.done = asyncio.Event()
        self.finished = 0
        self.killed = asyncio.Event()
        self.killed_at: float | None = None
        self.killed_cpu_s: float | None = None  # the killed replica's CPU-s up to its end
        self.on_killed: int | None = None  # sessions connected to it when it was killed
        self.lost = 0
        self.sessions: list[stclient.Session] = []

    def replica(self, session: stclient.Session) -> int | None:
        if len(self.cluster.servers) == 1:
            return 0
        return self.cluster.by_address.get(session.upstream or "")

    def _opened_one(self) -> None:
        self.opened += 1
        if self.opened == self.plan.sessions:
            self.all_open.set()

    async def session(self, index: int) -> None:
        plan, rec = self.plan, self.records[index]
        rng = random.Random(index)
        await asyncio.sleep(plan.ramp_s * index / max(1, plan.sessions))
        s = stclient.Session(self.cluster.url, local_host=f"127.0.{index % 250 + 1}.1",
                             run_timeout=plan.run_timeout_s)
        self.sessions.append(s)
        try:
            try:
                run = await s.open()
                rec.opened, rec.open_s = True, run.seconds
                self._check(rec, s, run, "open")
            except (stclient.DisconnectedError, TimeoutError) as err:
                rec.errors.append(f"open: {type(err).__name__}: {err}")
                return
            finally:
                self._opened_one()
            rec.replica = self.replica(s)
            for step in range(plan.interactions):
                if await s.wait_closed(plan.think_s * rng.uniform(0.5, 1.5)) \
                        and not await self._recover(s, rec, pending=None):
                    return
                change = interaction(index, step, s.values)
                before = dict(s.values)
                try:
                    run = await s.set(**change)
                except (stclient.DisconnectedError, TimeoutError) as err:
                    if isinstance(err, TimeoutError):  # the page would still be waiting
                        rec.errors.append(f"step {step}: no script_finished within "
                                          f"{plan.run_timeout_s:.0f} s; session given up")
                        return
                    if not await self._recover(s, rec, pending=change, before=before):
                        return
                    run = await s.set(**change)  # the user does it again
                rec.waits.append((self.replica(s), run.seconds))
                self._check(rec, s, run, f"step {step} {change}")
            if plan.fault_after_s is not None:
                # The tab stays open until the replica has been killed; if it was on it,
                # it reconnects then, as a tab left open does.
                await self.killed.wait()
                if await s.wait_closed(FAULT_NOTICE_S) \
                        and not await self._recover(s, rec, pending=None):
                    return
            rec.connected_at_end = s.connected
        except (stclient.DisconnectedError, TimeoutError, KeyError) as err:
            rec.errors.append(f"{type(err).__name__}: {err}")
        finally:
            rec.replica = self.replica(s) if s.upstream or len(self.cluster.servers) == 1 \
                else rec.replica
            self.finished += 1
            if self.finished == plan.sessions:
                self.done.set()

    def _check(self, rec: Record, s: stclient.Session, run: stclient.Run, what: str) -> None:
        if run.status != "ok" or run.exceptions:
            rec.errors.append(f"{what}: {run.status} {run.exceptions[:2]}")
        shown = view_in_widgets(s.values)
        in_url = view_in_query(s.query, self.default)
        if shown != in_url:
            rec.errors.append(f"{what}: the page shows {shown} but the URL says {in_url}")

    async def _recover(self, s: stclient.Session, rec: Record, *, pending: dict | None,
                       before: dict | None = None) -> bool:
        """Reconnect after a lost connection; check the view came back. False if it failed."""
        lost_at = time.monotonic()
        from_replica = self.replica(s)
        confirmed = view_in_query(s.query, self.default)  # the last view the server wrote
        self.lost += 1
        reload = self.lost % 2 == 0  # half reload the page, half stay open
        note: dict[str, Any] = {"from": from_replica, "mode": "reload" if reload else "open tab",
                                "during_run": pending is not None}
        rec.reconnects.append(note)
        try:
            note["attempts"] = await s.reconnect(lost_at + self.plan.run_timeout_s)
            note["connected_after_s"] = round(time.monotonic() - lost_at, 3)
            note.update({k: round(v, 3) for k, v in s.reconnect_steps.items()})
            if reload:  # a new page: the URL is all it has
                s.forget()
            run = await s.rerun()
        except (stclient.DisconnectedError, TimeoutError) as err:
            note["error"] = f"{type(err).__name__}: {err}"
            rec.errors.append(f"reconnect: {note['error']}")
            return False
        note["to"] = self.replica(s)
        now = time.monotonic()
        note["back_after_s"] = round(now - lost_at, 3)
        note["rerun_s"] = round(run.seconds, 3)
        if self.killed_at is not None:
            note["since_kill_s"] = round(now - self.killed_at, 3)
        shown = view_in_widgets(s.values)
        # An open tab sends the values it shows with its rerun: a change the dead replica
        # never finished may come back applied, or not; either way nothing else may differ.
        allowed = {confirmed}
        if pending and before is not None and not reload:
            allowed.add(view_in_widgets({**before, **pending}))
        note["view_kept"] = shown in allowed and view_in_query(s.query, self.default) == shown
        if not note["view_kept"]:
            rec.errors.append(f"view lost on reconnect: had {confirmed}, now {shown}")
        self._check(rec, s, run, "rerun after reconnect")
        return True

    async def fault(self) -> None:
        await self.all_open.wait()
        await asyncio.sleep(self.plan.fault_after_s or 0.0)
        victim = self.cluster.servers[0]
        self.on_killed = sum(1 for s in self.sessions if s.connected and self.replica(s) == 0)
        self.killed_cpu_s = procstat.tree_cpu_s(victim.pid)
        self.killed_at = time.monotonic()
        await asyncio.to_thread(victim.kill)
        self.killed.set()

    async def run(self) -> None:
        tasks = [asyncio.create_task(self.session(i)) for i in range(self.plan.sessions)]
        if self.plan.fault_after_s is not None:
            tasks.append(asyncio.create_task(self.fault()))
        try:
            await asyncio.wait_for(self.done.wait(), RUN_DEADLINE_S)
        except TimeoutError:
            for r in self.records:
                r.errors.append("the run did not finish within its time limit")
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


# --- Measuring -----------------------------------------------------------------------------

def percentile(values: Iterable[float], pct: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def learn_default(url: str) -> View:
    """The app's opening view: what a session with no query string shows."""
    s = stclient.Session(url)
    try:
        await s.open()
        return view_in_widgets(s.values)
    finally:
        await s.close()


async def warm_up(cluster: replicas.Cluster) -> View:
    """One session per replica (data loaded, caches filled); return the opening view."""
    views = [await learn_default(server.url) for server in cluster.servers]
    return views[0]


async def measure(cluster: replicas.Cluster, plan: Plan) -> dict[str, Any]:
    default = await warm_up(cluster)
    pids = cluster.pids()
    nginx_pid = cluster.nginx.pid if cluster.nginx else None
    rss_before = [procstat.rss_mb(p) for p in pids]
    cpu_before = [procstat.tree_cpu_s(p) for p in pids]
    nginx_before = procstat.tree_cpu_s(nginx_pid) if nginx_pid else 0.0
    self_before, machine_before = _cpu_self(), procstat.machine_busy_s()
    start = time.monotonic()
    runner = Runner(cluster, plan, default)
    await runner.run()
    elapsed = time.monotonic() - start
    # Held: every session still open, before any is closed.
    held_conn = [procstat.connections(s.port) if s.running() else 0 for s in cluster.servers]
    rss_held = [procstat.rss_mb(p) for p in pids]
    cpu = [(procstat.tree_cpu_s(p) if s.running() else runner.killed_cpu_s or b) - b
           for p, b, s in zip(pids, cpu_before, cluster.servers, strict=True)]
    nginx_cpu = (procstat.tree_cpu_s(nginx_pid) - nginx_before) if nginx_pid else 0.0
    gen_cpu = _cpu_self() - self_before
    machine = procstat.machine_busy_s() - machine_before
    await asyncio.gather(*(s.close() for s in runner.sessions), return_exceptions=True)
    return summarise(runner, plan, elapsed, {
        "rss_before": rss_before, "rss_held": rss_held, "cpu": cpu, "held_conn": held_conn,
        "nginx_cpu": nginx_cpu, "generator_cpu": gen_cpu, "machine_busy": machine})


def _stats(values: list[float]) -> dict[str, float | None]:
    return {"n": len(values), "p50_s": percentile(values, 50), "p95_s": percentile(values, 95),
            "max_s": max(values) if values else None}


def summarise(runner: Runner, plan: Plan, elapsed: float, m: dict[str, Any]) -> dict[str, Any]:
    recs = runner.records
    per: list[dict[str, Any]] = []
    for i, server in enumerate(runner.cluster.servers):
        mine = [r for r in recs if r.replica == i and r.connected_at_end]
        waits = [w for r in recs for (rep, w) in r.waits if rep == i]
        sessions_served = {r.index for r in recs if r.replica == i} | {
            r.index for r in recs for note in r.reconnects if note.get("from") == i}
        cpu = m["cpu"][i]
        grown = m["rss_held"][i] - m["rss_before"][i]
        per.append({
            "replica": i, "alive": server.running(), "sessions_held": len(mine),
            "connections_at_end": m["held_conn"][i], "interactions": _stats(waits),
            "cpu_s": cpu, "reruns": len(waits),
            "cpu_s_per_session": cpu / len(sessions_served) if cpu and sessions_served else None,
            "cpu_s_per_rerun": cpu / len(waits) if cpu and waits else None,
            "rss_mb_before": m["rss_before"][i], "rss_mb_held": m["rss_held"][i],
            "rss_mb_per_session": grown / len(mine) if mine and server.running() else None})
    waits = [w for r in recs for (_, w) in r.waits]
    opens = [r.open_s for r in recs if r.open_s is not None]
    reconnects = [n for r in recs for n in r.reconnects]
    errors = [f"session {r.index}: {e}" for r in recs for e in r.errors]
    return {
        "sessions": plan.sessions, "replicas": len(runner.cluster.servers),
        "plan": asdict(plan), "elapsed_s": elapsed,
        "opened": sum(r.opened for r in recs),
        "held_at_end": sum(r.connected_at_end for r in recs),
        "open": _stats(opens), "interactions": _stats(waits),
        "reruns_per_s": (len(waits) + len(opens)) / elapsed if elapsed else None,
        "per_replica": per, "nginx_cpu_s": m["nginx_cpu"],
        "generator_cpu_s": m["generator_cpu"], "machine_busy_cpu_s": m["machine_busy"],
        "cores": os.cpu_count(), "reconnects": reconnects,
        "on_killed_replica": runner.on_killed,
        "views_lost": sum(1 for n in reconnects if not n.get("view_kept")),
        "errors": errors,
    }


# --- Report --------------------------------------------------------------------------------

def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| replicas | sessions | held | open p50 / p95 | interaction p50 / p95 | "
             "reruns/s | server CPU-s per session | per rerun | RSS MB (idle → held) | "
             "MB per session | errors |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rows = r["per_replica"]
        cpu = sum(p["cpu_s"] or 0 for p in rows)
        reruns = sum(p["reruns"] for p in rows) + r["opened"]
        grown = sum(p["rss_mb_held"] - p["rss_mb_before"] for p in rows if p["alive"])
        lines.append(
            f"| {r['replicas']} | {r['sessions']} | {r['held_at_end']} | "
            f"{_s(r['open']['p50_s'])} / {_s(r['open']['p95_s'])} s | "
            f"{_s(r['interactions']['p50_s'])} / {_s(r['interactions']['p95_s'])} s | "
            f"{r['reruns_per_s']:.1f} | {cpu / max(1, r['opened']):.2f} | "
            f"{cpu / max(1, reruns):.3f} | "
            f"{sum(p['rss_mb_before'] for p in rows):.0f} → "
            f"{sum(p['rss_mb_held'] for p in rows if p['alive']):.0f} | "
            f"{grown / max(1, r['held_at_end']):.1f} | {len(r['errors'])} |")
    return "\n".join(lines)


def replica_table(results: list[dict[str, Any]]) -> str:
    lines = ["| replicas | sessions | replica | held | interaction p50 / p95 | reruns | "
             "CPU-s | CPU-s per session | RSS MB held | MB per session |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for p in r["per_replica"]:
            lines.append(
                f"| {r['replicas']} | {r['sessions']} | {p['replica']}"
                f"{'' if p['alive'] else ' (killed)'} | {p['sessions_held']} | "
                f"{_s(p['interactions']['p50_s'])} / {_s(p['interactions']['p95_s'])} s | "
                f"{p['reruns']} | {_s(p['cpu_s'])} | {_s(p['cpu_s_per_session'])} | "
                f"{p['rss_mb_held']:.0f} | {_s(p['rss_mb_per_session'])} |")
    return "\n".join(lines)


def fault_report(r: dict[str, Any]) -> str:
    notes = r["reconnects"]
    back = [n["back_after_s"] for n in notes if "back_after_s" in n]
    connected = [n["connected_after_s"] for n in notes if "connected_after_s" in n]
    since_kill = [n["since_kill_s"] for n in notes if "since_kill_s" in n]
    moved = sum(1 for n in notes if n.get("to") not in (None, n.get("from")))
    lines = [f"Replica 0 killed while it held {r['on_killed_replica']} session(s); "
             f"{len(notes)} lost their connection, {moved} came back on another replica, "
             f"{r['views_lost']} lost their view "
             f"({sum(1 for n in notes if n.get('during_run'))} were in a run when it died; "
             f"{sum(1 for n in notes if n['mode'] == 'reload')} came back as a reloaded page, "
             f"{sum(1 for n in notes if n['mode'] == 'open tab')} as an open tab)."]
    if connected:
        lines.append(f"From losing the connection to a new one on another replica: p50 "
                     f"{_s(percentile(connected, 50))} s, p95 "
                     f"{_s(percentile(connected, 95))} s, max {_s(max(connected))} s "
                     f"(of which waiting for the health check p50 "
                     f"{_s(percentile([n.get('health_s', 0.0) for n in notes], 50))} s, for "
                     f"the WebSocket p50 "
                     f"{_s(percentile([n.get('websocket_s', 0.0) for n in notes], 50))} s).")
    if back:
        lines.append(f"From losing the connection to the view drawn again: p50 "
                     f"{_s(percentile(back, 50))} s, p95 {_s(percentile(back, 95))} s, max "
                     f"{_s(max(back))} s (from the kill: p50 {_s(percentile(since_kill, 50))} "
                     f"s, max {_s(max(since_kill, default=None))} s).")
    return " ".join(lines)


def print_report(results: list[dict[str, Any]]) -> None:
    print(table(results))
    print()
    print(replica_table(results))
    for r in results:
        cpu = sum(p["cpu_s"] or 0 for p in r["per_replica"])
        print(f"\n{r['replicas']} replica(s), {r['sessions']} sessions: {r['elapsed_s']:.0f} s; "
              f"CPU-s: app processes {cpu:.1f}, nginx {r['nginx_cpu_s']:.1f}, this generator "
              f"{r['generator_cpu_s']:.1f}, whole machine {r['machine_busy_cpu_s']:.1f} "
              f"({r['cores']} cores)")
        if r["plan"]["fault_after_s"] is not None:
            print(fault_report(r))
        for err in r["errors"][:10]:
            print(f"- {err}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--interactions", type=int, default=6,
                        help="changes per session after it opens (6)")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between a session's changes, s (3)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="seconds over which the sessions open (10)")
    parser.add_argument("--timeout", type=float, default=180.0,
                        help="longest wait for one run before it counts as an error, s")
    parser.add_argument("--fault", action="store_true",
                        help="kill replica 0 in the middle of the run (needs 2+ replicas)")
    parser.add_argument("--fault-after", type=float, default=6.0,
                        help="seconds after the last session opened to kill it (6)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not all(1 <= n <= MAX_SESSIONS for n in args.sessions) or not 1 <= args.interactions <= 50:
        parser.error(f"--sessions 1..{MAX_SESSIONS}, --interactions 1..50 (the run is bounded)")
    if args.fault and min(args.replicas) < 2:
        parser.error("--fault needs --replicas 2 or more")
    results = []
    for count in args.replicas:
        for n in args.sessions:
            plan = Plan(n, args.interactions, args.think, args.ramp, args.timeout,
                        args.fault_after if args.fault else None)
            print(f"… {count} replica(s), {n} sessions", file=sys.stderr, flush=True)
            with replicas.replicas(count) as cluster:
                results.append(asyncio.run(measure(cluster, plan)))
    print_report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str))
    errors = sum(len(r["errors"]) for r in results)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
