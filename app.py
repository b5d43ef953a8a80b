"""Corridor Atlas: the Streamlit app (UI, caching and session state only)."""

from __future__ import annotations

import gc
import math
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from corridor_atlas import (
    charts,
    describe,
    exports,
    headline,
    page,
    panels,
    phases,
    settings,
    styles,
    timeline,
)
from corridor_atlas.describe import (
    FACILITIES_NAME,
    disputed_status,
    flow_lines,
    location_text,
    route_label,
)
from corridor_atlas.errors import AtlasError
from corridor_atlas.flows import route_flow
from corridor_atlas.format import date as date_text
from corridor_atlas.layers import FACILITIES_ID, Atlas, load_atlas
from corridor_atlas.maps import (
    BASEMAPS,
    HIDDEN,
    ROUTE_MARK,
    SWITCH_STAMP,
    fit_group,
    map_parts,
    user_layer_id,
)
from corridor_atlas.markup import md, md_link
from corridor_atlas.scene import Scene, build_scene
from corridor_atlas.search import Hit, SearchIndex, build_index
from corridor_atlas.snapshot import find_chromium
from corridor_atlas.uploads import Shelf, Upload, UserLayer, attribute_table
from corridor_atlas.urlstate import UrlState, parse_query, standing, to_query
from corridor_atlas.view import (
    FOCUS_MAX_ZOOM,
    MAX_SIDE,
    MIN_SIDE,
    PRESETS,
    SIZE_PRESETS,
    UPLOAD_FIT_MAX_ZOOM,
    UPLOAD_FIT_PADDING_PX,
    BBox,
    MapView,
    bbox_from_leaflet,
    default_year,
    extent_text,
    focus_extent,
    parse_size,
    union_bbox,
    year_range,
)

GEO_DIR = settings.geo_dir()
VENDOR_DIR = settings.vendor_dir()
COUNTRIES_URL = "/app/static/basemap/countries.topojson"  # fetched once, cached by the browser
OVERVIEW = "__overview__"
MAP_HEIGHT = 640  # before the page's CSS sets it from the window (MAP_CSS)
CHART_HEIGHT = 280
_CLICKED_ROUTE = re.compile(re.escape(ROUTE_MARK) + r"([a-z][a-z0-9_]*)")
# The map fills the height the window leaves it (never under 380 px); inside its frame
# the map fills the frame.
MAP_CSS = """<style>
.st-key-atlas_map iframe { height: max(380px, calc(100vh - 190px)) !important; }
</style>"""
# The click position makes each click a new value (a rerun) even on the same route;
# the bounds are the extent an export reproduces; the selected layers are what the map's
# layer control switched (maps.live_layer_control).
MAP_RETURNS = ["last_object_clicked", "last_object_clicked_tooltip", "bounds", "center",
               "zoom", "selected_layers"]
PLAY_STEP_S = 0.9
# Tables: each column as wide as its header and its longest text, up to a cap; a table
# whose text runs longer wraps it over three lines. A header is never cut short, names,
# figures and statuses are read whole, and a longer note opens in full on a click. A
# facility's facts (fact, value) fit a phone's width (358 px) without scrolling sideways.
COLUMN_CAPS: dict[str, int] = {
    "note": 320, "notes": 320, "event": 300, "sources disagree": 300, "title": 300,
    "value": 210, "what": 220, "name": 260, "source": 200, "sources": 200,
    "applies to": 180, "no documented length": 200, "fact": 130, "figure": 140,
}
COLUMN_CAP = 240  # any other column
CHAR_PX, HEADER_CHAR_PX, CELL_PAD_PX = 7.2, 8, 30
LINE_PX, ROW_PAD_PX, MAX_LINES = 21, 16, 3
WRAP_MIN_ROW_PX = 65  # Streamlit wraps a cell's text only in rows taller than 4rem
HEADER_ROW_PX, TABLE_MAX_PX = 38, 600
FILTER_HELP = ("Show only these kinds of line, and only lines with these statuses in the "
               "year shown.")
FLOW_TITLES = {"bcm/y": "Gas carried, bcm a year", "bbl/d": "Oil carried, barrels a day",
               "Mt/y": "Freight carried, million tonnes a year"}
FORMAT_LABELS = {
    "png": "PNG image", "pdf": "PDF page", "html": "Interactive HTML (offline)",
    "svg": "SVG (print render)", "geojson": "GeoJSON data", "csv": "CSV of figures and sources",
    "kml": "KML for Google Earth",
}

# The page's icon: a folded map with a route across it, drawn here as SVG (an emoji is an
# empty box without an emoji font; a Material icon as favicon is fetched from the web).
PAGE_ICON = ('<svg viewBox="0 0 24 24"><path d="M2 5.5l6.7-2.5 6.6 2.5L22 3v15.5L15.3 21'
             f'l-6.6-2.5L2 21z" fill="{styles.LAND_COLOUR}" stroke="#333" stroke-width="1.6" '
             'stroke-linejoin="round"/><path d="M8.7 3v15.5M15.3 5.5V21" stroke="#333" '
             'stroke-width="1.2"/><path d="M3.5 15c3.5-.5 4.5-6 8.5-6.5s5 3 8.5 1.5" '
             f'fill="none" stroke="{styles.KIND_COLOURS["oil"]}" stroke-width="2.2" '
             'stroke-linecap="round"/></svg>')

st.set_page_config(page_title="Corridor Atlas", page_icon=PAGE_ICON, layout="wide")
# The session's how-many-th run this is, and this run's phase times when asked for (the
# benchmark's breakdown).
RUN = st.session_state["_runs"] = st.session_state.get("_runs", 0) + 1
CLOCK = phases.RunClock.from_env(run=RUN)
# How long the rest of the page waits for the map to be drawn on a session's first run, in
# case the map never starts the run that brings it (see main).
REST_WAITS_S = 5.0


# One atlas per process, shared read-only by every session and run: no copy per run, and
# what is worked out once per atlas (corridor_atlas.memo) stays worked out.
@st.cache_resource(show_spinner="Loading the corridor data…")
def load(geo_dir: str) -> Atlas:
    atlas = load_atlas(Path(geo_dir))
    # The atlas and the modules loaded before it live as long as the process: the garbage
    # collector leaves them out of its full collections from now on. Streamlit collects
    # after every run, and each collection went through all of them again: 100-170 ms in
    # which the server answered nothing, twice a page.
    gc.collect()
    gc.freeze()
    return atlas


@st.cache_resource(show_spinner=False)
def search_index(geo_dir: str) -> SearchIndex:  # shared read-only by every session
    return build_index(load(geo_dir))


