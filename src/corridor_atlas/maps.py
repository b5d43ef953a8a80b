"""The live map: a scene drawn with folium (Leaflet).

The base map (basemap, controls, CSS, the label engine, credits) does not depend on
the scene, so a live app keeps it mounted and swaps only the scene's feature groups
(streamlit-folium's ``feature_group_to_add``): one per layer, one for the names on the
map, one for the legend. The live map's layer control switches the app's own layers,
so the sidebar and the map are one state (:func:`live_layer_control`); the base map opens
directly on the view a shared link asks for (``opening``). :func:`build_map` puts
everything into one map, for the standalone HTML and tests; :func:`snapshot_map` adds
the title, as-of line and credits of a picture.

Everything here draws what the :class:`~corridor_atlas.scene.Scene` says; nothing here
decides order, phases, filters, styles or names. Text from the data that reaches the
page is HTML-escaped here (names on the map are set as text by the label engine).

The page is in the scene's language (``scene.view.lang``): its tooltips and popups,
layer names, legend, and the controls' own words (zoom, full screen, measure, the
scale in kilometres only). In English the page is exactly as it always was.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, MeasureControl
from jinja2 import Template

from . import i18n, styles
from .assets import AssetMode, bundle_scripts, localize
from .catalog import Catalog
from .describe import (
    FACILITIES_NAME,
    dispute_line,
    facilities_name,
    facility_facts,
    flow_lines,
    location_text,
    route_label,
    since_line,
    status_line,
)
from .i18n import N_
from .layers import FACILITIES_ID, Atlas
from .legend import LegendRow
from .markup import esc
from .scene import FacilityLayer, RouteLayer, Scene, Segment, UserLayerScene
from .uploads import UserLayer, property_columns
from .view import CORRIDOR_BBOX, BBox, credit_text, english, opening_extent

Basemap = Literal["offline", "osm"]
BASEMAPS: dict[Basemap, str] = {
    "offline": "Countries (bundled, offline)",
    "osm": "OpenStreetMap tiles (needs internet)",
}
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TOPOJSON_JS = "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js"
"""topojson-client, which draws the TopoJSON basemap (vendored: see ``assets.CDN_MAP``)."""
RBUSH_JS = "https://cdn.jsdelivr.net/npm/rbush@4.0.1/rbush.min.js"
"""rbush, the R-tree the label engine finds overlaps with (vendored)."""
DECORATOR_JS = ("https://cdn.jsdelivr.net/npm/leaflet-polylinedecorator@1.6.0/dist/"
                "leaflet.polylineDecorator.js")
"""Leaflet.PolylineDecorator, which draws the flow arrows (vendored)."""
DEFAULT_CENTER = (40.6, 34.0)
DEFAULT_ZOOM = 5
MAP_BOUNDS = (-12.0, 20.0, 68.0, 62.0)  # W, S, E, N: the bundled basemap's extent
CORRIDOR_BOUNDS = CORRIDOR_BBOX
DISPLAY_TOLERANCE_DEG = 0.0015  # ~150 m: invisible below zoom 10, a tenth of the vertices
DISPLAY_PRECISION_DEG = 1e-4  # ~10 m grid
USER_TIP_PROPERTIES = 8  # properties a user's feature shows in its tooltip, at most
USER_TIP_KEY_MAX = 40  # characters of a property's name…
USER_TIP_VALUE_MAX = 120  # …and of its value
TILE_NOTICE = ("Web map tiles could not be loaded (offline?). The bundled countries are "
               f"shown instead; choose “{BASEMAPS['offline']}” under Basemap for the "
               "offline map.")
TILE_NOTICE_MESSAGE = N_("Web map tiles could not be loaded (offline?). The bundled "
                         "countries are shown instead; choose “{offline}” under Basemap "
                         "for the offline map.")
""":data:`TILE_NOTICE` as a message, ``{offline}`` the offline basemap's name."""
BASEMAP_WORDS = (N_("Countries (bundled, offline)"), N_("OpenStreetMap tiles (needs internet)"))
"""The basemaps' names (:data:`BASEMAPS`) as messages."""
CONTROL_WORDS = {
    "zoom_in": N_("Zoom in"),
    "zoom_out": N_("Zoom out"),
    "full_screen": N_("Full screen"),
    "exit_full_screen": N_("Exit full screen"),
    "layers": N_("Layers"),
}
"""The words of the map's own controls, in a language other than English (in English the
controls keep the words of Leaflet and its plugins)."""
MEASURE_WORDS = {
    "Measure": N_("Measure"),
    "Measure distances and areas": N_("Measure distances and areas"),
    "Create a new measurement": N_("Create a new measurement"),
    "Start creating a measurement by adding points to the map":
        N_("Start creating a measurement by adding points to the map"),
    "Cancel": N_("Cancel"),
    "Finish measurement": N_("Finish measurement"),
    "Last point": N_("Last point"),
    "Path distance": N_("Path distance"),
    "Area": N_("Area"),
    "Point location": N_("Point location"),
    "Linear measurement": N_("Linear measurement"),
    "Area measurement": N_("Area measurement"),
    "Perimeter": N_("Perimeter"),
    "Center on this location": N_("Center on this location"),
    "Center on this line": N_("Center on this line"),
    "Center on this area": N_("Center on this area"),
    "Delete": N_("Delete"),
    "Kilometers": N_("Kilometers"),
    "Hectares": N_("Hectares"),
    "Meters": N_("Meters"),
}
"""The measure control's words (leaflet-measure's English), and the messages that say
them in the page's language."""
Opening = tuple[float, float, float] | BBox  # (lat, lon, zoom), or W, S, E, N to fit
NARROW_PX = 480  # the legend starts folded on a map narrower than this (a phone's)
ROUTE_MARK = "@route="
"""Starts the hidden route id in a route's tooltip; the app reads the clicked route from it."""

