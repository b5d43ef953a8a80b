"""Status by year, from each milestone's recorded effect: routes, segments, periods,
disputes, and the map, print render and data exports drawn as of a year.

The history checked here is the one the sources document (see
``geo/sources/corridor-facts.json``): BTC built 2002–2006 and in use from first oil at
Ceyhan (28 May 2006); SCP built 2004–2006; BTK's Azerbaijani and east Georgian track in
use for a century, the line closed for rebuilding from 24 May 2023 to 20 May 2024;
Baku–Supsa idle since 2022; Iğdır–Nakhchivan inaugurated on 5 Mar 2025 and idle since
SOCAR said on 26 Aug 2025 that no gas had yet flowed, which the inauguration reports
dispute.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from corridor_atlas import styles
from corridor_atlas.dataexport import to_geojson, to_kml
from corridor_atlas.layers import FACILITIES_ID
from corridor_atlas.maps import build_map, snapshot_map
from corridor_atlas.printmap import render_static
from corridor_atlas.scene import build_scene
from corridor_atlas.timeline import (
    first_year,
    periods,
    route_problems,
    route_state,
    route_status,
    segment_states,
    state_on,
)
from corridor_atlas.view import MapView

from .conftest import CONTEXT_IDS, ROUTE_IDS

NS = {"k": "http://www.opengis.net/kml/2.2"}

# --------------------------------------------------------------------------- routes


@pytest.fixture(scope="module")
def as_of(catalog) -> str:
    return catalog.as_of


def test_every_route_history_is_in_order(catalog):
    for route in catalog.routes:
        assert route_problems(route) == [], route.id


def test_the_catalog_status_is_the_status_on_the_as_of_date(catalog, as_of):
    for route in catalog.routes:
        assert route.status == route_status(route, None, as_of=as_of), route.id


HISTORY = {  # route: {year: status at the end of the year}
    "btc": {1992: None, 1993: "planned", 2002: "construction", 2005: "construction",
            2006: "operating", 2022: "operating"},
    "scp": {2000: None, 2001: "planned", 2003: "planned", 2004: "construction",
            2005: "construction", 2006: "operating"},
    "tanap": {2010: None, 2011: "planned", 2015: "construction", 2018: "operating"},
    "tap": {2007: None, 2008: "planned", 2016: "construction", 2020: "operating"},
    "btk": {2004: None, 2005: "planned", 2007: "construction", 2017: "operating",
            2022: "operating", 2023: "suspended", 2024: "operating"},
    "igdir_nakhchivan": {2008: None, 2009: "planned", 2023: "construction",
                         2024: "construction", 2025: "idle"},
    "kars_nakhchivan": {2019: None, 2020: "planned", 2025: "construction"},
    "baku_supsa": {1995: None, 1996: "planned", 1997: "construction", 1999: "operating",
                   2007: "suspended", 2021: "operating", 2022: "idle", 2024: "idle",
                   2025: "idle"},
    "black_sea_cable": {2021: None, 2022: "planned", 2026: "planned"},
}


@pytest.mark.parametrize(("route_id", "year", "status"),
                         [(r, y, s) for r, years in HISTORY.items() for y, s in years.items()])
def test_status_by_year_follows_the_documented_history(catalog, as_of, route_id, year, status):
    assert route_status(catalog.route(route_id), year, as_of=as_of) == status


def test_first_year_is_the_first_milestone_with_an_effect(catalog, as_of):
    assert first_year(catalog.route("tap"), as_of=as_of) == 2008  # the joint venture
    assert first_year(catalog.route("igdir_nakhchivan"), as_of=as_of) == 2009
    assert first_year(catalog.route("btc"), as_of=as_of) == 1993


def test_btk_suspension_is_a_dated_period(catalog, as_of):
    found = [(p.status, p.start, p.end) for p in periods(catalog.route("btk"), as_of=as_of)]
    assert ("suspended", "2023-05-24", "2024-05-20") in found
    assert found[-1] == ("operating", "2024-05-20", None)
    assert state_on(catalog.route("btk"), "2023-12-31").status == "suspended"
    assert state_on(catalog.route("btk"), "2023-05-23").status == "operating"


def test_btk_existing_track_is_in_use_whenever_the_route_is_shown(catalog, as_of):
    route = catalog.route("btk")
    ids = [s.id for s in route.segments]
    existing = [s.id for s in route.segments if s.existing]
    assert existing == ["btk-1", "btk-2"]  # Baku–Gardabani; Gardabani–Tbilisi–Marabda
    by_year = {y: [s and s.status for s in segment_states(route, ids, y, as_of=as_of)]
               for y in (2004, 2005, 2010, 2023, 2024)}
    assert by_year[2004] == [None] * 4
    assert by_year[2005] == ["operating", "operating", "planned", "planned"]
    assert by_year[2010] == ["operating", "operating", "construction", "construction"]
    assert by_year[2023] == ["operating", "operating", "suspended", "suspended"]
    assert by_year[2024] == ["operating"] * 4
    assert route.segments[0].existing_since == "1883-05-08"


def test_nakhchivan_railway_rebuilding_begins_in_december_2025(catalog, as_of):
    route = catalog.route("kars_nakhchivan")
    ids = [s.id for s in route.segments]
    assert [s and s.status for s in segment_states(route, ids, 2024, as_of=as_of)] == [
        "planned", "planned", "planned", "operating"]
    now = [s and s.status for s in segment_states(route, ids, None, as_of=as_of)]
    assert now == ["construction", "construction", "planned", "construction"]
    assert segment_states(route, ids, None, as_of=as_of)[3].since == "2025-12-05"


def test_igdir_nakhchivan_shows_the_newest_source_and_the_dispute(catalog, as_of):
    state = route_state(catalog.route("igdir_nakhchivan"), None, as_of=as_of)
    assert state.status == "idle" and state.since == "2025-08-26"
    assert state.milestone.source.publisher == "Report.az"
    assert state.dispute is not None and "first gas" in state.dispute.claim
    assert state.dispute.source.date == "2025-03"
    # before SOCAR's statement, the inauguration stood undisputed
    early = state_on(catalog.route("igdir_nakhchivan"), "2025-06-30")
    assert early.status == "operating" and early.dispute is None


def test_a_year_after_the_as_of_date_shows_the_as_of_date(catalog, as_of):
    for route in catalog.routes:
        assert route_state(route, 2040, as_of=as_of) == route_state(route, None, as_of=as_of)
    # a completion target is never drawn
    assert route_status(catalog.route("black_sea_cable"), 2040, as_of=as_of) == "planned"


# --------------------------------------------------------------------------- map


def _html(m) -> str:
    return m.get_root().render()


def _scene(atlas, layers, year=None, **kwargs):
    return build_scene(atlas, MapView(layers=tuple(layers), year=year, **kwargs))


def _phases(atlas, route_id: str, year: int | None) -> list[str]:
    """The status of each drawn segment of one route, as the scene of ``year`` draws it."""
    route = _scene(atlas, [route_id], year).route(route_id)
    return [] if route is None else [s.phase for s in route.segments]


def test_scene_as_of_2002_draws_only_routes_begun(atlas):
    scene = _scene(atlas, ROUTE_IDS, 2002)
    assert {r.id for r in scene.routes} == {"btc", "scp"}
    assert set(scene.not_begun) == set(ROUTE_IDS) - {"btc", "scp"}


def test_scene_as_of_2005_and_2021(atlas):
    # TAP agreed in 2008, TANAP in 2011, Iğdır–Nakhchivan in 2009
    assert {r.id for r in _scene(atlas, ROUTE_IDS, 2005).routes} == {"btc", "scp", "btk"}
    assert {r.id for r in _scene(atlas, ROUTE_IDS, 2021).routes} == set(ROUTE_IDS)


@pytest.mark.parametrize(("year", "phase"), [
    (1999, "planned"), (2004, "construction"), (2005, "construction"), (2006, "operating"),
    (None, "operating")])
def test_btc_phase_follows_the_year(atlas, year, phase):
    (segment,) = _scene(atlas, ["btc"], year).route("btc").segments
    assert segment.phase == phase
    assert segment.style.dash == styles.STATUS_DASH[phase]


def test_btk_in_2005_draws_the_existing_main_line_in_use(atlas):
    assert _phases(atlas, "btk", 2005) == ["operating", "operating", "planned", "planned"]
    assert _phases(atlas, "btk", 2023) == ["operating", "operating", "suspended", "suspended"]
    assert _phases(atlas, "kars_nakhchivan", 2019) == []


def test_disputed_segment_carries_the_dispute(atlas):
    (segment,) = _scene(atlas, ["igdir_nakhchivan"]).route("igdir_nakhchivan").segments
    assert segment.phase == "idle" and segment.dispute is not None
    assert segment.style.dash == styles.STATUS_DASH["idle"]
    (before,) = _scene(atlas, ["igdir_nakhchivan"], 2024).route("igdir_nakhchivan").segments
    assert before.dispute is None


def test_no_year_is_the_as_of_year(atlas, catalog):
    year = int(catalog.as_of[:4])
    for lid in [*CONTEXT_IDS, *ROUTE_IDS]:
        assert _phases(atlas, lid, None) == _phases(atlas, lid, year)


def test_scene_order_follows_the_year(atlas):
    everything = (*CONTEXT_IDS, *ROUTE_IDS, FACILITIES_ID)
    for year in (None, 1995, 2002, 2012, 2024):
        order = _scene(atlas, everything, year, selected="tap").layer_ids
        assert order[-1] == FACILITIES_ID
        begun = [lid for lid in order if lid != FACILITIES_ID]
        # context under the routes, the selected route on top of them once it has begun
        assert [lid for lid in begun if lid in CONTEXT_IDS] == begun[:len(
            [lid for lid in begun if lid in CONTEXT_IDS])]
        if "tap" in begun:
            assert begun[-1] == "tap"
    assert _scene(atlas, ROUTE_IDS, 1992).layer_ids == ()
    assert _scene(atlas, ROUTE_IDS, 1995).layer_ids == ("btc",)


# --------------------------------------------------------------------------- renderers


def _route_ids(html: str) -> set[str]:
    return set(re.findall(r'"route_id": "([a-z_]+)"', html))


def test_live_map_draws_the_scenes_year(atlas, vendor_dir):
    scene = _scene(atlas, ["btc"], 2004)
    html = build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode="static").get_root().render()
    assert f'"dashArray": "{styles.STATUS_DASH["construction"]}"' in html
    assert f'"dashArray": "{styles.STATUS_DASH["planned"]}"' not in html
    assert "Under construction in 2004" in html
    snap = snapshot_map(atlas, _scene(atlas, ["btc", "tap"], 2002),
                        vendor_dir=vendor_dir).get_root().render()
    assert _route_ids(snap) == {"btc"}
    assert "Under construction in 2002" in snap


def _png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def _near(pixels: np.ndarray, colour: str, tol: int = 30) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb) <= tol).all(axis=-1).sum())


def test_print_render_before_tap_has_no_tap(atlas):
    colour = _scene(atlas, ["tap"], 2021).route("tap").colour
    before = _png(render_static(atlas, _scene(atlas, ["tap"], 2002), fmt="png"))
    assert _near(before, colour, 12) < 5  # not on the map, not in the legend
    planned = _png(render_static(atlas, _scene(atlas, ["tap"], 2010), fmt="png"))
    built = _png(render_static(atlas, _scene(atlas, ["tap"], 2021), fmt="png"))
    assert _near(planned, colour, 12) > 50
    assert _near(built, colour, 12) > 2 * _near(planned, colour, 12)  # solid against dotted


def test_print_render_legend_lists_the_years_statuses(atlas):
    svg = render_static(atlas, _scene(atlas, ["btc"], 2004), fmt="svg").decode()
    today = render_static(atlas, _scene(atlas, ["btc"]), fmt="svg").decode()
    assert ">Under construction<" in svg and ">Operating<" not in svg
    assert ">Operating<" in today and ">Under construction<" not in today


def test_geojson_as_of_a_year(atlas):
    doc = json.loads(to_geojson(atlas, _scene(atlas, ("btc", "tap", "kars_nakhchivan"), 2002)))
    assert {f["properties"]["route_id"] for f in doc["features"]} == {"btc"}
    assert doc["layers"] == ["btc"] and doc["year"] == 2002
    assert [f["properties"]["status"] for f in doc["features"]] == ["construction"]

    doc = json.loads(to_geojson(atlas, _scene(atlas, ("tap", "kars_nakhchivan"), 2010)))
    assert [f["properties"]["route_id"] for f in doc["features"]] == ["tap"]
    assert doc["features"][0]["properties"]["status"] == "planned"

    scene = _scene(atlas, ("kars_nakhchivan",), 2024)
    doc = json.loads(to_geojson(atlas, scene))
    assert [f["properties"]["status"] for f in doc["features"]] == [
        s.phase for s in scene.route("kars_nakhchivan").segments]


def test_kml_as_of_a_year(atlas):
    root = ET.fromstring(to_kml(atlas, _scene(atlas, ("btc", "tap", FACILITIES_ID), 2002)))
    folders = [f.get("id") for f in root.iterfind("k:Document/k:Folder", NS)]
    assert folders == ["layer-btc", f"layer-{FACILITIES_ID}"]
    btc = root.find("k:Document/k:Folder[@id='layer-btc']", NS)
    assert btc.findtext("k:description", namespaces=NS).endswith("Under construction in 2002")
    assert "Status: Under construction in 2002" in btc.findtext("k:Placemark/k:description",
                                                                namespaces=NS)


# --------------------------------------------------------------------------- facilities


def _facility_ids(atlas, year):
    scene = _scene(atlas, ("btc", FACILITIES_ID), year)
    return {m.facility.id for m in scene.facilities.marks}, scene


def test_facilities_are_drawn_only_from_the_year_they_existed(atlas):
    shown, scene = _facility_ids(atlas, 1995)
    assert not shown & {"star_refinery", "tap_landfall_melendugno", "kipoi_cs", "fier_cs",
                        "kipoi_junction", "kars_station", "sangachal", "alat_port"}
    assert {"nakhchivan_city", "igdir"} <= shown  # towns are there throughout
    assert not {p.text for p in scene.place_labels} & {"Melendugno", "Kipoi", "Fier"}
    shown, _ = _facility_ids(atlas, 2006)
    assert {"sangachal", "shah_deniz", "acg", "supsa_terminal"} <= shown
    assert "star_refinery" not in shown and "kars_station" not in shown
    shown, _ = _facility_ids(atlas, 2019)  # built, not yet in use: drawn
    assert {"kipoi_cs", "fier_cs", "star_refinery", "kars_station"} <= shown
    assert "tap_landfall_melendugno" not in shown
    everything, _ = _facility_ids(atlas, None)
    assert "tap_landfall_melendugno" in everything


def test_every_facility_but_a_town_has_a_dated_milestone(catalog):
    for fac in catalog.facilities.items:
        if fac.category == "city":
            assert fac.milestones == []
        else:
            assert fac.milestones and fac.milestones[0].source.publisher, fac.id


def test_geojson_of_1995_holds_no_facility_built_later(atlas):
    doc = json.loads(to_geojson(atlas, _scene(atlas, ("btc", FACILITIES_ID), 1995)))
    ids = {f["properties"].get("facility_id") for f in doc["features"]} - {None}
    assert ids == {"nakhchivan_city", "igdir"}


# --------------------------------------------------------------------------- disputes drawn


def test_every_renderer_marks_the_disputed_status(atlas, vendor_dir):
    scene = _scene(atlas, ["igdir_nakhchivan"])
    assert len(scene.route("igdir_nakhchivan").disputes) == 1
    html = build_map(atlas, scene, vendor_dir=vendor_dir, asset_mode="static").get_root().render()
    assert html.count('class=\\"atlas-dispute\\"') + html.count('class="atlas-dispute"') == 1
    assert "Sources disagree: At the inauguration on 5 Mar 2025" in html
    assert "Sources disagree on the status" in html  # the legend row
    svg = render_static(atlas, scene, fmt="svg").decode()
    assert ">?<" in svg and ">Sources disagree on the status<" in svg
    doc = json.loads(to_geojson(atlas, scene))
    (props,) = [f["properties"] for f in doc["features"]]
    assert props["status"] == "idle" and props["status_since"] == "2025-08-26"
    assert props["disputed_by"].startswith("Sources disagree: At the inauguration")
    kml = to_kml(atlas, scene).decode()
    assert "Status: Idle (little or no flow) (since 26 August 2025)" in kml
    # before SOCAR's statement there is nothing to mark
    assert _scene(atlas, ["igdir_nakhchivan"], 2024).route("igdir_nakhchivan").disputes == ()