def read_url(atlas: Atlas) -> None:
    """Once per session: put the view asked for in the URL into the widgets' state."""
    if st.session_state.get("_url_read") or atlas.catalog is None:
        return
    st.session_state["_url_read"] = True
    state, notices = parse_query(st.query_params.to_dict(), layer_ids=atlas.layer_ids(),
                                 route_ids=list(atlas.routes),
                                 years=year_range(atlas.catalog), presets=PRESETS,
                                 kinds=styles.KIND_LABELS, statuses=styles.STATUS_LABELS)
    st.session_state["_url_notices"] = notices
    if state.layers is not None:
        for lid in atlas.layer_ids():
            st.session_state[f"layer_{lid}"] = lid in state.layers
    if state.year is not None:
        st.session_state["year"] = state.year
    if state.route is not None:
        st.session_state["route"] = state.route
    if state.view is not None:
        st.session_state["map_target"] = state.view
        st.session_state["_opening"] = state.view  # the map opens there, at any size
    if state.preset is not None:
        st.session_state["zoom_to"] = state.preset
        st.session_state["_opening"] = PRESETS[state.preset].bbox
    if state.flows is not None:
        st.session_state["flows"] = state.flows
    if state.kinds is not None:
        st.session_state["filter_kinds"] = list(state.kinds)
    if state.statuses is not None:
        st.session_state["filter_status"] = list(state.statuses)


def write_url(atlas: Atlas, toggled: list[str], year: int, selected: str | None,
              map_state: dict | None, flows: bool, kinds: Sequence[str],
              statuses: Sequence[str]) -> str:
    """Keep the URL in step with the view; return the query string of a shareable link.

    The notices about what the opening URL asked for that was ignored stand while the URL
    still holds what the app wrote for it then, and go once the reader sets that part of
    the view (see :func:`corridor_atlas.urlstate.standing`).
    """
    assert atlas.catalog is not None
    view = _reported_view(map_state)
    if view is not None:
        first = st.session_state.setdefault("_first_view", view)
        if "_opening" not in st.session_state and _near(view, first):
            view = None  # the default view, fitted to the map's size: no choice of the user's
    preset = st.session_state.get("zoom_to")
    if preset is not None and view is not None:
        fitted = st.session_state.get("_fit_view")  # where the fit put the map
        before = st.session_state.get("_fit_from")
        if fitted is None and (before is None or not _near(view, before)):
            st.session_state["_fit_view"] = fitted = view  # the fit has moved the map
        if fitted is not None and not _near(view, fitted):
            preset = None  # moved away from the area picked: the link keeps where the map is
    if preset is not None:
        view = None
    elif view is None:
        view = st.session_state.get("map_target")
    default = UrlState(tuple(atlas.default_layers()), default_year(atlas.catalog), None, None,
                       flows=False, kinds=tuple(styles.KIND_LABELS),
                       statuses=tuple(styles.STATUS_LABELS))
    query = to_query(UrlState(tuple(toggled), year, selected, view, preset, flows,
                              tuple(kinds), tuple(statuses)), default=default)
    opened = st.session_state.setdefault("_url_opened", query)
    st.session_state["_url_notices"] = standing(st.session_state.get("_url_notices", []),
                                                opened=opened, now=query)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return urlencode(query)


def _reported_view(map_state: dict | None) -> tuple[float, float, float] | None:
    """The (lat, lon, zoom) the map last reported, rounded as the URL writes it."""
    center, zoom = (map_state or {}).get("center"), (map_state or {}).get("zoom")
    if not isinstance(center, dict) or not isinstance(zoom, int | float):
        return None
    try:
        return round(float(center["lat"]), 4), round(float(center["lng"]), 4), float(zoom)
    except (KeyError, TypeError, ValueError):
        return None


def _near(a: Sequence[float], b: Sequence[float]) -> bool:
    """Two views (lat, lon, zoom) the same but for rounding."""
    return abs(a[0] - b[0]) < 0.05 and abs(a[1] - b[1]) < 0.05 and abs(a[2] - b[2]) < 0.26


def _pick(hit: Hit) -> None:
    """A search result was picked: show it, zoom to it, open its panel."""
    if hit.kind == "route":
        st.session_state[f"layer_{hit.id}"] = True
        st.session_state["route"] = hit.id
        st.session_state.pop("facility", None)
    else:
        st.session_state[f"layer_{FACILITIES_ID}"] = True
        st.session_state["route"] = OVERVIEW
        st.session_state["facility"] = hit.id
    if hit.bbox is not None:
        _focus(hit.bbox)
    if hit.bbox is None:
        note = f"No source gives the location of {hit.label}, so the map stays where it is."
    elif hit.proxies:
        note = (f"No source gives the location of {hit.label} itself: the map shows the "
                f"area of {' and '.join(hit.proxies)}, which stand in for it.")
    else:
        note = None
    st.session_state["_pick_note"] = note
    st.session_state["search"] = ""
    _after_pick(close_sidebar=True)


def _after_pick(*, close_sidebar: bool) -> None:
    """On a phone, once the page is drawn: close the sidebar, bring the panel into view."""
    count = st.session_state.get("_picks", 0) + 1
    st.session_state["_picks"] = count
    st.session_state["_after_pick"] = (count, close_sidebar)


def _pick_route(atlas: Atlas) -> None:
    """A route was picked in the "Route panel" list: show it and zoom to the whole of it."""
    st.session_state.pop("facility", None)
    _after_pick(close_sidebar=True)
    route_id = st.session_state.get("route")
    frame = atlas.routes.get(route_id) if isinstance(route_id, str) else None
    if frame is None or frame.empty:
        return
    st.session_state[f"layer_{route_id}"] = True
    west, south, east, north = (float(v) for v in frame.total_bounds)
    if all(math.isfinite(v) for v in (west, south, east, north)):
        _focus((west, south, east, north))


def _focus(bbox: BBox) -> None:
    """Zoom to a picked route or place, with enough around it for its surroundings."""
    st.session_state.pop("zoom_to", None)  # the map leaves the area picked before
    _fit(focus_extent(bbox), max_zoom=FOCUS_MAX_ZOOM)


def _fit(bbox: BBox, **options: Any) -> None:
    """Fit the map to ``bbox`` on its next draw, at whatever size it is (``options``:
    those of :func:`~corridor_atlas.maps.fit_group`)."""
    st.session_state["fit"] = (f"{time.monotonic_ns()}", bbox, options)
    st.session_state.pop("_fit_view", None)
    st.session_state["_fit_from"] = _reported_view(st.session_state.get("map"))
    st.session_state.pop("map_target", None)


def _zoom_to() -> None:
    """A "Zoom to" preset was picked: fit the map to it."""
    preset = PRESETS.get(st.session_state.get("zoom_to") or "")
    if preset is not None:
        _fit(preset.bbox)


def _label(atlas: Atlas, layer_id: str) -> str:
    """A layer's name in the sidebar: the same as in the map's layer control."""
    if layer_id == FACILITIES_ID:
        return FACILITIES_NAME
    return route_label(atlas.catalog.route(layer_id)) if atlas.catalog else layer_id


