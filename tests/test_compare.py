"""Two years side by side: corridor_atlas.compare.compare_map, a folium DualMap."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import folium
import folium.plugins
import pytest
from folium.elements import JSCSSMixin
from folium.plugins import DualMap
from streamlit.testing.v1 import AppTest

from corridor_atlas import styles
from corridor_atlas.assets import CDN_MAP, iter_links, localize
from corridor_atlas.compare import compare_map, title_text
from corridor_atlas.errors import AtlasError
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView, default_year, opening_extent, year_range

from . import browser_support as bs
from .conftest import GEO_DIR, ROUTE_IDS, VENDOR_DIR
from .test_maps import REMOTE

SYNC_URL = "https://cdn.jsdelivr.net/gh/jieter/Leaflet.Sync/L.Map.Sync.min.js"
SYNC_LOCAL = "/app/static/vendor/leaflet.sync@0.2.4/L.Map.Sync.js"
COUNTRIES_URL = "/app/static/basemap/countries.topojson"
YEAR_A, YEAR_B = 2006, 2026
# The end of a maps._Script: the code runs on the map it was added to.
BOUND_TO = r"\}\)\((map_[0-9a-f]+)\);"


def _compare(atlas, selected: str | None = None, **kwargs) -> DualMap:
    kwargs.setdefault("vendor_dir", VENDOR_DIR)
    return compare_map(atlas, MapView(layers=ROUTE_IDS, selected=selected), YEAR_A, YEAR_B,
                       **kwargs)


def _html(dual: DualMap) -> str:
    return dual.get_root().render()


def _groups(side: folium.Map) -> list[folium.FeatureGroup]:
    return [c for c in side._children.values() if isinstance(c, folium.FeatureGroup)]


def _fingerprint(groups: list[folium.FeatureGroup]) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a list of layer groups draws: each feature with the style it gets."""
    out = []
    for group in groups:
        drawn = [(json.dumps(f, sort_keys=True), json.dumps(gj.style_function(f), sort_keys=True))
                 for gj in group._children.values() if isinstance(gj, folium.GeoJson)
                 for f in gj.data["features"]]
        out.append((group.layer_name, drawn))
    return out


def _scene_routes(atlas, year: int) -> list[str]:
    """The routes the scene of ``year`` draws."""
    return sorted(r.id for r in build_scene(atlas, MapView(layers=ROUTE_IDS, year=year)).routes)


def _route_ids(groups: list[folium.FeatureGroup]) -> list[str]:
    return sorted({json.loads(feature)["properties"]["route_id"]
                   for _, drawn in _fingerprint(groups) for feature, _ in drawn
                   if "route_id" in json.loads(feature)["properties"]})


def _sides(dual: DualMap, html: str) -> tuple[str, str]:
    """The page split where the right map starts: the left map's script, the right one's."""
    left, sep, right = html.partition(f"var {dual.m2.get_name()} = L.map(")
    assert sep and dual.m1.get_name() + ".sync(" in right
    return left, right


def dual_atlas():
    from corridor_atlas.layers import load_atlas

    return load_atlas(GEO_DIR)


@pytest.fixture(scope="module")
def dual(atlas) -> DualMap:
    return _compare(atlas)


@pytest.fixture(scope="module")
def html(dual) -> str:
    return _html(dual)


# --- The rendered page -----------------------------------------------------------------------

def test_two_synchronised_maps(dual, html):
    a, b = dual.m1.get_name(), dual.m2.get_name()
    assert html.count("L.map(") == 2
    assert f'var {a} = L.map(\n                "{a}"' in html
    assert f'var {b} = L.map(\n                "{b}"' in html
    assert f"{a}.sync({b});" in html and f"{b}.sync({a});" in html


def test_each_map_draws_the_layers_as_of_its_year(atlas, dual, html):
    left, right = _sides(dual, html)
    for side, part, year in ((dual.m1, left, YEAR_A), (dual.m2, right, YEAR_B)):
        expected = _scene_routes(atlas, year)
        assert expected and _route_ids(_groups(side)) == expected, year
        assert part.count("L.featureGroup(") == len(_groups(side))
        for rid in expected:
            assert f'"route_id": "{rid}"' in part, (year, rid)
        assert part.count("createPane('atlasBasemap')") == 1
    assert _route_ids(_groups(dual.m2)) == sorted(ROUTE_IDS)  # every route has begun by now


