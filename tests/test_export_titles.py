"""Every export carries a page title: what is drawn, the year and where.

The title is the document's, not the heading on the picture: the PDF's metadata, the
HTML ``<title>`` (the browser tab, bookmarks, file managers) and the PNG's ``Title``
text chunk, in the browser render and the print render alike.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import exports, pngtext
from corridor_atlas.errors import ExportError
from corridor_atlas.scene import build_scene
from corridor_atlas.view import PRESETS, MapView, page_title

from .conftest import VENDOR_DIR

ZOOMED = MapView(layers=("btc", "scp"), year=2026, bbox=(41.1, 39.9, 45.5, 41.3))
TITLE = "Corridor Atlas — routes as of 2026 — 41.10–45.50°E, 39.90–41.30°N"


def _html_title(html: bytes) -> str:
    found = re.search(r"<title>(.*?)</title>", html.decode("utf-8"), re.S)
    assert found, "no <title> in the page"
    return unescape(found.group(1))


def _png_title(png: bytes) -> str:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return str(image.text.get("Title"))


def _pdf_title(pdf: bytes) -> str:
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None, "the PDF has no document information"
    return str(meta.title)


# --- the words ------------------------------------------------------------------------------

def test_page_title_says_what_when_and_where(catalog) -> None:
    assert page_title(ZOOMED, catalog) == TITLE
    whole = MapView(layers=("btc",), year=2012)
    assert page_title(whole, catalog) == "Corridor Atlas — routes as of 2012 — whole corridor"
    area = MapView(layers=("btc",), year=2020, bbox=PRESETS["south-caucasus"].bbox,
                   selected="tap", flows=True)
    assert page_title(area, catalog) == (f"Corridor Atlas — {catalog.route('tap').name} and "
                                         "flows as of 2020 — South Caucasus")
    west = MapView(layers=("btc",), year=2020, bbox=(-9.5, -3.0, 2.25, 4.0))
    assert page_title(west, catalog).endswith("9.50°W–2.25°E, 3.00°S–4.00°N")


def test_png_text_chunk_is_read_back_by_an_image_library() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "#123456").save(buffer, format="PNG")
    titled = pngtext.with_text(buffer.getvalue(), {"Title": TITLE, "Software": "Corridor Atlas"})
    with Image.open(io.BytesIO(titled)) as image:
        image.load()  # checks every chunk's CRC
        assert image.size == (4, 3) and image.getpixel((1, 1)) == (0x12, 0x34, 0x56)
        assert image.text == {"Title": TITLE, "Software": "Corridor Atlas"}
    with pytest.raises(ExportError, match="not a PNG"):
        pngtext.with_text(b"GIF89a", {"Title": "x"})


# --- the files that need no browser ---------------------------------------------------------

def test_standalone_html_has_the_page_title(atlas) -> None:
    html = exports.export(atlas, ZOOMED, "html", vendor_dir=VENDOR_DIR).data
    assert _html_title(html) == TITLE


def test_standalone_html_title_is_escaped(atlas, monkeypatch) -> None:
    scene = build_scene(atlas, ZOOMED)
    from dataclasses import replace

    from corridor_atlas import snapshot

    hostile = replace(scene, page_title="</title><script>alert(1)</script>")
    html = snapshot.standalone_html(atlas, hostile, vendor_dir=VENDOR_DIR)
    assert b"</title><script>alert(1)" not in html
    assert _html_title(html) == "</title><script>alert(1)</script>"


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_print_render_carries_the_page_title(atlas, fmt: str) -> None:
    data = exports.export(atlas, ZOOMED, fmt, vendor_dir=VENDOR_DIR, static=True,
                          size=(640, 400)).data
    if fmt == "png":
        assert _png_title(data) == TITLE
    elif fmt == "pdf":
        assert _pdf_title(data) == TITLE
    else:
        assert f"<dc:title>{TITLE}</dc:title>" in data.decode("utf-8")


# --- the browser render ---------------------------------------------------------------------

@pytest.mark.browser
def test_browser_png_and_pdf_carry_the_page_title(atlas, chromium: str) -> None:
    png = exports.export(atlas, ZOOMED, "png", vendor_dir=VENDOR_DIR, size=(640, 400))
    pdf = exports.export(atlas, ZOOMED, "pdf", vendor_dir=VENDOR_DIR)
    assert png.renderer == pdf.renderer == "browser"
    assert _png_title(png.data) == TITLE
    assert _pdf_title(pdf.data) == TITLE  # not "about:blank"
