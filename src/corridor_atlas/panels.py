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

A reader's table keeps its numbers and dates as values, so that it sorts by them (a
text "1,768 km" sorts before "878 km"); ``frame.attrs[SHOWN]`` says how each such
column reads, in :mod:`corridor_atlas.describe`'s words, and ``frame.attrs[MISSING]``
what an empty one of its cells means. :func:`as_read` gives the table as it reads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import figures
from .catalog import Alternative, Catalog, ContextFigure, Facility, Milestone, Route
from .describe import (
    DESCRIPTIVE_SOURCE,
    DRAWN_SOURCE,
    NO_SOURCED_VALUE,
    facility_facts,
    figure_label,
    figure_note,
    figure_source,
    figure_value,
    length_text,
    route_label,
    source_label,
    sources_label,
    status_word,
)
from .format import date as date_text
from .format import number, published, quantity
from .styles import FACILITY_LABELS, KIND_LABELS, STATUS_LABELS
from .timeline import cutoff, periods

__all__ = [
    "DESCRIPTIVE_SOURCE",
    "DRAWN_SOURCE",
    "GAS_DESTINATIONS",
    "KINDS",
    "LINK",
    "MISSING",
    "NO_FIGURE",
    "NO_SOURCED_VALUE",
    "REPORTED",
    "SHOWN",
    "STILL",
    "CapacityGap",
    "CapacityLine",
    "ContextItem",
    "all_milestones",
    "as_read",
    "capacities_overview",
    "capacities_table",
    "capacity_gap",
    "capacity_series",
    "context_figures_frame",
    "context_items",
    "corridor_overview",
    "facility_table",
    "gas_exports_frame",
    "gas_exports_table",
    "key_figures",
    "layers_table",
    "lengths_table",
    "milestones_frame",
    "milestones_table",
    "period_volumes_table",
    "status_periods_frame",
    "volume_units",
    "volumes_frame",
    "volumes_table",
]

LINK = "url"
"""The column of a reader's table that holds each row's link (``None``: no link)."""

NO_FIGURE = "no figure"
"""A cell of a table by year for which no source gives a figure."""

SHOWN = "shown"
"""``frame.attrs[SHOWN]``: the columns of a reader's table that hold numbers or dates as
values (the table sorts by them), each with the function that writes a value in words."""

MISSING = "missing"
"""``frame.attrs[MISSING]``: what an empty cell of those columns means, in words (empty:
nothing to say)."""

STILL = "still"
"""The end of a status period still running on the date shown (sorts after every date)."""

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
    "construction": "under construction",
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


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def _readable(frame: pd.DataFrame, shown: Mapping[str, Callable[[Any], str]] | None = None,
              missing: str = "") -> pd.DataFrame:
    """``frame`` with every missing value an empty text, but for the :data:`LINK` column
    (a row without a link keeps ``None``; the app shows it as an empty cell) and the
    columns in ``shown``: numbers or dates kept as values, each column with how it reads
    (:data:`SHOWN`), and ``missing`` what an empty one of their cells means
    (:data:`MISSING`)."""
    out = frame.copy()
    shown = dict(shown or {})
    for column in out.columns:
        if column != LINK and column not in shown:
            out[column] = pd.Series(["" if _missing(v) else v for v in out[column]],
                                    index=out.index, dtype=object)
    out.attrs = {SHOWN: shown, MISSING: missing}
    return out


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A reader's table as it reads: each value of its :data:`SHOWN` columns in words, an
    empty one as :data:`MISSING` says; the other columns as they are."""
    out = frame.copy()
    missing = frame.attrs.get(MISSING, "")
    for column, words in frame.attrs.get(SHOWN, {}).items():
        out[column] = pd.Series([missing if _missing(v) else words(v) for v in frame[column]],
                                index=frame.index, dtype=object)
    out.attrs = {}
    return out


def _km(value: float) -> str:
    """A length in words, rounded to the kilometre: ``"1,768 km"``."""
    return length_text(float(value))


def _whole_km(value: float | None) -> float:
    """A length rounded to the kilometre as the table shows it (``NaN``: none)."""
    return math.nan if value is None or _missing(value) else float(round(value))


# --------------------------------------------------------------------------- key figures


def key_figures(route: Route, drawn_length_km: float | None, *,
                as_of: str | None = None, year: int | None = None,
                countries: Mapping[str, str] | None = None) -> pd.DataFrame:
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
    countries
        Country names by code (the catalog's ``country_codes``): countries, and lengths
        by country, are named in words ("Türkiye", never "TUR").

    Returns
    -------
    pandas.DataFrame
        Columns ``figure, value, note, source, url``. Every row carries a source,
        or its value is :data:`NO_SOURCED_VALUE` (and its source is empty). Names and
        other descriptive rows carry :data:`DESCRIPTIVE_SOURCE`. No text is missing:
        a row with no note has an empty one; only ``url`` may be ``None``.
    """
    in_year = (figures.status_in_year(route, year, as_of=as_of)
               if year is not None and as_of is not None else None)
    rows = [{"figure": figure_label(f, countries), "value": figure_value(f, countries),
             "note": figure_note(f, as_of), "source": figure_source(f), "url": f.url}
            for f in figures.key_figures(route, drawn_length_km, in_year=in_year)]
    return _readable(pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS))


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


