"""Plain words for what the scene holds: a route's status in a year, its flow, its figures.

Renderers and panels call these and escape the result for their medium (HTML in the
live map's tooltips, XML in KML balloons, Markdown in the panels). This is the one
place a :class:`~corridor_atlas.figures.Figure` becomes text for people.

The words the map and the exports write (a route's status in a year, when it began, a
flow, a source's label, a facility's location) take a ``lang``: their words come from
that language's catalog, their numbers, units and dates in its convention
(:mod:`corridor_atlas.i18n`). English, the default, is written exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from babel.numbers import format_percent

from . import i18n
from .catalog import AnnualVolume, Dispute, Facility, Location, Route, Source
from .figures import (
    DRAWN_NOTE,
    LENGTH_IN,
    STATUS_IN,
    Citation,
    Figure,
    facility_figures,
    is_stale,
)
from .flows import Flow, Missing
from .format import date, number, percent, quantity
from .i18n import N_
from .styles import KIND_LABELS, STATUS_LABELS
from .timeline import State, cutoff
from .view import english

if TYPE_CHECKING:  # headline reads figures through panels, which imports this module
    from .headline import BuildHeadline, ExportHeadline, RouteHeadline, RouteStart
    from .panels import CapacityGap

__all__ = [
    "DESCRIPTIVE_SOURCE",
    "DRAWN_SOURCE",
    "FACILITIES_NAME",
    "LOCATION_WORDS",
    "MILESTONES_SOURCE",
    "NOT_BEGUN",
    "NO_SOURCED_VALUE",
    "Card",
    "amount_text",
    "build_card",
    "capacity_gap_text",
    "country_name",
    "date_text",
    "dispute_line",
    "disputed_status",
    "export_card",
    "facility_facts",
    "figure_label",
    "figure_note",
    "figure_source",
    "figure_value",
    "flow_lines",
    "flow_reason",
    "length_text",
    "location_text",
    "no_exports_text",
    "no_milestone_text",
    "no_volume_text",
    "number_text",
    "planned_card",
    "route_card",
    "route_label",
    "route_panel_cards",
    "since_line",
    "source_label",
    "sources_label",
    "stale_note",
    "status_in_year_line",
    "status_line",
    "status_today_line",
    "status_word",
    "volume_text",
    "when_shown",
]

NO_SOURCED_VALUE = N_("no sourced value")
"""Shown in place of a figure the catalog has no source for."""

DRAWN_SOURCE = N_("computed from the route geometry")
"""Source of lengths measured on the drawn line rather than published."""

DESCRIPTIVE_SOURCE = N_("atlas catalog (descriptive entry)")
"""Source of rows that name or describe a route rather than give a figure."""

NOT_BEGUN = N_("Not yet agreed")
"""A route's status in a year before its first dated milestone with an effect (not drawn)."""

FACILITIES_NAME = N_("Facilities")
"""The facilities layer's name, wherever layers are named (sidebar, layer control)."""

LOCATION_WORDS: dict[Location, str] = {
    "site": N_("the site itself"),
    "area": N_("one point for the whole field or complex"),
    "centre": N_("the town or city centre"),
    "nearby": N_("approximate (the nearest town or village: no source locates the site "
                 "itself)"),
    "none": N_("not known (no source gives its coordinates, so it is not on the map)"),
}
"""What a facility's point stands for (its ``location``), as the panel and popup say it."""

MILESTONES_SOURCE = N_("the route's dated milestones (Dates tab)")
"""Source of a status read from the absence of any milestone up to a year."""

_HOLDER_KINDS = ("shareholder", "shareholder_previous")


# --------------------------------------------------------------------------- in a language


def _tr(lang: str) -> i18n.Translator:
    return i18n.translator(lang)


def _number(value: float, lang: str, *, sig: int | None = None) -> str:
    return number(value, sig=sig) if english(lang) else i18n.number(value, lang, sig=sig)


