"""Reading an upload with GDAL, from a private folder under fixed file names.

The bytes are written to a temporary folder (mode 0700) as ``upload.geojson``,
``upload.kml`` or ``upload.gpkg``, or unpacked there as ``layer.*`` from a zip; the
user's names are never used as paths. At most one feature over the limit is read.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio

from ..i18n import N_
from ..i18n.message import Message
from .archive import unpack_shapefile
from .limits import Limits
from .messages import TEMP_PREFIX, Refusal, quote, short

# Columns the LIBKML driver adds to every placemark; not the user's properties.
KML_BOILERPLATE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
                   "visibility", "drawOrder", "icon")
_WHAT = {"geojson": "GeoJSON", "kml": "KML", "gpkg": N_("a GeoPackage"),
         "zip": N_("a Shapefile")}

T = TypeVar("T")


def read_frame(data: bytes, kind: str, limits: Limits) -> gpd.GeoDataFrame:
    """
    The features of a file of ``kind`` (geojson, kml, gpkg or zip), as GDAL reads them.

    Raises :class:`~corridor_atlas.uploads.messages.Refusal` for a file GDAL cannot read,
    one without features, or one with more features than ``limits`` allow.
    """
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        folder = Path(tmp)
        if kind == "zip":
            path = str(unpack_shapefile(data, folder, limits))
        else:
            file = folder / f"upload.{kind}"  # a fixed name: geojson, kml or gpkg
            file.write_bytes(data)
            path = f"GeoJSON:{file}" if kind == "geojson" else str(file)
        return _read_layers(path, kind, limits)


def _gdal(call: Callable[[], T], what: Message) -> T:
    """Run a pyogrio call quietly; turn any failure into a one-line refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call()
    except Refusal:
        raise
    except UnicodeDecodeError as err:
        byte = err.object[err.start:err.start + 1].hex() if err.object else "?"
        raise Refusal(Message.gettext(
            "text is not UTF-8 (byte 0x{byte} in a text value); save the file as UTF-8",
            byte=byte)) from None
    except MemoryError:
        raise Refusal(Message.gettext("{format} is too large to read", format=what)) from None
    except Exception as err:
        # Translators: {reason} is GDAL's own words, in English
        raise Refusal(Message.gettext("cannot be read as {format} ({reason})", format=what,
                                      reason=short(err))) from None


def _layer_names(path: str, kind: str) -> list[str | None]:
    """The layers to read: GeoJSON and Shapefiles hold one; a GeoPackage must hold one."""
    if kind not in ("kml", "gpkg"):
        return [None]
    layers = _gdal(lambda: pyogrio.list_layers(path), Message(_WHAT[kind]))
    if kind == "kml":
        return [str(row[0]) for row in layers]
    names = [str(row[0]) for row in layers if row[1] is not None]
    if not names:
        raise Refusal(Message.gettext("the GeoPackage has no layer with geometry"))
    if len(names) > 1:
        shown = ", ".join(quote(n, 30) for n in names[:5])
        raise Refusal(Message.gettext(
            "the GeoPackage has {n} map layers ({names}); upload a GeoPackage with one layer",
            n=len(names), names=shown))
    return names


def _read_layers(path: str, kind: str, limits: Limits) -> gpd.GeoDataFrame:
    what = Message(_WHAT[kind])
    names = _layer_names(path, kind)
    frames = []
    total = 0
    for name in names:
        # at most one feature over the limit is read; the exact count is asked only then
        gdf = _gdal(lambda n=name: pyogrio.read_dataframe(
            path, layer=n, max_features=limits.max_features + 1), what)
        total += len(gdf)
        if total > limits.max_features:
            raise Refusal(_too_many(path, names, limits))
        if len(gdf) == 0:
            continue
        if kind == "kml":
            gdf = gdf.drop(columns=[c for c in KML_BOILERPLATE if c in gdf.columns])
            if len(names) > 1:
                gdf.insert(0, "folder" if "folder" not in gdf.columns else "KML folder", name)
        frames.append(gdf)
    if not frames:
        raise Refusal(Message.gettext("has no features"))
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                            crs=frames[0].crs)


def _too_many(path: str, names: list[str | None], limits: Limits) -> Message:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            counts = [int(pyogrio.read_info(path, layer=n)["features"]) for n in names]
    except Exception:
        counts = [-1]
    if min(counts) < 0:
        return Message.gettext("has more than {n} features; the limit is {limit}",
                               n=limits.max_features, limit=limits.max_features)
    return Message.gettext("has {n} features; the limit is {limit}", n=sum(counts),
                           limit=limits.max_features)