_CSS = f"""
<style>
#parent #map_div, #parent #map_div2 {{ height: 100vh !important; }}
html, body {{ overflow: hidden; }}
.leaflet-container.leaflet-container {{ background: {styles.SEA_COLOUR}; }}
.leaflet-container .leaflet-control-attribution {{ font-size: 10px;
  max-width: calc(100% - 130px); }}
path.leaflet-interactive:focus {{ outline: none; }}
.atlas-legend {{ background: rgba(255,255,255,.94); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.3 system-ui, sans-serif; color: #222; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  max-height: 70vh; overflow-y: auto; }}
.atlas-legend summary {{ cursor: pointer; font-weight: 600; font-size: 12px; }}
@media (max-width: {NARROW_PX - 1}px) {{
  /* a phone: folded, the legend is a button a finger can tap; opened, it keeps most
     of the map in sight and scrolls */
  .atlas-legend {{ padding: 0 10px; max-height: 55vh; }}
  /* the credits leave room for the folded legend's word in every language (the
     longest: Azerbaijani "Şərti işarələr", 130 px) */
  .leaflet-container .leaflet-control-attribution {{ max-width: calc(100% - 160px); }}
  .atlas-legend summary {{ font-size: 13px; line-height: 36px; min-width: 64px; }}
  .atlas-legend details[open] summary {{ line-height: 30px; }}
}}
.atlas-legend h4 {{ margin: 3px 0 1px; font-size: 11px; color: #555; }}
.atlas-legend .row {{ display: flex; align-items: center; gap: 6px; white-space: nowrap; }}
.atlas-legend svg {{ flex: none; }}
.leaflet-tooltip {{ white-space: normal; width: max-content; max-width: 320px; }}
.leaflet-control-layers-expanded {{ max-width: min(340px, calc(100vw - 70px)); }}
.atlas-tip {{ font: 12px/1.35 system-ui, sans-serif; color: #222; }}
.atlas-tip b {{ font-size: 13px; }}
.atlas-tip .muted, .atlas-popup .muted {{ color: #555; }}
.atlas-tip .flow {{ margin-top: 3px; border-top: 1px solid #ddd; padding-top: 3px; }}
.atlas-popup {{ font: 12px/1.4 system-ui, sans-serif; max-width: 320px; }}
.atlas-popup table {{ border-collapse: collapse; }}
.atlas-popup td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
.atlas-labels {{ position: absolute; left: 0; top: 0; }}
.atlas-label {{ position: absolute; z-index: 2; white-space: nowrap; line-height: 1.2;
  pointer-events: none; user-select: text; }}
.atlas-labels canvas.atlas-label-halo {{ position: absolute; z-index: 1; pointer-events: none; }}
.leaflet-container .leaflet-control-scale-line {{ text-shadow: none; }}
.atlas-label-country {{ font-weight: normal; }}
.atlas-dispute {{ width: {styles.DISPUTE_MARK_PX}px; height: {styles.DISPUTE_MARK_PX}px;
  margin: -{styles.DISPUTE_MARK_PX / 2}px 0 0 -{styles.DISPUTE_MARK_PX / 2}px;
  border-radius: 50%; background: {styles.DISPUTE_COLOUR}; color: #fff;
  border: 2px solid #fff; box-sizing: border-box; box-shadow: 0 0 2px rgba(0,0,0,.6);
  font: bold 11px/12px system-ui, sans-serif; text-align: center; }}
.atlas-tip .dispute {{ color: {styles.DISPUTE_COLOUR}; }}
.atlas-tile-notice {{ position: absolute; z-index: 1000; top: 10px; left: 50%;
  transform: translateX(-50%); box-sizing: border-box; width: max-content;
  max-width: min(360px, calc(100% - 130px)); background: rgba(255,255,255,.96);
  padding: 5px 9px; border-radius: 4px; border-left: 4px solid #b45309;
  font: 12px/1.35 system-ui, sans-serif; color: #222; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.atlas-label-dot {{ position: absolute; width: {styles.PLACE_DOT_PX}px;
  height: {styles.PLACE_DOT_PX}px; margin: -{styles.PLACE_DOT_PX / 2}px 0 0
  -{styles.PLACE_DOT_PX / 2}px; border-radius: 50%; background: #333;
  border: 1px solid #fff; box-sizing: border-box; pointer-events: none; z-index: 2; }}
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
    """A piece of JavaScript run with its parent (``map`` in the code: the parent's variable)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map){ {{ this.code }} })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "AtlasScript"
        self.code = code


def _js(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no text of the data can close
    the script or look like markup to anything reading the page.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _label_engine() -> str:
    """The label engine's source (``corridor_atlas/js/labels.js``)."""
    return resources.files("corridor_atlas").joinpath("js/labels.js").read_text("utf-8")


class _LabelEngine(MacroElement):
    """Defines ``L.AtlasLabels`` in the map's script, before any layer uses it."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasLabelEngine"
        settings = {"FONT": styles.LABEL_FONT_STACK, "HALO": styles.LABEL_HALO,
                    "HALO_PX": styles.LABEL_HALO_PX, "DOT": styles.PLACE_DOT_PX,
                    "SPACING": styles.LABEL_SPACING}
        self.code = _label_engine() + "".join(f"L.AtlasLabels.{k} = {_js(v)};"
                                              for k, v in settings.items())


# --- legend ------------------------------------------------------------------------------

def _swatch(row: LegendRow) -> str:
    """The SVG beside a legend row."""
    if row.dispute:
        r = styles.DISPUTE_MARK_PX / 2
        return (f'<svg width="34" height="{2 * r:.0f}" aria-hidden="true"><circle cx="17" '
                f'cy="{r}" r="{r - 1}" fill="{styles.DISPUTE_COLOUR}" stroke="#fff" '
                f'stroke-width="2"/><text x="17" y="{r + 4}" text-anchor="middle" '
                'font-family="sans-serif" font-weight="bold" font-size="11" '
                'fill="#fff">?</text></svg>')
    if row.marker is not None:
        return ('<svg width="34" height="14" aria-hidden="true"><circle cx="17" cy="7" r="5" '
                f'fill="#fff" stroke="{row.marker}" stroke-width="2"/></svg>')
    if row.arrow:
        return ('<svg width="34" height="14" aria-hidden="true"><line x1="2" y1="7" x2="26" '
                f'y2="7" stroke="{row.colour}" stroke-width="6"/><path d="M 14 2.5 L 22 7 '
                'L 14 11.5 Z" fill="#fff" stroke="#333" stroke-width="1"/></svg>')
    if row.widths:
        parts, x = [], 2.0
        height = max(14, round(max(row.widths)) + 2)
        for width in row.widths:
            parts.append(f'<line x1="{x:.0f}" y1="{height / 2}" x2="{x + 14:.0f}" '
                         f'y2="{height / 2}" stroke="{row.colour}" stroke-width="{width:.1f}"/>')
            x += 17
        return (f'<svg width="{x:.0f}" height="{height}" aria-hidden="true">' + "".join(parts)
                + "</svg>")
    if row.line is None:
        return ""
    line = row.line
    dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    under = ""
    if row.band is not None:
        under = (f'<line x1="3" y1="7" x2="31" y2="7" stroke="{row.band.colour}" '
                 f'stroke-width="{row.band.weight}" stroke-opacity="{row.band.opacity}"/>')
    return (f'<svg width="34" height="14" aria-hidden="true">{under}<line x1="3" y1="7" '
            f'x2="31" y2="7" stroke="{line.colour}" stroke-width="{line.weight}" '
            f'stroke-opacity="{line.opacity}" stroke-linecap="round"{dash}/></svg>')


def legend_html(rows: Sequence[LegendRow], *, title: str = "Legend") -> str:
    """The legend as HTML, from the scene's rows (text escaped); ``title`` is its heading,
    in the page's language."""
    body = [f"<details open><summary>{esc(title)}</summary>"]
    for row in rows:
        if row.header:
            body.append(f"<h4>{esc(row.text)}</h4>")
        else:
            body.append(f'<div class="row">{_swatch(row)}{esc(row.text)}</div>')
    body.append("</details>")
    return (f'<div class="atlas-legend" role="region" aria-label="{esc(title)}">'
            + "".join(body) + "</div>")


class _Legend(MacroElement):
    """The legend control, shown while its feature group is on the map.

    ``position`` is a Leaflet corner, or ``"auto"``: the corner where it covers the
    fewest points of the drawn routes when it is added. It starts folded on a narrow map
    (a phone's) and, when ``foldable``, wherever it would hide routes in every corner;
    a still picture (``foldable=False``) keeps it open in the corner that hides least.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group){"
        "var c = L.control({position: {{ this.start }}}), lines = {{ this.lines }};"
        # one element for the control's life: moving it between corners keeps its state
        "var d = L.DomUtil.create('div'); d.innerHTML = {{ this.html }};"
        "L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);"
        "c.onAdd = function(){ return d; };"
        # how many sampled points of the routes the legend's box covers where it is
        "function cover(map){ var o = map.getContainer().getBoundingClientRect(),"
        " r = c.getContainer().getBoundingClientRect(), x0 = r.left - o.left - 10,"
        " y0 = r.top - o.top - 10, x1 = r.right - o.left + 10, y1 = r.bottom - o.top + 10,"
        " n = 0;"
        " lines.forEach(function(part){ for (var i = 1; i < part.length; i++) {"
        "  var a = map.latLngToContainerPoint([part[i-1][1], part[i-1][0]]),"
        "  b = map.latLngToContainerPoint([part[i][1], part[i][0]]);"
        "  for (var t = 0; t <= 1; t += 0.1) { var x = a.x + (b.x - a.x) * t,"
        "   y = a.y + (b.y - a.y) * t; if (x >= x0 && x <= x1 && y >= y0 && y <= y1) { n++; }"
        "  } } });"
        " return n; }"
        "function place(){ var map = group._map; if (!map || !c.getContainer()) { return; }"
        # a zoom on its way (the opening fit) changes what the legend would cover
        " if (map._animatingZoom) { map.once('zoomend', place); return; }"
        "{% if this.auto %}"
        " var best = null; ['bottomleft', 'bottomright', 'topright', 'topleft']"
        " .forEach(function(corner){ c.setPosition(corner); var n = cover(map);"
        "  if (best === null || n < best.n) { best = {corner: corner, n: n}; } });"
        " c.setPosition(best.corner); map.getContainer().setAttribute('data-legend', best.corner);"
        "{% if this.foldable %}"
        # open, it would hide routes wherever it went: start folded (the reader opens it)
        " var det = c.getContainer().querySelector('details');"
        " if (best.n > 0 && det && det.open && !touched) { det.open = false; place(); return; }"
        "{% endif %}"
        "{% endif %}"
        " map.fire('atlaslayout'); }"
        "var on = null, touched = false;"
        "var det = d.querySelector('details');"
        "if (det) { det.querySelector('summary').addEventListener('click', function(){"
        " touched = true; setTimeout(function(){ on && on.fire('atlaslayout'); }, 0); }); }"
        # the page's stylesheets (Leaflet's places the corners) may still be loading when
        # a map opens at once on its view: place the legend again when they have come
        "function styled(){ var left = 0, done = function(){ if (--left === 0) { place(); } };"
        " Array.prototype.forEach.call(document.querySelectorAll('link[rel=stylesheet]'),"
        "  function(l){ if (!l.sheet) { left++; l.addEventListener('load', done);"
        "   l.addEventListener('error', done); } }); }"
        "function add(){ on = group._map; c.addTo(on); on.on('atlasfit', place);"
        " if (det && on.getSize().x < {{ this.narrow }}) { det.open = false; }"
        # a live map may still be on its way to its opening view: look again after it
        " place(); styled(); if (on.options.zoomAnimation) { L.Util.requestAnimFrame(place); } }"
        "group.on('add', add);"
        "group.on('remove', function(){ if (on) { on.off('atlasfit', place); } c.remove(); });"
        "if (group._map) { add(); }"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, rows: Sequence[LegendRow], lines: Any, *, position: str,
                 folded: bool = False, foldable: bool = True, title: str = "Legend") -> None:
        super().__init__()
        self._name = "AtlasLegend"
        self.auto = position == "auto"
        self.foldable = foldable
        self.start = _js("bottomleft" if self.auto else position)
        html = legend_html(rows, title=title)
        self.html = _js(html.replace("<details open>", "<details>", 1) if folded else html)
        self.lines = _js(lines if self.auto else [])
        self.narrow = NARROW_PX


class _Fit(MacroElement):
    """Fits the map to a box once per request (an id), whatever the map's size."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group){ function fit(){ var map = group._map;"
        " if (!map || window.__atlasFit === {{ this.id }}) { return; }"
        # a zoom animating (the opening fit starts one on the next frame) would end on
        # its own target: fit after the frame, and after that zoom if it runs
        " if (map._animatingZoom) { map.once('zoomend', fit); return; }"
        " window.__atlasFit = {{ this.id }};"
        " map.fitBounds({{ this.bounds }}, {animate: false, maxZoom: {{ this.max_zoom }},"
        " padding: [{{ this.padding }}, {{ this.padding }}]});"
        " map.fire('atlasfit'); }"
        " function later(){ L.Util.requestAnimFrame(fit); }"
        " group.on('add', later); later(); })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, request: str, bbox: BBox, max_zoom: float, padding: int = 0) -> None:
        super().__init__()
        self._name = "AtlasFit"
        west, south, east, north = bbox
        self.id = _js(request)
        self.bounds = _js([[south, west], [north, east]])
        self.max_zoom = _js(max_zoom)
        self.padding = _js(int(padding))


def fit_group(request: str, bbox: BBox, *, max_zoom: float = 10,
              padding: int = 0) -> folium.FeatureGroup:
    """A feature group that fits the live map to ``bbox`` when ``request`` is new.

    ``max_zoom`` is the closest it goes (an extent of no size, a single point, opens
    there); ``padding`` the pixels kept free around ``bbox``. The map keeps the view the
    user moves it to afterwards, on every rerun, until a new request comes.
    """
    group = folium.FeatureGroup(name="fit", show=True, control=False)
    group.add_child(_Fit(request, bbox, max_zoom, padding))
    return group


class _Labels(MacroElement):
    """The names on the map (a label layer inside its feature group)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.addLayer(L.atlasLabels({{ this.data }}));"
        "{% endmacro %}"
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "AtlasLabels"
        self.data = _js(data)


class _Arrows(MacroElement):
    """Arrowheads along flow lines, pointing from origin to terminus."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group){ {{ this.lines }}.forEach(function(l){"
        " L.polylineDecorator(l.latlngs, {patterns: [{offset: l.offset, repeat: l.repeat,"
        "  symbol: L.Symbol.arrowHead({pixelSize: l.size, headAngle: 70, polygon: true,"
        "  pathOptions: {stroke: true, weight: 1.2, color: l.colour, opacity: 1,"
        "  fillColor: {{ this.fill }}, fillOpacity: 1, interactive: false}})}]})"
        " .addTo(group); }); })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, lines: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "AtlasArrows"
        self.lines = _js(lines)
        self.fill = _js(styles.ARROW_COLOUR)


# --- base map ----------------------------------------------------------------------------

def attribution_text(catalog: Catalog | None, lang: str = "en") -> str:
    """Plain-text credits required by the data licences, in ``lang``."""
    if catalog is None:
        return f"Natural Earth ({credit_text('public domain', lang)})"
    return " | ".join(f"{credit_text(a.short or a.text, lang)} ({credit_text(a.licence, lang)})"
                      for a in catalog.attribution)


class _TileNotice(MacroElement):
    """Says on the map when web tiles fail to load, and fills the bundled countries in.

    A load of tiles with any failure (no internet, a blocked server) shows the notice
    and draws the countries as the offline basemap does; a later load without failures
    takes both back.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(tiles, map){"
        " var failed = 0, shown = false, note = L.DomUtil.create('div', 'atlas-tile-notice');"
        " note.setAttribute('role', 'status'); note.textContent = {{ this.text }};"
        " L.DomEvent.disableClickPropagation(note); L.DomEvent.disableScrollPropagation(note);"
        " function show(on){ if (on === shown) { return; } shown = on;"
        "  if (on) { map.getContainer().appendChild(note); } else { L.DomUtil.remove(note); }"
        "  if (map._atlasCountries) { map._atlasCountries.setStyle("
        "   {fillOpacity: on ? 1 : 0}); }"
        "  map.getContainer().setAttribute('data-tiles', on ? 'failed' : 'loaded'); }"
        " tiles.on('loading', function(){ failed = 0; });"
        " tiles.on('tileerror', function(){ failed += 1; show(true); });"
        " tiles.on('load', function(){ if (!failed) { show(false); } });"
        "})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "AtlasTileNotice"
        tr = i18n.translator(lang)
        self.text = _js(TILE_NOTICE if lang == "en" else tr.gettext(TILE_NOTICE_MESSAGE).format(
            offline=tr.gettext(BASEMAPS["offline"])))


def base_map(atlas: Atlas, *, basemap: Basemap = "offline",
             countries_url: str | None = None, bounds: BBox | None = None,
             controls: bool = True, zoom_snap: float = 0.25,
             opening: Opening | None = None, lang: str = "en") -> folium.Map:
    """
    The map without the scene: basemap, controls, CSS, label engine and credits.

    Parameters
    ----------
    atlas
        Loaded data; only its countries and attribution are used.
    basemap
        ``"offline"`` draws the bundled Natural Earth countries; ``"osm"`` adds web
        tiles under them (the countries stay, so the map still reads offline).
    countries_url
        Where the page can fetch the countries (a static file the browser caches);
        ``None`` embeds them in the map, for a self-contained file.
    bounds
        W, S, E, N to fit the view to; ``None`` fits the routes tightly.
    opening
        Where a live map opens instead, at whatever size it is: (lat, lon, zoom) (a
        view someone shared), or W, S, E, N to fit (a "Zoom to" area). Either is set
        as the map is made, with no zoom animation that a view set during it would
        undo.
    controls
        Zoom, fullscreen and measure controls (off for a snapshot).
    zoom_snap
        Zoom steps; 0 fits ``bounds`` exactly (snapshots).
    lang
        The language of the controls' words and the credits.
    """
    view = opening if opening is not None and len(opening) == 3 else None
    local = lang != "en"
    m = folium.Map(location=view[:2] if view else DEFAULT_CENTER,
                   zoom_start=view[2] if view else DEFAULT_ZOOM, tiles=None,
                   control_scale=not local, min_zoom=2 if bounds else 3, max_zoom=15,
                   zoom_snap=zoom_snap, zoom_control=controls, max_bounds=True,
                   min_lat=MAP_BOUNDS[1], min_lon=MAP_BOUNDS[0],
                   max_lat=MAP_BOUNDS[3], max_lon=MAP_BOUNDS[2],
                   # a still picture is drawn at once, at its final zoom
                   zoom_animation=controls, fade_animation=controls)
    if view is None:
        # at once: a zoom animation from the first view would swallow any view set
        # while it runs (a shared link's, a search pick's)
        west, south, east, north = (opening if opening is not None and len(opening) == 4
                                    else bounds or opening_extent(atlas))
        _Script(f"map.fitBounds({_js([[south, west], [north, east]])}, {{animate: false}});"
                ).add_to(m)
    m.get_root().header.add_child(_Css(), name="atlas_css")
    m.default_js = [*m.default_js, ("topojson_client", TOPOJSON_JS), ("rbush", RBUSH_JS),
                    ("leaflet_polylinedecorator", DECORATOR_JS)]
    m.add_child(_LabelEngine())
    if basemap == "osm":
        tiles = folium.TileLayer(OSM_TILES, attr="© OpenStreetMap contributors",
                                 name="OpenStreetMap", control=False, max_zoom=19)
        tiles.add_child(_TileNotice(lang))
        tiles.add_to(m)
    if atlas.countries is not None:
        _countries_layer(atlas, tiles=basemap == "osm", url=countries_url).add_to(m)
    tr = i18n.translator(lang)
    if local:  # the scale in kilometres only, as Turkish and Azerbaijani readers measure
        _Script("L.control.scale({imperial: false}).addTo(map);").add_to(m)
    if controls and not local:
        Fullscreen(position="topleft").add_to(m)
        MeasureControl(position="topleft", primary_length_unit="kilometers",
                       secondary_length_unit="miles", primary_area_unit="sqkilometers").add_to(m)
    elif controls:
        Fullscreen(position="topleft", title=tr.gettext(CONTROL_WORDS["full_screen"]),
                   title_cancel=tr.gettext(CONTROL_WORDS["exit_full_screen"])).add_to(m)
        MeasureControl(position="topleft", primary_length_unit="kilometers",
                       secondary_length_unit=None, primary_area_unit="sqkilometers",
                       secondary_area_unit=None).add_to(m)
        _Script(_localise_controls(lang)).add_to(m)
    credits = _js(esc(attribution_text(atlas.catalog, lang)))
    _Script(
        "map.attributionControl.setPrefix('Leaflet');"
        f"map.attributionControl.addAttribution({credits});"
    ).add_to(m)
    return m


def _localise_controls(lang: str) -> str:
    """Script that gives the zoom buttons and the measure control (whose own words are
    English) the words of ``lang``, in its panels and result popups as they appear."""
    tr = i18n.translator(lang)
    zoom = {"in": tr.gettext(CONTROL_WORDS["zoom_in"]),
            "out": tr.gettext(CONTROL_WORDS["zoom_out"])}
    # longest first: "Area measurement" is said before "Area"
    words = [[english_text, tr.gettext(message)] for english_text, message
             in sorted(MEASURE_WORDS.items(), key=lambda item: -len(item[0]))]
    layers = tr.gettext(CONTROL_WORDS["layers"])
    return (
        f"var zoom = {_js(zoom)}, words = {_js(words)}, layers = {_js(layers)};"
        "if (map.zoomControl) { [[map.zoomControl._zoomInButton, zoom['in']],"
        " [map.zoomControl._zoomOutButton, zoom.out]].forEach(function(b){"
        "  if (b[0]) { b[0].title = b[1]; b[0].setAttribute('aria-label', b[1]); } }); }"
        # the measure control writes its panels and popups again as one measures
        "function said(text){ words.forEach(function(w){ text = text.split(w[0]).join(w[1]); });"
        " return text; }"
        "function say(root){ if (!root || !root.querySelectorAll) { return; }"
        " root.querySelectorAll('[title]').forEach(function(e){"
        "  e.setAttribute('title', said(e.getAttribute('title'))); });"
        " var walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), n;"
        " while ((n = walk.nextNode())) { var t = said(n.nodeValue);"
        "  if (t !== n.nodeValue) { n.nodeValue = t; } } }"
        # the layer control is added after the map: name its button once all are there
        "setTimeout(function(){ map.getContainer().querySelectorAll("
        " '.leaflet-control-layers-toggle').forEach(function(e){ e.title = layers;"
        " e.setAttribute('aria-label', layers); }); }, 0);"
        "function watch(){ var box = map.getContainer();"
        " new MutationObserver(function(changes){ changes.forEach(function(c){"
        "  c.addedNodes.forEach(function(node){ var el = node.nodeType === 1 ? node"
        "   : node.parentNode; if (el && el.closest && el.closest("
        "   '.leaflet-control-measure, .leaflet-measure-resultpopup')) { say(el); } }); });"
        " }).observe(box, {childList: true, subtree: true});"
        " box.querySelectorAll('.leaflet-control-measure').forEach(say); }"
        "map.whenReady(watch);"
    )


def link_topojson(m: folium.Map | Any) -> None:
    """Link the vendored scripts a map's page needs (``localize`` rewrites the URLs)."""
    m.default_js = [*m.default_js, ("topojson_client", TOPOJSON_JS), ("rbush", RBUSH_JS),
                    ("leaflet_polylinedecorator", DECORATOR_JS)]


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
            " map._atlasCountries = L.geoJSON(gj, {pane: 'atlasBasemap', interactive: false, "
            f"style: {style}, smoothFactor: 1.5}}).addTo(map);"
            # web tiles that failed before the countries came: fill them in at once
            " if (map.getContainer().getAttribute('data-tiles') === 'failed') {"
            " map._atlasCountries.setStyle({fillOpacity: 1}); } }")
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


# --- the scene's layers ------------------------------------------------------------------

def _km(value: float, lang: str) -> str:
    """A length in whole kilometres: ``1,768 km`` (``1.768 km`` in Turkish)."""
    if english(lang):
        return f"{value:,.0f} {i18n.unit('km', i18n.translator(lang))}"
    return i18n.quantity(round(value), "km", lang)


def _route_tip(layer: RouteLayer, segment: Segment, year: int | None,
               lang: str = "en") -> str:
    """The hover card of a route segment; clicking the route opens its panel."""
    tr = i18n.translator(lang)
    route, f = layer.route, layer.route.facts
    documented = (tr.gettext("{length} documented").format(length=_km(f.length_km.value, lang))
                  if f.length_km.value is not None
                  else tr.gettext("documented length: no sourced value"))
    parts = [f'<div class="atlas-tip"><b>{esc(route.name_in(lang))}</b><br>'
             f"{esc(status_line(route, segment.phase, year, lang))}"]
    since = since_line(segment.since, segment.properties, lang)
    if since:
        parts.append(f'<br><span class="muted">{esc(since)}</span>')
    if segment.dispute is not None:
        parts.append(f'<br><span class="dispute">{esc(dispute_line(segment.dispute, lang))}'
                     "</span>")
    others = [name for code, name in route.names.items()
              if code != lang and name != route.name_in(lang)][:2]
    drawn = tr.gettext("{length} as drawn").format(length=_km(layer.drawn_km, lang))
    parts += [f'<br><span class="muted">{"<br>".join(esc(n) for n in others)}</span>'
             f"<br>{esc(documented)}; {esc(drawn)}"]
    scope = segment.properties.get("documented_length_scope")
    if isinstance(scope, str) and scope:
        text = tr.gettext("Documented length: {scope}").format(scope=scope)
        parts.append(f'<br><span class="muted">{esc(text)}</span>')
    name = segment.properties.get("segment")
    if isinstance(name, str) and name and name != "full route":
        text = tr.gettext("Segment: {name}").format(name=name)
        parts.append(f'<br><span class="muted">{esc(text)}</span>')
    if segment.quality == "schematic":
        parts.append("<br><i>" + esc(tr.gettext(
            "Schematic segment: a straight line between documented waypoints; position "
            "approximate.")) + "</i>")
    if layer.flow is not None and segment.phase == "operating":
        parts.append('<div class="flow">' + "<br>".join(esc(line) for line
                                                         in flow_lines(layer.flow, lang))
                     + "</div>")
    click = tr.gettext("Click for its panel")
    parts.append(f'<div class="muted">{esc(click)}</div>'  # a line of its own
                 f"<span hidden>{ROUTE_MARK}{esc(route.id)}</span></div>")
    return "".join(parts)


def _features(segments: Sequence[Segment], props: Any) -> list[dict[str, Any]]:
    return [{"type": "Feature", "id": s.feature_id, "properties": props(s),
             "geometry": shapely.geometry.mapping(display_geometry(s.geometry))}
            for s in segments]


def _arrow_lines(layer: RouteLayer) -> list[dict[str, Any]]:
    out = []
    for seg in layer.segments:
        if seg.phase != "operating":
            continue
        size = max(styles.ARROW_MIN_SIZE_PX, seg.style.weight * 0.75)
        for part in shapely.get_parts(display_geometry(seg.geometry)):
            coords = shapely.get_coordinates(part)
            if len(coords) >= 2:
                out.append({"latlngs": [[round(y, 4), round(x, 4)] for x, y in coords],
                            "colour": seg.style.colour, "size": round(size, 1),
                            "offset": styles.ARROW_SPACING_PX / 2,
                            "repeat": styles.ARROW_SPACING_PX})
    return out


class _SwitchTag(MacroElement):
    """Marks a feature group as the layer ``id`` of the app (``off``: a stand-in for it
    while it is switched off), for the live layer control (:class:`_LayerSwitches`)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(g){ g.atlasLayer = {{ this.layer }}; g.atlasOff = {{ this.off }}; })"
        "({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, layer_id: str, off: bool) -> None:
        super().__init__()
        self._name = "AtlasSwitchTag"
        self.layer, self.off = _js(layer_id), _js(off)


def _switched(group: folium.FeatureGroup, layer_id: str, *,
              off: bool = False) -> folium.FeatureGroup:
    """``group`` tagged as the app's layer ``layer_id`` (nothing without an id)."""
    if layer_id:
        group.add_child(_SwitchTag(layer_id, off))
    return group


def route_control_label(route: Any, colour: str, lang: str = "en") -> str:
    """A route's entry in the layer control: a swatch of its colour and its name, as the
    sidebar names it."""
    return f'<span style="color:{colour}">&#9644;</span> {esc(route_label(route, lang))}'


FACILITIES_CONTROL_LABEL = f"&#9679; {esc(FACILITIES_NAME)}"


def facilities_control_label(lang: str = "en") -> str:
    """The facilities' entry in the layer control, in ``lang``."""
    return f"&#9679; {esc(facilities_name(lang))}"


def route_group(layer: RouteLayer, *, year: int | None, lang: str = "en") -> folium.FeatureGroup:
    """One route as a feature group: casing, schematic bands, lines, arrows and tooltips."""
    group = _switched(folium.FeatureGroup(
        name=route_control_label(layer.route, layer.colour, lang), show=True), layer.id)
    under = [(s, s.casing) for s in layer.segments if s.casing is not None]
    under += [(s, s.band) for s in layer.segments if s.band is not None]
    if under:
        under_looks = {f"{s.feature_id}-{i}": st.leaflet() for i, (s, st) in enumerate(under)}
        data = [{"type": "Feature", "id": f"{s.feature_id}-{i}", "properties": {},
                 "geometry": shapely.geometry.mapping(display_geometry(s.geometry))}
                for i, (s, _) in enumerate(under)]
        folium.GeoJson({"type": "FeatureCollection", "features": data},
                       style_function=lambda f: under_looks[f["id"]], interactive=False,
                       control=False).add_to(group)
    looks = {s.feature_id: s.style.leaflet() for s in layer.segments}
    folium.GeoJson(
        {"type": "FeatureCollection", "features": _features(
            layer.segments, lambda s: {"route_id": layer.id, "status_class": s.phase,
                                       "tip": _route_tip(layer, s, year, lang)})},
        name=layer.id,
        style_function=lambda f: looks[f["id"]],
        highlight_function=lambda f: {"weight": looks[f["id"]]["weight"] + 2},
        smooth_factor=1.0,
    ).add_child(_Details(popup=False)).add_to(group)
    if layer.arrows:
        group.add_child(_Arrows(_arrow_lines(layer)))
    disagree = esc(i18n.translator(lang).gettext("Sources disagree"))
    for mark in layer.disputes:
        tip = (f'<div class="atlas-tip"><b>{esc(route_label(layer.route, lang))}</b>: '
               f"{esc(status_line(layer.route, mark.status, year, lang))}<br>"
               f'<span class="dispute">{esc(dispute_line(mark.dispute, lang))}</span></div>')
        folium.Marker(
            [mark.lat, mark.lon], tooltip=folium.Tooltip(tip, sticky=False, direction="auto"),
            icon=folium.DivIcon(html='<div class="atlas-dispute" role="img" '
                                     f'aria-label="{disagree}">?</div>',
                                icon_size=(0, 0)),
        ).add_to(group)
    return group


def _facility_popup(layer_fac: Any, lang: str = "en") -> tuple[str, str]:
    """A facility's tooltip and popup: its name, category and facts in ``lang``; its
    kind and the facts' texts as the catalog writes them."""
    tr = i18n.translator(lang)
    fac = layer_fac.facility
    name = fac.name_in(lang)
    label = tr.gettext(styles.FACILITY_LABELS[fac.category])
    tip = f'<div class="atlas-tip"><b>{esc(name)}</b><br>{esc(label)}</div>'
    facts = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>"
                    for k, v in facility_facts(fac, lang))
    sources = "; ".join(esc(s.publisher) for s in fac.sources)
    location = tr.gettext("Location: {where}").format(where=location_text(fac, lang))
    said = tr.gettext("Sources: {sources}")
    popup = (f'<div class="atlas-popup"><b>{esc(name)}</b><br>{esc(fac.kind)}'
             f"<table>{facts}</table>"
             f'<span class="muted">{esc(location)}<br>'
             f"{esc(said).replace('{sources}', sources)}</span></div>")
    return tip, popup


