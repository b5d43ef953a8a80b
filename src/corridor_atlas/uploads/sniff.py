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

from ..i18n import N_
from ..i18n.message import Message
from .messages import Refusal, basename, quote

ACCEPTED = N_("GeoJSON (.geojson, .json), KML (.kml), GeoPackage (.gpkg) "
              "or a zipped Shapefile (.zip)")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpkg": "gpkg",
           ".zip": "zip"}
FORMAT_NAMES = {"geojson": "GeoJSON", "kml": "KML", "gpkg": N_("a GeoPackage"),
                "zip": N_("a zip archive"), "xml": "XML", "utf16": N_("UTF-16 text")}
_KML_ROOT = re.compile(rb"<(?:[\w.-]+:)?kml[\s>/]", re.IGNORECASE)
_XML_DECLS = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')
CRS_EXAMPLE = '"urn:ogc:def:crs:EPSG::3857"'


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
        shown: Message | str = (repr(ext[:12]) if ext
                                else Message.gettext("no extension"))
        accepted = Message.gettext(ACCEPTED)
        if seen in FORMATS.values():
            raise Refusal(Message.gettext(
                "not a recognised format ({ext}) (it looks like {format}: rename it); "
                "upload {accepted}", ext=shown, format=format_name(seen),
                accepted=accepted))
        raise Refusal(Message.gettext("not a recognised format ({ext}); upload {accepted}",
                                      ext=shown, accepted=accepted))
    if seen == "utf16" and kind in ("geojson", "kml"):
        raise Refusal(Message.gettext("is UTF-16 text; save the {format} file as UTF-8",
                                      format=format_name(kind)))
    if seen != kind:
        what = {"geojson": N_("GeoJSON (it does not start with '{')"),
                "kml": N_("KML (no <kml> element at the start)"),
                "gpkg": N_("a GeoPackage (it does not start with the SQLite header)"),
                "zip": N_("a zip archive (it does not start with the zip header)")}[kind]
        if seen in FORMAT_NAMES:
            raise Refusal(Message.gettext("is named {ext} but is not {what}; it looks like "
                                          "{format}", ext=ext, what=Message.gettext(what),
                                          format=format_name(seen)))
        raise Refusal(Message.gettext("is named {ext} but is not {what}", ext=ext,
                                      what=Message.gettext(what)))
    return kind


def format_name(kind: str) -> Message:
    """A format as a message names it: ``GeoJSON``, ``a GeoPackage``."""
    return Message(FORMAT_NAMES[kind])


def check_text(data: bytes, kind: str) -> None:
    """Refuse what GDAL must not see in a KML or GeoJSON file."""
    if kind == "kml":
        _check_kml(data)
    elif kind == "geojson":
        _check_geojson_crs(data)


def _check_kml(data: bytes) -> None:
    if b"\x00" in data:
        raise Refusal(Message.gettext("KML holds NUL bytes (UTF-16?); save it as UTF-8"))
    if _XML_DECLS.search(data):
        raise Refusal(Message.gettext(
            "KML with a <!DOCTYPE or <!ENTITY declaration is refused (XML entities can read "
            "server files or expand without bound); remove it"))


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
            raise Refusal(Message.gettext(
                "declares its CRS by a link, which is not followed; name it instead, e.g. "
                "{example}, or save in EPSG:4326", example=CRS_EXAMPLE))
        if re.match(r"\s*(https?|ftp|file)://", name, re.I) and "opengis.net" not in name:
            raise Refusal(Message.gettext(
                "declares its CRS as a web address ({address}), which is not followed; name "
                "it instead, e.g. {example}", address=quote(name), example=CRS_EXAMPLE))


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
