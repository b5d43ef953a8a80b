from __future__ import annotations

import math

import pytest

from corridor_atlas.urlstate import Notice, UrlState, parse_query, standing, to_query
from corridor_atlas.view import focus_extent, view_for_bbox

LAYERS = ["baku_supsa", "btc", "tap", "facilities"]
ROUTES = ["baku_supsa", "btc", "tap"]
YEARS = (1993, 2032)


KINDS = ["oil", "gas", "rail", "power"]
STATUSES = ["operating", "construction", "planned"]


def parse(**params):
    return parse_query(params, layer_ids=LAYERS, route_ids=ROUTES, years=YEARS, kinds=KINDS,
                       statuses=STATUSES)


def test_good_query_is_read_whole():
    state, notices = parse(layers="btc,tap", year="2012", route="tap", view="41.2,35.1,6")
    assert state == UrlState(("btc", "tap"), 2012, "tap", (41.2, 35.1, 6.0))
    assert notices == []


@pytest.mark.parametrize(
    ("params", "field", "notice"),
    [
        ({"year": "abc"}, "year", "not a whole number"),
        ({"year": "1850"}, "year", "the data covers 1993–2032"),
        ({"layers": "<script>"}, "layers", "unknown layer id(s) in the URL: '<script>'"),
        ({"route": "x" * 50}, "route", "no such route"),
        ({"view": "1,2"}, "view", "expected LAT,LON,ZOOM"),
        ({"view": "91,2,5"}, "view", "latitude"),
        ({"view": "40,30,99"}, "view", "zoom"),
        ({"view": "nan,1,4"}, "view", "three numbers"),
        ({"layers": "btc," * 200}, "layers", "longer than 400 characters"),
    ],
)
def test_garbage_is_ignored_with_a_notice(params, field, notice):
    state, notices = parse(**params)
    assert getattr(state, field) is None
    assert len(notices) == 1 and notice in notices[0].text
    assert notices[0].key == next(iter(params))  # what it is about


def test_partly_known_layers_keep_the_known_ones():
    state, notices = parse(layers="btc,atlantis,tap,btc")
    assert state.layers == ("btc", "tap")
    assert "'atlantis'" in notices[0].text


def test_unknown_parameter_is_mentioned():
    _, notices = parse(zoom="5")
    assert notices == [Notice(None, "Ignored the unknown URL parameter 'zoom'.")]


def test_list_values_take_the_last():
    state, _ = parse(year=["2001", "2003"])
    assert state.year == 2003


def test_to_query_round_trips_and_omits_defaults():
    default = UrlState(("btc", "tap"), 2026, None, None)
    state = UrlState(("tap",), 2012, "tap", (41.23456, 35.1, 6.5))
    query = to_query(state, default=default)
    assert query == {"layers": "tap", "year": "2012", "route": "tap", "view": "41.2346,35.1000,6.5"}
    back, notices = parse(**query)
    assert notices == [] and back.layers == ("tap",) and back.year == 2012
    assert to_query(default, default=default) == {}
    reordered = UrlState(("tap", "btc"), 2026, None, None)
    assert to_query(reordered, default=default) == {}  # same layers, any order


def test_view_for_bbox_fits_the_corridor():
    lat, lon, zoom = view_for_bbox((18.0, 36.5, 50.5, 42.6), width_px=800, height_px=640)
    assert 38 < lat < 41 and lon == pytest.approx(34.25)
    assert zoom == 5.0  # 800 px across 32.5° of longitude
    assert view_for_bbox((44.0, 39.5, 44.2, 39.6))[2] == 11.0  # capped


def test_a_preset_name_is_a_view():
    state, notices = parse_query({"view": "South-Caucasus"}, layer_ids=LAYERS,
                                 route_ids=ROUTES, years=YEARS,
                                 presets=["south-caucasus", "nakhchivan"])
    assert (state.preset, state.view, notices) == ("south-caucasus", None, [])
    state, notices = parse(view="south-caucasus")  # no presets known: a bad view
    assert state.preset is None and "expected LAT,LON,ZOOM" in notices[0].text