def facilities_group(layer: FacilityLayer, lang: str = "en") -> folium.FeatureGroup:
    """Facilities as circle markers, ringed in their category's colour."""
    group = _switched(folium.FeatureGroup(name=facilities_control_label(lang), show=True),
                      layer.id)
    features = []
    colours = {}
    for mark in layer.marks:
        tip, popup = _facility_popup(mark, lang)
        colours[mark.facility.id] = mark.colour
        features.append({
            "type": "Feature", "id": mark.facility.id,
            "properties": {"facility_id": mark.facility.id, "tip": tip, "popup": popup},
            "geometry": {"type": "Point", "coordinates": [mark.lon, mark.lat]},
        })
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=layer.id,
        marker=folium.CircleMarker(radius=6, weight=2, fill=True, fill_color="#ffffff",
                                   fill_opacity=1.0),
        style_function=lambda f: {"color": colours.get(f["id"], "#000000"), "weight": 2,
                                  "fillColor": "#ffffff", "fillOpacity": 1.0, "radius": 6},
        highlight_function=lambda _f: {"weight": 4},
    ).add_child(_Details(popup=True)).add_to(group)
    return group


def _tip_text(value: object, limit: int) -> str | None:
    """A property value as tooltip text, cut to ``limit`` characters; ``None`` if empty."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        value = f"{value:.10g}"
    text = " ".join(str(value).split())
    if not text:
        return None
    return text if len(text) <= limit else text[:limit - 1] + "…"


def user_tips(layer: UserLayer) -> list[str]:
    """Per feature of a user's layer, its name and up to eight properties, escaped."""
    gdf = layer.gdf
    columns = property_columns(gdf)
    head = f'<div class="atlas-tip"><b>{esc(layer.name)}</b>'
    keys = [esc(_tip_text(c, USER_TIP_KEY_MAX) or "") for c in columns]
    values = [gdf[c].tolist() for c in columns]
    tips = []
    for i in range(len(gdf)):
        parts = [head]
        for key, column in zip(keys, values, strict=True):
            if len(parts) > USER_TIP_PROPERTIES:
                break
            text = _tip_text(column[i], USER_TIP_VALUE_MAX)
            if text is not None:
                parts.append(f'<br><span class="muted">{key}:</span> {esc(text)}')
        parts.append("</div>")
        tips.append("".join(parts))
    return tips


