"""Serve folium's Leaflet assets from the project instead of a CDN.

folium links every map to JavaScript and CSS on public CDNs through the
``default_js`` / ``default_css`` lists of its elements. :func:`localize` rewrites
those lists, per element instance, to the files vendored in ``static/vendor/``
(see ``scripts/vendor_assets.sh``), either as URLs of Streamlit's static file
server or as inline ``data:`` URIs.
"""

from __future__ import annotations

import base64
import functools
import json
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, TypeVar

from branca.element import CssLink, Element, Figure, JavascriptLink
from folium.plugins import DualMap

from corridor_atlas.errors import AssetError, AtlasError

__all__ = ["CDN_MAP", "MAP_BUNDLE", "MAP_BUNDLE_PARTS", "VENDOR_PREFIX", "AssetMode",
           "bundle_scripts", "iter_links", "localize", "map_bundle_text", "write_map_bundle"]

VENDOR_PREFIX = "vendor"
"""Folder under ``static/`` that holds the vendored assets."""

AssetMode = Literal["static", "inline"]

CDN_MAP: dict[str, str | None] = {
    # Leaflet core (folium.Map).
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": (
        "leaflet@1.9.3/dist/leaflet.css"
    ),
    # folium.plugins.Fullscreen. The package ships no .min.js; the CDN minifies on the fly.
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen@3.0.0/Control.FullScreen.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen@3.0.0/Control.FullScreen.css"
    ),
    # folium.plugins.MeasureControl. The package ships no .min.css.
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": (
        "leaflet-measure@2.1.7/dist/leaflet-measure.min.js"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": (
        "leaflet-measure@2.1.7/dist/leaflet-measure.css"
    ),
    # folium.plugins.DualMap: Leaflet.Sync, unversioned (latest GitHub release, 0.2.4),
    # no .min.js in the package.
    "https://cdn.jsdelivr.net/gh/jieter/Leaflet.Sync/L.Map.Sync.min.js": (
        "leaflet.sync@0.2.4/L.Map.Sync.js"
    ),
    # The TopoJSON basemap (corridor_atlas.maps.TOPOJSON_JS).
    "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js": (
        "topojson-client@3.1.0/dist/topojson-client.min.js"
    ),
    # The label engine's R-tree and the flow arrows (corridor_atlas.maps.RBUSH_JS, DECORATOR_JS).
    "https://cdn.jsdelivr.net/npm/rbush@4.0.1/rbush.min.js": "rbush@4.0.1/rbush.min.js",
    "https://cdn.jsdelivr.net/npm/leaflet-polylinedecorator@1.6.0/dist/"
    "leaflet.polylineDecorator.js": (
        "leaflet-polylinedecorator@1.6.0/dist/leaflet.polylineDecorator.js"
    ),
    # Linked by every folium.Map but used only by folium.Icon markers: dropped.
    "https://code.jquery.com/jquery-3.7.1.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css": None,
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": None,
}
"""Every CDN URL folium 0.20.0 emits for the elements the project uses.

Values are paths relative to ``static/vendor/``, or ``None`` for links that are
deliberately dropped.
"""

MAP_BUNDLE = "atlas-map.js"
"""The live map's scripts in one file in ``static/vendor/`` (made by ``make vendor``).

streamlit-folium loads a map's scripts one after the other, each only once the one
before has arrived: seven round trips before the map can be drawn. Served as one file,
they take one.
"""

MAP_BUNDLE_PARTS = (
    "leaflet@1.9.3/dist/leaflet.js",
    "topojson-client@3.1.0/dist/topojson-client.min.js",
    "rbush@4.0.1/rbush.min.js",
    "leaflet-polylinedecorator@1.6.0/dist/leaflet.polylineDecorator.js",
    "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "leaflet-measure@2.1.7/dist/leaflet-measure.min.js",
)
"""The vendored files :data:`MAP_BUNDLE` holds, in the order they run (Leaflet first)."""