def _quantity(value: float, unit: str, lang: str, *, sig: int | None = None) -> str:
    """A number and its unit in ``lang`` (English: exactly :func:`format.quantity`)."""
    return f"{_number(value, lang, sig=sig)} {i18n.unit(unit, _tr(lang))}"


def _percent(fraction: float, lang: str) -> str:
    return percent(fraction) if english(lang) else i18n.percent(fraction, lang)


def _date(text: str, lang: str) -> str:
    return date(text) if english(lang) else i18n.date(text, lang)


def number_text(value: float, lang: str = "en") -> str:
    """A number as a figure is published, every digit with ``lang``'s separators:
    ``"1,768.5"`` (``"1.768,5"`` in Turkish and Azerbaijani)."""
    return _number(value, lang)


def date_text(text: str, lang: str = "en") -> str:
    """A date, whole or partial (``"2005-05-10"``, ``"2008-07"``, ``"2004"``), in words in
    ``lang``: ``"10 May 2005"``, ``"10 Mayıs 2005"``, ``"10 may 2005"``."""
    return _date(text, lang)


# --------------------------------------------------------------------------- names


def route_label(route: Route, lang: str = "en") -> str:
    """A route's name wherever it is named on its own (sidebar, layer control, panel,
    table, search, tooltip), in ``lang``; the map's names and the legend use its short
    name."""
    return route.name_in(lang)


def facilities_name(lang: str = "en") -> str:
    """The facilities layer's name (:data:`FACILITIES_NAME`) in ``lang``."""
    return _tr(lang).gettext(FACILITIES_NAME)


def status_word(phase: str | None, lang: str = "en") -> str:
    """A status (or none yet) in words: ``"Under construction"``, ``"Not yet agreed"``."""
    tr = _tr(lang)
    if phase is None:
        return tr.gettext(NOT_BEGUN)
    label = STATUS_LABELS.get(phase)  # type: ignore[call-overload]
    return phase if label is None else tr.gettext(label)


def kind_word(kind: str, lang: str = "en") -> str:
    """A kind of line in words: ``"Gas pipeline"``."""
    return _tr(lang).gettext(KIND_LABELS[kind])  # type: ignore[index]


def length_text(km: float | None, lang: str = "en") -> str:
    """``"1,768 km"`` (``"1.768 km"`` in Turkish), or :data:`NO_SOURCED_VALUE`."""
    if km is None:
        return _tr(lang).gettext(NO_SOURCED_VALUE)
    return _quantity(round(km), "km", lang)


def location_text(facility: Facility, lang: str = "en") -> str:
    """Where a facility's point is, in words (and where the facility is, if said: the
    catalog's note, as it writes it)."""
    tr = _tr(lang)
    text = (tr.gettext(LOCATION_WORDS[facility.location]) if facility.location
            else tr.gettext("not stated"))
    return f"{text}. {facility.location_note}" if facility.location_note else text


def facility_facts(facility: Facility, lang: str = "en") -> list[tuple[str, str]]:
    """A facility's facts as (what, value) in words, in the catalog's order: what in
    ``lang``, numbers in its convention and units in its words; texts as the catalog
    writes them."""
    return [(f.label, figure_value(f, lang=lang)) for f in facility_figures(facility, lang)]


# --------------------------------------------------------------------------- sources


def source_label(src: Citation, lang: str = "en") -> str:
    """
    ``"<publisher>, <date or n.d.>"``, flagged when the URL was not retained; the
    newest source of a status (no publisher) is ``"newest source, <date>"``.

    >>> source_label(Source(url="https://x.org/a", title="t", publisher="Trend",
    ...                     date="2023-02-17"))
    'Trend, 2023-02-17'
    """
    tr = _tr(lang)
    when = src.date or tr.gettext("n.d.")
    if not isinstance(src, Source):
        return tr.gettext("newest source, {date}").format(date=when)
    label = f"{src.publisher}, {when}"
    if src.url_not_retained:
        label += " " + tr.gettext("(URL not retained)")
    return label


