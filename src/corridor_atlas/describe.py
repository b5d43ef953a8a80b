"""Plain words for what the scene holds: a route's status in a year, its flow, its figures.

Renderers and panels call these and escape the result for their medium (HTML in the
live map's tooltips, XML in KML balloons, Markdown in the panels). This is the one
place a :class:`~corridor_atlas.figures.Figure` becomes text for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .catalog import AnnualVolume, Dispute, Facility, Location, Route, Source
from .figures import Citation, Figure, facility_figures, is_stale
from .flows import Flow, Missing
from .format import date, number, percent, quantity
from .styles import KIND_LABELS, STATUS_LABELS
from .timeline import State

__all__ = ["DESCRIPTIVE_SOURCE", "DRAWN_SOURCE", "FACILITIES_NAME", "LOCATION_WORDS",
           "NOT_BEGUN", "NO_SOURCED_VALUE", "dispute_line", "disputed_status",
           "facility_facts", "figure_note", "figure_source", "figure_value", "flow_lines",
           "flow_reason", "length_text", "location_text", "route_label", "since_line",
           "source_label", "sources_label", "stale_note", "status_line", "status_word",
           "volume_text"]

NO_SOURCED_VALUE = "no sourced value"
"""Shown in place of a figure the catalog has no source for."""

DRAWN_SOURCE = "computed from the route geometry"
"""Source of lengths measured on the drawn line rather than published."""

DESCRIPTIVE_SOURCE = "atlas catalog (descriptive entry)"
"""Source of rows that name or describe a route rather than give a figure."""

NOT_BEGUN = "Not yet agreed"
"""A route's status in a year before any milestone set one (not drawn)."""

FACILITIES_NAME = "Facilities"
"""The facilities layer's name, wherever layers are named (sidebar, layer control)."""

LOCATION_WORDS: dict[Location, str] = {
    "site": "the site itself",
    "area": "one point for the whole field or complex",
    "centre": "the town or city centre",
    "nearby": "approximate (the nearest town or village: no source locates the site "
              "itself)",
    "none": "not known (no source gives its coordinates, so it is not on the map)",
}
"""What a facility's point stands for (its ``location``), as the panel and popup say it."""

_HOLDER_KINDS = ("shareholder", "shareholder_previous")


# --------------------------------------------------------------------------- names


def route_label(route: Route) -> str:
    """A route's name wherever it is named on its own (sidebar, layer control, panel,
    table, search, tooltip); the map's names and the legend use its ``short_name``."""
    return route.name


def status_word(phase: str | None) -> str:
    """A status (or none yet) in words: ``"Under construction"``, ``"Not yet agreed"``."""
    if phase is None:
        return NOT_BEGUN
    return STATUS_LABELS.get(phase, phase)  # type: ignore[call-overload]


def length_text(km: float | None) -> str:
    """``"1,768 km"``, or :data:`NO_SOURCED_VALUE`."""
    return NO_SOURCED_VALUE if km is None else f"{number(round(km))} km"


def location_text(facility: Facility) -> str:
    """Where a facility's point is, in words (and where the facility is, if said)."""
    text = LOCATION_WORDS[facility.location] if facility.location else "not stated"
    return f"{text}. {facility.location_note}" if facility.location_note else text


def facility_facts(facility: Facility) -> list[tuple[str, str]]:
    """A facility's facts as (what, value) in words, in the catalog's order."""
    return [(f.label, figure_value(f)) for f in facility_figures(facility)]


# --------------------------------------------------------------------------- sources


def source_label(src: Citation) -> str:
    """
    ``"<publisher>, <date or n.d.>"``, flagged when the URL was not retained; the
    newest source of a status (no publisher) is ``"newest source, <date>"``.

    >>> source_label(Source(url="https://x.org/a", title="t", publisher="Trend",
    ...                     date="2023-02-17"))
    'Trend, 2023-02-17'
    """
    if not isinstance(src, Source):
        return f"newest source, {src.date or 'n.d.'}"
    label = f"{src.publisher}, {src.date or 'n.d.'}"
    if src.url_not_retained:
        label += " (URL not retained)"
    return label


def sources_label(sources: Iterable[Citation]) -> str:
    """Each source's label once, in order, joined with ``"; "`` (empty for none)."""
    return "; ".join(dict.fromkeys(source_label(s) for s in sources))


# --------------------------------------------------------------------------- figures


def _amount(value: float, unit: str | None) -> str:
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {unit}" if unit else number(value)


def figure_value(figure: Figure) -> str:
    """
    A figure's value as the panels show it, every digit the source gives with thousands
    separators: ``"1,768 km"``; an increment ``"+1.2 bcm/y"``; a breakdown
    ``"AZE 449 km, GEO 235 km"``; a shareholding ``"bp: 30.1%"``; a drawn length
    ``"1,750 km as drawn"``; a value no source gives, :data:`NO_SOURCED_VALUE`.
    """
    value = figure.value
    if value is None:
        text = NO_SOURCED_VALUE
    elif isinstance(value, str):
        text = value
    elif isinstance(value, tuple):
        text = ", ".join(f"{part.name} {_amount(part.value, figure.unit)}" for part in value)
    elif figure.kind == "drawn_length":
        text = f"{number(round(value))} {figure.unit} as drawn"
    else:
        text = ("+" if figure.increment else "") + _amount(value, figure.unit)
    if figure.kind in _HOLDER_KINDS and figure.part:
        return f"{figure.part}: {text}"
    return text


def figure_source(figure: Figure) -> str | None:
    """Where a figure comes from, in words: its sources' labels, or what the atlas did."""
    if figure.kind == "description":
        return DESCRIPTIVE_SOURCE
    if figure.kind == "drawn_length":
        return DRAWN_SOURCE
    return sources_label(figure.sources) or None


def stale_note(dated: str | None, as_of: str) -> str | None:
    """What to say of a figure whose newest source is more than a year before ``as_of``."""
    if not is_stale(dated, as_of):
        return None
    assert dated is not None
    return (f"newest source {date(dated)}: more than a year before the data's as-of "
            f"date ({date(as_of)})")


def figure_note(figure: Figure, as_of: str | None = None) -> str | None:
    """
    The note of a key figure: when it held (``"as of 2025-12"``), what it covers, the
    catalog's note, and, given the data's ``as_of`` date, whether its newest source is
    more than a year older (:func:`stale_note`).
    """
    parts = [f"as of {figure.date}" if figure.date else None, figure.what, figure.note]
    if as_of is not None:
        parts.append(stale_note(figure.newest_source_date, as_of))
    return "; ".join(p for p in parts if p) or None


# --------------------------------------------------------------------------- the scene


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
