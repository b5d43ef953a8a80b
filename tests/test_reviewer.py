"""A reviewer reads the whole app: every text a reader sees is in plain words.

The app runs headless (Streamlit's AppTest) with every panel open in turn: each tab of
every route's panel (routes, connections, context layers), each tab of the overview,
every facility's panel and the Table tab, in 1995, 2005, 2012, 2020 and the year the
app opens on. All the text a reader sees is collected (markdown, captions, headings,
alerts, the labels, help and options of every widget, tab and expander labels, every
table's headers and cells as shown, chart titles) and must hold no id, no snake_case,
no ``None``/``nan``/``NaT``/``null`` and no text cut short with an ellipsis
(tests/reader_support.py). The map's tooltips, popups, layer names and legend are read
from the map the app draws.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import GEO_DIR, ROOT, open_session
from .reader_support import CATALOG, IDS, check_app, plain, problems_in, visible_text

APP = str(ROOT / "app.py")
YEARS: tuple[int | None, ...] = (1995, 2005, 2012, 2020, None)  # None: the app's own year
ROUTE_TABS = ("Key figures", "Volumes", "Dates", "Caveats")
OVERVIEW_TABS = ("Volumes", "Gas exports", "Timeline", "Context", "Lengths")


# --------------------------------------------------------------------------- the app, read

@pytest.fixture(scope="module", autouse=True)
def _compiled_once() -> Iterator[None]:
    """AppTest compiles app.py afresh for every run (a new script cache each time); the
    hundreds of runs here share one, so they take a fraction of the time. The script
    still runs in full every time."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_script_runner, "ScriptCache", lambda: shared)
        yield


