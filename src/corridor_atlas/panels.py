"""Data shaping for the side panels: tables and series built from the catalog.

Everything here is pure: it reads validated catalog objects and the figures read
from them (:mod:`corridor_atlas.figures`) and returns pandas DataFrames or small
frozen dataclasses, with no HTML and no UI calls. Figures become words in
:mod:`corridor_atlas.describe`; the frames hold those words for ``st.dataframe``.

Two rules hold throughout:

* a figure is never invented. A value the catalog has no source for is shown
  as :data:`NO_SOURCED_VALUE`, never as a guess or a zero;
* every figure carries its source (publisher, date, url) in the same row.

Missing years stay missing: frames keep ``NaN`` (or leave the year out), and the
charts draw them as gaps.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import figures
from .catalog import Alternative, Catalog, ContextFigure, Milestone, Route, Source
from .describe import (
    DESCRIPTIVE_SOURCE,
    DRAWN_SOURCE,
    NO_SOURCED_VALUE,
    figure_note,
    figure_source,
    figure_value,
    source_label,
    sources_label,
)
from .format import date as date_text
from .format import published
from .styles import STATUS_LABELS
from .timeline import periods

__all__ = [
    "DESCRIPTIVE_SOURCE",
    "DRAWN_SOURCE",
    "GAS_DESTINATIONS",
    "KINDS",
    "NO_SOURCED_VALUE",
    "REPORTED",
    "CapacityLine",
    "all_milestones",
    "capacities_overview",
    "capacity_series",
    "context_figures_frame",
    "corridor_overview",
    "gas_exports_frame",
    "key_figures",
    "milestones_frame",
    "status_periods_frame",
    "volume_units",
    "volumes_frame",
]

KINDS: tuple[str, ...] = ("oil", "gas", "rail", "power")
"""Route kinds, in the order the overview lists them."""

GAS_DESTINATIONS: dict[str, str] = {
    "to_turkiye_bcm": "Türkiye",
    "to_europe_bcm": "Europe",
    "to_georgia_bcm": "Georgia",
    "total_exports_bcm": "total",
    "to_turkiye_via_tanap_bcm": "Türkiye via TANAP",
    "to_syria_bcm": "Syria",
}
"""Field of :class:`~corridor_atlas.catalog.GasExportYear` → destination label."""

KEY_FIGURE_COLUMNS = ["figure", "value", "note", "source", "url"]
MILESTONE_COLUMNS = ["date", "date_sort", "precision", "event", "effect", "applies to", "note",
                     "source", "url", "route_id"]
EFFECT_LABELS = {
    "planned": "agreed or planned",
    "construction": "construction",
    "operating": "in use",
    "suspended": "suspended",
    "resumed": "back in use",
    "idle": "idle",
    "closed": "closed",
    "expansion": "expansion",
    "none": "no change",
}
"""What a milestone did to the route's status, in the Dates tab."""
PERIOD_COLUMNS = ["status", "from", "until", "event", "source", "url", "sources disagree"]
VOLUME_COLUMNS = ["year", "value", "unit", "what", "period_note", "note", "source", "url",
                  "series"]
REPORTED = "reported"
"""The ``series`` of a route's main annual-volume series in :func:`volumes_frame`."""
_SERIES: dict[figures.FigureKind, str] = {
    "annual_volume": REPORTED,
    "annual_volume_alternative": "alternative",
    "annual_volume_italy_only": "alternative (Italy only)",
}

_PER_YEAR = ("y", "year", "yr", "a")
_PER_DAY = ("day", "d")
_DAYS_PER_YEAR = 365


# --------------------------------------------------------------------------- key figures


def key_figures(route: Route, drawn_length_km: float | None, *,
                as_of: str | None = None, year: int | None = None) -> pd.DataFrame:
    """
    The key-figures table of one route: :func:`corridor_atlas.figures.key_figures` in
    words (:mod:`corridor_atlas.describe`).

    Parameters
    ----------
    route
        A validated route.
    drawn_length_km
        Length of the drawn line in km, or ``None`` when no geometry was measured
        (the "drawn length" row is then left out).
    as_of
        The catalog's as-of date: a figure whose source is dated more than a year
        before it says so in its note (:func:`~corridor_atlas.describe.stale_note`).
    year
        The year shown (with ``as_of``): a row gives the status in that year, from
        the dated milestones, and the catalog's status becomes "status today".

    Returns
    -------
    pandas.DataFrame
        Columns ``figure, value, note, source, url``. Every row carries a source,
        or its value is :data:`NO_SOURCED_VALUE`. Names and other descriptive
        rows carry :data:`DESCRIPTIVE_SOURCE`.
    """
    in_year = (figures.status_in_year(route, year, as_of=as_of)
               if year is not None and as_of is not None else None)
    rows = [{"figure": f.label, "value": figure_value(f), "note": figure_note(f, as_of),
             "source": figure_source(f), "url": f.url}
            for f in figures.key_figures(route, drawn_length_km, in_year=in_year)]
    return pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS)


