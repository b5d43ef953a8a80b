"""The figures of a route or a facility, as typed values with their sources.

Every figure the panels show and the CSV lists is read from the catalog here, once, as
a :class:`Figure`: what it is (``kind``, and ``label`` in words), its value as the
source gives it (a number with its ``unit``, a text, a breakdown into parts, or
``None`` when no source gives one), when and what it is for, and its sources.
Nothing here is text for display: :mod:`corridor_atlas.describe` writes figures in
words for people, and the CSV writes their fields as they are. A figure's ``label`` is
English, the CSV's words; each is a message (or, for a label with a part in it, built
from one: :data:`LENGTH_IN`, :data:`STATUS_IN`), which ``describe`` translates where
it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from . import i18n
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
from .i18n import N_
from .timeline import route_state

__all__ = [
    "CAPACITY_LABELS",
    "DESCRIPTIVE_KINDS",
    "DRAWN_NOTE",
    "FACILITY_FACTS",
    "LENGTH_IN",
    "STATUS_IN",
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

# Translators: a row of a route's key figures: its length in one country ("length in
# Türkiye").
LENGTH_IN = N_("length in {country}")
"""The label of a length by country: ``LENGTH_IN.format(country=code)``."""
# Translators: a row of a route's key figures: what its status was in a year.
STATUS_IN = N_("status in {year}")
"""The label of a route's status in a year: ``STATUS_IN.format(year=year)``."""

DRAWN_NOTE = N_("length of the line as drawn on the map, not a published figure")
"""The note of a route's drawn length."""

CAPACITY_LABELS: dict[str, tuple[str, str]] = {
    "design": (N_("design capacity"), N_("design capacity added")),
    "expanded": (N_("expanded capacity"), N_("expanded capacity added")),
    "planned": (N_("planned capacity"), N_("planned capacity added")),
    "practical": (N_("practical capacity"), N_("practical capacity added")),
}
"""The label of a capacity by what it is (the catalog's ``what``), a level and an
increment; any other is ``"<what> capacity"`` (``"… added"``)."""


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
    figures = [Figure("length", N_("documented length"), length.value, "km", note=length.note,
                      sources=(length.source,))
               if length.value is not None and length.source is not None
               else _missing("length", N_("documented length"), length.note)]
    figures += _alternatives("length_alternative", N_("length (alternative)"),
                             length.alternatives, "km")
    return figures


def _country_lengths(route: Route) -> list[Figure]:
    facts = route.facts
    meta = facts.length_by_country_meta
    note = meta.note if meta else None
    figures: list[Figure] = []
    if not facts.length_by_country_km:
        figures.append(_missing("length_by_country", N_("length by country"), note))
    for i, (country, km) in enumerate(facts.length_by_country_km.items()):
        src = None
        if meta is not None:
            src = meta.aze_source if country == "AZE" and meta.aze_source else meta.source
        figures.append(Figure("length_by_country", LENGTH_IN.format(country=country),
                              km if src is not None else None,
                              "km" if src is not None else None, part=country,
                              note=note if i == 0 else None,
                              sources=(src,) if src is not None else ()))
    if meta is not None:
        figures += _alternatives("length_by_country_alternative",
                                 N_("length by country (alternative)"), meta.alternatives,
                                 "km")
        if meta.scpx_values:
            label = N_("expansion (SCPX) length by country")
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
        return _missing("diameter", N_("diameter"))
    return Figure("diameter", N_("diameter"), facts.diameter_in,
                  "in" if facts.diameter_in is not None else None, note=detail.detail,
                  sources=(detail.source, *detail.extra_sources))


def _capacity(cap: Capacity) -> Figure:
    labels = CAPACITY_LABELS.get(cap.what, (f"{cap.what} capacity", f"{cap.what} capacity added"))
    label = labels[1] if cap.increment else labels[0]
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
        return Figure("status_in_year", STATUS_IN.format(year=year), None, year=year)
    milestone = state.milestone
    return Figure("status_in_year", STATUS_IN.format(year=year), state.status, year=year,
                  date=state.since, note=milestone.event if milestone else None,
                  sources=(milestone.source,) if milestone else ())


