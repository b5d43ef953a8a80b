"""A chart's numbers as Streamlit's own Vega draws them, in Turkish and Azerbaijani.

The chart specs say which locale a chart is in (tests/test_cards_languages.py); this
reads what the browser draws with it: a throughput chart rendered by ``st.altair_chart``
in Chromium (as SVG, so its text can be read), whose axis labels must be written
``1.000.000``, never ``1,000,000``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import corridor_atlas

from . import browser_support as bs
from .conftest import GEO_DIR, OpenPage

pytestmark = pytest.mark.browser

SCRIPT = """
import streamlit as st
from corridor_atlas import charts, headline
from corridor_atlas.catalog import load_catalog

catalog, _ = load_catalog({geo!r})
lang = st.query_params.get("lang", "en")
points = [p for p in headline.flow_history(catalog, None) if p.unit == "bbl/d"]
chart = charts.flows_chart(points, lang=lang)
# drawn as SVG (Streamlit's choice is a canvas), so that the test can read its text
st.altair_chart(chart.properties(usermeta={{"embedOptions": {{"renderer": "svg"}}}}))
"""

GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


@pytest.fixture(scope="module")
def chart_url(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A one-chart Streamlit page, served with the package under test."""
    root = tmp_path_factory.mktemp("chart")
    (root / "chart.py").write_text(SCRIPT.format(geo=str(GEO_DIR)), encoding="utf-8")
    package_root = Path(corridor_atlas.__file__).resolve().parents[1]
    with bs.run_app(root, "chart.py", env={"PYTHONPATH": str(package_root)}) as url:
        yield url


@pytest.mark.parametrize(("lang", "separator"), [("tr", "."), ("az", "."), ("en", ",")])
def test_axis_labels_follow_the_readers_number_convention(
        chart_url: str, open_page: OpenPage, lang: str, separator: str) -> None:
    page, log = open_page(bs.local_hosts_only)
    page.goto(f"{chart_url}/?lang={lang}")
    labels = page.locator("[data-testid='stVegaLiteChart'] svg .role-axis-label text")
    expect(labels.first).to_be_attached(timeout=bs.LOAD_TIMEOUT_MS)
    texts = labels.all_text_contents()
    grouped = [t for t in texts if GROUPED.match(t)]
    assert grouped, texts  # the y axis runs to about a million barrels a day
    assert all(t[-4] == separator for t in grouped), grouped
    log.assert_clean()
