"""The year controls in a real browser: Play from the last year, Compare's two years.

The system Chromium driven by Playwright, fully offline: every page aborts (and
records) requests to any host but the local app server. Without Chromium these
tests are skipped, except when ``$CI`` is true, where a missing browser fails them.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corridor_atlas.view import opening_extent, year_range

from . import browser_support as bs
from .conftest import OpenPage

pytestmark = pytest.mark.browser

LEFT = "Left: as of"


# The compare map shows the corridor from west to east, and not much more.
FRAMES_CORRIDOR = f"""([west, east]) => {{
  const map = ({bs.FIND_MAP})(), b = map && map.getBounds();
  return !!b && b.getWest() <= west && b.getEast() >= east
    && b.getEast() - b.getWest() < 2 * (east - west);
}}"""


def year_slider(page: Page) -> Any:
    return page.locator("[data-testid='stSidebar']").get_by_role("slider")


def compare_maps(page: Page) -> Any:
    """The Compare tab's map frame (the Map tab's map is not drawn while it is hidden)."""
    return page.get_by_role("tabpanel", name="Compare two years").locator(bs.MAP_IFRAME).first


def wait_left_title(page: Page, text: str) -> None:
    """Wait for the left compare map's year title; found afresh each time, as a new year
    draws the compare maps in a new frame."""
    left = compare_maps(page).content_frame.locator(".atlas-compare-title").first
    expect(left).to_have_text(text, timeout=bs.LOAD_TIMEOUT_MS)


def test_play_at_the_last_year_plays_again_from_the_first(open_page: OpenPage, app_url: str,
                                                          catalog) -> None:
    first, last = year_range(catalog)
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/?year={last}")
    bs.map_frame(page)
    expect(year_slider(page)).to_have_value(str(last))
    page.evaluate(bs.RECORD_YEARS)

    bs.flip_play(page)
    # not nothing: it plays, from the first year, and says so
    expect(bs.play_switch(page)).to_be_checked()
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text(f"playing again from {first}")).to_be_visible()
    page.wait_for_function(f"() => window.__years.includes({first + 1})",
                           timeout=bs.UPDATE_TIMEOUT_MS)
    bs.flip_play(page)
    expect(bs.play_switch(page)).not_to_be_checked()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=bs.UPDATE_TIMEOUT_MS)
    seen = page.evaluate("() => window.__years")
    assert seen[:3] == [last, first, first + 1], seen
    assert seen[1:] == list(range(first, seen[-1] + 1)), seen  # each year in turn
    log.assert_clean()


def test_compare_years_are_the_datas_and_say_so(open_page: OpenPage, app_url: str,
                                                atlas, catalog) -> None:
    """A year outside the data cannot be entered and then silently not drawn."""
    first, last = year_range(catalog)
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{app_url}/")
    bs.map_frame(page)
    page.get_by_role("tab", name="Compare two years").click()
    page.get_by_text("Show two years side by side").click()
    wait_left_title(page, "As of 2005")
    # the two maps show the corridor (made in a hidden tab, they once showed the world)
    frame = compare_maps(page).element_handle().content_frame()
    west, _south, east, _north = opening_extent(atlas)
    frame.wait_for_function(FRAMES_CORRIDOR, arg=[west, east], timeout=bs.UPDATE_TIMEOUT_MS)
    left = page.locator("[data-testid='stSelectbox'], [data-testid='stNumberInput']").filter(
        has_text=LEFT)
    expect(left).to_have_count(1)
    field = left.locator("input").first

    def enter(text: str) -> None:
        field.click()
        field.press("ControlOrMeta+a")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")

    enter("2012")  # a year of the data: drawn
    wait_left_title(page, "As of 2012")

    enter("1800")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=bs.UPDATE_TIMEOUT_MS)
    # what the left side shows is what it draws: 2012 still, never 1800
    expect(field).to_have_value("2012")
    expect(left).not_to_contain_text("1800")
    wait_left_title(page, "As of 2012")
    # and the reader is told which years there are
    left.hover()
    tip = left.get_by_test_id("stTooltipHoverTarget")
    tip.hover()
    expect(page.get_by_test_id("stTooltipContent")).to_contain_text(f"{first}–{last}")
    log.assert_clean()