# --------------------------------------------------------------------------- milestones


def _parse_partial_date(text: str) -> tuple[pd.Timestamp, str]:
    parts = text.split("-")
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    return pd.Timestamp(year=year, month=month, day=day), precision


def _milestone_rows(route: Route, milestones: Sequence[Milestone]) -> list[dict[str, Any]]:
    names = {s.id: s.name for s in route.segments}
    whole = ("the sections the project built" if any(s.existing for s in route.segments)
             else "the route")
    rows = []
    for m in milestones:
        when, precision = _parse_partial_date(m.date)
        rows.append({"date": m.date, "date_sort": when, "precision": precision,
                     "event": m.event, "effect": EFFECT_LABELS[m.effect],
                     "applies to": "; ".join(names.get(s, s) for s in m.segments)
                     or whole,
                     "note": m.note, "source": source_label(m.source),
                     "url": m.source.url, "route_id": route.id, "route": route.short_name})
    return rows


def status_periods_frame(route: Route, *, as_of: str) -> pd.DataFrame:
    """
    The route's status over time, one row per period, oldest first: what it was, from
    and until when (``"as of …"`` for the period still running on ``as_of``), the
    event and source that began it, and what another source says against it.
    """
    rows = []
    for p in periods(route, as_of=as_of):
        source = p.milestone.source if p.milestone is not None else None
        rows.append({
            "status": STATUS_LABELS[p.status],
            "from": date_text(p.start),
            "until": date_text(p.end) if p.end else f"still, as of {date_text(as_of)}",
            "event": p.milestone.event if p.milestone is not None else "",
            "source": source_label(source) if source is not None else "",
            "url": source.url if source is not None else None,
            "sources disagree": (f"{p.dispute.claim} ({source_label(p.dispute.source)})"
                                 if p.dispute is not None else ""),
        })
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)


def _milestone_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame["date_sort"] = pd.to_datetime(frame["date_sort"])
    return frame.sort_values("date_sort", kind="stable").reset_index(drop=True)


def milestones_frame(route: Route) -> pd.DataFrame:
    """
    The milestones of one route, oldest first.

    ``date`` is the date as the source gives it (``"2003"``, ``"2003-04"`` or
    ``"2005-05-10"``); ``date_sort`` is the first day of that period and
    ``precision`` says which of ``year``/``month``/``day`` it was.
    """
    return _milestone_frame(_milestone_rows(route, route.facts.milestones), MILESTONE_COLUMNS)


def all_milestones(catalog: Catalog) -> pd.DataFrame:
    """The milestones of every route in one frame, with a ``route`` (short name) column."""
    rows = [row for route in catalog.routes
            for row in _milestone_rows(route, route.facts.milestones)]
    return _milestone_frame(rows, [*MILESTONE_COLUMNS, "route"])


# --------------------------------------------------------------------------- volumes


