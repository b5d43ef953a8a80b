"""An upload's features made plain: drawable 2-D geometry in EPSG:4326, JSON-ready values.

Features without geometry are dropped and geometry collections split into one row per
part; the counts are checked against the limits; coordinates must be finite and fit the
declared CRS (or longitude/latitude when none is declared, and not swapped); the result is
reprojected to EPSG:4326.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..geojsoncheck import NONFINITE
from ..i18n.message import Message
from .limits import Limits
from .messages import Refusal, clean, num, short

# The corridor's extent (lon, lat): a file whose (x, y) all fall in the transposed box,
# and not all in the box itself, has its latitude and longitude swapped.
CORRIDOR_LON = (10.0, 52.0)
CORRIDOR_LAT = (33.0, 48.0)


@dataclass(frozen=True, eq=False)
class Normalised:
    """The features in EPSG:4326, the CRS they were read in and their vertex count."""

    gdf: gpd.GeoDataFrame
    source_crs: str
    n_vertices: int


def crs_label(crs: CRS | None) -> str:
    """A short name for a CRS: ``EPSG:3857``, another authority code, or its name."""
    if crs is None:
        return "none"
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    auth = crs.to_authority()
    if auth is not None:
        return f"{auth[0]}:{auth[1]}"
    name = clean(crs.name or "custom CRS")
    return name if len(name) <= 60 else name[:59] + "…"


def normalise(gdf: gpd.GeoDataFrame, limits: Limits) -> Normalised:
    """The features as the map draws them, or a refusal naming the first bad feature."""
    n_read = len(gdf)
    if n_read == 0:
        raise Refusal(Message.gettext("has no features"))
    if n_read > limits.max_features:
        raise Refusal(Message.gettext("has more than {n} features; the limit is {limit}",
                                      n=limits.max_features, limit=limits.max_features))
    gdf, pos, geoms = _drawable_rows(gdf, limits)
    n_vertices = int(shapely.get_num_coordinates(geoms).sum())
    if n_vertices > limits.max_vertices:
        raise Refusal(Message.gettext("has {n} vertices; the limit is {limit}", n=n_vertices,
                                      limit=limits.max_vertices))
    geoms = shapely.force_2d(geoms)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        raise Refusal(Message.gettext("feature #{index}: {problem}",
                                      index=str(pos[index[_first(~finite)]]),
                                      problem=Message.gettext(NONFINITE)))
    crs = gdf.crs
    geographic = _check_crs(coords, crs)
    gdf = gdf.copy()
    gdf[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=crs)
    if crs is None:
        gdf = gdf.set_crs(4326)
    elif not geographic or crs.to_epsg() != 4326:
        gdf = _reproject(gdf, coords)
    gdf = gdf.reset_index(drop=True)
    _plain_columns(gdf)
    return Normalised(gdf, crs_label(crs), n_vertices)


def _first(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _flatten(geom: shapely.Geometry) -> list[shapely.Geometry]:
    if shapely.get_type_id(geom) == 7:  # GeometryCollection
        return [p for part in shapely.get_parts(geom) for p in _flatten(part)]
    return [geom]


def _drawable_rows(gdf: gpd.GeoDataFrame, limits: Limits
                   ) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """Rows with a point, line or polygon each; their positions in the file; the geometry."""
    n_read = len(gdf)
    pos = np.arange(n_read)  # the position of each row in the file, through drops and splits
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not keep.all():
        gdf, pos, geoms = gdf[keep].reset_index(drop=True), pos[keep], geoms[keep]
    if (shapely.get_type_id(geoms) == 7).any():  # GeometryCollections: one row per part
        rows, parts = [], []
        for i, geom in enumerate(geoms):
            for part in _flatten(geom):
                if not shapely.is_empty(part):
                    rows.append(i)
                    parts.append(part)
        gdf = gdf.iloc[rows].reset_index(drop=True)
        pos, geoms = pos[rows], np.asarray(parts, dtype=object)
    if len(geoms) == 0:
        raise Refusal(Message.ngettext("none of its {n} feature has a geometry",
                                       "none of its {n} features has a geometry", n_read))
    if len(geoms) > limits.max_features:
        raise Refusal(Message.gettext(
            "has {n} features once geometry collections are split; the limit is {limit}",
            n=len(geoms), limit=limits.max_features))
    types = shapely.get_type_id(geoms)
    rings = types == 2
    if rings.any():  # a bare LinearRing is drawn as the line it is
        geoms[rings] = [shapely.LineString(g.coords) for g in geoms[rings]]
        types = shapely.get_type_id(geoms)
    odd = ~np.isin(types, [0, 1, 3, 4, 5, 6])
    if odd.any():
        k = _first(odd)
        raise Refusal(Message.gettext(
            "feature #{index} is a {type}, which is not supported; use points, lines or "
            "polygons", index=str(pos[k]), type=geoms[k].geom_type))
    return gdf, pos, geoms


def _is_wgs84(crs: CRS) -> bool:
    if crs.to_epsg() == 4326:
        return True
    try:
        return bool(crs.equals(CRS.from_epsg(4326), ignore_axis_order=True))
    except Exception:
        return False


def _check_crs(coords: np.ndarray, crs: CRS | None) -> bool:
    """Whether the coordinates are longitude/latitude; a refusal if they do not fit ``crs``."""
    x, y = coords[:, 0], coords[:, 1]
    lonlat = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    source = crs_label(crs)
    if crs is None:
        if not lonlat.all():
            k = _first(~lonlat)
            raise Refusal(Message.gettext(
                "no CRS and the coordinates are not longitude/latitude (e.g. x={x}, y={y}); "
                "save the file with its CRS (.prj) or in EPSG:4326", x=num(x[k]), y=num(y[k])))
    elif _is_wgs84(crs):
        if not lonlat.all():
            k = _first(~lonlat)
            raise Refusal(Message.gettext(
                "coordinates are outside longitude -180..180 / latitude -90..90 (e.g. x={x}, "
                "y={y}) though the file declares {crs}; give the file its real CRS or "
                "reproject it", x=num(x[k]), y=num(y[k]), crs=source))
    else:
        if crs.is_projected and lonlat.all():
            raise Refusal(Message.gettext(
                "declares {crs} ({name}, projected) but the coordinates look like "
                "longitude/latitude (e.g. x={x}, y={y}); fix the declared CRS", crs=source,
                name=clean(crs.name)[:40], x=num(x[0]), y=num(y[0])))
        return False
    _check_not_swapped(x, y)
    return True


def _check_not_swapped(x: np.ndarray, y: np.ndarray) -> None:
    lon_lo, lon_hi = CORRIDOR_LON
    lat_lo, lat_hi = CORRIDOR_LAT
    in_swapped = ((x >= lat_lo) & (x <= lat_hi) & (y >= lon_lo) & (y <= lon_hi)).all()
    in_corridor = ((y >= lat_lo) & (y <= lat_hi)).all()
    if in_swapped and not in_corridor:
        x_range = f"{lat_lo:g}–{lat_hi:g}"
        y_range = f"{lon_lo:g}–{lon_hi:g}"
        raise Refusal(Message.gettext(
            "latitude and longitude look swapped: every x is within {x_range} and every y "
            "within {y_range}, which read as (latitude, longitude) is the corridor; store "
            "(longitude, latitude)", x_range=x_range, y_range=y_range))


def _reproject(gdf: gpd.GeoDataFrame, coords: np.ndarray) -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:4326; a refusal if it cannot be, or lands outside lon/lat."""
    source = crs_label(gdf.crs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gdf.to_crs(4326)
    except Exception as err:
        # Translators: {reason} is PROJ's own words, in English
        raise Refusal(Message.gettext("cannot be reprojected from {crs} ({reason})", crs=source,
                                      reason=short(err, 100))) from None
    out = shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object))
    ok = np.isfinite(out).all(axis=1) & (np.abs(out[:, 0]) <= 180) & (np.abs(out[:, 1]) <= 90)
    if not ok.all():
        k = _first(~ok)
        raise Refusal(Message.gettext(
            "coordinates fall outside longitude/latitude after reprojecting from {crs} (e.g. "
            "x={x}, y={y}); check the declared CRS", crs=source, x=num(coords[k, 0]),
            y=num(coords[k, 1])))
    return gdf


def _plain_columns(gdf: gpd.GeoDataFrame) -> None:
    """Make property columns JSON-friendly: dates as ISO text, bytes and lists as text."""
    for col in list(gdf.columns):
        if col == gdf.geometry.name:
            continue
        series = gdf[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            gdf[col] = [None if pd.isna(v) else v.isoformat() for v in series]
        elif series.dtype == object:
            gdf[col] = [v if v is None or isinstance(v, str | int | float | bool)
                        else _text(v) for v in series]


def _text(value: object) -> str:
    """A property value that is not JSON (bytes, an array…) as text."""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value):,} bytes>"
    if isinstance(value, np.floating):
        return f"{value:.10g}"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return str(value)
