"""The app in Turkish, Azerbaijani and the pseudo-locale, in a real browser.

What the page shows a reader in the pseudo-locale (``?lang=qps``), the map's frame with
its layer control, legend, names and credits included, has no word outside the marks
(⟦…⟧) but the data's own texts. The browser's language is the default language.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corridor_atlas import i18n
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView

from . import browser_support as bs
from . import language_support
from .conftest import OpenPage

pytestmark = pytest.mark.browser

# The map's own credits and its scale's compass letters, besides the page's.
MAP_WORDS = ["Leaflet", "OpenStreetMap", "Natural Earth", "N", "E"]
# The text a reader sees on the page: every visible text but the icons' ligature names
# (an icon reads as its glyph) and the placeholder of each empty input; in the map's frame
# also the titles and labels of its controls, shown on hover and read out by screen
# readers. (Streamlit's own controls have English labels for screen readers and a
# "Skip to main content" link hidden off screen: they are Streamlit's, not the atlas's.)
PAGE_TEXT = """(withLabels) => {
  const seen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.textContent.trim()) continue;
    if (parent.closest('[data-testid="stIconMaterial"], [data-testid="stSkipLink"], '
                       + 'style, script, .material-icons, [translate="no"]')) continue;
    if (!parent.checkVisibility({visibilityProperty: true, opacityProperty: false})) continue;
    const box = parent.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // hidden off screen, for screen readers
    seen.push(node.textContent);
  }
  for (const e of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!e.value && e.checkVisibility()) seen.push(e.getAttribute('placeholder'));
  }
  if (withLabels) {
    for (const e of document.querySelectorAll('[title], [aria-label]')) {
      for (const a of ['title', 'aria-label']) {
        const v = e.getAttribute(a);
        if (v) seen.push(v);
      }
    }
  }
  return seen.join('\\n');
}"""


@pytest.fixture(scope="module")
def data_texts(catalog, atlas) -> list[str]:
    """The data's own texts, shown as their sources write them: the catalog's, and the
    names of the places the map writes (the pseudo-locale writes them in English)."""
    scene = build_scene(atlas, MapView(layers=tuple(atlas.layer_ids()), lang=i18n.PSEUDO))
    places = [label.text for label in scene.place_labels]
    return [*language_support.data_texts(catalog), *places, *MAP_WORDS]


def _open(open_page: OpenPage, url: str, *, locale: str = "en-US") -> tuple[Page, Any]:
    page, _log = open_page(bs.local_hosts_only, locale=locale)
    page.add_init_script(bs.RUN_COUNTER)
    page.goto(url)
    frame = bs.map_frame(page)
    # the sidebar's controls come with the run the map starts (see app.py main)
    expect(page.locator(".st-key-year")).to_be_visible(timeout=bs.LOAD_TIMEOUT_MS)
    bs.settle(page)
    return page, frame


def _texts(page: Page, frame: Any) -> str:
    return page.evaluate(PAGE_TEXT, False) + "\n" + frame.evaluate(PAGE_TEXT, True)


def test_pseudo_locale_page_and_map_have_no_untranslated_text(open_page: OpenPage,
                                                              app_url: str, data_texts):
    page, frame = _open(open_page, f"{app_url}/?lang=qps&route=tanap")
    text = _texts(page, frame)
    assert "⟦" in text
    assert i18n.unmarked(text, data_texts) == []


def test_pseudo_locale_overview_export_panel_and_uploader(open_page: OpenPage, app_url: str,
                                                          data_texts):
    page, frame = _open(open_page, f"{app_url}/?lang=qps")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(i18n.translator(i18n.PSEUDO).gettext("Your own layers")).click()
    bs.rerun(page, lambda: page.get_by_text(
        i18n.translator(i18n.PSEUDO).gettext("Export this view")).click())
    expect(page.get_by_test_id("stFileUploaderDropzone")).to_be_visible()
    assert i18n.unmarked(_texts(page, frame), data_texts) == []
    # the uploader's own button reads in the language (its English word hidden)
    upload = page.get_by_test_id("stFileUploaderDropzone").locator("button")
    assert upload.evaluate("b => getComputedStyle(b, '::after').content") == '"' + \
        i18n.translator(i18n.PSEUDO).gettext("Upload") + '"'


@pytest.mark.parametrize(("locale", "lang", "words"), [
    ("tr-TR", "tr", ["Katmanlar", "Altlık harita", "Harita"]),
    ("az-AZ", "az", ["Qatlar", "Əsas xəritə", "Xəritə"]),
])
def test_the_browsers_language_is_the_default_and_goes_into_the_link(
        open_page: OpenPage, app_url: str, locale: str, lang: str, words: list[str]):
    page, frame = _open(open_page, f"{app_url}/", locale=locale)
    text = _texts(page, frame)
    for word in words:
        assert word in text, word
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('lang') === '{lang}'")
    # the page says its language (screen readers read it in that language's voice)
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")
