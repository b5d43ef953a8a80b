"""Headline figures (headline.py) and their cards in words (describe.py), on the real catalog."""

from __future__ import annotations

import pytest

from corridor_atlas import describe
from corridor_atlas.catalog import Catalog, Route
from corridor_atlas.headline import (
    flow_history,
    gas_exports,
    planned,
    route_headline,
    route_headlines,
    route_start,
    under_construction,
)

from .conftest import ROUTE_IDS


def _shift_milestone(route: Route, index: int, new_date: str) -> Route:
    milestones = list(route.facts.milestones)
    milestones[index] = milestones[index].model_copy(update={"date": new_date})
    facts = route.facts.model_copy(update={"milestones": milestones})
    return route.model_copy(update={"facts": facts})


# --------------------------------------------------------------------------- route figures


def test_each_main_route_with_figures_has_a_headline(catalog: Catalog) -> None:
    found = {h.route_id: h for h in route_headlines(catalog, None)}
    assert set(found) <= set(ROUTE_IDS)
    # Kars–Nakhchivan is being built: no capacity in force, no volume, so no headline
    assert set(found) == set(ROUTE_IDS) - {"kars_nakhchivan"}
    for h in found.values():
        for figure in (h.volume, h.previous, h.capacity, h.volume_capacity):
            assert figure is None or figure.sources, (h.route_id, figure)


def test_scp_latest_volume_change_and_utilisation(catalog: Catalog) -> None:
    scp = route_headline(catalog.route("scp"), None, as_of=catalog.as_of)
    assert (scp.volume.year, scp.volume.value, scp.volume.unit) == (2025, 23.144, "bcm/y")
    assert scp.previous.value == pytest.approx(22.8) and scp.previous.year == 2024
    assert scp.change == pytest.approx(0.344)
    assert scp.volume_capacity.value == pytest.approx(23.4)
    assert scp.utilisation == pytest.approx(23.144 / 23.4)
    assert scp.in_operation.date == "2006-12-15"


def test_tanap_volume_is_its_latest_complete_year_and_says_what_is_partial(
        catalog: Catalog) -> None:
    tanap = route_headline(catalog.route("tanap"), None, as_of=catalog.as_of)
    # to Türkiye + to Europe: only 2022 has both parts
    assert tanap.volume.year == 2022 and tanap.volume.value == pytest.approx(5.8 + 11.3)
    assert tanap.previous is None and tanap.change is None  # 2021: Türkiye's part only
    assert tanap.partial_years == (2023, 2024, 2025)
    assert tanap.utilisation == pytest.approx(17.1 / 16)


def test_tap_compares_with_the_capacity_of_the_volumes_year(catalog: Catalog) -> None:
    tap = route_headline(catalog.route("tap"), None, as_of=catalog.as_of)
    assert tap.volume.year == 2022 and tap.volume_capacity.value == 10
    assert tap.capacity.value == pytest.approx(11.2)  # in force in the as-of year
    assert tap.utilisation == pytest.approx(1.15)


def test_a_year_cuts_everything_after_it(catalog: Catalog) -> None:
    tanap = route_headline(catalog.route("tanap"), 2005, as_of=catalog.as_of)
    assert tanap.status is None and tanap.volume is None and tanap.capacity is None
    assert tanap.in_operation is None
    btc = route_headline(catalog.route("btc"), 2012, as_of=catalog.as_of)
    assert btc.volume.year == 2010 and btc.previous.year == 2009
    assert btc.status == "operating" and btc.in_operation.date == "2006-05-28"
    btc_2005 = route_headline(catalog.route("btc"), 2005, as_of=catalog.as_of)
    assert btc_2005.status == "construction" and btc_2005.since.date == "2002-09-18"


