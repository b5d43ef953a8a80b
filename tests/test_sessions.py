"""Sessions at once, each with its own view: clients that speak Streamlit's protocol
(``scripts/stclient.py``) against ``streamlit run`` on loopback.

No timing is asserted anywhere here: the timeouts only stop a run that hangs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator

import pytest

from corridor_atlas import serve
from corridor_atlas.view import default_year

from . import browser_support as bs
from .conftest import ROOT

sys.path[:0] = [p for p in (str(ROOT / "scripts"),) if p not in sys.path]

import loadgen  # noqa: E402
import stclient  # noqa: E402

RUN_TIMEOUT_S = 300.0  # a failure guard for a busy machine, not a target

# Four sessions, four different views: year, layers and Flows all differ.
WANTED = [
    {"year": 2000, "layer_btc": True, "layer_tap": False, "flows": False},
    {"year": 2011, "layer_btc": False, "layer_tap": True, "flows": True},
    {"year": 2018, "layer_btc": True, "layer_igb": True, "flows": True},
    {"year": 2024, "layer_btc": False, "layer_scp": False, "flows": False},
]


@pytest.fixture(scope="module")
def app() -> Iterator[str]:
    with bs.run_app(ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def default(app: str) -> loadgen.View:
    return asyncio.run(loadgen.learn_default(app))


def session(url: str, query: str = "") -> stclient.Session:
    return stclient.Session(url, query, run_timeout=RUN_TIMEOUT_S)


def expected(default: loadgen.View, wanted: dict) -> loadgen.View:
    layers = set(default.layers)
    for key, on in wanted.items():
        if key.startswith("layer_"):
            (layers.add if on else layers.discard)(key.removeprefix("layer_"))
    return loadgen.View(wanted["year"], frozenset(layers), wanted["flows"])


def test_the_opening_view_is_the_apps_default(default: loadgen.View, atlas):
    assert default.year == default_year(atlas.catalog)
    assert default.layers == frozenset(atlas.default_layers())
    assert default.flows is False


def test_concurrent_sessions_each_get_their_own_view(app: str, default: loadgen.View):
    async def main() -> list[tuple[stclient.Session, stclient.Run, stclient.Run]]:
        sessions = [session(app) for _ in WANTED]
        opened = await asyncio.gather(*(s.open() for s in sessions))
        # Every change is sent before any rerun is read: the runs overlap in the server.
        changed = await asyncio.gather(*(s.set(**w) for s, w in zip(sessions, WANTED,
                                                                   strict=True)))
        again = await asyncio.gather(*(s.rerun() for s in sessions))
        await asyncio.gather(*(s.close() for s in sessions))
        assert all(r.status == "ok" and not r.exceptions for r in opened)
        return list(zip(sessions, changed, again, strict=True))

    results = asyncio.run(main())
    ids = {s.session_id for s, _, _ in results}
    assert len(ids) == len(WANTED) and None not in ids
    for (s, changed, again), wanted in zip(results, WANTED, strict=True):
        view = expected(default, wanted)
        assert changed.status == "ok" and changed.exceptions == [], changed
        assert again.status == "ok" and again.exceptions == [], again
        assert changed.query is not None  # the app wrote this session's view into its URL
        assert loadgen.view_in_query(s.query, default) == view
        assert loadgen.view_in_widgets(s.values) == view


def test_a_new_session_with_the_url_comes_back_to_the_same_view(app: str,
                                                                 default: loadgen.View):
    wanted = WANTED[2]

    async def main() -> tuple[str, stclient.Run, stclient.Session]:
        first = session(app)
        await first.open()
        await first.set(**wanted)
        await first.close()
        reloaded = session(app, first.query)  # a reloaded page: the URL is all it has
        run = await reloaded.open()
        await reloaded.close()
        return first.query, run, reloaded

    query, run, reloaded = asyncio.run(main())
    assert run.status == "ok" and run.exceptions == []
    # The server itself set the widgets from the URL: the values come from its reply.
    assert run.set_values["year"] == wanted["year"]
    assert run.set_values["layer_igb"] is True
    assert run.set_values["flows"] is True
    assert loadgen.view_in_widgets(reloaded.values) == expected(default, wanted)
    assert reloaded.query == query


def test_after_its_server_dies_a_session_reconnects_elsewhere_with_its_view(
        app: str, default: loadgen.View):
    wanted = WANTED[1]
    doomed = serve.start_app(ROOT)

    async def main() -> tuple[stclient.Session, str | None, stclient.Run]:
        s = session(doomed.url)
        await s.open()
        await s.set(**wanted)
        old_id = s.session_id
        await asyncio.to_thread(doomed.kill)
        assert await s.wait_closed(RUN_TIMEOUT_S)
        s.base_url = app  # as a proxy sends it to the replica still up
        await s.reconnect(time.monotonic() + RUN_TIMEOUT_S)
        run = await s.rerun()
        await s.close()
        return s, old_id, run

    try:
        s, old_id, run = asyncio.run(main())
    finally:
        doomed.stop()
    assert s.connects == 2 and s.session_id != old_id  # a new session on the other server
    assert run.status == "ok" and run.exceptions == []
    assert run.set_values["year"] == wanted["year"]
    assert loadgen.view_in_widgets(s.values) == expected(default, wanted)
    assert loadgen.view_in_query(s.query, default) == expected(default, wanted)


# --- The load generator's own logic (no server) ----------------------------------------------

DEFAULT = loadgen.View(2026, frozenset({"btc", "tap"}), False)


@pytest.mark.parametrize(("query", "view"), [
    ("", DEFAULT),
    ("year=2011", loadgen.View(2011, DEFAULT.layers, False)),
    ("layers=btc%2Cigb&flows=1", loadgen.View(2026, frozenset({"btc", "igb"}), True)),
    ("layers=&year=1995&flows=0", loadgen.View(1995, frozenset(), False)),
])
def test_the_view_in_a_query_string(query: str, view: loadgen.View):
    assert loadgen.view_in_query(query, DEFAULT) == view


def test_the_view_the_widgets_show():
    values = {"year": 2011.0, "layer_btc": True, "layer_tap": False, "flows": True, "x": True}
    assert loadgen.view_in_widgets(values) == loadgen.View(2011, frozenset({"btc"}), True)


def test_each_interaction_changes_the_view():
    values = {"year": 2026.0, "layer_btc": True, "flows": False}
    for index in range(5):
        for step in range(9):
            change = loadgen.interaction(index, step, values)
            assert len(change) == 1
            ((key, value),) = change.items()
            assert value != values.get(key, False if key != "year" else None)
            values[key] = value


def test_percentiles():
    assert loadgen.percentile([], 50) is None
    assert loadgen.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert loadgen.percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_reconnect_pauses_follow_the_browser():
    for _ in range(200):
        assert 0.25 <= stclient.retry_pause(1) <= 0.5
        assert 0.5 <= stclient.retry_pause(2) <= 1.0
        assert 2.0 <= stclient.retry_pause(9) <= 4.0
        assert stclient.ping_pause(1) == 0.1
        assert 0.14 <= stclient.ping_pause(2) <= 0.2
        assert 2.8 <= stclient.ping_pause(12) <= 4.0