def _on_map_change() -> None:
    """What the reader did on the map: a click on a route opens its panel; a layer
    switched in the map's layer control is switched in the sidebar too (one state)."""
    value = st.session_state.get("map") or {}
    click = (value.get("last_object_clicked"), value.get("last_object_clicked_tooltip"))
    if click != st.session_state.get("_click_seen"):  # a new click, not a pan or zoom
        st.session_state["_click_seen"] = click
        found = _CLICKED_ROUTE.search(click[1] or "")
        if found and found.group(1) in st.session_state.get("_route_ids", ()):
            st.session_state["route"] = found.group(1)
            st.session_state.pop("facility", None)
            _after_pick(close_sidebar=False)
    switches = {str(e.get("name")): e.get("url") for e in value.get("selected_layers") or ()
                if isinstance(e, dict)}
    stamp = switches.pop(SWITCH_STAMP, None)
    if stamp is not None and stamp != st.session_state.get("_switch_seen"):  # a new click
        st.session_state["_switch_seen"] = stamp
        for layer_id, state in switches.items():
            if layer_id in (*st.session_state.get("_layer_ids", ()),
                            *st.session_state.get("_own_ids", ())):
                st.session_state[f"layer_{layer_id}"] = state != HIDDEN


def _keep_view() -> None:
    """Another basemap redraws the map from scratch (and so does coming back to the Map
    tab, whose map is not sent while another tab is open): open it where the reader is."""
    view = _reported_view(st.session_state.get("map"))
    if view is not None:
        st.session_state["_opening"] = view
        st.session_state.pop("fit", None)  # done already: not again on the new map


def _main_tab_changed() -> None:
    """Leaving the Map tab, whose map is not sent while it is hidden: the map drawn on
    coming back opens where the reader left it."""
    if st.session_state.get("_map_open", True):
        _keep_view()


def search_box(atlas: Atlas) -> None:
    query = st.sidebar.text_input("Search routes and places", key="search",
                                  placeholder="e.g. Iğdır, naxcivan, Bakü, TANAP",
                                  help="English, Turkish or Azerbaijani; case and accents "
                                       "don't matter.")
    if not query:
        if st.session_state.get("_pick_note"):  # about the last pick, until the next search
            st.sidebar.caption(md(st.session_state["_pick_note"]))
        return
    st.session_state.pop("_pick_note", None)
    hits = search_index(str(GEO_DIR)).search(query)
    if not hits:
        st.sidebar.caption("No route or place matches.")
    for hit in hits:
        icon = ":material/route:" if hit.kind == "route" else ":material/location_on:"
        note = "" if hit.matched == hit.label else f" — “{hit.matched}”"
        st.sidebar.button(f"{md(hit.label)}{md(note)}", key=f"hit_{hit.kind}_{hit.id}",
                          icon=icon, on_click=_pick, args=(hit,), width="stretch")


def year_control(atlas: Atlas) -> int:
    assert atlas.catalog is not None
    first, last = year_range(atlas.catalog)
    st.session_state.setdefault("year", default_year(atlas.catalog))
    # Play is a switch, not a button: its value is the state wanted, so a click can't be
    # lost or counted twice when its rerun meets another (the map reporting its view).
    # Its start is found by comparing with the last run, not by an on_change callback,
    # which such a merged rerun can skip.
    playing = bool(st.session_state.get("playing", False))
    started = playing and not st.session_state.get("_was_playing", False)
    if started and st.session_state["year"] >= last:  # at the end: start again
        st.session_state["year"] = first
        st.session_state["_play_note"] = (f"{last} is the last year in the data: playing "
                                          f"again from {first}.")
    elif started or (not playing and st.session_state.get("_was_playing", False)):
        st.session_state.pop("_play_note", None)  # a new start or a pause: nothing to say
    if not playing:
        st.session_state.pop("_play_year", None)
    elif started or "_play_year" not in st.session_state:
        st.session_state["_play_year"] = st.session_state["year"]
    else:  # the play's own position wins: a rerun the page sent meanwhile (the map
        st.session_state["year"] = st.session_state["_play_year"]  # reporting its view)
        # carries the slider's value from before the last step
    st.sidebar.slider("As of year", first, last, key="year", disabled=playing,
                      help="Routes not yet agreed are not drawn; agreed or planned are "
                           "dotted, under construction dashed, operating solid. While the "
                           "years play, switch Play off to pick one.")
    if st.session_state.pop("_stop_play", False) or (
            playing and st.session_state["year"] >= last):  # the end of the data: stop
        st.session_state["playing"] = playing = False
        st.session_state["_play_note"] = f"Played to {last}, the last year in the data."
    st.session_state["_was_playing"] = playing
    st.sidebar.toggle("Play through the years", key="playing",
                      help=f"Steps through the years to {last}, one a second; switch off to "
                           f"pause. From {last} it starts again at {first}.")
    note = st.session_state.get("_play_note")
    if note:
        st.sidebar.caption(note)
    if note and not playing:  # said once when playing ends; kept while it plays
        del st.session_state["_play_note"]
    return int(st.session_state["year"])


def flows_switch(atlas: Atlas, year: int) -> bool:
    """The Flows switch; with no figure at all for the year shown, says where there are."""
    on = st.sidebar.toggle("Flows: line width by volume carried", key="flows",
                           help="Each route's width follows what it carried in the year shown, "
                                "from the sourced annual volumes; arrows point the way the "
                                "flow goes. A year with no sourced figure is drawn thin and "
                                "faded, never as zero.")
    if on and atlas.catalog is not None:
        years = sorted({v.year for r in atlas.catalog.routes for v in r.facts.annual_volumes
                        if v.measure == "throughput"})
        if years and year not in years:
            earlier = [y for y in years if y < year]
            hint = f" The latest year with figures is {earlier[-1]}." if earlier else ""
            st.sidebar.caption(f"No route has a sourced figure for {year}.{hint}")
    return bool(on)


def zoom_to() -> None:
    st.sidebar.selectbox("Zoom to", list(PRESETS), key="zoom_to", index=None,
                         format_func=lambda p: PRESETS[p].label, placeholder="Choose an area",
                         on_change=_zoom_to)


def filter_state() -> tuple[list[str], list[str]]:
    """The kinds and statuses shown: every one to start with, unless the URL chose
    (read_url)."""
    kinds = st.session_state.setdefault("filter_kinds", list(styles.KIND_LABELS))
    statuses = st.session_state.setdefault("filter_status", list(styles.STATUS_LABELS))
    return list(kinds or []), list(statuses or [])


def filters(atlas: Atlas) -> tuple[list[str], list[str]]:
    """Kinds and statuses to show, as pills: every choice in full words, none cut short."""
    filter_state()
    with st.sidebar.expander("Filter by kind and status"):
        kinds = st.pills("Kinds", list(styles.KIND_LABELS), selection_mode="multi",
                         format_func=styles.KIND_LABELS.get, key="filter_kinds",
                         help=FILTER_HELP)
        status = st.pills("Status in the year shown", list(styles.STATUS_LABELS),
                          selection_mode="multi", format_func=styles.STATUS_LABELS.get,
                          key="filter_status", help=FILTER_HELP)
    return list(kinds or []), list(status or [])


