"""Altair charts, checked through their Vega-Lite specs on the real catalog in geo/."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pytest

from corridor_atlas.catalog import Catalog, Route
from corridor_atlas.charts import (
    gas_exports_chart,
    lengths_chart,
    milestone_timeline,
    volume_chart,
)
from corridor_atlas.panels import (
    all_milestones,
    corridor_overview,
    gas_exports_frame,
    milestones_frame,
    volume_units,
)

BLUE = "#0072B2"
ORANGE = "#D55E00"


@pytest.fixture(scope="module")
def raw_routes(geo_dir: Path) -> dict[str, dict]:
    raw = json.loads((geo_dir / "catalog.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in raw["routes"]}


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def _records(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["datasets"][layer["data"]["name"]]


def _layer(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    return [la for la in _layers(spec) if la["mark"]["type"] == mark]


def _all_records(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for records in spec.get("datasets", {}).values():
        yield from records


# --------------------------------------------------------------------------- volume chart


def test_scp_volume_chart_shows_gaps_not_zeros(catalog: Catalog) -> None:
    chart = volume_chart(catalog.route("scp"), "bcm", colour=BLUE)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()

    (bars,) = _layer(spec, "bar")
    assert bars["mark"]["color"] == BLUE
    bar_rows = _records(spec, bars)
    by_year = {r["year"]: r["value"] for r in bar_rows}
    assert by_year[2009] == pytest.approx(4.7879)
    assert 2012 not in by_year
    assert all(r["value"] != 0 for r in bar_rows)
    # No record anywhere in the chart puts a zero on a missing year.
    for record in _all_records(spec):
        if record.get("year") == 2012:
            assert record.get("value") in (None,), record

    # The year axis still lists the gap years, and they carry a "no data" mark.
    assert bars["encoding"]["x"]["scale"]["domain"] == list(range(2009, 2026))
    (gap_text,) = _layer(spec, "text")
    gap_years = {r["year"] for r in _records(spec, gap_text)}
    assert gap_years == set(range(2011, 2020))
    assert {r["label"] for r in _records(spec, gap_text)} == {"no data"}
    assert gap_text["mark"]["color"].startswith("#9")

    # Units on the axis, sources in the tooltip.
    assert bars["encoding"]["y"]["title"] == "bcm per year"
    tooltip_fields = {t["field"] for t in bars["encoding"]["tooltip"]}
    assert {"amount", "what", "period_note", "source"} <= tooltip_fields


def _capacity_line(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[int, float | None]]:
    """The chart's capacity line and its value by year."""
    (line,) = _layer(spec, "line")
    return line, {r["year"]: r["capacity"] for r in _records(spec, line)}


def test_scp_capacity_line_follows_the_capacity_in_force(catalog: Catalog) -> None:
    spec = volume_chart(catalog.route("scp"), "bcm", colour=BLUE).to_dict()
    assert not _layer(spec, "rule")  # no level drawn across years it was not in force
    line, by_year = _capacity_line(spec)
    assert line["mark"]["interpolate"] == "step"
    assert by_year == {**dict.fromkeys(range(2009, 2018), 7.41),
                       **dict.fromkeys(range(2018, 2026), 23.4)}
    # the line has its legend entry, whole, over the plot
    colour = line["encoding"]["color"]
    assert colour["scale"]["domain"] == ["capacity in force"]
    assert colour["legend"]["orient"] == "top" and colour["legend"]["labelLimit"] == 0
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0]]
    assert colour["legend"]["symbolType"] == "stroke"
    assert spec["autosize"]["type"] == "fit-x"  # legends add to the height, not eat the plot
    # SCPFX's "+5 bcm/y" is capacity added, never a capacity the line has
    assert 5.0 not in by_year.values()
    assert {"basis", "source", "url"} <= {t["field"] for t in line["encoding"]["tooltip"]}


def test_scp_volume_chart_alternatives(catalog: Catalog) -> None:
    spec = volume_chart(catalog.route("scp"), "bcm", colour=BLUE).to_dict()
    (points,) = _layer(spec, "point")
    # hollow-looking (a white centre), so a value inside a bar stays in sight
    assert (points["mark"]["fill"], points["mark"]["stroke"]) == ("white", BLUE)
    alt_rows = _records(spec, points)
    assert sorted((r["year"], r["value"]) for r in alt_rows) == [
        (2021, pytest.approx(17.7)), (2025, pytest.approx(22.933))]
    tooltip_fields = {t["field"] for t in points["encoding"]["tooltip"]}
    assert {"amount", "what", "source"} <= tooltip_fields


