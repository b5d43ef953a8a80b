"""One checker for GeoJSON: the catalog's layers and users' uploads.

:func:`parse` turns a file's bytes into a JSON value, or raises :class:`JSONTextError`
saying why it cannot (not UTF-8, not JSON, nested too deeply). :func:`flaws` walks a
parsed value and yields what is wrong with it, each :class:`Flaw` located by feature and
field. :class:`Rules` says how much is asked: the catalog's layers must be a
FeatureCollection of one geometry type in longitude/latitude with unique ids and drawable
geometry; an upload may be a lone Feature or geometry, in any CRS, with missing geometry.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as _field

from .i18n import N_, NC_
from .i18n.message import Message

__all__ = ["GEOMETRY_TYPES", "NONFINITE", "Flaw", "JSONTextError", "Rules", "feature_flaws",
           "features_of", "flaws", "json_type", "parse"]

GEOMETRY_TYPES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                            "MultiPolygon", "GeometryCollection"})
NONFINITE = N_("NaN or infinite coordinates; every coordinate must be a finite number")
# How deep each type's coordinates nest: 1 is a position.
_DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3,
          "MultiPolygon": 4}
_LINES = ("LineString", "MultiLineString")
_MAX_COLLECTION_DEPTH = 8
_JSON_NAMES = {str: "string", int: "number", float: "number", list: "array", dict: "object",
               bool: "boolean", type(None): "null"}


class JSONTextError(ValueError):
    """The bytes are not JSON text: one line saying why and where (``message``, in any
    language)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Flaw:
    """One thing wrong with a GeoJSON value, located as precisely as it can be."""

    message: str
    #: The feature's position in the file (0 for a lone Feature or geometry), or ``None``
    #: for the file as a whole.
    index: int | None = None
    #: The feature's own ``id``, when it has one.
    feature_id: str | None = None
    #: Where in the feature (or the file): ``geometry``, ``geometry.coordinates``, ``id``,
    #: ``type`` or ``features``.
    field: str | None = None
    #: The message, to be written in a reader's language (``message`` is its English).
    said: Message | None = _field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, said: Message, index: int | None = None, feature_id: str | None = None,
           field: str | None = None) -> Flaw:
        """The flaw ``said``, located."""
        return cls(str(said), index, feature_id, field, said)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self.said.text(lang) if self.said is not None else self.message

    @property
    def feature(self) -> str | None:
        """The feature as messages name it: its id, else ``#index``; ``None`` for the file."""
        if self.feature_id is not None:
            return self.feature_id
        return None if self.index is None else f"#{self.index}"


@dataclass(frozen=True)
class Rules:
    """What a GeoJSON value must be, beyond well-formed."""

    #: The geometry types accepted.
    types: frozenset[str] = GEOMETRY_TYPES
    #: Only a FeatureCollection (otherwise a lone Feature or geometry passes too).
    collection_only: bool = False
    #: A feature may have ``"geometry": null``.
    null_geometry: bool = True
    #: Positions are longitude -180..180 and latitude -90..90 degrees.
    lonlat: bool = False
    #: Every geometry can be drawn: no empty geometry, and lines of two points or more.
    drawable: bool = False
    #: Feature ids are unique.
    unique_ids: bool = False


def json_type(value: object) -> str:
    """A Python value's JSON type name: ``string``, ``number``, ``array``…"""
    return _JSON_NAMES.get(type(value), type(value).__name__)


_JSON_A = {"string": N_("a string"), "number": N_("a number"), "array": N_("an array"),
           "object": N_("an object"), "boolean": N_("a boolean"), "null": N_("null")}


_JSON_TYPE = {"string": NC_("JSON type", "string"), "number": NC_("JSON type", "number"),
              "array": NC_("JSON type", "array"), "object": NC_("JSON type", "object"),
              "boolean": NC_("JSON type", "boolean"), "null": NC_("JSON type", "null")}


