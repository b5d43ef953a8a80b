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

A reader's table is in the reader's language (``lang``: its headers, its words, its
numbers and dates); the code names its columns by their English keys, and
``frame.attrs[KEYS]`` says which header is which key. The link column (key :data:`LINK`)
is shown with :data:`LINK_HEADER` as its header and :data:`LINK_TEXT` in its cells.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import figures, i18n
from .catalog import Alternative, Catalog, ContextFigure, Facility, Milestone, Route
from .describe import (
    DESCRIPTIVE_SOURCE,
    DRAWN_SOURCE,
    NO_SOURCED_VALUE,
    amount_text,
    date_text,
    facility_facts,
    figure_label,
    figure_note,
    figure_source,
    figure_value,
    kind_word,
    length_text,
    number_text,
    route_label,
    source_label,
    sources_label,
    status_word,
)
from .format import published
from .i18n import N_, NC_
from .styles import FACILITY_LABELS
from .timeline import cutoff, periods
from .view import english

__all__ = [
    "DESCRIPTIVE_SOURCE",
    "DRAWN_SOURCE",
    "GAS_DESTINATIONS",
    "HEADERS",
    "KEYS",
    "KINDS",
    "LINK",
    "LINK_HEADER",
    "LINK_TEXT",
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
    "country_names",
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
"""The key of a reader's table's column that holds each row's link (``None``: no link)."""

LINK_HEADER = N_("link")
"""The header the app shows over the link column (a message: translate it)."""

# Translators: the text of a link in a table's link column, that opens the source.
LINK_TEXT = N_("open")
"""What each link of the link column reads (a message: translate it)."""

KEYS = "keys"
"""``frame.attrs[KEYS]``: each column of a reader's table, by its header in the reader's
language, → its key (its English name, :data:`LINK` for the link column)."""

HEADERS: dict[str, str] = {
    "figure": NC_("table column", "figure"),
    "value": NC_("table column", "value"),
    "note": NC_("table column", "note"),
    "notes": NC_("table column", "notes"),
    "source": NC_("table column", "source"),
    "sources": NC_("table column", "sources"),
    # Translators: the header of a table's column of links to the sources.
    LINK: NC_("table column", "url"),
    "status": NC_("table column", "status"),
    "from": NC_("table column", "from"),
    "until": NC_("table column", "until"),
    "event": NC_("table column", "event"),
    "sources disagree": NC_("table column", "sources disagree"),
    # Translators: a column of the table of routes, giving each route's short name.
    "route": NC_("table column", "route"),
    "date": NC_("table column", "date"),
    "status change": NC_("table column", "status change"),
    # Translators: which sections of a route a dated event applies to.
    "applies to": NC_("table column", "applies to"),
    "year": NC_("table column", "year"),
    # Translators: the column of the volume carried (a number).
    "volume": NC_("table column", "volume"),
    "unit": NC_("table column", "unit"),
    # Translators: what a figure counts (crude oil delivered, gas exported…).
    "what": NC_("table column", "what"),
    # Translators: the part of the year a figure covers.
    "period": NC_("table column", "period"),
    # Translators: which series a figure belongs to: the reported one or another source's.
    "series": NC_("table column", "series"),
    "kind": NC_("table column", "kind"),
    # Translators: a column giving how many routes (a count).
    "routes": NC_("table column", "routes"),
    "documented length": NC_("table column", "documented length"),
    "drawn length": NC_("table column", "drawn length"),
    # Translators: a column listing the routes that have no documented length.
    "no documented length": NC_("table column", "no documented length"),
    # Translators: a column saying what a capacity is (design, practical…).
    "capacity": NC_("table column", "capacity"),
    "name": NC_("table column", "name"),
    # Translators: a column giving how the map draws a line (solid, dashed, dotted).
    "line": NC_("table column", "line"),
    "design capacity": NC_("table column", "design capacity"),
    # Translators: a column of a facility's facts: what the fact is.
    "fact": NC_("table column", "fact"),
}
"""Each column key → its header, a message in the ``"table column"`` context (English:
the key itself)."""

NO_FIGURE = N_("no figure")
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
    "to_turkiye_bcm": N_("Türkiye"),
    "to_europe_bcm": N_("Europe"),
    "to_georgia_bcm": N_("Georgia"),
    # Translators: all of Azerbaijan's gas exports in a year, beside each destination's.
    "total_exports_bcm": N_("total"),
    "to_turkiye_via_tanap_bcm": N_("Türkiye via TANAP"),
    "to_syria_bcm": N_("Syria"),
}
"""Field of :class:`~corridor_atlas.catalog.GasExportYear` → destination label (a
message: the frames keep it in English, the tables and charts translate it)."""