def test_tap_chart_never_draws_the_increment_as_a_capacity(catalog: Catalog) -> None:
    spec = volume_chart(catalog.route("tap"), "bcm", colour=BLUE).to_dict()
    line, by_year = _capacity_line(spec)
    assert by_year == {2021: 10, 2022: 10, 2023: 10}
    assert not _layer(spec, "rule")
    values = [r.get(field) for layer in _layers(spec) for r in _records(spec, layer)
              for field in ("value", "capacity")]
    assert 1.2 not in values  # the +1.2 bcm/y of the first expansion
    assert line["encoding"]["color"]["scale"]["domain"] == ["capacity in force"]


def test_a_year_no_dated_capacity_covers_breaks_the_line(catalog: Catalog) -> None:
    route = catalog.route("tap")
    capacity = [c.model_copy(update={"in_force": c.in_force.model_copy(
                    update={"until_year": 2021})}) if c.value == 10 else c
                for c in route.facts.capacity]
    facts = route.facts.model_copy(update={"capacity": capacity})
    spec = volume_chart(route.model_copy(update={"facts": facts}), "bcm",
                        colour=BLUE).to_dict()
    line, by_year = _capacity_line(spec)
    assert by_year == {2021: 10, 2022: None, 2023: None}  # never the last known value
    assert line["mark"]["invalid"] == "break-paths-filter-domains"


def test_btc_derived_capacity_is_dashed_and_labelled(catalog: Catalog) -> None:
    spec = volume_chart(catalog.route("btc"), "million bbl", colour=ORANGE).to_dict()
    line, by_year = _capacity_line(spec)
    assert by_year == {**dict.fromkeys(range(2006, 2009), pytest.approx(365)),
                       **dict.fromkeys(range(2009, 2026), pytest.approx(1.2 * 365))}
    assert line["encoding"]["color"]["scale"]["domain"] == [
        "capacity in force (from a daily rate × 365)"]
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[6, 4]]
    rows = _records(spec, line)
    assert {r["derived_text"] for r in rows} == {"derived: 1 million bbl/day × 365",
                                                 "derived: 1.2 million bbl/day × 365"}
    (bars,) = _layer(spec, "bar")
    assert bars["encoding"]["y"]["title"] == "million bbl per year"
    years = {r["year"] for r in _records(spec, bars)}
    assert 2006 in years
    assert 2016 not in years  # only reported in Mt that year
    (gap_text,) = _layer(spec, "text")
    gap = {r["year"]: r["detail"] for r in _records(spec, gap_text)}
    assert gap[2016] == "no reported value in million bbl (reported in Mt)"
    assert 2007 in gap


def _tooltip_words(spec: dict[str, Any], layer: dict[str, Any]) -> dict[str, list[str]]:
    """What a layer's tooltip shows, by its title: each row's text (a number the chart
    formats itself is left out: these tooltips give their figures in words)."""
    fields = {t["title"]: t["field"] for t in layer["encoding"]["tooltip"]
              if t.get("type") == "nominal"}
    return {title: [str(r[field]) for r in _records(spec, layer)]
            for title, field in fields.items()}


def test_chart_tooltips_give_figures_with_separators_and_units(catalog: Catalog) -> None:
    """A reader hovering a bar, a point or a capacity line reads "110,174 t" and
    "1,000,000 t a year", as the panels write figures, never "110174" beside "t"."""
    from corridor_atlas.charts import flows_chart
    from corridor_atlas.headline import flow_history

    spec = volume_chart(catalog.route("btk"), "t", colour=BLUE).to_dict()
    (bars,) = _layer(spec, "bar")
    assert "110,174 t" in _tooltip_words(spec, bars)["volume"]
    assert not [t for t in bars["encoding"]["tooltip"] if t.get("type") == "quantitative"]
    (others,) = _layer(spec, "point")
    assert _tooltip_words(spec, others)["volume"] == ["396,778 t"]
    line, _ = _capacity_line(spec)
    assert "1,000,000 t a year" in _tooltip_words(spec, line)["capacity in force"]
    oil = flows_chart([p for p in flow_history(catalog, None) if p.unit == "bbl/d"])
    oil_spec = oil.to_dict()
    records = oil_spec["datasets"][oil_spec["data"]["name"]]
    btc = {r["year"]: r for r in records}
    assert btc[2009]["carried"] == "788,000 bbl/d"  # as the cards round a measured flow
    assert btc[2009]["capacity_text"] == "1,200,000 bbl/d"
    gas = gas_exports_chart(gas_exports_frame(catalog)).to_dict()
    amounts = {r["amount"] for r in _all_records(gas)}
    assert "6.17 bcm" in amounts
    lengths = lengths_chart(corridor_overview(catalog, {"btc": 1750.0})).to_dict()
    assert "1,768 km" in {r["length"] for r in _all_records(lengths)}