def user_layer_id(layer: UserLayer) -> str:
    """The id the app switches a user's layer by (from its upload's digest; "" without one)."""
    return f"own_{layer.digest}" if layer.digest else ""


def user_control_label(layer: UserLayer) -> str:
    """A user's layer in the layer control: a swatch of its colour and its name."""
    return f'<span style="color:{styles.USER_COLOUR}">&#9632;</span> {esc(layer.name)}'


def user_group(layer: UserLayerScene) -> folium.FeatureGroup:
    """
    A user's own layer: points, lines and polygons in one colour, each with a tooltip of
    the layer's name and the feature's first properties.

    The layer's frame comes from :func:`corridor_atlas.uploads.read_upload`, in EPSG:4326.
    Only the geometry and the escaped tooltips reach the page.
    """
    colour, index, gdf = styles.USER_COLOUR, layer.index, layer.layer.gdf
    frame = gpd.GeoDataFrame({"tip": user_tips(layer.layer)}, geometry=gdf.geometry.values,
                             crs=gdf.crs)
    frame["geometry"] = [display_geometry(g) if g.geom_type != "Point" else g
                         for g in frame.geometry]
    data = json.loads(frame.to_json(drop_id=True))
    for i, feature in enumerate(data["features"]):
        feature["id"] = f"user-{index}-{i}"
    group = _switched(folium.FeatureGroup(name=user_control_label(layer.layer), show=True),
                      user_layer_id(layer.layer))
    edges = [{"type": "Feature", "properties": {}, "geometry": f["geometry"]}
             for f in data["features"] if f["geometry"]["type"] not in ("Point", "MultiPoint")]
    if edges:  # the white edge under the lines and outlines that no route has
        folium.GeoJson(
            {"type": "FeatureCollection", "features": edges}, interactive=False, control=False,
            style_function=lambda _f: {"color": styles.USER_CASING, "fill": False,
                                       "weight": styles.USER_CASING_WEIGHT, "opacity": 1.0,
                                       "lineCap": "round", "lineJoin": "round"},
        ).add_to(group)

    def look(feature: dict[str, Any]) -> dict[str, Any]:
        if feature["geometry"]["type"] in ("Point", "MultiPoint"):  # discs ringed in white
            return {"color": styles.USER_CASING, "weight": styles.USER_POINT_RING,
                    "fillColor": colour, "fillOpacity": 1.0, "radius": styles.USER_POINT_RADIUS}
        return {"color": colour, "weight": styles.USER_WEIGHT, "fillColor": colour,
                "fillOpacity": styles.USER_FILL_OPACITY, "lineCap": "round",
                "lineJoin": "round"}

    folium.GeoJson(
        data,
        name=f"user-{index}",
        marker=folium.CircleMarker(radius=styles.USER_POINT_RADIUS,
                                   weight=styles.USER_POINT_RING, fill=True,
                                   fill_color=colour, fill_opacity=1.0),
        style_function=look,
        highlight_function=lambda _f: {"weight": styles.USER_WEIGHT + 2},
    ).add_child(_Details(popup=False)).add_to(group)
    return group


