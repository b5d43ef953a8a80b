"""The as-of-year view: milestone phases, route and segment phases, and the map, print
render and data exports drawn as of a year."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from corridor_atlas import styles
from corridor_atlas.catalog import Milestone
from corridor_atlas.dataexport import to_geojson, to_kml
from corridor_atlas.layers import FACILITIES_ID
from corridor_atlas.maps import build_map, snapshot_map
from corridor_atlas.printmap import render_static
from corridor_atlas.scene import build_scene
from corridor_atlas.timeline import (
    PHASE_RANK,
    PHASES,
    RULES,
    first_year,
    milestone_phase,
    phase_years,
    route_phase,
    segment_phase,
    segment_phases,
)
from corridor_atlas.view import MapView, default_year

from .conftest import CONTEXT_IDS, ROUTE_IDS

NS = {"k": "http://www.opengis.net/kml/2.2"}

# --------------------------------------------------------------------------- milestones

# Every milestone of the catalog, by route and date, and the phase its event marks
# (None: it does not change the phase). The first phase change of each route is marked «».
MILESTONE_PHASES: dict[str, dict[str, str | None]] = {
    "btc": {
        "1993-03-09": "planned",  # «» first document signed
        "1999-11-18": "planned",
        "2002-08-01": "planned",  # BTC Co. established: a company, not a line
        "2002-09-18": "construction",  # «» groundbreaking
        "2003-04": "construction",
        "2005-05-10": "operating",  # «» first oil pumped
        "2005-05-25": "operating",
        "2005-10-12": "operating",
        "2006-05-28": "operating",
        "2006-06-04": "operating",
        "2006-07-13": "operating",
        "2009-03": None,  # throughput raised
        "2014-08-11": None,
        "2018-07-14": None,
        "2021-12-12": None,
        "2022-12-31": None,
        "2023-02-06": None,  # suspended after the earthquake
        "2025-12-05": None,  # operatorship talks
    },
    "scp": {
        "2001-09-29": "planned",  # «»
        "2006-05-21": "construction",  # commissioning gas
        "2006-09-30": "operating",  # «» commercial deliveries
        "2006-12-15": "operating",
        "2007-07": "operating",
        "2008-08-12": None,
        "2014-09-20": None,  # SCPX: an expansion
        "2018-05-29": "operating",
        "2018-06-30": None,
        "2020-03-20": None,
        "2020-12-31": "operating",
        "2021-08-01": None,
    },
    "tanap": {
        "2011-10-25": "planned",  # «»
        "2011-11-17": None,  # announced at a forum; the 2011-10-25 agreement already counts
        "2011-12-26": "planned",
        "2012-06-26": "planned",
        "2014-09-10": "planned",
        "2015-03-17": "construction",  # «»
        "2017-09-23": "construction",
        "2018-01-23": "construction",  # first test gas
        "2018-06-12": "operating",  # «» inauguration of phase 0
        "2018-06-30": "operating",
        "2018-12": None,
        "2019-06-15": None,
        "2019-11-30": None,
        "2020-12-31": "operating",
        "2022-10-06": None,  # plan to double capacity
    },
    "tap": {
        "2003": None,  # project announced by one company: not yet agreed
        "2009-03-12": "planned",
        "2012-02-20": "planned",
        "2013-02-13": "planned",
        "2013-06-28": "planned",
        "2016-05-17": "construction",  # «»
        "2018-06-08": "construction",
        "2019-04": None,
        "2019-11": "construction",
        "2020-11-15": "operating",  # «»
        "2020-12-31": "operating",
        "2023-01-22": None,
        "2023-01-27": None,
        "2023-07-25": None,
        "2025-08": None,
        "2026-01-01": None,
    },
    "btk": {
        "2005-05": "planned",  # «»
        "2007-02-07": "planned",
        "2007-02-21": "planned",
        "2007-11-21": "construction",  # «»
        "2008-07-24": "construction",
        "2017-10-30": "operating",  # «»
        "2019-03-27": "operating",
        "2020-02-25": "planned",  # the MoU of the branch: no step back (the maximum counts)
        "2023-05-24": None,
        "2024-05-20": None,
    },
    "igdir_nakhchivan": {
        "2020-12-15": "planned",  # «»
        "2022-02-10": "planned",  # funds *for* construction
        "2023-07": "construction",  # «»
        "2023-09-25": "construction",
        "2025-03-05": "operating",  # «»
        "2025-08-26": None,
    },
    "kars_nakhchivan": {
        "2020-02-25": "planned",  # «»
        "2023-09-25": "planned",
        "2025-08-22": "construction",  # «»
        "2025-10-26": "construction",
        "2025-12-05": None,  # reconstruction of an existing line
        "2029-12": None,  # a target
    },
    "baku_supsa": {
        "1996-03-08": "planned",  # «»
        "1997": "construction",  # «»
        "1998-12": "construction",  # line fill
        "1999-04-08": "operating",  # «»
        "1999-04-17": "operating",
        "2006-10-21": None,
        "2008-08-12": None,
        "2021-11-30": None,
        "2022-03": None,
        "2023-02": None,
    },
    "black_sea_cable": {
        "2022-12-17": "planned",  # «»
        "2023-06": None,  # an intention announced
        "2023-07-25": "planned",
        "2024-05-27": "planned",
        "2024-09-03": None,  # shareholders' agreement
        "2024-11": "planned",
        "2025-02-04": "planned",
        "2025-03-10": "planned",
        "2025-12-01": "planned",
        "2026-02-04": "planned",
        "2026-02": "planned",
        "2032": None,  # target completion
    },
}


def test_the_table_covers_every_milestone(catalog):
    assert set(MILESTONE_PHASES) == set(catalog.route_ids)
    for route in catalog.routes:
        dates = [m.date for m in route.facts.milestones]
        assert len(dates) == len(set(dates)), route.id
        assert dates == list(MILESTONE_PHASES[route.id]), route.id


@pytest.mark.parametrize(("route_id", "date", "phase"),
                         [(r, d, p) for r, table in MILESTONE_PHASES.items()
                          for d, p in table.items()])
def test_each_real_milestone_is_classified(catalog, route_id, date, phase):
    event = next(m.event for m in catalog.route(route_id).facts.milestones if m.date == date)
    assert milestone_phase(event) == phase, event


@pytest.mark.parametrize(("event", "phase"), [
    ("Intergovernmental agreement signed", "planned"),
    ("Memorandum of understanding", "planned"),
    ("Final investment decision taken", "planned"),
    ("FID on stage 2", "planned"),
    ("Feasibility study completed", "planned"),
    ("Route announced", None),
    ("Joint venture company formed", "planned"),
    ("Company inaugurated in Baku", "planned"),  # a company's inauguration opens no line
    ("Presidential order allocating funds for construction", "planned"),
    ("Groundbreaking ceremony", "construction"),
    ("Foundation stone laid", "construction"),
    ("Construction launched", "construction"),
    ("Pipe-laying in the Adriatic", "construction"),
    ("Welding of the first joint", "construction"),
    ("Works began on the Greek section", "construction"),
    ("First test gas into the pipeline", "construction"),
    ("Line fill started", "construction"),
    ("First oil at Ceyhan", "operating"),
    ("First cargo loaded", "operating"),
    ("First commercial gas delivered", "operating"),
    ("First (test) passenger train", "operating"),
    ("Pipeline inaugurated", "operating"),
    ("Inauguration ceremony of the line", "operating"),
    ("Pipeline commissioned", "operating"),
    ("Start of commercial operations", "operating"),
    ("Line started operating", "operating"),
    ("Railway opened for traffic", "operating"),
    ("Capacity raised to 1.2 million bbl/day", None),
    ("Expansion completed", None),
    ("Operatorship transfer to SOCAR", None),
    ("Shareholders approve the budget", None),
    ("Line closed for reconstruction", None),
    ("Line reopened after modernization", None),
    ("Target completion", None),
    ("First Azerbaijan–Türkiye document on the pipeline signed", "planned"),
    ("Framework agreement; loan of US$200m (1%, 25 years)", "planned"),
    ("", None),
])
def test_keyword_rules(event, phase):
    assert milestone_phase(event) == phase


def test_rules_are_compiled_case_insensitive_and_ordered():
    assert [name for name, *_ in RULES][:1] == ["no change"]
    assert all(p.flags & re.IGNORECASE for *_, p in RULES)
    assert milestone_phase("GROUNDBREAKING") == milestone_phase("groundbreaking")
    assert PHASES == ("planned", "construction", "operating")
    assert PHASE_RANK["planned"] < PHASE_RANK["construction"] < PHASE_RANK["operating"]


# --------------------------------------------------------------------------- routes


@pytest.fixture(scope="module")
def as_of(catalog) -> int:
    return default_year(catalog)


PHASE_YEARS = {
    "btc": {"planned": 1993, "construction": 2002, "operating": 2005},
    "scp": {"planned": 2001, "operating": 2006},  # no construction milestone in the data
    "tanap": {"planned": 2011, "construction": 2015, "operating": 2018},
    "tap": {"planned": 2009, "construction": 2016, "operating": 2020},
    "btk": {"planned": 2005, "construction": 2007, "operating": 2017},
    "igdir_nakhchivan": {"planned": 2020, "construction": 2023, "operating": 2025},
    "kars_nakhchivan": {"planned": 2020, "construction": 2025},
    "baku_supsa": {"planned": 1996, "construction": 1997, "operating": 1999},
    "black_sea_cable": {"planned": 2022},
}


@pytest.mark.parametrize("route_id", list(PHASE_YEARS))
def test_phase_years_of_every_route(catalog, as_of, route_id):
    route = catalog.route(route_id)
    assert phase_years(route, as_of_year=as_of) == PHASE_YEARS[route_id]
    assert first_year(route) == PHASE_YEARS[route_id]["planned"]


@pytest.mark.parametrize(("route_id", "year", "phase"), [
    ("btc", 1992, None), ("btc", 1993, "planned"), ("btc", 1998, "planned"),
    ("btc", 2002, "construction"), ("btc", 2003, "construction"),
    ("btc", 2004, "construction"), ("btc", 2005, "operating"), ("btc", 2006, "operating"),
    ("btc", 2026, "operating"),
    ("scp", 2000, None), ("scp", 2005, "planned"), ("scp", 2006, "operating"),
    ("tanap", 2010, None), ("tanap", 2011, "planned"), ("tanap", 2014, "planned"),
    ("tanap", 2015, "construction"), ("tanap", 2017, "construction"),
    ("tanap", 2018, "operating"),
    ("tap", 2005, None), ("tap", 2009, "planned"), ("tap", 2015, "planned"),
    ("tap", 2016, "construction"), ("tap", 2019, "construction"), ("tap", 2020, "operating"),
    ("btk", 2004, None), ("btk", 2006, "planned"), ("btk", 2010, "construction"),
    ("btk", 2017, "operating"), ("btk", 2023, "operating"),  # a closure is no step back
    ("igdir_nakhchivan", 2019, None), ("igdir_nakhchivan", 2022, "planned"),
    ("igdir_nakhchivan", 2024, "construction"), ("igdir_nakhchivan", 2025, "operating"),
    ("kars_nakhchivan", 2019, None), ("kars_nakhchivan", 2024, "planned"),
    ("kars_nakhchivan", 2025, "construction"), ("kars_nakhchivan", 2026, "construction"),
    ("kars_nakhchivan", 2030, "construction"),  # the 2029 target never makes it operate
    ("baku_supsa", 1995, None), ("baku_supsa", 1996, "planned"),
    ("baku_supsa", 1998, "construction"), ("baku_supsa", 1999, "operating"),
    ("baku_supsa", 2023, "operating"),
    ("black_sea_cable", 2021, None), ("black_sea_cable", 2022, "planned"),
    ("black_sea_cable", 2026, "planned"), ("black_sea_cable", 2032, "planned"),
    ("black_sea_cable", 2040, "planned"),  # never operating: it is planned today
])
def test_route_phase_by_year(catalog, as_of, route_id, year, phase):
    assert route_phase(catalog.route(route_id), year, as_of_year=as_of) == phase


def test_present_and_later_years_show_todays_status(catalog, as_of):
    for route in catalog.routes:
        for year in (as_of, as_of + 1, as_of + 10):
            assert route_phase(route, year, as_of_year=as_of) == route.status, route.id


def test_phases_never_go_back_and_never_pass_today(catalog, as_of):
    for route in catalog.routes:
        ranks = [PHASE_RANK.get(route_phase(route, y, as_of_year=as_of) or "", 0)
                 for y in range(1990, as_of + 3)]
        assert ranks == sorted(ranks), route.id
        assert max(ranks) == PHASE_RANK[route.status], route.id


def _with_milestones(route, *pairs: tuple[str, str]):
    """A copy of a real route with these (date, event) milestones instead of its own."""
    source = route.facts.milestones[0].source
    milestones = [Milestone(date=d, event=e, source=source) for d, e in pairs]
    return route.model_copy(update={"facts": route.facts.model_copy(
        update={"milestones": milestones})})


def test_operating_route_without_an_operating_milestone(catalog, as_of):
    tap = catalog.route("tap")
    # the last construction milestone is in 2019: operating from 2020
    built = _with_milestones(tap, ("2009", "Intergovernmental agreement"),
                             ("2016", "Groundbreaking ceremony"),
                             ("2019-11", "Mechanical completion of the compressor station"))
    assert route_phase(built, 2019, as_of_year=as_of) == "construction"
    assert route_phase(built, 2020, as_of_year=as_of) == "operating"
    assert phase_years(built, as_of_year=as_of) == {"planned": 2009, "construction": 2016,
                                                    "operating": 2020}
    # the year after the last construction milestone is not before the as-of year
    late = _with_milestones(tap, ("2024", "Intergovernmental agreement"),
                            (f"{as_of - 1}", "Groundbreaking ceremony"))
    assert route_phase(late, as_of - 1, as_of_year=as_of) == "construction"
    assert phase_years(late, as_of_year=as_of)["operating"] == as_of
    # no construction milestone at all: from the as-of year
    agreed = _with_milestones(tap, ("2009", "Intergovernmental agreement"))
    assert route_phase(agreed, as_of - 1, as_of_year=as_of) == "planned"
    assert phase_years(agreed, as_of_year=as_of) == {"planned": 2009, "operating": as_of}


def test_route_without_phase_milestones_begins_at_the_as_of_year(catalog, as_of):
    kars = catalog.route("kars_nakhchivan")
    silent = _with_milestones(kars, ("2020", "Talks held"))
    assert first_year(silent) is None and first_year(silent, as_of_year=as_of) == as_of
    assert route_phase(silent, as_of - 1, as_of_year=as_of) is None
    assert route_phase(silent, as_of, as_of_year=as_of) == "construction"
    assert phase_years(silent, as_of_year=as_of) == {"construction": as_of}


def test_a_planned_route_is_never_shown_beyond_planned(catalog, as_of):
    cable = _with_milestones(catalog.route("black_sea_cable"), ("2023", "Groundbreaking"),
                             ("2024", "First power flows"))
    assert route_phase(cable, 2024, as_of_year=as_of) == "planned"


def test_a_milestone_counts_from_its_year(catalog, as_of):
    # TAP's commercial operations began on 15 Nov 2020: 2020 is operating
    assert route_phase(catalog.route("tap"), 2020, as_of_year=as_of) == "operating"


# --------------------------------------------------------------------------- segments


@pytest.mark.parametrize(("segment", "route_ph", "route_status", "phase"), [
    ("operating", None, "construction", None),  # route not begun: nothing, even existing
    ("operating", "planned", "construction", "operating"),  # existing line, route begun
    ("construction", "planned", "construction", "planned"),
    ("planned", "construction", "construction", "planned"),  # never beyond its own class
    ("construction", "construction", "construction", "construction"),
    ("operating", "construction", "operating", "construction"),
    ("operating", "operating", "operating", "operating"),
    ("planned", "planned", "planned", "planned"),
])
def test_segment_phase(segment, route_ph, route_status, phase):
    assert segment_phase(segment, route_ph, route_status) == phase


def test_kars_nakhchivan_segments_by_year(atlas, catalog, as_of):
    route = catalog.route("kars_nakhchivan")
    now = list(atlas.routes["kars_nakhchivan"]["status_class"])
    assert segment_phases(route, now, None, as_of_year=as_of) == now
    assert segment_phases(route, now, 2019, as_of_year=as_of) == [None] * 4
    assert segment_phases(route, now, 2024, as_of_year=as_of) == [
        "planned", "planned", "planned", "operating"]
    assert segment_phases(route, now, as_of, as_of_year=as_of) == now
    with pytest.raises(ValueError, match="as_of_year"):
        segment_phases(route, now, 2024, as_of_year=None)


# --------------------------------------------------------------------------- map


def _html(m) -> str:
    return m.get_root().render()


def _scene(atlas, layers, year=None, **kwargs):
    return build_scene(atlas, MapView(layers=tuple(layers), year=year, **kwargs))


def _phases(atlas, route_id: str, year: int | None) -> list[str]:
    """The phase of each drawn segment of one route, as the scene of ``year`` draws it."""
    route = _scene(atlas, [route_id], year).route(route_id)
    return [] if route is None else [s.phase for s in route.segments]


def test_scene_as_of_2002_draws_only_routes_begun(atlas):
    scene = _scene(atlas, ROUTE_IDS, 2002)
    assert {r.id for r in scene.routes} == {"btc", "scp"}
    assert set(scene.not_begun) == set(ROUTE_IDS) - {"btc", "scp"}


def test_scene_as_of_2005_and_2021(atlas):
    # TAP agreed in 2009, TANAP in 2011
    assert {r.id for r in _scene(atlas, ROUTE_IDS, 2005).routes} == {"btc", "scp", "btk"}
    assert {r.id for r in _scene(atlas, ROUTE_IDS, 2021).routes} == set(ROUTE_IDS)


@pytest.mark.parametrize(("year", "phase"), [
    (1999, "planned"), (2004, "construction"), (2006, "operating"), (None, "operating")])
def test_btc_phase_follows_the_year(atlas, year, phase):
    (segment,) = _scene(atlas, ["btc"], year).route("btc").segments
    assert segment.phase == phase
    assert segment.style.dash == styles.STATUS_DASH[phase]


def test_existing_segment_keeps_its_class(atlas):
    assert _phases(atlas, "kars_nakhchivan", 2024) == ["planned"] * 3 + ["operating"]
    assert _phases(atlas, "kars_nakhchivan", 2019) == []


def test_no_year_is_todays_map(atlas, catalog):
    for lid in [*CONTEXT_IDS, *ROUTE_IDS]:
        current = list(atlas.routes[lid]["status_class"])
        assert _phases(atlas, lid, None) == current
        assert _phases(atlas, lid, default_year(catalog)) == current


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