def test_btk_chart_in_tonnes_draws_its_capacity_in_million_tonnes(catalog: Catalog) -> None:
    """BTK's volumes are in tonnes and its dated capacities in Mt/y: 1 Mt/y is
    1,000,000 t a year by unit arithmetic, so the chart draws the capacity in force
    with its legend entry, and says the figure as published."""
    spec = volume_chart(catalog.route("btk"), "t", colour=BLUE).to_dict()
    line, by_year = _capacity_line(spec)
    assert by_year == dict.fromkeys(range(2019, 2023), 1_000_000)  # practical, 2017–2023
    assert line["encoding"]["color"]["scale"]["domain"] == ["capacity in force"]
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0]]  # not derived
    assert {r["derived_text"] for r in _records(spec, line)} == {"as published: 1 Mt/y"}


def test_volume_chart_without_data_in_unit_is_none(catalog: Catalog) -> None:
    assert volume_chart(catalog.route("scp"), "million bbl", colour=BLUE) is None
    assert volume_chart(catalog.route("kars_nakhchivan"), "Mt", colour=BLUE) is None


def test_volume_chart_of_route_without_volumes_is_none(raw_routes: dict[str, dict]) -> None:
    entry = copy.deepcopy(raw_routes["scp"])
    entry["facts"]["annual_volumes"] = []
    entry["name"] = "Test pipeline without volumes"
    route = Route.model_validate(entry)
    assert volume_units(route) == []
    assert volume_chart(route, "bcm", colour=BLUE) is None


def test_two_values_in_one_year_sit_side_by_side(catalog: Catalog) -> None:
    spec = volume_chart(catalog.route("tanap"), "bcm", colour=BLUE).to_dict()
    (bars,) = _layer(spec, "bar")
    assert bars["encoding"]["xOffset"]["field"] == "slot"
    values_2022 = sorted(r["value"] for r in _records(spec, bars) if r["year"] == 2022)
    assert values_2022 == [pytest.approx(5.8), pytest.approx(11.3)]


def test_every_volume_unit_of_every_route_charts(catalog: Catalog) -> None:
    for route in catalog.routes:
        for unit in volume_units(route):
            chart = volume_chart(route, unit, colour=BLUE)
            assert chart is not None, (route.id, unit)
            spec = chart.to_dict()
            assert spec["layer"][0]["encoding"]["y"]["title"] == f"{unit} per year"


# --------------------------------------------------------------------------- milestones


def test_milestone_timeline_one_route(catalog: Catalog) -> None:
    chart = milestone_timeline(milestones_frame(catalog.route("btc")), colour=ORANGE)
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "point"
    assert spec["mark"]["color"] == ORANGE
    assert spec["encoding"]["x"]["field"] == "date_sort"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert {"event", "source"} <= {t["field"] for t in spec["encoding"]["tooltip"]}
    records = next(iter(spec["datasets"].values()))
    assert len(records) == len(catalog.route("btc").facts.milestones)


def test_milestone_timeline_legend_is_whole(catalog: Catalog) -> None:
    spec = milestone_timeline(milestones_frame(catalog.route("tanap"))).to_dict()
    legend = spec["encoding"]["shape"]["legend"]
    # under the chart, across its width, never cut ("date known to the" was cut short)
    assert legend["orient"] == "bottom" and legend["direction"] == "horizontal"
    assert legend["titleLimit"] == 0 and legend["labelLimit"] == 0
    # the chart fits the panel's width only: the legend adds to its height, not eats it
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_milestone_timeline_all_routes_coloured_by_route(catalog: Catalog) -> None:
    colours = {r.short_name: BLUE for r in catalog.routes}
    spec = milestone_timeline(all_milestones(catalog), colour_by="route",
                              colours=colours).to_dict()
    assert spec["encoding"]["color"]["field"] == "route"
    assert spec["encoding"]["color"]["scale"]["range"] == [BLUE] * len(colours)
    assert spec["encoding"]["y"]["field"] == "route"
    records = next(iter(spec["datasets"].values()))
    assert {r["route"] for r in records} == {r.short_name for r in catalog.routes}


# --------------------------------------------------------------------------- gas exports


def test_gas_exports_chart_breaks_lines_at_missing_years(catalog: Catalog) -> None:
    frame = gas_exports_frame(catalog)
    colours = dict.fromkeys(frame["destination"].unique(), BLUE)
    spec = gas_exports_chart(frame, colours=colours).to_dict()
    (line,) = _layer(spec, "line")
    (points,) = _layer(spec, "point")
    # ``null`` would mean "show" (missing drawn as zero) in Vega-Lite 6; break instead.
    assert line["mark"]["invalid"] == "break-paths-filter-domains"
    assert points["transform"] == [{"filter": "isValid(datum.bcm) && isFinite(datum.bcm)"}]
    assert line["encoding"]["y"]["title"] == "bcm"
    assert 2015 in line["encoding"]["x"]["scale"]["domain"]

    records = list(_all_records(spec))
    europe_2015 = [r for r in records if r["year"] == 2015 and r["destination"] == "Europe"]
    assert europe_2015 == [europe_2015[0]]
    assert europe_2015[0]["bcm"] is None
    assert not any(r["bcm"] == 0 for r in records)
    assert "sources" in {t["field"] for t in points["encoding"]["tooltip"]}