def _type_word(value: object) -> Message | str:
    """The JSON type's name, in a reader's language: ``string``, ``array``…"""
    name = json_type(value)
    return Message.pgettext("JSON type", _JSON_TYPE[name]) if name in _JSON_TYPE else name


def _a(value: object) -> Message | str:
    """``a string``, ``an array``: the JSON type with its article."""
    name = json_type(value)
    if name in _JSON_A:
        return Message.gettext(_JSON_A[name])
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _quote(value: object, limit: int) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def parse(data: bytes) -> object:
    """The JSON value of ``data`` (UTF-8, a BOM allowed); :class:`JSONTextError` if none."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        byte = format(data[err.start], "02x")
        raise JSONTextError(Message.gettext(
            "text is not UTF-8 (byte 0x{byte} at byte {at}); save the file as UTF-8",
            byte=byte, at=err.start)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        # Translators: {reason} is Python's JSON parser's own words, in English
        raise JSONTextError(Message.gettext(
            "not valid JSON: {reason} at line {line}, column {column}", reason=err.msg,
            line=err.lineno, column=err.colno)) from None
    except RecursionError:
        raise JSONTextError(Message.gettext("not valid GeoJSON: nested too deeply")) from None


def flaws(value: object, rules: Rules | None = None) -> Iterator[Flaw]:
    """
    Each thing wrong with a parsed GeoJSON value, in file order; ``Rules()`` by default.

    A problem with the value as a whole ends the walk; otherwise each feature yields at
    most a duplicate id and one problem with its geometry.
    """
    rules = rules if rules is not None else Rules()
    features = features_of(value, rules)
    if isinstance(features, Flaw):
        yield features
    else:
        yield from feature_flaws(features, rules)


def features_of(value: object, rules: Rules) -> list[object] | Flaw:
    """The features of a GeoJSON value (a lone Feature or geometry as one), or its flaw."""
    if not isinstance(value, dict):
        return Flaw.of(Message.gettext("not GeoJSON: expected a JSON object, got a JSON {type}",
                                       type=_type_word(value)))
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list):
            return Flaw.of(Message.gettext("not GeoJSON: 'features' is {what}, not an array",
                                           what=_a(features)), field="features")
        if not features:
            return Flaw.of(Message.gettext("the FeatureCollection has no features"),
                           field="features")
        return features
    if isinstance(kind, str) and (kind == "Feature" or kind in GEOMETRY_TYPES):
        if rules.collection_only:
            return Flaw.of(Message.gettext("expected a GeoJSON FeatureCollection, got {kind}",
                                           kind=repr(kind)), field="type")
        return [value] if kind == "Feature" else [{"geometry": value}]
    return Flaw.of(Message.gettext("not GeoJSON: 'type' is {kind}; expected "
                                   "'FeatureCollection'", kind=_quote(kind, 40)), field="type")


def feature_flaws(features: list[object], rules: Rules) -> Iterator[Flaw]:
    """Each feature's duplicate id and first problem with its geometry, in file order."""
    seen: set[str] = set()
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            yield Flaw.of(Message.gettext("not a Feature object (a JSON {type})",
                                          type=_type_word(feature)), index)
            continue
        fid = None if feature.get("id") is None else str(feature["id"])
        if rules.unique_ids and fid is not None:
            if fid in seen:
                yield Flaw.of(Message.gettext(
                    "duplicate feature id {id}; feature ids must be unique", id=repr(fid)),
                    index, fid, "id")
            seen.add(fid)
        problem = _geometry(feature.get("geometry"), rules)
        if problem is not None:
            message, field = problem
            yield Flaw.of(message, index, fid, field)