KEY_FIGURE_COLUMNS = ["figure", "value", "note", "source", "url"]
MILESTONE_COLUMNS = ["date", "date_sort", "precision", "event", "effect", "applies to", "note",
                     "source", "url", "route_id"]
EFFECT_LABELS = {
    "planned": N_("agreed or planned"),
    "construction": N_("under construction"),
    "operating": N_("in use"),
    "suspended": N_("suspended"),
    "resumed": N_("back in use"),
    "idle": N_("idle"),
    "closed": N_("closed"),
    "expansion": N_("expansion"),
    "none": N_("no change"),
}
"""What a milestone did to the route's status, in the Dates tab (messages)."""
WHOLE_ROUTE = N_("the route")
"""What a milestone that names no section applies to."""
# Translators: what a dated event applies to, on a route that took over lines built
# before it (the Kars–Nakhchivan railway, on existing track).
BUILT_SECTIONS = N_("the sections the project built")
"""What such a milestone applies to, on a route that took over existing lines."""
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
SERIES_WORDS: dict[str, str] = {
    # Translators: the series of a route's volumes its main source reports.
    REPORTED: N_("reported"),
    # Translators: another source's volume for the same year.
    "alternative": N_("alternative"),
    "alternative (Italy only)": N_("alternative (Italy only)"),
}
"""A volume's ``series`` in words (messages)."""

_PER_YEAR = ("y", "year", "yr", "a")
_PER_DAY = ("day", "d")
_DAYS_PER_YEAR = 365


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def _tr(lang: str) -> i18n.Translator:
    return i18n.translator(lang)


def header(key: str, lang: str = "en") -> str:
    """A column's header in ``lang``, by its key (:data:`HEADERS`; a key not listed is
    its own header)."""
    message = HEADERS.get(key)
    return key if message is None else _tr(lang).pgettext("table column", message)


