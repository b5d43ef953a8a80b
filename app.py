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
    i18n,
    page,
    panels,
    phases,
    search,
    settings,
    styles,
    timeline,
)
from corridor_atlas.describe import (
    disputed_status,
    facilities_name,
    flow_lines,
    location_text,
    route_label,
)
from corridor_atlas.errors import AtlasError
from corridor_atlas.flows import route_flow
from corridor_atlas.i18n import N_
from corridor_atlas.i18n.languages import PICKER_LABEL
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
    credit_text,
    default_year,
    english,
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
FILTER_HELP = N_("Show only these kinds of line, and only lines with these statuses in the "
                 "year shown.")
FLOW_TITLES = {"bcm/y": N_("Gas carried, bcm a year"), "bbl/d": N_("Oil carried, barrels a day"),
               "Mt/y": N_("Freight carried, million tonnes a year")}
FORMAT_LABELS = {
    "png": N_("PNG image"), "pdf": N_("PDF page"), "html": N_("Interactive HTML (offline)"),
    "svg": N_("SVG (print render)"), "geojson": N_("GeoJSON data"),
    "csv": N_("CSV of figures and sources"), "kml": N_("KML for Google Earth"),
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
# This run's language: the one the reader picked, else the link's ``lang``, else the
# browser's (see choose_language). Every text the app writes goes through _ and _n.
LANG: str = i18n.DEFAULT


def _(message: str) -> str:
    """``message`` in this run's language."""
    return i18n.translator(LANG).gettext(message)


def _n(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in this run's language."""
    return i18n.translator(LANG).ngettext(singular, plural, n)


def _num(value: float) -> str:
    """A whole number in this run's language (``1,234``, ``1.234``)."""
    return i18n.number(value, LANG)


def quote(text: str) -> str:
    """A note of the data, as written in its (English) sources: in another language it
    reads as a quotation."""
    return md(text) if english(LANG) else f"“{md(text)}”"


# The session's how-many-th run this is, and this run's phase times when asked for (the
# benchmark's breakdown).
RUN = st.session_state["_runs"] = st.session_state.get("_runs", 0) + 1
CLOCK = phases.RunClock.from_env(run=RUN)
# How long the rest of the page waits for the map to be drawn on a session's first run, in
# case the map never starts the run that brings it (see main).
REST_WAITS_S = 5.0


# One atlas per process, shared read-only by every session and run: no copy per run, and
# what is worked out once per atlas (corridor_atlas.memo) stays worked out.
@st.cache_resource(show_spinner=False)
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
    # the language goes into the link unless it is English: a link shows what it showed
    # here, and an English one leaves the language to the browser that opens it
    default = UrlState(tuple(atlas.default_layers()), default_year(atlas.catalog), None, None,
                       flows=False, kinds=tuple(styles.KIND_LABELS),
                       statuses=tuple(styles.STATUS_LABELS), lang=i18n.DEFAULT)
    query = to_query(UrlState(tuple(toggled), year, selected, view, preset, flows,
                              tuple(kinds), tuple(statuses), LANG), default=default)
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
    st.session_state["_picked"] = hit  # what the sidebar says of it, in the language shown
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
        return facilities_name(LANG)
    return route_label(atlas.catalog.route(layer_id), LANG) if atlas.catalog else layer_id


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
    query = st.sidebar.text_input(_("Search routes and places"), key="search",
                                  placeholder=_("e.g. Iğdır, naxcivan, Bakü, TANAP"),
                                  help=_("English, Turkish or Azerbaijani; case and accents "
                                         "don't matter."))
    if not query:
        picked = st.session_state.get("_picked")  # the last pick, until the next search
        note = search.pick_note(picked, LANG) if picked is not None else None
        if note:
            st.sidebar.caption(md(note))
        return
    st.session_state.pop("_picked", None)
    hits = search_index(str(GEO_DIR)).search(query)
    if not hits:
        st.sidebar.caption(_("No route or place matches."))
    for hit in hits:
        icon = ":material/route:" if hit.kind == "route" else ":material/location_on:"
        st.sidebar.button(md(search.hit_text(hit, LANG)), key=f"hit_{hit.kind}_{hit.id}",
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
        st.session_state["_play_note"] = _("{last} is the last year in the data: playing "
                                           "again from {first}.").format(last=last, first=first)
    elif started or (not playing and st.session_state.get("_was_playing", False)):
        st.session_state.pop("_play_note", None)  # a new start or a pause: nothing to say
    if not playing:
        st.session_state.pop("_play_year", None)
    elif started or "_play_year" not in st.session_state:
        st.session_state["_play_year"] = st.session_state["year"]
    else:  # the play's own position wins: a rerun the page sent meanwhile (the map
        st.session_state["year"] = st.session_state["_play_year"]  # reporting its view)
        # carries the slider's value from before the last step
    st.sidebar.slider(_("As of year"), first, last, key="year", disabled=playing,
                      help=_("Routes not yet agreed are not drawn; agreed or planned are "
                             "dotted, under construction dashed, operating solid. While the "
                             "years play, switch Play off to pick one."))
    if st.session_state.pop("_stop_play", False) or (
            playing and st.session_state["year"] >= last):  # the end of the data: stop
        st.session_state["playing"] = playing = False
        st.session_state["_play_note"] = _("Played to {last}, the last year in the "
                                           "data.").format(last=last)
    st.session_state["_was_playing"] = playing
    st.sidebar.toggle(_("Play through the years"), key="playing",
                      help=_("Steps through the years to {last}, one a second; switch off to "
                             "pause. From {last} it starts again at {first}.").format(
                                 last=last, first=first))
    note = st.session_state.get("_play_note")
    if note:
        st.sidebar.caption(note)
    if note and not playing:  # said once when playing ends; kept while it plays
        del st.session_state["_play_note"]
    return int(st.session_state["year"])


def flows_switch(atlas: Atlas, year: int) -> bool:
    """The Flows switch; with no figure at all for the year shown, says where there are."""
    on = st.sidebar.toggle(_("Flows: line width by volume carried"), key="flows",
                           help=_("Each route's width follows what it carried in the year "
                                  "shown, from the sourced annual volumes; arrows point the "
                                  "way the flow goes. A year with no sourced figure is drawn "
                                  "thin and faded, never as zero."))
    if on and atlas.catalog is not None:
        years = sorted({v.year for r in atlas.catalog.routes for v in r.facts.annual_volumes
                        if v.measure == "throughput"})
        if years and year not in years:
            earlier = [y for y in years if y < year]
            st.sidebar.caption(
                _("No route has a sourced figure for {year}. The latest year with figures "
                  "is {latest}.").format(year=year, latest=earlier[-1]) if earlier else
                _("No route has a sourced figure for {year}.").format(year=year))
    return bool(on)


def zoom_to() -> None:
    st.sidebar.selectbox(_("Zoom to"), list(PRESETS), key="zoom_to", index=None,
                         format_func=lambda p: _(PRESETS[p].label),
                         placeholder=_("Choose an area"), on_change=_zoom_to)


def filter_state() -> tuple[list[str], list[str]]:
    """The kinds and statuses shown: every one to start with, unless the URL chose
    (read_url)."""
    kinds = st.session_state.setdefault("filter_kinds", list(styles.KIND_LABELS))
    statuses = st.session_state.setdefault("filter_status", list(styles.STATUS_LABELS))
    return list(kinds or []), list(statuses or [])


def filters(atlas: Atlas) -> tuple[list[str], list[str]]:
    """Kinds and statuses to show, as pills: every choice in full words, none cut short."""
    filter_state()
    with st.sidebar.expander(_("Filter by kind and status")):
        kinds = st.pills(_("Kinds"), list(styles.KIND_LABELS), selection_mode="multi",
                         format_func=lambda k: describe.kind_word(k, LANG), key="filter_kinds",
                         help=_(FILTER_HELP))
        status = st.pills(_("Status in the year shown"), list(styles.STATUS_LABELS),
                          selection_mode="multi",
                          format_func=lambda s: describe.status_word(s, LANG),
                          key="filter_status", help=_(FILTER_HELP))
    return list(kinds or []), list(status or [])


ROUTES, CONNECTIONS, CONTEXT = N_("Routes"), N_("Connections"), N_("Context layers")


def layer_sections(atlas: Atlas) -> list[tuple[str | None, str | None, list[str]]]:
    """The sidebar's layer switches in the order it lists them (the layer control's too):
    (subheader, kind, layer ids) a group, the subheader and the kind's caption as
    messages; no subheader continues the one above."""
    catalog = atlas.catalog
    if catalog is None:
        return []
    toggles = atlas.layer_ids()
    routes = [r for r in catalog.routes if r.id in toggles]
    sections: list[tuple[str | None, str | None, list[str]]] = []
    for kind in styles.KIND_LABELS:
        members = [r.id for r in routes if r.role == "route" and r.kind == kind]
        if members:
            sections.append((None if sections else ROUTES, kind, members))
    connections = [r.id for r in routes if r.role == "connection"]
    if connections:
        sections.append((CONNECTIONS, None, connections))
    sections.append((CONTEXT, None, [r.id for r in routes if r.role == "context"]
                     + [FACILITIES_ID] * (FACILITIES_ID in toggles)))
    return sections


def layer_state(atlas: Atlas) -> tuple[list[str], str | None]:
    """The layers switched on and the route whose panel is open, from the session's state
    (what the sidebar's switches and list hold); sets each switch's default first."""
    assert atlas.catalog is not None
    defaults = set(atlas.default_layers())
    listed = [lid for *_, ids in layer_sections(atlas) for lid in ids]
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
        for subheader, kind, layer_ids in layer_sections(atlas):
            if subheader:
                st.sidebar.subheader(_(subheader), help=(
                    _("The corridor's newer links, off when the map opens")
                    if subheader == CONNECTIONS else None))
            if kind:
                st.sidebar.caption(describe.kind_word(kind, LANG))
            for lid in layer_ids:
                if st.sidebar.checkbox(md(_label(atlas, lid)), key=f"layer_{lid}",
                                       help=_("Terminals, junctions, compressor stations, "
                                              "refineries, fields and railway stations")
                                       if lid == FACILITIES_ID else None):
                    visible.append(lid)
        ids = st.session_state["_route_ids"]
        selected = st.sidebar.selectbox(
            _("Route panel"), [OVERVIEW, *ids], key="route",
            format_func=lambda i: (_("Corridor overview") if i == OVERVIEW
                                   else route_label(catalog.route(i), LANG)),
            help=_("Or click a route on the map."), on_change=_pick_route, args=(atlas,))
    else:
        selected = OVERVIEW
    basemap = st.sidebar.radio(_("Basemap"), list(BASEMAPS), format_func=lambda b: _(BASEMAPS[b]),
                               key="basemap", on_change=_keep_view)
    return visible, (None if selected == OVERVIEW else selected), basemap


def url_notices(box: Any) -> None:
    """What the URL asked for that was ignored, while the URL still holds it (write_url)."""
    for notice in st.session_state.get("_url_notices", []):
        box.warning(md(notice.text_in(LANG)), icon=":material/link_off:")


def notices(atlas: Atlas) -> None:
    if not atlas.problems:
        return
    count = len(atlas.problems)
    with st.expander(_n("{n} data problem: the affected layers are not drawn, everything "
                        "else is", "{n} data problems: the affected layers are not drawn, "
                        "everything else is", count).format(n=count), expanded=True,
                     icon=":material/warning:"):
        for problem in atlas.problems:
            st.text(problem.text(LANG))


def _column_width(name: str, values: Sequence[Any], key: str) -> tuple[int, int]:
    """A column's width in pixels, and the lines its longest text needs at that width
    (``key``: the column's key, whatever the language of its header ``name``)."""
    header = len(name) * HEADER_CHAR_PX + CELL_PAD_PX
    longest = max((len(v) for v in values if isinstance(v, str)), default=0) * CHAR_PX
    width = max(header, min(round(longest) + CELL_PAD_PX, COLUMN_CAPS.get(key, COLUMN_CAP)))
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
    keys = frame.attrs.get(panels.KEYS, {})  # each header's key, whatever its language
    links = [c for c in map(str, frame.columns) if keys.get(c, c) == panels.LINK]
    for column in map(str, frame.columns):
        if column in links:
            config[column] = st.column_config.LinkColumn(
                _(panels.LINK_HEADER), display_text=_(panels.LINK_TEXT), width="small")
            continue
        width, needed = _column_width(column, list(words[column]), keys.get(column, column))
        numbers = pd.api.types.is_numeric_dtype(frame[column].dtype)
        config[column] = (st.column_config.NumberColumn if numbers
                          else st.column_config.TextColumn)(column, width=width)
        lines = max(lines, min(needed, MAX_LINES))
    row_px = max(WRAP_MIN_ROW_PX, lines * LINE_PX + ROW_PAD_PX) if lines > 1 else None
    if height is None and row_px is not None:  # as many rows in view as at one line a row
        height = min(TABLE_MAX_PX, HEADER_ROW_PX + len(frame) * row_px + 2)
    data = frame.copy()
    data.attrs = {}  # how it reads is in the Styler: never in the Arrow data sent
    for column in links:  # an empty cell, never the placeholder's words
        data[column] = data[column].fillna("")
    missing = frame.attrs.get(panels.MISSING, "")
    st.dataframe(data.style.format(shown, na_rep=missing) if shown else data,
                 hide_index=True, width="stretch", column_config=config,
                 height=height or "auto", placeholder=missing, row_height=row_px)


def lazy_tabs(labels: list[str], key: str, on_change: Any = "rerun") -> Sequence[Any]:
    """Tabs whose content runs only while shown (``if tab.open``): a page sends and draws
    one tab's charts and tables, not all of them; switching tabs reruns the script (after
    ``on_change``, when it is a function). The tab open stays open when the reader picks
    another language, whose labels are other words."""
    before = st.session_state.get(f"_{key}_labels")
    shown = st.session_state.get(key)
    if before and before != labels and shown in before:
        st.session_state[key] = labels[before.index(shown)]
    st.session_state[f"_{key}_labels"] = labels
    return st.tabs(labels, key=key, on_change=on_change)


# Cards share a row while each keeps 10.5rem: two a row in a narrow panel or on a phone,
# more as the panel widens; a label, value or change too long for its card wraps rather
# than being cut short, and what a change compares to goes under it when the two don't
# fit side by side.
CARD_CSS = """<style>
[class*="st-key-cards_"] > div { flex: 1 1 10.5rem !important; min-width: 10.5rem; }
[class*="st-key-cards_"] [data-testid="stMetricValue"] { font-size: 1.5rem; }
[class*="st-key-cards_"] [data-testid="stMetric"] * {
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important;
}
[class*="st-key-cards_"] div:has(> [data-testid="stMetricDelta"]) {
  flex-wrap: wrap; row-gap: 0.25rem;
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
                links = " · ".join(md_link(f"{what}: {describe.source_label(src, LANG)}",
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
    st.header(md(whole.name_in(LANG)))
    st.caption("  ·  ".join(f"{i18n.LANGUAGES[code].native}: {md(whole.name_in(code))}"
                            for code in i18n.LANGUAGES if code != LANG))
    st.markdown(f"**{md(describe.status_in_year_line(head, lang=LANG))}** · "
                f"{describe.kind_word(route.kind, LANG)}")
    newest = facts.status_source
    today = timeline.route_state(whole, None, as_of=catalog.as_of)
    newest_date = describe.date_text(newest.date, LANG) if newest.date else _("undated")
    st.caption(_("{status} — {detail} · newest source found: {date} · volumes and dates up "
                 "to {year}").format(
                     status=md(describe.status_today_line(today, catalog.as_of, lang=LANG)),
                     detail=quote(facts.status_detail), date=md_link(newest_date, newest.url),
                     year=year))
    phase = in_year.get(route_id)
    state = timeline.route_state(whole, year, as_of=catalog.as_of)
    if state is not None and state.dispute is not None:
        st.warning(md(disputed_status(state, lang=LANG)), icon=":material/help:")
    card_grid(describe.route_panel_cards(head, lang=LANG), key="route")
    tab_figures, tab_volumes, tab_dates, tab_notes = lazy_tabs(
        [_("Key figures"), _("Volumes"), _("Dates"), _("Caveats")], key="route_tab")
    with tab_figures:
        if tab_figures.open:
            source_table(panels.key_figures(route, atlas.drawn_length_km(route_id),
                                            as_of=catalog.as_of, year=year,
                                            countries=panels.country_names(catalog, LANG),
                                            lang=LANG))
    with tab_volumes:
        if tab_volumes.open:
            flow = route_flow(whole, year, operating=phase == "operating")
            if flow.family is not None:
                st.markdown("  \n".join(md(line) for line in flow_lines(flow, LANG)))
            units = panels.volume_units(route)
            if not units:
                st.info(md(describe.no_volume_text(start, year, lang=LANG)))
            for unit in units:
                chart = charts.volume_chart(route, unit, colour=colour, lang=LANG)
                if chart is not None:
                    st.altair_chart(chart, width="stretch")  # the plot keeps its height
                    gap = panels.capacity_gap(route, unit, LANG)
                    if gap is not None:
                        st.caption(md(describe.capacity_gap_text(gap, lang=LANG)))
            frame = panels.volumes_table(route, lang=LANG)
            if len(frame):
                st.caption(_("Every reported figure and its alternatives"))
                source_table(frame)
            if facts.other_volume_data:
                with st.expander(_("Partial-year and cumulative figures")):
                    source_table(panels.period_volumes_table(route, lang=LANG))
    with tab_dates:
        if tab_dates.open:
            history = panels.status_periods_frame(whole, as_of=catalog.as_of, year=year,
                                                  lang=LANG)
            if len(history):
                st.caption(_("Status over time up to {year}, from each dated event's "
                             "effect").format(year=year))
                source_table(history)
            milestones = panels.milestones_frame(route, LANG)
            if len(milestones):
                shown = describe.when_shown(year, catalog.as_of, lang=LANG)
                st.altair_chart(charts.milestone_timeline(milestones, shown=shown, lang=LANG),
                                width="stretch")
                source_table(panels.milestones_table(milestones, lang=LANG))
            else:
                st.info(md(describe.no_milestone_text(start, year, lang=LANG)))
    with tab_notes:
        if tab_notes.open:
            if not english(LANG) and (facts.conflicts or facts.notes):
                st.caption(_("Quoted from the sources, in English:"))
            for text in facts.conflicts:
                st.markdown(f"- {quote(text)}")
            if facts.notes:
                st.caption(quote(facts.notes))


def overview_panel(atlas: Atlas, year: int) -> None:
    catalog = atlas.catalog
    st.header(_("The corridor in figures"), help=quote(catalog.as_of_note))
    st.caption(_("Up to {year}, from the data as of {date}.").format(
        year=year, date=describe.date_text(catalog.as_of, LANG)))
    st.markdown("#### " + _("What the routes carry"))
    routes = headline.route_headlines(catalog, year)
    if routes:
        card_grid([describe.route_card(h, lang=LANG) for h in routes], key="routes")
    else:
        st.caption(_("No route has a dated capacity or a sourced annual volume up to "
                     "{year}.").format(year=year))
    exports = headline.gas_exports(catalog, year)
    if exports:
        latest = exports[0].year
        st.markdown("#### " + _("Azerbaijan's gas exports in {year}").format(year=latest))
        card_grid([describe.export_card(e, lang=LANG) for e in exports], key="exports")
        st.caption(_("Sources for {year}:").format(year=latest) + " " + " · ".join(
            md_link(describe.source_label(s, LANG), s.url) for s in exports[0].sources))
        if exports[0].note:
            with st.expander(_("How the {year} figures were put together").format(
                    year=latest)):
                st.caption(quote(exports[0].note))
    else:
        first = min((e.year for e in catalog.gas_exports_azerbaijan), default=None)
        st.caption(md(describe.no_exports_text(year, first, lang=LANG)))
    st.markdown("#### " + _("Under construction in {year}").format(year=year))
    builds = headline.under_construction(catalog, year)
    if builds:
        card_grid([describe.build_card(b, lang=LANG) for b in builds], key="builds")
    else:
        st.caption(_("No line is under construction in {year}.").format(year=year))
    st.markdown("#### " + _("Planned or agreed in {year}").format(year=year))
    plans = headline.planned(catalog, year)
    if plans:
        card_grid([describe.planned_card(p, lang=LANG) for p in plans], key="plans")
    else:
        st.caption(_("No line is planned or agreed in {year}.").format(year=year))
    colours = styles.route_colours((r.id, r.kind) for r in catalog.routes)
    by_name = {catalog.route(rid).short_name_in(LANG): c for rid, c in colours.items()}
    tab_flow, tab_gas, tab_time, tab_ctx, tab_len = lazy_tabs(
        [_("Volumes"), _("Gas exports"), _("Timeline"), _("Context"), _("Lengths")],
        key="overview_tab")
    with tab_flow:
        if tab_flow.open:
            points = headline.flow_history(catalog, year)
            for unit, title in FLOW_TITLES.items():
                chart = charts.flows_chart([p for p in points if p.unit == unit],
                                           colours=by_name, lang=LANG)
                if chart is not None:
                    st.markdown(f"**{_(title)}**")
                    st.altair_chart(chart, width="stretch")  # the plot keeps its height
            if points:
                st.caption(_("Each route's sourced annual throughput; a year with no figure "
                             "is a gap, not a zero, and a hollow point a figure for part of a "
                             "year. Hover a point for the capacity in force, the utilisation "
                             "and the sources."))
            else:
                st.caption(_("No route has a sourced annual volume up to {year}.").format(
                    year=year))
    with tab_gas:
        if tab_gas.open:
            gas = panels.gas_exports_frame(catalog, LANG)
            st.altair_chart(charts.gas_exports_chart(gas, lang=LANG), width="stretch",
                            height=CHART_HEIGHT)
            st.caption(_("Azerbaijan's gas exports by destination, bcm. Years without a "
                         "sourced figure are gaps in the chart and say “no figure” in the "
                         "table, never zero."))
            source_table(panels.gas_exports_table(gas, lang=LANG))
    with tab_len:
        if tab_len.open:
            drawn = {rid: atlas.drawn_length_km(rid) or 0.0 for rid in atlas.routes}
            lengths = panels.corridor_overview(catalog, drawn, lang=LANG)
            st.altair_chart(charts.lengths_chart(lengths, lang=LANG), width="stretch",
                            height=CHART_HEIGHT)
            source_table(panels.lengths_table(lengths, lang=LANG))
            st.caption(_("Capacities"))
            source_table(panels.capacities_table(catalog, lang=LANG))
    with tab_time:
        if tab_time.open:
            frame = panels.all_milestones(catalog, LANG)
            st.altair_chart(charts.milestone_timeline(
                frame, colour_by="route", colours=by_name,
                shown=describe.when_shown(year, catalog.as_of, lang=LANG), lang=LANG),
                width="stretch")
            source_table(panels.milestones_table(frame, lang=LANG), height=320)
    with tab_ctx:
        if tab_ctx.open:
            if not english(LANG):
                st.caption(_("The figures below are quoted from their sources, in English."))
            for item in panels.context_items(catalog, LANG):
                flag = " :material/warning: " + _("disputed") if item.disputed else ""
                st.markdown(f"**{quote(item.text)}**{flag}  \n{quote(item.support)} — "
                            f"{md(item.source)}")
                if item.alternatives:
                    st.caption(_("Other sources: {sources}").format(
                        sources=md(item.alternatives)))
                if item.note:
                    st.caption(quote(item.note))
                if item.caveat:
                    st.warning(_("Caveat: {text}").format(text=quote(item.caveat)))
            with st.expander(_("Known gaps in the data")):
                for gap in catalog.gaps:
                    st.markdown(f"- {quote(gap)}")


def credits(atlas: Atlas) -> None:
    if atlas.catalog is None:
        return
    lines = [f"[{md(credit_text(a.text, LANG))}]({a.url}) ({md(credit_text(a.licence, LANG))})"
             for a in atlas.catalog.attribution]
    st.caption(_("Data: {credits}. Schematic segments (wide pale band) are indicative only. "
                 "Every figure links to its source.").format(credits=" · ".join(lines)))


@st.cache_data(show_spinner=False, max_entries=32)
def render_export(geo_dir: str, view: MapView, fmt: str, size: tuple[int, int], scale: int,
                  static: bool, paper: str) -> exports.Export:
    return exports.export(load(geo_dir), view, fmt, vendor_dir=VENDOR_DIR, size=size,
                          scale=scale, static=static, paper=paper)  # type: ignore[arg-type]


def export_panel(atlas: Atlas, view: MapView, own: list[UserLayer]) -> None:
    """Download the current view, with the user's own layers, as an image, a page,
    a map file or data. Only the chosen format's options are shown."""
    box = st.expander(_("Export this view"), key="export_open", on_change="rerun",
                      icon=":material/download:")
    if not box.open:  # its widgets are sent only while it is open
        return
    with box:
        browser = find_chromium() is not None
        c1, c2 = st.columns(2)
        fmt = c1.selectbox(_("Format"), exports.FORMATS,
                           format_func=lambda f: _(FORMAT_LABELS[f]), key="export_format")
        options = exports.OPTIONS[fmt]
        size, scale, paper, static = SIZE_PRESETS["slide"], 1, "a4", False
        if "size" in options:
            preset = c2.radio(_("Size"), ["slide", "a4", "custom"], horizontal=True,
                              key="export_size",
                              format_func={"slide": _("Slide 16:9"), "a4": _("A4 landscape"),
                                           "custom": _("Custom")}.get)
            size = SIZE_PRESETS.get(preset, SIZE_PRESETS["slide"])
            if preset == "custom":  # a row of its own: in order on a phone too
                w1, w2 = st.columns(2)
                w = w1.number_input(_("Width (px)"), MIN_SIDE, MAX_SIDE, 1600, step=10,
                                    key="export_w")
                h = w2.number_input(_("Height (px)"), MIN_SIDE, MAX_SIDE, 900, step=10,
                                    key="export_h")
                size = parse_size(f"{int(w)}x{int(h)}")
        if "scale" in options:
            scale = int(st.radio(_("Scale"), [1, 2], horizontal=True,
                                 format_func=lambda s: f"{s}×", key="export_scale",
                                 help=_("2× doubles the pixels each way: sharper on screens "
                                        "and in print, same layout.")))
        if "paper" in options:
            paper = c2.radio(_("Paper"), ["a4", "letter"], horizontal=True, key="export_paper",
                             format_func={"a4": "A4", "letter": _("US Letter")}.get,
                             help=_("Landscape; the map fills the page."))
        if "static" in options:
            static = st.checkbox(_("Print render (no browser)"), value=not browser,
                                 disabled=not browser, key="export_static",
                                 help=_("Draws the map with matplotlib from the same style "
                                        "table instead of the browser."))
            if not browser:
                st.info(_("Chromium is not installed on this server, so PNG and PDF use the "
                          "print render. Install it (`apt-get install chromium`) for "
                          "pixel-faithful snapshots of the live map."))
        if not options:
            st.caption({"html": _("The live map in one file, with its controls; opens "
                                  "offline."),
                        "geojson": _("The visible layers' features, with licence and "
                                     "attribution per feature."),
                        "csv": _("Every figure of the visible layers with its sources."),
                        "kml": _("The visible layers for Google Earth.")}.get(fmt, ""))
        # Sent to an area (a link's view, a search hit, "Zoom to") but not yet told what it
        # shows: exporting now would draw the whole corridor, not what is on screen.
        settling = view.bbox is None and bool(st.session_state.get("map_target")
                                              or st.session_state.get("fit"))
        if settling:
            st.caption(_("Waiting for the map to show the area asked for, so that the "
                         "export shows the same area…"))
        else:
            layers = _n("{n} layer", "{n} layers", len(view.layers)).format(
                n=len(view.layers))
            if own:
                layers = _("{layers} + {n} of your own").format(layers=layers, n=len(own))
            st.caption(_("{layers} · as of {year} · extent: {extent}").format(
                layers=layers, year=view.year, extent=extent_text(view)))
        request = (view, fmt, size, scale, static, paper, tuple(o.digest for o in own))
        if st.button(_("Prepare download"), key="export_go", type="primary",
                     disabled=settling):
            try:
                with st.spinner(_("Rendering {format}…").format(format=_(FORMAT_LABELS[fmt]))):
                    if own:  # the user's data stays in this session: not in the shared cache
                        result = exports.export(atlas, view, fmt, vendor_dir=VENDOR_DIR,
                                                size=size, scale=scale, static=static,
                                                paper=paper,  # type: ignore[arg-type]
                                                user_layers=own)
                    else:
                        result = render_export(str(GEO_DIR), *request[:-1])
            except AtlasError as err:
                st.error(_("Export failed: {error}").format(error=md(err.text(LANG))))
            else:
                st.session_state["export_result"] = (request, result)
        ready = st.session_state.get("export_result")
        if ready and ready[0] == request:  # never offer a file of a view no longer shown
            result = ready[1]
            name = result.filename(view)
            if result.note:
                st.info(md(result.note))
            st.download_button(_("Save {file} ({size} KB)").format(
                file=name, size=_num(round(len(result.data) / 1024))), result.data,
                               file_name=name, mime=result.mime, key="export_save",
                               on_click="ignore")


def facility_panel(atlas: Atlas, facility_id: str) -> None:
    fac = next((f for f in atlas.catalog.facilities.items if f.id == facility_id), None)
    if fac is None:
        st.session_state.pop("facility", None)
        return
    name = fac.name_in(LANG)
    heading = fac.heading if name == fac.name else name  # short enough for a phone
    st.header(md(heading))
    lines = [md(name)] if heading != name else []
    kind = (md(fac.kind) if english(LANG) else
            f"{_(styles.FACILITY_LABELS[fac.category])} ({quote(fac.kind)})")
    st.caption("  \n".join([*lines, kind, _("location: {place}").format(
        place=md(location_text(fac, LANG)))]))
    source_table(panels.facility_table(fac, lang=LANG))
    st.caption(_("Sources:") + " " + " · ".join(  # links that wrap on a phone, never cut
        md_link(f"{describe.source_label(s, LANG)}: {s.title}", s.url)  # short
        for s in fac.sources))


def table_view(atlas: Atlas, scene: Scene, year: int,
               in_year: dict[str, str | None], own: list[UserLayer]) -> None:
    """The map as a table: sortable, downloadable, readable without colour."""
    routes = [r.id for r in scene.routes]
    frame = panels.layers_table(
        atlas.catalog, routes, status=in_year,
        drawn_km={rid: atlas.drawn_length_km(rid) or 0.0 for rid in routes},
        facilities=scene.facilities is not None, lang=LANG)
    st.caption(_("Visible layers as of {year}. Line: the pattern the map uses for the status "
                 "(solid operating, dashed under construction, dotted planned). Click a "
                 "column header to sort. An empty length or capacity: no source gives one "
                 "(a facility has none).").format(year=year))
    source_table(frame)
    st.download_button(_("Download this table (CSV)"),
                       panels.as_read(frame).to_csv(index=False).encode("utf-8"),
                       file_name=f"corridor-atlas_table_{year}.csv", mime="text/csv",
                       key="table_csv", on_click="ignore")
    for i, layer in enumerate(own):
        st.subheader(_("Your layer: {name}").format(name=md(layer.name)))
        st.caption(md(layer.describe(lang=LANG)))
        st.dataframe(attribute_table(layer, LANG), hide_index=True, width="stretch",
                     key=f"own_table_{i}")


def compare_view(atlas: Atlas, view: MapView) -> None:
    assert atlas.catalog is not None
    first, last = year_range(atlas.catalog)
    if not st.toggle(_("Show two years side by side"), key="compare_on",
                     help=_("Two synchronised maps: pan or zoom one and the other follows.")):
        st.caption(_("Turn on to compare the corridor in two years."))
        return
    # Only the data's years can be picked: a year outside them cannot be typed in and
    # then silently not drawn.
    years = list(range(first, last + 1))
    c1, c2 = st.columns(2)
    help_text = _("The data covers {first}–{last}.").format(first=first, last=last)
    year_a = c1.selectbox(_("Left: as of"), years, index=years.index(min(max(2005, first), last)),
                          key="compare_a", help=help_text)
    year_b = c2.selectbox(_("Right: as of"), years,
                          index=years.index(min(max(default_year(atlas.catalog), first), last)),
                          key="compare_b", help=help_text)
    if year_a == year_b:
        st.caption(_("Both maps show {year}: pick another year on one side to "
                     "compare.").format(year=year_a))
    from corridor_atlas.compare import compare_map

    dual = compare_map(atlas, view, int(year_a), int(year_b), vendor_dir=VENDOR_DIR,
                       countries_url=COUNTRIES_URL)
    st_folium(dual, key="compare", height=MAP_HEIGHT - 80, use_container_width=True,
              returned_objects=[])


def uploader_css() -> str:
    """The file uploader's own words (its button's "Upload", its English size limit) in
    the reader's language: the limit and the formats are in the uploader's label."""
    word = '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} "
                         for c in _("Upload")) + '"'  # a CSS string, nothing to break out
    return ("<style>[data-testid='stFileUploaderDropzoneInstructions'] { display: none; }"
            ".st-key-uploads [data-testid='stFileUploaderDropzone'] button p "
            "{ display: none; }"
            ".st-key-uploads [data-testid='stFileUploaderDropzone'] button::after "
            f"{{ content: {word}; }}</style>")


def user_layers() -> tuple[list[UserLayer], list[UserLayer]]:
    """Layers the user uploads, kept for this browser session only; the map fits to a
    layer once, when it is added.

    Returns the layers shown and the layers switched off (here or in the map's layer
    control, which lists them too)."""
    with st.sidebar.expander(_("Your own layers"), icon=":material/add:"):
        st.html(uploader_css())
        files = st.file_uploader(
            _("GeoJSON, KML, zipped Shapefile or GeoPackage, up to {size} MB each").format(
                size=_num(settings.max_upload_bytes() / 2**20)), key="uploads",
            type=["geojson", "json", "kml", "zip", "gpkg"], accept_multiple_files=True,
            help=_("Drawn on the map for you only; nothing is stored on the server."))
        shelf: Shelf = st.session_state.setdefault("_shelf", Shelf())
        shelved = shelf.update((Upload(f.file_id, f.name, f.getvalue()) for f in files or []),
                               lang=LANG)
        for note in shelved.notes:
            {"error": st.error, "warning": st.warning, "info": st.caption}[note.level](
                md(note.text))
        layers: list[UserLayer] = []
        hidden: list[UserLayer] = []
        for layer in shelved.layers:
            switch = user_layer_id(layer)
            if switch:
                st.session_state.setdefault(f"layer_{switch}", True)
            shown = not switch or st.checkbox(_("Show {name} on the map").format(
                                                  name=md(layer.name)),
                                              key=f"layer_{switch}")
            (layers if shown else hidden).append(layer)
    st.session_state["_own_ids"] = tuple(user_layer_id(o) for o in layers + hidden)
    extent = union_bbox(layer.bounds for layer in shelved.added)
    if extent is not None:
        _fit(extent, max_zoom=UPLOAD_FIT_MAX_ZOOM, padding=UPLOAD_FIT_PADDING_PX)
    return layers, hidden


def share_link(query: str) -> None:
    base = (st.context.url or "").split("?")[0] or "http://localhost:8501/"
    box = st.sidebar.expander(_("Link to this view"), key="share_open", on_change="rerun",
                              icon=":material/link:")
    if box.open:  # drawn only while open: the code block is costly for a page to draw
        with box:
            st.caption(_("Copy this link (button at the right) to share exactly this view. "
                         "The address bar holds the same link."))
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
    not_begun = [atlas.catalog.route(lid).short_name_in(LANG) for lid in scene.not_begun]
    if not_begun:
        st.caption(_("Not yet agreed in {year}, so not drawn: {routes}.").format(
            year=view.year, routes=", ".join(md(n) for n in not_begun)))
    if scene.filtered:
        st.caption(_n("Hidden by the filters: {n} layer.", "Hidden by the filters: {n} layers.",
                      len(scene.filtered)).format(n=len(scene.filtered)))
    credits(atlas)
    return state


def sidebar_controls(atlas: Atlas) -> tuple[int, bool, list[str], list[str], list[str],
                                            str | None, str, list[UserLayer],
                                            list[UserLayer]]:
    """The sidebar's controls, drawn: the year, Flows, the kinds and statuses, the layers,
    the route panel, the basemap, the user's own layers (shown and switched off)."""
    language_picker()
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


def choose_language() -> str:
    """This session's language: the reader's pick in the sidebar; before that, the link's
    ``lang``, else the browser's language, else English. (A ``lang`` the atlas does not
    have gives English; read_url gives the notice.)"""
    if "lang" not in st.session_state:
        st.session_state["lang"] = i18n.choose(st.query_params.get("lang"),
                                               st.context.locale).lang
    return str(st.session_state["lang"])


def language_picker() -> None:
    """The sidebar's language picker: each language in its own name."""
    options = [*i18n.LANGUAGES, *([LANG] if LANG not in i18n.LANGUAGES else [])]
    st.sidebar.selectbox(
        f":material/translate: {_(PICKER_LABEL)}", options, key="lang",
        format_func=lambda code: i18n.LANGUAGES[code].native if code in i18n.LANGUAGES
        else code, on_change=_keep_view)  # the map, redrawn in it, opens where it was


def main() -> None:
    global LANG
    LANG = choose_language()
    with st.spinner(_("Loading the corridor data…")):
        atlas = load(str(GEO_DIR))
    CLOCK.mark("data")
    st.sidebar.title("Corridor Atlas")
    st.sidebar.caption(_("Energy and transport routes from the Caspian through Georgia and "
                         "Türkiye to Europe."))
    if atlas.catalog is None:
        notices(atlas)
        st.error(_("The catalog could not be read, so no route can be shown. See the data "
                   "problems above."))
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
                   flows=flows, kinds=tuple(kinds), statuses=tuple(wanted_status),
                   lang=LANG)  # type: ignore[arg-type]
    scene = build_scene(atlas, view, own)
    CLOCK.mark("scene")
    col_map, col_panel = st.columns([3, 2], gap="medium")
    with col_map:
        url_box = st.container()  # filled once the URL is written (write_url)
        notices(atlas)
        tab_map, tab_compare, tab_table = lazy_tabs(
            [_("Map"), _("Compare two years"), _("Table")], key="main_tab",
            on_change=_main_tab_changed)
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
        st.html(page.document_language(LANG), unsafe_allow_javascript=True)
        picked = st.session_state.get("_after_pick")
        if picked is not None:  # sent with every run; the page acts on each pick once
            st.html(page.after_pick(picked[0], close_sidebar=picked[1]),
                    unsafe_allow_javascript=True)
    CLOCK.mark("panel")
    share_link(query)
    CLOCK.mark("url")
    if st.session_state.get("playing"):
        last = year_range(atlas.catalog)[1]
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
