"""What the scene draws, as KML 2.2 for Google Earth or QGIS, written with simplekml."""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

import shapely
import simplekml

from .. import i18n
from ..describe import facilities_name, status_line
from ..layers import Atlas
from ..scene import FacilityLayer, RouteLayer, Scene, UserLayerScene
from ..view import credit_text, english
from .kmlstyle import KmlStyles, set_id
from .kmltext import (
    balloon,
    facility_description,
    route_description,
    user_description,
    xml_text,
)
from .properties import flow_properties
from .shared import as_text, credits_lines, facilities, user_id, user_rows

if TYPE_CHECKING:
    from ..uploads import UserLayer

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
KML_COORD_DECIMALS = 6

# simplekml keeps the document being written, and its id counter, in class attributes:
# one export at a time per process.
_KML_LOCK = threading.Lock()


def _coords(line: shapely.LineString | shapely.Point) -> list[tuple[float, float]]:
    return [(round(float(x), KML_COORD_DECIMALS), round(float(y), KML_COORD_DECIMALS))
            for x, y, *_ in line.coords]


def _lines(geom: shapely.Geometry) -> list[shapely.LineString]:
    if isinstance(geom, shapely.MultiLineString):
        return list(geom.geoms)
    return [geom] if isinstance(geom, shapely.LineString) else []


def _add_route(folder: simplekml.Folder, kml_styles: KmlStyles, layer: RouteLayer,
               year: int | None, flows: bool, lang: str = "en") -> int:
    count = 0
    route = layer.route
    route_name = route.name_in(lang)
    several = len(layer.segments) > 1
    for i, seg in enumerate(layer.segments, start=1):
        lines = _lines(seg.geometry)
        if not lines:
            continue
        pm_id = f"{route.id}-{i}"
        segment = as_text(seg.properties.get("segment"))
        name = f"{route_name} — {segment}" if several and segment else route_name
        if len(lines) == 1:
            geom = folder.newlinestring(coords=_coords(lines[0]))
            set_id(geom, f"{pm_id}-line")
            placemark = geom.placemark
        else:
            geom = folder.newmultigeometry()
            set_id(geom, f"{pm_id}-lines")
            placemark = geom.placemark
            for k, line in enumerate(lines, start=1):
                part = geom.newlinestring(coords=_coords(line))
                set_id(part, f"{pm_id}-line{k}")
        set_id(placemark, pm_id)
        placemark.name = xml_text(name)
        placemark.description = xml_text(balloon(route_description(layer, seg, year, flows,
                                                                   lang)))
        placemark.styleurl = kml_styles.line(seg.style)
        if flows:
            for key, value in flow_properties(layer.flow, seg).items():
                placemark.extendeddata.newdata(key, xml_text("" if value is None else value))
        count += 1
    return count


def _add_facilities(folder: simplekml.Folder, kml_styles: KmlStyles, scene: Scene) -> None:
    lang = scene.view.lang
    for fac, point_geom in facilities(scene):
        point = folder.newpoint(coords=_coords(point_geom))
        set_id(point, f"facility-{fac.id}-point")
        set_id(point.placemark, f"facility-{fac.id}")
        point.placemark.name = xml_text(fac.name_in(lang))
        point.placemark.description = xml_text(balloon(facility_description(fac, lang)))
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
    set_id(shape, shape_id)
    return shape


def _add_user_layer(folder: simplekml.Folder, kml_styles: KmlStyles, layer: UserLayer,
                    layer_id: str, lang: str = "en") -> None:
    for i, (props, geom) in enumerate(user_rows(layer), start=1):
        if geom is None or geom.is_empty:
            continue
        pm_id = f"{layer_id}-{i}"
        shape = _add_shape(folder, geom, f"{pm_id}-shape")
        placemark = shape.placemark
        set_id(placemark, pm_id)
        name = next((as_text(props[k]) for k in ("name", "Name", "NAME") if as_text(props.get(k))),
                    f"{layer.name} {i}")
        placemark.name = xml_text(name)
        placemark.description = xml_text(balloon(user_description(layer, props, lang)))
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
    lang = scene.view.lang
    tr = i18n.translator(lang)
    catalog = atlas.catalog
    credits = (credits_lines(catalog) if lang == "en" else
               [f"{credit_text(a.text, lang)} ({credit_text(a.licence, lang)}) {a.url}"
                for a in catalog.attribution] if catalog is not None else [])
    lines = [tr.gettext("Credits:"), *credits]
    if catalog is not None:
        when = catalog.as_of if english(lang) else i18n.date(catalog.as_of, lang)
        lines.append(tr.gettext("Data as of {date}").format(date=when))
    if scene.view.year is not None:
        lines.append(tr.gettext("Year shown: {year}").format(year=scene.view.year))
    if scene.flow_year is not None:
        lines.append(tr.gettext("Line widths: each route's throughput in {year}").format(
            year=scene.flow_year))
    lines.append(tr.gettext("Schematic segments are indicative only (position approximate)."))
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
    and the as-of date. Folder names, descriptions and balloons are in the scene's
    language (``scene.view.lang``), routes and facilities named in it where a source
    names them. Coordinates are rounded to 6 decimals (about 0.1 m).
    The user's own layers follow, one folder each, with points, lines and polygons
    in the users' colour and the file's properties in the balloons.

    Returns UTF-8 XML bytes, identical for identical inputs.
    """
    with _KML_LOCK:
        kml = simplekml.Kml()
        kml.parsetext(False)  # text is escaped by _xml_text
        doc = kml.document
        set_id(doc, "corridor-atlas")
        doc.name = "Corridor Atlas"
        doc.description = xml_text(balloon(_document_description(atlas, scene)))
        kml_styles = KmlStyles(doc)
        year = scene.view.year
        lang = scene.view.lang
        for layer in scene.layers:
            if isinstance(layer, UserLayerScene):
                continue
            folder = doc.newfolder()
            set_id(folder, f"layer-{layer.id}")
            if isinstance(layer, FacilityLayer):
                folder.name = xml_text(facilities_name(lang))
                _add_facilities(folder, kml_styles, scene)
            else:
                folder.name = xml_text(layer.route.name_in(lang))
                folder.description = xml_text(status_line(layer.route, layer.phase, year,
                                                          lang))
                _add_route(folder, kml_styles, layer, year, scene.view.flows, lang)
        user_layers = [la.layer for la in scene.user_layers]
        for index, layer in enumerate(user_layers):
            folder = doc.newfolder()
            layer_id = user_id(index)
            set_id(folder, f"layer-{layer_id}")
            folder.name = xml_text(layer.name)
            folder.description = xml_text(i18n.translator(lang).gettext(
                "Your own layer, not part of Corridor Atlas"))
            _add_user_layer(folder, kml_styles, layer, layer_id, lang)
        body = kml.kml(format=False)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + _stable_ids(body) + "\n"
    return xml.encode("utf-8")

