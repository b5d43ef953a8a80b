"""Every render has the letters of English, Turkish and Azerbaijani: no tofu.

The print render sets its text in the DejaVu Sans fonts that ship with matplotlib; the
live map's names use ``styles.LABEL_FONT_STACK`` (DejaVu Sans first), its legend, tooltips
and popups ``system-ui, sans-serif``, and the app's own text Streamlit's bundled Source
Sans; browser snapshots are the same pages in the system Chromium. Each is checked on what
it draws.
"""

from __future__ import annotations

import base64
import dataclasses
import io
from pathlib import Path

import matplotlib as mpl
import pytest
import streamlit
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from corridor_atlas import printmap, styles
from corridor_atlas.labels import PlaceLabel
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView

SAMPLE = "Iğdır Naxçıvan Şəki İSTANBUL"
LETTERS = "ƏəĞğİıIiŞşÇçÖöÜüâîû–—·’“”₂³"  # the alphabets' own letters, and what units use
UI_STACK = "system-ui, sans-serif"  # the live map's legend, tooltips, popups and titles


def _missing(font: Path, text: str) -> list[str]:
    cmap = TTFont(font).getBestCmap()
    return [c for c in dict.fromkeys(text) if not c.isspace() and ord(c) not in cmap]


def test_the_check_finds_a_font_without_the_letters():
    """Computer Modern (also shipped with matplotlib) has no ğ, ş or ə: the check says so."""
    cmr = Path(mpl.get_data_path()) / "fonts" / "ttf" / "cmr10.ttf"
    assert {"ğ", "ş", "ə", "İ"} <= set(_missing(cmr, LETTERS))


@pytest.mark.parametrize("font", [printmap._REGULAR, printmap._BOLD], ids=lambda p: p.name)
def test_the_print_render_fonts_have_every_letter(font):
    assert _missing(font, SAMPLE + LETTERS) == []


@pytest.fixture(scope="module")
def sample_scene(atlas):
    scene = build_scene(atlas, MapView(layers=("igdir_nakhchivan", "kars_nakhchivan"),
                                       bbox=(43.5, 38.6, 46.5, 40.4)))
    name = PlaceLabel(SAMPLE, 45.0, 39.6, "capital", 0, bold=True)
    return dataclasses.replace(scene, title=SAMPLE, subtitle=LETTERS,
                               place_labels=(name, *scene.place_labels))


def test_the_print_render_writes_the_three_alphabets(atlas, sample_scene):
    """A glyph matplotlib cannot find is a warning, which fails the test (pyproject)."""
    png = printmap.render_static(atlas, sample_scene, fmt="png", size=(900, 600))
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (900, 600)
    pdf = printmap.render_static(atlas, sample_scene, fmt="pdf", size=(900, 600))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert SAMPLE in text
    svg = printmap.render_static(atlas, sample_scene, fmt="svg", size=(900, 600)).decode()
    assert SAMPLE in svg and "DejaVu Sans" in svg


# --- in the browser ------------------------------------------------------------------------

_PROBE = """([stacks, letters]) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, c) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = '40px ' + font;
    ctx.fillText(c, 8, 48);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',');
  };
  const out = {};
  for (const font of stacks) {
    const tofu = [draw(font, '\\u0378'), draw(font, '\\uE000')];  // no font has these
    out[font] = Array.from(letters).filter(c => c.trim() && tofu.includes(draw(font, c)));
  }
  return out;
}"""


def _source_sans() -> str:
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    (woff2,) = media.glob("SourceSansVF-Upright*.woff2")
    return base64.b64encode(woff2.read_bytes()).decode()


@pytest.mark.browser
def test_the_browser_draws_every_letter_in_each_font_the_pages_use(browser):
    page = browser.new_page()
    try:
        page.set_content(
            "<style>@font-face { font-family: 'Source Sans'; src: "
            f"url(data:font/woff2;base64,{_source_sans()}) format('woff2'); }}</style>"
            f"<p id=label style=\"font: 12px {styles.LABEL_FONT_STACK}\">{SAMPLE}</p>"
            f"<p id=ui style=\"font: 12px {UI_STACK}\">{SAMPLE}</p>"
            f"<p id=app style=\"font: 12px 'Source Sans', sans-serif\">{SAMPLE}</p>")
        page.wait_for_function("document.fonts.check(\"12px 'Source Sans'\")")
        stacks = [styles.LABEL_FONT_STACK, UI_STACK, "'Source Sans', sans-serif"]
        # the probe tells tofu apart: a private-use character has no glyph anywhere
        assert page.evaluate(_PROBE, [stacks, "\ue001"]) == {s: ["\ue001"] for s in stacks}
        assert page.evaluate(_PROBE, [stacks, SAMPLE + LETTERS]) == {s: [] for s in stacks}
        # and the fonts that draw them: the names in DejaVu Sans, the app in Source Sans
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        used = {}
        for node in ("label", "app"):
            found = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"#{node}"})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found["nodeId"]})
            used[node] = {f["familyName"] for f in fonts["fonts"]}
        assert used["label"] == {styles.LABEL_FONT}
        assert len(used["app"]) == 1 and next(iter(used["app"])).startswith("SourceSans")
    finally:
        page.close()
