"""Data downloads of what the map shows: GeoJSON, CSV and KML.

Each exporter writes what a :class:`~corridor_atlas.scene.Scene` draws, in its order
(context routes first, the selected route on top, facilities, then the user's own
layers): the routes drawn in the year, each segment with its phase then, and, with
flows on, each route's flow. Route lines are written at full resolution (not
simplified, not clipped to the view's bbox).

* :func:`to_geojson`: one FeatureCollection with every segment and facility, each
  carrying its licence and attribution;
* :func:`to_csv`: the figures of the visible routes (and facilities), one row per
  figure with its source, filtered to the view's year;
* :func:`to_kml`: a folder per layer, lines coloured by kind, for Google Earth or QGIS.

GeoJSON and KML also carry the user's own layers (``user_layers``), after the atlas's
layers and with the properties of the user's file; they are the user's data, so
they carry no Corridor Atlas licence. The CSV lists sourced figures only, which a
user's layer does not have.

All three return UTF-8 bytes and are deterministic: the same atlas and view give
byte-identical output. Text from the data always stays text: JSON-escaped, quoted
by the csv module, XML-escaped in KML.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import shapely
import simplekml
from pydantic import BaseModel

from . import styles
from .catalog import Catalog, Facility, Route, Source
from .describe import dispute_line, flow_lines, flow_reason, since_line, status_line
from .flows import Flow
from .layers import FACILITIES_ID, Atlas
from .panels import (
    NO_SOURCED_VALUE,
    format_number,
    key_figures,
    milestones_frame,
    period_volumes_frame,
    source_label,
    volumes_frame,
)
from .scene import FacilityLayer, RouteLayer, Scene, Segment, UserLayerScene
from .uploads import property_columns

if TYPE_CHECKING:
    from .uploads import UserLayer

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_NAME",
    "FACILITY_LICENCE",
    "KML_NAMESPACE",
    "credits_lines",
    "kml_colour",
    "to_csv",
    "to_geojson",
    "to_kml",
]

EXPORT_NAME = "Corridor Atlas export"
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
FACILITY_LICENCE = "facts, quoted with their sources"
"""Licence note of facility points and facts (positions and facts quoted from the sources)."""

CSV_COLUMNS = ("route_id", "route", "figure", "year", "value", "unit", "note", "source",
               "source_title", "source_date", "url")
KML_COORD_DECIMALS = 6
KML_FACILITY_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"

# Key-figure rows that are figures (the rest name or describe the route).
_FIGURE_PREFIXES = ("documented length", "length", "expansion (SCPX) length", "diameter",
                    "shareholder", "status", "cost")
_FIGURE_SUFFIXES = ("capacity",)
_NUMBER_UNIT = re.compile(r"^(-?\d+(?:\.\d+)?) (\S.*)$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_SURROGATES = re.compile("[\ud800-\udfff]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# simplekml keeps the document being written, and its id counter, in class attributes:
# one export at a time per process.
_KML_LOCK = threading.Lock()


# --------------------------------------------------------------------------- layers


def _facilities(scene: Scene) -> list[tuple[Facility, shapely.Point]]:
    """The facilities drawn, in file order, with their point."""
    layer = scene.facilities
    if layer is None:
        return []
    return [(m.facility, shapely.Point(m.lon, m.lat)) for m in layer.marks]


# --------------------------------------------------------------------------- helpers


def _text(value: object) -> str:
    """A cell or property as text; ``None`` and NaN become ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _optional(value: object) -> Any:
    """A property value for JSON: NaN → ``None``, numpy scalars → Python."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _join(*parts: object, sep: str = "; ") -> str:
    return sep.join(t for t in (_text(p) for p in parts) if t)


def _documented_km(route: Route) -> float | None:
    length = route.facts.length_km
    return length.value if length.value is not None and length.source is not None else None


def credits_lines(catalog: Catalog | None) -> list[str]:
    """The catalog's attribution, one line per credit: text (licence) url."""
    if catalog is None:
        return []
    return [f"{a.text} ({a.licence}) {a.url}" for a in catalog.attribution]