def test_route_start_is_read_from_the_data(catalog: Catalog) -> None:
    tanap = catalog.route("tanap")
    start = route_start(tanap, as_of=catalog.as_of)
    assert start.first.date == "2011-10-25" and start.first.status == "planned"
    assert start.first_volume_year == 2020
    assert describe.no_volume_text(start, 2005) == (
        "No annual volume up to 2005. TANAP was agreed in 2011; its first sourced annual "
        "volumes are for 2020.")
    # move the first agreement: the sentence follows the data, nothing is hard-coded
    moved = route_start(_shift_milestone(tanap, 0, "2009-10-25"), as_of=catalog.as_of)
    assert "TANAP was agreed in 2009" in describe.no_volume_text(moved, 2005)
    assert describe.no_milestone_text(start, 2005).startswith(
        "No dated milestone up to 2005. TANAP's first is dated 25 October 2011: ")


# --------------------------------------------------------------------------- gas exports


def test_gas_exports_of_the_latest_year_by_destination(catalog: Catalog) -> None:
    exports = gas_exports(catalog, None)
    assert exports[0].field == "total_exports_bcm"
    assert {e.year for e in exports} == {2025}
    by = {e.field: e for e in exports}
    assert by["to_europe_bcm"].value == 12.8 and by["to_europe_bcm"].previous == 12.9
    assert by["to_syria_bcm"].previous is None  # no 2024 figure: no change to give
    assert all(e.sources for e in exports)
    assert [e.year for e in gas_exports(catalog, 2019)] == [2019]
    assert gas_exports(catalog, 2005) == []


# --------------------------------------------------------------------------- being built


def test_under_construction_and_when_it_is_due(catalog: Catalog) -> None:
    now = {b.route_id: b for b in under_construction(catalog, None)}
    assert "kars_nakhchivan" in now
    due = now["kars_nakhchivan"].due
    assert due.target and due.date == "2029-12" and due.sources
    for build in now.values():
        assert build.due is None or build.due.date > catalog.as_of
    then = {b.route_id: b for b in under_construction(catalog, 2005)}
    assert set(then) == {"btc", "scp"}
    assert then["btc"].due.date == "2006-05-28" and not then["btc"].due.target


# --------------------------------------------------------------------------- over time


def test_flow_history_keeps_gaps_as_gaps(catalog: Catalog) -> None:
    btc = [p for p in flow_history(catalog, None) if p.route_id == "btc"]
    years = [p.year for p in btc]
    assert years == list(range(2006, 2026))
    by_year = {p.year: p for p in btc}
    assert by_year[2007].volume is None  # no figure: a gap, never zero or a neighbour's
    assert by_year[2009].capacity == pytest.approx(1.2e6)
    assert all(p.volume is None or p.volume > 0 for p in btc)
    assert all(p.year <= 2012 for p in flow_history(catalog, 2012))


# --------------------------------------------------------------------------- in words


def test_route_cards_in_words(catalog: Catalog) -> None:
    cards = {h.route_id: describe.route_card(h) for h in route_headlines(catalog, None)}
    scp = cards["scp"]
    assert (scp.label, scp.value) == ("SCP: carried in 2025", "23.1 bcm/y")
    assert (scp.delta, scp.delta_note) == ("+0.34 bcm/y", "on 2024")
    assert "99% of the 23.4 bcm/y capacity in force" in scp.lines
    assert {what for what, _ in scp.sources} == {"volume", "capacity"}
    btc = cards["btc"]
    assert btc.value == "566,000 bbl/d" and btc.delta.startswith("-")
    assert "47% of the 1,200,000 bbl/d capacity in force" in btc.lines
    assert "206.434 million bbl" in btc.help
    igdir = cards["igdir_nakhchivan"]
    assert igdir.value == "0.73 bcm/y" and igdir.delta is None
    assert igdir.lines == ("No annual volume with a source up to 2026.",)
    tanap = cards["tanap"]
    assert "2023–2025: figures for only part of what it carried" in tanap.lines
    assert "No figure for 2021 to compare with." in tanap.lines