def label_data(scene: Scene) -> dict[str, Any]:
    """The scene's names, as the label engine takes them."""
    routes = [{"kind": "route", "text": r.text, "colour": r.colour, "parts": r.parts,
               "size": r.size, "bold": r.bold, "repeat_px": r.repeat_px,
               "priority": r.priority}
              for r in scene.route_labels]
    places = [{"kind": p.kind, "text": p.text, "lon": p.lon, "lat": p.lat, "size": p.size,
               "bold": p.bold, "colour": p.colour, "dot": p.dot, "spaced": p.spaced,
               "min_zoom": p.min_zoom, "max_zoom": p.max_zoom}
              for p in scene.place_labels]
    return {"routes": routes, "places": places}


def annotation_groups(scene: Scene, *, legend: str = "auto", folded: bool = False,
                      still: bool = False) -> list[folium.FeatureGroup]:
    """The legend and the names on the map, each in a feature group of its own.

    ``legend`` is a Leaflet corner or ``"auto"`` (see :class:`_Legend`); ``folded``
    starts it closed; ``still`` (a picture) keeps it open.
    """
    tr = i18n.translator(scene.view.lang)
    labels = folium.FeatureGroup(name=esc(tr.gettext("Names on the map")), show=True)
    labels.add_child(_Labels(label_data(scene)))
    key = folium.FeatureGroup(name="Legend", show=True, control=False)
    key.add_child(_Legend(scene.legend, [p for r in scene.route_labels for p in r.parts],
                          position=legend, folded=folded, foldable=not still,
                          title=tr.gettext("Legend")))
    return [key, labels]


