"""A user's layer once read: a plain GeoDataFrame and what describes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True, eq=False)
class UserLayer:
    """
    A user's layer, checked and in EPSG:4326.

    ``name`` is plain text from the file name: escape it before putting it in HTML.
    ``gdf`` holds the file's properties, as they were (escape them too), and the
    geometry. ``source_crs`` is the CRS the file declared (``"EPSG:3857"``…) or
    ``"none"``. ``bounds`` is (west, south, east, north) in degrees. ``digest``
    identifies the upload (a hash of its name and bytes), so a view that includes it can
    be compared.
    """

    name: str
    gdf: gpd.GeoDataFrame
    source_crs: str
    geometry_types: tuple[str, ...]
    bounds: tuple[float, float, float, float]
    n_features: int
    n_vertices: int
    digest: str = ""

    def describe(self) -> str:
        """One line: features, geometry types, CRS and bounds."""
        if self.source_crs == "EPSG:4326":
            crs = "CRS EPSG:4326"
        elif self.source_crs == "none":
            crs = "CRS EPSG:4326 (none declared; coordinates are longitude/latitude)"
        else:
            crs = f"CRS EPSG:4326 (from {self.source_crs})"
        bounds = ",".join(f"{v:.4f}" for v in self.bounds)
        plural = "" if self.n_features == 1 else "s"
        return (f"{self.n_features:,} feature{plural}, geometry types "
                f"{'/'.join(self.geometry_types)}, {crs}, bounds {bounds}")


def property_columns(gdf: gpd.GeoDataFrame) -> list[Any]:
    """The columns of a user's layer that hold the file's properties (not the geometry)."""
    return [c for c in gdf.columns if c != gdf.geometry.name]


def attribute_table(layer: UserLayer) -> pd.DataFrame:
    """A user's layer as a table: one row per feature, its geometry type and properties."""
    gdf = layer.gdf
    frame = pd.DataFrame({"geometry type": gdf.geom_type.to_numpy()})
    for column in property_columns(gdf):
        name = str(column)
        while name in frame.columns:
            name += "_"
        frame[name] = gdf[column].to_numpy()
    return frame