def sources_label(sources: Iterable[Citation], lang: str = "en") -> str:
    """Each source's label once, in order, joined with ``"; "`` (empty for none)."""
    return "; ".join(dict.fromkeys(source_label(s, lang) for s in sources))


# --------------------------------------------------------------------------- figures


def amount_text(value: float, unit: str | None, lang: str = "en") -> str:
    """A number and its unit in ``lang``: ``"1,768 km"``, ``"30.1%"`` (``"%30,1"`` in
    Turkish), a number alone without a unit."""
    if unit == "%":
        if english(lang):
            return f"{number(value)}%"
        return format_percent(value / 100, locale=i18n.languages.language(lang).locale,
                              decimal_quantization=False)
    return _quantity(value, unit, lang) if unit else _number(value, lang)


def country_name(part: str, countries: Mapping[str, str]) -> str:
    """A country code in words, alone or before what it qualifies: ``"TUR"`` →
    ``"Türkiye"``, ``"GEO (new-build)"`` → ``"Georgia (new-build)"``; anything else
    (``"offshore"``, a code ``countries`` does not name) as it is."""
    code, space, rest = part.partition(" ")
    if code in countries and (not space or rest.startswith("(")):
        return countries[code] + space + rest
    return part


def figure_label(figure: Figure, countries: Mapping[str, str] | None = None,
                 lang: str = "en") -> str:
    """What a figure is, as the panels name it, in ``lang``: its label, a length by
    country with the country in words (``"length in Türkiye"``, from ``countries``, their
    names by code in ``lang``)."""
    tr = _tr(lang)
    if figure.kind == "length_by_country" and figure.part:
        return tr.gettext(LENGTH_IN).format(country=country_name(figure.part, countries or {}))
    if figure.kind == "status_in_year" and figure.year is not None:
        return tr.gettext(STATUS_IN).format(year=figure.year)
    return tr.gettext(figure.label)


def figure_value(figure: Figure, countries: Mapping[str, str] | None = None,
                 lang: str = "en") -> str:
    """
    A figure's value as the panels show it, in ``lang``, every digit the source gives with
    thousands separators: ``"1,768 km"``; an increment ``"+1.2 bcm/y"``; a breakdown
    ``"Azerbaijan 449 km, Georgia 235 km"`` (countries in words, from ``countries``, their
    names by code); a shareholding ``"bp: 30.1%"``; a drawn length ``"1,750 km as
    drawn"``; a kind and a status as the legend says them (``"Oil pipeline"``,
    ``"Operating"``); a value no source gives, :data:`NO_SOURCED_VALUE`. Names, ends and
    other texts as the catalog writes them.
    """
    value, names, tr = figure.value, countries or {}, _tr(lang)
    if figure.kind == "status_in_year":
        return status_word(value if isinstance(value, str) else None, lang)
    if figure.kind == "kind" and isinstance(value, str):
        return kind_word(value, lang) if value in KIND_LABELS else value
    if figure.kind == "status" and isinstance(value, str):
        return status_word(value, lang)
    if figure.kind == "countries" and isinstance(value, str):
        return ", ".join(country_name(code, names) for code in value.split(", "))
    if value is None:
        text = tr.gettext(NO_SOURCED_VALUE)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, tuple):
        text = ", ".join(
            f"{country_name(part.name, names)} {amount_text(part.value, figure.unit, lang)}"
            for part in value)
    elif figure.kind == "drawn_length":
        text = tr.gettext("{length} as drawn").format(
            length=amount_text(round(value), figure.unit, lang))
    else:
        text = ("+" if figure.increment else "") + amount_text(value, figure.unit, lang)
    if figure.kind in _HOLDER_KINDS and figure.part:
        return f"{figure.part}: {text}"
    return text


