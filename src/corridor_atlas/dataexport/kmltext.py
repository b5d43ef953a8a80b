"""The text of a KML file: balloons of routes, facilities and the user's features."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from .. import styles
from ..catalog import Facility
from ..describe import (
    NO_SOURCED_VALUE,
    dispute_line,
    facility_facts,
    flow_lines,
    location_text,
    since_line,
    source_label,
)
from ..format import published
from ..scene import RouteLayer, Segment
from .properties import documented_km
from .shared import FACILITY_LICENCE, as_text, join

if TYPE_CHECKING:
    from ..uploads import UserLayer

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text for a KML element: characters XML cannot hold become U+FFFD, then escaped.

    simplekml's own escaping is switched off (it lets ``<![CDATA[`` through
    unescaped); this escapes ``& < > "`` and keeps a carriage return as ``&#13;``
    so it survives parsing.
    """
    text = _NOT_XML.sub("\ufffd", as_text(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;"))


def balloon(text: str) -> str:
    """A description balloon: KML readers show descriptions as HTML, so data text is
    HTML-escaped (shown literally, never run) and lines are joined with ``<br>``."""
    return "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))


def route_description(layer: RouteLayer, segment: Segment, year: int | None,
                       flows: bool) -> str:
    route, row = layer.route, segment.properties
    shown = styles.STATUS_LABELS[segment.phase]
    if year is not None:
        shown = f"{shown} in {year}"
    documented = documented_km(route)
    since = since_line(segment.since, row)
    lines = [
        f"Kind: {styles.KIND_LABELS[route.kind]}",
        f"Status: {shown}" + (f" ({since[0].lower()}{since[1:]})" if since else ""),
        *([dispute_line(segment.dispute)] if segment.dispute is not None else []),
        f"Segment: {as_text(row.get('segment')) or 'full route'}",
        "Geometry quality: " + (
            "schematic (straight line between documented waypoints; position approximate)"
            if segment.quality == "schematic" else segment.quality),
        f"Length as drawn: {segment.length_km:.1f} km",
        "Documented length of the route: " + (
            f"{published(documented)} km" if documented is not None else NO_SOURCED_VALUE),
        f"Licence: {as_text(row.get('geometry_license'))}",
        f"Attribution: {as_text(row.get('geometry_attribution'))}",
    ]
    if flows and layer.flow is not None and segment.phase == "operating":
        lines += flow_lines(layer.flow)
    return "\n".join(lines)


def facility_description(facility: Facility) -> str:
    """A facility's balloon, in the words of its popup on the live map (its id is the
    placemark's, not the reader's)."""
    lines = [facility.kind, f"Category: {styles.FACILITY_LABELS[facility.category]}"]
    lines += [f"{label}: {value}" for label, value in facility_facts(facility)]
    lines.append(f"Location: {location_text(facility)}")
    lines.append("Sources: " + "; ".join(
        join(source_label(s), s.title, s.url, sep=", ") for s in facility.sources))
    lines.append(f"Licence: {FACILITY_LICENCE}")
    return "\n".join(lines)


def user_description(layer: UserLayer, props: dict[str, Any]) -> str:
    lines = [f"{key}: {as_text(value)}" for key, value in props.items() if as_text(value)]
    lines.append(f"Your own layer: {layer.name}")
    return "\n".join(lines)
