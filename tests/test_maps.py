"""The live map draws the scene: its groups, styles, names and legend, and nothing else."""

from __future__ import annotations

import json
import re

import pytest

from corridor_atlas import styles
from corridor_atlas.layers import FACILITIES_ID, load_atlas
from corridor_atlas.maps import (
    ROUTE_MARK,
    annotation_groups,
    build_map,
    label_data,
    layer_groups,
    legend_html,
    map_parts,
)
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView

from .conftest import CONTEXT_IDS, ROUTE_IDS, XSS

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _html(m) -> str:
    return m.get_root().render()


def _scene(atlas, layers=None, **kwargs):
    chosen = tuple(atlas.default_layers()) if layers is None else tuple(layers)
    return build_scene(atlas, MapView(layers=chosen, **kwargs))


def _map(atlas, vendor_dir, layers=None, *, basemap="offline", **kwargs):
    return _html(build_map(atlas, _scene(atlas, layers, **kwargs), vendor_dir=vendor_dir,
                           asset_mode="static", basemap=basemap))


def test_default_map_draws_the_seven_routes(atlas, vendor_dir):
    html = _map(atlas, vendor_dir)
    # a group per route, the legend's and the names'
    assert html.count("L.featureGroup(") == len(ROUTE_IDS) + 2
    for rid in ROUTE_IDS:
        assert f'"route_id": "{rid}"' in html
    for rid in CONTEXT_IDS:
        assert f'"route_id": "{rid}"' not in html
    assert '"facility_id"' not in html


def test_groups_follow_the_scene_order(atlas):
    scene = _scene(atlas, reversed(atlas.layer_ids()), selected="btc")
    groups = layer_groups(scene)
    # each group's last GeoJson is the layer's lines (a band or casing comes before it)
    names = [[c.layer_name for c in g._children.values() if hasattr(c, "layer_name")][-1]
             for g in groups]
    assert names == list(scene.layer_ids)


def test_context_layers_and_facilities_when_asked(atlas, vendor_dir):
    html = _map(atlas, vendor_dir, ["black_sea_cable", FACILITIES_ID])
    assert html.count("L.featureGroup(") == 2 + 2
    assert '"facility_id": "sangachal"' in html
    assert '"route_id": "btc"' not in html
    cable = _scene(atlas, ["black_sea_cable"]).route("black_sea_cable")
    assert cable.colour in html