def layer_groups(scene: Scene) -> list[folium.FeatureGroup]:
    """A feature group per drawn layer, in the scene's order."""
    groups = []
    lang = scene.view.lang
    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            groups.append(route_group(layer, year=scene.view.year, lang=lang))
        elif isinstance(layer, FacilityLayer):
            groups.append(facilities_group(layer, lang))
        else:
            groups.append(user_group(layer))
    return groups


def layer_control() -> folium.LayerControl:
    return folium.LayerControl(position="topright", collapsed=True)


SWITCH_STAMP = "#"
"""The name of the entry that makes each click in the live layer control a new report."""
SHOWN, HIDDEN = "shown", "hidden"


class _LayerSwitches(MacroElement):
    """The live map's layer control as a switch of the app's layers (one state with the app).

    Every group tagged with an ``atlasLayer`` (a layer the app's sidebar switches, see
    :class:`_SwitchTag`) is listed; the groups marked ``atlasOff`` stand for layers
    switched off
    and are taken off the map at once, so they are listed unticked. When the reader
    ticks or unticks one, the map reports every listed layer as ``shown`` or
    ``hidden`` through streamlit-folium's ``selected_layers`` (with a stamp that makes
    each click a new value), and the app switches its layers to match: the sidebar,
    the URL and the exports follow, and the next draw keeps the choice. The list keeps
    the sidebar's order (``order``, by id), so a layer switched off stays in its place.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(control, map){"
        " var groups = [];"
        " map.eachLayer(function(l){ if (l.atlasLayer) { groups.push(l); } });"
        " window.__atlasSwitches = groups;"
        " groups.forEach(function(g){ if (g.atlasOff) { map.removeLayer(g); } });"
        # listed in the sidebar's order, whether drawn or not (Leaflet 1.9's own list)
        " var order = {{ this.order }}, rank = function(e){ var i = order.indexOf("
        "  e.layer.atlasLayer); return i < 0 ? order.length : i; };"
        " if (order.length && control._layers && control._update) {"
        "  control._layers.sort(function(a, b){ return rank(a) - rank(b); }); control._update(); }"
        # drawn again after a click in it: open again, where the reader left it
        " if (window.__atlasSwitchOpen) { window.__atlasSwitchOpen = false; control.expand(); }"
        " if (window.__atlasSwitchWatch) { return; }"
        " window.__atlasSwitchWatch = true; var clicks = 0;"
        " document.addEventListener('change', function(e){"
        "  var box = e.target && e.target.closest && e.target.closest('.leaflet-control-layers');"
        "  var data = window.__GLOBAL_DATA__; if (!box || !data) { return; }"
        "  var report = {};"
        "  (window.__atlasSwitches || []).forEach(function(g){ var id = g.atlasLayer;"
        "   report[id] = {name: id, url: map.hasLayer(g) ? {{ this.shown }} : {{ this.hidden }}};"
        "  });"
        "  clicks += 1; report[{{ this.stamp }}] = {name: {{ this.stamp }},"
        "   url: Date.now().toString(36) + '.' + clicks};"
        # sent by streamlit-folium with the overlay change it has already seen
        "  data.selected_layers = report; window.__atlasSwitchOpen = true;"
        " });"
        "})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, order: Sequence[str] = ()) -> None:
        super().__init__()
        self._name = "AtlasLayerSwitches"
        self.stamp, self.shown, self.hidden = _js(SWITCH_STAMP), _js(SHOWN), _js(HIDDEN)
        self.order = _js(list(order))


def live_layer_control(order: Sequence[str] = ()) -> folium.LayerControl:
    """The layer control of the live map: it switches the app's layers (see
    :class:`_LayerSwitches`), listed in ``order`` (their ids)."""
    control = layer_control()
    control.add_child(_LayerSwitches(order))
    return control


def off_groups(atlas: Atlas, layer_ids: Sequence[str],
               own: Sequence[UserLayer] = (), lang: str = "en") -> list[folium.FeatureGroup]:
    """Empty groups standing for layers switched off (the atlas's, by id, and the user's
    own), so the layer control lists them unticked and can switch them on."""
    catalog = atlas.catalog
    colours = (styles.route_colours((r.id, r.kind) for r in catalog.routes)
               if catalog is not None else {})
    groups = []
    for lid in layer_ids:
        if lid == FACILITIES_ID:
            name = facilities_control_label(lang)
        elif catalog is not None and lid in colours:
            name = route_control_label(catalog.route(lid), colours[lid], lang)
        else:
            continue
        groups.append(_switched(folium.FeatureGroup(name=name, show=False), lid, off=True))
    for layer in own:
        if user_layer_id(layer):
            groups.append(_switched(folium.FeatureGroup(name=user_control_label(layer),
                                                        show=False),
                                    user_layer_id(layer), off=True))
    return groups


@dataclass
class MapParts:
    """A base map and the scene's feature groups, with assets pointed at the vendored copies."""

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: folium.LayerControl


