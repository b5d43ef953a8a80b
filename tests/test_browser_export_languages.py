"""Browser exports in Turkish and Azerbaijani: the PNG and PDF Chromium draws, and the
standalone HTML with its controls, in the view's language.

The system Chromium driven by Playwright, offline (the pages are self-contained). Each
test reads what the browser made or shows: the PDF's text, the PNG's title, the page's
text and its controls' titles. The pseudo-locale test reads everything a reader sees
and finds nothing left untranslated but the data's own names.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from corridor_atlas import cli, exports, i18n, snapshot
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView, page_title

from . import browser_support as bs
from .conftest import VENDOR_DIR
from .test_export_languages import EXPECTED, SEVEN, VIEW, data_texts, pdf_text

pytestmark = pytest.mark.browser

CONTROLS = {  # the zoom buttons, full screen, measure and layers, as their titles say
    "tr": ["Yakınlaştır", "Uzaklaştır", "Tam ekran", "Uzaklık ve alan ölç", "Katmanlar"],
    "az": ["Yaxınlaşdır", "Uzaqlaşdır", "Tam ekran", "Məsafə və sahə ölç", "Qatlar"],
}
LAYER_NAMES = {  # the layer control's entries: routes by their names in the language
    "tr": ["Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı", "Tesisler", "Haritadaki adlar"],
    "az": ["Bakı–Tbilisi–Qars dəmir yolu (BTQ)", "Obyektlər", "Xəritədəki adlar"],
}
MEASURING = {"tr": "Ölçmeye başlamak için haritaya nokta ekleyin",
             "az": "Ölçməyə başlamaq üçün xəritəyə nöqtələr əlavə edin"}
MEASURED = {"tr": ["Son nokta", "Yol uzunluğu", "kilometre"],  # written as one measures
            "az": ["Son nöqtə", "Yolun uzunluğu", "kilometr"]}
TITLES = "() => Array.from(document.querySelectorAll('.leaflet-control [title]'), e => e.title)"


@pytest.fixture(scope="module")
def renderer(chromium: str) -> Iterator[None]:
    """The exports' shared browser, closed when this module is done."""
    yield
    snapshot.shutdown()


def open_html(browser: Browser, path: Path) -> tuple[Page, bs.PageLog]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log = bs.watch(page, bs.local_files_only)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("() => window.atlasReady === true")
    return page, log


@pytest.mark.parametrize("lang", ["tr", "az"])
def test_browser_pdf_and_png_from_the_command_line_are_in_the_language(
        tmp_path, capsys, renderer, lang):
    pdf, png = tmp_path / "map.pdf", tmp_path / "map.png"
    args = ["export", "--lang", lang, "--layers", ",".join((*SEVEN, "facilities")),
            "--year", "2026"]
    assert cli.main([*args, "--format", "pdf", "--out", str(pdf)]) == 0
    assert cli.main([*args, "--format", "png", "--size", "1440x900", "--out", str(png)]) == 0
    printed = capsys.readouterr().out
    assert printed.count({"tr": "tarayıcı çizimi", "az": "brauzer təsviri"}[lang]) == 2
    text = pdf_text(pdf.read_bytes())
    # the title, the date of the data, the legend's headings and statuses, the credits
    for expected in EXPECTED[lang][:12]:
        assert expected in text, (lang, expected, text[:300])
    assert ("Kars–Nahçıvan" if lang == "tr" else "Qars–Naxçıvan") in text
    with Image.open(io.BytesIO(png.read_bytes())) as image:
        image.load()
        title = image.text.get("Title")
    assert title == {"tr": "Corridor Atlas — 2026 itibarıyla hatlar — tüm koridor",
                     "az": "Corridor Atlas — xətlər, vəziyyət: 2026 — bütün dəhliz"}[lang]