def test_route_panel_cards_follow_the_year(catalog: Catalog) -> None:
    def cards(route_id: str, year: int) -> dict[str, describe.Card]:
        head = route_headline(catalog.route(route_id), year, as_of=catalog.as_of)
        return {c.label: c for c in describe.route_panel_cards(head)}

    tap = cards("tap", 2022)
    assert tap["Carried in 2022"].value == "11.5 bcm/y"
    assert tap["Utilisation in 2022"].value == "115%"
    assert tap["Capacity in 2022"].value == "10 bcm/y"
    assert tap["Length"].value == "878 km"
    assert tap["In operation since"].value == "31 December 2020"
    tanap = cards("tanap", 2005)
    assert tanap["Capacity in 2005"].value is None
    assert tanap["Capacity in 2005"].lines == ("No capacity dated as in force in 2005.",)
    assert tanap["Carried up to 2005"].value is None
    assert tanap["In operation"].lines == ("Not in operation by 2005.",)
    cable = cards("black_sea_cable", 2026)  # the atlas measures no flow on a power line
    assert set(cable) == {"Length", "In operation"}


def test_status_lines(catalog: Catalog) -> None:
    def line(route_id: str, year: int) -> str:
        return describe.status_in_year_line(
            route_headline(catalog.route(route_id), year, as_of=catalog.as_of))

    assert line("tanap", 2005) == "In 2005: Not yet agreed"
    assert line("tanap", 2026) == "In 2026: Operating since 30 June 2018"
    assert line("btc", 2005) == "In 2005: Under construction since 18 September 2002"


def test_export_and_build_cards(catalog: Catalog) -> None:
    cards = [describe.export_card(e) for e in gas_exports(catalog, None)]
    assert (cards[0].label, cards[0].value) == ("All gas exports, 2025", "25.2 bcm")
    assert (cards[0].delta, cards[0].delta_note) == ("0", "no change on 2024")
    europe = next(c for c in cards if c.label == "To Europe, 2025")
    assert europe.delta == "-0.1 bcm"
    builds = {b.route_id: describe.build_card(b) for b in under_construction(catalog, None)}
    kars = builds["kars_nakhchivan"]
    assert (kars.label, kars.value) == ("Kars–Nakhchivan: due", "December 2029")
    assert [what for what, _ in kars.sources] == ["target"]
    undated = [c for c in builds.values() if c.value is None]
    assert all("No completion date with a source." in c.lines for c in undated)


def test_a_part_year_volume_says_so(catalog: Catalog) -> None:
    head = route_headline(catalog.route("btc"), 2006, as_of=catalog.as_of)
    assert head.volume.year == 2006  # 57.7 million bbl, from June 2006
    card = {c.label: c for c in describe.route_panel_cards(head)}["Carried in 2006"]
    assert "Part of the year only: partial year: from June 2006" in card.lines


def test_planned_lines_come_from_the_recorded_phases_with_their_targets(
        catalog: Catalog) -> None:
    """The lines planned or agreed in a year are those whose dated milestones leave them
    planned, whatever their notes say; each with what came next or its first target."""
    now = {b.route_id: b for b in planned(catalog, None)}
    assert set(now) == {"black_sea_cable", "tripp"}
    cable = now["black_sea_cable"]
    assert cable.since is not None and cable.since.date == "2022-12-17"
    assert cable.due is not None and cable.due.target and cable.due.date == "2032"
    assert now["tripp"].due is None  # no target date in the data: none invented
    then = {b.route_id: b for b in planned(catalog, 2012)}
    assert then["tap"].due is not None and not then["tap"].due.target
    assert (then["tap"].due.date, then["tap"].due.status) == ("2016-05-17", "construction")
    # a note that speaks of construction changes nothing: the phases decide
    tripp = catalog.route("tripp")
    worded = tripp.model_copy(update={"facts": tripp.facts.model_copy(
        update={"status_detail": "under construction since 2026", "notes": "being built"})})
    edited = catalog.model_copy(update={"routes": [worded if r.id == "tripp" else r
                                                   for r in catalog.routes]})
    assert "tripp" in {b.route_id for b in planned(edited, None)}
    assert "tripp" not in {b.route_id for b in under_construction(edited, None)}