_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=\S+\s*$", re.MULTILINE)

# d3 links streamlit-folium adds on its own for every branca ColorMap in the tree.
_COLORMAP_JS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)

_MIME_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
}

_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>.*?)(?P=q)\s*\)""")

_ICON_SCRIPT_NAME = "leaflet_default_icon"
_LEAFLET_ICONS = {
    "iconUrl": "marker-icon.png",
    "iconRetinaUrl": "marker-icon-2x.png",
    "shadowUrl": "marker-shadow.png",
}

_FIX_HINT = "add it to corridor_atlas.assets.CDN_MAP and run `make vendor`"

E = TypeVar("E", bound=Element)


def localize(
    element: E,
    *,
    mode: AssetMode,
    vendor_dir: Path,
    static_url: str = "/app/static/vendor",
) -> E:
    """Point every asset link in an element tree at the vendored files.

    Sets instance ``default_js`` / ``default_css`` on the element and on all its
    descendants; the class-level lists folium shares between maps are left alone.
    Links in :data:`CDN_MAP` that map to ``None`` are removed. Right after
    ``leaflet.js`` a small ``data:`` script sets where ``L.Icon.Default`` finds its
    marker images. Idempotent: links that are already local are kept.

    Parameters
    ----------
    element : branca.element.Element
        A ``folium.Map`` (or any element); its whole ``_children`` tree is walked,
        and both maps of a ``folium.plugins.DualMap``.
    mode : {"static", "inline"}
        ``"static"`` links to ``f"{static_url}/{relpath}"``; ``"inline"`` embeds
        each file as a ``data:`` URI (CSS ``url()`` references are inlined too).
    vendor_dir : Path
        The ``static/vendor`` folder.
    static_url : str
        URL path the vendor folder is served under; keep it absolute, since the
        map is rendered inside an iframe.

    Returns
    -------
    branca.element.Element
        ``element``, for chaining.

    Raises
    ------
    AssetError
        A link is not in :data:`CDN_MAP`, or its vendored file is missing.
    """
    if mode not in ("static", "inline"):
        raise AtlasError(f"asset mode must be 'static' or 'inline', not {mode!r}")
    vendor = Path(vendor_dir).resolve()
    prefix = static_url.rstrip("/") + "/"
    stale: dict[str, str] = {}
    for node in _walk(element):
        for attr in ("default_js", "default_css"):
            links = getattr(node, attr, None)
            if not links:
                continue
            new: list[tuple[str, str]] = []
            for name, url in links:
                local = _local_link(url, mode=mode, vendor=vendor, prefix=prefix)
                if local != url:
                    stale[name] = url
                if local is not None:
                    new.append((name, local))
                    if _is_leaflet_js(url, local, prefix):
                        new.append((_ICON_SCRIPT_NAME, _icon_script(vendor, mode, prefix)))
            setattr(node, attr, _dedupe_names(new))
    _forget_rendered_links(element, stale)
    return element


def iter_links(element: Element) -> tuple[list[str], list[str]]:
    """List the JS and CSS links of an element tree as streamlit-folium does.

    Same walk and order as ``streamlit_folium.st_folium``: depth first,
    ``default_css`` / ``default_js`` of each element, the d3 links it adds for
    every branca ``ColorMap``, then duplicates removed.

    Parameters
    ----------
    element : branca.element.Element
        The map (or any element) handed to ``st_folium``.

    Returns
    -------
    tuple of (list of str, list of str)
        The JS links and the CSS links.
    """
    from branca.colormap import ColorMap

    js: list[str] = []
    css: list[str] = []
    for node in _walk(element):
        if isinstance(node, ColorMap):
            js[:0] = _COLORMAP_JS
        css.extend(url for _, url in getattr(node, "default_css", None) or [])
        js.extend(url for _, url in getattr(node, "default_js", None) or [])
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


def _walk(element: Element) -> Iterator[Element]:
    """Yield the element and all its descendants, depth first.

    A ``folium.plugins.DualMap`` keeps its two maps outside ``_children`` (they are
    its siblings in the figure): they come first, ``m1`` then ``m2``, as in
    streamlit-folium's walk.
    """
    if isinstance(element, DualMap):
        yield from _walk(element.m1)
        yield from _walk(element.m2)
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _local_link(url: str, *, mode: AssetMode, vendor: Path, prefix: str) -> str | None:
    """Return the local form of one link, or ``None`` if it is dropped."""
    if url.startswith("data:"):
        return url
    if url.startswith(prefix):
        relpath = url[len(prefix) :]
    elif url in CDN_MAP:
        mapped = CDN_MAP[url]
        if mapped is None:
            return None
        relpath = mapped
    else:
        raise AssetError(f"asset {url!r} is not vendored: {_FIX_HINT}")
    path = _vendored_file(vendor, relpath, url)
    if mode == "static":
        return prefix + relpath
    if path.suffix == ".css":
        return _data_uri("text/css", _inline_css(path, vendor).encode())
    return _data_uri(_mime_type(path), _read_bytes(path))


def _vendored_file(vendor: Path, relpath: str, url: str) -> Path:
    """Resolve ``relpath`` inside the vendor folder, checking the file exists."""
    path = (vendor / relpath).resolve()
    if not path.is_relative_to(vendor):
        raise AssetError(f"asset {url!r} resolves outside {vendor}: {relpath!r}")
    if not path.is_file():
        raise AssetError(
            f"vendored file {path} for asset {url!r} is missing: "
            f"run `make vendor` (and check CDN_MAP in corridor_atlas.assets)"
        )
    return path


def _is_leaflet_js(url: str, local: str, prefix: str) -> bool:
    """Tell whether a link is Leaflet's own ``leaflet.js``."""
    return posixpath.basename(url) == "leaflet.js" or (
        local.startswith(prefix) and posixpath.basename(local) == "leaflet.js"
    )


