"""Data downloads of what the map shows: GeoJSON, CSV and KML.

Each exporter writes what a :class:`~corridor_atlas.scene.Scene` draws, in its order
(context routes first, the selected route on top, facilities, then the user's own
layers): the routes drawn in the year, each segment with its phase then, and, with
flows on, each route's flow. Route lines are written at full resolution (not
simplified, not clipped to the view's bbox).

* :func:`to_geojson` (:mod:`.geojson`): one FeatureCollection with every segment and
  facility, each carrying its licence and attribution (:mod:`.properties`);
* :func:`to_csv` (:mod:`.csvtable`): the figures of the visible routes (and
  facilities), one row per figure with its sources, filtered to the view's year,
  written from the fields of :class:`~corridor_atlas.figures.Figure`;
* :func:`to_kml` (:mod:`.kml`, with :mod:`.kmlstyle` and :mod:`.kmltext`): a folder
  per layer, lines coloured by kind, for Google Earth or QGIS.

GeoJSON and KML also carry the user's own layers (``user_layers``), after the atlas's
layers and with the properties of the user's file; they are the user's data, so
they carry no Corridor Atlas licence. The CSV lists sourced figures only, which a
user's layer does not have.

All three return UTF-8 bytes and are deterministic: the same atlas and view give
byte-identical output. Text from the data always stays text: JSON-escaped, quoted
by the csv module, XML-escaped in KML.
"""

from __future__ import annotations

from .csvtable import CSV_COLUMNS, SOURCE_SEPARATOR, to_csv
from .geojson import to_geojson
from .kml import KML_NAMESPACE, to_kml
from .kmlstyle import kml_colour
from .properties import FLOW_FIELDS
from .shared import EXPORT_NAME, FACILITY_LICENCE, credits_lines

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_NAME",
    "FACILITY_LICENCE",
    "FLOW_FIELDS",
    "KML_NAMESPACE",
    "SOURCE_SEPARATOR",
    "credits_lines",
    "kml_colour",
    "to_csv",
    "to_geojson",
    "to_kml",
]