def layer_sections(atlas: Atlas) -> list[tuple[str | None, str | None, list[str]]]:
    """The sidebar's layer switches in the order it lists them (the layer control's too):
    (subheader, caption, layer ids) a group; no subheader continues the one above."""
    catalog = atlas.catalog
    if catalog is None:
        return []
    toggles = atlas.layer_ids()
    routes = [r for r in catalog.routes if r.id in toggles]
    sections: list[tuple[str | None, str | None, list[str]]] = []
    for kind, label in styles.KIND_LABELS.items():
        members = [r.id for r in routes if r.role == "route" and r.kind == kind]
        if members:
            sections.append((None if sections else "Routes", label, members))
    connections = [r.id for r in routes if r.role == "connection"]
    if connections:
        sections.append(("Connections", None, connections))
    sections.append(("Context layers", None, [r.id for r in routes if r.role == "context"]
                     + [FACILITIES_ID] * (FACILITIES_ID in toggles)))
    return sections


def layer_state(atlas: Atlas) -> tuple[list[str], str | None]:
    """The layers switched on and the route whose panel is open, from the session's state
    (what the sidebar's switches and list hold); sets each switch's default first."""
    assert atlas.catalog is not None
    defaults = set(atlas.default_layers())
    listed = [lid for _, _, ids in layer_sections(atlas) for lid in ids]
    for lid in listed:
        st.session_state.setdefault(f"layer_{lid}", lid in defaults)
    ids = [r.id for r in atlas.catalog.routes if r.id in atlas.routes]
    st.session_state["_route_ids"] = tuple(ids)
    st.session_state["_layer_ids"] = tuple(listed)
    if st.session_state.get("route") not in (OVERVIEW, *ids):
        st.session_state["route"] = OVERVIEW
    route = st.session_state["route"]
    return ([lid for lid in listed if st.session_state[f"layer_{lid}"]],
            None if route == OVERVIEW else route)


class Controls(NamedTuple):
    """What the sidebar's controls hold."""

    year: int
    flows: bool
    kinds: list[str]
    statuses: list[str]
    layers: list[str]
    selected: str | None  # the route whose panel is open
    basemap: str


def opening_controls(atlas: Atlas) -> Controls:
    """What the sidebar's controls hold when a session opens (what the URL set, else each
    one's default), without drawing them: the session's first run draws the map before
    them (see main), and the next run's controls give the same."""
    assert atlas.catalog is not None
    kinds, statuses = filter_state()
    layers, selected = layer_state(atlas)
    year = int(st.session_state.setdefault("year", default_year(atlas.catalog)))
    return Controls(year, bool(st.session_state.get("flows", False)), kinds, statuses, layers,
                    selected, st.session_state.get("basemap", next(iter(BASEMAPS))))


def sidebar(atlas: Atlas) -> tuple[list[str], str | None, str]:
    catalog = atlas.catalog
    visible: list[str] = []
    if catalog is not None:
        layer_state(atlas)  # each switch's default, the order they are listed in
        for subheader, caption, layer_ids in layer_sections(atlas):
            if subheader:
                st.sidebar.subheader(subheader, help=(
                    "The corridor's newer links, off when the map opens"
                    if subheader == "Connections" else None))
            if caption:
                st.sidebar.caption(caption)
            for lid in layer_ids:
                if st.sidebar.checkbox(md(_label(atlas, lid)), key=f"layer_{lid}",
                                       help="Terminals, junctions, compressor stations, "
                                            "refineries, fields and railway stations"
                                       if lid == FACILITIES_ID else None):
                    visible.append(lid)
        ids = st.session_state["_route_ids"]
        selected = st.sidebar.selectbox(
            "Route panel", [OVERVIEW, *ids], key="route",
            format_func=lambda i: ("Corridor overview" if i == OVERVIEW
                                   else route_label(catalog.route(i))),
            help="Or click a route on the map.", on_change=_pick_route, args=(atlas,))
    else:
        selected = OVERVIEW
    basemap = st.sidebar.radio("Basemap", list(BASEMAPS), format_func=BASEMAPS.get,
                               key="basemap", on_change=_keep_view)
    return visible, (None if selected == OVERVIEW else selected), basemap


def url_notices(box: Any) -> None:
    """What the URL asked for that was ignored, while the URL still holds it (write_url)."""
    for notice in st.session_state.get("_url_notices", []):
        box.warning(md(notice.text), icon=":material/link_off:")


def notices(atlas: Atlas) -> None:
    if not atlas.problems:
        return
    with st.expander(f"{len(atlas.problems)} data problem(s): the affected layers are "
                     "not drawn, everything else is", expanded=True,
                     icon=":material/warning:"):
        for problem in atlas.problems:
            st.text(str(problem))


def _column_width(name: str, values: Sequence[Any]) -> tuple[int, int]:
    """A column's width in pixels, and the lines its longest text needs at that width."""
    header = len(name) * HEADER_CHAR_PX + CELL_PAD_PX
    longest = max((len(v) for v in values if isinstance(v, str)), default=0) * CHAR_PX
    width = max(header, min(round(longest) + CELL_PAD_PX, COLUMN_CAPS.get(name, COLUMN_CAP)))
    return width, math.ceil(longest / (width - CELL_PAD_PX)) if longest else 1


def source_table(frame, *, height: int | None = None) -> None:
    """A reader's table from the library: each column sized to its text, longer texts
    wrapped over up to three lines, the link column as "open", and an empty cell where a
    row has no link. Numbers and dates stay values, so that a click on their header
    sorts by value, and read in the library's words (``panels.SHOWN``); an empty number
    says what the library says it means (``panels.MISSING``)."""
    words = panels.as_read(frame)  # what each cell reads
    shown = frame.attrs.get(panels.SHOWN, {})
    config: dict[str, Any] = {}
    lines = 1
    for column in map(str, frame.columns):
        if column == panels.LINK:
            config[column] = st.column_config.LinkColumn("link", display_text="open",
                                                         width="small")
            continue
        width, needed = _column_width(column, list(words[column]))
        numbers = pd.api.types.is_numeric_dtype(frame[column].dtype)
        config[column] = (st.column_config.NumberColumn if numbers
                          else st.column_config.TextColumn)(column, width=width)
        lines = max(lines, min(needed, MAX_LINES))
    row_px = max(WRAP_MIN_ROW_PX, lines * LINE_PX + ROW_PAD_PX) if lines > 1 else None
    if height is None and row_px is not None:  # as many rows in view as at one line a row
        height = min(TABLE_MAX_PX, HEADER_ROW_PX + len(frame) * row_px + 2)
    data = frame.copy()
    data.attrs = {}  # how it reads is in the Styler: never in the Arrow data sent
    if panels.LINK in data.columns:  # an empty cell, never the placeholder's words
        data[panels.LINK] = data[panels.LINK].fillna("")
    missing = frame.attrs.get(panels.MISSING, "")
    st.dataframe(data.style.format(shown, na_rep=missing) if shown else data,
                 hide_index=True, width="stretch", column_config=config,
                 height=height or "auto", placeholder=missing, row_height=row_px)


