"""Build the folium map: a constant base map and one feature group per layer.

The base map (basemap, controls, legend, attribution) does not depend on which
layers are on, so a live app can keep it mounted and swap only the layer groups
(streamlit-folium's ``feature_group_to_add``). :func:`build_map` puts everything
into one map, for standalone HTML and tests.

Everything from the data that reaches the page is HTML-escaped here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, MeasureControl
from jinja2 import Template

from . import styles
from .assets import AssetMode, localize
from .catalog import Catalog, Route
from .layers import Atlas
from .markup import esc
from .timeline import route_phase, segment_phases
from .view import (
    CORRIDOR_BBOX,
    BBox,
    MapView,
    as_of_text,
    credits_line,
    default_year,
    sources_line,
    title_for,
)

if TYPE_CHECKING:
    from .uploads import UserLayer

Basemap = Literal["offline", "osm"]
BASEMAPS: dict[Basemap, str] = {
    "offline": "Countries (bundled, offline)",
    "osm": "OpenStreetMap tiles (needs internet)",
}
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TOPOJSON_JS = "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js"
"""topojson-client, which draws the TopoJSON basemap (vendored: see ``assets.CDN_MAP``)."""
DEFAULT_CENTER = (40.6, 34.0)
DEFAULT_ZOOM = 5
MAP_BOUNDS = (-12.0, 20.0, 68.0, 62.0)  # W, S, E, N: the bundled basemap's extent
CORRIDOR_BOUNDS = CORRIDOR_BBOX
FACILITIES_ID = "facilities"
DISPLAY_TOLERANCE_DEG = 0.0015  # ~150 m: invisible below zoom 10, a tenth of the vertices
DISPLAY_PRECISION_DEG = 1e-4  # ~10 m grid

_CSS = f"""
<style>
.leaflet-container.leaflet-container {{ background: {styles.SEA_COLOUR}; }}
.leaflet-control-attribution {{ font-size: 10px; }}
path.leaflet-interactive:focus {{ outline: none; }}
.atlas-legend {{ background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.3 system-ui, sans-serif; color: #222; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.atlas-legend summary {{ cursor: pointer; font-weight: 600; font-size: 12px; }}
.atlas-legend h4 {{ margin: 3px 0 1px; font-size: 11px; color: #555; }}
.atlas-legend .row {{ display: flex; align-items: center; gap: 6px; white-space: nowrap; }}
.atlas-legend svg {{ flex: none; }}
.leaflet-tooltip {{ white-space: normal; width: max-content; max-width: 300px; }}
.atlas-tip {{ font: 12px/1.35 system-ui, sans-serif; color: #222; }}
.atlas-tip b {{ font-size: 13px; }}
.atlas-tip .muted, .atlas-popup .muted {{ color: #555; }}
.atlas-popup {{ font: 12px/1.4 system-ui, sans-serif; max-width: 320px; }}
.atlas-popup table {{ border-collapse: collapse; }}
.atlas-popup td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
</style>
"""


class _Css(Element):
    """The atlas's CSS, in the page header (template compiled once, not per map)."""

    _template = Template(_CSS)


class _Details(MacroElement):
    """Tooltip and popup of a GeoJson layer, from each feature's pre-escaped ``tip`` and ``popup``.

    Bound on the layer, with functions returning elements, as folium's
    ``GeoJsonTooltip``/``GeoJsonPopup`` do (so streamlit-folium reports the clicked
    popup's text), but with one template compiled once instead of two per layer.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(layer){"
        "function html(key){ return function(l){ var d = L.DomUtil.create('div');"
        " d.innerHTML = l.feature.properties[key]; return d; }; }"
        "layer.bindTooltip(html('tip'), {sticky: true});"
        "{% if this.popup %}layer.bindPopup(html('popup'), {maxWidth: 340});{% endif %}"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, *, popup: bool) -> None:
        super().__init__()
        self._name = "AtlasDetails"
        self.popup = popup


class _Script(MacroElement):
    """A piece of JavaScript run once the map exists (``{map}`` is the map variable)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map){ {{ this.code }} })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "AtlasScript"
        self.code = code


def _swatch(colour: str, dash: str | None, *, width: float = 3.5, opacity: float = 1.0,
            band: bool = False) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    under = (f'<line x1="3" y1="7" x2="31" y2="7" stroke="{colour}" stroke-width="12" '
             f'stroke-opacity="{styles.SCHEMATIC_BAND_OPACITY}"/>' if band else "")
    return (f'<svg width="34" height="14" aria-hidden="true">{under}<line x1="3" y1="7" x2="31" '
            f'y2="7" stroke="{colour}" stroke-width="{width}" stroke-opacity="{opacity}" '
            f'stroke-linecap="round"{dash_attr}/></svg>')


def legend_html(own: Sequence[str] = ()) -> str:
    """The legend, from the style table; ``own`` names the user's layers drawn (plain text)."""
    rows = ["<details open><summary>Legend</summary><h4>Kind</h4>"]
    for kind, label in styles.KIND_LABELS.items():
        rows.append(f'<div class="row">{_swatch(styles.KIND_COLOURS[kind], None)}{label}</div>')
    rows.append("<h4>Status</h4>")
    for status, label in styles.STATUS_LABELS.items():
        rows.append(f'<div class="row">{_swatch("#333", styles.STATUS_DASH[status])}'
                    f"{label}</div>")
    rows.append('<h4>Geometry</h4><div class="row">'
                f'{_swatch("#333", None, opacity=styles.SCHEMATIC_LINE_OPACITY, band=True)}'
                "Schematic: position approximate</div>")
    rows.append('<div class="row"><svg width="34" height="14" aria-hidden="true"><circle cx="17" '
                'cy="7" r="5" fill="#fff" stroke="#000" stroke-width="2"/></svg>Facility</div>')
    if own:
        rows.append("<h4>Your layers</h4>")
        rows += [f'<div class="row">{_swatch(styles.USER_COLOUR, None)}{esc(name)}</div>'
                 for name in own]
    rows.append("</details>")
    return '<div class="atlas-legend" role="region" aria-label="Legend">' + "".join(rows) + "</div>"


def attribution_text(catalog: Catalog | None) -> str:
    """Plain-text credits required by the data licences."""
    if catalog is None:
        return "Natural Earth (public domain)"
    return " | ".join(f"{a.short or a.text} ({a.licence})" for a in catalog.attribution)


def base_map(atlas: Atlas, *, basemap: Basemap = "offline",
             countries_url: str | None = None, bounds: BBox | None = None,
             controls: bool = True, zoom_snap: float = 0.5,
             own: Sequence[str] = ()) -> folium.Map:
    """
    The map without route layers: basemap, controls, legend and credits.

    Parameters
    ----------
    atlas
        Loaded data; only its countries and attribution are used.
    basemap
        ``"offline"`` draws the bundled Natural Earth countries; ``"osm"`` adds web
        tiles under them (the countries stay, so the map still reads offline).
    countries_url
        Where the page can fetch the countries GeoJSON (a static file the browser
        caches); ``None`` embeds them in the map, for a self-contained file.
    bounds
        W, S, E, N to fit the view to; ``None`` fits the whole corridor.
    controls
        Zoom, fullscreen and measure controls (off for a snapshot).
    zoom_snap
        Zoom steps; 0 fits ``bounds`` exactly (snapshots).
    own
        Names of the user's layers, listed in the legend (snapshots; the live map
        lists them in its layer control).
    """
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None,
                   control_scale=True, min_zoom=2 if bounds else 4, max_zoom=15,
                   zoom_snap=zoom_snap, zoom_control=controls, max_bounds=True,
                   min_lat=MAP_BOUNDS[1], min_lon=MAP_BOUNDS[0],
                   max_lat=MAP_BOUNDS[3], max_lon=MAP_BOUNDS[2])
    west, south, east, north = bounds or CORRIDOR_BOUNDS
    m.fit_bounds([[south, west], [north, east]])
    m.get_root().header.add_child(_Css(), name="atlas_css")
    link_topojson(m)
    if basemap == "osm":
        folium.TileLayer(OSM_TILES, attr="© OpenStreetMap contributors", name="OpenStreetMap",
                         control=False, max_zoom=19).add_to(m)
    if atlas.countries is not None:
        _countries_layer(atlas, tiles=basemap == "osm", url=countries_url).add_to(m)
    if controls:
        Fullscreen(position="topleft").add_to(m)
        MeasureControl(position="topleft", primary_length_unit="kilometers",
                       secondary_length_unit="miles", primary_area_unit="sqkilometers").add_to(m)
    legend = json.dumps(legend_html(own))
    credits = json.dumps(esc(attribution_text(atlas.catalog)))
    _Script(
        "var c = L.control({position: 'bottomleft'});"
        f"c.onAdd = function() {{ var d = L.DomUtil.create('div'); d.innerHTML = {legend};"
        " L.DomEvent.disableClickPropagation(d); return d; }; c.addTo(map);"
        "map.attributionControl.setPrefix('Leaflet');"
        f"map.attributionControl.addAttribution({credits});"
    ).add_to(m)
    return m


def link_topojson(m: folium.Map | Any) -> None:
    """Link topojson-client from ``m`` (a map's own asset list, which ``localize`` rewrites)."""
    m.default_js = [*m.default_js, ("topojson_client", TOPOJSON_JS)]


def _countries_layer(atlas: Atlas, *, tiles: bool, url: str | None) -> _Script:
    """Countries in their own pane under the routes, embedded or fetched from ``url``.

    Embedded as TopoJSON when the atlas has it (under half the bytes of GeoJSON), else
    as GeoJSON; fetched from ``url`` in either format. topojson-client (linked by
    :func:`base_map`) turns TopoJSON back into GeoJSON in the page.
    """
    style = json.dumps({"fillColor": styles.LAND_COLOUR, "fillOpacity": 0.0 if tiles else 1.0,
                        "color": styles.BORDER_COLOUR, "weight": 0.8})
    draw = ("function(d){ var gj = d && d.type === 'Topology' ? "
            "topojson.feature(d, d.objects.countries) : d;"
            " L.geoJSON(gj, {pane: 'atlasBasemap', interactive: false, "
            f"style: {style}, smoothFactor: 1.5}}).addTo(map); }}")
    if url is None:
        assert atlas.countries is not None
        data = atlas.countries_topojson or atlas.countries[["geometry"]].to_json(
            drop_id=True, separators=(",", ":"))
        safe = data.replace("</", "<\\/")  # no "</script>" inside the page's script
        load = f"({draw})({safe});"
    else:
        load = (f"fetch({json.dumps(url)}).then(function(r){{ return r.json(); }})"
                f".then({draw}).catch(function(e){{ console.warn('basemap not loaded', e); }});")
    return _Script("map.createPane('atlasBasemap'); map.getPane('atlasBasemap').style.zIndex = 250;"
                   + load)


def display_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    """Simplified, grid-rounded geometry for drawing (lengths use the full geometry)."""
    return shapely.set_precision(geom.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=False),
                                 DISPLAY_PRECISION_DEG)


ROUTE_ID_LABEL = "layer id: "


def _route_tip(route: Route, row: Any, drawn_km: float, *, status_class: str | None = None,
               year: int | None = None) -> str:
    """The hover card of a route segment; clicking the route opens its panel.

    ``status_class`` is the segment's status to show (its current class by default);
    with ``year``, the status line reads "Under construction in 2005".
    """
    f = route.facts
    kind = styles.KIND_LABELS[route.kind]
    status = styles.STATUS_LABELS[status_class or row["status_class"]]  # type: ignore[index]
    if year is not None:
        status = f"{status} in {year}"
    documented = (f"{f.length_km.value:,.0f} km documented" if f.length_km.value is not None
                  else "documented length: no sourced value")
    parts = [f'<div class="atlas-tip"><b>{esc(route.name)}</b><br>{esc(kind)} · {esc(status)}'
             f'<br><span class="muted">{esc(route.name_tr)}<br>{esc(route.name_az)}</span>'
             f"<br>{esc(documented)}; {drawn_km:,.0f} km as drawn"]
    scope = row.get("documented_length_scope")
    if isinstance(scope, str) and scope:
        parts.append(f'<br><span class="muted">Documented length: {esc(scope)}</span>')
    segment = row.get("segment")
    if isinstance(segment, str) and segment and segment != "full route":
        parts.append(f'<br><span class="muted">Segment: {esc(segment)}</span>')
    if row["geometry_quality"] == "schematic":
        parts.append("<br><i>Schematic segment: a straight line between documented waypoints; "
                     "position approximate.</i>")
    parts.append(f'<br><span class="muted">Click for its panel · {ROUTE_ID_LABEL}'
                 f"{esc(route.id)}</span></div>")
    return "".join(parts)


def _style(kind: str, status: str, quality: str, selected: bool) -> dict[str, Any]:
    return styles.line_style(kind, status, schematic=quality == "schematic",  # type: ignore[arg-type]
                             selected=selected).leaflet()


def route_layer(route: Route, gdf: gpd.GeoDataFrame, *, selected: bool = False,
                year: int | None = None, as_of_year: int | None = None) -> folium.FeatureGroup:
    """
    One route as a feature group: schematic bands, styled lines, tooltip and popup.

    With ``year`` (which needs the catalog's ``as_of_year``), each segment is styled
    by its phase in that year (:func:`corridor_atlas.timeline.segment_phases`) and
    segments not begun are left out; without it, by its current status.
    """
    phases = segment_phases(route, map(str, gdf["status_class"]), year, as_of_year=as_of_year)
    shown = gdf[[phase is not None for phase in phases]]
    phases = [phase for phase in phases if phase is not None]
    drawn = float(shown["length_km"].sum())
    label = (f'<span style="color:{styles.KIND_COLOURS[route.kind]}">&#9644;</span> '
             f"{esc(route.short_name)}")
    group = folium.FeatureGroup(name=label, show=True)
    features = []
    bands = []
    for (_, row), phase in zip(shown.iterrows(), phases, strict=True):
        geom = display_geometry(row.geometry)
        props = {
            "route_id": route.id,
            "status_class": phase,
            "geometry_quality": row["geometry_quality"],
            "tip": _route_tip(route, row, drawn, status_class=phase, year=year),
        }
        feature = {"type": "Feature", "id": str(row["feature_id"]), "properties": props,
                   "geometry": shapely.geometry.mapping(geom)}
        features.append(feature)
        if row["geometry_quality"] == "schematic":
            bands.append({"type": "Feature", "id": f"{row['feature_id']}-band", "properties": {},
                          "geometry": feature["geometry"]})
    if bands:
        folium.GeoJson({"type": "FeatureCollection", "features": bands},
                       style_function=lambda _f: styles.schematic_band(route.kind).leaflet(),
                       interactive=False, control=False).add_to(group)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=route.id,
        style_function=lambda f: _style(route.kind, f["properties"]["status_class"],
                                        f["properties"]["geometry_quality"], selected),
        highlight_function=lambda _f: {"weight": styles.SELECTED_WEIGHT + 2},
        smooth_factor=1.0,
    ).add_child(_Details(popup=False)).add_to(group)
    return group


def _facility_popup(catalog: Catalog, fid: str) -> tuple[str, str]:
    fac = next(f for f in catalog.facilities.items if f.id == fid)
    label = styles.FACILITY_LABELS[fac.category]
    tip = f'<div class="atlas-tip"><b>{esc(fac.name)}</b><br>{esc(label)}</div>'
    facts = "".join(f"<tr><td>{esc(k.replace('_', ' '))}</td><td>{esc(v)}</td></tr>"
                    for k, v in fac.facts.items())
    sources = "; ".join(esc(s.publisher) for s in fac.sources)
    popup = (f'<div class="atlas-popup"><b>{esc(fac.name)}</b><br>{esc(fac.kind)}'
             f"<table>{facts}</table>"
             f'<span class="muted">Location: {esc(fac.precision)}<br>Sources: {sources}<br>'
             f"facility id: {esc(fac.id)}</span></div>")
    return tip, popup


def facilities_layer(catalog: Catalog, gdf: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Facilities as circle markers, ringed in their category's colour."""
    group = folium.FeatureGroup(name="&#9679; Facilities", show=True)
    known = {f.id for f in catalog.facilities.items}
    features = []
    for _, row in gdf.iterrows():
        fid = str(row.get("facility_id") or row["feature_id"])
        if fid not in known:
            continue
        tip, popup = _facility_popup(catalog, fid)
        features.append({
            "type": "Feature", "id": fid,
            "properties": {"facility_id": fid, "category": str(row.get("category")),
                           "tip": tip, "popup": popup},
            "geometry": shapely.geometry.mapping(row.geometry),
        })
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=FACILITIES_ID,
        marker=folium.CircleMarker(radius=6, weight=2, fill=True, fill_color="#ffffff",
                                   fill_opacity=1.0),
        style_function=lambda f: {
            "color": styles.FACILITY_COLOURS.get(f["properties"]["category"], "#000000"),
            "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1.0, "radius": 6,
        },
        highlight_function=lambda _f: {"weight": 4},
    ).add_child(_Details(popup=True)).add_to(group)
    return group


def layer_ids(atlas: Atlas) -> list[str]:
    """Every layer id that can be toggled, in drawing order (context first)."""
    if atlas.catalog is None:
        return []
    context = [r.id for r in atlas.catalog.routes if r.role == "context" and r.id in atlas.routes]
    main = [r.id for r in atlas.catalog.routes if r.role == "route" and r.id in atlas.routes]
    facilities = [FACILITIES_ID] if atlas.facilities is not None else []
    return context + main + facilities


def default_layers(atlas: Atlas) -> list[str]:
    """Layers on when the app opens: the seven routes."""
    if atlas.catalog is None:
        return []
    return [r.id for r in atlas.catalog.routes if r.default_visible and r.id in atlas.routes]


def route_begun(atlas: Atlas, route_id: str, year: int | None) -> bool:
    """Whether a route has begun by ``year`` (always, with ``year=None``: today's map)."""
    if year is None or atlas.catalog is None:
        return True
    return route_phase(atlas.catalog.route(route_id), year,
                       as_of_year=default_year(atlas.catalog)) is not None


def layer_groups(atlas: Atlas, visible: Iterable[str], *, selected: str | None = None,
                 year: int | None = None) -> list[folium.FeatureGroup]:
    """
    Feature groups for the visible layers, in drawing order (the selected route on top).

    With ``year``, the map as of that year: routes not yet begun are left out and
    each segment is styled by its phase then (:mod:`corridor_atlas.timeline`);
    ``None`` draws today's status.
    """
    wanted = set(visible)
    order = [lid for lid in layer_ids(atlas)
             if lid in wanted and (lid == FACILITIES_ID or route_begun(atlas, lid, year))]
    if selected in order and selected != FACILITIES_ID:
        order.remove(selected)
        order.insert(len(order) - (FACILITIES_ID in order), selected)
    groups = []
    assert atlas.catalog is not None or not order
    as_of_year = default_year(atlas.catalog) if atlas.catalog is not None else None
    for lid in order:
        if lid == FACILITIES_ID:
            assert atlas.facilities is not None and atlas.catalog is not None
            groups.append(facilities_layer(atlas.catalog, atlas.facilities))
        else:
            route = atlas.catalog.route(lid)  # type: ignore[union-attr]
            groups.append(route_layer(route, atlas.routes[lid], selected=lid == selected,
                                      year=year, as_of_year=as_of_year))
    return groups


def layer_control() -> folium.LayerControl:
    return folium.LayerControl(position="topright", collapsed=True)


@dataclass
class MapParts:
    """A base map and its layer groups, with assets pointed at the vendored copies."""

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: folium.LayerControl


def map_parts(atlas: Atlas, visible: Iterable[str], *, vendor_dir: Path,
              selected: str | None = None, basemap: Basemap = "offline",
              asset_mode: AssetMode = "static",
              countries_url: str | None = None, year: int | None = None) -> MapParts:
    """The pieces a live app mounts: constant base map + swappable layer groups.

    ``year`` draws the layers as of that year (see :func:`layer_groups`).
    """
    base = localize(base_map(atlas, basemap=basemap, countries_url=countries_url),
                    mode=asset_mode, vendor_dir=vendor_dir)
    groups = [localize(g, mode=asset_mode, vendor_dir=vendor_dir)
              for g in layer_groups(atlas, visible, selected=selected, year=year)]
    return MapParts(base, groups, localize(layer_control(), mode=asset_mode, vendor_dir=vendor_dir))


def build_map(atlas: Atlas, visible: Sequence[str] | None = None, *, vendor_dir: Path,
              selected: str | None = None, basemap: Basemap = "offline",
              asset_mode: AssetMode = "inline", bounds: BBox | None = None,
              year: int | None = None) -> folium.Map:
    """
    The whole map in one folium object (standalone HTML, tests, benchmarks).

    Parameters
    ----------
    atlas
        Loaded data.
    visible
        Layer ids to draw; ``None`` draws the default layers.
    vendor_dir
        The ``static/vendor`` folder of vendored Leaflet assets.
    selected
        A route id to highlight.
    basemap
        See :func:`base_map`.
    asset_mode
        ``"inline"`` embeds the assets (a file that opens offline anywhere);
        ``"static"`` links them under ``/app/static/vendor``.
    bounds
        W, S, E, N to open on; ``None`` shows the whole corridor.
    year
        Draw the layers as of this year (routes not yet begun left out, each
        segment in its phase then); ``None`` draws today's status.
    """
    layers = default_layers(atlas) if visible is None else visible
    m = base_map(atlas, basemap=basemap, bounds=bounds)
    for group in layer_groups(atlas, layers, selected=selected, year=year):
        group.add_to(m)
    layer_control().add_to(m)
    return localize(m, mode=asset_mode, vendor_dir=vendor_dir)


_ANNOTATION_CSS = """
<style>
.atlas-title { background: rgba(255,255,255,.94); padding: 6px 12px; border-radius: 4px;
  font: 600 18px/1.3 system-ui, sans-serif; color: #111; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.atlas-title .sub { font-weight: 400; font-size: 12px; color: #444; }
.atlas-footer { background: rgba(255,255,255,.94); padding: 3px 8px; margin: 0 !important;
  font: 11px/1.35 system-ui, sans-serif; color: #333; max-width: 100%; }
.leaflet-top.leaflet-center { left: 50%; transform: translateX(-50%); width: max-content;
  max-width: 70%; }
.leaflet-top.leaflet-center .leaflet-control { margin-left: 0; }
.atlas-footer { max-width: 60vw; }
</style>
"""


class _AnnotationCss(Element):
    _template = Template(_ANNOTATION_CSS)


def snapshot_map(atlas: Atlas, view: MapView, *, vendor_dir: Path,
                 interactive: bool = False, user_layers: Sequence[UserLayer] = ()) -> folium.Map:
    """
    The view as a self-contained, annotated map: title, as-of date, legend and credits.

    Parameters
    ----------
    atlas
        Loaded data.
    view
        Layers, selection, year and extent to reproduce; the layers are drawn as of
        ``view.year`` (see :func:`layer_groups`).
    vendor_dir
        The ``static/vendor`` folder.
    interactive
        Keep the zoom, fullscreen, measure and layer controls (standalone HTML);
        without them the map is a still picture (PNG/PDF), fitted exactly to the extent.
    user_layers
        The user's own layers, drawn on top as on the live map and named in the legend.

    Notes
    -----
    When every layer is drawn the page sets ``window.atlasReady = true``.
    """
    assert atlas.catalog is not None
    catalog = atlas.catalog
    m = base_map(atlas, basemap=view.basemap, bounds=view.extent,  # type: ignore[arg-type]
                 controls=interactive, zoom_snap=0.5 if interactive else 0,
                 own=[layer.name for layer in user_layers])
    for group in layer_groups(atlas, view.layers, selected=view.selected, year=view.year):
        group.add_to(m)
    for i, layer in enumerate(user_layers):
        user_layer(layer.name, layer.gdf, index=i).add_to(m)
    if interactive:
        layer_control().add_to(m)
    m.get_root().header.add_child(_AnnotationCss(), name="atlas_annotation_css")
    title = json.dumps(f'<div class="atlas-title">{esc(title_for(view, catalog))}'
                       f'<div class="sub">{esc(as_of_text(view, catalog))}</div></div>')
    footer = json.dumps(f'<div class="atlas-footer">{esc(credits_line(catalog))}<br>'
                        f"{esc(sources_line(view, catalog))}</div>")
    _Script(
        "var corner = L.DomUtil.create('div', 'leaflet-top leaflet-center', map._controlContainer);"
        f"var t = L.DomUtil.create('div', 'leaflet-control', corner); t.innerHTML = {title};"
        "var f = L.control({position: 'bottomright'});"
        f"f.onAdd = function() {{ var d = L.DomUtil.create('div'); d.innerHTML = {footer};"
        " return d; }; f.addTo(map);"
        "map.attributionControl.remove();"
        "map.whenReady(function() { setTimeout(function() { window.atlasReady = true; }, 0); });"
    ).add_to(m)
    return localize(m, mode="inline", vendor_dir=vendor_dir)


def user_layer(name: str, gdf: gpd.GeoDataFrame, *, index: int = 0) -> folium.FeatureGroup:
    """
    A user's own layer: points, lines and polygons in one colour, tooltips from ``_tip``.

    ``gdf`` comes from :func:`corridor_atlas.uploads.read_upload`: EPSG:4326 with a
    pre-escaped ``_tip`` column. Only geometry and ``_tip`` reach the page.
    """
    colour = styles.USER_COLOUR
    frame = gdf[["_tip", "geometry"]].rename(columns={"_tip": "tip"}).copy()
    frame["geometry"] = [display_geometry(g) if g.geom_type != "Point" else g
                         for g in frame.geometry]
    data = json.loads(frame.to_json(drop_id=True))
    for i, feature in enumerate(data["features"]):
        feature["id"] = f"user-{index}-{i}"
    group = folium.FeatureGroup(name=f'<span style="color:{colour}">&#9632;</span> '
                                     f"{esc(name)}", show=True)
    folium.GeoJson(
        data,
        name=f"user-{index}",
        marker=folium.CircleMarker(radius=styles.USER_POINT_RADIUS,
                                   weight=styles.USER_POINT_RING, fill=True,
                                   fill_color="#ffffff", fill_opacity=1.0),
        style_function=lambda _f: {"color": colour, "weight": styles.USER_WEIGHT,
                                   "fillColor": colour, "fillOpacity": styles.USER_FILL_OPACITY,
                                   "radius": styles.USER_POINT_RADIUS},
        highlight_function=lambda _f: {"weight": styles.USER_WEIGHT + 2},
    ).add_child(_Details(popup=False)).add_to(group)
    return group