def _readable(frame: pd.DataFrame, shown: Mapping[str, Callable[[Any], str]] | None = None,
              missing: str = "", lang: str = "en",
              headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` (its columns named by key) with every missing value an empty text, but
    for the :data:`LINK` column (a row without a link keeps ``None``; the app shows it as
    an empty cell) and the columns in ``shown``: numbers or dates kept as values, each
    column with how it reads (:data:`SHOWN`), and ``missing`` what an empty one of their
    cells means (:data:`MISSING`). Its columns are renamed to their headers in ``lang``
    (``headers``, else :func:`header`), and :data:`KEYS` says which is which."""
    out = frame.copy()
    shown = dict(shown or {})
    for column in out.columns:
        if column != LINK and column not in shown:
            out[column] = pd.Series(["" if _missing(v) else v for v in out[column]],
                                    index=out.index, dtype=object)
    names = {key: (headers or {}).get(key) or header(key, lang) for key in map(str, out.columns)}
    assert len(set(names.values())) == len(names), names  # one header, one column
    out = out.rename(columns=names)
    out.attrs = {SHOWN: {names[key]: words for key, words in shown.items()},
                 MISSING: missing, KEYS: {shown_as: key for key, shown_as in names.items()}}
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


def _km(lang: str) -> Callable[[float], str]:
    """A length in words in ``lang``, rounded to the kilometre: ``"1,768 km"``."""
    return lambda value: length_text(float(value), lang)


def _number(lang: str) -> Callable[[float], str]:
    """A number in ``lang``, every digit: ``"1,768.5"``, ``"1.768,5"``."""
    return lambda value: number_text(value, lang)


def _date(lang: str) -> Callable[[str], str]:
    """A date in words in ``lang``: ``"10 May 2005"``."""
    return lambda text: date_text(text, lang)


def country_names(catalog: Catalog, lang: str = "en") -> dict[str, str]:
    """The countries the routes' facts name, by code, in ``lang`` (the catalog's sourced
    names): ``{"TUR": "Türkiye", "GEO": "Gürcistan", …}`` in Turkish."""
    return {code: catalog.local_name(name, lang) for code, name in catalog.country_codes.items()}


def _whole_km(value: float | None) -> float:
    """A length rounded to the kilometre as the table shows it (``NaN``: none)."""
    return math.nan if value is None or _missing(value) else float(round(value))


# --------------------------------------------------------------------------- key figures


def key_figures(route: Route, drawn_length_km: float | None, *,
                as_of: str | None = None, year: int | None = None,
                countries: Mapping[str, str] | None = None, lang: str = "en") -> pd.DataFrame:
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
        Country names by code (the catalog's ``country_codes``, or :func:`country_names`
        in ``lang``): countries, and lengths by country, are named in words ("Türkiye",
        never "TUR").
    lang
        The reader's language: headers, labels, statuses, kinds, numbers, units and
        dates in it; names, notes and the sources' words as the catalog writes them.

    Returns
    -------
    pandas.DataFrame
        Columns ``figure, value, note, source, url`` (their keys: the headers are in
        ``lang``, :data:`KEYS`). Every row carries a source,
        or its value is :data:`NO_SOURCED_VALUE` (and its source is empty). Names and
        other descriptive rows carry :data:`DESCRIPTIVE_SOURCE`. No text is missing:
        a row with no note has an empty one; only ``url`` may be ``None``.
    """
    in_year = (figures.status_in_year(route, year, as_of=as_of)
               if year is not None and as_of is not None else None)
    rows = [{"figure": figure_label(f, countries, lang),
             "value": figure_value(f, countries, lang),
             "note": figure_note(f, as_of, lang), "source": figure_source(f, lang), "url": f.url}
            for f in figures.key_figures(route, drawn_length_km, in_year=in_year)]
    return _readable(pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS), lang=lang)


# --------------------------------------------------------------------------- milestones


def _parse_partial_date(text: str) -> tuple[pd.Timestamp, str]:
    parts = text.split("-")
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    return pd.Timestamp(year=year, month=month, day=day), precision


def _milestone_rows(route: Route, milestones: Sequence[Milestone],
                    lang: str = "en") -> list[dict[str, Any]]:
    tr = _tr(lang)
    names = {s.id: s.name for s in route.segments}
    whole = tr.gettext(BUILT_SECTIONS if any(s.existing for s in route.segments)
                       else WHOLE_ROUTE)
    rows = []
    for m in milestones:
        when, precision = _parse_partial_date(m.date)
        rows.append({"date": m.date, "date_sort": when, "precision": precision,
                     "event": m.event, "effect": tr.gettext(EFFECT_LABELS[m.effect]),
                     "applies to": "; ".join(names.get(s, s) for s in m.segments)
                     or whole,
                     "note": m.note, "source": source_label(m.source, lang),
                     "url": m.source.url, "route_id": route.id,
                     "route": route.short_name_in(lang)})
    return rows


def status_periods_frame(route: Route, *, as_of: str, year: int | None = None,
                         lang: str = "en") -> pd.DataFrame:
    """
    The route's status over time up to ``year`` (``None``: up to ``as_of``), one row per
    period, oldest first: what it was, from and until when, the event and source that
    began it, and what another source says against it.

    ``from`` and ``until`` are dates as the sources give them (they sort as dates) and
    read in words (:data:`SHOWN`); the period still running at the end of ``year`` (or on
    ``as_of``) ends :data:`STILL`: ``"still at the end of 2012"``, ``"still, as of 3 July
    2026"``. What happened after ``year`` is left out, as everywhere the panels follow
    the year. Headers, statuses and dates in ``lang``; events, claims as their sources
    write them.
    """
    tr = _tr(lang)
    cut = cutoff(year, as_of)
    still = (tr.gettext("still, as of {date}").format(date=date_text(as_of, lang))
             if cut == as_of else
             tr.gettext("still at the end of {year}").format(year=year))
    rows = []
    for p in periods(route, as_of=cut):
        source = p.milestone.source if p.milestone is not None else None
        rows.append({
            "status": status_word(p.status, lang),
            "from": p.start,
            "until": p.end or STILL,
            "event": p.milestone.event if p.milestone is not None else "",
            "source": source_label(source, lang) if source is not None else "",
            "url": source.url if source is not None else None,
            "sources disagree": (f"{p.dispute.claim} ({source_label(p.dispute.source, lang)})"
                                 if p.dispute is not None else ""),
        })
    return _readable(pd.DataFrame(rows, columns=PERIOD_COLUMNS),
                     {"from": _date(lang),
                      "until": lambda end: still if end == STILL else date_text(end, lang)},
                     lang=lang)


def _milestone_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame["date_sort"] = pd.to_datetime(frame["date_sort"])
    return frame.sort_values("date_sort", kind="stable").reset_index(drop=True)


def milestones_frame(route: Route, lang: str = "en") -> pd.DataFrame:
    """
    The milestones of one route, oldest first (``effect``, ``applies to`` and ``source``
    in ``lang``'s words, ``route`` its short name in ``lang``).

    ``date`` is the date as the source gives it (``"2003"``, ``"2003-04"`` or
    ``"2005-05-10"``); ``date_sort`` is the first day of that period and
    ``precision`` says which of ``year``/``month``/``day`` it was.
    """
    return _milestone_frame(_milestone_rows(route, route.facts.milestones, lang),
                            MILESTONE_COLUMNS)


def all_milestones(catalog: Catalog, lang: str = "en") -> pd.DataFrame:
    """The milestones of every route in one frame, with a ``route`` (short name in
    ``lang``) column."""
    rows = [row for route in catalog.routes
            for row in _milestone_rows(route, route.facts.milestones, lang)]
    return _milestone_frame(rows, [*MILESTONE_COLUMNS, "route"])


def milestones_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """
    Milestones (:func:`milestones_frame` or :func:`all_milestones`) as readers get them:
    ``[route,] date, event, status change, applies to, note, source, url``, in the frame's
    order, without the columns that chart them. ``date`` is the date as the source gives
    it (``"2003"``, ``"2003-04"``, ``"2005-05-10"``: it sorts as a date) and reads in words
    (:data:`SHOWN`: ``"10 May 2005"``). Headers and dates in ``lang`` (the frame's
    words are in the language it was made in).
    """
    columns = [*(["route"] if "route" in frame.columns else []), "date", "event", "effect",
               "applies to", "note", "source", LINK]
    return _readable(frame[columns].rename(columns={"effect": "status change"}),
                     {"date": _date(lang)}, lang=lang)


# --------------------------------------------------------------------------- volumes


def volumes_frame(route: Route, lang: str = "en") -> pd.DataFrame:
    """
    Annual volumes of one route, by year.

    ``series`` is :data:`REPORTED` for the main series, ``"alternative"`` for
    other sources' values for the same year and ``"alternative (Italy only)"``
    for volumes counted at the Italian end only. Years without a value are
    absent, never zero. ``source`` in ``lang``'s words.
    """
    rows = [{"year": f.year, "value": f.value, "unit": f.unit, "what": f.what,
             "period_note": f.coverage, "note": f.note,
             "source": sources_label(f.sources, lang),
             "url": f.url, "series": _SERIES[f.kind]} for f in figures.volume_figures(route)]
    frame = pd.DataFrame(rows, columns=VOLUME_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame.sort_values("year", kind="stable").reset_index(drop=True)


def period_volumes_frame(route: Route, lang: str = "en") -> pd.DataFrame:
    """Partial-year, daily-average and cumulative figures (``other_volume_data``)."""
    rows = [{"period": f.date, "value": f.value, "unit": f.unit, "what": f.what,
             "note": f.note, "source": sources_label(f.sources, lang), "url": f.url}
            for f in figures.period_figures(route)]
    return pd.DataFrame(rows, columns=["period", "value", "unit", "what", "note", "source",
                                       "url"])


def _unit(unit: str, lang: str) -> str:
    return i18n.unit(unit, _tr(lang))


def volumes_table(route: Route, lang: str = "en") -> pd.DataFrame:
    """
    :func:`volumes_frame` as readers get it: ``year, volume, unit, what, period, note,
    source, url, series``. ``volume`` is the number (the table sorts by it), read with
    every digit the source gives and thousands separators (:data:`SHOWN`). Headers,
    numbers, units and series in ``lang``; what a figure counts, its period and note as
    the source says them.
    """
    tr = _tr(lang)
    frame = volumes_frame(route, lang)
    out = pd.DataFrame({
        "year": [str(y) for y in frame["year"]], "volume": frame["value"].astype("float64"),
        "unit": [_unit(u, lang) for u in frame["unit"]], "what": frame["what"],
        "period": frame["period_note"], "note": frame["note"], "source": frame["source"],
        LINK: frame["url"], "series": [tr.gettext(SERIES_WORDS[s]) for s in frame["series"]]})
    return _readable(out, {"volume": _number(lang)}, lang=lang)


def period_volumes_table(route: Route, lang: str = "en") -> pd.DataFrame:
    """:func:`period_volumes_frame` as readers get it: ``period, volume, unit, what, note,
    source, url``, ``volume`` a number read as :func:`volumes_table` reads it."""
    frame = period_volumes_frame(route, lang)
    out = pd.DataFrame({
        "period": frame["period"], "volume": frame["value"].astype("float64"),
        "unit": [_unit(u, lang) for u in frame["unit"]], "what": frame["what"],
        "note": frame["note"], "source": frame["source"], LINK: frame["url"]})
    return _readable(out, {"volume": _number(lang)}, lang=lang)


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


def capacity_series(route: Route, unit: str, lang: str = "en") -> list[CapacityLine]:
    """
    Capacities of ``route`` that compare with annual volumes in ``unit``.

    ``"X/y"`` (or ``"X/year"``) matches ``"X"`` as published. ``"X/day"``
    matches ``"X"`` only after multiplying by 365; such lines are always
    flagged ``derived=True`` and say how they were derived. Other units (for
    example ``GW``) do not match. What is written for people (what a capacity is, its
    figure as published, the derivation, the source) is in ``lang``.
    """
    lines: list[CapacityLine] = []
    for cap in route.facts.capacity:
        if cap.increment:  # capacity added, not a level the line has
            continue
        base, per = _split_rate(cap.unit)
        if base != unit.strip():
            continue
        tr = _tr(lang)
        figure = _as_published(cap.value, cap.unit, lang)
        what = _capacity_what(cap.what, lang)
        label = (f"{cap.what} capacity, {figure}" if english(lang) else
                 tr.gettext("capacity ({what}), {figure}").format(what=what, figure=figure))
        common = {"unit": unit, "what": what, "source": source_label(cap.source, lang),
                  "url": cap.source.url, "note": cap.note}
        if per in _PER_YEAR:
            lines.append(CapacityLine(label=label, value=cap.value, derived=False,
                                      derivation=None, **common))
        elif per in _PER_DAY:
            derivation = f"{figure} × {_DAYS_PER_YEAR}"
            lines.append(CapacityLine(label=tr.gettext("{label} (derived: {derivation})")
                                      .format(label=label, derivation=derivation),
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


def _as_published(value: float, unit: str, lang: str) -> str:
    """A capacity as its source gives it (``"1.2 million bbl/day"``), in ``lang``."""
    if english(lang):
        return f"{published(value)} {unit}"
    return f"{_published(value, lang)} {i18n.unit(unit, _tr(lang))}"


def capacity_steps(route: Route, unit: str, years: Iterable[int],
                   lang: str = "en") -> list[CapacityStep]:
    """
    The capacity in force in each of ``years``, from the capacities whose ``in_force``
    years cover it, in ``unit``: a yearly rate as published, or in another unit of
    the same measure by unit arithmetic (``"1 Mt/y"`` is 1,000,000 t a year); a daily rate
    × 365 (``derived``). Capacity added by an expansion (``increment``) is never a
    capacity in force; a year no dated capacity covers keeps its row with ``value=None``
    (a gap, never the last known value). What is written for people (what a capacity is,
    as published, the derivation, the source) is in ``lang``; ``basis`` is the catalog's.
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
            figure = _as_published(cap.value, cap.unit, lang)
            common = {"what": _capacity_what(cap.what, lang), "basis": cap.in_force.basis,
                      "source": source_label(cap.source, lang), "url": cap.source.url,
                      "published": figure}
            if per in _PER_YEAR:
                step = CapacityStep(year, cap.value * scale, unit, **common)
            elif per in _PER_DAY:
                step = CapacityStep(year, cap.value * scale * _DAYS_PER_YEAR, unit,
                                    derived=True, derivation=f"{figure} × {_DAYS_PER_YEAR}",
                                    **common)
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


def capacity_gap(route: Route, unit: str, lang: str = "en") -> CapacityGap | None:
    """
    Why the volume chart of ``route`` in ``unit`` has no capacity line
    (:func:`capacity_steps` over the chart's years, from its first to its last volume in
    ``unit``); ``None`` when it has one, or when there is no such chart. The undated
    capacities are written in ``lang`` (number and unit; what they are as the catalog
    says); ``unit`` and ``other_units`` stay the catalog's unit keys.
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
        undated=tuple(dict.fromkeys(f"{_published(c.value, lang)} {_unit(c.unit, lang)} "
                                    f"{_capacity_what(c.what, lang)}" for c in comparable)),
        other_units=tuple(dict.fromkeys(c.unit for c in levels if c not in comparable)))


# --------------------------------------------------------------------------- corridor-wide


def _published(value: float, lang: str) -> str:
    """A number every digit as published: no separators in English (``"1768"``), the
    language's decimal sign otherwise."""
    return published(value) if english(lang) else number_text(value, lang)


def _capacity_what(what: str, lang: str) -> str:
    """What a capacity is (the catalog's word: ``design``, ``practical``…) in ``lang``."""
    return _tr(lang).pgettext("capacity", CAPACITY_WHAT[what]) if what in CAPACITY_WHAT else what


CAPACITY_WHAT: dict[str, str] = {
    # Translators: what a capacity is: the capacity the line was designed for.
    "design": NC_("capacity", "design"),
    # Translators: what a capacity is: after an expansion.
    "expanded": NC_("capacity", "expanded"),
    "planned": NC_("capacity", "planned"),
    # Translators: what a capacity is: what the line can carry in practice.
    "practical": NC_("capacity", "practical"),
}
"""The catalog's words for what a capacity is, as messages."""


def _routes(catalog: Catalog, include_context: bool) -> list[Route]:
    return [r for r in catalog.routes if include_context or r.role == "route"]


def corridor_overview(catalog: Catalog, drawn_km: Mapping[str, float], *,
                      include_context: bool = False, lang: str = "en") -> pd.DataFrame:
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
        ``drawn_routes``, ``without_drawn_length`` and ``length_notes`` (short names in
        ``lang``; the catalog's notes as it writes them).
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
        notes = [f"{r.short_name_in(lang)}: {r.facts.length_km.note}" for r in documented
                 if r.facts.length_km.note]
        rows.append({
            "kind": kind,
            "routes": len(members),
            "documented_km": documented_sum if documented else math.nan,
            "documented_routes": len(documented),
            "without_documented_length": ", ".join(r.short_name_in(lang) for r in members
                                                   if r not in documented),
            "drawn_km": (sum(float(drawn_km[r.id]) for r in drawn) if drawn else math.nan),
            "drawn_routes": len(drawn),
            "without_drawn_length": ", ".join(r.short_name_in(lang) for r in members
                                              if r not in drawn),
            "length_notes": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=[
        "kind", "routes", "documented_km", "documented_routes", "without_documented_length",
        "drawn_km", "drawn_routes", "without_drawn_length", "length_notes"])


def lengths_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """
    :func:`corridor_overview` as readers get it: ``kind, routes, documented length,
    drawn length, no documented length, notes``. The lengths are numbers in km (the
    table sorts by them, :data:`SHOWN`); an empty one: no route of the kind has one. A
    sum over only some of a kind's routes says how many in ``notes``. Headers, kinds,
    lengths and notes in ``lang``.
    """
    tr = _tr(lang)
    rows = []
    for row in frame.itertuples(index=False):
        notes = []
        if 0 < row.documented_routes < row.routes:
            notes.append(tr.gettext("documented length: the sum over {n} of {total} routes")
                         .format(n=row.documented_routes, total=row.routes))
        if row.drawn_routes < row.routes:
            notes.append(tr.gettext("drawn length: the sum over {n} of {total} routes (not "
                                    "drawn: {routes})").format(
                                        n=row.drawn_routes, total=row.routes,
                                        routes=row.without_drawn_length)
                         if row.drawn_routes else tr.gettext("not drawn"))
        if row.length_notes:
            notes.append(row.length_notes)
        rows.append({"kind": kind_word(row.kind, lang), "routes": str(row.routes),
                     "documented length": _whole_km(row.documented_km),
                     "drawn length": _whole_km(row.drawn_km),
                     "no documented length": row.without_documented_length,
                     "notes": "; ".join(notes)})
    return _readable(pd.DataFrame(rows, columns=["kind", "routes", "documented length",
                                                 "drawn length", "no documented length",
                                                 "notes"]),
                     {"documented length": _km(lang), "drawn length": _km(lang)}, lang=lang)


def capacities_overview(catalog: Catalog, *, include_context: bool = True,
                        lang: str = "en") -> pd.DataFrame:
    """
    One row per route per published capacity, with its source.

    A route with no capacity in the catalog gets one row whose ``value`` is
    ``NaN`` and whose ``note`` is :data:`NO_SOURCED_VALUE`. ``route`` (short name),
    ``what`` and ``source`` in ``lang``.
    """
    tr = _tr(lang)
    rows = []
    for route in _routes(catalog, include_context):
        base = {"route_id": route.id, "route": route.short_name_in(lang), "kind": route.kind,
                "status": route.status, "role": route.role}
        if not route.facts.capacity:
            rows.append({**base, "what": None, "value": math.nan, "unit": None,
                         "note": NO_SOURCED_VALUE, "source": None, "url": None})
        rows.extend({**base, "what": (tr.gettext("{what} (added)").format(
                         what=_capacity_what(cap.what, lang))
                         if cap.increment else _capacity_what(cap.what, lang)),
                     "value": cap.value, "unit": cap.unit,
                     "note": cap.note, "source": source_label(cap.source, lang),
                     "url": cap.source.url} for cap in route.facts.capacity)
    return pd.DataFrame(rows, columns=["route_id", "route", "kind", "status", "role", "what",
                                       "value", "unit", "note", "source", "url"])


def capacities_table(catalog: Catalog, *, include_context: bool = True,
                     lang: str = "en") -> pd.DataFrame:
    """
    :func:`capacities_overview` as readers get it: ``route`` (short name), ``kind`` and
    ``status`` in words, ``capacity`` (what it is), ``value`` (a number: the table sorts
    by it, :data:`SHOWN`; empty, read :data:`NO_SOURCED_VALUE`, for a route with none),
    ``unit``, ``note``, ``source``, ``url``; in ``lang`` but for the catalog's notes.
    """
    frame = capacities_overview(catalog, include_context=include_context, lang=lang)
    out = pd.DataFrame({
        "route": frame["route"], "kind": [kind_word(k, lang) for k in frame["kind"]],
        "status": [status_word(s, lang) for s in frame["status"]], "capacity": frame["what"],
        "value": frame["value"].astype("float64"),
        "unit": [None if _missing(u) else _unit(u, lang) for u in frame["unit"]],
        "note": [None if n == NO_SOURCED_VALUE else n for n in frame["note"]],
        "source": frame["source"], LINK: frame["url"]})
    return _readable(out, {"value": _number(lang)}, _tr(lang).gettext(NO_SOURCED_VALUE),
                     lang=lang)


def gas_exports_frame(catalog: Catalog, lang: str = "en") -> pd.DataFrame:
    """
    Azerbaijan's gas exports by year and destination, in long format.

    Columns ``year, destination, bcm, note, sources, url``. A destination with
    no sourced figure for a year keeps its row with ``bcm = NaN`` so charts can
    show the gap. ``destination`` is :data:`GAS_DESTINATIONS`' English word (translate it
    where shown); ``sources`` in ``lang``.
    """
    rows = []
    for entry in sorted(catalog.gas_exports_azerbaijan, key=lambda e: e.year):
        sources = sources_label(entry.sources, lang)
        url = figures.first_url(entry.sources)
        for field, destination in GAS_DESTINATIONS.items():
            value = getattr(entry, field)
            rows.append({"year": entry.year, "destination": destination,
                         "bcm": math.nan if value is None else float(value),
                         "note": entry.note, "sources": sources, "url": url})
    frame = pd.DataFrame(rows, columns=["year", "destination", "bcm", "note", "sources", "url"])
    frame["bcm"] = frame["bcm"].astype("float64")
    return frame


def gas_exports_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """
    :func:`gas_exports_frame` as readers get it: one row a year, a column a destination
    (a number of bcm: the table sorts by it, read ``"6.17 bcm"``, :data:`SHOWN`; empty,
    read :data:`NO_FIGURE`, where no source gives one), then ``note``, ``sources`` and
    ``url``. Headers (the destinations too), numbers and units in ``lang``.
    """
    tr = _tr(lang)
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
    return _readable(out, dict.fromkeys(destinations, _bcm(lang)), tr.gettext(NO_FIGURE),
                     lang=lang, headers={d: tr.gettext(d) for d in destinations})


def _bcm(lang: str) -> Callable[[float], str]:
    return lambda value: amount_text(value, "bcm", lang)


def _plain(value: float | Mapping[str, float], unit: str, lang: str = "en") -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {amount_text(v, unit, lang)}" for k, v in value.items())
    return amount_text(value, unit, lang)


def _alternatives_text(alternatives: Sequence[Alternative], unit: str, lang: str = "en") -> str:
    return "; ".join(f"{_plain(alt.value, unit, lang)} ({source_label(alt.source, lang)})"
                     for alt in alternatives)


def _is_disputed(fig: ContextFigure) -> bool:
    if fig.support_level.strip() != "supported":
        return True
    for alt in fig.alternatives:
        if isinstance(alt.value, Mapping) or not math.isclose(alt.value, fig.value):
            return True
    return False


def context_figures_frame(catalog: Catalog, lang: str = "en") -> pd.DataFrame:
    """
    The context figures quoted beside the map, with how well each is supported.

    ``disputed`` is true when ``support_level`` is not exactly ``"supported"``
    or when another source gives a different value. ``outcome`` is the actual
    figure for a planned one, when known. Numbers, units and sources' labels in ``lang``;
    the figures' texts, notes and caveats as the catalog writes them.
    """
    rows = []
    for fig in catalog.context_figures:
        outcome = None
        if fig.outcome is not None:
            outcome = (f"{amount_text(fig.outcome.value, fig.outcome.unit, lang)} "
                       f"({source_label(fig.outcome.source, lang)})")
        rows.append({"id": fig.id, "text": fig.text, "value": fig.value, "unit": fig.unit,
                     "year": fig.year, "support_level": fig.support_level, "note": fig.note,
                     "source": source_label(fig.source, lang), "url": fig.source.url,
                     "alternatives": _alternatives_text(fig.alternatives, fig.unit, lang),
                     "disputed": _is_disputed(fig), "outcome": outcome,
                     "caveat": (f"{fig.caveat.text} "
                                f"({sources_label(fig.caveat.sources, lang)})"
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


def context_items(catalog: Catalog, lang: str = "en") -> list[ContextItem]:
    """The context figures (:func:`context_figures_frame`) in words, in catalog order:
    numbers, units and sources' labels in ``lang``, the rest as the catalog writes it."""
    frame = _readable(context_figures_frame(catalog, lang))
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
# Translators: PATTERN_WORDS are how the map draws a line of each status (the Table
# tab's "line" column).
PATTERN_WORDS = {"operating": N_("solid"), "construction": N_("dashed"),
                 "planned": N_("dotted"), "suspended": N_("dash-dot"),
                 "idle": N_("faded dash-dot-dot"), "closed": N_("faded dots")}
"""How the map draws a line of each status (messages)."""
NOT_DRAWN = N_("not drawn")
"""A route the map does not draw in the year shown (not yet agreed)."""
POINT = N_("point")
"""A facility the map draws as a point."""
NO_LOCATION = N_("not drawn (no sourced location)")
"""A facility no source locates."""


def layers_table(catalog: Catalog, layers: Iterable[str], *, status: Mapping[str, str | None],
                 drawn_km: Mapping[str, float], facilities: bool = False,
                 lang: str = "en") -> pd.DataFrame:
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
    lang
        The reader's language: headers, names, kinds, statuses, patterns, numbers and
        units in it.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, kind, status, line, documented length, drawn length,
        design capacity, unit, source, url``. Lengths (km) and the design capacity (in
        ``unit``) are numbers, so that the table sorts by them, and read ``"1,768 km"``
        (:data:`SHOWN`); an empty one: no source gives it (the ``unit`` of a route with
        no design capacity says so), or, for a facility, none applies.
    """
    tr = _tr(lang)
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
            "name": route_label(route, lang),
            "kind": kind_word(route.kind, lang),
            "status": status_word(phase, lang),
            "line": tr.gettext(PATTERN_WORDS.get(phase or "", NOT_DRAWN)),
            "documented length": _whole_km(f.length_km.value if length_source else None),
            "drawn length": _whole_km(drawn_km.get(rid)),
            "design capacity": design.value if design else math.nan,
            "unit": _unit(design.unit, lang) if design else tr.gettext(NO_SOURCED_VALUE),
            "source": "; ".join(dict.fromkeys(
                [source_label(s, lang) for s in (length_source,
                                                 design.source if design else None)
                 if s is not None])) or tr.gettext(NO_SOURCED_VALUE),
            LINK: (length_source.url if length_source else None)
            or (design.source.url if design else None),
        })
    if facilities:
        for fac in catalog.facilities.items:
            rows.append({
                "name": fac.name_in(lang), "kind": tr.gettext(FACILITY_LABELS[fac.category]),
                "status": "",
                "line": tr.gettext(POINT if fac.lon is not None else NO_LOCATION),
                "documented length": math.nan, "drawn length": math.nan,
                "design capacity": math.nan, "unit": "",
                "source": sources_label(fac.sources, lang),
                LINK: figures.first_url(fac.sources),
            })
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS).astype(
        {"documented length": "float64", "drawn length": "float64",
         "design capacity": "float64"})
    return _readable(out, {"documented length": _km(lang), "drawn length": _km(lang),
                           "design capacity": _number(lang)}, lang=lang)


def facility_table(facility: Facility, lang: str = "en") -> pd.DataFrame:
    """A facility's facts in words: ``fact, value``, in the catalog's order; headers, what
    each fact is, numbers and units in ``lang``, texts as the catalog writes them."""
    rows = facility_facts(facility, lang)
    return _readable(pd.DataFrame({"fact": [r[0] for r in rows], "value": [r[1] for r in rows]},
                                  columns=["fact", "value"]), lang=lang)