def status_periods_frame(route: Route, *, as_of: str, year: int | None = None
                         ) -> pd.DataFrame:
    """
    The route's status over time up to ``year`` (``None``: up to ``as_of``), one row per
    period, oldest first: what it was, from and until when, the event and source that
    began it, and what another source says against it.

    ``from`` and ``until`` are dates as the sources give them (they sort as dates) and
    read in words (:data:`SHOWN`); the period still running at the end of ``year`` (or on
    ``as_of``) ends :data:`STILL`: ``"still at the end of 2012"``, ``"still, as of 3 July
    2026"``. What happened after ``year`` is left out, as everywhere the panels follow
    the year.
    """
    cut = cutoff(year, as_of)
    still = (f"still, as of {date_text(as_of)}" if cut == as_of
             else f"still at the end of {year}")
    rows = []
    for p in periods(route, as_of=cut):
        source = p.milestone.source if p.milestone is not None else None
        rows.append({
            "status": STATUS_LABELS[p.status],
            "from": p.start,
            "until": p.end or STILL,
            "event": p.milestone.event if p.milestone is not None else "",
            "source": source_label(source) if source is not None else "",
            "url": source.url if source is not None else None,
            "sources disagree": (f"{p.dispute.claim} ({source_label(p.dispute.source)})"
                                 if p.dispute is not None else ""),
        })
    return _readable(pd.DataFrame(rows, columns=PERIOD_COLUMNS),
                     {"from": date_text,
                      "until": lambda end: still if end == STILL else date_text(end)})


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


def milestones_table(frame: pd.DataFrame) -> pd.DataFrame:
    """
    Milestones (:func:`milestones_frame` or :func:`all_milestones`) as readers get them:
    ``[route,] date, event, status change, applies to, note, source, url``, in the frame's
    order, without the columns that chart them. ``date`` is the date as the source gives
    it (``"2003"``, ``"2003-04"``, ``"2005-05-10"``: it sorts as a date) and reads in words
    (:data:`SHOWN`: ``"10 May 2005"``).
    """
    columns = [*(["route"] if "route" in frame.columns else []), "date", "event", "effect",
               "applies to", "note", "source", LINK]
    return _readable(frame[columns].rename(columns={"effect": "status change"}),
                     {"date": date_text})


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


def volumes_table(route: Route) -> pd.DataFrame:
    """
    :func:`volumes_frame` as readers get it: ``year, volume, unit, what, period, note,
    source, url, series``. ``volume`` is the number (the table sorts by it), read with
    every digit the source gives and thousands separators (:data:`SHOWN`).
    """
    frame = volumes_frame(route)
    out = pd.DataFrame({
        "year": [str(y) for y in frame["year"]], "volume": frame["value"].astype("float64"),
        "unit": frame["unit"], "what": frame["what"], "period": frame["period_note"],
        "note": frame["note"], "source": frame["source"], LINK: frame["url"],
        "series": frame["series"]})
    return _readable(out, {"volume": number})


def period_volumes_table(route: Route) -> pd.DataFrame:
    """:func:`period_volumes_frame` as readers get it: ``period, volume, unit, what, note,
    source, url``, ``volume`` a number read as :func:`volumes_table` reads it."""
    frame = period_volumes_frame(route)
    out = pd.DataFrame({
        "period": frame["period"], "volume": frame["value"].astype("float64"),
        "unit": frame["unit"], "what": frame["what"], "note": frame["note"],
        "source": frame["source"], LINK: frame["url"]})
    return _readable(out, {"volume": number})


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
    come from a daily rate (× 365) and say so in ``derivation``; ``published`` is the
    capacity as its source gives it (``"1 Mt/y"`` for a line drawn in tonnes).
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
    published: str | None = None


