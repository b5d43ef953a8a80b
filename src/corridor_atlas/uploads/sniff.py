"""What an uploaded file is, and whether GDAL may open it.

The name's extension says what the file should be and the first bytes what it is; both
must agree. Before GDAL sees text formats, KML with ``<!DOCTYPE`` or ``<!ENTITY`` is
refused (external entities, billion laughs) and so is GeoJSON whose ``crs`` is a link
(GDAL would fetch it).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .messages import Refusal, basename, quote

ACCEPTED = ("GeoJSON (.geojson, .json), KML (.kml), GeoPackage (.gpkg) "
            "or a zipped Shapefile (.zip)")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpkg": "gpkg",
           ".zip": "zip"}
FORMAT_NAMES = {"geojson": "GeoJSON", "kml": "KML", "gpkg": "a GeoPackage",
                "zip": "a zip archive", "xml": "XML", "utf16": "UTF-16 text"}
_KML_ROOT = re.compile(rb"<(?:[\w.-]+:)?kml[\s>/]", re.IGNORECASE)
_XML_DECLS = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')


def sniff(data: bytes) -> str | None:
    """What the bytes look like: geojson, kml, xml, gpkg, zip, utf16 or ``None``."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    head = data[:65536].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"{", b"[")):
        return "geojson"
    if head.startswith(b"<"):
        return "kml" if _KML_ROOT.search(head) else "xml"
    return None


def check_format(data: bytes, filename: str) -> str:
    """The file's format (geojson, kml, gpkg or zip), or a refusal if name and bytes differ."""
    base = basename(filename)
    ext = ("." + base.rsplit(".", 1)[1].lower()) if "." in base.lstrip(".") else ""
    kind = FORMATS.get(ext)
    seen = sniff(data)
    if kind is None:
        shown = repr(ext[:12]) if ext else "no extension"
        hint = ""
        if seen in FORMATS.values():
            hint = f" (it looks like {FORMAT_NAMES[seen]}: rename it)"
        raise Refusal(f"not a recognised format ({shown}){hint}; upload {ACCEPTED}")
    if seen == "utf16" and kind in ("geojson", "kml"):
        raise Refusal(f"is UTF-16 text; save the {FORMAT_NAMES[kind]} file as UTF-8")
    if seen != kind:
        what = {"geojson": "GeoJSON (it does not start with '{')",
                "kml": "KML (no <kml> element at the start)",
                "gpkg": "a GeoPackage (it does not start with the SQLite header)",
                "zip": "a zip archive (it does not start with the zip header)"}[kind]
        hint = f"; it looks like {FORMAT_NAMES[seen]}" if seen in FORMAT_NAMES else ""
        raise Refusal(f"is named {ext} but is not {what}{hint}")
    return kind


def check_text(data: bytes, kind: str) -> None:
    """Refuse what GDAL must not see in a KML or GeoJSON file."""
    if kind == "kml":
        _check_kml(data)
    elif kind == "geojson":
        _check_geojson_crs(data)


def _check_kml(data: bytes) -> None:
    if b"\x00" in data:
        raise Refusal("KML holds NUL bytes (UTF-16?); save it as UTF-8")
    if _XML_DECLS.search(data):
        raise Refusal("KML with a <!DOCTYPE or <!ENTITY declaration is refused (XML entities "
                      "can read server files or expand without bound); remove it")


def _check_geojson_crs(data: bytes) -> None:
    """Refuse a ``crs`` given as a link: GDAL would fetch the URL."""
    for m in _CRS_MEMBER.finditer(data):
        obj = _small_object(data, m.end() - 1)
        if obj is None:
            continue
        kind = str(obj.get("type", "")).lower()
        props = obj.get("properties") if isinstance(obj.get("properties"), dict) else {}
        name = str(props.get("name", ""))
        if kind in ("link", "url") or "href" in props or "url" in props:
            raise Refusal("declares its CRS by a link, which is not followed; name it "
                          "instead, e.g. \"urn:ogc:def:crs:EPSG::3857\", or save in EPSG:4326")
        if re.match(r"\s*(https?|ftp|file)://", name, re.I) and "opengis.net" not in name:
            raise Refusal(f"declares its CRS as a web address ({quote(name)}), which is not "
                          "followed; name it instead, e.g. \"urn:ogc:def:crs:EPSG::3857\"")


def _small_object(data: bytes, start: int, limit: int = 4096) -> dict[str, Any] | None:
    """The JSON object starting at ``data[start]`` if it closes within ``limit`` bytes."""
    depth, in_str, escaped = 0, False, False
    for i in range(start, min(len(data), start + limit)):
        c = data[i]
        if in_str:
            if escaped:
                escaped = False
            elif c == 0x5C:
                escaped = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                try:
                    obj = json.loads(data[start:i + 1].decode("utf-8", "replace"))
                except ValueError:
                    return None
                return obj if isinstance(obj, dict) else None
    return None
