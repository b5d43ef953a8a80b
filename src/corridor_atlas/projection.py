"""Web Mercator (EPSG:3857), the projection of the live map and of the print render.

One cached pyproj :class:`~pyproj.Transformer` each way (longitude first, ``always_xy``).
Latitudes are clipped to ±:data:`MAX_LAT` first: Web Mercator runs to infinity at the
poles.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Transformer

__all__ = ["MAX_LAT", "WORLD_WIDTH_M", "mercator", "to_lonlat"]

MAX_LAT = 85.0


@functools.cache
def _forward() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


@functools.cache
def _inverse() -> Transformer:
    return Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


def mercator(lonlat: ArrayLike) -> np.ndarray:
    """``(n, 2)`` lon/lat degrees → ``(n, 2)`` Web Mercator metres, latitude clipped to ±85°."""
    lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    x, y = _forward().transform(lonlat[:, 0], np.clip(lonlat[:, 1], -MAX_LAT, MAX_LAT))
    return np.column_stack([x, y])


def to_lonlat(xy: ArrayLike) -> np.ndarray:
    """``(n, 2)`` Web Mercator metres → ``(n, 2)`` lon/lat degrees."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    lon, lat = _inverse().transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


WORLD_WIDTH_M = 2 * float(mercator([[180.0, 0.0]])[0, 0])
"""The width of the world in Web Mercator metres (one 256-pixel tile at zoom 0)."""