def _geometry(geom: object, rules: Rules, depth: int = 0) -> tuple[Message, str] | None:
    """What is wrong with one geometry, and in which field; ``None`` if nothing."""
    if geom is None:
        if rules.null_geometry:
            return None
        return Message.gettext("geometry is null; expected {types}",
                               types=_expected(rules)), "geometry"
    if not isinstance(geom, dict):
        return Message.gettext("geometry is {what} ({value}), not a GeoJSON geometry object",
                               what=_a(geom), value=_quote(geom, 30)), "geometry"
    kind = geom.get("type")
    if not isinstance(kind, str) or kind not in GEOMETRY_TYPES:
        return Message.gettext("unknown geometry type {kind}; expected {types}",
                               kind=_quote(kind, 40), types=_expected(rules)), "geometry"
    if kind not in rules.types:
        return Message.gettext("geometry is {kind}; expected {types}", kind=repr(kind),
                               types=_expected(rules)), "geometry"
    if kind == "GeometryCollection":
        parts = geom.get("geometries")
        if not isinstance(parts, list):
            return Message.gettext("a GeometryCollection needs a 'geometries' array"), \
                "geometry"
        if depth >= _MAX_COLLECTION_DEPTH:
            return Message.gettext("GeometryCollections nested too deeply"), "geometry"
        if rules.drawable and not parts:
            return Message.gettext("empty geometry"), "geometry"
        for part in parts:
            problem = _geometry(part, rules, depth + 1)
            if problem is not None:
                return problem
        return None
    positions: list[list[int | float]] = []
    message = _coordinates(geom.get("coordinates"), _DEPTH[kind], kind, rules, positions)
    if message is None and rules.drawable and not positions:
        return Message.gettext("empty geometry"), "geometry"
    if message is None and rules.lonlat:
        message = _outside_lonlat(positions)
    return None if message is None else (message, "geometry.coordinates")


def _expected(rules: Rules) -> Message | str:
    if rules.types >= GEOMETRY_TYPES - {"GeometryCollection"}:
        # Translators: GeoJSON's geometry types, named as GeoJSON names them
        return Message.gettext("Point, LineString, Polygon or their Multi- forms")
    names = sorted(rules.types)
    if len(names) == 1:
        return names[0]
    # Translators: a list of GeoJSON geometry types: "LineString, Point or Polygon"
    return Message.gettext("{types} or {last}", types=", ".join(names[:-1]), last=names[-1])


def _coordinates(coords: object, depth: int, kind: str, rules: Rules,
                 positions: list[list[int | float]]) -> Message | None:
    """Walk nested coordinates down to positions, collecting them; the first problem."""
    if depth == 1:
        if not isinstance(coords, list) or len(coords) < 2:
            return Message.gettext("a position must be an array of two or three numbers")
        for v in coords:
            if isinstance(v, bool) or not isinstance(v, int | float):
                return Message.gettext("coordinates must be numbers, got {value} ({what})",
                                       value=_quote(v, 20), what=_a(v))
            if not _finite(v):
                return Message.gettext(NONFINITE)
        positions.append(coords)
        return None
    if not isinstance(coords, list):
        return Message.gettext("the coordinates of a {kind} must be nested arrays of numbers",
                               kind=kind)
    if rules.drawable and kind in _LINES and depth == 2 and len(coords) < 2:  # one line
        return Message.gettext("a line needs at least two points")
    for item in coords:
        problem = _coordinates(item, depth - 1, kind, rules, positions)
        if problem is not None:
            return problem
    return None


def _finite(v: int | float) -> bool:
    if isinstance(v, int):  # JSON integers are unbounded; a float holds at most this
        return -sys.float_info.max <= v <= sys.float_info.max
    return math.isfinite(v)


def _outside_lonlat(positions: list[list[int | float]]) -> Message | None:
    for k, (lon, lat, *_) in enumerate(positions):
        if abs(lon) > 180 or abs(lat) > 90:
            x, y = format(float(lon), "g"), format(float(lat), "g")
            return Message.gettext(
                "coordinate {k} is ({lon}, {lat}), outside lon -180..180 / lat -90..90; "
                "GeoJSON is (lon, lat) in degrees", k=str(k), lon=x, lat=y)
    return None
