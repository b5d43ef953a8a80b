"""Corridor Atlas: the Streamlit app (UI, caching and session state only)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from corridor_atlas import charts, exports, panels, styles
from corridor_atlas.errors import AtlasError
from corridor_atlas.layers import Atlas, load_atlas
from corridor_atlas.maps import (
    BASEMAPS,
    FACILITIES_ID,
    ROUTE_ID_LABEL,
    default_layers,
    layer_ids,
    map_parts,
)
from corridor_atlas.markup import md
from corridor_atlas.snapshot import find_chromium
from corridor_atlas.view import (
    SIZE_PRESETS,
    MapView,
    bbox_from_leaflet,
    default_year,
    parse_size,
)

ROOT = Path(__file__).resolve().parent
GEO_DIR = Path(os.environ.get("CORRIDOR_ATLAS_GEO_DIR") or ROOT / "geo")
VENDOR_DIR = ROOT / "static" / "vendor"
COUNTRIES_URL = "/app/static/basemap/countries.geojson"  # fetched once, cached by the browser
OVERVIEW = "__overview__"
MAP_HEIGHT = 640
CHART_HEIGHT = 280
_CLICKED_ROUTE = re.compile(re.escape(ROUTE_ID_LABEL) + r"([a-z][a-z0-9_]*)")
# The click position makes each click a new value (a rerun) even on the same route;
# the bounds are the extent an export reproduces.
MAP_RETURNS = ["last_object_clicked", "last_object_clicked_tooltip", "bounds"]
FORMAT_LABELS = {
    "png": "PNG image", "pdf": "PDF page", "html": "Interactive HTML (offline)",
    "svg": "SVG (print render)", "geojson": "GeoJSON data", "csv": "CSV of figures and sources",
    "kml": "KML for Google Earth",
}

st.set_page_config(page_title="Corridor Atlas", page_icon="🗺️", layout="wide")


@st.cache_data(show_spinner="Loading the corridor data…")
def load(geo_dir: str) -> Atlas:
    return load_atlas(Path(geo_dir))


def _label(atlas: Atlas, layer_id: str) -> str:
    if layer_id == FACILITIES_ID:
        return "Facilities (terminals, junctions, stations, fields…)"
    return atlas.catalog.route(layer_id).name if atlas.catalog else layer_id


def _on_map_click() -> None:
    """A click on a route in the map opens its panel."""
    value = st.session_state.get("map") or {}
    found = _CLICKED_ROUTE.search(value.get("last_object_clicked_tooltip") or "")
    if found and found.group(1) in st.session_state.get("_route_ids", ()):
        st.session_state["route"] = found.group(1)


def sidebar(atlas: Atlas) -> tuple[list[str], str | None, str]:
    st.sidebar.title("Corridor Atlas")
    st.sidebar.caption("Energy and transport routes from the Caspian through Georgia and "
                       "Türkiye to Europe.")
    catalog = atlas.catalog
    toggles = layer_ids(atlas)
    defaults = set(default_layers(atlas))
    visible: list[str] = []
    if catalog is not None:
        routes = [r for r in catalog.routes if r.id in toggles]
        st.sidebar.subheader("Routes")
        for kind, label in styles.KIND_LABELS.items():
            members = [r for r in routes if r.role == "route" and r.kind == kind]
            if not members:
                continue
            st.sidebar.caption(label)
            for r in members:
                if st.sidebar.checkbox(md(r.name), value=r.id in defaults, key=f"layer_{r.id}"):
                    visible.append(r.id)
        st.sidebar.subheader("Context layers")
        for lid in [r.id for r in routes if r.role == "context"] + [FACILITIES_ID] * (
                FACILITIES_ID in toggles):
            if st.sidebar.checkbox(md(_label(atlas, lid)), value=lid in defaults,
                                   key=f"layer_{lid}"):
                visible.append(lid)
        ids = [r.id for r in catalog.routes if r.id in atlas.routes]
        st.session_state["_route_ids"] = tuple(ids)
        if st.session_state.get("route") not in (OVERVIEW, *ids):
            st.session_state["route"] = OVERVIEW
        selected = st.sidebar.selectbox(
            "Route panel", [OVERVIEW, *ids], key="route",
            format_func=lambda i: "Corridor overview" if i == OVERVIEW else catalog.route(i).name,
            help="Or click a route on the map.")
    else:
        selected = OVERVIEW
    basemap = st.sidebar.radio("Basemap", list(BASEMAPS), format_func=BASEMAPS.get,
                               key="basemap")
    return visible, (None if selected == OVERVIEW else selected), basemap


def notices(atlas: Atlas) -> None:
    if not atlas.problems:
        return
    with st.expander(f"⚠️ {len(atlas.problems)} data problem(s): the affected layers are "
                     "not drawn, everything else is", expanded=True):
        for problem in atlas.problems:
            st.text(str(problem))


def source_table(frame, *, height: int | None = None) -> None:
    config = {"url": st.column_config.LinkColumn("link", display_text="open")}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config,
                 height=height or "auto")


def route_panel(atlas: Atlas, route_id: str) -> None:
    route = atlas.catalog.route(route_id)
    facts = route.facts
    colour = styles.KIND_COLOURS[route.kind]
    st.header(md(route.name))
    st.caption(f"Türkçe: {md(route.name_tr)}  ·  Azərbaycanca: {md(route.name_az)}")
    st.markdown(f"**{styles.KIND_LABELS[route.kind]}** · **{styles.STATUS_LABELS[route.status]}**"
                f" — {md(facts.status_detail)}")
    newest = facts.status_source
    st.caption(f"Status as of the newest source found: [{md(newest.date or 'undated')}]"
               f"({newest.url})")
    tab_figures, tab_volumes, tab_dates, tab_notes = st.tabs(
        ["Key figures", "Volumes", "Dates", "Caveats"])
    with tab_figures:
        source_table(panels.key_figures(route, atlas.drawn_length_km(route_id)))
    with tab_volumes:
        units = panels.volume_units(route)
        if not units:
            st.info("No annual volume with a source has been found for this route.")
        for unit in units:
            chart = charts.volume_chart(route, unit, colour=colour)
            if chart is not None:
                st.altair_chart(chart, width="stretch", height=CHART_HEIGHT)
        frame = panels.volumes_frame(route)
        if len(frame):
            st.caption("Every reported figure and its alternatives")
            source_table(frame)
        if facts.other_volume_data:
            with st.expander("Partial-year and cumulative figures"):
                source_table(panels.period_volumes_frame(route))
    with tab_dates:
        milestones = panels.milestones_frame(route)
        if len(milestones):
            st.altair_chart(charts.milestone_timeline(milestones), width="stretch")
            source_table(milestones.drop(columns=["date_sort", "route_id"], errors="ignore"))
        else:
            st.info("No dated milestone with a source.")
    with tab_notes:
        for text in facts.conflicts:
            st.markdown(f"- {md(text)}")
        if facts.notes:
            st.caption(md(facts.notes))


def overview_panel(atlas: Atlas) -> None:
    catalog = atlas.catalog
    st.header("The corridor in figures")
    st.caption(f"Figures as of {catalog.as_of}: {md(catalog.as_of_note)}")
    drawn = {rid: atlas.drawn_length_km(rid) or 0.0 for rid in atlas.routes}
    lengths = panels.corridor_overview(catalog, drawn)
    tab_len, tab_time, tab_gas, tab_ctx = st.tabs(
        ["Lengths & capacity", "Timeline", "Gas exports", "Context"])
    with tab_len:
        st.altair_chart(charts.lengths_chart(lengths), width="stretch", height=CHART_HEIGHT)
        st.dataframe(lengths, hide_index=True, width="stretch")
        st.caption("Capacities")
        source_table(panels.capacities_overview(catalog))
    with tab_time:
        frame = panels.all_milestones(catalog)
        st.altair_chart(charts.milestone_timeline(frame, colour_by="route"),
                        width="stretch")
        source_table(frame.drop(columns=["date_sort", "route_id"], errors="ignore"), height=320)
    with tab_gas:
        gas = panels.gas_exports_frame(catalog)
        st.altair_chart(charts.gas_exports_chart(gas), width="stretch", height=CHART_HEIGHT)
        st.caption("Azerbaijan's gas exports by destination, bcm. Missing years are gaps, "
                   "not zeros.")
        source_table(gas)
    with tab_ctx:
        ctx = panels.context_figures_frame(catalog)
        for _, row in ctx.iterrows():
            flag = " ⚠️ disputed" if row["disputed"] else ""
            st.markdown(f"**{md(row['text'])}**{flag}  \n{md(row['support_level'])} — "
                        f"{md(row['source'])}")
            if row["alternatives"]:
                st.caption(f"Other sources: {md(row['alternatives'])}")
            if row["note"]:
                st.caption(md(row["note"]))
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


def export_panel(atlas: Atlas, view: MapView) -> None:
    """Download the current view as an image, a page, a map file or data."""
    with st.expander("⬇️ Export this view", expanded=False):
        browser = find_chromium() is not None
        c1, c2 = st.columns(2)
        fmt = c1.selectbox("Format", exports.FORMATS, format_func=FORMAT_LABELS.get,
                           key="export_format")
        preset = c2.radio("Size", ["slide", "a4", "custom"], horizontal=True,
                          key="export_size",
                          format_func={"slide": "Slide 16:9", "a4": "A4 landscape",
                                       "custom": "Custom"}.get)
        size = SIZE_PRESETS.get(preset, SIZE_PRESETS["slide"])
        if preset == "custom":
            w = c1.number_input("Width (px)", 320, 6000, 1600, step=10, key="export_w")
            h = c2.number_input("Height (px)", 320, 6000, 900, step=10, key="export_h")
            size = parse_size(f"{int(w)}x{int(h)}")
        scale = c1.radio("Scale", [1, 2], horizontal=True, format_func=lambda s: f"{s}×",
                         key="export_scale")
        paper = c2.radio("PDF paper", ["a4", "letter"], horizontal=True, key="export_paper",
                         format_func=str.upper)
        static = st.checkbox("Print render (no browser)", value=not browser,
                             disabled=not browser, key="export_static",
                             help="Draws the map with matplotlib from the same style table; "
                                  "PNG, PDF and SVG.")
        if not browser:
            st.info("Chromium is not installed on this server, so PNG and PDF use the print "
                    "render. Install it (`apt-get install chromium`) for pixel-faithful "
                    "snapshots of the live map.")
        extent = "the whole corridor" if view.bbox is None else (
            "W {:.2f}, S {:.2f}, E {:.2f}, N {:.2f}".format(*view.extent))
        st.caption(f"{len(view.layers)} layer(s) · as of {view.year} · extent: {extent}")
        request = (view, fmt, size, int(scale), static, paper)
        if st.button("Prepare download", key="export_go", type="primary"):
            try:
                with st.spinner(f"Rendering {FORMAT_LABELS[fmt]}…"):
                    result = render_export(str(GEO_DIR), *request)
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


def main() -> None:
    atlas = load(str(GEO_DIR))
    visible, selected, basemap = sidebar(atlas)
    col_map, col_panel = st.columns([3, 2], gap="medium")
    with col_map:
        notices(atlas)
        parts = map_parts(atlas, visible, vendor_dir=VENDOR_DIR, selected=selected,
                          basemap=basemap, countries_url=COUNTRIES_URL)
        state = st_folium(parts.base, key="map", height=MAP_HEIGHT, use_container_width=True,
                          feature_group_to_add=parts.groups, layer_control=parts.control,
                          returned_objects=MAP_RETURNS, on_change=_on_map_click)
        credits(atlas)
        if atlas.catalog is not None:
            view = MapView(layers=tuple(visible), selected=selected, basemap=basemap,
                           year=default_year(atlas.catalog),
                           bbox=bbox_from_leaflet((state or {}).get("bounds")))
            export_panel(atlas, view)
    with col_panel:
        if atlas.catalog is None:
            st.error("The catalog could not be read, so no route can be shown. See the "
                     "data problems above.")
        elif selected is None:
            overview_panel(atlas)
        else:
            route_panel(atlas, selected)


main()
