"""Two years side by side: the corridor as of one year next to another, on linked maps.

:func:`compare_map` returns a ``folium.plugins.DualMap``: two Leaflet maps whose pan
and zoom follow each other (Leaflet.Sync, vendored in ``static/vendor``). Each side
has the same basemap, layers and extent, drawn as of its own year, and a title
naming that year; the legend is on the right map, the credits on both.

streamlit-folium renders a ``DualMap`` as two maps, ``map_div`` (left) and
``map_div2`` (right), in its iframe::

    st_folium(compare_map(atlas, layers, 2006, 2026, vendor_dir=VENDOR,
                          countries_url="/app/static/basemap/countries.topojson"),
              key="compare", height=600, use_container_width=True, returned_objects=[])
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from pathlib import Path

import folium
from branca.element import Element
from folium.plugins import DualMap
from jinja2 import Template

from . import maps
from .assets import AssetMode, localize
from .errors import AtlasError
from .layers import Atlas
from .markup import esc
from .view import BBox

__all__ = ["compare_map", "title_text"]

# body: streamlit-folium's iframe is exactly as tall as the maps; its default 8px
# margin would push the maps' bottom edge (and the credits) out of sight.
_CSS = """
<style>
body { margin: 0; }
.leaflet-top.atlas-compare-top { left: 50%; transform: translateX(-50%); width: max-content; }
.leaflet-top.atlas-compare-top .leaflet-control { margin-left: 0; }
.atlas-compare-title { background: rgba(255,255,255,.94); padding: 3px 10px; border-radius: 4px;
  font: 600 14px/1.3 system-ui, sans-serif; color: #111; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
</style>
"""


class _CompareCss(Element):
    """CSS of the year titles, in the page header."""

    _template = Template(_CSS)


def title_text(year: int) -> str:
    """The title of one side: ``"As of 2006"``."""
    return f"As of {year}"


def _year(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise AtlasError(f"{name} must be a year (a whole number), not {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise AtlasError(f"{name} must be a year (a whole number), "
                         f"not {str(value)[:20]!r}") from None


def _groups(atlas: Atlas, layers: list[str], *, selected: str | None,
            year: int) -> list[folium.FeatureGroup]:
    return maps.layer_groups(atlas, layers, selected=selected, year=year)


def _side_script(year: int, *, legend: bool, credits: str) -> maps._Script:
    """Title, credits and (on one side) the legend of one map."""
    title = json.dumps('<div class="atlas-compare-title" role="heading" aria-level="2">'
                       f"{esc(title_text(year))}</div>")
    code = (
        "var corner = L.DomUtil.create('div', 'leaflet-top atlas-compare-top',"
        " map._controlContainer);"
        f"var t = L.DomUtil.create('div', 'leaflet-control', corner); t.innerHTML = {title};"
        f"map.getContainer().setAttribute('data-atlas-year', {json.dumps(str(year))});"
        "map.attributionControl.setPrefix('Leaflet');"
        f"map.attributionControl.addAttribution({json.dumps(credits)});"
    )
    if legend:
        # Closed at first: it would cover much of a half-width map.
        html = maps.legend_html().replace("<details open>", "<details>", 1)
        code += (
            "var c = L.control({position: 'bottomright'});"
            f"c.onAdd = function() {{ var d = L.DomUtil.create('div');"
            f" d.innerHTML = {json.dumps(html)};"
            " L.DomEvent.disableClickPropagation(d); return d; }; c.addTo(map);"
        )
    return maps._Script(code)


def compare_map(atlas: Atlas, layers: Iterable[str], year_a: int, year_b: int, *,
                vendor_dir: Path, selected: str | None = None,
                asset_mode: AssetMode = "static", countries_url: str | None = None,
                bounds: BBox | None = None) -> DualMap:
    """
    The corridor as of ``year_a`` (left) next to ``year_b`` (right), pan and zoom linked.

    Parameters
    ----------
    atlas
        Loaded data.
    layers
        Layer ids to draw on both sides (see :func:`corridor_atlas.maps.layer_ids`).
    year_a, year_b
        The years of the left and right map.
    vendor_dir
        The ``static/vendor`` folder of vendored Leaflet assets (Leaflet.Sync included).
    selected
        A route id to highlight on both sides.
    asset_mode
        ``"static"`` links the assets under ``/app/static/vendor`` (the app);
        ``"inline"`` embeds them (a standalone file).
    countries_url
        Where the page can fetch the countries GeoJSON; ``None`` embeds them (in
        each map).
    bounds
        W, S, E, N both maps open on; ``None`` shows the whole corridor.

    Returns
    -------
    folium.plugins.DualMap
        ``.m1`` is the left map (``year_a``), ``.m2`` the right one (``year_b``).
    """
    years = (_year(year_a, "year_a"), _year(year_b, "year_b"))
    wanted = list(dict.fromkeys(layers))
    dual = DualMap(location=maps.DEFAULT_CENTER, zoom_start=maps.DEFAULT_ZOOM, tiles=None,
                   control_scale=True, min_zoom=4, max_zoom=15, zoom_snap=0.5,
                   max_bounds=True, min_lat=maps.MAP_BOUNDS[1], min_lon=maps.MAP_BOUNDS[0],
                   max_lat=maps.MAP_BOUNDS[3], max_lon=maps.MAP_BOUNDS[2])
    west, south, east, north = bounds or maps.CORRIDOR_BOUNDS
    dual.fit_bounds([[south, west], [north, east]])
    header = dual.get_root().header
    header.add_child(maps._Css(), name="atlas_css")
    header.add_child(_CompareCss(), name="atlas_compare_css")
    maps.link_topojson(dual)
    credits = esc(maps.attribution_text(atlas.catalog))
    for side, year, legend in ((dual.m1, years[0], False), (dual.m2, years[1], True)):
        if atlas.countries is not None:
            maps._countries_layer(atlas, tiles=False, url=countries_url).add_to(side)
        for group in _groups(atlas, wanted, selected=selected, year=year):
            group.add_to(side)
        _side_script(year, legend=legend, credits=credits).add_to(side)
    return localize(dual, mode=asset_mode, vendor_dir=vendor_dir)