def map_parts(atlas: Atlas, scene: Scene, *, vendor_dir: Path, basemap: Basemap = "offline",
              asset_mode: AssetMode = "static", countries_url: str | None = None,
              switched_off: Sequence[str] = (), own_off: Sequence[UserLayer] = (),
              listed: Sequence[str] = (), opening: Opening | None = None) -> MapParts:
    """The pieces a live app mounts: constant base map + the scene's swappable groups.

    ``switched_off`` are the ids of the app's layers switched off, ``own_off`` the
    user's own layers switched off: the layer control lists them unticked, with the
    layers drawn, in the order of ``listed`` (ids). ``opening`` is where the map opens
    (see :func:`base_map`).
    The names on the map are not in the layer control: the app has no state for them.
    """
    lang = scene.view.lang
    base = localize(base_map(atlas, basemap=basemap, countries_url=countries_url,
                             opening=opening, lang=lang),
                    mode=asset_mode, vendor_dir=vendor_dir)
    if asset_mode == "static":  # the scripts in one file: one round trip, not seven
        bundle_scripts(base, vendor_dir=vendor_dir)
    key, labels = annotation_groups(scene)
    labels.control = False
    groups = [localize(g, mode=asset_mode, vendor_dir=vendor_dir)
              for g in [*layer_groups(scene), key, labels,
                        *off_groups(atlas, switched_off, own_off, lang)]]
    return MapParts(base, groups, localize(live_layer_control(listed), mode=asset_mode,
                                           vendor_dir=vendor_dir))