@functools.cache
def _icon_script(vendor: Path, mode: AssetMode, prefix: str) -> str:
    """Script, as a ``data:`` URI, that points ``L.Icon.Default`` at the vendored images.

    Leaflet guesses the folder of its marker images from ``leaflet.css``. That
    fails inside streamlit-folium, which runs the map before the CSS has loaded,
    and with a ``data:`` URI there is no folder at all.
    """
    leaflet_js = next(
        (rel for rel in CDN_MAP.values() if rel and posixpath.basename(rel) == "leaflet.js"),
        None,
    )
    if leaflet_js is None:  # pragma: no cover - CDN_MAP always maps leaflet.js
        raise AssetError(f"leaflet.js is not in CDN_MAP: {_FIX_HINT}")
    images = posixpath.join(posixpath.dirname(leaflet_js), "images")
    files = {
        key: _vendored_file(vendor, f"{images}/{name}", f"{images}/{name}")
        for key, name in _LEAFLET_ICONS.items()
    }
    if mode == "static":
        code = f"L.Icon.Default.imagePath = {json.dumps(prefix + images + '/')};\n"
    else:
        options = {
            key: _data_uri(_mime_type(path), _read_bytes(path)) for key, path in files.items()
        }
        code = (
            'L.Icon.Default.imagePath = "";\n'
            f"L.Util.extend(L.Icon.Default.prototype.options, {json.dumps(options)});\n"
        )
    return _data_uri("text/javascript", code.encode())


def _inline_css(path: Path, vendor: Path) -> str:
    """CSS text with every relative ``url()`` replaced by a ``data:`` URI."""
    text = _read_bytes(path).decode("utf-8")

    def replace(match: re.Match[str]) -> str:
        ref = match.group("ref").strip()
        if not ref or ref.startswith(("#", "data:")):
            return match.group(0)
        if ref.startswith(("http:", "https:", "//", "/")):
            raise AssetError(
                f"{path} refers to {ref!r}, which is not vendored: "
                "vendor it next to the CSS and run `make vendor`"
            )
        target = (path.parent / re.split(r"[?#]", ref, maxsplit=1)[0]).resolve()
        if not target.is_relative_to(vendor) or not target.is_file():
            raise AssetError(
                f"{path} refers to {ref!r}, but {target} is not vendored: run `make vendor`"
            )
        return f'url("{_data_uri(_mime_type(target), _read_bytes(target))}")'

    return _CSS_URL.sub(replace, text)