@pytest.mark.parametrize("mode", ["static", "inline"])
def test_no_remote_asset_links(atlas, vendor_dir, mode):
    scene = _scene(atlas, [*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID], year=2022, flows=True)
    html = _html(build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode=mode))
    assert not REMOTE.findall(html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    if mode == "static":
        assert 'src="/app/static/vendor/leaflet@1.9.3/dist/leaflet.js"' in html
        assert 'src="/app/static/vendor/rbush@4.0.1/rbush.min.js"' in html
        assert ('src="/app/static/vendor/leaflet-polylinedecorator@1.6.0/dist/'
                'leaflet.polylineDecorator.js"') in html


def test_basemap_embedded_or_fetched(atlas, vendor_dir):
    standalone = _map(atlas, vendor_dir)
    assert "createPane('atlasBasemap')" in standalone
    assert '{"type":"Topology"' in standalone and "topojson.feature(" in standalone
    parts = map_parts(atlas, _scene(atlas, ["btc"]), vendor_dir=vendor_dir,
                      countries_url="/app/static/basemap/countries.topojson")
    live = _html(parts.base)
    assert 'fetch("/app/static/basemap/countries.topojson")' in live
    assert '"Topology"' not in live
    assert len(live) < len(standalone) - 100_000


def test_without_topojson_the_basemap_is_embedded_as_geojson(geo_copy, vendor_dir):
    (geo_copy / "basemap" / "countries.topojson").unlink()
    atlas = load_atlas(geo_copy, strict=True)
    assert atlas.countries_topojson is None
    html = _map(atlas, vendor_dir)
    assert '{"type":"FeatureCollection"' in html and '"Topology"' not in html


def test_a_broken_topojson_is_reported_and_the_geojson_used(geo_copy):
    (geo_copy / "basemap" / "countries.topojson").write_text('{"type": "FeatureCollection"}')
    atlas = load_atlas(geo_copy)
    assert atlas.countries is not None and atlas.countries_topojson is None
    assert [str(p) for p in atlas.problems] == [
        "geo/countries.topojson: basemap TopoJSON not usable (not a TopoJSON Topology); "
        "rebuild it with scripts/build_basemap.py"]


def test_tiles_only_when_chosen(atlas, vendor_dir):
    offline = _map(atlas, vendor_dir)
    assert "tile.openstreetmap.org" not in offline and "L.tileLayer" not in offline
    online = _map(atlas, vendor_dir, basemap="osm")
    assert "tile.openstreetmap.org" in online
    # the countries stay over the tiles, unfilled
    assert '"fillOpacity": 0.0' in online and '"fillOpacity": 1.0' in offline


def test_each_segment_is_drawn_in_the_scenes_style(atlas, vendor_dir):
    scene = _scene(atlas, ["kars_nakhchivan", "btc"])
    html = _map(atlas, vendor_dir, ["kars_nakhchivan", "btc"])
    for route in scene.routes:
        for segment in route.segments:
            style = segment.style.leaflet()
            # folium writes each feature's style, keyed by its id
            assert json.dumps(style["color"]) in html
            if segment.style.dash:
                assert json.dumps(segment.style.dash) in html
    assert "position approximate" in html  # the schematic piece says so


def test_route_tooltip_names_the_route_and_hides_its_id(atlas, vendor_dir):
    html = _map(atlas, vendor_dir, ["igdir_nakhchivan"])
    # folium writes the tooltip's HTML with < and > escaped in its JSON
    assert f"\\u003cspan hidden\\u003e{ROUTE_MARK}igdir_nakhchivan\\u003c/span" in html
    assert "layer id" not in html
    assert json.dumps("İğdır–Naxçıvan qaz kəməri")[1:-1] in html  # Azerbaijani name
    assert "bindTooltip" in html


def test_selected_route_is_heavier_and_on_top(atlas, vendor_dir):
    plain = _scene(atlas, ["tap", "btk"])
    chosen = _scene(atlas, ["tap", "btk"], selected="tap")
    assert chosen.layer_ids[-1] == "tap" and plain.layer_ids[-1] != "tap"
    html = _html(build_map(atlas, chosen, vendor_dir=vendor_dir, asset_mode="static"))
    assert f'"weight": {styles.SELECTED_WEIGHT}' in html
    assert f'"weight": {styles.SELECTED_WEIGHT}' not in _html(
        build_map(atlas, plain, vendor_dir=vendor_dir, asset_mode="static"))


def test_flow_widths_and_arrows_reach_the_map(atlas, vendor_dir):
    scene = _scene(atlas, year=2022, flows=True)
    html = _html(build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode="static"))
    for route in scene.routes:
        for segment in route.segments:
            assert f'"weight": {segment.style.weight}' in html
    assert html.count("L.polylineDecorator(") == sum(r.arrows for r in scene.routes)


def test_credits_on_the_map(atlas, vendor_dir):
    html = _map(atlas, vendor_dir)
    assert "Global Energy Monitor" in html and "CC BY 4.0" in html
    assert "OpenStreetMap contributors" in html and "Natural Earth" in html


def test_map_parts_keep_the_base_constant(atlas, vendor_dir):
    a = map_parts(atlas, _scene(atlas, ["btc"]), vendor_dir=vendor_dir)
    b = map_parts(atlas, _scene(atlas, ["btc", "tap", FACILITIES_ID], selected="tap",
                                year=2022, flows=True), vendor_dir=vendor_dir)
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 - folium's random ids
    assert strip(_html(a.base)) == strip(_html(b.base))
    # one group per layer, then the legend's and the names'
    assert len(a.groups) == 1 + 2 and len(b.groups) == 3 + 2


def test_the_names_are_the_scenes(atlas):
    scene = _scene(atlas, year=2022)
    data = label_data(scene)
    assert [r["text"] for r in data["routes"]] == [r.text for r in scene.route_labels]
    assert {r["text"] for r in data["routes"]} == {
        atlas.catalog.route(rid).short_name for rid in scene.layer_ids}
    assert [p["text"] for p in data["places"]] == [p.text for p in scene.place_labels]


def test_legend_is_the_scenes_rows(atlas):
    scene = _scene(atlas, year=2022, flows=True)
    html = legend_html(scene.legend)
    for row in scene.legend:
        assert row.text in html
    assert html.index("Oil pipelines") < html.index("Gas pipelines") < html.index("Railways")
    key, names = annotation_groups(scene)
    assert key.control is False and names.control is True


