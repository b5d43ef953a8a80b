"""Plain words for readers, where data words once leaked: each checked on the real output.

Tables, tooltips, popups, search results and the catalog's texts say what they say in a
reader's words: no ids, no field names, no ``None``/``nan``, numbers with separators
and units, chart titles that fit a phone. The whole app is read in tests/test_reviewer.py.
"""

from __future__ import annotations

import pytest

from corridor_atlas import charts, panels
from corridor_atlas.catalog import Catalog
from corridor_atlas.describe import location_text
from corridor_atlas.layers import FACILITIES_ID
from corridor_atlas.maps import layer_groups
from corridor_atlas.scene import build_scene
from corridor_atlas.search import build_index
from corridor_atlas.view import MapView

from .reader_support import CHART_TITLE_MAX, IDS, problems_in, visible_text


def _cells(frame) -> list[str]:
    """A reader's table as it reads: headers, then every cell in its words."""
    shown = panels.as_read(frame)
    return [str(c) for c in shown.columns] + [
        str(v) for column in shown.columns if column != panels.LINK for v in shown[column]]


def _clean(frame, where: str) -> list[str]:
    return [p for text in _cells(frame) for p in problems_in(text, where, IDS)]


def test_the_table_tab_names_kinds_and_statuses_in_words(catalog: Catalog) -> None:
    ids = [r.id for r in catalog.routes]
    frame = panels.layers_table(catalog, ids, status={"tanap": "construction", "btc": None},
                                drawn_km={"btc": 1750.4}, facilities=True)
    assert "layer" not in frame.columns
    assert not [c for c in frame.columns if "_" in c]
    rows = panels.as_read(frame).set_index("name")
    btc, tanap = catalog.route("btc").name, catalog.route("tanap").name
    assert rows.loc[tanap, "status"] == "Under construction"
    assert rows.loc[btc, "status"] == "Not yet agreed"
    assert rows.loc[btc, "kind"] == "Oil pipeline"
    assert rows.loc[btc, "documented length"] == "1,768 km"
    assert rows.loc[btc, "drawn length"] == "1,750 km"
    assert rows.loc[btc, "design capacity"] == "1" and rows.loc[btc, "unit"] == "million bbl/day"
    assert rows.loc[catalog.route("kars_nakhchivan").name, "unit"] == "no sourced value"
    assert rows.loc["Sangachal Terminal", "kind"] == "Terminal / port"
    assert not _clean(frame, "Table tab")


def test_the_overview_length_table_is_in_words(catalog: Catalog) -> None:
    lengths = panels.corridor_overview(catalog, {"btc": 1750.0, "scp": 700.0})
    frame = panels.lengths_table(lengths)
    assert list(frame.columns) == ["kind", "routes", "documented length", "drawn length",
                                   "no documented length", "notes"]
    rows = panels.as_read(frame).set_index("kind")
    assert rows.loc["Oil pipeline", "documented length"] == "1,768 km"
    assert rows.loc["Gas pipeline", "drawn length"] == "700 km"
    assert rows.loc["Gas pipeline", "notes"].startswith(
        "drawn length: the sum over 1 of 4 routes (not drawn: TANAP, TAP, Iğdır–Nakhchivan)")
    assert rows.loc["Railway", "drawn length"] == ""
    assert rows.loc["Railway", "notes"].startswith("not drawn")
    assert not _clean(frame, "lengths table")
    capacities = panels.capacities_table(catalog)
    assert {"route_id", "role"}.isdisjoint(capacities.columns)
    assert "Under construction" in set(capacities["status"])
    assert not _clean(capacities, "capacities table")


def _title_lines(chart) -> list[str]:
    title = chart.to_dict()["title"]
    lines = [title] if isinstance(title, str) else [title["text"], title.get("subtitle", "")]
    return [line for item in lines for line in ([item] if isinstance(item, str) else item)]


def test_chart_titles_fit_a_phone(catalog: Catalog) -> None:
    made = [charts.lengths_chart(panels.corridor_overview(catalog, {})),
            charts.gas_exports_chart(panels.gas_exports_frame(catalog))]
    made += [c for route in catalog.routes for unit in panels.volume_units(route)
             if (c := charts.volume_chart(route, unit, colour="#000000")) is not None]
    for chart in made:
        for line in _title_lines(chart):
            assert line and len(line) <= CHART_TITLE_MAX, line
            assert not problems_in(line, "chart title", IDS)


def test_facility_popups_say_facts_and_location_in_words(atlas) -> None:
    scene = build_scene(atlas, MapView(layers=(FACILITIES_ID,)))
    (group,) = layer_groups(scene)
    popups = {f["id"]: visible_text(f["properties"]["popup"])
              for child in group._children.values() if hasattr(child, "data")
              for f in child.data["features"]}
    sangachal = popups["sangachal"]
    assert "distance from Baku (km)" in sangachal and "area (ha)" in sangachal
    assert "Location: the site itself" in sangachal
    assert "approximate (the nearest town or village" in popups["kipoi_cs"]
    assert "\tarea\t162,970 m²" in popups["fier_cs"]
    for fid, text in popups.items():
        assert not problems_in(text, fid, IDS), problems_in(text, fid, IDS)
        assert "NOT FOUND" not in text and "PROXY" not in text