def lazy_tabs(labels: list[str], key: str, on_change: Any = "rerun") -> Sequence[Any]:
    """Tabs whose content runs only while shown (``if tab.open``): a page sends and draws
    one tab's charts and tables, not all of them; switching tabs reruns the script (after
    ``on_change``, when it is a function)."""
    return st.tabs(labels, key=key, on_change=on_change)


# Cards share a row while each keeps 10.5rem: two a row in a narrow panel or on a phone,
# more as the panel widens; a label, value or change too long for its card wraps rather
# than being cut short.
CARD_CSS = """<style>
[class*="st-key-cards_"] > div { flex: 1 1 10.5rem !important; min-width: 10.5rem; }
[class*="st-key-cards_"] [data-testid="stMetricValue"] { font-size: 1.5rem; }
[class*="st-key-cards_"] [data-testid="stMetric"] * {
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important;
}
</style>"""


def card_grid(cards: Sequence[describe.Card], key: str) -> None:
    """Metric cards side by side, wrapping onto more rows as the width needs; each with its
    lines of explanation and a link to the source of every figure on it."""
    with st.container(horizontal=True, gap="small", key=f"cards_{key}"):
        for i, card in enumerate(cards):
            with st.container(border=True, key=f"card_{key}_{i}"):
                st.metric(md(card.label), md(card.value) if card.value is not None else None,
                          delta=card.delta,  # figures and units only: its sign sets the arrow
                          delta_description=md(card.delta_note) if card.delta_note else None,
                          help=md(card.help) if card.help else None)
                links = " · ".join(md_link(f"{what}: {describe.source_label(src)}",
                                           getattr(src, "url", None))
                                   for what, src in card.sources)
                text = [md(line) for line in card.lines] + ([links] if links else [])
                if text:
                    st.caption("  \n".join(text))


def route_panel(atlas: Atlas, route_id: str, year: int,
                in_year: dict[str, str | None]) -> None:
    catalog = atlas.catalog
    whole = catalog.route(route_id)
    route = panels.route_until(whole, year)
    facts = route.facts
    colour = styles.KIND_COLOURS[route.kind]
    head = headline.route_headline(whole, year, as_of=catalog.as_of)
    start = headline.route_start(whole, as_of=catalog.as_of)
    st.header(md(route.name))
    st.caption(f"Türkçe: {md(route.name_tr)}  ·  Azərbaycanca: {md(route.name_az)}")
    st.markdown(f"**{md(describe.status_in_year_line(head))}** · "
                f"{styles.KIND_LABELS[route.kind]}")
    newest = facts.status_source
    today = timeline.route_state(whole, None, as_of=catalog.as_of)
    st.caption(f"{md(describe.status_today_line(today, catalog.as_of))} — "
               f"{md(facts.status_detail)} · newest source found: "
               f"{md_link(newest.date or 'undated', newest.url)} · volumes and dates up to "
               f"{year}")
    phase = in_year.get(route_id)
    state = timeline.route_state(whole, year, as_of=catalog.as_of)
    if state is not None and state.dispute is not None:
        st.warning(md(disputed_status(state)), icon=":material/help:")
    card_grid(describe.route_panel_cards(head), key="route")
    tab_figures, tab_volumes, tab_dates, tab_notes = lazy_tabs(
        ["Key figures", "Volumes", "Dates", "Caveats"], key="route_tab")
    with tab_figures:
        if tab_figures.open:
            source_table(panels.key_figures(route, atlas.drawn_length_km(route_id),
                                            as_of=catalog.as_of, year=year,
                                            countries=catalog.country_codes))
    with tab_volumes:
        if tab_volumes.open:
            flow = route_flow(whole, year, operating=phase == "operating")
            if flow.family is not None:
                st.markdown("  \n".join(md(line) for line in flow_lines(flow)))
            units = panels.volume_units(route)
            if not units:
                st.info(md(describe.no_volume_text(start, year)))
            for unit in units:
                chart = charts.volume_chart(route, unit, colour=colour)
                if chart is not None:
                    st.altair_chart(chart, width="stretch")  # the plot keeps its height
                    gap = panels.capacity_gap(route, unit)
                    if gap is not None:
                        st.caption(md(describe.capacity_gap_text(gap)))
            frame = panels.volumes_table(route)
            if len(frame):
                st.caption("Every reported figure and its alternatives")
                source_table(frame)
            if facts.other_volume_data:
                with st.expander("Partial-year and cumulative figures"):
                    source_table(panels.period_volumes_table(route))
    with tab_dates:
        if tab_dates.open:
            history = panels.status_periods_frame(whole, as_of=catalog.as_of, year=year)
            if len(history):
                st.caption(f"Status over time up to {year}, from each dated event's effect")
                source_table(history)
            milestones = panels.milestones_frame(route)
            if len(milestones):
                shown = describe.when_shown(year, catalog.as_of)
                st.altair_chart(charts.milestone_timeline(milestones, shown=shown),
                                width="stretch")
                source_table(panels.milestones_table(milestones))
            else:
                st.info(md(describe.no_milestone_text(start, year)))
    with tab_notes:
        if tab_notes.open:
            for text in facts.conflicts:
                st.markdown(f"- {md(text)}")
            if facts.notes:
                st.caption(md(facts.notes))


