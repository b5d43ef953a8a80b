"""Figures as typed values read from the real catalog, and the one place they become words."""

from __future__ import annotations

import pytest

from corridor_atlas.catalog import Catalog, Source, StatusSource
from corridor_atlas.describe import (
    DESCRIPTIVE_SOURCE,
    DRAWN_SOURCE,
    NO_SOURCED_VALUE,
    figure_note,
    figure_source,
    figure_value,
    source_label,
    stale_note,
)
from corridor_atlas.figures import (
    DESCRIPTIVE_KINDS,
    Figure,
    Part,
    facility_figures,
    is_stale,
    key_figures,
    route_figures,
)
from corridor_atlas.format import published


def _one(figures: tuple[Figure, ...], label: str) -> Figure:
    found = [f for f in figures if f.label == label]
    assert len(found) == 1, f"expected one {label!r}, got {len(found)}"
    return found[0]


# --------------------------------------------------------------------------- words


def test_source_label_with_and_without_date() -> None:
    assert source_label(Source(url="https://a.org/x", title="t", publisher="bp Azerbaijan",
                               date=None)) == "bp Azerbaijan, n.d."
    assert source_label(Source(url="https://a.org/x", title="t", publisher="Trend",
                               date="2023-02-17")) == "Trend, 2023-02-17"


def test_source_label_flags_url_not_retained() -> None:
    src = Source(url=None, title="t", publisher="Interfax", date="2022",
                 url_not_retained=True)
    assert source_label(src) == "Interfax, 2022 (URL not retained)"


def test_a_status_is_sourced_by_the_newest_source_found() -> None:
    assert source_label(StatusSource(url="https://a.org/x", date="2026-03-11")) == (
        "newest source, 2026-03-11")
    assert source_label(StatusSource(url="https://a.org/x", date=None)) == (
        "newest source, n.d.")


def test_published_keeps_every_digit() -> None:
    assert published(1768.0) == "1768"
    assert published(1.2) == "1.2"
    assert published(4000.232552) == "4000.232552"
    assert published(1347585.0) == "1347585"


@pytest.mark.parametrize(("dated", "stale"), [
    ("2025-07-03", False), ("2025-07", False), ("2025", False), ("2025-07-02", True),
    ("2025-06", True), ("2024", True), (None, False)])
def test_staleness_reads_partial_dates_by_their_last_day(dated, stale) -> None:
    assert is_stale(dated, "2026-07-03") == stale
    assert (stale_note(dated, "2026-07-03") is not None) == stale


def test_each_kind_of_value_in_words() -> None:
    src = Source(url="https://a.org/x", title="t", publisher="P", date="2020")
    assert figure_value(Figure("length", "documented length", 1768.0, "km")) == "1,768 km"
    assert figure_value(Figure("length", "x", 4000.232552, "km")) == "4,000.232552 km"
    assert figure_value(Figure("capacity", "expanded capacity added", 1.2, "bcm/y",
                               increment=True)) == "+1.2 bcm/y"
    assert figure_value(Figure("shareholder", "shareholder", 30.1, "%", part="bp")) == (
        "bp: 30.1%")
    assert figure_value(Figure("shareholder", "shareholder", None, part="bp")) == (
        f"bp: {NO_SOURCED_VALUE}")
    assert figure_value(Figure("length_by_country_alternative", "x",
                               (Part("AZE", 449.0), Part("GEO", 235.0)), "km")) == (
        "AZE 449 km, GEO 235 km")
    assert figure_value(Figure("drawn_length", "drawn length", 1750.4, "km")) == (
        "1,750 km as drawn")
    assert figure_value(Figure("cost", "cost", None)) == NO_SOURCED_VALUE
    assert figure_source(Figure("description", "kind", "oil")) == DESCRIPTIVE_SOURCE
    assert figure_source(Figure("drawn_length", "drawn length", 1.0, "km")) == DRAWN_SOURCE
    assert figure_source(Figure("cost", "cost", 1.0, "USD", sources=(src, src))) == "P, 2020"
    assert figure_source(Figure("cost", "cost", None)) is None
    holding = Figure("shareholder", "shareholder", 5.0, "%", part="Eni", date="2025-12",
                     note="n", sources=(src,))
    assert figure_note(holding) == "as of 2025-12; n"
    assert figure_note(holding, "2026-07-03") == (
        "as of 2025-12; n; newest source 2020: more than a year before the data's as-of "
        "date (3 July 2026)")


