"""Build ``geo/basemap/countries.geojson`` (and its TopoJSON twin) from Natural Earth 1:50m.

Run from the project root (needs ``npm``, which fetches the package from the npm
registry, and the ``build`` extra: ``pip install -e ".[build]"``)::

    python scripts/build_basemap.py

Natural Earth (public domain) 4.1.0, as packaged in ``world-atlas@2.0.2`` (TopoJSON,
ISC licence for the packaging). The countries are repaired, clipped to the box the
map can show, lightly simplified and rounded, and written as GeoJSON in EPSG:4326.

The same polygons are also written as TopoJSON (``countries.topojson``: shared borders
stored once, coordinates quantised to the GeoJSON's 0.001° grid or finer), which is
what browsers get: the app serves it from ``static/basemap/`` and standalone maps
embed it, at under half the bytes. The GeoJSON stays the reference the library reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
import topojson

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geo" / "basemap" / "countries.geojson"
# The app's browser fetches the same file once from Streamlit's static folder and caches it.
TOPO_OUT = OUT.with_suffix(".topojson")
STATIC_COPY = ROOT / "static" / "basemap" / "countries.topojson"
PACKAGE = "world-atlas@2.0.2"
BOX = (-12.0, 20.0, 68.0, 62.0)  # W, S, E, N: the map's maximum bounds
TOLERANCE_DEG = 0.01
GRID_DEG = 1e-3
QUANTISATION = 100_000  # TopoJSON grid: 80°/1e5 = 0.0008° steps, finer than GRID_DEG


def write_topojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """The countries' geometry as TopoJSON, one object ``countries``, compact."""
    topo = topojson.Topology(gdf[["geometry"]], object_name="countries",
                             prequantize=QUANTISATION, topology=True)
    path.write_text(json.dumps(json.loads(topo.to_json()), separators=(",", ":")) + "\n",
                    encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("world-atlas-*.tgz")
        with tarfile.open(tarball) as tar:
            tar.extract("package/countries-50m.json", tmp, filter="data")
        gdf = gpd.read_file(Path(tmp) / "package" / "countries-50m.json", layer="countries")
    gdf = gdf.set_crs(4326)  # TopoJSON has no CRS member; world-atlas is lon/lat degrees
    gdf["geometry"] = gdf.geometry.make_valid()
    gdf = gdf.clip(shapely.box(*BOX))
    gdf = gdf[~gdf.is_empty & gdf.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
    geoms = shapely.set_precision(gdf.geometry.simplify(TOLERANCE_DEG).values, GRID_DEG)
    gdf = gdf.assign(geometry=geoms)
    gdf["geometry"] = gdf.geometry.apply(
        lambda g: shapely.unary_union([p for p in getattr(g, "geoms", [g])
                                       if p.geom_type in ("Polygon", "MultiPolygon")]))
    gdf = gdf[~gdf.is_empty][["name", "geometry"]].sort_values("name").reset_index(drop=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(OUT, driver="GeoJSON", COORDINATE_PRECISION=3, RFC7946="YES")
    write_topojson(gpd.read_file(OUT), TOPO_OUT)
    STATIC_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TOPO_OUT, STATIC_COPY)
    print(f"wrote {len(gdf)} countries to {OUT} ({OUT.stat().st_size:,} bytes), {TOPO_OUT} "
          f"({TOPO_OUT.stat().st_size:,} bytes) and {STATIC_COPY}")


if __name__ == "__main__":
    main()