def figure_source(figure: Figure, lang: str = "en") -> str | None:
    """Where a figure comes from, in words: its sources' labels, or what the atlas did."""
    tr = _tr(lang)
    if figure.kind in ("description", "kind", "countries"):
        return tr.gettext(DESCRIPTIVE_SOURCE)
    if figure.kind == "drawn_length":
        return tr.gettext(DRAWN_SOURCE)
    if figure.kind == "status_in_year" and not figure.sources:
        return tr.gettext(MILESTONES_SOURCE)
    return sources_label(figure.sources, lang) or None


def stale_note(dated: str | None, as_of: str, lang: str = "en") -> str | None:
    """What to say of a figure whose newest source is more than a year before ``as_of``."""
    if not is_stale(dated, as_of):
        return None
    assert dated is not None
    return _tr(lang).gettext("newest source {date}: more than a year before the data's "
                             "as-of date ({as_of})").format(date=_date(dated, lang),
                                                            as_of=_date(as_of, lang))


def figure_note(figure: Figure, as_of: str | None = None, lang: str = "en") -> str | None:
    """
    The note of a key figure, in ``lang``: when it held (``"as of 2025-12"``), what it
    covers, the catalog's note (as it writes it), and, given the data's ``as_of`` date,
    whether its newest source is more than a year older (:func:`stale_note`).
    """
    tr = _tr(lang)
    if figure.kind == "status_in_year":
        when = (tr.gettext("since {date}").format(date=_date(figure.date, lang))
                if figure.date else None)
        return ": ".join(p for p in (when, figure.note) if p) or None
    what = figure.what
    if figure.kind in ("kind", "status") and what and isinstance(figure.value, str) and (
            what.strip().lower() in (figure.value, figure_value(figure).lower())):
        what = None  # the sources' words say no more than the value's
    note = tr.gettext(DRAWN_NOTE) if figure.note == DRAWN_NOTE else figure.note
    parts = [tr.gettext("as of {date}").format(date=figure.date) if figure.date else None,
             what, note]
    if as_of is not None:
        parts.append(stale_note(figure.newest_source_date, as_of, lang))
    return "; ".join(p for p in parts if p) or None


# --------------------------------------------------------------------------- the scene


def when_shown(year: int | None, as_of: str) -> tuple[str, str]:
    """The date a panel shows for ``year`` (the year's last day, or the data's as-of date
    from the as-of year on) and its words: ``("2012-12-31", "end of 2012")``,
    ``("2026-07-03", "as of 3 July 2026")``."""
    when = cutoff(year, as_of)
    return when, (f"as of {date(as_of)}" if when == as_of else f"end of {year}")


def status_line(route: Route, phase: str, year: int | None, lang: str = "en") -> str:
    """``"Gas pipeline · Operating in 2022"``."""
    tr = _tr(lang)
    status = status_word(phase, lang)
    kind = kind_word(route.kind, lang)
    if year is None:
        return f"{kind} · {status}"
    return tr.gettext("{kind} · {status} in {year}").format(kind=kind, status=status,
                                                            year=year)


def since_line(since: str | None, properties: Mapping[str, Any],
               lang: str = "en") -> str | None:
    """When a segment's status began: ``"Since 24 May 2023"``, or, for a line that was
    there before its route, ``"An existing line, in use since 1883"``."""
    tr = _tr(lang)
    if since is not None:
        return tr.gettext("Since {date}").format(date=_date(since, lang))
    existing = properties.get("existing_since")
    if isinstance(existing, str) and existing:
        return tr.gettext("An existing line, in use since {date}").format(
            date=_date(existing, lang))
    return None


def dispute_line(dispute: Dispute, lang: str = "en") -> str:
    """``"Sources disagree: … (Ekonomist, March 2025)"`` (the claim as its source
    says it)."""
    when = f", {_date(dispute.source.date, lang)}" if dispute.source.date else ""
    return _tr(lang).gettext("Sources disagree: {claim} ({source})").format(
        claim=dispute.claim, source=f"{dispute.source.publisher}{when}")