@functools.lru_cache(maxsize=256)
def _read_bytes(path: Path) -> bytes:
    """Read a vendored file once per process."""
    return path.read_bytes()


def _data_uri(mime: str, data: bytes) -> str:
    """Encode bytes as a base64 ``data:`` URI."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _mime_type(path: Path) -> str:
    """MIME type of a vendored file, from its suffix."""
    mime = _MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if mime is None:
        raise AssetError(f"unknown MIME type for vendored file {path}")
    return mime


def _dedupe_names(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keep the first link of each name (folium keys header links by name)."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name, url in links:
        if name not in seen:
            seen.add(name)
            out.append((name, url))
    return out


def _forget_rendered_links(element: Element, stale: dict[str, str]) -> None:
    """Drop header links an earlier render added with the old URLs.

    ``JSCSSMixin.render`` adds each link to the figure header under its name; a
    map rendered before :func:`localize` would otherwise keep the CDN links.
    """
    root = element.get_root()
    if not isinstance(root, Figure) or not stale:
        return
    children = root.header._children
    for name, old_url in stale.items():
        child = children.get(name)
        if isinstance(child, (JavascriptLink, CssLink)) and child.url == old_url:
            del children[name]


def map_bundle_text(vendor_dir: Path) -> str:
    """The text of :data:`MAP_BUNDLE`: each part as vendored, in order, under a comment
    naming it (its licence is the ``LICENSE`` of its package folder), without the
    source-map comments that point at files not vendored."""
    vendor = Path(vendor_dir).resolve()
    out = ["/* Corridor Atlas: the live map's scripts in one file, made by "
           "scripts/vendor_assets.sh from the vendored files it names; each keeps the "
           "licence in its package's folder (static/vendor/<package>/LICENSE). */\n"]
    for rel in MAP_BUNDLE_PARTS:
        text = _read_bytes(_vendored_file(vendor, rel, rel)).decode("utf-8")
        out.append(f"\n/* {rel} */\n{_SOURCE_MAP.sub('', text).rstrip()}\n;\n")
    return "".join(out)


def write_map_bundle(vendor_dir: str | Path) -> Path:
    """Write :data:`MAP_BUNDLE` into ``vendor_dir`` from the parts there."""
    path = Path(vendor_dir) / MAP_BUNDLE
    path.write_bytes(map_bundle_text(Path(vendor_dir)).encode("utf-8"))  # line ends as they are
    return path


def bundle_scripts(element: E, *, vendor_dir: Path,
                   static_url: str = "/app/static/vendor") -> E:
    """Load the scripts of a map localized in ``"static"`` mode from :data:`MAP_BUNDLE`.

    Every link to one of :data:`MAP_BUNDLE_PARTS` is removed from the element tree and
    the bundle is linked first, on ``element`` itself; other links (the marker icons'
    ``data:`` script) stay, after it. Returns ``element``.

    Raises
    ------
    AssetError
        The bundle is missing from ``vendor_dir`` (run ``make vendor``).
    """
    prefix = static_url.rstrip("/") + "/"
    _vendored_file(Path(vendor_dir).resolve(), MAP_BUNDLE, MAP_BUNDLE)
    parts = {prefix + rel for rel in MAP_BUNDLE_PARTS}
    for node in _walk(element):
        links = getattr(node, "default_js", None)
        if links:
            node.default_js = [(name, url) for name, url in links if url not in parts]
    element.default_js = [("atlas_map_bundle", prefix + MAP_BUNDLE), *element.default_js]
    return element