def overview_panel(atlas: Atlas, year: int) -> None:
    catalog = atlas.catalog
    st.header("The corridor in figures", help=md(catalog.as_of_note))
    st.caption(f"Up to {year}, from the data as of {date_text(catalog.as_of)}.")
    st.markdown("#### What the routes carry")
    routes = headline.route_headlines(catalog, year)
    if routes:
        card_grid([describe.route_card(h) for h in routes], key="routes")
    else:
        st.caption(f"No route has a dated capacity or a sourced annual volume up to {year}.")
    exports = headline.gas_exports(catalog, year)
    if exports:
        latest = exports[0].year
        st.markdown(f"#### Azerbaijan's gas exports in {latest}")
        card_grid([describe.export_card(e) for e in exports], key="exports")
        st.caption(f"Sources for {latest}: " + " · ".join(
            md_link(describe.source_label(s), s.url) for s in exports[0].sources))
        if exports[0].note:
            with st.expander(f"How the {latest} figures were put together"):
                st.caption(md(exports[0].note))
    else:
        first = min((e.year for e in catalog.gas_exports_azerbaijan), default=None)
        st.caption(md(describe.no_exports_text(year, first)))
    st.markdown(f"#### Under construction in {year}")
    builds = headline.under_construction(catalog, year)
    if builds:
        card_grid([describe.build_card(b) for b in builds], key="builds")
    else:
        st.caption(f"No line is under construction in {year}.")
    st.markdown(f"#### Planned or agreed in {year}")
    plans = headline.planned(catalog, year)
    if plans:
        card_grid([describe.planned_card(p) for p in plans], key="plans")
    else:
        st.caption(f"No line is planned or agreed in {year}.")
    colours = styles.route_colours((r.id, r.kind) for r in catalog.routes)
    by_name = {catalog.route(rid).short_name: c for rid, c in colours.items()}
    tab_flow, tab_gas, tab_time, tab_ctx, tab_len = lazy_tabs(
        ["Volumes", "Gas exports", "Timeline", "Context", "Lengths"],
        key="overview_tab")
    with tab_flow:
        if tab_flow.open:
            points = headline.flow_history(catalog, year)
            for unit, title in FLOW_TITLES.items():
                chart = charts.flows_chart([p for p in points if p.unit == unit],
                                           colours=by_name)
                if chart is not None:
                    st.markdown(f"**{title}**")
                    st.altair_chart(chart, width="stretch")  # the plot keeps its height
            if points:
                st.caption("Each route's sourced annual throughput; a year with no figure is a "
                           "gap, not a zero, and a hollow point a figure for part of a year. "
                           "Hover a point for the capacity in force, the utilisation and the "
                           "sources.")
            else:
                st.caption(f"No route has a sourced annual volume up to {year}.")
    with tab_gas:
        if tab_gas.open:
            gas = panels.gas_exports_frame(catalog)
            st.altair_chart(charts.gas_exports_chart(gas), width="stretch", height=CHART_HEIGHT)
            st.caption("Azerbaijan's gas exports by destination, bcm. Years without a sourced "
                       "figure are gaps in the chart and say “no figure” in the table, "
                       "never zero.")
            source_table(panels.gas_exports_table(gas))
    with tab_len:
        if tab_len.open:
            drawn = {rid: atlas.drawn_length_km(rid) or 0.0 for rid in atlas.routes}
            lengths = panels.corridor_overview(catalog, drawn)
            st.altair_chart(charts.lengths_chart(lengths), width="stretch", height=CHART_HEIGHT)
            source_table(panels.lengths_table(lengths))
            st.caption("Capacities")
            source_table(panels.capacities_table(catalog))
    with tab_time:
        if tab_time.open:
            frame = panels.all_milestones(catalog)
            st.altair_chart(charts.milestone_timeline(
                frame, colour_by="route", colours=by_name,
                shown=describe.when_shown(year, catalog.as_of)), width="stretch")
            source_table(panels.milestones_table(frame), height=320)
    with tab_ctx:
        if tab_ctx.open:
            for item in panels.context_items(catalog):
                flag = " :material/warning: disputed" if item.disputed else ""
                st.markdown(f"**{md(item.text)}**{flag}  \n{md(item.support)} — "
                            f"{md(item.source)}")
                if item.alternatives:
                    st.caption(f"Other sources: {md(item.alternatives)}")
                if item.note:
                    st.caption(md(item.note))
                if item.caveat:
                    st.warning(f"Caveat: {md(item.caveat)}")
            with st.expander("Known gaps in the data"):
                for gap in catalog.gaps:
                    st.markdown(f"- {md(gap)}")


def credits(atlas: Atlas) -> None:
    if atlas.catalog is None:
        return
    lines = [f"[{md(a.text)}]({a.url}) ({md(a.licence)})" for a in atlas.catalog.attribution]
    st.caption("Data: " + " · ".join(lines) + ". Schematic segments (wide pale band) are "
               "indicative only. Every figure links to its source.")


@st.cache_data(show_spinner=False, max_entries=32)
def render_export(geo_dir: str, view: MapView, fmt: str, size: tuple[int, int], scale: int,
                  static: bool, paper: str) -> exports.Export:
    return exports.export(load(geo_dir), view, fmt, vendor_dir=VENDOR_DIR, size=size,
                          scale=scale, static=static, paper=paper)  # type: ignore[arg-type]


def export_panel(atlas: Atlas, view: MapView, own: list[UserLayer]) -> None:
    """Download the current view, with the user's own layers, as an image, a page,
    a map file or data. Only the chosen format's options are shown."""
    box = st.expander("Export this view", key="export_open", on_change="rerun",
                      icon=":material/download:")
    if not box.open:  # its widgets are sent only while it is open
        return
    with box:
        browser = find_chromium() is not None
        c1, c2 = st.columns(2)
        fmt = c1.selectbox("Format", exports.FORMATS, format_func=FORMAT_LABELS.get,
                           key="export_format")
        options = exports.OPTIONS[fmt]
        size, scale, paper, static = SIZE_PRESETS["slide"], 1, "a4", False
        if "size" in options:
            preset = c2.radio("Size", ["slide", "a4", "custom"], horizontal=True,
                              key="export_size",
                              format_func={"slide": "Slide 16:9", "a4": "A4 landscape",
                                           "custom": "Custom"}.get)
            size = SIZE_PRESETS.get(preset, SIZE_PRESETS["slide"])
            if preset == "custom":  # a row of its own: in order on a phone too
                w1, w2 = st.columns(2)
                w = w1.number_input("Width (px)", MIN_SIDE, MAX_SIDE, 1600, step=10,
                                    key="export_w")
                h = w2.number_input("Height (px)", MIN_SIDE, MAX_SIDE, 900, step=10,
                                    key="export_h")
                size = parse_size(f"{int(w)}x{int(h)}")
        if "scale" in options:
            scale = int(st.radio("Scale", [1, 2], horizontal=True,
                                 format_func=lambda s: f"{s}×", key="export_scale",
                                 help="2× doubles the pixels each way: sharper on screens "
                                      "and in print, same layout."))
        if "paper" in options:
            paper = c2.radio("Paper", ["a4", "letter"], horizontal=True, key="export_paper",
                             format_func={"a4": "A4", "letter": "US Letter"}.get,
                             help="Landscape; the map fills the page.")
        if "static" in options:
            static = st.checkbox("Print render (no browser)", value=not browser,
                                 disabled=not browser, key="export_static",
                                 help="Draws the map with matplotlib from the same style "
                                      "table instead of the browser.")
            if not browser:
                st.info("Chromium is not installed on this server, so PNG and PDF use the "
                        "print render. Install it (`apt-get install chromium`) for "
                        "pixel-faithful snapshots of the live map.")
        if not options:
            st.caption({"html": "The live map in one file, with its controls; opens offline.",
                        "geojson": "The visible layers' features, with licence and "
                                   "attribution per feature.",
                        "csv": "Every figure of the visible layers with its sources.",
                        "kml": "The visible layers for Google Earth."}.get(fmt, ""))
        # Sent to an area (a link's view, a search hit, "Zoom to") but not yet told what it
        # shows: exporting now would draw the whole corridor, not what is on screen.
        settling = view.bbox is None and bool(st.session_state.get("map_target")
                                              or st.session_state.get("fit"))
        mine = f" + {len(own)} of your own" if own else ""
        if settling:
            st.caption("Waiting for the map to show the area asked for, so that the export "
                       "shows the same area…")
        else:
            st.caption(f"{len(view.layers)} layer(s){mine} · as of {view.year} · extent: "
                       f"{extent_text(view)}")
        request = (view, fmt, size, scale, static, paper, tuple(o.digest for o in own))
        if st.button("Prepare download", key="export_go", type="primary", disabled=settling):
            try:
                with st.spinner(f"Rendering {FORMAT_LABELS[fmt]}…"):
                    if own:  # the user's data stays in this session: not in the shared cache
                        result = exports.export(atlas, view, fmt, vendor_dir=VENDOR_DIR,
                                                size=size, scale=scale, static=static,
                                                paper=paper,  # type: ignore[arg-type]
                                                user_layers=own)
                    else:
                        result = render_export(str(GEO_DIR), *request[:-1])
            except AtlasError as err:
                st.error(f"Export failed: {err}")
            else:
                st.session_state["export_result"] = (request, result)
        ready = st.session_state.get("export_result")
        if ready and ready[0] == request:  # never offer a file of a view no longer shown
            result = ready[1]
            name = result.filename(view)
            if result.note:
                st.info(result.note)
            st.download_button(f"Save {name} ({len(result.data) / 1024:,.0f} KB)", result.data,
                               file_name=name, mime=result.mime, key="export_save",
                               on_click="ignore")