def _facility_attribution(facility: Facility) -> str:
    publishers = list(dict.fromkeys(s.publisher for s in facility.sources))
    return "Corridor Atlas catalog; sources: " + "; ".join(publishers)


# --------------------------------------------------------------------------- GeoJSON


FLOW_FIELDS = ("volume", "volume_unit", "volume_year", "capacity", "capacity_unit",
               "utilisation", "volume_source", "capacity_source", "flow_note")
"""Flow properties of route segments when flows are on (null where there is no figure)."""


def _source_text(sources: Sequence[Source]) -> str | None:
    """``"publisher, date, url"`` of each source, joined; ``None`` for none."""
    parts = [_join(source_label(s), s.url, sep=", ") for s in sources]
    return "; ".join(dict.fromkeys(parts)) or None


def _flow_properties(flow: Flow | None, segment: Segment) -> dict[str, Any]:
    """A segment's flow: its route's throughput that year, capacity and utilisation."""
    props: dict[str, Any] = dict.fromkeys(FLOW_FIELDS)
    if flow is None or segment.phase != "operating":
        props["flow_note"] = ("not operating that year" if flow is not None
                              else "the atlas draws no flows for this kind of line")
        return props
    props["volume_year"] = flow.year
    if flow.volume is not None:
        props.update(volume=round(flow.volume, 6), volume_unit=flow.unit,
                     volume_source=_source_text([v.source for v in flow.volumes]))
        if len(flow.volumes) > 1:
            props["flow_note"] = "sum of " + ", ".join(
                f"{format_number(v.value)} {v.unit} {v.share}" for v in flow.volumes)
    else:
        props["flow_note"] = flow_reason(flow)
    if flow.capacity is not None and flow.capacity_figure is not None:
        props.update(capacity=round(flow.capacity, 6), capacity_unit=flow.unit,
                     capacity_source=_source_text([flow.capacity_figure.source]))
    if flow.utilisation is not None:
        props["utilisation"] = round(flow.utilisation, 4)
    return props


def _route_properties(layer: RouteLayer, segment: Segment, *, flows: bool) -> dict[str, Any]:
    route, row = layer.route, segment.properties
    props = {
        "route_id": route.id,
        "feature_id": segment.feature_id,
        "name": route.name,
        "short_name": route.short_name,
        "name_tr": route.name_tr,
        "name_az": route.name_az,
        "kind": route.kind,
        "status": segment.phase,
        "status_since": segment.since or _optional(row.get("existing_since")),
        "status_source": _source_text([segment.status_source] if segment.status_source
                                      else []),
        "disputed_by": (None if segment.dispute is None
                        else dispute_line(segment.dispute)),
        "segment": _optional(row.get("segment")),
        "geometry_quality": segment.quality,
        "geometry_source": _optional(row.get("geometry_source")),
        "licence": _optional(row.get("geometry_license")),
        "attribution": _optional(row.get("geometry_attribution")),
        "length_km": round(segment.length_km, 1),
        "documented_length_km": _documented_km(route),
    }
    if flows:
        props.update(_flow_properties(layer.flow, segment))
    return props


def _facility_properties(facility: Facility) -> dict[str, Any]:
    return {
        "facility_id": facility.id,
        "name": facility.name,
        "kind": facility.kind,
        "category": facility.category,
        "precision": facility.precision,
        "attribution": _facility_attribution(facility),
        "licence": FACILITY_LICENCE,
    }


def _feature(fid: str, props: dict[str, Any], geom: shapely.Geometry) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "properties": props,
            "geometry": shapely.geometry.mapping(geom)}