def build_map(atlas: Atlas, scene: Scene, *, vendor_dir: Path, basemap: Basemap = "offline",
              asset_mode: AssetMode = "inline", bounds: BBox | None = None) -> folium.Map:
    """
    The whole map in one folium object (standalone HTML, tests, benchmarks).

    Parameters
    ----------
    atlas
        Loaded data (basemap, credits).
    scene
        What to draw (:func:`corridor_atlas.scene.build_scene`).
    vendor_dir
        The ``static/vendor`` folder of vendored Leaflet assets.
    basemap
        See :func:`base_map`.
    asset_mode
        ``"inline"`` embeds the assets (a file that opens offline anywhere);
        ``"static"`` links them under ``/app/static/vendor``.
    bounds
        W, S, E, N to open on; ``None`` fits the routes.
    """
    m = base_map(atlas, basemap=basemap, bounds=bounds, lang=scene.view.lang)
    for group in [*layer_groups(scene), *annotation_groups(scene)]:
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


def snapshot_map(atlas: Atlas, scene: Scene, *, vendor_dir: Path,
                 interactive: bool = False) -> folium.Map:
    """
    The scene as a self-contained, annotated map: title, as-of date, legend and credits.

    Parameters
    ----------
    atlas
        Loaded data (basemap, credits).
    scene
        What to draw, fitted to ``scene.extent``.
    vendor_dir
        The ``static/vendor`` folder.
    interactive
        Keep the zoom, fullscreen, measure and layer controls (standalone HTML);
        without them the map is a still picture (PNG/PDF), fitted exactly to the extent,
        with the legend in the corner where it hides the least of the routes.

    Notes
    -----
    When every layer and name is drawn the page sets ``window.atlasReady = true``.
    """
    m = base_map(atlas, basemap=scene.view.basemap,  # type: ignore[arg-type]
                 bounds=scene.extent, controls=interactive,
                 zoom_snap=0.25 if interactive else 0, lang=scene.view.lang)
    root = m.get_root()
    root.title = esc(scene.page_title)  # the file's <title>: PDF metadata, tabs, bookmarks
    root.header.add_child(_AnnotationCss(), name="atlas_annotation_css")
    title = _js(f'<div class="atlas-title" role="heading" aria-level="1">{esc(scene.title)}'
                f'<div class="sub">{esc(scene.subtitle)}</div></div>')
    footer = _js(f'<div class="atlas-footer">{esc(scene.credits)}<br>{esc(scene.sources)}</div>')
    _Script(
        "var corner = L.DomUtil.create('div', 'leaflet-top leaflet-center', map._controlContainer);"
        f"var t = L.DomUtil.create('div', 'leaflet-control', corner); t.innerHTML = {title};"
        "var f = L.control({position: 'bottomright'});"
        f"f.onAdd = function() {{ var d = L.DomUtil.create('div'); d.innerHTML = {footer};"
        " return d; }; f.addTo(map);"
        "map.attributionControl.remove();"
        "map.whenReady(function() { setTimeout(function() { window.atlasReady = true; }, 0); });"
    ).add_to(m)
    for group in layer_groups(scene):
        group.add_to(m)
    for group in annotation_groups(scene, still=not interactive):
        group.add_to(m)
    if interactive:
        layer_control().add_to(m)
    return localize(m, mode="inline", vendor_dir=vendor_dir)
