"""The figures of a route or a facility, as typed values with their sources.

Every figure the panels show and the CSV lists is read from the catalog here, once, as
a :class:`Figure`: what it is (``kind``, and ``label`` in words), its value as the
source gives it (a number with its ``unit``, a text, a breakdown into parts, or
``None`` when no source gives one), when and what it is for, and its sources.
Nothing here is text for display: :mod:`corridor_atlas.describe` writes figures in
words for people, and the CSV writes their fields as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .catalog import (
    Alternative,
    AnnualVolume,
    Capacity,
    Facility,
    Route,
    Shareholder,
    Source,
    StatusSource,
)
from .timeline import route_state

__all__ = [
    "DESCRIPTIVE_KINDS",
    "FACILITY_FACTS",
    "YEAR",
    "Citation",
    "Figure",
    "FigureKind",
    "Part",
    "facility_figures",
    "fact_label",
    "first_day",
    "first_url",
    "is_stale",
    "key_figures",
    "milestone_figures",
    "period_figures",
    "route_figures",
    "status_in_year",
    "status_today",
    "volume_figures",
]

FigureKind = Literal[
    "description",  # a name, its ends
    "kind",  # the kind of line (a catalog kind: "oil"), as the sources describe it in note
    "countries",  # the countries it crosses: their codes, ", " between them
    "status", "status_in_year", "operator", "shareholder", "shareholder_previous",
    "length", "length_alternative", "length_by_country", "length_by_country_alternative",
    "expansion_length_by_country", "drawn_length", "diameter", "capacity", "cost",
    "annual_volume", "annual_volume_alternative", "annual_volume_italy_only",
    "period_volume", "milestone", "facility_fact",
]
DESCRIPTIVE_KINDS: frozenset[FigureKind] = frozenset({"description", "kind", "countries",
                                                     "drawn_length"})
"""Kinds that name, describe or measure the drawing of a route rather than quote a source."""

Citation = Source | StatusSource
"""Where a figure comes from: a source, or (for a route's status) the newest one found."""

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class Part(NamedTuple):
    """One part of a value given part by part: a country's or a section's share."""

    name: str
    value: float


@dataclass(frozen=True)
class Figure:
    """
    One figure, as the catalog holds it.

    ``value`` is a number (in ``unit``), a text (a name, a status, an event), the
    ``parts`` of a breakdown (``unit`` applies to each), or ``None``: no source gives
    one. ``part`` names what the value is for (a country, a shareholder); ``increment``
    marks capacity added by an expansion rather than a capacity the line has. ``year``
    is the year the figure is for; ``date`` the date or period as the source gives it
    (a milestone's date, a period, when a shareholding held); ``coverage`` what part
    of the year a volume covers; ``what`` what the figure counts or covers.
    """

    kind: FigureKind
    label: str
    value: float | str | tuple[Part, ...] | None
    unit: str | None = None
    part: str | None = None
    increment: bool = False
    year: int | None = None
    date: str | None = None
    coverage: str | None = None
    what: str | None = None
    note: str | None = None
    sources: tuple[Citation, ...] = ()

    @property
    def newest_source_date(self) -> str | None:
        """The date of the newest dated source (partial ISO dates), if any."""
        return max((s.date for s in self.sources if s.date), default=None)

    @property
    def url(self) -> str | None:
        """The first link among the sources."""
        return first_url(self.sources)


def first_url(sources: Iterable[Citation]) -> str | None:
    """The first link among ``sources`` (``None`` if none has one)."""
    return next((s.url for s in sources if s.url), None)


def first_day(text: str) -> str:
    """The first day a partial date can mean: ``"2025"`` → ``"2025-01-01"``."""
    return text + "-01-01"[len(text) - 4:] if len(text) < 10 else text


def _last_day(text: str) -> str:
    """The last day a partial date can mean: ``"2025"`` → ``"2025-12-31"``."""
    return text + "-12-31"[len(text) - 4:] if len(text) < 10 else text


def is_stale(dated: str | None, as_of: str) -> bool:
    """Whether a source dated ``dated`` (a partial ISO date) is more than a year before
    ``as_of``, read by the last day it can mean."""
    if not dated:
        return False
    year_before = f"{int(as_of[:4]) - 1}{as_of[4:]}"
    return _last_day(dated) < year_before


# --------------------------------------------------------------------------- key figures


def _missing(kind: FigureKind, label: str, note: str | None = None) -> Figure:
    return Figure(kind, label, None, note=note)


def _breakdown(value: float | Mapping[str, float]) -> float | tuple[Part, ...]:
    if isinstance(value, Mapping):
        return tuple(Part(name, float(v)) for name, v in value.items())
    return value


def _alternatives(kind: FigureKind, label: str, alternatives: Iterable[Alternative],
                  unit: str) -> list[Figure]:
    return [Figure(kind, label, _breakdown(alt.value), unit, note=alt.note,
                   sources=(alt.source,)) for alt in alternatives]


def _shareholders(kind: FigureKind, label: str,
                  holders: Iterable[Shareholder]) -> list[Figure]:
    return [Figure(kind, label, h.pct, "%" if h.pct is not None else None, part=h.name,
                   date=h.as_of, note=h.note, sources=(h.source,)) for h in holders]


def _lengths(route: Route) -> list[Figure]:
    length = route.facts.length_km
    figures = [Figure("length", "documented length", length.value, "km", note=length.note,
                      sources=(length.source,))
               if length.value is not None and length.source is not None
               else _missing("length", "documented length", length.note)]
    figures += _alternatives("length_alternative", "length (alternative)",
                             length.alternatives, "km")
    return figures


def _country_lengths(route: Route) -> list[Figure]:
    facts = route.facts
    meta = facts.length_by_country_meta
    note = meta.note if meta else None
    figures: list[Figure] = []
    if not facts.length_by_country_km:
        figures.append(_missing("length_by_country", "length by country", note))
    for i, (country, km) in enumerate(facts.length_by_country_km.items()):
        src = None
        if meta is not None:
            src = meta.aze_source if country == "AZE" and meta.aze_source else meta.source
        figures.append(Figure("length_by_country", f"length in {country}",
                              km if src is not None else None,
                              "km" if src is not None else None, part=country,
                              note=note if i == 0 else None,
                              sources=(src,) if src is not None else ()))
    if meta is not None:
        figures += _alternatives("length_by_country_alternative",
                                 "length by country (alternative)", meta.alternatives, "km")
        if meta.scpx_values:
            label = "expansion (SCPX) length by country"
            figures.append(Figure("expansion_length_by_country", label,
                                  _breakdown(meta.scpx_values), "km",
                                  sources=(meta.scpx_source,))
                           if meta.scpx_source is not None
                           else _missing("expansion_length_by_country", label))
    return figures


def _diameter(route: Route) -> Figure:
    facts = route.facts
    detail = facts.diameter_detail
    if detail is None:
        return _missing("diameter", "diameter")
    return Figure("diameter", "diameter", facts.diameter_in,
                  "in" if facts.diameter_in is not None else None, note=detail.detail,
                  sources=(detail.source, *detail.extra_sources))


def _capacity(cap: Capacity) -> Figure:
    label = f"{cap.what} capacity added" if cap.increment else f"{cap.what} capacity"
    return Figure("capacity", label, cap.value, cap.unit, increment=cap.increment,
                  note=cap.note, sources=(cap.source,))


def status_in_year(route: Route, year: int, *, as_of: str) -> Figure:
    """
    The route's status in ``year``, from its dated milestones
    (:func:`~corridor_atlas.timeline.route_state`): the status (``None``: not yet
    agreed), ``date`` the day it began and the milestone that set it as its note and
    source.
    """
    state = route_state(route, year, as_of=as_of)
    if state is None:
        return Figure("status_in_year", f"status in {year}", None, year=year)
    milestone = state.milestone
    return Figure("status_in_year", f"status in {year}", state.status, year=year,
                  date=state.since, note=milestone.event if milestone else None,
                  sources=(milestone.source,) if milestone else ())


def status_today(route: Route) -> Figure:
    """
    The route's status on the data's as-of date, as the catalog records it (the status
    its dated milestones lead to, :mod:`corridor_atlas.timeline`), with the research's
    own words for it (``what``), its detail and its newest source.
    """
    facts = route.facts
    return Figure("status", "status today", route.status, what=facts.status,
                  note=facts.status_detail, sources=(facts.status_source,))


def key_figures(route: Route, drawn_length_km: float | None = None, *,
                in_year: Figure | None = None) -> tuple[Figure, ...]:
    """
    The key figures of one route, in the order the panel lists them.

    Names, ends (``description``), kind (``kind``: the catalog's kind, the research's
    description of it in ``what``) and countries (``countries``: their codes); the status
    in the year shown when ``in_year`` is given (:func:`status_in_year`) and then
    today's (:func:`status_today`), or else the status as the research words it, with
    its newest source; operator, shareholders (now and before); lengths (documented,
    other sources', by country), the drawn length when ``drawn_length_km`` is given;
    diameter, capacities and costs. A figure no source gives keeps its place with
    ``value=None``.
    """
    facts = route.facts
    figures = [
        Figure("description", "name (English)", route.name),
        Figure("description", "name (Turkish)", route.name_tr),
        Figure("description", "name (Azerbaijani)", route.name_az),
        Figure("kind", "kind", route.kind, what=facts.kind),
        *([in_year, status_today(route)] if in_year is not None else [
            Figure("status", "status", facts.status, note=facts.status_detail,
                   sources=(facts.status_source,))]),
        Figure("description", "start", facts.start),
        Figure("description", "end", facts.end),
        Figure("countries", "countries", ", ".join(facts.countries)),
        Figure("operator", "operator", facts.operator, sources=tuple(facts.operator_source))
        if facts.operator and facts.operator_source else _missing("operator", "operator"),
    ]
    figures += (_shareholders("shareholder", "shareholder", facts.shareholders)
                or [_missing("shareholder", "shareholders")])
    figures += _shareholders("shareholder_previous", "shareholder (previous)",
                             facts.shareholders_previous)
    figures += _lengths(route)
    figures += _country_lengths(route)
    if drawn_length_km is not None:
        figures.append(Figure("drawn_length", "drawn length", drawn_length_km, "km",
                              note="length of the line as drawn on the map, not a "
                                   "published figure"))
    figures.append(_diameter(route))
    figures += [_capacity(c) for c in facts.capacity] or [_missing("capacity", "capacity")]
    figures += [Figure("cost", "cost", c.value, c.unit, what=c.what, note=c.note,
                       sources=(c.source,)) for c in facts.cost] or [_missing("cost", "cost")]
    return tuple(figures)


# --------------------------------------------------------------------------- over time

_SERIES: tuple[tuple[FigureKind, str, str], ...] = (
    ("annual_volume", "annual volume", "annual_volumes"),
    ("annual_volume_alternative", "annual volume, alternative", "annual_volume_alternatives"),
    ("annual_volume_italy_only", "annual volume, alternative (Italy only)",
     "annual_volumes_italy_only"),
)


def _volume(kind: FigureKind, label: str, v: AnnualVolume) -> Figure:
    return Figure(kind, label, v.value, v.unit, year=v.year, coverage=v.period_note,
                  what=v.what, note=v.note, sources=(v.source,))


def volume_figures(route: Route) -> tuple[Figure, ...]:
    """Annual volumes: the reported series, then other sources' values, then volumes
    counted at the Italian end only; each in catalog order."""
    facts = route.facts
    return tuple(_volume(kind, label, v) for kind, label, field in _SERIES
                 for v in getattr(facts, field))


def _year_of(period: str) -> int | None:
    """The last four-digit year in a period (``"2020-01 to 2020-11"`` → 2020)."""
    years = _YEAR.findall(period)
    return int(years[-1]) if years else None


def period_figures(route: Route) -> tuple[Figure, ...]:
    """Partial-year, daily-average and cumulative figures; ``year`` is the last year
    the period names (``None`` if it names none)."""
    return tuple(Figure("period_volume", "volume over a period", v.value, v.unit,
                        year=_year_of(v.period), date=v.period, what=v.what, note=v.note,
                        sources=(v.source,))
                 for v in route.facts.other_volume_data)


def milestone_figures(route: Route) -> tuple[Figure, ...]:
    """The dated events, in catalog order: the event is the value."""
    return tuple(Figure("milestone", "milestone", m.event, year=int(m.date[:4]), date=m.date,
                        note=m.note, sources=(m.source,))
                 for m in route.facts.milestones)


def route_figures(route: Route) -> tuple[Figure, ...]:
    """Every sourced figure of a route: key figures (without names and other
    descriptions), annual volumes, volumes over a period, then milestones."""
    key = [f for f in key_figures(route) if f.kind not in DESCRIPTIVE_KINDS]
    volumes = sorted(volume_figures(route), key=lambda f: f.year or 0)
    milestones = sorted(milestone_figures(route), key=lambda f: first_day(f.date or ""))
    return (*key, *volumes, *period_figures(route), *milestones)


YEAR = "year"
"""The "unit" of a fact that is a year: written as it is, with no thousands separator."""

FACILITY_FACTS: dict[str, tuple[str, str | None]] = {
    "area_ha": ("area", "ha"),
    "area_m2": ("area", "m²"),
    "distance_from_baku_km": ("distance from Baku", "km"),
    "processing_capacity": ("processing capacity", None),
    "storage": ("storage", None),
    "storage_tanks": ("storage tanks", None),
    "tanks": ("tanks", None),
    "first_oil_export": ("first oil export", None),
    "first_oil": ("first oil", None),
    "operator": ("operator", None),
    "jetty": ("jetty", None),
    "capacity": ("capacity", None),
    "first_tanker": ("first tanker", None),
    "1000th_tanker": ("1,000th tanker", None),
    "opened": ("opened", YEAR),
    "municipality": ("municipality", None),
    "BTE_turkish_section_km": ("Georgian border to Erzurum", "km"),
    "province": ("province", None),
    "district": ("district", None),
    "note": ("note", None),
    "tanap_ms4": ("TANAP metering station (MS4)", None),
    "tie_in": ("TANAP–TAP tie-in", None),
    "compressors": ("compressors", None),
    "works_start": ("works started", None),
    "mechanical_completion": ("mechanical completion", None),
    "expansion": ("expansion", None),
    "construction_start": ("construction started", None),
    "microtunnel": ("microtunnel", None),
    "onshore_length_km": ("onshore length", "km"),
    "prt": ("Pipeline Receiving Terminal", None),
    "investment_usd_bn": ("investment", "billion USD"),
    "foundation": ("foundation", None),
    "inauguration": ("inauguration", None),
    "first_crude_cargo": ("first crude cargo", None),
    "products": ("products", None),
    "water_depth_m": ("water depth", "m"),
    "reserves": ("reserves", None),
    "discovery": ("discovery", None),
    "stage1_start": ("Stage 1 start", None),
    "stage2_fid": ("Stage 2 final investment decision", None),
    "shareholders_2025": ("shareholders in 2025", "%"),
    "psa_signed": ("production sharing agreement signed", None),
    "psa_extended": ("production sharing agreement extended", None),
    "participating_interests_2021": ("participating interests in 2021", "%"),
    "role": ("role", None),
    "population_2014": ("population in 2014", None),
    "phase1_capacity": ("Phase 1 capacity", None),
    "phase2_capacity": ("Phase 2 capacity", None),
    "btk_opening": ("BTK opening", None),
}
"""A facility fact's name in the catalog → what readers call it, and the unit its value
is in (a number is given in it; a text that does not name it gets it in the label)."""

_KEY_UNITS = {"km": "km", "m": "m", "m2": "m²", "ha": "ha"}


def fact_label(key: str) -> tuple[str, str | None]:
    """The words and unit of a facility fact: from :data:`FACILITY_FACTS`, or, for a fact
    not listed there, its name in words (a unit at its end, ``_km``, read as one)."""
    if key in FACILITY_FACTS:
        return FACILITY_FACTS[key]
    words = [w for w in key.split("_") if w]
    unit = _KEY_UNITS.get(words[-1].lower()) if len(words) > 1 else None
    if unit is not None:
        words = words[:-1]
    return " ".join(words), unit


def facility_figures(facility: Facility) -> tuple[Figure, ...]:
    """A facility's facts, each with all the facility's sources: a number in its unit
    (a year as its text), a text as it is, with the unit in the label when the text does
    not name it."""
    figures = []
    for key, value in facility.facts.items():
        label, unit = fact_label(key)
        if isinstance(value, str) or unit == YEAR:
            shown = value if isinstance(value, str) else f"{value:.0f}"
            if unit not in (None, YEAR) and unit not in shown:
                label = f"{label} ({unit})"
            figures.append(Figure("facility_fact", label, shown, sources=tuple(facility.sources)))
        else:
            figures.append(Figure("facility_fact", label, value, unit,
                                  sources=tuple(facility.sources)))
    return tuple(figures)
