"""The properties of each route segment and facility a map file carries (GeoJSON, KML)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..catalog import Facility, Route, Source
from ..describe import dispute_line, flow_reason, source_label
from ..flows import Flow
from ..format import published
from ..scene import RouteLayer, Segment
from .shared import FACILITY_LICENCE, join, optional

FLOW_FIELDS = ("volume", "volume_unit", "volume_year", "capacity", "capacity_unit",
               "utilisation", "volume_source", "capacity_source", "flow_note")
"""Flow properties of route segments when flows are on (null where there is no figure)."""


def documented_km(route: Route) -> float | None:
    """The route's sourced length in km, or ``None``."""
    length = route.facts.length_km
    return length.value if length.value is not None and length.source is not None else None


def source_text(sources: Sequence[Source]) -> str | None:
    """``"publisher, date, url"`` of each source, joined; ``None`` for none."""
    parts = [join(source_label(s), s.url, sep=", ") for s in sources]
    return "; ".join(dict.fromkeys(parts)) or None


def flow_properties(flow: Flow | None, segment: Segment) -> dict[str, Any]:
    """A segment's flow: its route's throughput that year, capacity and utilisation."""
    props: dict[str, Any] = dict.fromkeys(FLOW_FIELDS)
    if flow is None or segment.phase != "operating":
        props["flow_note"] = ("not operating that year" if flow is not None
                              else "the atlas draws no flows for this kind of line")
        return props
    props["volume_year"] = flow.year
    if flow.volume is not None:
        props.update(volume=round(flow.volume, 6), volume_unit=flow.unit,
                     volume_source=source_text([v.source for v in flow.volumes]))
        if len(flow.volumes) > 1:
            props["flow_note"] = "sum of " + ", ".join(
                f"{published(v.value)} {v.unit} {v.share}" for v in flow.volumes)
    else:
        props["flow_note"] = flow_reason(flow)
    if flow.capacity is not None and flow.capacity_figure is not None:
        props.update(capacity=round(flow.capacity, 6), capacity_unit=flow.unit,
                     capacity_source=source_text([flow.capacity_figure.source]))
    if flow.utilisation is not None:
        props["utilisation"] = round(flow.utilisation, 4)
    return props


def route_properties(layer: RouteLayer, segment: Segment, *, flows: bool) -> dict[str, Any]:
    """A route segment's properties; with ``flows``, also :data:`FLOW_FIELDS`."""
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
        "status_since": segment.since or optional(row.get("existing_since")),
        "status_source": source_text([segment.status_source] if segment.status_source
                                     else []),
        "disputed_by": (None if segment.dispute is None
                        else dispute_line(segment.dispute)),
        "segment": optional(row.get("segment")),
        "geometry_quality": segment.quality,
        "geometry_source": optional(row.get("geometry_source")),
        "licence": optional(row.get("geometry_license")),
        "attribution": optional(row.get("geometry_attribution")),
        "length_km": round(segment.length_km, 1),
        "documented_length_km": documented_km(route),
    }
    if flows:
        props.update(flow_properties(layer.flow, segment))
    return props


def facility_properties(facility: Facility) -> dict[str, Any]:
    """A facility point's properties."""
    publishers = list(dict.fromkeys(s.publisher for s in facility.sources))
    return {
        "facility_id": facility.id,
        "name": facility.name,
        "kind": facility.kind,
        "category": facility.category,
        "precision": facility.precision,
        "attribution": "Corridor Atlas catalog; sources: " + "; ".join(publishers),
        "licence": FACILITY_LICENCE,
    }