def disputed_status(state: State) -> str:
    """``"Idle (…) since 26 August 2025 (Report.az, 2025-08-26). Sources disagree: …"``."""
    text = STATUS_LABELS[state.status]
    if state.milestone is not None:
        text += f" since {date(state.since)} ({source_label(state.milestone.source)})."
    return text + (f" {dispute_line(state.dispute)}" if state.dispute is not None else "")


def volume_text(volume: AnnualVolume, lang: str = "en") -> str:
    """A sourced figure as published: ``"224.389 million bbl crude delivered…"`` (what it
    counts and its period as the source says them)."""
    text = f"{_quantity(volume.value, volume.unit, lang)} {volume.what}"
    if volume.period_note and not volume.period_note.startswith("full calendar year"):
        text += f" ({volume.period_note})"
    return text


def flow_reason(flow: Flow, lang: str = "en") -> str | None:
    """Why a flow has no volume, in a sentence; ``None`` when it has one."""
    tr = _tr(lang)
    if flow.missing is None:
        return None
    if flow.missing is Missing.NO_FAMILY:
        return tr.gettext("The atlas draws no flows for this kind of line.")
    if flow.missing is Missing.NOT_OPERATING:
        return tr.gettext("Not operating in {year}: nothing carried.").format(year=flow.year)
    return tr.gettext("No sourced figure for all it carried in {year}.").format(
        year=flow.year)


def flow_lines(flow: Flow, lang: str = "en") -> list[str]:
    """
    A flow as readers read it, one line each.

    The throughput (and the figures it comes from), the capacity in force and the
    utilisation; or why there is no figure, and the partial figures there are.
    """
    tr = _tr(lang)
    lines = []
    if flow.volume is not None and flow.unit is not None:
        lines.append(tr.gettext("Flow in {year}: {amount}").format(
            year=flow.year, amount=_quantity(flow.volume, flow.unit, lang, sig=3)))
        if len(flow.volumes) > 1:
            lines.append("= " + " + ".join(f"{_quantity(v.value, v.unit, lang)} {v.share}"
                                           for v in flow.volumes))
        else:
            lines.append(tr.gettext("From: {figure}").format(
                figure=volume_text(flow.volumes[0], lang)))
    else:
        lines.append(flow_reason(flow, lang) or "")
        partial = [v for v in flow.other if v.measure != "count"]
        if flow.missing is Missing.NO_FIGURE and partial:
            lines.append(tr.gettext("Partial figures: {figures}").format(
                figures="; ".join(volume_text(v, lang) for v in partial)))
    if flow.capacity is not None and flow.unit is not None:
        lines.append(tr.gettext("Capacity in force: {amount}").format(
            amount=_quantity(flow.capacity, flow.unit, lang, sig=3)))
        if flow.utilisation is not None:
            lines.append(tr.gettext("Utilisation: {share}").format(
                share=_percent(flow.utilisation, lang)))
    elif flow.family is not None and flow.missing is not Missing.NOT_OPERATING:
        lines.append(tr.gettext("Capacity in force in {year}: no dated figure").format(
            year=flow.year))
    sources = [source_label(v.source, lang) for v in flow.volumes]
    if flow.capacity_figure is not None and flow.volume is not None:
        sources.append(tr.gettext("capacity: {source}").format(
            source=source_label(flow.capacity_figure.source, lang)))
    if sources:
        lines.append(tr.gettext("Sources: {sources}").format(
            sources="; ".join(dict.fromkeys(sources))))
    return lines


# --------------------------------------------------------------------------- headline cards


@dataclass(frozen=True)
class Card:
    """A metric card in words: ``label``, ``value`` (``None``: no sourced figure, shown as
    a dash and explained in ``lines``), the change on the year before (``delta``, with
    what it compares to in ``delta_note``), lines under the value, and the sources each
    figure links to, as ``(what, source)``."""

    label: str
    value: str | None
    delta: str | None = None
    delta_note: str | None = None
    lines: tuple[str, ...] = ()
    sources: tuple[tuple[str, Citation], ...] = ()
    help: str | None = None