def status_today(route: Route) -> Figure:
    """
    The route's status on the data's as-of date, as the catalog records it (the status
    its dated milestones lead to, :mod:`corridor_atlas.timeline`), with the research's
    own words for it (``what``), its detail and its newest source.
    """
    facts = route.facts
    return Figure("status", N_("status today"), route.status, what=facts.status,
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
        Figure("description", N_("name (English)"), route.name),
        Figure("description", N_("name (Turkish)"), route.name_tr),
        Figure("description", N_("name (Azerbaijani)"), route.name_az),
        Figure("kind", N_("kind"), route.kind, what=facts.kind),
        *([in_year, status_today(route)] if in_year is not None else [
            Figure("status", N_("status"), facts.status, note=facts.status_detail,
                   sources=(facts.status_source,))]),
        Figure("description", N_("start"), facts.start),
        Figure("description", N_("end"), facts.end),
        Figure("countries", N_("countries"), ", ".join(facts.countries)),
        Figure("operator", N_("operator"), facts.operator,
               sources=tuple(facts.operator_source))
        if facts.operator and facts.operator_source else _missing("operator", N_("operator")),
    ]
    figures += (_shareholders("shareholder", N_("shareholder"), facts.shareholders)
                or [_missing("shareholder", N_("shareholders"))])
    figures += _shareholders("shareholder_previous", N_("shareholder (previous)"),
                             facts.shareholders_previous)
    figures += _lengths(route)
    figures += _country_lengths(route)
    if drawn_length_km is not None:
        figures.append(Figure("drawn_length", N_("drawn length"), drawn_length_km, "km",
                              note=DRAWN_NOTE))
    figures.append(_diameter(route))
    figures += [_capacity(c) for c in facts.capacity] or [_missing("capacity", N_("capacity"))]
    figures += [Figure("cost", N_("cost"), c.value, c.unit, what=c.what, note=c.note,
                       sources=(c.source,)) for c in facts.cost] or [_missing("cost", N_("cost"))]
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
    "area_ha": (N_("area"), "ha"),
    "area_m2": (N_("area"), "m²"),
    "distance_from_baku_km": (N_("distance from Baku"), "km"),
    "processing_capacity": (N_("processing capacity"), None),
    "storage": (N_("storage"), None),
    "storage_tanks": (N_("storage tanks"), None),
    "tanks": (N_("tanks"), None),
    "first_oil_export": (N_("first oil export"), None),
    "first_oil": (N_("first oil"), None),
    "operator": (N_("operator"), None),
    "jetty": (N_("jetty"), None),
    "capacity": (N_("capacity"), None),
    "first_tanker": (N_("first tanker"), None),
    "1000th_tanker": (N_("1,000th tanker"), None),
    "opened": (N_("opened"), YEAR),
    "municipality": (N_("municipality"), None),
    "BTE_turkish_section_km": (N_("Georgian border to Erzurum"), "km"),
    "province": (N_("province"), None),
    "district": (N_("district"), None),
    "note": (N_("note"), None),
    "tanap_ms4": (N_("TANAP metering station (MS4)"), None),
    "tie_in": (N_("TANAP–TAP tie-in"), None),
    "compressors": (N_("compressors"), None),
    "works_start": (N_("works started"), None),
    "mechanical_completion": (N_("mechanical completion"), None),
    "expansion": (N_("expansion"), None),
    "construction_start": (N_("construction started"), None),
    "microtunnel": (N_("microtunnel"), None),
    "onshore_length_km": (N_("onshore length"), "km"),
    "prt": (N_("Pipeline Receiving Terminal"), None),
    "investment_usd_bn": (N_("investment"), "billion USD"),
    "foundation": (N_("foundation"), None),
    "inauguration": (N_("inauguration"), None),
    "first_crude_cargo": (N_("first crude cargo"), None),
    "products": (N_("products"), None),
    "water_depth_m": (N_("water depth"), "m"),
    "reserves": (N_("reserves"), None),
    "discovery": (N_("discovery"), None),
    "stage1_start": (N_("Stage 1 start"), None),
    "stage2_fid": (N_("Stage 2 final investment decision"), None),
    "shareholders_2025": (N_("shareholders in 2025"), "%"),
    "psa_signed": (N_("production sharing agreement signed"), None),
    "psa_extended": (N_("production sharing agreement extended"), None),
    "participating_interests_2021": (N_("participating interests in 2021"), "%"),
    "role": (N_("role"), None),
    "population_2014": (N_("population in 2014"), None),
    "phase1_capacity": (N_("Phase 1 capacity"), None),
    "phase2_capacity": (N_("Phase 2 capacity"), None),
    "btk_opening": (N_("BTK opening"), None),
}
"""A facility fact's name in the catalog → what readers call it, and the unit its value
is in (a number is given in it; a text that does not name it gets it in the label)."""

_KEY_UNITS = {"km": "km", "m": "m", "m2": "m²", "ha": "ha"}


def fact_label(key: str, lang: str = "en") -> tuple[str, str | None]:
    """The words (in ``lang``) and unit of a facility fact: from :data:`FACILITY_FACTS`,
    or, for a fact not listed there, its name in words as the catalog writes it (a unit
    at its end, ``_km``, read as one)."""
    if key in FACILITY_FACTS:
        label, unit = FACILITY_FACTS[key]
        return i18n.translator(lang).gettext(label), unit
    words = [w for w in key.split("_") if w]
    unit = _KEY_UNITS.get(words[-1].lower()) if len(words) > 1 else None
    if unit is not None:
        words = words[:-1]
    return " ".join(words), unit


def facility_figures(facility: Facility, lang: str = "en") -> tuple[Figure, ...]:
    """A facility's facts, each with all the facility's sources: a number in its unit
    (a year as its text), a text as it is, with the unit (in ``lang``) in the label when
    the text does not name it. Labels in ``lang`` (the CSV's: English)."""
    figures = []
    for key, value in facility.facts.items():
        label, unit = fact_label(key, lang)
        if isinstance(value, str) or unit == YEAR:
            shown = value if isinstance(value, str) else f"{value:.0f}"
            if unit not in (None, YEAR) and unit not in shown:
                label = f"{label} ({i18n.unit(unit, i18n.translator(lang))})"
            figures.append(Figure("facility_fact", label, shown, sources=tuple(facility.sources)))
        else:
            figures.append(Figure("facility_fact", label, value, unit,
                                  sources=tuple(facility.sources)))
    return tuple(figures)
