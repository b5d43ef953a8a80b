"""Tests for corridor_atlas.assets: folium's assets come from static/vendor, never a CDN."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import folium
import folium.plugins
import pytest
from folium.elements import JSCSSMixin

from corridor_atlas.assets import (
    CDN_MAP,
    MAP_BUNDLE,
    MAP_BUNDLE_PARTS,
    bundle_scripts,
    iter_links,
    localize,
    map_bundle_text,
)
from corridor_atlas.errors import AssetError
from corridor_atlas.maps import DECORATOR_JS, RBUSH_JS, TOPOJSON_JS

VENDOR = Path(__file__).parents[1] / "static" / "vendor"
STATIC_URL = "/app/static/vendor"

LINK_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "BTC"},
            "geometry": {"type": "LineString", "coordinates": [[49.8, 40.4], [41.0, 41.6]]},
        }
    ],
}


def make_map() -> folium.Map:
    """A map with every element type the app uses."""
    m = folium.Map(location=[41.0, 45.0], zoom_start=5, tiles=None)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    group = folium.FeatureGroup(name="Pipelines").add_to(m)
    folium.GeoJson(GEOJSON, name="BTC").add_to(group)
    folium.CircleMarker([40.4, 49.8], radius=5).add_to(group)
    folium.LayerControl().add_to(m)
    return m


def class_links() -> dict[type, tuple[list, list]]:
    """Copies of the class-level link lists of every folium asset class."""
    classes = [folium.Map, folium.plugins.Fullscreen, folium.plugins.MeasureControl, JSCSSMixin]
    return {c: (list(c.default_js), list(c.default_css)) for c in classes}


def links_in(html: str) -> list[str]:
    return LINK_ATTR.findall(html)


def decode_data_uri(uri: str) -> tuple[str, bytes]:
    head, _, payload = uri.partition(",")
    assert head.startswith("data:"), head
    assert head.endswith(";base64"), head
    return head[len("data:") : -len(";base64")], base64.b64decode(payload)


def test_cdn_map_covers_every_url_folium_emits() -> None:
    js, css = iter_links(make_map())
    dual_js, dual_css = iter_links(folium.plugins.DualMap(tiles=None))  # Leaflet.Sync
    # linked by corridor_atlas.maps.base_map: the basemap, the names, the flow arrows
    ours = [TOPOJSON_JS, RBUSH_JS, DECORATOR_JS]
    assert set(js + css + dual_js + dual_css + ours) == set(CDN_MAP)


def test_static_mode_has_no_remote_links_and_every_link_exists() -> None:
    m = localize(make_map(), mode="static", vendor_dir=VENDOR)
    html = m.get_root().render()
    links = links_in(html)
    assert links, "expected script/link tags in the rendered map"
    remote = [u for u in links if re.match(r"(?i)(https?:)?//", u)]
    assert remote == []
    local = [u for u in links if u.startswith(STATIC_URL + "/")]
    assert len(local) == 6
    others = [u for u in links if u not in local]
    assert len(others) == 1  # the default marker icon path script
    assert others[0].startswith("data:text/javascript;base64,")
    for url in local:
        assert (VENDOR / url[len(STATIC_URL) + 1 :]).is_file(), url
    assert '<script src="/app/static/vendor/leaflet@1.9.3/dist/leaflet.js"></script>' in html
    for dropped in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "glyphicons"):
        assert dropped not in html


def test_static_url_is_configurable() -> None:
    m = localize(make_map(), mode="static", vendor_dir=VENDOR, static_url="/base/static/vendor/")
    js, css = iter_links(m)
    assert all(u.startswith(("/base/static/vendor/", "data:")) for u in js + css)
    assert len([u for u in js + css if u.startswith("/base/")]) == 6
    assert "/base/static/vendor/leaflet@1.9.3/dist/leaflet.css" in css


def test_inline_mode_embeds_data_uris() -> None:
    m = localize(make_map(), mode="inline", vendor_dir=VENDOR)
    html = m.get_root().render()
    assert "data:text/javascript;base64" in html
    assert "data:text/css;base64" in html
    assert 'src="http' not in html
    assert 'href="http' not in html
    assert all(u.startswith("data:") for u in links_in(html))

    js, _ = iter_links(m)
    leaflet = (VENDOR / "leaflet@1.9.3/dist/leaflet.js").read_bytes()
    assert decode_data_uri(js[0]) == ("text/javascript", leaflet)


def test_inline_css_urls_are_data_uris() -> None:
    _, css = iter_links(localize(make_map(), mode="inline", vendor_dir=VENDOR))
    assert len(css) == 3
    mimes: set[str] = set()
    for uri in css:
        mime, body = decode_data_uri(uri)
        assert mime == "text/css"
        refs = [ref for _, ref in CSS_URL.findall(body.decode())]
        for ref in refs:
            if ref.startswith("#"):  # Leaflet's VML behaviour, not a file
                continue
            assert ref.startswith("data:"), ref
            mime, data = decode_data_uri(ref)
            mimes.add(mime)
            assert data, ref
    assert mimes == {"image/png", "image/svg+xml"}
    # layers.png, inlined from Leaflet's CSS, decodes to the vendored bytes.
    layers = (VENDOR / "leaflet@1.9.3/dist/images/layers.png").read_bytes()
    leaflet_css = decode_data_uri(css[0])[1].decode()
    assert base64.b64encode(layers).decode() in leaflet_css


def test_inline_mode_gives_default_marker_inline_icons() -> None:
    js, _ = iter_links(localize(make_map(), mode="inline", vendor_dir=VENDOR))
    scripts = [decode_data_uri(u)[1].decode("utf-8", "replace") for u in js]
    icon = [s for s in scripts if "L.Icon.Default.imagePath" in s]
    assert len(icon) == 1
    assert icon[0].count('"data:image/png;base64,') == 3
    assert scripts.index(icon[0]) == 1  # right after leaflet.js


def test_static_mode_sets_default_marker_image_path() -> None:
    js, _ = iter_links(localize(make_map(), mode="static", vendor_dir=VENDOR))
    mime, code = decode_data_uri(js[1])
    assert mime == "text/javascript"
    assert code.decode() == (
        'L.Icon.Default.imagePath = "/app/static/vendor/leaflet@1.9.3/dist/images/";\n'
    )
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (VENDOR / "leaflet@1.9.3/dist/images" / name).is_file()


def test_unknown_cdn_url_raises_naming_the_url() -> None:
    url = "https://cdn.example.org/leaflet-plugin@1.0.0/plugin.min.js"
    m = make_map()
    element = folium.plugins.Fullscreen().add_to(m)
    element.default_js = [("plugin", url)]
    with pytest.raises(AssetError, match=re.escape(url)) as info:
        localize(m, mode="static", vendor_dir=VENDOR)
    assert "CDN_MAP" in str(info.value)
    assert "make vendor" in str(info.value)


def test_missing_vendored_file_raises(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"leaflet@1\.9\.3/dist/leaflet\.js") as info:
        localize(make_map(), mode="static", vendor_dir=tmp_path)
    assert "make vendor" in str(info.value)


def test_class_level_lists_are_not_mutated() -> None:
    before = class_links()
    m = localize(make_map(), mode="static", vendor_dir=VENDOR)
    localize(make_map(), mode="inline", vendor_dir=VENDOR)
    m.get_root().render()
    assert class_links() == before
    assert folium.Map.default_js[0][1] == (
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    )
    # A fresh, unlocalized map still links the CDN: nothing leaked between maps.
    js, _ = iter_links(make_map())
    assert js[0].startswith("https://")


def test_iter_links_on_localized_map_yields_only_local_links() -> None:
    m = localize(make_map(), mode="static", vendor_dir=VENDOR)
    js, css = iter_links(m)
    assert js[1].startswith("data:text/javascript;base64,")  # default icon path
    del js[1]
    assert js == [
        "/app/static/vendor/leaflet@1.9.3/dist/leaflet.js",
        "/app/static/vendor/leaflet.fullscreen@3.0.0/Control.FullScreen.js",
        "/app/static/vendor/leaflet-measure@2.1.7/dist/leaflet-measure.min.js",
    ]
    assert css == [
        "/app/static/vendor/leaflet@1.9.3/dist/leaflet.css",
        "/app/static/vendor/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
        "/app/static/vendor/leaflet-measure@2.1.7/dist/leaflet-measure.css",
    ]


def test_iter_links_matches_streamlit_folium_walk() -> None:
    """Same links, same order, as the walk inside ``streamlit_folium.st_folium``."""
    m = localize(make_map(), mode="static", vendor_dir=VENDOR)

    def walk(fig):  # copied from streamlit_folium 0.27.4, minus DualMap/ColorMap
        if isinstance(fig, JSCSSMixin):
            yield fig
        for child in getattr(fig, "_children", {}).values():
            yield from walk(child)

    js: list[str] = []
    css: list[str] = []
    for elem in walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    assert iter_links(m) == (list(dict.fromkeys(js)), list(dict.fromkeys(css)))


def test_localize_is_idempotent_and_returns_element() -> None:
    m = make_map()
    assert localize(m, mode="static", vendor_dir=VENDOR) is m
    once = iter_links(m)
    assert localize(m, mode="static", vendor_dir=VENDOR) is m
    assert iter_links(m) == once

    inline = localize(make_map(), mode="inline", vendor_dir=VENDOR)
    inline_once = iter_links(inline)
    localize(inline, mode="inline", vendor_dir=VENDOR)
    assert iter_links(inline) == inline_once
    # static links already in place are turned into data URIs on request
    localize(m, mode="inline", vendor_dir=VENDOR)
    assert iter_links(m) == inline_once


def test_map_rendered_before_localize_loses_its_cdn_links() -> None:
    m = make_map()
    assert "https://" in m.get_root().render()
    localize(m, mode="static", vendor_dir=VENDOR)
    html = m.get_root().render()
    assert [u for u in links_in(html) if "//" in u] == []


def test_colormap_d3_links_are_reported() -> None:
    """streamlit-folium adds d3 from a CDN for every ColorMap: iter_links shows it."""
    import branca.colormap

    m = localize(make_map(), mode="static", vendor_dir=VENDOR)
    branca.colormap.LinearColormap(["red", "blue"]).add_to(m)
    js, _ = iter_links(m)
    assert js[:2] == [
        "https://d3js.org/d3.v4.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
    ]


def test_bad_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="mode"):
        localize(make_map(), mode="cdn", vendor_dir=VENDOR)  # type: ignore[arg-type]


def test_vendored_css_refers_only_to_vendored_files() -> None:
    for css in VENDOR.rglob("*.css"):
        for _, ref in CSS_URL.findall(css.read_text()):
            if ref.startswith(("#", "data:")):
                continue
            assert (css.parent / ref).is_file(), f"{css}: {ref}"


def test_every_vendored_package_has_its_licence() -> None:
    packages = {rel.split("/", 1)[0] for rel in CDN_MAP.values() if rel}
    assert packages == {"leaflet@1.9.3", "leaflet.fullscreen@3.0.0", "leaflet-measure@2.1.7",
                        "leaflet.sync@0.2.4", "topojson-client@3.1.0", "rbush@4.0.1",
                        "leaflet-polylinedecorator@1.6.0"}
    for package in packages:
        assert (VENDOR / package / "LICENSE").is_file()
    assert (VENDOR / "README.md").is_file()


def test_the_map_bundle_is_the_vendored_parts_in_order() -> None:
    """static/vendor/atlas-map.js is what `make vendor` makes from the files beside it."""
    bundle = VENDOR / MAP_BUNDLE
    assert bundle.is_file(), "run `make vendor` to make the bundle"
    text = bundle.read_bytes().decode("utf-8")
    assert text == map_bundle_text(VENDOR)
    starts = [text.index(f"/* {rel} */") for rel in MAP_BUNDLE_PARTS]
    assert starts == sorted(starts) and MAP_BUNDLE_PARTS[0].endswith("/leaflet.js")
    assert "sourceMappingURL" not in text  # no link to a file that is not vendored


def test_the_live_map_loads_its_scripts_from_one_file(atlas) -> None:
    """streamlit-folium loads scripts one after another: one file, one round trip."""
    from corridor_atlas.maps import map_parts
    from corridor_atlas.scene import build_scene
    from corridor_atlas.view import default_view

    parts = map_parts(atlas, build_scene(atlas, default_view(atlas)), vendor_dir=VENDOR,
                      countries_url="/app/static/basemap/countries.topojson")
    js, _css = iter_links(parts.base)
    assert js[0] == f"{STATIC_URL}/{MAP_BUNDLE}"
    assert all(link.startswith("data:") for link in js[1:]), js  # the marker icons' path
    # and every script the map would link one by one is in the bundle
    separate = localize(folium.Map(tiles=None), mode="static", vendor_dir=VENDOR)
    separate.default_js = [*separate.default_js, ("t", TOPOJSON_JS), ("r", RBUSH_JS),
                           ("d", DECORATOR_JS)]
    folium.plugins.Fullscreen().add_to(separate)
    folium.plugins.MeasureControl().add_to(separate)
    wanted, _ = iter_links(localize(separate, mode="static", vendor_dir=VENDOR))
    files = {link.removeprefix(STATIC_URL + "/") for link in wanted if not
             link.startswith("data:")}
    assert files == set(MAP_BUNDLE_PARTS)


def test_a_missing_bundle_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="make vendor"):
        bundle_scripts(folium.Map(tiles=None), vendor_dir=tmp_path)