def _change(change: float | None, unit: str, previous_year: int) -> tuple[str | None, str | None]:
    """A change on the year before as a card's delta: ``("+0.34 bcm/y", "on 2024")``."""
    if change is None:
        return None, None
    if abs(change) < 1e-9:
        return "0", f"no change on {previous_year}"
    sign = "-" if change < 0 else "+"
    return f"{sign}{number(abs(change), sig=2)} {unit}", f"on {previous_year}"


def _amount_sig(value: float, unit: str) -> str:
    """A measured amount for a card: three significant digits (the help and the sources
    give it as published)."""
    return quantity(value, unit, sig=3)


def _capacity(value: float, unit: str) -> str:
    """A capacity or a length as published, with separators (six significant digits hide
    only the noise of a unit conversion)."""
    return quantity(value, unit, sig=6)


def _sources(what: str, sources: Iterable[Citation]) -> tuple[tuple[str, Citation], ...]:
    return tuple((what, s) for s in sources)


def status_in_year_line(headline: RouteHeadline) -> str:
    """The panel's main line: ``"In 2005: Not yet agreed"``, ``"In 2026: Operating since
    30 June 2018"`` (since it first went into operation), ``"In 2005: Under construction
    since 18 September 2002"``."""
    if headline.status is None:
        return f"In {headline.year}: {NOT_BEGUN}"
    text = f"In {headline.year}: {STATUS_LABELS[headline.status]}"
    since = headline.in_operation if headline.status == "operating" else headline.since
    if since is not None:
        text += f" since {date(since.date)}"
    return text


def status_today_line(state: State | None, as_of: str) -> str:
    """The panel's second line: the status on the data's as-of date."""
    if state is None:
        return f"Today ({date(as_of)}): {NOT_BEGUN}"
    return f"Today ({date(as_of)}): {STATUS_LABELS[state.status]}"


def _volume_help(headline: RouteHeadline) -> str | None:
    if not headline.volumes:
        return None
    return "From: " + "; ".join(volume_text(v) for v in headline.volumes)


def _part_year(headline: RouteHeadline) -> tuple[str, ...]:
    """A line saying the volume covers only part of its year, in the source's words."""
    notes = [str(v.period_note) for v in headline.volumes
             if v.period_note and not v.period_note.startswith("full calendar year")]
    return (f"Part of the year only: {'; '.join(dict.fromkeys(notes))}",) if notes else ()


def route_card(headline: RouteHeadline) -> Card:
    """One route's overview card: what it carried in its latest year with a figure, the
    change on the year before and its use of the capacity in force; or its capacity and
    why there is no volume."""
    name = headline.name
    volume, capacity = headline.volume, headline.capacity
    lines: list[str] = []
    sources: list[tuple[str, Citation]] = []
    if volume is None or volume.year is None:
        lines.append(f"No annual volume with a source up to {headline.year}.")
        if capacity is not None:
            sources += _sources("capacity", capacity.sources)
        return Card(f"{name}: capacity in {headline.year}",
                    _capacity(capacity.value, capacity.unit) if capacity else None,
                    lines=tuple(lines), sources=tuple(sources))
    delta, delta_note = _change(headline.change, volume.unit, volume.year - 1)
    lines += _part_year(headline)
    if delta is None:
        lines.append(f"No figure for {volume.year - 1} to compare with.")
    cap = headline.volume_capacity
    if headline.utilisation is not None and cap is not None:
        lines.append(f"{percent(headline.utilisation)} of the {_capacity(cap.value, cap.unit)} "
                     f"capacity in force")
    else:
        lines.append(f"No capacity dated as in force in {volume.year}.")
    if capacity is not None and (cap is None or capacity.value != cap.value):
        lines.append(f"Capacity in force in {headline.year}: "
                     f"{_capacity(capacity.value, capacity.unit)}")
    if headline.partial_years:
        lines.append(f"{_years(headline.partial_years)}: figures for only part of what it "
                     "carried")
    sources += _sources("volume", volume.sources)
    for figure in dict.fromkeys(x for x in (cap, capacity) if x is not None):
        sources += _sources("capacity", figure.sources)
    return Card(f"{name}: carried in {volume.year}", _amount_sig(volume.value, volume.unit),
                delta, delta_note, tuple(lines), tuple(dict.fromkeys(sources)),
                help=_volume_help(headline))


