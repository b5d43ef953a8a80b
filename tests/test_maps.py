from __future__ import annotations

import json
import re

import pytest

from corridor_atlas import styles
from corridor_atlas.layers import load_atlas
from corridor_atlas.maps import (
    FACILITIES_ID,
    build_map,
    default_layers,
    layer_ids,
    legend_html,
    map_parts,
    user_layer,
)

from .conftest import CONTEXT_IDS, ROUTE_IDS, XSS

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _html(m) -> str:
    return m.get_root().render()


def test_default_map_draws_the_seven_routes(atlas, vendor_dir):
    html = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static"))
    assert html.count("L.featureGroup(") == len(ROUTE_IDS)
    for rid in ROUTE_IDS:
        assert f'"route_id": "{rid}"' in html
    for rid in CONTEXT_IDS:
        assert f'"route_id": "{rid}"' not in html
    assert '"facility_id"' not in html


def test_default_and_toggleable_layers(atlas):
    assert default_layers(atlas) == list(ROUTE_IDS)
    assert layer_ids(atlas)[:2] == list(CONTEXT_IDS)  # context drawn underneath
    assert layer_ids(atlas)[-1] == FACILITIES_ID


def test_context_layers_and_facilities_when_asked(atlas, vendor_dir):
    html = _html(build_map(atlas, ["black_sea_cable", FACILITIES_ID], vendor_dir=vendor_dir,
                           asset_mode="static"))
    assert html.count("L.featureGroup(") == 2
    assert '"facility_id": "sangachal"' in html
    assert '"route_id": "btc"' not in html
    assert styles.KIND_COLOURS["power"] in html