def volumes_frame(route: Route) -> pd.DataFrame:
    """
    Annual volumes of one route, by year.

    ``series`` is :data:`REPORTED` for the main series, ``"alternative"`` for
    other sources' values for the same year and ``"alternative (Italy only)"``
    for volumes counted at the Italian end only. Years without a value are
    absent, never zero.
    """
    rows = [{"year": f.year, "value": f.value, "unit": f.unit, "what": f.what,
             "period_note": f.coverage, "note": f.note, "source": sources_label(f.sources),
             "url": f.url, "series": _SERIES[f.kind]} for f in figures.volume_figures(route)]
    frame = pd.DataFrame(rows, columns=VOLUME_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame.sort_values("year", kind="stable").reset_index(drop=True)


def period_volumes_frame(route: Route) -> pd.DataFrame:
    """Partial-year, daily-average and cumulative figures (``other_volume_data``)."""
    rows = [{"period": f.date, "value": f.value, "unit": f.unit, "what": f.what,
             "note": f.note, "source": sources_label(f.sources), "url": f.url}
            for f in figures.period_figures(route)]
    return pd.DataFrame(rows, columns=["period", "value", "unit", "what", "note", "source",
                                       "url"])


def volume_units(route: Route) -> list[str]:
    """Units of the reported annual volumes, most frequent first (ties: first seen first)."""
    counts = Counter(v.unit for v in route.facts.annual_volumes)
    return [unit for unit, _ in counts.most_common()]


@dataclass(frozen=True)
class CapacityLine:
    """A capacity expressed in the unit of an annual-volume series."""

    label: str
    value: float
    unit: str
    what: str
    source: str
    url: str | None
    derived: bool
    derivation: str | None
    note: str | None = None


def _split_rate(unit: str) -> tuple[str, str | None]:
    base, sep, per = unit.strip().rpartition("/")
    if not sep:
        return unit.strip(), None
    return base.strip(), per.strip().lower()


def capacity_series(route: Route, unit: str) -> list[CapacityLine]:
    """
    Capacities of ``route`` that compare with annual volumes in ``unit``.

    ``"X/y"`` (or ``"X/year"``) matches ``"X"`` as published. ``"X/day"``
    matches ``"X"`` only after multiplying by 365; such lines are always
    flagged ``derived=True`` and say how they were derived. Other units (for
    example ``GW``) do not match.
    """
    lines: list[CapacityLine] = []
    for cap in route.facts.capacity:
        if cap.increment:  # capacity added, not a level the line has
            continue
        base, per = _split_rate(cap.unit)
        if base != unit.strip():
            continue
        label = f"{cap.what} capacity, {published(cap.value)} {cap.unit}"
        common = {"unit": unit, "what": cap.what, "source": source_label(cap.source),
                  "url": cap.source.url, "note": cap.note}
        if per in _PER_YEAR:
            lines.append(CapacityLine(label=label, value=cap.value, derived=False,
                                      derivation=None, **common))
        elif per in _PER_DAY:
            derivation = f"{published(cap.value)} {cap.unit} × {_DAYS_PER_YEAR}"
            lines.append(CapacityLine(label=f"{label} (derived: {derivation})",
                                      value=cap.value * _DAYS_PER_YEAR, derived=True,
                                      derivation=derivation, **common))
    return lines


@dataclass(frozen=True)
class CapacityStep:
    """The capacity in force in one year, in the unit of an annual-volume series.

    ``value`` is ``None`` in a year no dated capacity covers. ``derived`` capacities
    come from a daily rate (× 365) and say so in ``derivation``.
    """

    year: int
    value: float | None
    unit: str
    what: str | None = None
    derived: bool = False
    derivation: str | None = None
    basis: str | None = None
    source: str | None = None
    url: str | None = None


def capacity_steps(route: Route, unit: str, years: Iterable[int]) -> list[CapacityStep]:
    """
    The capacity in force in each of ``years``, from the capacities whose ``in_force``
    years cover it, in ``unit`` as :func:`capacity_series` converts it. Capacity added by
    an expansion (``increment``) is never a capacity in force; a year no dated capacity
    covers keeps its row with ``value=None`` (a gap, never the last known value).
    """
    dated = [cap for cap in route.facts.capacity
             if cap.in_force is not None and not cap.increment]
    steps = []
    for year in years:
        step = CapacityStep(year, None, unit)
        for cap in dated:
            assert cap.in_force is not None
            base, per = _split_rate(cap.unit)
            if not cap.in_force.covers(year) or base != unit.strip():
                continue
            common = {"what": cap.what, "basis": cap.in_force.basis,
                      "source": source_label(cap.source), "url": cap.source.url}
            if per in _PER_YEAR:
                step = CapacityStep(year, cap.value, unit, **common)
            elif per in _PER_DAY:
                step = CapacityStep(year, cap.value * _DAYS_PER_YEAR, unit, derived=True,
                                    derivation=f"{published(cap.value)} {cap.unit} × "
                                               f"{_DAYS_PER_YEAR}", **common)
            else:
                continue
            break
        steps.append(step)
    return steps


# --------------------------------------------------------------------------- corridor-wide


def _routes(catalog: Catalog, include_context: bool) -> list[Route]:
    return [r for r in catalog.routes if include_context or r.role == "route"]


def corridor_overview(catalog: Catalog, drawn_km: Mapping[str, float], *,
                      include_context: bool = False) -> pd.DataFrame:
    """
    Lengths by kind: documented (published) against drawn.

    Parameters
    ----------
    catalog
        The catalog.
    drawn_km
        Drawn length in km by route id (routes missing here count as not drawn).
    include_context
        Also count routes whose role is ``"context"``.

    Returns
    -------
    pandas.DataFrame
        One row per kind that has routes, in :data:`KINDS` order: ``kind``,
        ``routes`` (count), ``documented_km`` (sum over routes with a sourced
        length; ``NaN`` if none has one), ``documented_routes``,
        ``without_documented_length`` (short names), ``drawn_km``,
        ``drawn_routes``, ``without_drawn_length`` and ``length_notes``.
    """
    rows = []
    routes = _routes(catalog, include_context)
    for kind in KINDS:
        members = [r for r in routes if r.kind == kind]
        if not members:
            continue
        documented = [r for r in members
                      if r.facts.length_km.value is not None
                      and r.facts.length_km.source is not None]
        drawn = [r for r in members if drawn_km.get(r.id) is not None]
        documented_sum = sum(r.facts.length_km.value or 0.0 for r in documented)
        notes = [f"{r.short_name}: {r.facts.length_km.note}" for r in documented
                 if r.facts.length_km.note]
        rows.append({
            "kind": kind,
            "routes": len(members),
            "documented_km": documented_sum if documented else math.nan,
            "documented_routes": len(documented),
            "without_documented_length": ", ".join(r.short_name for r in members
                                                   if r not in documented),
            "drawn_km": (sum(float(drawn_km[r.id]) for r in drawn) if drawn else math.nan),
            "drawn_routes": len(drawn),
            "without_drawn_length": ", ".join(r.short_name for r in members if r not in drawn),
            "length_notes": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=[
        "kind", "routes", "documented_km", "documented_routes", "without_documented_length",
        "drawn_km", "drawn_routes", "without_drawn_length", "length_notes"])


def capacities_overview(catalog: Catalog, *, include_context: bool = True) -> pd.DataFrame:
    """
    One row per route per published capacity, with its source.

    A route with no capacity in the catalog gets one row whose ``value`` is
    ``NaN`` and whose ``note`` is :data:`NO_SOURCED_VALUE`.
    """
    rows = []
    for route in _routes(catalog, include_context):
        base = {"route_id": route.id, "route": route.short_name, "kind": route.kind,
                "status": route.status, "role": route.role}
        if not route.facts.capacity:
            rows.append({**base, "what": None, "value": math.nan, "unit": None,
                         "note": NO_SOURCED_VALUE, "source": None, "url": None})
        rows.extend({**base, "what": f"{cap.what} (added)" if cap.increment else cap.what,
                     "value": cap.value, "unit": cap.unit,
                     "note": cap.note, "source": source_label(cap.source),
                     "url": cap.source.url} for cap in route.facts.capacity)
    return pd.DataFrame(rows, columns=["route_id", "route", "kind", "status", "role", "what",
                                       "value", "unit", "note", "source", "url"])


def gas_exports_frame(catalog: Catalog) -> pd.DataFrame:
    """
    Azerbaijan's gas exports by year and destination, in long format.

    Columns ``year, destination, bcm, note, sources, url``. A destination with
    no sourced figure for a year keeps its row with ``bcm = NaN`` so charts can
    show the gap.
    """
    rows = []
    for entry in sorted(catalog.gas_exports_azerbaijan, key=lambda e: e.year):
        sources = sources_label(entry.sources)
        url = figures.first_url(entry.sources)
        for field, destination in GAS_DESTINATIONS.items():
            value = getattr(entry, field)
            rows.append({"year": entry.year, "destination": destination,
                         "bcm": math.nan if value is None else float(value),
                         "note": entry.note, "sources": sources, "url": url})
    frame = pd.DataFrame(rows, columns=["year", "destination", "bcm", "note", "sources", "url"])
    frame["bcm"] = frame["bcm"].astype("float64")
    return frame


def _plain(value: float | Mapping[str, float]) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {published(v)}" for k, v in value.items())
    return published(value)


def _alternatives_text(alternatives: Sequence[Alternative]) -> str:
    return "; ".join(f"{_plain(alt.value)} ({source_label(alt.source)})"
                     for alt in alternatives)


def _is_disputed(fig: ContextFigure) -> bool:
    if fig.support_level.strip() != "supported":
        return True
    for alt in fig.alternatives:
        if isinstance(alt.value, Mapping) or not math.isclose(alt.value, fig.value):
            return True
    return False


def context_figures_frame(catalog: Catalog) -> pd.DataFrame:
    """
    The context figures quoted beside the map, with how well each is supported.

    ``disputed`` is true when ``support_level`` is not exactly ``"supported"``
    or when another source gives a different value. ``outcome`` is the actual
    figure for a planned one, when known.
    """
    rows = []
    for fig in catalog.context_figures:
        outcome = None
        if fig.outcome is not None:
            outcome = (f"{published(fig.outcome.value)} {fig.outcome.unit} "
                       f"({source_label(fig.outcome.source)})")
        rows.append({"id": fig.id, "text": fig.text, "value": fig.value, "unit": fig.unit,
                     "year": fig.year, "support_level": fig.support_level, "note": fig.note,
                     "source": source_label(fig.source), "url": fig.source.url,
                     "alternatives": _alternatives_text(fig.alternatives),
                     "disputed": _is_disputed(fig), "outcome": outcome,
                     "caveat": (f"{fig.caveat.text} ({sources_label(fig.caveat.sources)})"
                                if fig.caveat is not None else None)})
    return pd.DataFrame(rows, columns=["id", "text", "value", "unit", "year", "support_level",
                                       "note", "source", "url", "alternatives", "disputed",
                                       "outcome", "caveat"])


# --------------------------------------------------------------------------- as of a year


def route_until(route: Route, year: int | None) -> Route:
    """The route with its volumes and milestones cut at ``year`` (``None``: everything)."""
    if year is None:
        return route
    facts = route.facts
    cut = {
        "annual_volumes": [v for v in facts.annual_volumes if v.year <= year],
        "annual_volume_alternatives": [v for v in facts.annual_volume_alternatives
                                       if v.year <= year],
        "annual_volumes_italy_only": [v for v in facts.annual_volumes_italy_only
                                      if v.year <= year],
        "milestones": [m for m in facts.milestones if int(m.date[:4]) <= year],
    }
    return route.model_copy(update={"facts": facts.model_copy(update=cut)})


TABLE_COLUMNS = ["layer", "name", "kind", "status", "line", "documented_km", "drawn_km",
                 "capacity", "source", "url"]
PATTERN_WORDS = {"operating": "solid", "construction": "dashed", "planned": "dotted",
                 "suspended": "dash-dot", "idle": "faded dash-dot-dot", "closed": "faded dots"}


def layers_table(catalog: Catalog, layers: Iterable[str], *, status: Mapping[str, str | None],
                 drawn_km: Mapping[str, float], facilities: bool = False) -> pd.DataFrame:
    """
    One row per visible route (and facility), with its key figures and their sources.

    Parameters
    ----------
    catalog
        The catalog.
    layers
        Visible route ids, in the order to list them.
    status
        Status of each route in the year shown (``None``: not begun, listed as such).
    drawn_km
        Drawn length of each route.
    facilities
        Add a row per facility.
    """
    rows: list[dict[str, Any]] = []
    for rid in layers:
        try:
            route = catalog.route(rid)
        except KeyError:
            continue
        f = route.facts
        phase = status.get(rid)
        design = next((c for c in f.capacity if c.what == "design"), None)
        length_source = f.length_km.source
        rows.append({
            "layer": rid,
            "name": route.name,
            "kind": route.kind,
            "status": phase or "not begun",
            "line": PATTERN_WORDS.get(phase or "", "not drawn"),
            "documented_km": f.length_km.value,
            "drawn_km": round(drawn_km[rid], 1) if rid in drawn_km else None,
            "capacity": (f"{published(design.value)} {design.unit} (design)" if design
                         else NO_SOURCED_VALUE),
            "source": "; ".join(dict.fromkeys(
                [source_label(s) for s in (length_source, design.source if design else None)
                 if s is not None])) or NO_SOURCED_VALUE,
            "url": (length_source.url if length_source else None)
            or (design.source.url if design else None),
        })
    if facilities:
        for fac in catalog.facilities.items:
            rows.append({
                "layer": "facilities", "name": fac.name, "kind": fac.category, "status": "",
                "line": "point" if fac.lon is not None else "not drawn (no sourced location)",
                "documented_km": None, "drawn_km": None, "capacity": "",
                "source": sources_label(fac.sources), "url": figures.first_url(fac.sources),
            })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def sources_frame(sources: Iterable[Source]) -> pd.DataFrame:
    """A list of sources as a table: publisher and date, title, link."""
    rows = [{"source": source_label(s), "title": s.title, "url": s.url} for s in sources]
    return pd.DataFrame(rows, columns=["source", "title", "url"])