def test_every_facility_says_where_its_point_is_in_words(catalog: Catalog) -> None:
    for facility in catalog.facilities.items:
        words = location_text(facility)
        assert facility.location is not None, facility.id
        assert "NOT FOUND" not in words and "PROXY" not in words
        if facility.lon is None:
            assert words.startswith("not known (no source gives its coordinates"), facility.id
            assert facility.location_note, facility.id
    ceyhan = next(f for f in catalog.facilities.items if f.id == "ceyhan_terminal")
    assert ceyhan.name == "Ceyhan Marine Terminal (BTC terminal)"
    assert "Yumurtalık" in location_text(ceyhan)


def test_search_shows_names_never_notes_or_ids(atlas) -> None:
    index = build_index(atlas)
    (ceyhan,) = [h for h in index.search("ceyhan") if h.id == "ceyhan_terminal"]
    assert ceyhan.label == ceyhan.matched == "Ceyhan Marine Terminal (BTC terminal)"
    kipoi = index.search("kipoi cs")[0]
    assert kipoi.id == "kipoi_cs" and kipoi.matched == kipoi.label


def _reader_texts(catalog: Catalog):
    """The catalog's texts the app shows readers, with where they are."""
    for route in catalog.routes:
        f = route.facts
        yield route.id, f.notes or ""
        yield route.id, f.status_detail or ""
        yield from ((route.id, c) for c in f.conflicts)
        for m in f.milestones:
            yield route.id, m.event
            yield route.id, m.note or ""
        for v in (*f.annual_volumes, *f.annual_volume_alternatives,
                  *f.annual_volumes_italy_only):
            yield route.id, " ".join(x or "" for x in (v.what, v.note, v.period_note))
        for v in f.other_volume_data:
            yield route.id, " ".join(x or "" for x in (v.what, v.note, v.period))
    for facility in catalog.facilities.items:
        yield facility.id, f"{facility.name} {facility.kind} {location_text(facility)}"
    yield from (("gaps", g) for g in catalog.gaps)
    for entry in catalog.gas_exports_azerbaijan:
        yield "gas exports", entry.note or ""
    for fig in catalog.context_figures:
        yield fig.id, f"{fig.text} {fig.note or ''}"


def test_the_catalogs_texts_hold_no_field_names_or_ids(catalog: Catalog) -> None:
    found = [p for where, text in _reader_texts(catalog)
             for p in problems_in(text, where, IDS)]
    assert not found, "\n".join(found)
    tripp = catalog.route("tripp").facts.notes or ""
    assert "joins the Kars–Nakhchivan railway" in tripp


def test_context_figures_and_gas_exports_leave_nothing_missing(catalog: Catalog) -> None:
    items = panels.context_items(catalog)
    assert items and all(isinstance(getattr(i, f), str) for i in items
                         for f in ("text", "support", "source", "alternatives", "outcome",
                                   "note", "caveat"))
    assert any(i.caveat for i in items) and any(not i.note for i in items)
    table = panels.gas_exports_table(panels.gas_exports_frame(catalog))
    gas = panels.as_read(table).set_index("year")
    assert gas.loc["2015", "Europe"] == panels.NO_FIGURE
    assert gas.loc["2015", "Türkiye"] == "6.17 bcm"
    assert not _clean(table, "gas exports")


@pytest.mark.parametrize("route_id", ["kars_nakhchivan", "black_sea_cable", "tripp"])
def test_key_figures_and_dates_leave_no_cell_missing(catalog: Catalog, route_id: str) -> None:
    route = catalog.route(route_id)
    assert not _clean(panels.key_figures(route, 812.3, as_of=catalog.as_of,
                                         countries=catalog.country_codes), route_id)
    dates = panels.milestones_table(panels.milestones_frame(route))
    assert "date_sort" not in dates.columns and "route_id" not in dates.columns
    assert not _clean(dates, route_id)
    assert not _clean(panels.volumes_table(route), route_id)


def test_the_layer_control_names_routes_as_the_sidebar_does(atlas) -> None:
    scene = build_scene(atlas, MapView(layers=tuple(atlas.layer_ids())))
    names = [visible_text(g.layer_name) for g in layer_groups(scene)]
    expected = [atlas.catalog.route(lid).name if lid != FACILITIES_ID else "Facilities"
                for lid in scene.layer_ids]
    assert [n.strip("▬● ") for n in names] == expected


def test_a_route_tooltip_ends_on_a_line_of_its_own_and_shows_no_id(atlas) -> None:
    scene = build_scene(atlas, MapView(layers=("btc", "tanap"), year=2026))
    for group in layer_groups(scene):
        tips = [f["properties"]["tip"] for child in group._children.values()
                if hasattr(child, "data") for f in child.data["features"]
                if "tip" in f["properties"]]
        assert tips
        for tip in tips:
            lines = [line.strip() for line in visible_text(tip).splitlines()]
            assert lines[-1] == "Click for its panel", lines
            assert not problems_in(visible_text(tip), "tooltip", IDS)
