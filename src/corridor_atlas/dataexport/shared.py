"""What every data export shares: the credits, the layers a scene draws, text cells."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import shapely

from ..catalog import Catalog, Facility
from ..i18n import N_
from ..scene import Scene
from ..uploads import property_columns

if TYPE_CHECKING:
    from ..uploads import UserLayer

EXPORT_NAME = "Corridor Atlas export"
FACILITY_LICENCE = N_("facts, quoted with their sources")
"""Licence note of facility points and facts (positions and facts quoted from the sources)."""

_SURROGATES = re.compile("[\ud800-\udfff]")


def as_text(value: object) -> str:
    """A cell or property as text; ``None`` and NaN become ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def optional(value: object) -> Any:
    """A property value for JSON: NaN → ``None``, numpy scalars → Python."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def join(*parts: object, sep: str = "; ") -> str:
    """The parts that are not empty, as text, joined with ``sep``."""
    return sep.join(t for t in (as_text(p) for p in parts) if t)


def encode(data: str) -> bytes:
    """UTF-8, with any unpaired surrogate (not encodable) shown as U+FFFD."""
    return _SURROGATES.sub("\ufffd", data).encode("utf-8")


def credits_lines(catalog: Catalog | None) -> list[str]:
    """The catalog's attribution, one line per credit: text (licence) url."""
    if catalog is None:
        return []
    return [f"{a.text} ({a.licence}) {a.url}" for a in catalog.attribution]


def facilities(scene: Scene) -> list[tuple[Facility, shapely.Point]]:
    """The facilities drawn, in file order, with their point."""
    layer = scene.facilities
    if layer is None:
        return []
    return [(m.facility, shapely.Point(m.lon, m.lat)) for m in layer.marks]


def user_id(index: int) -> str:
    """The id of the user's ``index``-th layer (from 0) in an export: ``"user-1"``…"""
    return f"user-{index + 1}"


def user_rows(layer: UserLayer) -> Iterator[tuple[dict[str, Any], shapely.Geometry]]:
    """Each feature of a user's layer: its own properties (JSON-ready) and geometry."""
    gdf = layer.gdf
    columns = property_columns(gdf)
    values = [gdf[c].tolist() for c in columns]
    for i, geom in enumerate(gdf.geometry.values):
        props = {}
        for column, column_values in zip(columns, values, strict=True):
            value = optional(column_values[i])
            props[str(column)] = (value if value is None or isinstance(
                value, str | int | float | bool) else as_text(value))
        yield props, geom