def _fresh(year: int | None, *, layers_on: bool) -> AppTest:
    """The app in ``year`` with every layer on (the Table) or off (a fast map)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if year is not None:
        at.query_params["year"] = str(year)
    for layer in [*(r.id for r in CATALOG.routes), "facilities"]:
        at.session_state[f"layer_{layer}"] = layers_on
    return open_session(at)


def _tabs(at: AppTest, key: str, labels: Iterable[str], where: str) -> list[str]:
    """Open each tab of the tab set ``key`` in turn and read the app."""
    found = []
    for label in labels:
        at.session_state[key] = label
        at.run()
        shown = [t.label for t in at.tabs]
        assert label in shown, f"{where}: no tab {label!r} among {shown}"
        found += check_app(at, f"{where} / {label}", IDS)
    return found


@pytest.mark.parametrize("year", YEARS, ids=lambda y: str(y or "today"))
def test_every_panel_and_tab_reads_in_plain_words(year: int | None) -> None:
    at = _fresh(year, layers_on=False)
    when = f"year {year or 'of the app'}"
    found = check_app(at, f"{when} / overview", IDS)
    if year is None:  # the export panel, the link and the compare tab, once
        at.session_state["export_open"] = True
        at.session_state["share_open"] = True
        found += _tabs(at, "main_tab", ["Compare two years", "Map"], f"{when} / main")
        at.session_state["export_open"] = at.session_state["share_open"] = False
    found += _tabs(at, "overview_tab", OVERVIEW_TABS, f"{when} / overview")
    for route in CATALOG.routes:
        at.session_state["route"] = route.id
        at.run()
        assert at.header[0].value.replace("\\", "") == route.name
        found += _tabs(at, "route_tab", ROUTE_TABS, f"{when} / {route.id} panel")
        at.session_state["route_tab"] = ROUTE_TABS[0]
    assert not found, "\n".join(found)


def test_every_facility_panel_reads_in_plain_words() -> None:
    at = _fresh(None, layers_on=False)
    found = []
    for facility in CATALOG.facilities.items:
        at.session_state["route"] = "__overview__"
        at.session_state["facility"] = facility.id
        at.run()
        assert at.header[0].value.replace("\\", "") == facility.heading
        found += check_app(at, f"{facility.id} panel", IDS)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("year", YEARS, ids=lambda y: str(y or "today"))
def test_the_table_tab_reads_in_plain_words(year: int | None) -> None:
    at = _fresh(year, layers_on=True)
    at.session_state["main_tab"] = "Table"
    at.run()
    table = next(df for df in at.dataframe if "line" in df.value.columns)
    names = set(table.value["name"])
    assert {f.name for f in CATALOG.facilities.items} <= names
    assert {r.name for r in CATALOG.routes} & names
    assert not (found := check_app(at, f"Table in {year or 'the app year'}", IDS)), \
        "\n".join(found)


def test_search_results_read_in_plain_words() -> None:
    """Searches in the app, and every name of every route and facility searched in the
    index the app asks: the results' words (a result shows its name and the name that
    matched)."""
    at = _fresh(None, layers_on=False)
    found = []
    for query in ("ceyhan", "kipoi cs", "sangachal", "terminal", "pipeline", "railway",
                  "naxcivan", "igdir"):
        at.text_input(key="search").input(query).run()
        hits = [b for b in at.sidebar.button if (b.key or "").startswith("hit_")]
        assert hits, f"nothing found for {query!r}"
        for hit in hits:
            found += problems_in(plain(hit.label), f"search {query!r}", IDS)
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.search import build_index, strip_language

    index = build_index(load_atlas(GEO_DIR))
    names = [n for r in CATALOG.routes for n in (r.name, r.short_name, r.name_tr, r.name_az,
                                                  *r.facts.aliases)]
    names += [n for f in CATALOG.facilities.items for n in (f.name, f.id.replace("_", " "))]
    for name in names:
        hits = index.search(strip_language(name))
        assert hits, name
        for hit in hits:
            found += problems_in(f"{hit.label} — {hit.matched}", f"search {name!r}", IDS)
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- the map

def _map_texts(year: int | None) -> Iterator[tuple[str, str]]:
    """Tooltips, popups, layer names and legend of the map with every layer on."""
    from corridor_atlas import maps
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.scene import build_scene
    from corridor_atlas.view import MapView

    atlas = load_atlas(GEO_DIR)
    layers = (*atlas.layer_ids(),)
    for flows in (False, True):
        scene = build_scene(atlas, MapView(layers=layers, year=year, flows=flows))
        for group in maps.layer_groups(scene):
            yield "layer control", visible_text(group.layer_name)
            for child in group._children.values():
                data = getattr(child, "data", None)
                for feature in (data or {}).get("features", []):
                    props = feature.get("properties", {})
                    for key in ("tip", "popup"):
                        if props.get(key):
                            yield f"{key} of {feature.get('id')}", visible_text(props[key])
                tooltip = getattr(child, "tooltip", None)
                if tooltip is not None:
                    yield "marker tooltip", visible_text(tooltip.text)
        yield "legend", visible_text(maps.legend_html(scene.legend))


@pytest.mark.parametrize("year", YEARS, ids=lambda y: str(y or "today"))
def test_map_tooltips_popups_layer_names_and_legend_read_in_plain_words(
        year: int | None) -> None:
    texts = list(_map_texts(year))
    kinds = {k.split(" of ")[0] for k, _ in texts}
    assert {"layer control", "tip", "legend"} <= kinds
    if year is None:
        assert "popup" in kinds  # the facilities are drawn today
    found = [p for where, text in texts for p in problems_in(text, where, IDS)]
    assert not found, "\n".join(found)


def test_the_layer_control_names_each_layer_as_the_sidebar_does() -> None:
    at = _fresh(None, layers_on=True)
    sidebar = {plain(c.label) for c in at.sidebar.checkbox if (c.key or "").startswith("layer_")}
    (component,) = [c for c in at.get("component_instance")
                    if c.proto.component_name == "streamlit_folium.st_folium"]
    args = json.loads(component.proto.json_args)
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args["layer_control"])
    names = {visible_text(json.loads(f'"{m}"')).lstrip("\u25ac\u25cf ") for m in strings}
    routes = {r.name for r in CATALOG.routes}
    assert routes <= sidebar
    assert routes <= names, sorted(routes - names)
    assert {"Facilities"} <= sidebar & names