@pytest.mark.parametrize(("value", "flows"), [("1", True), ("on", True), ("0", False),
                                              ("false", False)])
def test_flows_switch(value, flows):
    state, notices = parse(flows=value)
    assert state.flows is flows and notices == []


def test_a_bad_flows_value_is_ignored_with_a_notice():
    state, notices = parse(flows="<b>maybe</b>")
    assert state.flows is None and "flows=1 or flows=0" in notices[0].text


def test_flows_and_presets_in_the_query():
    default = UrlState(("btc",), 2026, None, None, flows=False)
    query = to_query(UrlState(("btc",), 2026, None, (40.0, 45.0, 7.0), "nakhchivan", True),
                     default=default)
    assert query == {"view": "nakhchivan", "flows": "1"}
    assert to_query(UrlState(("btc",), 2026, None, None, None, False), default=default) == {}


def test_filters_in_the_url():
    state, notices = parse(kinds="rail, gas,rail", status="operating")
    assert (state.kinds, state.statuses, notices) == (("rail", "gas"), ("operating",), [])
    state, notices = parse(kinds="")  # nothing chosen: no kind shown
    assert state.kinds == () and notices == []
    assert parse()[0].kinds is None and parse()[0].statuses is None  # no filter asked


@pytest.mark.parametrize(("params", "field", "kept", "notice"), [
    ({"kinds": "oil,coal"}, "kinds", ("oil",), "unknown kind(s) in the URL: 'coal'"),
    ({"kinds": "<b>x</b>"}, "kinds", None, "unknown kind(s) in the URL: '<b>x</b>'"),
    ({"status": "ruined,planned"}, "statuses", ("planned",), "unknown status(es) in the URL"),
    ({"status": "x" * 500}, "statuses", None, "longer than 400 characters"),
])
def test_bad_filter_values_are_ignored_with_a_notice(params, field, kept, notice):
    state, notices = parse(**params)
    assert getattr(state, field) == kept
    assert len(notices) == 1 and notice in notices[0].text
    assert notices[0].key == next(iter(params))


def test_filters_are_written_unless_everything_is_shown():
    default = UrlState(("btc",), 2026, None, None, kinds=tuple(KINDS), statuses=tuple(STATUSES))
    assert to_query(UrlState(("btc",), 2026, kinds=tuple(reversed(KINDS)),
                             statuses=tuple(STATUSES)), default=default) == {}
    query = to_query(UrlState(("btc",), 2026, kinds=("rail",), statuses=()), default=default)
    assert query == {"kinds": "rail", "status": ""}
    back, notices = parse(**query)
    assert (back.kinds, back.statuses, notices) == (("rail",), (), [])


def test_notices_stand_until_their_part_of_the_url_changes():
    _, notices = parse(year="abc", route="atlantis", zoom="5")
    opened = {"layers": "btc"}  # what the app wrote for that link: the bad values dropped
    assert standing(notices, opened=opened, now=dict(opened)) == notices
    moved = {**opened, "view": "41.0000,44.5000,6"}  # the map moved: a view, not a setting
    assert standing(notices, opened=opened, now=moved) == notices
    later = {**opened, "year": "2010"}  # the reader set the year
    left = standing(notices, opened=opened, now=later)
    assert [n.key for n in left] == ["route"]  # the year's and the unknown parameter's go
    assert standing(left, opened=opened, now={**later, "route": "tap"}) == []


def test_focus_extent_gives_a_place_its_surroundings():
    west, south, east, north = focus_extent((35.7, 36.9, 35.9, 37.1), min_km=100)
    assert north - south == pytest.approx(100 / 111.32)
    assert (east - west) * 111.32 * math.cos(math.radians(37.0)) == pytest.approx(100)
    assert (west + east) / 2 == pytest.approx(35.8) and (south + north) / 2 == pytest.approx(37.0)
    big = (18.0, 36.5, 50.5, 42.6)
    assert focus_extent(big) == big  # a route's extent stays as it is
