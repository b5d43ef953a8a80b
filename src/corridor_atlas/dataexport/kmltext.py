"""The text of a KML file: balloons of routes, facilities and the user's features.

Written in the scene's language (``lang``): the words through its translator, numbers
and dates as it writes them; what the catalog says (a facility's kind and facts, a
segment's name, a licence) as the catalog writes it."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from .. import i18n, styles
from ..catalog import Facility
from ..describe import (
    NO_SOURCED_VALUE,
    dispute_line,
    facility_facts,
    flow_lines,
    kind_word,
    location_text,
    since_line,
    source_label,
    status_word,
)
from ..format import published
from ..scene import RouteLayer, Segment
from ..view import english
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


def _km(value: float, lang: str, *, places: int | None = None) -> str:
    """A length in km as published (``places``: that many decimals), in ``lang``."""
    tr = i18n.translator(lang)
    if english(lang):
        number = f"{value:.{places}f}" if places is not None else published(value)
    else:
        number = i18n.number(value, lang, places=places)
    return f"{number} {i18n.unit('km', tr)}"


def route_description(layer: RouteLayer, segment: Segment, year: int | None,
                      flows: bool, lang: str = "en") -> str:
    tr = i18n.translator(lang)
    route, row = layer.route, segment.properties
    shown = status_word(segment.phase, lang)
    if year is not None:
        shown = tr.gettext("{status} in {year}").format(status=shown, year=year)
    documented = documented_km(route)
    since = since_line(segment.since, row, lang)
    quality = (tr.gettext("schematic (straight line between documented waypoints; position "
                          "approximate)") if segment.quality == "schematic"
               else tr.gettext("traced") if segment.quality == "traced" else segment.quality)
    lines = [
        tr.gettext("Kind: {kind}").format(kind=kind_word(route.kind, lang)),
        tr.gettext("Status: {status}").format(status=shown)
        + (f" ({i18n.lower(since[0], lang)}{since[1:]})" if since else ""),
        *([dispute_line(segment.dispute, lang)] if segment.dispute is not None else []),
        tr.gettext("Segment: {name}").format(
            name=as_text(row.get("segment")) or tr.gettext("full route")),
        tr.gettext("Geometry quality: {quality}").format(quality=quality),
        tr.gettext("Length as drawn: {length}").format(
            length=_km(segment.length_km, lang, places=1)),
        tr.gettext("Documented length of the route: {length}").format(
            length=_km(documented, lang) if documented is not None
            else tr.gettext(NO_SOURCED_VALUE)),
        tr.gettext("Licence: {licence}").format(licence=as_text(row.get("geometry_license"))),
        tr.gettext("Attribution: {credit}").format(
            credit=as_text(row.get("geometry_attribution"))),
    ]
    if flows and layer.flow is not None and segment.phase == "operating":
        lines += flow_lines(layer.flow, lang)
    return "\n".join(lines)


def facility_description(facility: Facility, lang: str = "en") -> str:
    """A facility's balloon, in the words of its popup on the live map (its id is the
    placemark's, not the reader's)."""
    tr = i18n.translator(lang)
    lines = [facility.kind, tr.gettext("Category: {category}").format(
        category=tr.gettext(styles.FACILITY_LABELS[facility.category]))]
    lines += [f"{label}: {value}" for label, value in facility_facts(facility, lang)]
    lines.append(tr.gettext("Location: {where}").format(where=location_text(facility, lang)))
    lines.append(tr.gettext("Sources: {sources}").format(sources="; ".join(
        join(source_label(s, lang), s.title, s.url, sep=", ") for s in facility.sources)))
    lines.append(tr.gettext("Licence: {licence}").format(licence=tr.gettext(FACILITY_LICENCE)))
    return "\n".join(lines)


def user_description(layer: UserLayer, props: dict[str, Any], lang: str = "en") -> str:
    lines = [f"{key}: {as_text(value)}" for key, value in props.items() if as_text(value)]
    lines.append(i18n.translator(lang).gettext("Your own layer: {name}").format(
        name=layer.name))
    return "\n".join(lines)