@pytest.mark.parametrize("mode", ["static", "inline"])
def test_no_remote_asset_links(atlas, vendor_dir, mode):
    html = _html(build_map(atlas, [*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID],
                           vendor_dir=vendor_dir, asset_mode=mode))
    assert not REMOTE.findall(html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    if mode == "static":
        assert 'src="/app/static/vendor/leaflet@1.9.3/dist/leaflet.js"' in html


def test_basemap_embedded_or_fetched(atlas, vendor_dir):
    standalone = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static"))
    assert "createPane('atlasBasemap')" in standalone
    assert '{"type":"Topology"' in standalone and "topojson.feature(" in standalone
    parts = map_parts(atlas, ["btc"], vendor_dir=vendor_dir,
                      countries_url="/app/static/basemap/countries.topojson")
    live = _html(parts.base)
    assert 'fetch("/app/static/basemap/countries.topojson")' in live
    assert '"Topology"' not in live
    assert len(live) < len(standalone) - 100_000


def test_without_topojson_the_basemap_is_embedded_as_geojson(geo_copy, vendor_dir):
    from corridor_atlas.layers import load_atlas

    (geo_copy / "basemap" / "countries.topojson").unlink()
    atlas = load_atlas(geo_copy, strict=True)
    assert atlas.countries_topojson is None
    html = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static"))
    assert '{"type":"FeatureCollection"' in html and '"Topology"' not in html


def test_a_broken_topojson_is_reported_and_the_geojson_used(geo_copy, vendor_dir):
    from corridor_atlas.layers import load_atlas

    (geo_copy / "basemap" / "countries.topojson").write_text('{"type": "FeatureCollection"}')
    atlas = load_atlas(geo_copy)
    assert atlas.countries is not None and atlas.countries_topojson is None
    assert [str(p) for p in atlas.problems] == [
        "geo/countries.topojson: basemap TopoJSON not usable (not a TopoJSON Topology); "
        "rebuild it with scripts/build_basemap.py"]


def test_tiles_only_when_chosen(atlas, vendor_dir):
    offline = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static"))
    assert "tile.openstreetmap.org" not in offline and "L.tileLayer" not in offline
    online = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static", basemap="osm"))
    assert "tile.openstreetmap.org" in online
    assert '"Countries"' not in online or "fillOpacity" in online


def test_style_table_reaches_the_map(atlas, vendor_dir):
    html = _html(build_map(atlas, ["kars_nakhchivan", "btc"], vendor_dir=vendor_dir,
                           asset_mode="static"))
    assert styles.KIND_COLOURS["rail"] in html and styles.KIND_COLOURS["oil"] in html
    assert styles.STATUS_DASH["construction"] in html  # Kars–Nakhchivan under construction
    assert styles.STATUS_DASH["planned"] in html  # its Dilucu–Sədərək link
    assert "position approximate" in html  # schematic tooltip
    for colour in styles.KIND_COLOURS.values():
        assert colour in legend_html()


def test_route_tooltip_names_the_route_and_its_id(atlas, vendor_dir):
    html = _html(build_map(atlas, ["igdir_nakhchivan"], vendor_dir=vendor_dir,
                           asset_mode="static"))
    assert "layer id: igdir_nakhchivan" in html
    assert json.dumps("İğdır–Naxçıvan qaz kəməri")[1:-1] in html  # Azerbaijani name
    assert "bindTooltip" in html and "bindPopup" not in html.split("facility")[0]


def test_selected_route_is_heavier(atlas, vendor_dir):
    plain = _html(build_map(atlas, ["tap"], vendor_dir=vendor_dir, asset_mode="static"))
    chosen = _html(build_map(atlas, ["tap"], vendor_dir=vendor_dir, asset_mode="static",
                             selected="tap"))
    assert f'"weight": {styles.SELECTED_WEIGHT}' in chosen
    assert f'"weight": {styles.SELECTED_WEIGHT}' not in plain


def test_credits_on_the_map(atlas, vendor_dir):
    html = _html(build_map(atlas, vendor_dir=vendor_dir, asset_mode="static"))
    assert "Global Energy Monitor" in html and "CC BY 4.0" in html
    assert "OpenStreetMap contributors" in html and "Natural Earth" in html


def test_map_parts_keep_the_base_constant(atlas, vendor_dir):
    a = map_parts(atlas, ["btc"], vendor_dir=vendor_dir)
    b = map_parts(atlas, ["btc", "tap", FACILITIES_ID], vendor_dir=vendor_dir, selected="tap")
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 - folium's random ids
    assert strip(_html(a.base)) == strip(_html(b.base))
    assert len(a.groups) == 1 and len(b.groups) == 3


def test_text_from_data_is_escaped(geo_copy, edit_json, vendor_dir):
    def poison(cat):
        route = cat["routes"][0]
        for key in ("name", "short_name", "name_tr", "name_az"):
            route[key] = XSS
        cat["facilities"]["items"][0]["name"] = XSS
        cat["facilities"]["items"][0]["facts"]["operator"] = "`${alert(2)}`"

    edit_json(geo_copy / "catalog.json", poison)
    atlas = load_atlas(geo_copy, strict=True)
    html = _html(build_map(atlas, ["btc", FACILITIES_ID], vendor_dir=vendor_dir,
                           asset_mode="static"))
    assert XSS not in html and "\\u003cimg src=x" not in html
    assert "lt;img src=x onerror=alert(1)" in html  # escaped once, then JSON-encoded
    assert "$(`" not in html  # no jQuery template-literal popups that would run `${...}`


def test_user_layer_is_drawn_escaped_in_its_own_colour(vendor_dir):
    from corridor_atlas.uploads import read_upload

    from .conftest import ROOT

    path = ROOT / "tests" / "data" / "good" / "xss.geojson"
    layer = read_upload(path.read_bytes(), "<b>mine</b>.geojson")
    group = user_layer(layer.name, layer.gdf, index=0)
    m = build_map(load_atlas_cached(), [], vendor_dir=vendor_dir, asset_mode="static")
    group.add_to(m)
    html = _html(m)
    assert styles.USER_COLOUR in html and '"id": "user-0-0"' in html
    assert XSS not in html and "\\u003cimg src=x" not in html
    assert "<b>mine</b>" not in html


def load_atlas_cached():
    from .conftest import GEO_DIR

    return load_atlas(GEO_DIR)