def facility_panel(atlas: Atlas, facility_id: str) -> None:
    fac = next((f for f in atlas.catalog.facilities.items if f.id == facility_id), None)
    if fac is None:
        st.session_state.pop("facility", None)
        return
    st.header(md(fac.heading))  # its name, short enough for a phone; the rest below
    lines = [md(fac.name)] if fac.heading != fac.name else []
    st.caption("  \n".join([*lines, md(fac.kind), f"location: {md(location_text(fac))}"]))
    source_table(panels.facility_table(fac))
    st.caption("Sources: " + " · ".join(  # links that wrap on a phone, never cut short
        md_link(f"{describe.source_label(s)}: {s.title}", s.url) for s in fac.sources))


def table_view(atlas: Atlas, scene: Scene, year: int,
               in_year: dict[str, str | None], own: list[UserLayer]) -> None:
    """The map as a table: sortable, downloadable, readable without colour."""
    routes = [r.id for r in scene.routes]
    frame = panels.layers_table(
        atlas.catalog, routes, status=in_year,
        drawn_km={rid: atlas.drawn_length_km(rid) or 0.0 for rid in routes},
        facilities=scene.facilities is not None)
    st.caption(f"Visible layers as of {year}. Line: the pattern the map uses for the status "
               "(solid operating, dashed under construction, dotted planned). Click a column "
               "header to sort. An empty length or capacity: no source gives one (a "
               "facility has none).")
    source_table(frame)
    st.download_button("Download this table (CSV)",
                       panels.as_read(frame).to_csv(index=False).encode("utf-8"),
                       file_name=f"corridor-atlas_table_{year}.csv", mime="text/csv",
                       key="table_csv", on_click="ignore")
    for i, layer in enumerate(own):
        st.subheader(f"Your layer: {md(layer.name)}")
        st.caption(md(layer.describe()))
        st.dataframe(attribute_table(layer), hide_index=True, width="stretch",
                     key=f"own_table_{i}")


def compare_view(atlas: Atlas, view: MapView) -> None:
    assert atlas.catalog is not None
    first, last = year_range(atlas.catalog)
    if not st.toggle("Show two years side by side", key="compare_on",
                     help="Two synchronised maps: pan or zoom one and the other follows."):
        st.caption("Turn on to compare the corridor in two years.")
        return
    # Only the data's years can be picked: a year outside them cannot be typed in and
    # then silently not drawn.
    years = list(range(first, last + 1))
    c1, c2 = st.columns(2)
    help_text = f"The data covers {first}–{last}."
    year_a = c1.selectbox("Left: as of", years, index=years.index(min(max(2005, first), last)),
                          key="compare_a", help=help_text)
    year_b = c2.selectbox("Right: as of", years,
                          index=years.index(min(max(default_year(atlas.catalog), first), last)),
                          key="compare_b", help=help_text)
    if year_a == year_b:
        st.caption(f"Both maps show {year_a}: pick another year on one side to compare.")
    from corridor_atlas.compare import compare_map

    dual = compare_map(atlas, view, int(year_a), int(year_b), vendor_dir=VENDOR_DIR,
                       countries_url=COUNTRIES_URL)
    st_folium(dual, key="compare", height=MAP_HEIGHT - 80, use_container_width=True,
              returned_objects=[])


def user_layers() -> tuple[list[UserLayer], list[UserLayer]]:
    """Layers the user uploads, kept for this browser session only; the map fits to a
    layer once, when it is added.

    Returns the layers shown and the layers switched off (here or in the map's layer
    control, which lists them too)."""
    with st.sidebar.expander("Your own layers", icon=":material/add:"):
        files = st.file_uploader(
            "GeoJSON, KML, zipped Shapefile or GeoPackage", key="uploads",
            type=["geojson", "json", "kml", "zip", "gpkg"], accept_multiple_files=True,
            help="Drawn on the map for you only; nothing is stored on the server.")
        shelf: Shelf = st.session_state.setdefault("_shelf", Shelf())
        shelved = shelf.update(Upload(f.file_id, f.name, f.getvalue()) for f in files or [])
        for note in shelved.notes:
            {"error": st.error, "warning": st.warning, "info": st.caption}[note.level](
                md(note.text))
        layers: list[UserLayer] = []
        hidden: list[UserLayer] = []
        for layer in shelved.layers:
            switch = user_layer_id(layer)
            if switch:
                st.session_state.setdefault(f"layer_{switch}", True)
            shown = not switch or st.checkbox(f"Show {md(layer.name)} on the map",
                                              key=f"layer_{switch}")
            (layers if shown else hidden).append(layer)
    st.session_state["_own_ids"] = tuple(user_layer_id(o) for o in layers + hidden)
    extent = union_bbox(layer.bounds for layer in shelved.added)
    if extent is not None:
        _fit(extent, max_zoom=UPLOAD_FIT_MAX_ZOOM, padding=UPLOAD_FIT_PADDING_PX)
    return layers, hidden


def share_link(query: str) -> None:
    base = (st.context.url or "").split("?")[0] or "http://localhost:8501/"
    box = st.sidebar.expander("Link to this view", key="share_open", on_change="rerun",
                              icon=":material/link:")
    if box.open:  # drawn only while open: the code block is costly for a page to draw
        with box:
            st.caption("Copy this link (button at the right) to share exactly this view. "
                       "The address bar holds the same link.")
            st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)


