"""Better words for a file GDAL could not read: what exactly is wrong, and where.

GeoJSON is checked by :mod:`corridor_atlas.geojsoncheck`, the checker the catalog's
layers use too, with an upload's rules: any CRS, a lone Feature or geometry, features
without geometry.
"""

from __future__ import annotations

import re

from .. import geojsoncheck

# Bad GeoJSON larger than this gets GDAL's message rather than a parse for a better one.
DIAGNOSE_MAX_BYTES = 8 * 1024 * 1024
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def diagnose(data: bytes, kind: str) -> str | None:
    """The first problem of a GeoJSON or KML file that explains GDAL's failure, if any."""
    if kind == "geojson":
        return _diagnose_geojson(data)
    if kind == "kml":
        return _diagnose_kml(data)
    return None


def _diagnose_kml(data: bytes) -> str | None:
    """Non-UTF-8 KML that does not say so: the one failure worth a better message."""
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared and declared.group(1).decode().lower().replace("_", "-") not in ("utf-8",
                                                                                "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return (f"text is not UTF-8 (byte 0x{data[err.start]:02x} at byte {err.start:,}); save "
                "the file as UTF-8 or declare its encoding in the <?xml ?> line")
    return None


def _diagnose_geojson(data: bytes) -> str | None:
    """The first structural problem of a GeoJSON file, if any."""
    if len(data) > DIAGNOSE_MAX_BYTES:
        return None
    try:
        value = geojsoncheck.parse(data)
    except geojsoncheck.JSONTextError as err:
        return str(err)
    flaw = next(geojsoncheck.flaws(value), None)
    if flaw is None:
        return None
    return flaw.message if flaw.index is None else f"feature #{flaw.index}: {flaw.message}"