def _encode(text: str) -> bytes:
    """UTF-8, with any unpaired surrogate (not encodable) shown as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text).encode("utf-8")


def _user_id(index: int) -> str:
    return f"user-{index + 1}"


def _user_rows(layer: UserLayer) -> Iterator[tuple[dict[str, Any], shapely.Geometry]]:
    """Each feature of a user's layer: its own properties (JSON-ready) and geometry."""
    gdf = layer.gdf
    columns = property_columns(gdf)
    values = [gdf[c].tolist() for c in columns]
    for i, geom in enumerate(gdf.geometry.values):
        props = {}
        for column, column_values in zip(columns, values, strict=True):
            value = _optional(column_values[i])
            props[str(column)] = (value if value is None or isinstance(
                value, str | int | float | bool) else _text(value))
        yield props, geom


def to_geojson(atlas: Atlas, scene: Scene) -> bytes:
    """
    What the scene draws, as one GeoJSON FeatureCollection (RFC 7946, lon/lat WGS84).

    Route segments carry ``route_id, feature_id, name, short_name, name_tr, name_az,
    kind, status, status_since, status_source, disputed_by, segment, geometry_quality,
    geometry_source, licence, attribution, length_km`` (as drawn, 0.1 km) and
    ``documented_length_km`` (the catalog's sourced length, or null); ``status`` is the
    segment's status in the scene's year, ``status_since`` the date it began and
    ``status_source`` the milestone's source saying so (for an existing line, when and
    by whose account it was in use), ``disputed_by`` what another source says against
    it (or null).
    With flows on they also carry :data:`FLOW_FIELDS`: the route's throughput that
    year in the family's unit, its source, the capacity in force, the utilisation,
    and in ``flow_note`` why a value is null. Facilities carry
    ``facility_id, name, kind, category, precision, attribution, licence``. The
    collection names the export, the credits (``attribution``, one line each),
    ``as_of``, ``year``, ``flows`` and the exported ``layers``.

    The user's own layers follow, their features keeping the file's properties, with
    ids ``user-1-1``, ``user-1-2``…; ``user_layers`` lists each one's id and name.

    Returns UTF-8 JSON bytes, keys sorted, features in drawing order.
    """
    features: list[dict[str, Any]] = []
    flows = scene.view.flows
    user_layers = [la.layer for la in scene.user_layers]
    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            features += [_feature(seg.feature_id, _route_properties(layer, seg, flows=flows),
                                  seg.geometry) for seg in layer.segments]
        elif isinstance(layer, FacilityLayer):
            features += [_feature(fac.id, _facility_properties(fac), point)
                         for fac, point in _facilities(scene)]
    for index, user in enumerate(user_layers):
        features.extend(_feature(f"{_user_id(index)}-{i}", props, geom)
                        for i, (props, geom) in enumerate(_user_rows(user), start=1))
    catalog = atlas.catalog
    collection = {
        "type": "FeatureCollection",
        "name": EXPORT_NAME,
        "attribution": credits_lines(catalog),
        "as_of": catalog.as_of if catalog else None,
        "year": scene.view.year,
        "flows": flows,
        "layers": list(scene.layer_ids),
        "features": features,
    }
    if user_layers:
        collection["user_layers"] = [{"id": _user_id(i), "name": layer.name,
                                      "note": "your own layer, not part of Corridor Atlas"}
                                     for i, layer in enumerate(user_layers)]
    text = json.dumps(collection, ensure_ascii=False, sort_keys=True, allow_nan=False,
                      separators=(",", ":"))
    return _encode(text + "\n")


# --------------------------------------------------------------------------- CSV