def test_text_from_data_is_escaped(geo_copy, edit_json, vendor_dir):
    def poison(cat):
        route = cat["routes"][0]
        for key in ("name", "short_name", "name_tr", "name_az", "start_label", "end_label"):
            route[key] = XSS
        cat["facilities"]["items"][0]["name"] = XSS
        cat["facilities"]["items"][0]["label"] = XSS
        cat["facilities"]["items"][0]["facts"]["operator"] = "`${alert(2)}`"

    edit_json(geo_copy / "catalog.json", poison)
    atlas = load_atlas(geo_copy, strict=True)
    html = _map(atlas, vendor_dir, ["btc", FACILITIES_ID])
    assert XSS not in html
    assert "lt;img src=x onerror=alert(1)" in html  # tooltips and legend: escaped HTML
    # names on the map are data for textContent, with < and > escaped in the script
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "$(`" not in html  # no jQuery template-literal popups that would run `${...}`


def test_user_layer_is_drawn_escaped_in_its_own_colour(atlas, vendor_dir):
    from corridor_atlas.uploads import read_upload

    from .conftest import ROOT

    path = ROOT / "tests" / "data" / "good" / "xss.geojson"
    layer = read_upload(path.read_bytes(), "<b>mine</b>.geojson")
    scene = build_scene(atlas, MapView(layers=()), [layer])
    html = _html(build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode="static"))
    assert styles.USER_COLOUR in html and '"id": "user-0-0"' in html
    assert XSS not in html and "<b>mine</b>" not in html
    # the tooltip is the only property that reaches the page; the file's values are text in it
    assert '"id": "user-0-0", "properties": {"tip": ' in html
    assert "javascript:alert(1)" in html


def _own(features: list[dict], name: str = "own.geojson"):
    from corridor_atlas.uploads import read_upload

    return read_upload(json.dumps({"type": "FeatureCollection", "features": features}).encode(),
                       name)


def _point(**props: object) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [44.8, 41.7]}}


def test_user_tips_show_the_name_and_every_text_field_escaped():
    from corridor_atlas.maps import user_tips
    from corridor_atlas.uploads import read_upload

    from .conftest import ROOT

    path = ROOT / "tests" / "data" / "good" / "xss.geojson"
    (tip,) = user_tips(read_upload(path.read_bytes(), "<i onclick=x>.geojson"))
    for raw in (XSS, "<script>", "<svg", '"><svg', "<i onclick"):
        assert raw not in tip
    assert tip.count("&lt;img src=x onerror=alert(1)&gt;") >= 2  # key and value
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in tip
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in tip
    assert "&amp;lt;b&amp;gt;" in tip  # already-escaped text is shown as written
    assert tip.startswith('<div class="atlas-tip"><b>&lt;i onclick=x&gt;</b>')  # the layer


def test_user_tip_holds_at_most_eight_properties_each_cut():
    from corridor_atlas.maps import user_tips

    props: dict[str, object] = {f"key{i}": f"value {i}" for i in range(12)}
    props.update(key0="y" * 500, long="x" * 5000, empty="  ", nothing=None, ratio=1 / 3)
    (tip,) = user_tips(_own([_point(**props)]))
    assert tip.count('<span class="muted">') == 8
    assert "y" * 119 + "…" in tip and "y" * 121 not in tip
    assert "value 7" in tip and "value 8" not in tip
    assert "x" * 100 not in tip and "empty" not in tip and "nothing" not in tip
    assert len(tip) < 2000
    (short,) = user_tips(_own([_point(ratio=1 / 3, count=7, gone=float("nan"))]))
    assert "ratio:</span> 0.3333333333<" in short and "count:</span> 7<" in short
    assert "gone" not in short


def test_a_tip_property_of_the_file_is_only_text_in_the_tooltip(atlas, vendor_dir):
    from corridor_atlas.maps import user_tips

    layer = _own([_point(tip="<b>mine</b>", _tip="<i>too</i>")])
    (tip,) = user_tips(layer)
    assert "&lt;b&gt;mine&lt;/b&gt;" in tip and "&lt;i&gt;too&lt;/i&gt;" in tip
    scene = build_scene(atlas, MapView(layers=()), [layer])
    html = _html(build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode="static"))
    assert "<b>mine</b>" not in html and "<i>too</i>" not in html
