"""A user's layer once read: a plain GeoDataFrame and what describes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from .. import i18n
from ..i18n import N_
from ..i18n.languages import language

GEOMETRY_TYPE = N_("geometry type")
"""The heading of the attribute table's first column (the file's own columns follow)."""


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

    def describe(self, lang: str = "en") -> str:
        """One line in ``lang``: features, geometry types, CRS and bounds."""
        tr = i18n.translator(lang)
        if self.source_crs == "EPSG:4326":
            crs = tr.gettext("CRS EPSG:4326")
        elif self.source_crs == "none":
            crs = tr.gettext("CRS EPSG:4326 (none declared; coordinates are "
                             "longitude/latitude)")
        else:
            crs = tr.gettext("CRS EPSG:4326 (from {crs})").format(crs=self.source_crs)
        english = language(lang).code == "en"
        if english:
            bounds = ",".join(f"{v:.4f}" for v in self.bounds)
            count = f"{self.n_features:,}"
        else:  # a decimal comma: the four numbers apart by semicolons
            bounds = "; ".join(i18n.number(v, lang, places=4) for v in self.bounds)
            count = i18n.number(self.n_features, lang)
        # Translators: {types} are GeoJSON's names (Point/LineString); {bounds} are west,
        # south, east and north in degrees
        return tr.ngettext("{n} feature, geometry types {types}, {crs}, bounds {bounds}",
                           "{n} features, geometry types {types}, {crs}, bounds {bounds}",
                           self.n_features).format(
            n=count, types="/".join(self.geometry_types), crs=crs, bounds=bounds)


def property_columns(gdf: gpd.GeoDataFrame) -> list[Any]:
    """The columns of a user's layer that hold the file's properties (not the geometry)."""
    return [c for c in gdf.columns if c != gdf.geometry.name]


def attribute_table(layer: UserLayer, lang: str = "en") -> pd.DataFrame:
    """A user's layer as a table: one row per feature, its geometry type and properties
    (headed as the file heads them; the first column's heading in ``lang``)."""
    gdf = layer.gdf
    heading = i18n.translator(lang).gettext(GEOMETRY_TYPE)
    frame = pd.DataFrame({heading: gdf.geom_type.to_numpy()})
    for column in property_columns(gdf):
        name = str(column)
        while name in frame.columns:
            name += "_"
        frame[name] = gdf[column].to_numpy()
    return frame