@pytest.mark.parametrize("lang", ["tr", "az"])
def test_standalone_html_controls_speak_the_language(atlas, browser, tmp_path, lang):
    path = tmp_path / f"atlas-{lang}.html"
    path.write_bytes(exports.export(atlas, replace(VIEW, lang=lang), "html",
                                    vendor_dir=VENDOR_DIR).data)
    page, log = open_html(browser, path)
    try:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator(".leaflet-control-layers-toggle")).to_have_attribute(
            "title", CONTROLS[lang][-1])
        titles = page.evaluate(TITLES)
        legend = page.locator(".atlas-legend summary").inner_text()
        layers = page.locator(".leaflet-control-layers").text_content() or ""
        scale = page.locator(".leaflet-control-scale").inner_text()
        page.locator(".leaflet-control-measure").hover()  # opens its panel
        page.locator(".leaflet-control-measure .js-start").click()
        expect(page.locator(".leaflet-control-measure .js-starthelp")).to_have_text(
            MEASURING[lang])
        for x in (600, 800):  # two points: the panel writes its results again
            page.mouse.click(x, 450)
        results = page.locator(".leaflet-control-measure .js-results")
        for words in MEASURED[lang]:
            expect(results).to_contain_text(words)
        log.assert_clean()
    finally:
        page.close()
    assert titles == CONTROLS[lang]
    assert legend == {"tr": "Lejant", "az": "Şərti işarələr"}[lang]
    for name in LAYER_NAMES[lang]:
        assert name in layers, (lang, name)
    assert scale.strip().endswith("km") and "mi" not in scale.split()  # kilometres only


def test_pseudo_locale_leaves_nothing_unmarked_in_the_html_and_the_browser_pdf(
        atlas, browser, renderer, tmp_path):
    view = replace(VIEW, lang=i18n.PSEUDO)
    scene = build_scene(atlas, view)
    # the data's names, and the scale bar's unit (km in all three languages)
    allowed = [*data_texts(scene), "km"]
    path = tmp_path / "atlas-qps.html"
    path.write_bytes(exports.export(atlas, view, "html", vendor_dir=VENDOR_DIR).data)
    page, log = open_html(browser, path)
    try:
        expect(page.locator(".leaflet-control-layers-toggle")).to_have_attribute(
            "title", i18n.translator(i18n.PSEUDO).gettext("Layers"))
        seen = page.locator("body").inner_text()
        titles = page.evaluate(TITLES)
        document = page.title()
        log.assert_clean()
    finally:
        page.close()
    assert i18n.unmarked(seen, allowed) == []
    assert i18n.unmarked("\n".join(titles), allowed) == []
    assert document == page_title(view, atlas.catalog)
    assert i18n.unmarked(document, allowed) == []

    pdf = exports.export(atlas, view, "pdf", vendor_dir=VENDOR_DIR)
    assert pdf.renderer == "browser"
    assert i18n.unmarked(pdf_text(pdf.data), allowed) == []


def test_english_html_keeps_its_controls_as_they_were(atlas, browser, tmp_path):
    path = tmp_path / "atlas-en.html"
    path.write_bytes(exports.export(atlas, MapView(layers=("tap",)), "html",
                                    vendor_dir=VENDOR_DIR).data)
    page, log = open_html(browser, path)
    try:
        expect(page.locator(".leaflet-control-layers-toggle")).to_have_attribute(
            "title", "Layers")
        titles = page.evaluate(TITLES)
        scale = page.locator(".leaflet-control-scale").inner_text()
        log.assert_clean()
    finally:
        page.close()
    assert titles == ["Zoom in", "Zoom out", "Full Screen", "Measure distances and areas",
                      "Layers"]
    assert "mi" in scale.split()  # miles as well as kilometres, as before


def test_compare_maps_controls_and_titles_speak_the_language(atlas, browser, tmp_path):
    from corridor_atlas.compare import compare_map

    path = tmp_path / "compare-tr.html"
    dual = compare_map(atlas, MapView(layers=("btc", "btk"), lang="tr"), 2006, 2026,
                       vendor_dir=VENDOR_DIR, asset_mode="inline")
    path.write_text(dual.get_root().render(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 700})
    log = bs.watch(page, bs.local_files_only)
    try:
        page.goto(path.as_uri(), wait_until="load")
        titles = page.locator(".atlas-compare-title")
        expect(titles).to_have_text(["2006 itibarıyla", "2026 itibarıyla"])
        zoom_in = page.locator(".leaflet-control-zoom-in")
        expect(zoom_in).to_have_count(2)
        expect(zoom_in.first).to_have_attribute("title", "Yakınlaştır")
        expect(zoom_in.last).to_have_attribute("title", "Yakınlaştır")
        scales = page.locator(".leaflet-control-scale").all_inner_texts()
        log.assert_clean()
    finally:
        page.close()
    assert len(scales) == 2 and all("mi" not in s.split() for s in scales)
