"""Better words for a file GDAL could not read: what exactly is wrong, and where.

GeoJSON is checked by :mod:`corridor_atlas.geojsoncheck`, the checker the catalog's
layers use too, with an upload's rules: any CRS, a lone Feature or geometry, features
without geometry.
"""

from __future__ import annotations

import re

from .. import geojsoncheck
from ..i18n.message import Message

# Bad GeoJSON larger than this gets GDAL's message rather than a parse for a better one.
DIAGNOSE_MAX_BYTES = 8 * 1024 * 1024
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def diagnose(data: bytes, kind: str) -> Message | None:
    """The first problem of a GeoJSON or KML file that explains GDAL's failure, if any."""
    if kind == "geojson":
        return _diagnose_geojson(data)
    if kind == "kml":
        return _diagnose_kml(data)
    return None


def _diagnose_kml(data: bytes) -> Message | None:
    """Non-UTF-8 KML that does not say so: the one failure worth a better message."""
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared and declared.group(1).decode().lower().replace("_", "-") not in ("utf-8",
                                                                                "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        byte = format(data[err.start], "02x")
        return Message.gettext(
            "text is not UTF-8 (byte 0x{byte} at byte {at}); save the file as UTF-8 or "
            "declare its encoding in the <?xml ?> line", byte=byte, at=err.start)
    return None


def _diagnose_geojson(data: bytes) -> Message | None:
    """The first structural problem of a GeoJSON file, if any."""
    if len(data) > DIAGNOSE_MAX_BYTES:
        return None
    try:
        value = geojsoncheck.parse(data)
    except geojsoncheck.JSONTextError as err:
        return err.message
    flaw = next(geojsoncheck.flaws(value), None)
    if flaw is None:
        return None
    said = flaw.said or Message("{problem}", values=(("problem", flaw.message),))
    if flaw.index is None:
        return said
    return Message.gettext("feature #{index}: {problem}", index=str(flaw.index), problem=said)