def map_tab(atlas: Atlas, scene: Scene, view: MapView, toggled: list[str],
            own_off: list[UserLayer]) -> dict | None:
    """The Map tab's map and what is written under it. Returns what the map reports."""
    assert atlas.catalog is not None
    parts = map_parts(atlas, scene, vendor_dir=VENDOR_DIR, basemap=view.basemap,
                      countries_url=COUNTRIES_URL,
                      switched_off=[lid for lid in atlas.layer_ids() if lid not in toggled],
                      own_off=own_off,
                      listed=[*st.session_state.get("_layer_ids", ()),
                              *st.session_state.get("_own_ids", ())],
                      opening=st.session_state.get("_opening"))
    if "fit" in st.session_state:
        request, bbox, options = st.session_state["fit"]
        parts.groups.append(fit_group(request, bbox, **options))
    CLOCK.mark("map parts")
    with st.container(key="atlas_map"):
        # the map opens on the view the URL asked for (the base map's opening)
        state = st_folium(parts.base, key="map", height=MAP_HEIGHT,
                          use_container_width=True, feature_group_to_add=parts.groups,
                          layer_control=parts.control, returned_objects=MAP_RETURNS,
                          on_change=_on_map_change)
    CLOCK.mark("map sent")
    not_begun = [atlas.catalog.route(lid).short_name for lid in scene.not_begun]
    if not_begun:
        st.caption(f"Not yet agreed in {view.year}, so not drawn: "
                   + ", ".join(md(n) for n in not_begun) + ".")
    if scene.filtered:
        st.caption(f"Hidden by the filters: {len(scene.filtered)} layer(s).")
    credits(atlas)
    return state


def sidebar_controls(atlas: Atlas) -> tuple[int, bool, list[str], list[str], list[str],
                                            str | None, str, list[UserLayer],
                                            list[UserLayer]]:
    """The sidebar's controls, drawn: the year, Flows, the kinds and statuses, the layers,
    the route panel, the basemap, the user's own layers (shown and switched off)."""
    search_box(atlas)
    year = year_control(atlas)
    flows = flows_switch(atlas, year)
    zoom_to()
    kinds, statuses = filters(atlas)
    layers, selected, basemap = sidebar(atlas)
    own, own_off = user_layers()
    return year, flows, kinds, statuses, layers, selected, basemap, own, own_off


@st.fragment(run_every=REST_WAITS_S)
def _rest_if_the_map_is_not_drawn() -> None:
    """Drawn on a session's first run only: if the map has not started the next run
    REST_WAITS_S after it (a map that failed to load), start it, so the controls and the
    panel come all the same. Draws nothing; once the next run is under way, it is not
    called again."""
    calls = st.session_state["_rest_waits"] = st.session_state.get("_rest_waits", 0) + 1
    if calls > 1 and st.session_state.get("_runs", 0) <= 1:
        st.rerun(scope="app")


def main() -> None:
    atlas = load(str(GEO_DIR))
    CLOCK.mark("data")
    st.sidebar.title("Corridor Atlas")
    st.sidebar.caption("Energy and transport routes from the Caspian through Georgia and "
                       "Türkiye to Europe.")
    if atlas.catalog is None:
        notices(atlas)
        st.error("The catalog could not be read, so no route can be shown. See the data "
                 "problems above.")
        return
    st.html(MAP_CSS + CARD_CSS)
    read_url(atlas)
    # A page just opened gets the map and what is written under it, nothing else: the
    # sidebar's controls, the panel and the export panel each need the browser to fetch
    # and run more code, which would hold the map back. They come with the next run,
    # which the map starts as soon as it is drawn (it reports its view), or after
    # REST_WAITS_S if it never does. A session's first run reads the view from what the
    # controls will show, and draws the map before them.
    opening = RUN == 1
    if opening:
        year, flows, kinds, wanted_status, toggled, selected, basemap = opening_controls(atlas)
        own, own_off = [], []
    else:
        year, flows, kinds, wanted_status, toggled, selected, basemap, own, own_off = \
            sidebar_controls(atlas)
    CLOCK.mark("sidebar")
    in_year = timeline.statuses_in(atlas.catalog.routes, year, as_of=atlas.catalog.as_of)
    view = MapView(layers=tuple(toggled), selected=selected, basemap=basemap, year=year,
                   flows=flows, kinds=tuple(kinds), statuses=tuple(wanted_status))
    scene = build_scene(atlas, view, own)
    CLOCK.mark("scene")
    col_map, col_panel = st.columns([3, 2], gap="medium")
    with col_map:
        url_box = st.container()  # filled once the URL is written (write_url)
        notices(atlas)
        tab_map, tab_compare, tab_table = lazy_tabs(["Map", "Compare two years", "Table"],
                                                    key="main_tab", on_change=_main_tab_changed)
        # The map only while its tab is open: the others' reruns neither make nor send it.
        st.session_state["_map_open"] = tab_map.open
        state = st.session_state.get("map")  # what the map last reported
        with tab_map:
            if tab_map.open:
                state = map_tab(atlas, scene, view, toggled, own_off)
    # A page just opened has not drawn its map yet: it has not reported its view. A tab
    # that reconnects (its server restarted or another took over) reports it with its
    # first run, and gets its whole page back at once.
    first = opening and _reported_view(state) is None
    if first:
        with st.sidebar:
            _rest_if_the_map_is_not_drawn()
    elif opening:
        sidebar_controls(atlas)  # they hold what the map was drawn with (opening_controls)
    with col_map:
        with tab_map:
            if tab_map.open and not first:
                export_panel(atlas, replace(
                    view, bbox=bbox_from_leaflet((state or {}).get("bounds"))), own)
        with tab_compare:
            if tab_compare.open:
                compare_view(atlas, view)
        with tab_table:
            if tab_table.open:
                table_view(atlas, scene, year, in_year, own)
    CLOCK.mark("below the map")
    query = write_url(atlas, toggled, year, selected, state, flows, kinds, wanted_status)
    url_notices(url_box)
    if first:
        CLOCK.mark("url")
        return
    with col_panel:
        facility = st.session_state.get("facility")
        if selected is None and facility:
            facility_panel(atlas, facility)
        elif selected is None:
            overview_panel(atlas, year)
        else:
            route_panel(atlas, selected, year, in_year)
        picked = st.session_state.get("_after_pick")
        if picked is not None:  # sent with every run; the page acts on each pick once
            st.html(page.after_pick(picked[0], close_sidebar=picked[1]),
                    unsafe_allow_javascript=True)
    CLOCK.mark("panel")
    share_link(query)
    CLOCK.mark("url")
    if st.session_state.get("playing"):
        _, last = year_range(atlas.catalog)
        if year >= last:  # the switch is drawn: it is turned off before it is, next run
            st.session_state["_stop_play"] = True
        else:
            time.sleep(PLAY_STEP_S)
            st.session_state["_play_year"] = year + 1
        CLOCK.finish()
        st.rerun()


try:
    main()
    CLOCK.finish()
finally:
    CLOCK.finish(completed=False)  # a run cut short (a completed one is written already)