# --------------------------------------------------------------------------- flows


def test_flows_chart_one_line_per_route_broken_at_gaps(catalog: Catalog) -> None:
    from corridor_atlas.charts import flows_chart
    from corridor_atlas.headline import flow_history

    points = [p for p in flow_history(catalog, None) if p.unit == "bcm/y"]
    colours = {"SCP": BLUE, "TANAP": ORANGE, "TAP": "#123456"}
    spec = flows_chart(points, colours=colours).to_dict()
    (line,) = _layer(spec, "line")
    assert line["mark"]["invalid"] == "break-paths-filter-domains"
    assert line["encoding"]["color"]["scale"] == {"domain": list(colours),
                                                 "range": list(colours.values())}
    assert line["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert line["encoding"]["y"]["title"] == "bcm/y"
    records = spec["datasets"][spec["data"]["name"]]  # one data set for line and points
    scp = {r["year"]: r["volume"] for r in records if r["route"] == "SCP"}
    assert list(scp) == list(range(2020, 2026)) and scp[2025] == pytest.approx(23.144)
    assert not any(r["volume"] == 0 for r in records)
    oil = flows_chart([p for p in flow_history(catalog, None) if p.unit == "bbl/d"]).to_dict()
    btc = {r["year"]: r["volume"] for r in oil["datasets"][oil["data"]["name"]]}
    assert btc[2007] is None and btc[2009] == pytest.approx(287.6e6 / 365)  # a gap, no zero
    periods = {r["year"]: r["period"] for r in oil["datasets"][oil["data"]["name"]]}
    assert periods[2006] == "part of the year" and periods[2009] == "full year"  # from June
    full, part = _layer(spec, "point")
    assert (full["mark"]["filled"], part["mark"]["filled"]) == (True, False)
    assert {"carried", "capacity_text", "utilisation", "source", "period"} <= {
        t["field"] for t in full["encoding"]["tooltip"]}
    assert flows_chart([]) is None


# --------------------------------------------------------------------------- lengths


def test_lengths_chart_documented_vs_drawn(catalog: Catalog) -> None:
    overview = corridor_overview(catalog, {"btc": 1750.0, "scp": 700.0})
    colours = {"oil": ORANGE, "gas": BLUE, "rail": "#6B3FA0"}
    spec = lengths_chart(overview, colours=colours).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["title"] == "length (km)"
    assert spec["encoding"]["color"]["scale"]["range"] == list(colours.values())
    records = next(iter(spec["datasets"].values()))
    pairs = {(r["kind"], r["measure"]): r["km"] for r in records}
    assert pairs[("oil", "documented")] == pytest.approx(1768)
    assert pairs[("oil", "drawn")] == pytest.approx(1750)
    # Rail has no drawn length here: no bar, not a zero one.
    assert ("rail", "drawn") not in pairs
    assert all(r["km"] not in (0, None) for r in records)


def test_lengths_chart_without_colours_uses_greys(catalog: Catalog) -> None:
    spec = lengths_chart(corridor_overview(catalog, {})).to_dict()
    assert spec["encoding"]["color"]["field"] == "measure"
    for colour in spec["encoding"]["color"]["scale"]["range"]:
        red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert red == green == blue


def test_a_unit_with_quotes_never_reaches_a_vega_expression(catalog: Catalog) -> None:
    route = catalog.route("scp")
    odd = "it's \"'; alert(1); //"
    facts = route.facts.model_copy(update={
        "annual_volumes": [v.model_copy(update={"unit": odd}) for v in route.facts.annual_volumes],
        "capacity": [c.model_copy(update={"unit": f"{odd}/y"}) for c in route.facts.capacity]})
    spec = volume_chart(route.model_copy(update={"facts": facts}), odd, colour=BLUE).to_dict()
    titles = [t.get("title", "") for layer in spec["layer"]
              for t in layer["encoding"].get("tooltip", [])]
    titles += [layer["encoding"]["y"].get("title", "") for layer in spec["layer"]]
    assert "per year" in titles and not any(odd in t for t in titles), titles


def test_overview_chart_titles_fit_a_narrow_panel(catalog: Catalog) -> None:
    """A title longer than a narrow panel is cut short ("documented vs drawn (k…"): the
    titles stay short and the rest goes in a subtitle, which is shorter still."""
    for chart in (gas_exports_chart(gas_exports_frame(catalog)),
                  lengths_chart(corridor_overview(catalog, {}))):
        title = chart.to_dict()["title"]
        assert len(title["text"]) <= 30 and len(title["subtitle"]) <= 30, title