_MASS_IN_TONNES: dict[str, float] = {"t": 1.0, "kt": 1e3, "Mt": 1e6}
"""Units of mass, in tonnes: a capacity in million tonnes compares with volumes in tonnes
by unit arithmetic alone (1 Mt = 1,000,000 t)."""


def _scale(base: str, unit: str) -> float | None:
    """What one ``base`` is in ``unit`` (1.0 for the same unit; ``None``: no comparing)."""
    base, unit = base.strip(), unit.strip()
    if base == unit:
        return 1.0
    if base in _MASS_IN_TONNES and unit in _MASS_IN_TONNES:
        return _MASS_IN_TONNES[base] / _MASS_IN_TONNES[unit]
    return None


def capacity_steps(route: Route, unit: str, years: Iterable[int]) -> list[CapacityStep]:
    """
    The capacity in force in each of ``years``, from the capacities whose ``in_force``
    years cover it, in ``unit``: a yearly rate as published, or in another unit of
    the same measure by unit arithmetic (``"1 Mt/y"`` is 1,000,000 t a year); a daily rate
    × 365 (``derived``). Capacity added by an expansion (``increment``) is never a
    capacity in force; a year no dated capacity covers keeps its row with ``value=None``
    (a gap, never the last known value).
    """
    dated = [cap for cap in route.facts.capacity
             if cap.in_force is not None and not cap.increment]
    steps = []
    for year in years:
        step = CapacityStep(year, None, unit)
        for cap in dated:
            assert cap.in_force is not None
            base, per = _split_rate(cap.unit)
            scale = _scale(base, unit)
            if not cap.in_force.covers(year) or scale is None:
                continue
            common = {"what": cap.what, "basis": cap.in_force.basis,
                      "source": source_label(cap.source), "url": cap.source.url,
                      "published": f"{published(cap.value)} {cap.unit}"}
            if per in _PER_YEAR:
                step = CapacityStep(year, cap.value * scale, unit, **common)
            elif per in _PER_DAY:
                step = CapacityStep(year, cap.value * scale * _DAYS_PER_YEAR, unit,
                                    derived=True,
                                    derivation=f"{published(cap.value)} {cap.unit} × "
                                               f"{_DAYS_PER_YEAR}", **common)
            else:
                continue
            break
        steps.append(step)
    return steps


@dataclass(frozen=True)
class CapacityGap:
    """Why a chart of volumes in ``unit`` draws no capacity line: the route's capacities
    in a unit that compares with it, none dated to the chart's years (``undated``, as
    published: ``"50 Mt/y design"``), and the units of those that do not compare
    (``other_units``). Both empty: the route has no capacity with a source."""

    unit: str
    years: tuple[int, int]
    undated: tuple[str, ...] = ()
    other_units: tuple[str, ...] = ()


def capacity_gap(route: Route, unit: str) -> CapacityGap | None:
    """
    Why the volume chart of ``route`` in ``unit`` has no capacity line
    (:func:`capacity_steps` over the chart's years, from its first to its last volume in
    ``unit``); ``None`` when it has one, or when there is no such chart.
    """
    frame = volumes_frame(route)
    frame = frame[frame["unit"] == unit]
    years = sorted(int(y) for y in frame["year"])
    if not (frame["series"] == REPORTED).any():
        return None
    if any(s.value is not None for s in capacity_steps(route, unit, range(years[0],
                                                                            years[-1] + 1))):
        return None
    levels = [cap for cap in route.facts.capacity if not cap.increment]
    comparable = [cap for cap in levels if _scale(_split_rate(cap.unit)[0], unit) is not None
                  and _split_rate(cap.unit)[1] in (*_PER_YEAR, *_PER_DAY)]
    return CapacityGap(
        unit, (years[0], years[-1]),
        undated=tuple(dict.fromkeys(f"{published(c.value)} {c.unit} {c.what}"
                                    for c in comparable)),
        other_units=tuple(dict.fromkeys(c.unit for c in levels if c not in comparable)))


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


