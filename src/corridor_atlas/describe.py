"""Plain words for what the scene holds: a route's status in a year, its flow.

Renderers and panels call these and escape the result for their medium (HTML in the
live map's tooltips, XML in KML balloons, Markdown in the panels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalog import AnnualVolume, Dispute, Route
from .flows import Flow, Missing
from .format import date, number, percent, quantity
from .panels import source_label
from .styles import KIND_LABELS, STATUS_LABELS
from .timeline import State

__all__ = ["dispute_line", "disputed_status", "flow_lines", "flow_reason", "since_line", "status_line",
           "volume_text"]


def status_line(route: Route, phase: str, year: int | None) -> str:
    """``"Gas pipeline · Operating in 2022"``."""
    status = STATUS_LABELS.get(phase, phase)  # type: ignore[call-overload]
    return f"{KIND_LABELS[route.kind]} · {status}" + (f" in {year}" if year is not None else "")


def since_line(since: str | None, properties: Mapping[str, Any]) -> str | None:
    """When a segment's status began: ``"Since 24 May 2023"``, or, for a line that was
    there before its route, ``"An existing line, in use since 1883"``."""
    if since is not None:
        return f"Since {date(since)}"
    existing = properties.get("existing_since")
    if isinstance(existing, str) and existing:
        return f"An existing line, in use since {date(existing)}"
    return None


def dispute_line(dispute: Dispute) -> str:
    """``"Sources disagree: … (Ekonomist, March 2025)"``."""
    when = f", {date(dispute.source.date)}" if dispute.source.date else ""
    return f"Sources disagree: {dispute.claim} ({dispute.source.publisher}{when})"


def disputed_status(state: State) -> str:
    """``"Idle (…) since 26 August 2025 (Report.az, 2025-08-26). Sources disagree: …"``."""
    text = STATUS_LABELS[state.status]
    if state.milestone is not None:
        text += f" since {date(state.since)} ({source_label(state.milestone.source)})."
    return text + (f" {dispute_line(state.dispute)}" if state.dispute is not None else "")


def volume_text(volume: AnnualVolume) -> str:
    """A sourced figure as published: ``"224.389 million bbl crude delivered…"``."""
    text = f"{number(volume.value)} {volume.unit} {volume.what}"
    if volume.period_note and not volume.period_note.startswith("full calendar year"):
        text += f" ({volume.period_note})"
    return text


def flow_reason(flow: Flow) -> str | None:
    """Why a flow has no volume, in a sentence; ``None`` when it has one."""
    if flow.missing is None:
        return None
    if flow.missing is Missing.NO_FAMILY:
        return "The atlas draws no flows for this kind of line."
    if flow.missing is Missing.NOT_OPERATING:
        return f"Not operating in {flow.year}: nothing carried."
    return f"No sourced figure for all it carried in {flow.year}."


def flow_lines(flow: Flow) -> list[str]:
    """
    A flow as readers read it, one line each.

    The throughput (and the figures it comes from), the capacity in force and the
    utilisation; or why there is no figure, and the partial figures there are.
    """
    lines = []
    if flow.volume is not None and flow.unit is not None:
        lines.append(f"Flow in {flow.year}: {quantity(flow.volume, flow.unit, sig=3)}")
        if len(flow.volumes) > 1:
            lines.append("= " + " + ".join(f"{number(v.value)} {v.unit} {v.share}"
                                           for v in flow.volumes))
        else:
            lines.append("From: " + volume_text(flow.volumes[0]))
    else:
        lines.append(flow_reason(flow) or "")
        partial = [v for v in flow.other if v.measure != "count"]
        if flow.missing is Missing.NO_FIGURE and partial:
            lines.append("Partial figures: " + "; ".join(volume_text(v) for v in partial))
    if flow.capacity is not None and flow.unit is not None:
        lines.append(f"Capacity in force: {quantity(flow.capacity, flow.unit, sig=3)}")
        if flow.utilisation is not None:
            lines.append(f"Utilisation: {percent(flow.utilisation)}")
    elif flow.family is not None and flow.missing is not Missing.NOT_OPERATING:
        lines.append(f"Capacity in force in {flow.year}: no dated figure")
    sources = [source_label(v.source) for v in flow.volumes]
    if flow.capacity_figure is not None and flow.volume is not None:
        sources.append(f"capacity: {source_label(flow.capacity_figure.source)}")
    if sources:
        lines.append("Sources: " + "; ".join(dict.fromkeys(sources)))
    return lines