def test_same_extent_on_both_sides(dual, html):
    fits = re.findall(r"(map_[0-9a-f]+)\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S)
    assert sorted(name for name, _ in fits) == sorted([dual.m1.get_name(), dual.m2.get_name()])
    west, south, east, north = opening_extent(dual_atlas())
    assert [json.loads(box) for _, box in fits] == [[[south, west], [north, east]]] * 2


@pytest.mark.parametrize("mode", ["static", "inline"])
def test_no_remote_asset_links(atlas, mode):
    html = _html(_compare(atlas, asset_mode=mode, selected="tap"))
    assert not REMOTE.findall(html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    if mode == "static":
        assert f'<script src="{SYNC_LOCAL}"></script>' in html
        assert 'src="/app/static/vendor/leaflet@1.9.3/dist/leaflet.js"' in html


def test_leaflet_sync_is_linked_locally_after_leaflet(dual):
    js, css = iter_links(dual)
    assert js.index("/app/static/vendor/leaflet@1.9.3/dist/leaflet.js") < js.index(SYNC_LOCAL)
    assert all(u.startswith(("/app/static/vendor/", "data:")) for u in js + css)
    assert (VENDOR_DIR / "leaflet.sync@0.2.4" / "L.Map.Sync.js").is_file()
    assert (VENDOR_DIR / "leaflet.sync@0.2.4" / "LICENSE").is_file()


def test_each_side_is_titled_with_its_year(dual, html):
    titles = dict(re.findall(r"(As of \d{4})</div>.*?" + BOUND_TO, html, re.S))
    assert titles == {title_text(YEAR_A): dual.m1.get_name(),
                      title_text(YEAR_B): dual.m2.get_name()}
    left, right = _sides(dual, html)
    assert "As of 2006" in left and "As of 2026" in right
    assert 'class=\\"atlas-compare-title\\"' in left and 'class=\\"atlas-compare-title\\"' in right


def test_legend_on_the_right_map_only_credits_on_both(dual, html):
    left, right = _sides(dual, html)
    legend = 'class=\\"atlas-legend\\"'  # the legend control's HTML, in its script
    assert legend not in left and right.count(legend) == 1
    for part in _sides(dual, html):
        assert part.count("Global Energy Monitor") == 1
        assert part.count("attributionControl.addAttribution(") == 1


def test_basemap_embedded_or_fetched(atlas, html):
    assert html.count('{"type":"Topology"') == 2  # one embedded copy per map
    live = _html(_compare(atlas, countries_url=COUNTRIES_URL))
    assert live.count(f'fetch("{COUNTRIES_URL}")') == 2
    assert '"Topology"' not in live


def test_selected_route_is_heavier_on_both_sides(atlas, html):
    weight = f'"weight": {styles.SELECTED_WEIGHT}'
    dual = _compare(atlas, selected="btc")  # operating in both years
    for part in _sides(dual, _html(dual)):
        assert weight in part
    assert weight not in html


@pytest.mark.parametrize("bad", ["2006", 2006.0, True, None, "2006<script>"])
def test_years_must_be_whole_numbers(atlas, bad):
    with pytest.raises(AtlasError, match="year"):
        compare_map(atlas, MapView(layers=("btc",)), bad, YEAR_B, vendor_dir=VENDOR_DIR)


def test_sides_follow_their_year(atlas, catalog):
    """Each side draws its year's scene: the same segments, in the same styles."""
    first, now = year_range(catalog)[0] + 12, default_year(catalog)
    dual = compare_map(atlas, MapView(layers=ROUTE_IDS), first, now, vendor_dir=VENDOR_DIR)
    for side, year in ((dual.m1, first), (dual.m2, now)):
        scene = build_scene(atlas, MapView(layers=ROUTE_IDS, year=year))
        drawn = {(f["id"], style["color"], style.get("dashArray"))
                 for gj in (c for g in _groups(side) for c in g._children.values()
                            if isinstance(c, folium.GeoJson) and c.data["features"]
                            and "route_id" in c.data["features"][0]["properties"])
                 for f in gj.data["features"] for style in [gj.style_function(f)]}
        expected = {(s.feature_id, s.style.colour, s.style.dash)
                    for r in scene.routes for s in r.segments}
        assert drawn == expected, year
    assert _fingerprint(_groups(dual.m1)) != _fingerprint(_groups(dual.m2))


# --- localize and DualMap --------------------------------------------------------------------

def test_dual_map_links_are_all_in_cdn_map():
    js, css = iter_links(DualMap(tiles=None))
    assert SYNC_URL in js
    assert set(js + css) <= set(CDN_MAP)
    assert CDN_MAP[SYNC_URL] == "leaflet.sync@0.2.4/L.Map.Sync.js"


def test_localize_walks_both_maps_of_a_dual_map():
    dual = DualMap(tiles=None)
    full = folium.plugins.Fullscreen().add_to(dual.m2)  # on the right map only
    localize(dual, mode="static", vendor_dir=VENDOR_DIR)
    for element in (dual, dual.m1, dual.m2, full):
        for _, url in [*element.default_js, *element.default_css]:
            assert url.startswith(("/app/static/vendor/", "data:")), (element, url)
    html = _html(dual)
    assert not REMOTE.findall(html)
    assert "Control.FullScreen.js" in html


def test_iter_links_matches_streamlit_folium_walk_on_dual_map(dual):
    def walk(fig) -> Iterator:  # copied from streamlit_folium 0.27.4, minus ColorMap
        if isinstance(fig, DualMap):
            yield from walk(fig.m1)
            yield from walk(fig.m2)
        if isinstance(fig, JSCSSMixin):
            yield fig
        for child in getattr(fig, "_children", {}).values():
            yield from walk(child)

    js: list[str] = []
    css: list[str] = []
    for elem in walk(dual):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    assert iter_links(dual) == (list(dict.fromkeys(js)), list(dict.fromkeys(css)))


# --- In Streamlit ----------------------------------------------------------------------------

APP = f"""
from pathlib import Path
from streamlit_folium import st_folium
from corridor_atlas.compare import compare_map
from corridor_atlas.layers import load_atlas
from corridor_atlas.view import MapView

atlas = load_atlas(Path({str(GEO_DIR)!r}), strict=True)
st_folium(compare_map(atlas, MapView(layers={ROUTE_IDS!r}), {YEAR_A}, {YEAR_B},
                      vendor_dir=Path({str(VENDOR_DIR)!r}), countries_url={COUNTRIES_URL!r}),
          key="compare", height=600, use_container_width=True, returned_objects=[])
"""


def test_st_folium_renders_both_maps(atlas):
    at = AppTest.from_string(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    (component,) = [c for c in at.get("component_instance")
                    if c.proto.component_name == "streamlit_folium.st_folium"]
    args = json.loads(component.proto.json_args)
    script = args["script"]
    assert 'var map_div = L.map(\n                "map_div"' in script
    assert 'var map_div2 = L.map(\n                "map_div2"' in script
    assert "map_div.sync(map_div2);" in script and "map_div2.sync(map_div);" in script
    left, _, right = script.partition("var map_div2 = L.map(")
    for part, year in ((left, YEAR_A), (right, YEAR_B)):
        assert f"As of {year}" in part
        # a group per route drawn, and the names; the legend on the right only
        expected = len(_scene_routes(atlas, year)) + 1 + (year == YEAR_B)
        assert part.count("L.featureGroup(") == expected
        assert part.count(f'fetch("{COUNTRIES_URL}")') == 1
    assert "body { margin: 0; }" in args["header"]  # the maps fill the iframe, credits visible
    assert SYNC_LOCAL in args["js_links"]
    assert any(u.endswith("/topojson-client.min.js") for u in args["js_links"])
    links = args["js_links"] + args["css_links"]
    assert all(u.startswith(("/app/static/vendor/", "data:")) for u in links)


# --- In Chromium -----------------------------------------------------------------------------

MAP_STATE = """(name) => {
  const m = window[name], c = m.getCenter(), ids = new Set();
  m.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.route_id && l._path && l._path.isConnected) ids.add(p.route_id);
  });
  const title = m.getContainer().querySelector('.atlas-compare-title');
  return {lat: c.lat, lng: c.lng, zoom: m.getZoom(), routes: Array.from(ids).sort(),
          paths: m.getContainer().querySelectorAll('path.leaflet-interactive').length,
          title: title ? title.textContent : null,
          legend: !!m.getContainer().querySelector('.atlas-legend')};
}"""

# Returns nothing: Playwright would otherwise serialise the whole map that setView returns.
SET_VIEW = """([name, center, zoom]) => {
  window[name].setView(center, zoom, {animate: false});
}"""

FOLLOWS = """([name, lat, lng, zoom]) => {
  const c = window[name].getCenter();
  return window[name].getZoom() === zoom && Math.abs(c.lat - lat) < 1e-6
    && Math.abs(c.lng - lng) < 1e-6;
}"""


@pytest.mark.browser
def test_standalone_file_draws_both_maps_offline_and_in_sync(atlas, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    chromium = bs.require_chromium()
    dual = _compare(atlas, asset_mode="inline")
    a, b = dual.m1.get_name(), dual.m2.get_name()
    page_file = tmp_path / "compare.html"
    page_file.write_text(_html(dual), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=bs.LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            page.set_default_timeout(20_000)
            log = bs.watch(page, bs.local_files_only)
            page.goto(page_file.as_uri())
            # Drawn, and the opening fitBounds zoom animation over (a view set during it
            # would be undone when it ends).
            page.wait_for_function(
                "([a, b]) => [a, b].every(n => window[n] instanceof L.Map && window[n]._loaded"
                " && !window[n]._animatingZoom"
                " && window[n].getContainer().querySelector('path.leaflet-interactive'))",
                arg=[a, b])
            left, right = page.evaluate(MAP_STATE, a), page.evaluate(MAP_STATE, b)
            assert left["routes"] == _scene_routes(atlas, YEAR_A)
            assert right["routes"] == sorted(ROUTE_IDS)
            assert left["paths"] > 0 and right["paths"] > 0
            assert (left["title"], right["title"]) == ("As of 2006", "As of 2026")
            assert (left["legend"], right["legend"]) == (False, True)
            assert (left["lat"], left["lng"], left["zoom"]) == (
                right["lat"], right["lng"], right["zoom"])

            page.evaluate(SET_VIEW, [a, [41.0, 44.0], 7])
            page.wait_for_function(FOLLOWS, arg=[b, 41.0, 44.0, 7])
            page.evaluate(SET_VIEW, [b, [40.0, 30.0], 6])
            page.wait_for_function(FOLLOWS, arg=[a, 40.0, 30.0, 6])
            log.assert_clean()
            assert log.requests, "the page made no requests at all"
        finally:
            browser.close()
