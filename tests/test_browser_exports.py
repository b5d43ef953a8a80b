"""The export panel in a real browser: the file is of the area on screen.

The system Chromium driven by Playwright, fully offline: every page aborts (and
records) requests to any host but the local app server. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from corridor_atlas.snapshot import PAPERS

from . import browser_support as bs
from . import pdf_support
from .conftest import OpenPage

pytestmark = pytest.mark.browser

# "41.73–44.87°E, 39.10–42.07°N" (the panel's extent and the PDF's title)
EXTENT = re.compile(r"(\d+\.\d\d)–(\d+\.\d\d)°E, (\d+\.\d\d)–(\d+\.\d\d)°N")


def idle(page: Page) -> None:
    """Wait until the app has finished its rerun (its running indicator is gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=bs.UPDATE_TIMEOUT_MS)


def test_pdf_of_a_linked_zoomed_view_is_of_that_view(open_page: OpenPage, app_url: str) -> None:
    """A link to zoom 8 over Kars: the PDF shows that area (a scale bar of tens of km),
    not the whole corridor (300 km), and says which area in its title."""
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/?view=40.6,43.3,8")
    frame = bs.map_frame(page)
    on_screen = frame.locator(".leaflet-control-scale-line").first.inner_text()
    page.get_by_text("Export this view").click()
    idle(page)
    page.get_by_role("combobox", name="Format").click()
    page.get_by_role("option", name="PDF page").click()
    idle(page)
    page.get_by_role("button", name="Prepare download").click()  # waits while disabled
    save = page.get_by_role("button", name=re.compile(r"^Save corridor-atlas_.*\.pdf"))
    with page.expect_download() as download:
        save.click(timeout=bs.LOAD_TIMEOUT_MS)
    pdf = Path(download.value.path()).read_bytes()
    caption = page.get_by_text("extent:").inner_text()
    log.assert_clean()

    title = pdf_support.title(pdf)
    found = EXTENT.search(title)
    assert found, title
    assert found.group(0) in caption  # the area the panel named is the area drawn
    west, east, south, north = (float(v) for v in found.groups())
    assert west < 43.3 < east and south < 40.6 < north, title
    km = pdf_support.scale_bar_km(pdf_support.text(pdf))
    ground = pdf_support.km_per_100_px((west, south, east, north), PAPERS["a4"].viewport)
    assert ground / 2 <= km <= ground * 1.01, f"the scale bar says {km} km for {ground:.0f} km"
    assert km <= 2 * int(on_screen.split()[0]), (km, on_screen)  # the map's scale, or finer