def _years(years: Iterable[int]) -> str:
    """``(2023, 2024, 2025)`` → ``"2023–2025"``; ``(2009, 2011)`` → ``"2009, 2011"``."""
    ordered = sorted(years)
    runs: list[list[int]] = []
    for y in ordered:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _flow_cards(headline: RouteHeadline) -> list[Card]:
    """Capacity in force, latest volume and utilisation (for lines that carry a flow)."""
    year, volume, capacity = headline.year, headline.volume, headline.capacity
    cards = [Card(f"Capacity in {year}",
                  _capacity(capacity.value, capacity.unit) if capacity else None,
                  lines=() if capacity else (f"No capacity dated as in force in {year}.",),
                  sources=_sources("capacity", capacity.sources) if capacity else ())]
    if volume is None or volume.year is None:
        return [*cards, Card(f"Carried up to {year}", None,
                             lines=(f"No annual volume with a source up to {year}.",))]
    delta, delta_note = _change(headline.change, volume.unit, volume.year - 1)
    cards.append(Card(f"Carried in {volume.year}", _amount_sig(volume.value, volume.unit),
                      delta, delta_note,
                      lines=_part_year(headline)
                      + (() if delta else (f"No figure for {volume.year - 1}.",)),
                      sources=_sources("volume", volume.sources), help=_volume_help(headline)))
    cap, util = headline.volume_capacity, headline.utilisation
    cards.append(Card(f"Utilisation in {volume.year}",
                      percent(util) if util is not None else None,
                      lines=(f"of {_capacity(cap.value, cap.unit)} in force",)
                      if util is not None and cap is not None
                      else (f"No capacity dated as in force in {volume.year}.",),
                      sources=_sources("capacity", cap.sources) if cap else ()))
    return cards


def route_panel_cards(headline: RouteHeadline) -> list[Card]:
    """A route panel's cards, as the route stood in the year shown: capacity in force,
    latest volume and utilisation (not for a power line: the atlas measures no flow on
    it), documented length, in operation since."""
    year = headline.year
    cards = _flow_cards(headline) if headline.carries else []
    length = headline.length
    cards.append(Card("Length", _capacity(length.value, "km") if length else None,
                      lines=() if length else ("No published length with a source.",),
                      sources=_sources("length", length.sources) if length else ()))
    first = headline.in_operation
    if first is None:
        cards.append(Card("In operation", None, lines=(f"Not in operation by {year}.",)))
    else:
        label = ("In operation since" if headline.status == "operating"
                 else "First in operation")
        cards.append(Card(label, date(first.date), lines=(first.event,),
                          sources=_sources("date", first.sources)))
    return cards


def export_card(item: ExportHeadline) -> Card:
    """One destination's card: Azerbaijan's gas exports there in the year, and the change."""
    delta, delta_note = _change(item.change, item.unit, item.year - 1)
    label = ("All gas exports" if item.field == "total_exports_bcm"
             else f"To {item.destination}")
    return Card(f"{label}, {item.year}", _amount_sig(item.value, item.unit), delta, delta_note,
                lines=() if delta else (f"No figure for {item.year - 1}.",))


