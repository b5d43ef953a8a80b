"""The scene: what one view draws, checked once here for every renderer."""

from __future__ import annotations

import itertools

import pytest
import shapely

from corridor_atlas import styles
from corridor_atlas.labels import SAME_NAME_KM, _km
from corridor_atlas.layers import FACILITIES_ID
from corridor_atlas.scene import build_scene
from corridor_atlas.search import fold
from corridor_atlas.view import MapView

from .conftest import CONTEXT_IDS, ROUTE_IDS


def _scene(atlas, layers=ROUTE_IDS, **kwargs):
    return build_scene(atlas, MapView(layers=tuple(layers), **kwargs))


# --------------------------------------------------------------------------- layers


def test_order_context_routes_selected_facilities_then_users(atlas):
    from corridor_atlas.uploads import read_upload

    from .conftest import ROOT

    own = read_upload((ROOT / "tests" / "data" / "good" / "xss.geojson").read_bytes(), "a.json")
    scene = build_scene(atlas, MapView(layers=(FACILITIES_ID, *reversed(ROUTE_IDS), "nope",
                                               *CONTEXT_IDS), selected="btc"), [own])
    assert scene.layer_ids == (*CONTEXT_IDS, *[r for r in ROUTE_IDS if r != "btc"], "btc",
                               FACILITIES_ID)
    assert [la.id for la in scene.layers][-1] == "user-0"


def test_a_layer_that_did_not_load_is_left_out(geo_copy):
    from corridor_atlas.layers import load_atlas

    (geo_copy / "routes" / "tap.geojson").write_text("{broken", encoding="utf-8")
    atlas = load_atlas(geo_copy)
    assert "tap" not in _scene(atlas).layer_ids


@pytest.mark.parametrize(("kinds", "statuses", "drawn"), [
    (("gas",), None, {"scp", "tanap", "tap", "igdir_nakhchivan"}),
    (None, ("construction",), {"kars_nakhchivan"}),
    (("rail",), ("operating",), {"btk"}),
])
def test_filters_hide_layers_and_say_which(atlas, kinds, statuses, drawn):
    scene = _scene(atlas, kinds=kinds, statuses=statuses)
    assert {r.id for r in scene.routes} == drawn
    assert set(scene.filtered) == set(ROUTE_IDS) - drawn


def test_the_status_filter_reads_the_status_in_the_year(atlas):
    assert {r.id for r in _scene(atlas, year=2004, statuses=("construction",)).routes} == {
        "btc", "scp"}
    assert {r.id for r in _scene(atlas, year=2023, statuses=("suspended",)).routes} == {
        "btk"}


def test_not_begun_routes_are_named_not_drawn(atlas):
    scene = _scene(atlas, year=2005)
    assert {r.id for r in scene.routes} == {"btc", "scp", "btk"}
    assert set(scene.not_begun) == set(ROUTE_IDS) - {"btc", "scp", "btk"}


def test_every_route_has_its_own_colour_within_its_kind(atlas):
    scene = _scene(atlas, [*CONTEXT_IDS, *ROUTE_IDS])
    colours = [r.colour for r in scene.routes]
    assert len(set(colours)) == len(colours)
    for route in scene.routes:
        assert route.colour in styles.KIND_SHADES[route.route.kind]
        # readable as a line on the land (WCAG 1.4.11: 3:1 for graphics), power aside
        if route.route.kind != "power":
            assert styles.contrast(route.colour, styles.LAND_COLOUR) >= 3.0, route.id
        for segment in route.segments:
            assert segment.style.colour == route.colour


def test_a_route_keeps_its_colour_whatever_else_is_shown(atlas):
    alone = _scene(atlas, ["tap"]).route("tap").colour
    assert _scene(atlas).route("tap").colour == alone


def test_selected_route_is_heavier_without_flows(atlas):
    plain = _scene(atlas, ["tap"]).route("tap").segments[0].style.weight
    chosen = _scene(atlas, ["tap"], selected="tap").route("tap").segments[0].style.weight
    assert (plain, chosen) == (styles.LINE_WEIGHT, styles.SELECTED_WEIGHT)


# --------------------------------------------------------------------------- flows


