"""Where the print render writes the names: no overlap, every route named, inside the map."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor_atlas.labelplace import Box, place_labels, zoom_of
from corridor_atlas.labels import PlaceLabel, RouteLabel
from corridor_atlas.printmap import _measure
from corridor_atlas.projection import mercator
from corridor_atlas.scene import build_scene
from corridor_atlas.view import PRESETS, MapView

from .conftest import ROUTE_IDS


def _projector(bbox, size):
    """Lon/lat to pixels of a picture of ``size`` showing ``bbox`` (grown to its shape)."""
    (x0, y0), (x1, y1) = mercator(np.array([bbox[:2], bbox[2:]]))
    scale = min(size[0] / (x1 - x0), size[1] / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def project(lonlat: np.ndarray) -> np.ndarray:
        m = mercator(lonlat)
        return np.column_stack([size[0] / 2 + (m[:, 0] - cx) * scale,
                                size[1] / 2 - (m[:, 1] - cy) * scale])

    return project, zoom_of(1 / scale)


def _place(atlas, bbox, size, **view):
    scene = build_scene(atlas, MapView(layers=ROUTE_IDS, **view))
    project, zoom = _projector(bbox, size)
    return scene, place_labels(scene.route_labels, scene.place_labels, project=project,
                               size=size, zoom=zoom, measure=_measure)


CASES = [(PRESETS["corridor"].bbox, (1150, 680)), (PRESETS["corridor"].bbox, (390, 560)),
         (PRESETS["south-caucasus"].bbox, (1150, 680)), (PRESETS["south-caucasus"].bbox,
                                                         (390, 560))]


@pytest.mark.parametrize(("bbox", "size"), CASES)
def test_every_route_in_view_is_named_once_at_least(atlas, bbox, size):
    scene, placed = _place(atlas, bbox, size, year=2022)
    project, _ = _projector(bbox, size)
    named = {p.label.text for p in placed if isinstance(p.label, RouteLabel)}
    for route in scene.routes:
        pts = np.concatenate([project(np.asarray(part)) for part in
                              next(la for la in scene.route_labels
                                   if la.layer_id == route.id).parts])
        inside = ((pts[:, 0] > 0) & (pts[:, 0] < size[0]) & (pts[:, 1] > 0)
                  & (pts[:, 1] < size[1])).any()
        if inside:
            assert route.route.short_name in named, (route.id, size)


@pytest.mark.parametrize(("bbox", "size"), CASES)
def test_no_two_names_overlap_and_all_are_inside(atlas, bbox, size):
    _, placed = _place(atlas, bbox, size, year=2022, flows=True)
    assert placed
    for a, b in itertools.combinations(placed, 2):
        assert not a.box.overlaps(b.box), (a.label.text, b.label.text)
    for p in placed:
        x0, y0, x1, y1 = p.box.bounds
        assert x0 >= 0 and y0 >= 0 and x1 <= size[0] and y1 <= size[1], p.label.text


def test_a_name_beside_its_line_has_a_leader_to_it(atlas):
    _, placed = _place(atlas, PRESETS["corridor"].bbox, (390, 560), year=2022)
    beside = [p for p in placed if p.anchor is not None]
    assert beside, "a crowded small map sets some names beside their lines"
    for p in beside:
        ex, ey = p.leader_end()
        x0, y0, x1, y1 = p.box.bounds
        assert x0 - 1 <= ex <= x1 + 1 and y0 - 1 <= ey <= y1 + 1


def test_obstacles_are_kept_clear(atlas):
    bbox, size = PRESETS["corridor"].bbox, (1150, 680)
    scene = build_scene(atlas, MapView(layers=ROUTE_IDS))
    project, zoom = _projector(bbox, size)
    legend = (0.0, 400.0, 300.0, 680.0)
    placed = place_labels(scene.route_labels, scene.place_labels, project=project, size=size,
                          zoom=zoom, measure=_measure, obstacles=[legend])
    block = Box(((0, 400), (300, 400), (300, 680), (0, 680)))
    assert not any(p.box.overlaps(block) for p in placed)


def test_places_show_only_within_their_zooms():
    place = PlaceLabel("Somewhere", 10.0, 10.0, "city", 50, min_zoom=6.0)
    country = PlaceLabel("Land", 12.0, 12.0, "country", 90, max_zoom=6.5, dot=False)

    def project(lonlat: np.ndarray) -> np.ndarray:
        return (lonlat - 9.0) * 50

    for zoom, shown in ((5.0, {"Land"}), (6.2, {"Land", "Somewhere"}), (7.0, {"Somewhere"})):
        placed = place_labels([], [place, country], project=project, size=(400, 400),
                              zoom=zoom, measure=lambda t, s, b: 7.0 * len(t))
        assert {p.label.text for p in placed} == shown


def test_a_short_line_is_named_beside_it():
    line = RouteLabel("r", "A long name for a short line", "#000000",
                      (((10.0, 10.0), (10.1, 10.0)),), 10)

    def project(lonlat: np.ndarray) -> np.ndarray:
        return (lonlat - 9.0) * 100

    (placed,) = place_labels([line], [], project=project, size=(400, 300), zoom=8,
                             measure=lambda t, s, b: 7.0 * len(t))
    assert placed.angle == 0.0  # straight text does not fit along 10 px


@given(st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30), st.floats(5, 120),
                          st.floats(5, 40), st.floats(-1.5, 1.5)), min_size=2, max_size=6))
def test_overlap_test_agrees_with_shapely(rects):
    import shapely

    boxes = [Box.around(x, y, w, h, a) for x, y, w, h, a in rects]
    for a, b in itertools.combinations(boxes, 2):
        pa, pb = shapely.Polygon(a.pts), shapely.Polygon(b.pts)
        area = pa.intersection(pb).area
        if area > 1e-6:
            assert a.overlaps(b)
        elif not pa.intersects(pb):
            assert not a.overlaps(b)
