"""Panel data shaping, checked on the real catalog in geo/."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from corridor_atlas.catalog import Catalog, Route
from corridor_atlas.panels import (
    DESCRIPTIVE_SOURCE,
    DRAWN_SOURCE,
    NO_SOURCED_VALUE,
    CapacityLine,
    all_milestones,
    as_read,
    capacities_overview,
    capacity_series,
    context_figures_frame,
    corridor_overview,
    gas_exports_frame,
    key_figures,
    milestones_frame,
    status_periods_frame,
    volume_units,
    volumes_frame,
)


@pytest.fixture(scope="module")
def raw_routes(geo_dir: Path) -> dict[str, dict]:
    raw = json.loads((geo_dir / "catalog.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in raw["routes"]}


def _row(frame: pd.DataFrame, figure: str) -> pd.Series:
    rows = frame[frame["figure"] == figure]
    assert len(rows) == 1, f"expected one {figure!r} row, got {len(rows)}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- key figures


def test_btc_documented_length_is_1768_from_bp(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("btc"), 1750.4)
    row = _row(frame, "documented length")
    assert row["value"] == "1,768 km"
    assert row["source"] == "bp Azerbaijan, n.d."
    assert row["url"].startswith("https://www.bp.com/")
    assert list(frame.columns) == ["figure", "value", "note", "source", "url"]


def test_key_figures_status_follows_the_year(catalog: Catalog) -> None:
    from corridor_atlas.describe import MILESTONES_SOURCE
    from corridor_atlas.panels import route_until

    tanap = catalog.route("tanap")
    then = key_figures(route_until(tanap, 2005), None, as_of=catalog.as_of, year=2005)
    row = _row(then, "status in 2005")
    assert row["value"] == "Not yet agreed" and row["source"] == MILESTONES_SOURCE
    assert _row(then, "status today")["value"] == "Operating"  # today's, as the legend says
    later = key_figures(route_until(tanap, 2012), None, as_of=catalog.as_of, year=2012)
    row = _row(later, "status in 2012")
    assert row["value"] == "Planned / agreed"
    assert row["note"].startswith("since 25 October 2011: Azerbaijan–Türkiye agreement")
    assert row["source"] == "QAFSAM, 2013-01-30" and row["url"].startswith("https://qafsam")
    # without a year, the one status row is the catalog's, as before
    assert "status" in set(key_figures(tanap, None)["figure"])
    assert not key_figures(tanap, None)["figure"].str.startswith("status in").any()


def test_key_figures_say_countries_kinds_and_statuses_in_words(catalog: Catalog) -> None:
    """Countries by name (the catalog's codes in words), kinds and statuses as the legend
    says them, and the research's own words for them in the note when they say more."""
    names = catalog.country_codes
    scp = key_figures(catalog.route("scp"), None, as_of=catalog.as_of, year=2026,
                      countries=names)
    assert _row(scp, "countries")["value"] == "Azerbaijan, Georgia, Türkiye"
    assert _row(scp, "length in Georgia")["value"] == "249 km"
    assert _row(scp, "length by country (alternative)")["value"] == (
        "Azerbaijan 443 km, Georgia 248 km, Türkiye (BOTAŞ section to Erzurum, not part of "
        "SCP) 280 km")
    assert _row(scp, "kind")["value"] == "Gas pipeline" and not _row(scp, "kind")["note"]
    igdir = key_figures(catalog.route("igdir_nakhchivan"), None, as_of=catalog.as_of,
                        year=2026, countries=names)
    today = _row(igdir, "status today")
    assert today["value"] == "Idle (little or no flow)"  # as the map's legend and caption
    assert today["note"].startswith("completed (inaugurated 2025-03-05); regular deliveries")
    cable = key_figures(catalog.route("black_sea_cable"), None, as_of=catalog.as_of,
                        year=2026, countries=names)
    assert _row(cable, "kind")["value"] == "Power cable"
    assert _row(cable, "kind")["note"] == "power cable (HVDC, planned)"
    assert _row(cable, "countries")["value"] == "Azerbaijan, Georgia, Romania, Hungary"


def test_capacity_steps_follow_the_dated_capacities(catalog: Catalog) -> None:
    from corridor_atlas.panels import capacity_steps

    steps = {s.year: s for s in capacity_steps(catalog.route("tap"), "bcm", range(2019, 2028))}
    assert steps[2019].value is None  # before the first dated capacity: nothing
    assert [steps[y].value for y in range(2020, 2026)] == [10] * 6
    assert steps[2026].value == pytest.approx(11.2) and steps[2027].value == pytest.approx(11.2)
    assert not any(s.value == 1.2 for s in steps.values())  # an increment is no level
    assert steps[2021].source == "Trend, 2023-03-13" and steps[2021].basis


def test_btc_key_figures_rows(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("btc"), 1750.4)
    assert _row(frame, "name (Turkish)")["value"] == catalog.route("btc").name_tr
    assert _row(frame, "name (Azerbaijani)")["value"] == catalog.route("btc").name_az
    status = _row(frame, "status")
    assert status["source"] == "newest source, 2026-03-11"
    assert status["url"] == "https://azinfo.net/news/1000461"
    assert status["note"].startswith("Operating")
    drawn = _row(frame, "drawn length")
    assert drawn["value"] == "1,750 km as drawn"
    assert drawn["source"] == DRAWN_SOURCE
    alternatives = frame[frame["figure"] == "length (alternative)"]
    assert sorted(alternatives["value"]) == ["1,773 km", "1,776 km", "1,776 km"]
    assert "Georgian Encyclopedia, n.d." in set(alternatives["source"])
    assert _row(frame, "length in TUR")["value"] == "1,076 km"
    diameter = _row(frame, "diameter")
    assert diameter["value"] == "42 in"
    assert "46 in in Georgia" in diameter["note"]
    operator = _row(frame, "operator")
    assert "bp Azerbaijan, n.d." in operator["source"]
    assert "Trend, 2026-03-06" in operator["source"]
    shareholders = frame[frame["figure"] == "shareholder"]
    assert "bp: 30.1%" in set(shareholders["value"])
    assert (shareholders["note"].str.contains("as of 2025-12")).all()
    capacity = frame[frame["figure"].str.endswith("capacity")]
    assert list(capacity["figure"]) == ["design capacity", "expanded capacity",
                                        "design capacity"]
    assert list(capacity["value"]) == ["1 million bbl/day", "1.2 million bbl/day", "50 Mt/y"]
    costs = frame[frame["figure"] == "cost"]
    assert list(costs["value"]) == ["2.95 billion USD", "3.9 billion USD"]
    assert list(costs["note"]) == ["construction budget at sanction (2002–03)",
                                   "final construction cost (excluding financing and line fill)"]


def test_every_key_figure_row_is_sourced_or_says_no_sourced_value(catalog: Catalog) -> None:
    for route in catalog.routes:
        for drawn in (None, 812.3):
            frame = key_figures(route, drawn)
            assert not frame.empty
            for row in frame.itertuples():
                sourced = isinstance(row.source, str) and row.source.strip() != ""
                assert sourced or row.value == NO_SOURCED_VALUE, (route.id, row.figure)
                if row.value == NO_SOURCED_VALUE:
                    assert row.source == "", (route.id, row.figure)
                assert not any(pd.isna(v) for v in (row.figure, row.value, row.note,
                                                    row.source)), (route.id, row.figure)


def test_figures_other_than_descriptive_rows_carry_a_real_source(catalog: Catalog) -> None:
    descriptive = {"name (English)", "name (Turkish)", "name (Azerbaijani)", "kind", "start",
                   "end", "countries"}
    for route in catalog.routes:
        frame = key_figures(route, None)
        labelled = frame[frame["source"] == DESCRIPTIVE_SOURCE]
        assert set(labelled["figure"]) <= descriptive, route.id
        figures = frame[~frame["figure"].isin(descriptive)
                        & (frame["value"] != NO_SOURCED_VALUE)
                        & (frame["source"] != DRAWN_SOURCE)]
        assert figures["url"].notna().all(), route.id


def test_btk_diameter_has_no_sourced_value(catalog: Catalog) -> None:
    row = _row(key_figures(catalog.route("btk"), None), "diameter")
    assert row["value"] == NO_SOURCED_VALUE
    assert row["source"] == "" and row["note"] == ""


def test_btk_without_shareholders_and_without_drawn_length(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("btk"), None)
    assert _row(frame, "shareholders")["value"] == NO_SOURCED_VALUE
    assert "drawn length" not in set(frame["figure"])


def test_country_lengths_use_the_azerbaijani_source_where_given(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("kars_nakhchivan"), None)
    assert _row(frame, "length in TUR")["source"] == "Sabah, 2025-08-21"
    assert _row(frame, "length in AZE")["source"] == "Report.az, 2025-12-05"
    assert _row(frame, "documented length")["note"].startswith("Turkish section only")


def test_black_sea_cable_has_no_country_lengths(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("black_sea_cable"), None)
    row = _row(frame, "length by country")
    assert row["value"] == NO_SOURCED_VALUE
    assert "not published" in row["note"]
    assert list(frame.loc[frame["figure"].str.endswith("capacity"), "value"]) == [
        "1 GW", "1.3 GW", "4 GW"]


def test_unsourced_length_and_diameter_stay_empty(raw_routes: dict[str, dict]) -> None:
    entry = copy.deepcopy(raw_routes["btc"])
    entry["facts"]["length_km"]["source"] = None
    entry["facts"]["diameter_detail"] = None
    entry["facts"]["operator_source"] = []
    entry["facts"]["capacity"] = []
    entry["facts"]["cost"] = []
    route = Route.model_validate(entry)
    frame = key_figures(route, None)
    for figure in ("documented length", "diameter", "operator", "capacity", "cost"):
        assert _row(frame, figure)["value"] == NO_SOURCED_VALUE, figure
    assert "1768" not in " ".join(frame.loc[frame["figure"] == "documented length", "value"])


# --------------------------------------------------------------------------- milestones


def by_effect(frame: pd.DataFrame) -> dict[str, str]:
    wanted = {"2005-05-25", "2006-05-28", "2008-08-05", "2008-08-25", "2009-03", "2014-08-11"}
    return {d: e for d, e in zip(frame["date"], frame["effect"], strict=True) if d in wanted}


def test_status_periods_frame_lists_each_period_with_its_source(catalog: Catalog) -> None:
    frame = status_periods_frame(catalog.route("btk"), as_of=catalog.as_of)
    rows = as_read(frame)[["status", "from", "until"]].values.tolist()
    assert ["Suspended", "24 May 2023", "20 May 2024"] in rows
    assert rows[-1] == ["Operating", "20 May 2024", "still, as of 3 July 2026"]
    assert frame["source"].str.len().gt(0).all()
    disputed = status_periods_frame(catalog.route("igdir_nakhchivan"), as_of=catalog.as_of)
    assert disputed["sources disagree"].iloc[-1].endswith("(Ekonomist, 2025-03)")
    assert (disputed["sources disagree"].iloc[:-1] == "").all()


def test_status_over_time_follows_the_year_shown(catalog: Catalog) -> None:
    """In 2012 TAP was planned: its Status over time stops there, as the year shown, and
    says the period was still running then; it does not tell 2016 and 2020 yet."""
    tap = catalog.route("tap")
    rows = as_read(status_periods_frame(tap, as_of=catalog.as_of, year=2012))
    assert rows[["status", "from", "until"]].values.tolist() == [
        ["Planned / agreed", "13 February 2008", "still at the end of 2012"]]
    later = as_read(status_periods_frame(tap, as_of=catalog.as_of, year=2017))
    assert later["until"].iloc[-1] == "still at the end of 2017"
    assert later["status"].iloc[-1] == "Under construction"
    today = as_read(status_periods_frame(tap, as_of=catalog.as_of, year=2030))
    assert today["until"].iloc[-1] == "still, as of 3 July 2026"
    assert as_read(status_periods_frame(tap, as_of=catalog.as_of, year=2005)).empty


def test_milestones_sorted_and_partial_dates_parsed(catalog: Catalog) -> None:
    frame = milestones_frame(catalog.route("btc"))
    assert list(frame.columns) == ["date", "date_sort", "precision", "event", "effect",
                                   "applies to", "note", "source", "url", "route_id"]
    assert by_effect(frame) == {"2005-05-25": "under construction", "2006-05-28": "in use",
                                "2008-08-05": "suspended", "2008-08-25": "back in use",
                                "2009-03": "expansion", "2014-08-11": "no change"}
    assert frame["date_sort"].is_monotonic_increasing
    assert pd.api.types.is_datetime64_any_dtype(frame["date_sort"])
    by_date = frame.set_index("date")
    assert by_date.loc["2003-04", "date_sort"] == pd.Timestamp("2003-04-01")
    assert by_date.loc["2003-04", "precision"] == "month"
    assert by_date.loc["2005-05-10", "date_sort"] == pd.Timestamp("2005-05-10")
    assert by_date.loc["2005-05-10", "precision"] == "day"
    assert (frame["route_id"] == "btc").all()
    assert frame["source"].str.len().gt(0).all()

    supsa = milestones_frame(catalog.route("baku_supsa")).set_index("date")
    assert supsa.loc["1997", "date_sort"] == pd.Timestamp("1997-01-01")
    assert supsa.loc["1997", "precision"] == "year"


def test_year_only_milestone_parses_to_first_of_january(raw_routes: dict[str, dict]) -> None:
    entry = copy.deepcopy(raw_routes["btc"])
    milestones = entry["facts"]["milestones"]
    entry["facts"]["milestones"] = [
        {**milestones[0], "date": "2005-05-10"},
        {**milestones[1], "date": "2003"},
        {**milestones[2], "date": "2003-04"},
    ]
    frame = milestones_frame(Route.model_validate(entry))
    assert list(frame["date"]) == ["2003", "2003-04", "2005-05-10"]
    assert list(frame["precision"]) == ["year", "month", "day"]
    assert list(frame["date_sort"]) == [pd.Timestamp("2003-01-01"), pd.Timestamp("2003-04-01"),
                                        pd.Timestamp("2005-05-10")]


def test_all_milestones_covers_every_route(catalog: Catalog) -> None:
    frame = all_milestones(catalog)
    assert len(frame) == sum(len(r.facts.milestones) for r in catalog.routes)
    assert frame["date_sort"].is_monotonic_increasing
    assert set(frame["route"]) == {r.short_name for r in catalog.routes}
    assert set(frame["route_id"]) == set(catalog.route_ids)
    btc = frame[frame["route_id"] == "btc"]
    assert (btc["route"] == "BTC").all()


# --------------------------------------------------------------------------- volumes


def test_tap_volumes(catalog: Catalog) -> None:
    frame = volumes_frame(catalog.route("tap"))
    assert list(frame.columns) == ["year", "value", "unit", "what", "period_note", "note",
                                   "source", "url", "series"]
    reported = frame[frame["series"] == "reported"]
    row = reported[reported["year"] == 2021].iloc[0]
    assert row["value"] == pytest.approx(8.1)
    assert row["unit"] == "bcm"
    assert row["source"] == "Azernews, 2022-06-10"
    italy = frame[frame["series"] == "alternative (Italy only)"]
    assert sorted(italy["year"]) == [2021, 2022, 2023]
    assert frame["year"].is_monotonic_increasing


def test_volumes_keep_missing_years_missing(catalog: Catalog) -> None:
    frame = volumes_frame(catalog.route("scp"))
    assert 2012 not in set(frame["year"])
    assert (frame["value"] > 0).all()
    alternatives = frame[frame["series"] == "alternative"]
    assert sorted(alternatives["year"]) == [2021, 2025]


def test_volume_units_most_frequent_first(catalog: Catalog) -> None:
    assert volume_units(catalog.route("btc")) == ["million bbl", "Mt"]
    assert volume_units(catalog.route("scp")) == ["bcm"]
    assert volume_units(catalog.route("kars_nakhchivan")) == []


def test_btc_capacity_in_barrels_is_derived_from_daily_rate(catalog: Catalog) -> None:
    lines = capacity_series(catalog.route("btc"), "million bbl")
    assert all(isinstance(line, CapacityLine) for line in lines)
    assert all(line.derived for line in lines)
    expanded = next(line for line in lines if line.what == "expanded")
    assert expanded.value == pytest.approx(1.2 * 365)
    assert expanded.unit == "million bbl"
    assert expanded.derivation == "1.2 million bbl/day × 365"
    assert "derived" in expanded.label
    assert expanded.source == "bp Azerbaijan, n.d."
    assert expanded.url is not None


def test_btc_capacity_in_tonnes_is_not_derived(catalog: Catalog) -> None:
    lines = capacity_series(catalog.route("btc"), "Mt")
    assert [(line.value, line.derived, line.derivation) for line in lines] == [
        (50.0, False, None)]


def test_scp_capacity_in_bcm_is_published(catalog: Catalog) -> None:
    lines = capacity_series(catalog.route("scp"), "bcm")
    design = [line for line in lines if line.what == "design"]
    assert [line.value for line in design] == [pytest.approx(7.41)]
    assert not design[0].derived
    assert design[0].derivation is None
    assert design[0].source == "Southern Gas Corridor CJSC, n.d."
    assert not any(line.derived for line in lines)


def test_capacity_in_other_units_does_not_match(catalog: Catalog) -> None:
    assert capacity_series(catalog.route("black_sea_cable"), "GWh") == []
    assert capacity_series(catalog.route("scp"), "million bbl") == []
    # Daily gas capacity becomes an annual figure only when asked in mcm.
    lines = capacity_series(catalog.route("igdir_nakhchivan"), "mcm")
    assert [(line.value, line.derived) for line in lines] == [(730.0, True)]


# --------------------------------------------------------------------------- corridor-wide


def test_corridor_overview_lengths_by_kind(catalog: Catalog) -> None:
    drawn = {"btc": 1750.0, "scp": 700.0}
    frame = corridor_overview(catalog, drawn).set_index("kind")
    assert list(frame.index) == ["oil", "gas", "rail"]
    assert frame.loc["oil", "documented_km"] == pytest.approx(1768)
    assert frame.loc["oil", "routes"] == 1
    assert frame.loc["gas", "documented_km"] == pytest.approx(692 + 1850 + 878 + 97.5)
    assert frame.loc["gas", "drawn_km"] == pytest.approx(700)
    assert frame.loc["gas", "drawn_routes"] == 1
    assert "TANAP" in frame.loc["gas", "without_drawn_length"]
    assert math.isnan(frame.loc["rail", "drawn_km"])
    assert "Turkish section only" in frame.loc["rail", "length_notes"]

    with_context = corridor_overview(catalog, drawn, include_context=True).set_index("kind")
    assert list(with_context.index) == ["oil", "gas", "rail", "power"]
    assert with_context.loc["oil", "routes"] == 2
    assert with_context.loc["power", "documented_km"] == pytest.approx(1155 + 283)  # + BSTN
    assert with_context.loc["gas", "routes"] == 4 + 2  # + IGB, Kilis–Aleppo


def test_corridor_overview_lists_routes_without_documented_length(
        catalog: Catalog, raw_routes: dict[str, dict]) -> None:
    entry = copy.deepcopy(raw_routes["btk"])
    entry["facts"]["length_km"]["value"] = None
    patched = catalog.model_copy(update={"routes": [
        Route.model_validate(entry) if r.id == "btk" else r for r in catalog.routes]})
    frame = corridor_overview(patched, {}).set_index("kind")
    assert frame.loc["rail", "without_documented_length"] == "BTK"
    assert frame.loc["rail", "documented_km"] == pytest.approx(224)


def test_capacities_overview(catalog: Catalog) -> None:
    frame = capacities_overview(catalog)
    assert len(frame) == sum(len(r.facts.capacity) or 1 for r in catalog.routes)
    tripp = frame[frame["route_id"] == "tripp"]  # no sourced capacity: one row that says so
    assert len(tripp) == 1 and tripp["note"].iloc[0] == NO_SOURCED_VALUE
    assert frame["source"].notna().sum() == sum(len(r.facts.capacity) for r in catalog.routes)
    scp = frame[(frame["route_id"] == "scp") & (frame["what"] == "design")].iloc[0]
    assert (scp["value"], scp["unit"]) == (pytest.approx(7.41), "bcm/y")
    assert scp["route"] == catalog.route("scp").short_name
    only_routes = capacities_overview(catalog, include_context=False)
    assert set(only_routes["role"]) == {"route"}


def test_gas_exports_frame_keeps_gaps(catalog: Catalog) -> None:
    frame = gas_exports_frame(catalog)
    assert list(frame.columns) == ["year", "destination", "bcm", "note", "sources", "url"]
    assert len(frame) == 6 * len(catalog.gas_exports_azerbaijan)
    europe_2015 = frame[(frame["year"] == 2015) & (frame["destination"] == "Europe")]
    assert len(europe_2015) == 1
    assert math.isnan(europe_2015["bcm"].iloc[0])
    turkiye_2015 = frame[(frame["year"] == 2015) & (frame["destination"] == "Türkiye")]
    assert turkiye_2015["bcm"].iloc[0] == pytest.approx(6.17)
    assert set(frame["destination"]) == {"Türkiye", "Europe", "Georgia", "total",
                                         "Türkiye via TANAP", "Syria"}
    syria = frame[frame["destination"] == "Syria"].set_index("year")["bcm"]
    assert syria[2025] == pytest.approx(0.5) and math.isnan(syria[2024])
    assert (frame["bcm"].dropna() != 0).all()
    assert frame["sources"].str.len().gt(0).all()
    row_2020 = frame[frame["year"] == 2020].iloc[0]
    assert row_2020["sources"] == ("AZERTAC (German), 2021-02-08; "
                                   "Azernews (via Today.az), 2021-02-10; "
                                   "Azernews (via Today.az), 2021-07-01")
    assert row_2020["url"] == catalog.gas_exports_azerbaijan[5].sources[0].url


def test_context_figures_frame(catalog: Catalog) -> None:
    frame = context_figures_frame(catalog).set_index("id")
    trade = frame.loc["trade_2021"]
    assert trade["support_level"] == "partly supported"
    assert bool(trade["disputed"]) is True
    assert trade["alternatives"].startswith(f"4.6 {trade['unit']} (Azernews, 2022-03-28); ")
    assert trade["source"] == "AZERTAC (German), 2022-12-03"
    star = frame.loc["star_value"]
    assert bool(star["disputed"]) is False
    assert bool(frame.loc["gas_plan_2023", "disputed"]) is True
    assert frame.loc["gas_plan_2023", "outcome"] == "9.5 bcm (Trend, 2024-01-11)"
    for column in ("text", "value", "unit", "year", "support_level", "note", "source", "url",
                   "alternatives", "disputed"):
        assert column in frame.columns


def test_capacity_increments_are_shown_as_additions_not_capacities(catalog: Catalog) -> None:
    tap = key_figures(catalog.route("tap"), None)
    added = tap[tap["figure"] == "expanded capacity added"]
    assert list(added["value"]) == ["+1.2 bcm/y"]
    levels = tap[tap["figure"] == "expanded capacity"]
    assert list(levels["value"]) == ["11.2 bcm/y"]
    assert [c.value for c in capacity_series(catalog.route("tap"), "bcm")] == [10, 11.2, 20]
    btk = key_figures(catalog.route("btk"), None)
    assert list(btk[btk["figure"] == "practical capacity"]["value"]) == ["1 Mt/y"]
    assert "6.5 Mt/y" in set(btk[btk["figure"] == "design capacity"]["value"])


def test_context_figures_carry_their_caveats(catalog: Catalog) -> None:
    frame = context_figures_frame(catalog).set_index("id")
    gas = frame.loc["largest_exporter_march_2020", "caveat"]
    assert "16.2 bcm" in gas and "11.5 bcm" in gas and "Russia" in gas
    assert "Italy" in frame.loc["trade_2021", "caveat"]
    assert frame["caveat"].notna().sum() == 2


def test_a_figure_whose_newest_source_is_over_a_year_old_says_so(catalog: Catalog) -> None:
    frame = key_figures(catalog.route("igdir_nakhchivan"), None, as_of=catalog.as_of)
    status = _row(frame, "status")["note"]
    assert "more than a year" not in status  # SOCAR, 26 Aug 2025
    operator = _row(frame, "operator")["note"]
    assert operator == ("newest source 6 January 2021: more than a year before the data's "
                        "as-of date (3 July 2026)")
    without = key_figures(catalog.route("igdir_nakhchivan"), None)
    assert not without["note"].fillna("").str.contains("more than a year").any()