def _weight(scene, route_id: str) -> float:
    (weight,) = {s.style.weight for s in scene.route(route_id).segments if s.phase == "operating"}
    return weight


def _volume(catalog, route_id: str, year: int, unit: str) -> float:
    (value,) = [v.value for v in catalog.route(route_id).facts.annual_volumes
                if v.year == year and v.unit == unit and v.measure == "throughput"]
    return value


def test_flow_widths_follow_the_sourced_volumes(atlas, catalog):
    scene = _scene(atlas, year=2022, flows=True)
    # one scale per family: two gas lines are as wide as their volumes are large
    tap, scp = _volume(catalog, "tap", 2022, "bcm"), _volume(catalog, "scp", 2022, "bcm")
    assert _weight(scene, "tap") / _weight(scene, "scp") == pytest.approx(tap / scp)
    # and the oil line as its volume against another year's (barrels a day)
    then = _scene(atlas, year=2010, flows=True)
    ratio = (_volume(catalog, "btc", 2022, "million bbl") / 365) / (
        _volume(catalog, "btc", 2010, "million bbl") / 365)
    assert _weight(scene, "btc") / _weight(then, "btc") == pytest.approx(ratio)
    assert all(s.flow_width for s in scene.route("tap").segments)


def test_the_widest_line_is_the_largest_figure_of_its_family(atlas, catalog):
    largest = max((v.value, v.year) for v in catalog.route("scp").facts.annual_volumes
                  if v.measure == "throughput" and v.unit == "bcm")
    scene = _scene(atlas, ["scp"], year=largest[1], flows=True)
    assert _weight(scene, "scp") == pytest.approx(styles.FLOW_MAX_WEIGHT)


def test_a_year_without_a_figure_gets_the_no_figure_style(atlas):
    scene = _scene(atlas, year=2023, flows=True)  # TANAP: only its deliveries to Türkiye
    for segment in scene.route("tanap").segments:
        assert segment.style == styles.no_figure_style(scene.route("tanap").colour)
        assert not segment.flow_width
    assert scene.route("tanap").flow.volume is None


def test_flows_never_carry_the_last_known_figure(atlas, catalog):
    years = sorted(v.year for v in catalog.route("tap").facts.annual_volumes
                   if v.measure == "throughput")
    after = years[-1] + 1
    scene = _scene(atlas, ["tap"], year=after, flows=True)
    assert scene.route("tap").flow.volume is None
    assert scene.route("tap").segments[0].style.weight == styles.NO_FIGURE_WEIGHT


def test_routes_not_operating_keep_their_status_style(atlas):
    scene = _scene(atlas, ["kars_nakhchivan", "tap"], year=2012, flows=True)
    planned = scene.route("tap").segments[0]
    assert planned.phase == "planned" and planned.style.dash == styles.STATUS_DASH["planned"]
    assert not scene.route("tap").arrows


def test_arrows_on_pipelines_not_on_railways(atlas):
    scene = _scene(atlas, year=2022, flows=True)
    assert scene.route("btc").arrows and scene.route("tap").arrows
    assert not scene.route("btk").arrows  # trains run both ways
    assert not _scene(atlas, year=2022).route("btc").arrows  # only with flows on


def test_selected_route_gets_a_casing_with_flows(atlas):
    scene = _scene(atlas, ["btc"], year=2022, flows=True, selected="btc")
    (segment,) = scene.route("btc").segments
    assert segment.casing is not None and segment.casing.weight > segment.style.weight
    assert _weight(scene, "btc") == _weight(_scene(atlas, ["btc"], year=2022, flows=True), "btc")


def test_the_legend_shows_each_familys_scale(atlas):
    scene = _scene(atlas, year=2022, flows=True)
    texts = [row.text for row in scene.legend]
    assert "Flow in 2022 (line width)" in texts
    for scale in scene.scales:
        (row,) = [r for r in scene.legend if r.widths and r.text.endswith(scale.unit)]
        assert list(row.widths) == sorted(row.widths)
        assert max(row.widths) <= styles.FLOW_MAX_WEIGHT
    assert {s.family for s in scene.scales} == {"oil", "gas", "freight"}
    assert "No sourced figure for the year" in texts and "Direction of flow" in texts
    assert "Flow in" not in " ".join(r.text for r in _scene(atlas, year=2022).legend)


