"""Web Mercator through pyproj: the spherical formula of EPSG:3857, both ways."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corridor_atlas.projection import MAX_LAT, WORLD_WIDTH_M, mercator, to_lonlat

R = 6378137.0  # the sphere of EPSG:3857


def _closed_form(lon: float, lat: float) -> tuple[float, float]:
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@pytest.mark.parametrize(("lon", "lat"), [(0.0, 0.0), (18.0, 36.5), (50.5, 42.6),
                                          (-179.0, -60.0), (44.8, 41.7), (180.0, 84.9)])
def test_mercator_is_the_spherical_formula(lon, lat):
    ((x, y),) = mercator([[lon, lat]])
    ex, ey = _closed_form(lon, lat)
    assert x == pytest.approx(ex, abs=1e-6) and y == pytest.approx(ey, abs=1e-6)


def test_latitudes_are_clipped_before_projecting():
    xy = mercator(np.array([[10.0, 90.0], [10.0, -90.0], [10.0, 89.0]]))
    top = _closed_form(10.0, MAX_LAT)[1]
    assert xy[:, 1] == pytest.approx([top, -top, top])


def test_the_shape_of_the_result():
    assert mercator(np.empty((0, 2))).shape == (0, 2)
    assert mercator([1.0, 2.0]).shape == (1, 2)
    assert mercator(np.zeros((5, 2))).shape == (5, 2)


def test_round_trip_and_the_worlds_width():
    lonlat = np.array([[18.0, 36.5], [50.5, 42.6], [-120.0, -45.0], [0.0, 0.0]])
    assert to_lonlat(mercator(lonlat)) == pytest.approx(lonlat, abs=1e-9)
    assert pytest.approx(2 * math.pi * R, abs=1e-6) == WORLD_WIDTH_M