def build_card(item: BuildHeadline) -> Card:
    """A line under construction: when it is due, or when it went into operation."""
    lines = []
    if item.since is not None:
        lines.append(f"Under construction since {date(item.since.date)}")
    due = item.due
    if due is None:
        return Card(f"{item.name}: due", None,
                    lines=(*lines, "No completion date with a source."))
    if not due.target:
        return Card(f"{item.name}: in operation from", date(due.date),
                    lines=(*lines, due.event), sources=_sources("date", due.sources))
    return Card(f"{item.name}: due", date(due.date), lines=(*lines, f"Target: {due.event}"),
                sources=_sources("target", due.sources))


_NEXT = {"construction": "construction from", "operating": "in operation from"}


def planned_card(item: BuildHeadline) -> Card:
    """A line planned or agreed: its target (``"Black Sea cable: target"``, ``"2032"``),
    or, for a past year, when its construction or operation began."""
    lines = [f"Planned or agreed since {date(item.since.date)}"] if item.since else []
    due = item.due
    if due is None:
        return Card(f"{item.name}: target", None,
                    lines=(*lines, "No target date with a source."))
    if due.target or due.status is None:
        return Card(f"{item.name}: target", date(due.date), lines=(*lines, due.event),
                    sources=_sources("target", due.sources))
    return Card(f"{item.name}: {_NEXT[due.status]}", date(due.date),
                lines=(*lines, due.event), sources=_sources("date", due.sources))


_STARTED = {"planned": "was agreed in", "construction": "was begun in",
            "operating": "went into operation in"}


def _began(start: RouteStart) -> str | None:
    if start.first is None or start.first.status is None:
        return None
    verb = _STARTED.get(start.first.status, "has records from")
    return f"{start.name} {verb} {start.first.date[:4]}"


def no_volume_text(start: RouteStart, year: int) -> str:
    """Why the Volumes tab is empty in ``year``, from the data: ``"No annual volume up to
    2005. TANAP was agreed in 2011; its first sourced annual volumes are for 2020."``"""
    if start.first_volume_year is None:
        return f"No annual volume with a source has been found for {start.name}."
    began = _began(start)
    first = f"its first sourced annual volumes are for {start.first_volume_year}"
    return (f"No annual volume up to {year}. "
            + (f"{began}; {first}." if began else f"{first[0].upper()}{first[1:]}."))


def no_milestone_text(start: RouteStart, year: int) -> str:
    """Why the Dates tab is empty in ``year``: the first dated milestone, from the data."""
    first = start.first_milestone
    if first is None:
        return f"No dated milestone with a source has been found for {start.name}."
    return (f"No dated milestone up to {year}. {start.name}'s first is dated "
            f"{date(first.date)}: {first.event}")


def capacity_gap_text(gap: CapacityGap) -> str:
    """Why a volume chart has no capacity line, in a sentence: ``"No capacity line: the
    sourced capacities are in Mt/y and million passengers/y, which do not compare with
    volumes in TEU."``"""
    first, last = gap.years
    years = str(first) if first == last else f"{first}–{last}"
    if not gap.undated and not gap.other_units:
        return "No capacity line: no capacity with a source."
    said = []
    if gap.undated:
        said.append(f"no source dates a capacity in {gap.unit} to {years} (undated: "
                    f"{'; '.join(gap.undated)})")
    if gap.other_units:
        units = gap.other_units
        listed = units[0] if len(units) == 1 else f"{', '.join(units[:-1])} and {units[-1]}"
        said.append(f"{'the other ' if gap.undated else 'the '}sourced capacities are in "
                    f"{listed}, which do not compare with volumes in {gap.unit}")
    return "No capacity line: " + "; ".join(said) + "."


def no_exports_text(year: int, first_year: int | None) -> str:
    """Why there is no gas-export card in ``year``."""
    if first_year is None:
        return "No sourced figure for Azerbaijan's gas exports has been found."
    return (f"No sourced figure for Azerbaijan's gas exports up to {year}; the first is for "
            f"{first_year}.")