# --------------------------------------------------------------------------- names


def test_every_drawn_route_has_a_label_with_its_short_name(atlas, catalog):
    scene = _scene(atlas, [*ROUTE_IDS, *CONTEXT_IDS])
    assert sorted(la.text for la in scene.route_labels) == sorted(
        catalog.route(r).short_name for r in scene.layer_ids)
    for label in scene.route_labels:
        assert label.parts and all(len(p) >= 2 for p in label.parts)
    selected = _scene(atlas, selected="tap").route_labels
    assert selected[0].text == "TAP"  # placed first


def test_label_lines_follow_the_drawn_segments(atlas):
    scene = _scene(atlas, ["kars_nakhchivan"], year=2024)
    (label,) = scene.route_labels
    drawn = shapely.MultiLineString([list(p) for p in label.parts])
    for segment in scene.route("kars_nakhchivan").segments:
        assert drawn.distance(segment.geometry) < 0.01


@pytest.mark.parametrize("name", ["Baku", "Sangachal", "Tbilisi", "Ceyhan", "Erzurum", "Kars",
                                  "Iğdır", "Nakhchivan", "Kipoi", "Melendugno", "Ankara",
                                  "Türkiye", "Azerbaijan", "Georgia"])
def test_the_corridors_places_are_named(atlas, name):
    scene = _scene(atlas, [*ROUTE_IDS, FACILITIES_ID])
    assert name in {p.text for p in scene.place_labels}


def test_supsa_is_named_with_its_pipeline(atlas):
    assert "Supsa" not in {p.text for p in _scene(atlas).place_labels}
    assert "Supsa" in {p.text for p in _scene(atlas, ["baku_supsa"]).place_labels}


def test_no_spot_is_named_twice(atlas):
    places = [p for p in _scene(atlas, [*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID]).place_labels
              if p.kind != "country"]
    for a, b in itertools.combinations(places, 2):
        if fold(a.text) == fold(b.text):
            assert _km(a.lon, a.lat, b.lon, b.lat) > SAME_NAME_KM, (a, b)


def test_places_thin_out_by_zoom(atlas):
    places = _scene(atlas).place_labels
    by_kind = {p.kind: p for p in places}
    assert by_kind["end"].min_zoom < by_kind["city"].min_zoom
    assert by_kind["country"].max_zoom < 99 and by_kind["country"].min_zoom == 0
    assert [p.priority for p in places] == sorted(p.priority for p in places)


def test_label_text_is_dark_enough_on_its_halo(atlas):
    scene = _scene(atlas, [*ROUTE_IDS, *CONTEXT_IDS])
    for label in scene.route_labels:
        assert styles.contrast(label.colour, styles.LABEL_HALO) >= styles.LABEL_MIN_CONTRAST


# --------------------------------------------------------------------------- annotations


def test_title_as_of_line_and_credits(atlas, catalog):
    scene = _scene(atlas, year=2012, selected="tap")
    assert scene.title.startswith(catalog.route("tap").name)
    assert "2012" in scene.subtitle and catalog.as_of in scene.subtitle
    for credit in catalog.attribution:
        assert credit.licence in scene.credits


def test_legend_lists_only_what_is_drawn(atlas):
    texts = [row.text for row in _scene(atlas, ["tap"]).legend]
    assert "Gas pipelines" in texts and "TAP" in texts
    assert "Oil pipelines" not in texts and "Railways" not in texts and "Facilities" not in texts
    assert "Schematic: position approximate" not in texts
    with_facilities = [row.text for row in _scene(atlas, ["btk", FACILITIES_ID]).legend]
    assert "Schematic: position approximate" in with_facilities
    assert "Railway station" in with_facilities


def test_basemap_places_take_the_atlas_spelling(atlas):
    # Kars–Nakhchivan not yet agreed in 2010: the city is named from Natural Earth
    texts = {p.text for p in _scene(atlas, year=2010).place_labels}
    assert "Nakhchivan" in texts and "Naxcivan" not in texts
