"""What each route carried in a year, against the capacity in force: corridor_atlas.flows."""

from __future__ import annotations

import calendar
import math

import pytest

from corridor_atlas.catalog import Route
from corridor_atlas.flows import Missing, flow_scales, route_flow


def _figures(route: Route, year: int, measure: str = "throughput"):
    return [v for v in route.facts.annual_volumes if v.year == year and v.measure == measure]


def test_a_throughput_figure_is_the_flow(catalog):
    tap = catalog.route("tap")
    (figure,) = _figures(tap, 2022)
    flow = route_flow(tap, 2022, operating=True)
    assert (flow.volume, flow.unit, flow.volumes) == (figure.value, "bcm/y", (figure,))
    assert flow.missing is None


def test_barrels_a_year_become_barrels_a_day(catalog):
    btc = catalog.route("btc")
    for year in (2010, 2024):  # 2024 has 366 days
        (figure,) = [v for v in _figures(btc, year) if v.unit == "million bbl"]
        days = 366 if calendar.isleap(year) else 365
        assert route_flow(btc, year, operating=True).volume == pytest.approx(
            figure.value * 1e6 / days)


def test_tonnes_of_oil_are_not_turned_into_barrels(catalog):
    btc = catalog.route("btc")
    assert [v.unit for v in _figures(btc, 2020)] == ["Mt"]  # carried through Georgia
    flow = route_flow(btc, 2020, operating=True)
    assert flow.volume is None and flow.missing is Missing.NO_FIGURE
    assert [v.unit for v in flow.other] == ["Mt"]  # the figure there is, for the reader


def test_freight_tonnes_are_million_tonnes(catalog):
    btk = catalog.route("btk")
    (figure,) = [v for v in _figures(btk, 2022) if v.unit == "t"]
    assert route_flow(btk, 2022, operating=True).volume == pytest.approx(figure.value / 1e6)


def test_declared_shares_add_up_only_when_all_are_there(catalog):
    tanap = catalog.route("tanap")
    assert set(tanap.throughput_shares) == {"to Türkiye", "to Europe"}
    shares = _figures(tanap, 2022, "share")
    assert {v.share for v in shares} == set(tanap.throughput_shares)
    flow = route_flow(tanap, 2022, operating=True)
    assert flow.volume == pytest.approx(math.fsum(v.value for v in shares))
    assert set(flow.volumes) == set(shares)
    # a year with only what went to Türkiye has no figure for all it carried
    assert [v.share for v in _figures(tanap, 2021, "share")] == ["to Türkiye"]
    partial = route_flow(tanap, 2021, operating=True)
    assert partial.volume is None and partial.missing is Missing.NO_FIGURE
    assert partial.other == tuple(_figures(tanap, 2021, "share"))


def test_a_share_never_stands_for_the_whole(catalog):
    btc = catalog.route("btc")
    assert [v.measure for v in btc.facts.annual_volumes if v.year == 2016] == ["share"]
    assert route_flow(btc, 2016, operating=True).volume is None


def test_containers_are_counts_not_flows(catalog):
    btk = catalog.route("btk")
    assert {v.measure for v in btk.facts.annual_volumes if v.unit in ("TEU", "containers")} == {
        "count"}
    assert route_flow(btk, 2018, operating=True).volume is None  # only a TEU count that year


def test_capacity_is_the_one_in_force_that_year(catalog):
    btc = catalog.route("btc")
    before, after = route_flow(btc, 2008, operating=True), route_flow(btc, 2010, operating=True)
    assert before.capacity == pytest.approx(1.0e6) and after.capacity == pytest.approx(1.2e6)
    assert after.capacity_figure.in_force.from_year == 2009
    tap = catalog.route("tap")
    assert route_flow(tap, 2025, operating=True).capacity == pytest.approx(10.0)
    assert route_flow(tap, 2026, operating=True).capacity == pytest.approx(11.2)


def test_utilisation_is_volume_over_capacity(catalog):
    tap = catalog.route("tap")
    (figure,) = _figures(tap, 2021)
    capacity = next(c for c in tap.facts.capacity if c.in_force and c.in_force.covers(2021))
    assert route_flow(tap, 2021, operating=True).utilisation == pytest.approx(
        figure.value / capacity.value)
    assert route_flow(tap, 2023, operating=True).utilisation is None  # no figure


def test_a_route_not_operating_carries_nothing(catalog):
    flow = route_flow(catalog.route("tap"), 2015, operating=False)
    assert flow.missing is Missing.NOT_OPERATING and flow.volume is None


def test_power_lines_have_no_flow_family(catalog):
    flow = route_flow(catalog.route("black_sea_cable"), 2030, operating=True)
    assert flow.family is None and flow.missing is Missing.NO_FAMILY and flow.unit is None


def test_scales_take_each_familys_largest_figure(catalog):
    scales = flow_scales(catalog)
    gas = max(v.value for r in catalog.routes if r.kind == "gas"
              for v in r.facts.annual_volumes if v.measure == "throughput" and v.unit == "bcm")
    assert scales["gas"].reference >= gas  # a sum of shares may be larger still
    for scale in scales.values():
        assert scale.ticks and list(scale.ticks) == sorted(scale.ticks)
        assert scale.ticks[-1] <= scale.reference
        for tick in scale.ticks:  # round numbers: 1, 2 or 5 times a power of ten
            mantissa = tick / 10 ** math.floor(math.log10(tick))
            assert round(mantissa, 6) in (1, 2, 5), tick