def lengths_table(frame: pd.DataFrame) -> pd.DataFrame:
    """
    :func:`corridor_overview` as readers get it: ``kind, routes, documented length,
    drawn length, no documented length, notes``. The lengths are numbers in km (the
    table sorts by them, :data:`SHOWN`); an empty one: no route of the kind has one. A
    sum over only some of a kind's routes says how many in ``notes``.
    """
    rows = []
    for row in frame.itertuples(index=False):
        notes = []
        if 0 < row.documented_routes < row.routes:
            notes.append(f"documented length: the sum over {row.documented_routes} of "
                         f"{row.routes} routes")
        if row.drawn_routes < row.routes:
            notes.append(f"drawn length: the sum over {row.drawn_routes} of {row.routes} "
                         f"routes (not drawn: {row.without_drawn_length})"
                         if row.drawn_routes else "not drawn")
        if row.length_notes:
            notes.append(row.length_notes)
        rows.append({"kind": KIND_LABELS[row.kind], "routes": str(row.routes),
                     "documented length": _whole_km(row.documented_km),
                     "drawn length": _whole_km(row.drawn_km),
                     "no documented length": row.without_documented_length,
                     "notes": "; ".join(notes)})
    return _readable(pd.DataFrame(rows, columns=["kind", "routes", "documented length",
                                                 "drawn length", "no documented length",
                                                 "notes"]),
                     {"documented length": _km, "drawn length": _km})


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


def capacities_table(catalog: Catalog, *, include_context: bool = True) -> pd.DataFrame:
    """
    :func:`capacities_overview` as readers get it: ``route`` (short name), ``kind`` and
    ``status`` in words, ``capacity`` (what it is), ``value`` (a number: the table sorts
    by it, :data:`SHOWN`; empty, read :data:`NO_SOURCED_VALUE`, for a route with none),
    ``unit``, ``note``, ``source``, ``url``.
    """
    frame = capacities_overview(catalog, include_context=include_context)
    out = pd.DataFrame({
        "route": frame["route"], "kind": [KIND_LABELS[k] for k in frame["kind"]],
        "status": [STATUS_LABELS[s] for s in frame["status"]], "capacity": frame["what"],
        "value": frame["value"].astype("float64"), "unit": frame["unit"],
        "note": [None if n == NO_SOURCED_VALUE else n for n in frame["note"]],
        "source": frame["source"], LINK: frame["url"]})
    return _readable(out, {"value": number}, NO_SOURCED_VALUE)


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


def gas_exports_table(frame: pd.DataFrame) -> pd.DataFrame:
    """
    :func:`gas_exports_frame` as readers get it: one row a year, a column a destination
    (a number of bcm: the table sorts by it, read ``"6.17 bcm"``, :data:`SHOWN`; empty,
    read :data:`NO_FIGURE`, where no source gives one), then ``note``, ``sources`` and
    ``url``.
    """
    destinations = list(dict.fromkeys(frame["destination"]))
    rows = []
    for year, part in frame.groupby("year", sort=True):
        bcm = dict(zip(part["destination"], part["bcm"], strict=True))
        first = part.iloc[0]
        rows.append({"year": str(year),
                     **{d: math.nan if _missing(bcm.get(d)) else float(bcm[d])
                        for d in destinations},
                     "note": first["note"], "sources": first["sources"], LINK: first["url"]})
    out = pd.DataFrame(rows, columns=["year", *destinations, "note", "sources", LINK])
    out = out.astype(dict.fromkeys(destinations, "float64"))
    return _readable(out, dict.fromkeys(destinations, _bcm), NO_FIGURE)


def _bcm(value: float) -> str:
    return quantity(value, "bcm")


def _plain(value: float | Mapping[str, float], unit: str) -> str:
    def amount(v: float) -> str:
        return f"{number(v)}%" if unit == "%" else quantity(v, unit)

    if isinstance(value, Mapping):
        return ", ".join(f"{k} {amount(v)}" for k, v in value.items())
    return amount(value)


