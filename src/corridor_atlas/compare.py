"""Two years side by side: the corridor as of one year next to another, on linked maps.

:func:`compare_map` returns a ``folium.plugins.DualMap``: two Leaflet maps whose pan
and zoom follow each other (Leaflet.Sync, vendored in ``static/vendor``). Each side
draws the same view as a scene of its own year (:mod:`corridor_atlas.scene`), with a
title naming that year and the names on the map; the legend is on the right map,
folded, and the credits on both.

streamlit-folium renders a ``DualMap`` as two maps, ``map_div`` (left) and
``map_div2`` (right), in its iframe::

    st_folium(compare_map(atlas, view, 2006, 2026, vendor_dir=VENDOR,
                          countries_url="/app/static/basemap/countries.topojson"),
              key="compare", height=600, use_container_width=True, returned_objects=[])
"""

from __future__ import annotations

import json
import operator
from dataclasses import replace
from pathlib import Path

from branca.element import Element
from folium.plugins import DualMap
from jinja2 import Template

from . import i18n, maps
from .assets import AssetMode, localize
from .errors import AtlasError
from .layers import Atlas
from .markup import esc
from .scene import build_scene
from .view import MapView, opening_extent

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


def title_text(year: int, lang: str = "en") -> str:
    """The title of one side: ``"As of 2006"``."""
    return i18n.translator(lang).gettext("As of {year}").format(year=year)


def _year(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise AtlasError(f"{name} must be a year (a whole number), not {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise AtlasError(f"{name} must be a year (a whole number), "
                         f"not {str(value)[:20]!r}") from None


def _fit_when_sized(bbox: tuple[float, float, float, float]) -> maps._Script:
    """Fit a map to ``bbox`` once it has a size.

    A map made in a hidden frame (the app's tab before it is shown) has no size when it
    is fitted, and Leaflet then shows the whole world; fitted again when the frame gets
    its size, it shows the extent asked for.
    """
    west, south, east, north = bbox
    bounds = json.dumps([[south, west], [north, east]])
    return maps._Script(
        f"var b = {bounds};"
        "function sized(){ var s = map.getSize(); return s.x > 0 && s.y > 0; }"
        "if (sized()) { map.fitBounds(b, {animate: false}); }"
        "map.on('resize', function(e){ if (sized() && (e.oldSize.x === 0 || e.oldSize.y === 0))"
        " { map.fitBounds(b, {animate: false}); } });")


def _side_script(year: int, *, credits: str, lang: str = "en") -> maps._Script:
    """Title and credits of one map."""
    title = json.dumps('<div class="atlas-compare-title" role="heading" aria-level="2">'
                       f"{esc(title_text(year, lang))}</div>")
    code = (
        "var corner = L.DomUtil.create('div', 'leaflet-top atlas-compare-top',"
        " map._controlContainer);"
        f"var t = L.DomUtil.create('div', 'leaflet-control', corner); t.innerHTML = {title};"
        f"map.getContainer().setAttribute('data-atlas-year', {json.dumps(str(year))});"
        "map.attributionControl.setPrefix('Leaflet');"
        f"map.attributionControl.addAttribution({json.dumps(credits)});"
    )
    return maps._Script(code)


def compare_map(atlas: Atlas, view: MapView, year_a: int, year_b: int, *,
                vendor_dir: Path, asset_mode: AssetMode = "static",
                countries_url: str | None = None) -> DualMap:
    """
    The corridor as of ``year_a`` (left) next to ``year_b`` (right), pan and zoom linked.

    Parameters
    ----------
    atlas
        Loaded data.
    view
        What both sides draw (layers, selection, filters, flows, extent, language); each
        side draws it as of its own year, as a scene of its own.
    year_a, year_b
        The years of the left and right map.
    vendor_dir
        The ``static/vendor`` folder of vendored Leaflet assets (Leaflet.Sync included).
    asset_mode
        ``"static"`` links the assets under ``/app/static/vendor`` (the app);
        ``"inline"`` embeds them (a standalone file).
    countries_url
        Where the page can fetch the countries GeoJSON; ``None`` embeds them (in
        each map).

    Returns
    -------
    folium.plugins.DualMap
        ``.m1`` is the left map (``year_a``), ``.m2`` the right one (``year_b``).
    """
    years = (_year(year_a, "year_a"), _year(year_b, "year_b"))
    local = view.lang != "en"  # the controls' words and a kilometre scale, as maps.base_map
    dual = DualMap(location=maps.DEFAULT_CENTER, zoom_start=maps.DEFAULT_ZOOM, tiles=None,
                   control_scale=not local, min_zoom=4, max_zoom=15, zoom_snap=0.5,
                   max_bounds=True, min_lat=maps.MAP_BOUNDS[1], min_lon=maps.MAP_BOUNDS[0],
                   max_lat=maps.MAP_BOUNDS[3], max_lon=maps.MAP_BOUNDS[2])
    extent = view.bbox or opening_extent(atlas)
    west, south, east, north = extent
    dual.fit_bounds([[south, west], [north, east]])
    header = dual.get_root().header
    header.add_child(maps._Css(), name="atlas_css")
    header.add_child(_CompareCss(), name="atlas_compare_css")
    maps.link_topojson(dual)
    credits = esc(maps.attribution_text(atlas.catalog, view.lang))
    for side, year, legend in ((dual.m1, years[0], None), (dual.m2, years[1], "bottomright")):
        scene = build_scene(atlas, replace(view, year=year))
        side.add_child(maps._LabelEngine())
        if atlas.countries is not None:
            maps._countries_layer(atlas, tiles=False, url=countries_url).add_to(side)
        _side_script(year, credits=credits, lang=view.lang).add_to(side)
        if local:
            maps._Script("L.control.scale({imperial: false}).addTo(map);"
                         + maps._localise_controls(view.lang)).add_to(side)
        _fit_when_sized(extent).add_to(side)
        for group in maps.layer_groups(scene):
            group.add_to(side)
        key, labels = maps.annotation_groups(scene, legend=legend or "bottomright",
                                             folded=True)
        if legend:
            key.add_to(side)
        labels.add_to(side)
    return localize(dual, mode=asset_mode, vendor_dir=vendor_dir)
