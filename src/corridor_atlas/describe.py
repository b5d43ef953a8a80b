"""Plain words for what the scene holds: a route's status in a year, its flow.

Renderers and panels call these and escape the result for their medium (HTML in the
live map's tooltips, XML in KML balloons, Markdown in the panels).
"""

from __future__ import annotations

from .catalog import AnnualVolume, Route
from .flows import Flow, Missing
from .format import number, percent, quantity
from .panels import source_label
from .styles import KIND_LABELS, STATUS_LABELS

__all__ = ["flow_lines", "flow_reason", "status_line", "volume_text"]


def status_line(route: Route, phase: str, year: int | None) -> str:
    """``"Gas pipeline · Operating in 2022"``."""
    status = STATUS_LABELS.get(phase, phase)  # type: ignore[call-overload]
    return f"{KIND_LABELS[route.kind]} · {status}" + (f" in {year}" if year is not None else "")


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