# --------------------------------------------------------------------------- values


def test_numbers_stay_numbers_with_their_unit_and_sources(catalog: Catalog) -> None:
    route = catalog.route("btc")
    figures = key_figures(route)
    length = _one(figures, "documented length")
    assert (length.kind, length.value, length.unit) == ("length", 1768.0, "km")
    assert length.sources == (route.facts.length_km.source,)
    assert length.sources[0].publisher == "bp Azerbaijan"
    expanded = _one(figures, "expanded capacity")
    assert (expanded.value, expanded.unit, expanded.increment) == (1.2, "million bbl/day",
                                                                   False)
    bp = next(f for f in figures if f.kind == "shareholder" and f.part == "bp")
    assert (bp.value, bp.unit, bp.date) == (30.1, "%", "2025-12")
    split = _one(figures, "length by country (alternative)")
    assert split.value == (Part("AZE", 449.0), Part("GEO", 235.0), Part("TUR", 1092.0))
    operator = _one(figures, "operator")
    assert operator.sources == tuple(route.facts.operator_source)
    assert operator.newest_source_date == "2026-03-06"
    status = _one(figures, "status")
    assert status.sources == (route.facts.status_source,)
    assert status.url == "https://azinfo.net/news/1000461"


def test_an_increment_is_marked_not_written_into_the_value(catalog: Catalog) -> None:
    added = _one(key_figures(catalog.route("tap")), "expanded capacity added")
    assert (added.kind, added.value, added.unit, added.increment) == ("capacity", 1.2,
                                                                      "bcm/y", True)


def test_a_value_no_source_gives_is_none_with_no_source(catalog: Catalog) -> None:
    figures = key_figures(catalog.route("btk"))
    diameter = _one(figures, "diameter")
    assert diameter.value is None and diameter.sources == () and diameter.unit is None
    holders = _one(figures, "shareholders")
    assert holders.value is None and holders.kind == "shareholder"
    assert "drawn length" not in {f.label for f in figures}
    drawn = _one(key_figures(catalog.route("btk"), 812.3), "drawn length")
    assert (drawn.kind, drawn.value, drawn.sources) == ("drawn_length", 812.3, ())


def test_route_figures_are_every_sourced_figure_in_order(catalog: Catalog) -> None:
    for route in catalog.routes:
        figures = route_figures(route)
        assert not {f.kind for f in figures} & DESCRIPTIVE_KINDS, route.id
        assert all(f.sources or f.value is None for f in figures), route.id
        volumes = [f.year for f in figures if f.kind.startswith("annual_volume")]
        assert volumes == sorted(volumes), route.id
        milestones = [f for f in figures if f.kind == "milestone"]
        assert len(milestones) == len(route.facts.milestones)
        assert all(f.year == int(f.date[:4]) for f in milestones)
    tanap = route_figures(catalog.route("tanap"))
    periods = [f for f in tanap if f.kind == "period_volume"]
    assert periods and all(f.date for f in periods)


def test_facility_facts_keep_their_type(catalog: Catalog) -> None:
    sangachal = next(f for f in catalog.facilities.items if f.id == "sangachal")
    figures = facility_figures(sangachal)
    assert [f.label for f in figures] == ["area (ha)", "distance from Baku (km)",
                                          "processing capacity", "storage", "first oil export",
                                          "operator"]
    assert [f.value for f in figures] == list(sangachal.facts.values())
    fier = next(f for f in catalog.facilities.items if f.id == "fier_cs")
    area = facility_figures(fier)[0]
    assert (area.label, area.value, area.unit) == ("area", 162970, "m²")
    kars = next(f for f in catalog.facilities.items if f.id == "kars_station")
    assert (facility_figures(kars)[0].label, facility_figures(kars)[0].value) == ("opened",
                                                                                 "1899")
    assert all(f.sources == tuple(sangachal.sources) for f in figures)


def test_every_key_figure_with_a_dated_source_can_be_stale(catalog: Catalog) -> None:
    diameter = _one(key_figures(catalog.route("tanap")), "diameter")
    assert len(diameter.sources) == 2
    assert "more than a year before" in figure_note(diameter, catalog.as_of)