def _alternatives_text(alternatives: Sequence[Alternative], unit: str) -> str:
    return "; ".join(f"{_plain(alt.value, unit)} ({source_label(alt.source)})"
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
            outcome = (f"{quantity(fig.outcome.value, fig.outcome.unit)} "
                       f"({source_label(fig.outcome.source)})")
        rows.append({"id": fig.id, "text": fig.text, "value": fig.value, "unit": fig.unit,
                     "year": fig.year, "support_level": fig.support_level, "note": fig.note,
                     "source": source_label(fig.source), "url": fig.source.url,
                     "alternatives": _alternatives_text(fig.alternatives, fig.unit),
                     "disputed": _is_disputed(fig), "outcome": outcome,
                     "caveat": (f"{fig.caveat.text} ({sources_label(fig.caveat.sources)})"
                                if fig.caveat is not None else None)})
    return pd.DataFrame(rows, columns=["id", "text", "value", "unit", "year", "support_level",
                                       "note", "source", "url", "alternatives", "disputed",
                                       "outcome", "caveat"])


@dataclass(frozen=True)
class ContextItem:
    """A context figure in words, as the overview lists it (an empty text: nothing to say)."""

    text: str
    disputed: bool
    support: str
    source: str
    url: str | None
    alternatives: str
    outcome: str
    note: str
    caveat: str


def context_items(catalog: Catalog) -> list[ContextItem]:
    """The context figures (:func:`context_figures_frame`) in words, in catalog order."""
    frame = _readable(context_figures_frame(catalog))
    return [ContextItem(text=row["text"], disputed=bool(row["disputed"]) or bool(row["caveat"]),
                        support=row["support_level"], source=row["source"], url=row[LINK],
                        alternatives=row["alternatives"], outcome=row["outcome"],
                        note=row["note"], caveat=row["caveat"])
            for _, row in frame.iterrows()]


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


TABLE_COLUMNS = ["name", "kind", "status", "line", "documented length", "drawn length",
                 "design capacity", "unit", "source", LINK]
PATTERN_WORDS = {"operating": "solid", "construction": "dashed", "planned": "dotted",
                 "suspended": "dash-dot", "idle": "faded dash-dot-dot", "closed": "faded dots"}


def layers_table(catalog: Catalog, layers: Iterable[str], *, status: Mapping[str, str | None],
                 drawn_km: Mapping[str, float], facilities: bool = False) -> pd.DataFrame:
    """
    One row per visible route (and facility), in words, with its key figures and their
    sources: the Table tab.

    Parameters
    ----------
    catalog
        The catalog.
    layers
        Visible route ids, in the order to list them.
    status
        Status of each route in the year shown (``None``: not yet agreed, listed as such).
    drawn_km
        Drawn length of each route.
    facilities
        Add a row per facility.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, kind, status, line, documented length, drawn length,
        design capacity, unit, source, url``. Lengths (km) and the design capacity (in
        ``unit``) are numbers, so that the table sorts by them, and read ``"1,768 km"``
        (:data:`SHOWN`); an empty one: no source gives it (the ``unit`` of a route with
        no design capacity says so), or, for a facility, none applies.
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
            "name": route_label(route),
            "kind": KIND_LABELS[route.kind],
            "status": status_word(phase),
            "line": PATTERN_WORDS.get(phase or "", "not drawn"),
            "documented length": _whole_km(f.length_km.value if length_source else None),
            "drawn length": _whole_km(drawn_km.get(rid)),
            "design capacity": design.value if design else math.nan,
            "unit": design.unit if design else NO_SOURCED_VALUE,
            "source": "; ".join(dict.fromkeys(
                [source_label(s) for s in (length_source, design.source if design else None)
                 if s is not None])) or NO_SOURCED_VALUE,
            LINK: (length_source.url if length_source else None)
            or (design.source.url if design else None),
        })
    if facilities:
        for fac in catalog.facilities.items:
            rows.append({
                "name": fac.name, "kind": FACILITY_LABELS[fac.category], "status": "",
                "line": "point" if fac.lon is not None else "not drawn (no sourced location)",
                "documented length": math.nan, "drawn length": math.nan,
                "design capacity": math.nan, "unit": "",
                "source": sources_label(fac.sources), LINK: figures.first_url(fac.sources),
            })
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS).astype(
        {"documented length": "float64", "drawn length": "float64",
         "design capacity": "float64"})
    return _readable(out, {"documented length": _km, "drawn length": _km,
                           "design capacity": number})


def facility_table(facility: Facility) -> pd.DataFrame:
    """A facility's facts in words: ``fact, value``, in the catalog's order."""
    rows = facility_facts(facility)
    return pd.DataFrame({"fact": [r[0] for r in rows], "value": [r[1] for r in rows]},
                        columns=["fact", "value"])