def _sources_in(obj: object) -> Iterator[Source]:
    """Every :class:`Source` inside a catalog object, depth first, in field order."""
    if isinstance(obj, Source):
        yield obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _sources_in(getattr(obj, name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _sources_in(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _sources_in(item)


class _SourceIndex:
    """Finds the title and date behind a ``"publisher, date"`` label of a panel row."""

    def __init__(self, route: Route) -> None:
        self._by_label: dict[str, list[Source]] = {}
        for src in _sources_in(route.facts):
            self._by_label.setdefault(source_label(src), []).append(src)

    def _match(self, label: str, url: str) -> list[Source]:
        found = self._by_label.get(label, [])
        same_url = [s for s in found if (s.url or "") == url]
        if same_url:
            return same_url
        return found if len({s.title for s in found}) == 1 else []

    def details(self, label: str, url: str) -> tuple[str, str]:
        """``(title, date)``; several sources in one label give their titles joined."""
        if not label:
            return "", ""
        matched = self._match(label, url)
        if not matched and "; " in label:
            parts = label.split("; ")
            matched = [s for i, part in enumerate(parts)
                       for s in self._match(part, url if i == 0 else "")[:1]]
        titles = list(dict.fromkeys(s.title for s in matched))
        dates = list(dict.fromkeys(s.date for s in matched if s.date))
        if not matched:  # e.g. "newest source, 2026-03-11": the date is in the label
            tail = label.removesuffix(" (URL not retained)").rpartition(", ")[2]
            dates = [tail] if _YEAR.fullmatch(tail[:4]) else []
        return "; ".join(titles), "; ".join(dates)


def _is_figure(figure: str) -> bool:
    return figure.startswith(_FIGURE_PREFIXES) or figure.endswith(_FIGURE_SUFFIXES)


def _split_unit(value: str) -> tuple[str, str]:
    """``"1768 km"`` → ``("1768", "km")``; anything else is kept whole."""
    found = _NUMBER_UNIT.match(value)
    return (found.group(1), found.group(2)) if found else (value, "")


def _row(route_id: str, route: str, figure: str, year: object, value: str, unit: str,
         note: str, source: str, url: str, index: _SourceIndex | None,
         title: str = "", date: str = "") -> dict[str, str]:
    if index is not None and not title and not date:
        title, date = index.details(source, url)
    if value == NO_SOURCED_VALUE or not value:
        # A gap stays visible as a gap: no value, no source, the reason in the note.
        value, unit, source, title, date, url = "", "", "", "", "", ""
        note = _join(NO_SOURCED_VALUE, note)
    return {"route_id": route_id, "route": route, "figure": figure, "year": _text(year),
            "value": value, "unit": unit, "note": note, "source": source,
            "source_title": title, "source_date": date, "url": url}


def _year_of(text: str) -> int | None:
    """The last four-digit year in a date or period (``"2020-01 to 2020-11"`` → 2020)."""
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def _route_figures(route: Route, year: int | None) -> list[dict[str, str]]:
    index = _SourceIndex(route)
    name = route.name
    rows: list[dict[str, str]] = []

    for rec in key_figures(route, None).to_dict("records"):
        figure = _text(rec["figure"])
        if not _is_figure(figure):
            continue
        value, unit = _split_unit(_text(rec["value"]))
        rows.append(_row(route.id, name, figure, "", value, unit, _text(rec["note"]),
                         _text(rec["source"]), _text(rec["url"]), index))

    for rec in volumes_frame(route).to_dict("records"):
        if year is not None and int(rec["year"]) > year:
            continue
        series = _text(rec["series"])
        figure = "annual volume" if series == "reported" else f"annual volume, {series}"
        rows.append(_row(route.id, name, figure, int(rec["year"]),
                         format_number(float(rec["value"])), _text(rec["unit"]),
                         _join(rec["what"], rec["period_note"], rec["note"]),
                         _text(rec["source"]), _text(rec["url"]), index))

    for rec in period_volumes_frame(route).to_dict("records"):
        period = _text(rec["period"])
        end = _year_of(period)
        if year is not None and end is not None and end > year:
            continue
        rows.append(_row(route.id, name, "volume over a period", _text(end),
                         format_number(float(rec["value"])), _text(rec["unit"]),
                         _join(f"period: {period}", rec["what"], rec["note"]),
                         _text(rec["source"]), _text(rec["url"]), index))

    for rec in milestones_frame(route).to_dict("records"):
        date = _text(rec["date"])
        when = int(date[:4])
        if year is not None and when > year:
            continue
        note = _join(f"date: {date}" if len(date) > 4 else "", rec["note"])
        rows.append(_row(route.id, name, "milestone", when, _text(rec["event"]), "", note,
                         _text(rec["source"]), _text(rec["url"]), index))
    return rows


def _facility_figures(scene: Scene) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for fac, _ in _facilities(scene):
        labels = "; ".join(dict.fromkeys(source_label(s) for s in fac.sources))
        titles = "; ".join(dict.fromkeys(s.title for s in fac.sources))
        dates = "; ".join(dict.fromkeys(s.date for s in fac.sources if s.date))
        url = next((s.url for s in fac.sources if s.url), "") or ""
        for key, value in fac.facts.items():
            shown = format_number(value) if isinstance(value, float | int) else value
            rows.append(_row(FACILITIES_ID, fac.name, key.replace("_", " "), "", shown, "",
                             "", labels, url, None, titles, dates))
    return rows


def _csv_cell(value: str) -> str:
    """A cell as text; one starting like a spreadsheet formula is prefixed with ``'``."""
    if value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def to_csv(scene: Scene) -> bytes:
    """
    The figures of the layers the scene draws, one row per figure with its source.

    Columns are :data:`CSV_COLUMNS`. Per route, in drawing order: key figures
    (status, lengths, diameter, capacities, cost, shareholders), annual volumes
    (reported and other sources'), volumes over a period, then milestones. With
    a year shown, volumes and milestones after that year are left out. When
    the facilities layer is visible, each facility fact follows, with the
    facility's sources. A figure without a sourced value keeps its row, with an
    empty value and source and the note ``"no sourced value"``.

    ``value`` is the figure as published; a single number with a unit is split
    into ``value`` and ``unit``. Text cells that a spreadsheet would read as a
    formula (starting with ``= + - @``) are prefixed with ``'``.

    Returns UTF-8 CSV bytes (no BOM), ``\\n`` line endings, minimal quoting.
    """
    rows: list[dict[str, str]] = []
    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            rows.extend(_route_figures(layer.route, scene.view.year))
        elif isinstance(layer, FacilityLayer):
            rows.extend(_facility_figures(scene))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([_csv_cell(row[c]) for c in CSV_COLUMNS] for row in rows)
    return _encode(out.getvalue())


# --------------------------------------------------------------------------- KML


def kml_colour(hex_colour: str, opacity: float = 1.0) -> str:
    """``"#0072B2"`` → ``"ffb27200"`` (KML's aabbggrr, lower case)."""
    rgb = hex_colour.lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", rgb):
        raise ValueError(f"expected a colour as #rrggbb, got {hex_colour!r}")
    alpha = round(max(0.0, min(1.0, opacity)) * 255)
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _xml_text(value: object) -> str:
    """Text for a KML element: characters XML cannot hold become U+FFFD, then escaped.

    simplekml's own escaping is switched off (it lets ``<![CDATA[`` through
    unescaped); this escapes ``& < > "`` and keeps a carriage return as ``&#13;``
    so it survives parsing.
    """
    text = _NOT_XML.sub("\ufffd", _text(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;"))


def _balloon(text: str) -> str:
    """A description balloon: KML readers show descriptions as HTML, so data text is
    HTML-escaped (shown literally, never run) and lines are joined with ``<br>``."""
    return "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))


def _set_id(obj: Any, kml_id: str) -> None:
    # simplekml numbers ids from a process-wide counter; a fixed id per object keeps the
    # file identical from one export to the next. Only [A-Za-z0-9_-] reach here.
    obj._id = kml_id


def _coords(line: shapely.LineString | shapely.Point) -> list[tuple[float, float]]:
    return [(round(float(x), KML_COORD_DECIMALS), round(float(y), KML_COORD_DECIMALS))
            for x, y, *_ in line.coords]


def _lines(geom: shapely.Geometry) -> list[shapely.LineString]:
    if isinstance(geom, shapely.MultiLineString):
        return list(geom.geoms)
    return [geom] if isinstance(geom, shapely.LineString) else []


def _route_description(layer: RouteLayer, segment: Segment, year: int | None,
                       flows: bool) -> str:
    route, row = layer.route, segment.properties
    shown = styles.STATUS_LABELS[segment.phase]
    if year is not None:
        shown = f"{shown} in {year}"
    documented = _documented_km(route)
    since = since_line(segment.since, row)
    lines = [
        f"Kind: {styles.KIND_LABELS[route.kind]}",
        f"Status: {shown}" + (f" ({since[0].lower()}{since[1:]})" if since else ""),
        *([dispute_line(segment.dispute)] if segment.dispute is not None else []),
        f"Segment: {_text(row.get('segment')) or 'full route'}",
        "Geometry quality: " + (
            "schematic (straight line between documented waypoints; position approximate)"
            if segment.quality == "schematic" else segment.quality),
        f"Length as drawn: {segment.length_km:.1f} km",
        "Documented length of the route: " + (
            f"{format_number(documented)} km" if documented is not None else NO_SOURCED_VALUE),
        f"Licence: {_text(row.get('geometry_license'))}",
        f"Attribution: {_text(row.get('geometry_attribution'))}",
    ]
    if flows and layer.flow is not None and segment.phase == "operating":
        lines += flow_lines(layer.flow)
    return "\n".join(lines)


def _facility_description(facility: Facility) -> str:
    lines = [facility.kind, f"Category: {styles.FACILITY_LABELS[facility.category]}"]
    for key, value in facility.facts.items():
        shown = format_number(value) if isinstance(value, float | int) else value
        lines.append(f"{key.replace('_', ' ')}: {shown}")
    lines.append(f"Location: {facility.precision or 'not stated'}")
    lines.append("Sources: " + "; ".join(
        _join(source_label(s), s.title, s.url, sep=", ") for s in facility.sources))
    lines.append(f"Licence: {FACILITY_LICENCE}")
    lines.append(f"Facility: {facility.id}")
    return "\n".join(lines)


class _KmlStyles:
    """Shared styles, declared once in the Document and referenced by id."""

    def __init__(self, doc: simplekml.Document) -> None:
        self._doc = doc
        self._made: dict[str, simplekml.Style] = {}

    def _style(self, style_id: str) -> tuple[simplekml.Style, bool]:
        if style_id in self._made:
            return self._made[style_id], False
        style = simplekml.Style()
        _set_id(style, style_id)
        self._doc._addstyle(style)
        self._made[style_id] = style
        return style, True

    def line(self, look: styles.LineStyle) -> str:
        """A line style of the scene's colour, opacity and width (rounded to half pixels)."""
        width = max(1.0, round(look.weight * 2) / 2)
        key = f"{look.colour.lstrip('#').lower()}-{round(look.opacity * 100)}-{width:g}"
        style_id = "line-" + key.replace(".", "_")
        style, new = self._style(style_id)
        if new:
            style.linestyle.color = kml_colour(look.colour, look.opacity)
            style.linestyle.width = width
            _set_id(style.linestyle, f"{style_id}-line")
        return f"#{style_id}"

    def user(self) -> str:
        style_id = "user-layer"
        style, new = self._style(style_id)
        if new:
            style.linestyle.color = kml_colour(styles.USER_COLOUR)
            style.linestyle.width = styles.USER_WEIGHT
            style.polystyle.color = kml_colour(styles.USER_COLOUR, styles.USER_FILL_OPACITY)
            style.iconstyle.color = kml_colour(styles.USER_COLOUR)
            style.iconstyle.icon.href = KML_FACILITY_ICON
            for part, name in ((style.linestyle, "line"), (style.polystyle, "poly"),
                               (style.iconstyle, "icon"), (style.iconstyle.icon, "image")):
                _set_id(part, f"{style_id}-{name}")
        return f"#{style_id}"

    def facility(self, category: str) -> str:
        style_id = f"facility-{category}"
        style, new = self._style(style_id)
        if new:
            style.iconstyle.color = kml_colour(styles.FACILITY_COLOURS.get(category, "#000000"))
            style.iconstyle.scale = 1.0
            style.iconstyle.icon.href = KML_FACILITY_ICON
            _set_id(style.iconstyle.icon, f"{style_id}-image")
            _set_id(style.iconstyle, f"{style_id}-icon")
        return f"#{style_id}"


def _add_route(folder: simplekml.Folder, kml_styles: _KmlStyles, layer: RouteLayer,
               year: int | None, flows: bool) -> int:
    count = 0
    route = layer.route
    several = len(layer.segments) > 1
    for i, seg in enumerate(layer.segments, start=1):
        lines = _lines(seg.geometry)
        if not lines:
            continue
        pm_id = f"{route.id}-{i}"
        segment = _text(seg.properties.get("segment"))
        name = f"{route.name} — {segment}" if several and segment else route.name
        if len(lines) == 1:
            geom = folder.newlinestring(coords=_coords(lines[0]))
            _set_id(geom, f"{pm_id}-line")
            placemark = geom.placemark
        else:
            geom = folder.newmultigeometry()
            _set_id(geom, f"{pm_id}-lines")
            placemark = geom.placemark
            for k, line in enumerate(lines, start=1):
                part = geom.newlinestring(coords=_coords(line))
                _set_id(part, f"{pm_id}-line{k}")
        _set_id(placemark, pm_id)
        placemark.name = _xml_text(name)
        placemark.description = _xml_text(_balloon(_route_description(layer, seg, year,
                                                                      flows)))
        placemark.styleurl = kml_styles.line(seg.style)
        if flows:
            for key, value in _flow_properties(layer.flow, seg).items():
                placemark.extendeddata.newdata(key, _xml_text("" if value is None else value))
        count += 1
    return count


def _add_facilities(folder: simplekml.Folder, kml_styles: _KmlStyles, scene: Scene) -> None:
    for fac, point_geom in _facilities(scene):
        point = folder.newpoint(coords=_coords(point_geom))
        _set_id(point, f"facility-{fac.id}-point")
        _set_id(point.placemark, f"facility-{fac.id}")
        point.placemark.name = _xml_text(fac.name)
        point.placemark.description = _xml_text(_balloon(_facility_description(fac)))
        point.placemark.styleurl = kml_styles.facility(fac.category)


def _add_shape(parent: Any, geom: shapely.Geometry, shape_id: str) -> Any:
    """``geom`` as simplekml geometry under ``parent`` (a Folder or a MultiGeometry)."""
    if isinstance(geom, shapely.Point):
        shape = parent.newpoint(coords=_coords(geom))
    elif isinstance(geom, shapely.LineString):
        shape = parent.newlinestring(coords=_coords(geom))
    elif isinstance(geom, shapely.Polygon):
        shape = parent.newpolygon(outerboundaryis=_coords(geom.exterior),
                                  innerboundaryis=[_coords(r) for r in geom.interiors])
    else:  # Multi* and collections: one MultiGeometry, parts flattened
        shape = parent.newmultigeometry()
        for k, part in enumerate(shapely.get_parts(geom), start=1):
            _add_shape(shape, part, f"{shape_id}-{k}")
    _set_id(shape, shape_id)
    return shape


def _user_description(layer: UserLayer, props: dict[str, Any]) -> str:
    lines = [f"{key}: {_text(value)}" for key, value in props.items() if _text(value)]
    lines.append(f"Your own layer: {layer.name}")
    return "\n".join(lines)


def _add_user_layer(folder: simplekml.Folder, kml_styles: _KmlStyles, layer: UserLayer,
                    layer_id: str) -> None:
    for i, (props, geom) in enumerate(_user_rows(layer), start=1):
        if geom is None or geom.is_empty:
            continue
        pm_id = f"{layer_id}-{i}"
        shape = _add_shape(folder, geom, f"{pm_id}-shape")
        placemark = shape.placemark
        _set_id(placemark, pm_id)
        name = next((_text(props[k]) for k in ("name", "Name", "NAME") if _text(props.get(k))),
                    f"{layer.name} {i}")
        placemark.name = _xml_text(name)
        placemark.description = _xml_text(_balloon(_user_description(layer, props)))
        placemark.styleurl = kml_styles.user()


_NUMERIC_ID = re.compile(r' id="(\d+)"')
_NUMERIC_REF = re.compile(r"<styleUrl>#(\d+)</styleUrl>")


def _stable_ids(xml: str) -> str:
    """Renumber any id simplekml assigned itself (``id="123"``) in document order."""
    numbers: dict[str, str] = {}
    for found in _NUMERIC_ID.finditer(xml):
        numbers.setdefault(found.group(1), f"k{len(numbers) + 1}")
    if not numbers:
        return xml
    xml = _NUMERIC_ID.sub(lambda m: f' id="{numbers[m.group(1)]}"', xml)
    return _NUMERIC_REF.sub(lambda m: f"<styleUrl>#{numbers.get(m.group(1), m.group(1))}"
                                      "</styleUrl>", xml)


def _document_description(atlas: Atlas, scene: Scene) -> str:
    catalog = atlas.catalog
    lines = ["Credits:", *credits_lines(catalog)]
    if catalog is not None:
        lines.append(f"Data as of {catalog.as_of}")
    if scene.view.year is not None:
        lines.append(f"Year shown: {scene.view.year}")
    if scene.flow_year is not None:
        lines.append(f"Line widths: each route's throughput in {scene.flow_year}")
    lines.append("Schematic segments are indicative only (position approximate).")
    return "\n".join(lines)


def to_kml(atlas: Atlas, scene: Scene) -> bytes:
    """
    What the scene draws, as KML 2.2, written with simplekml.

    One Folder per layer (named by the route name, ``Facilities`` for the
    points), one Placemark per route segment (a MultiGeometry of LineStrings
    when the segment has several parts) in the scene's colour and width, and a
    plain-text description: kind, status in the year, segment, geometry quality,
    length, licence and attribution. With flows on, each segment also carries its
    route's flow, in the description and as ExtendedData (:data:`FLOW_FIELDS`).
    Facilities are Points with their facts and sources.
    The Document is named "Corridor Atlas" and its description gives the credits
    and the as-of date. Coordinates are rounded to 6 decimals (about 0.1 m).
    The user's own layers follow, one folder each, with points, lines and polygons
    in the users' colour and the file's properties in the balloons.

    Returns UTF-8 XML bytes, identical for identical inputs.
    """
    with _KML_LOCK:
        kml = simplekml.Kml()
        kml.parsetext(False)  # text is escaped by _xml_text
        doc = kml.document
        _set_id(doc, "corridor-atlas")
        doc.name = "Corridor Atlas"
        doc.description = _xml_text(_balloon(_document_description(atlas, scene)))
        kml_styles = _KmlStyles(doc)
        year = scene.view.year
        for layer in scene.layers:
            if isinstance(layer, UserLayerScene):
                continue
            folder = doc.newfolder()
            _set_id(folder, f"layer-{layer.id}")
            if isinstance(layer, FacilityLayer):
                folder.name = "Facilities"
                _add_facilities(folder, kml_styles, scene)
            else:
                folder.name = _xml_text(layer.route.name)
                folder.description = _xml_text(status_line(layer.route, layer.phase, year))
                _add_route(folder, kml_styles, layer, year, scene.view.flows)
        user_layers = [la.layer for la in scene.user_layers]
        for index, layer in enumerate(user_layers):
            folder = doc.newfolder()
            layer_id = _user_id(index)
            _set_id(folder, f"layer-{layer_id}")
            folder.name = _xml_text(layer.name)
            folder.description = _xml_text("Your own layer, not part of Corridor Atlas")
            _add_user_layer(folder, kml_styles, layer, layer_id)
        body = kml.kml(format=False)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + _stable_ids(body) + "\n"
    return xml.encode("utf-8")

