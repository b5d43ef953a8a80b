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

from babel.lists import format_list
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
from .format import date, number, percent
from .i18n import N_, NC_
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


def quantity_text(value: float, unit: str, lang: str = "en", *,
                  sig: int | None = None) -> str:
    """A figure and its unit as the panels write it, in ``lang``, rounded to ``sig``
    significant digits if given: ``"1,768 km"``, ``"11,2 milyar m³/yıl"``."""
    return _quantity(value, unit, lang, sig=sig)


def percent_text(fraction: float, lang: str = "en") -> str:
    """A share as a whole percentage: ``"87%"``, ``"%87"`` in Turkish."""
    return _percent(fraction, lang)


def date_text(text: str, lang: str = "en") -> str:
    """A date, whole or partial (``"2005-05-10"``, ``"2008-07"``, ``"2004"``), in words in
    ``lang``: ``"10 May 2005"``, ``"10 Mayıs 2005"``, ``"10 may 2005"``."""
    return _date(text, lang)


# --------------------------------------------------------------------------- names


def quoted(text: str, lang: str = "en") -> str:
    """The data's own words (an event, what a figure counts: English, as the sources
    write them) in a text in ``lang``: as they are in English, as a quotation otherwise."""
    return text if english(lang) else f"“{text}”"


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


def when_shown(year: int | None, as_of: str, lang: str = "en") -> tuple[str, str]:
    """The date a panel shows for ``year`` (the year's last day, or the data's as-of date
    from the as-of year on) and its words: ``("2012-12-31", "end of 2012")``,
    ``("2026-07-03", "as of 3 July 2026")``."""
    tr = _tr(lang)
    when = cutoff(year, as_of)
    if when == as_of:
        return when, tr.gettext("as of {date}").format(date=_date(as_of, lang))
    # Translators: the last day of a year, as a timeline marks it ("end of 2012").
    return when, tr.gettext("end of {year}").format(year=year)


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


def disputed_status(state: State, lang: str = "en") -> str:
    """``"Idle (…) since 26 August 2025 (Report.az, 2025-08-26). Sources disagree: …"``."""
    tr = _tr(lang)
    text = status_word(state.status, lang)
    if state.milestone is not None:
        text = tr.gettext("{status} since {date} ({source}).").format(
            status=text, date=_date(state.since, lang),
            source=source_label(state.milestone.source, lang))
    return text + (f" {dispute_line(state.dispute, lang)}" if state.dispute is not None
                   else "")


def volume_text(volume: AnnualVolume, lang: str = "en") -> str:
    """A sourced figure as published: ``"224.389 million bbl crude delivered…"`` (what it
    counts and its period as the source says them)."""
    text = f"{_quantity(volume.value, volume.unit, lang)} {quoted(volume.what, lang)}"
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


# What a card's source link is the source of, before the source's label ("capacity: bp,
# 2024-03-01"): the card's words for each figure it links.
_SOURCE_OF: dict[str, str] = {
    "capacity": NC_("source of", "capacity"),
    "volume": NC_("source of", "volume"),
    "length": NC_("source of", "length"),
    "date": NC_("source of", "date"),
    "target": NC_("source of", "target"),
}


def _change(change: float | None, unit: str, previous_year: int,
            lang: str = "en") -> tuple[str | None, str | None]:
    """A change on the year before as a card's delta: ``("+0.34 bcm/y", "on 2024")``.
    The delta starts with its sign (or is ``"0"``) in every language: the card's arrow
    reads it."""
    if change is None:
        return None, None
    tr = _tr(lang)
    if abs(change) < 1e-9:
        return "0", tr.gettext("no change on {year}").format(year=previous_year)
    sign = "-" if change < 0 else "+"
    # Translators: under a card's change, the year it compares with ("+0.34 bcm/y on 2024").
    return (f"{sign}{_quantity(abs(change), unit, lang, sig=2)}",
            tr.gettext("on {year}").format(year=previous_year))


def _amount_sig(value: float, unit: str, lang: str = "en") -> str:
    """A measured amount for a card: three significant digits (the help and the sources
    give it as published)."""
    return _quantity(value, unit, lang, sig=3)


def _capacity(value: float, unit: str, lang: str = "en") -> str:
    """A capacity or a length as published, with separators (six significant digits hide
    only the noise of a unit conversion)."""
    return _quantity(value, unit, lang, sig=6)


def _sources(what: str, sources: Iterable[Citation],
             lang: str = "en") -> tuple[tuple[str, Citation], ...]:
    """Each source as a card links it, with what it is the source of (a key of
    :data:`_SOURCE_OF`) in ``lang``."""
    words = _tr(lang).pgettext("source of", _SOURCE_OF[what])
    return tuple((words, s) for s in sources)


def status_in_year_line(headline: RouteHeadline, lang: str = "en") -> str:
    """The panel's main line: ``"In 2005: Not yet agreed"``, ``"In 2026: Operating since
    30 June 2018"`` (since it first went into operation), ``"In 2005: Under construction
    since 18 September 2002"``."""
    tr = _tr(lang)
    status = status_word(headline.status, lang)
    since = headline.in_operation if headline.status == "operating" else headline.since
    if headline.status is None or since is None:
        return tr.gettext("In {year}: {status}").format(year=headline.year, status=status)
    return tr.gettext("In {year}: {status} since {date}").format(
        year=headline.year, status=status, date=_date(since.date, lang))


def status_today_line(state: State | None, as_of: str, lang: str = "en") -> str:
    """The panel's second line: the status on the data's as-of date."""
    status = status_word(state.status if state is not None else None, lang)
    return _tr(lang).gettext("Today ({date}): {status}").format(date=_date(as_of, lang),
                                                                status=status)


def _volume_help(headline: RouteHeadline, lang: str = "en") -> str | None:
    if not headline.volumes:
        return None
    return _tr(lang).gettext("From: {figure}").format(
        figure="; ".join(volume_text(v, lang) for v in headline.volumes))


def _part_year(headline: RouteHeadline, lang: str = "en") -> tuple[str, ...]:
    """A line saying the volume covers only part of its year, in the source's words."""
    notes = [str(v.period_note) for v in headline.volumes
             if v.period_note and not v.period_note.startswith("full calendar year")]
    if not notes:
        return ()
    # Translators: {notes} are the sources' own words (English), such as "from 1 June".
    return (_tr(lang).gettext("Part of the year only: {notes}").format(
        notes="; ".join(dict.fromkeys(notes))),)


def _no_capacity(year: int, lang: str) -> str:
    return _tr(lang).gettext("No capacity dated as in force in {year}.").format(year=year)


def _no_volume(year: int, lang: str) -> str:
    return _tr(lang).gettext("No annual volume with a source up to {year}.").format(year=year)


def route_card(headline: RouteHeadline, lang: str = "en") -> Card:
    """One route's overview card: what it carried in its latest year with a figure, the
    change on the year before and its use of the capacity in force; or its capacity and
    why there is no volume."""
    tr = _tr(lang)
    name = headline.name_in(lang)
    volume, capacity = headline.volume, headline.capacity
    lines: list[str] = []
    sources: list[tuple[str, Citation]] = []
    if volume is None or volume.year is None:
        lines.append(_no_volume(headline.year, lang))
        if capacity is not None:
            sources += _sources("capacity", capacity.sources, lang)
        return Card(tr.gettext("{name}: capacity in {year}").format(name=name,
                                                                     year=headline.year),
                    _capacity(capacity.value, capacity.unit, lang) if capacity else None,
                    lines=tuple(lines), sources=tuple(sources))
    delta, delta_note = _change(headline.change, volume.unit, volume.year - 1, lang)
    lines += _part_year(headline, lang)
    if delta is None:
        lines.append(tr.gettext("No figure for {year} to compare with.").format(
            year=volume.year - 1))
    cap = headline.volume_capacity
    if headline.utilisation is not None and cap is not None:
        # Translators: a route's use of its capacity: "87% of the 16 bcm/y capacity in force".
        lines.append(tr.gettext("{share} of the {capacity} capacity in force").format(
            share=_percent(headline.utilisation, lang),
            capacity=_capacity(cap.value, cap.unit, lang)))
    else:
        lines.append(_no_capacity(volume.year, lang))
    if capacity is not None and (cap is None or capacity.value != cap.value):
        lines.append(tr.gettext("Capacity in force in {year}: {amount}").format(
            year=headline.year, amount=_capacity(capacity.value, capacity.unit, lang)))
    if headline.partial_years:
        lines.append(tr.gettext("{years}: figures for only part of what it carried").format(
            years=_years(headline.partial_years, lang)))
    sources += _sources("volume", volume.sources, lang)
    for figure in dict.fromkeys(x for x in (cap, capacity) if x is not None):
        sources += _sources("capacity", figure.sources, lang)
    return Card(tr.gettext("{name}: carried in {year}").format(name=name, year=volume.year),
                _amount_sig(volume.value, volume.unit, lang),
                delta, delta_note, tuple(lines), tuple(dict.fromkeys(sources)),
                help=_volume_help(headline, lang))


def _years(years: Iterable[int], lang: str = "en") -> str:
    """``(2023, 2024, 2025)`` → ``"2023–2025"``; ``(2009, 2011)`` → ``"2009, 2011"`` (the
    same in every language)."""
    ordered = sorted(years)
    runs: list[list[int]] = []
    for y in ordered:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _flow_cards(headline: RouteHeadline, lang: str = "en") -> list[Card]:
    """Capacity in force, latest volume and utilisation (for lines that carry a flow)."""
    tr = _tr(lang)
    year, volume, capacity = headline.year, headline.volume, headline.capacity
    cards = [Card(tr.gettext("Capacity in {year}").format(year=year),
                  _capacity(capacity.value, capacity.unit, lang) if capacity else None,
                  lines=() if capacity else (_no_capacity(year, lang),),
                  sources=_sources("capacity", capacity.sources, lang) if capacity else ())]
    if volume is None or volume.year is None:
        return [*cards, Card(tr.gettext("Carried up to {year}").format(year=year), None,
                             lines=(_no_volume(year, lang),))]
    delta, delta_note = _change(headline.change, volume.unit, volume.year - 1, lang)
    cards.append(Card(tr.gettext("Carried in {year}").format(year=volume.year),
                      _amount_sig(volume.value, volume.unit, lang),
                      delta, delta_note,
                      lines=_part_year(headline, lang)
                      + (() if delta else (tr.gettext("No figure for {year}.").format(
                          year=volume.year - 1),)),
                      sources=_sources("volume", volume.sources, lang),
                      help=_volume_help(headline, lang)))
    cap, util = headline.volume_capacity, headline.utilisation
    cards.append(Card(tr.gettext("Utilisation in {year}").format(year=volume.year),
                      _percent(util, lang) if util is not None else None,
                      # Translators: under a utilisation ("87%"): of what capacity.
                      lines=(tr.gettext("of {capacity} in force").format(
                          capacity=_capacity(cap.value, cap.unit, lang)),)
                      if util is not None and cap is not None
                      else (_no_capacity(volume.year, lang),),
                      sources=_sources("capacity", cap.sources, lang) if cap else ()))
    return cards


def route_panel_cards(headline: RouteHeadline, lang: str = "en") -> list[Card]:
    """A route panel's cards, as the route stood in the year shown: capacity in force,
    latest volume and utilisation (not for a power line: the atlas measures no flow on
    it), documented length, in operation since."""
    tr = _tr(lang)
    year = headline.year
    cards = _flow_cards(headline, lang) if headline.carries else []
    length = headline.length
    cards.append(Card(tr.pgettext("card", "Length"),
                      _capacity(length.value, "km", lang) if length else None,
                      lines=() if length else (
                          tr.gettext("No published length with a source."),),
                      sources=_sources("length", length.sources, lang) if length else ()))
    first = headline.in_operation
    if first is None:
        cards.append(Card(tr.pgettext("card", "In operation"), None,
                          lines=(tr.gettext("Not in operation by {year}.").format(year=year),)))
    else:
        label = (tr.pgettext("card", "In operation since") if headline.status == "operating"
                 else tr.pgettext("card", "First in operation"))
        cards.append(Card(label, _date(first.date, lang), lines=(quoted(first.event, lang),),
                          sources=_sources("date", first.sources, lang)))
    return cards


_EXPORT_LABELS: dict[str, str] = {
    "total_exports_bcm": N_("All gas exports"),
    "to_europe_bcm": N_("To Europe"),
    "to_turkiye_bcm": N_("To Türkiye"),
    "to_turkiye_via_tanap_bcm": N_("To Türkiye via TANAP"),
    "to_georgia_bcm": N_("To Georgia"),
    "to_syria_bcm": N_("To Syria"),
}
"""A gas-export card's words for each field of the catalog's gas-export years."""


def export_card(item: ExportHeadline, lang: str = "en") -> Card:
    """One destination's card: Azerbaijan's gas exports there in the year, and the change."""
    tr = _tr(lang)
    delta, delta_note = _change(item.change, item.unit, item.year - 1, lang)
    label = _EXPORT_LABELS.get(item.field)
    what = (tr.gettext(label) if label is not None
            else tr.gettext("To {destination}").format(destination=item.destination))
    return Card(f"{what}, {item.year}",
                _amount_sig(item.value, item.unit, lang), delta, delta_note,
                lines=() if delta else (tr.gettext("No figure for {year}.").format(
                    year=item.year - 1),))


def build_card(item: BuildHeadline, lang: str = "en") -> Card:
    """A line under construction: when it is due, or when it went into operation."""
    tr = _tr(lang)
    name = item.name_in(lang)
    lines = []
    if item.since is not None:
        lines.append(tr.gettext("Under construction since {date}").format(
            date=_date(item.since.date, lang)))
    due = item.due
    if due is None:
        return Card(tr.gettext("{name}: due").format(name=name), None,
                    lines=(*lines, tr.gettext("No completion date with a source.")))
    if not due.target:
        return Card(tr.gettext("{name}: in operation from").format(name=name),
                    _date(due.date, lang), lines=(*lines, quoted(due.event, lang)),
                    sources=_sources("date", due.sources, lang))
    # Translators: {event} is the source's own words (English) for the target.
    return Card(tr.gettext("{name}: due").format(name=name), _date(due.date, lang),
                lines=(*lines, tr.gettext("Target: {event}").format(
                    event=quoted(due.event, lang))),
                sources=_sources("target", due.sources, lang))


def planned_card(item: BuildHeadline, lang: str = "en") -> Card:
    """A line planned or agreed: its target (``"Black Sea cable: target"``, ``"2032"``),
    or, for a past year, when its construction or operation began."""
    tr = _tr(lang)
    name = item.name_in(lang)
    lines = ([tr.gettext("Planned or agreed since {date}").format(
        date=_date(item.since.date, lang))] if item.since else [])
    due = item.due
    if due is None:
        return Card(tr.gettext("{name}: target").format(name=name), None,
                    lines=(*lines, tr.gettext("No target date with a source.")))
    if due.target or due.status is None:
        return Card(tr.gettext("{name}: target").format(name=name), _date(due.date, lang),
                    lines=(*lines, quoted(due.event, lang)),
                sources=_sources("target", due.sources, lang))
    label = (tr.gettext("{name}: construction from") if due.status == "construction"
             else tr.gettext("{name}: in operation from"))
    return Card(label.format(name=name), _date(due.date, lang),
                lines=(*lines, quoted(due.event, lang)),
                sources=_sources("date", due.sources, lang))


def _began(start: RouteStart, lang: str = "en") -> str | None:
    """How a route's record begins: ``"TANAP was agreed in 2011"``."""
    if start.first is None or start.first.status is None:
        return None
    tr = _tr(lang)
    name, year = start.name_in(lang), start.first.date[:4]
    status = start.first.status
    if status == "planned":
        text = tr.gettext("{name} was agreed in {year}")
    elif status == "construction":
        text = tr.gettext("{name} was begun in {year}")
    elif status == "operating":
        text = tr.gettext("{name} went into operation in {year}")
    else:
        text = tr.gettext("{name} has records from {year}")
    return text.format(name=name, year=year)


def no_volume_text(start: RouteStart, year: int, lang: str = "en") -> str:
    """Why the Volumes tab is empty in ``year``, from the data: ``"No annual volume up to
    2005. TANAP was agreed in 2011; its first sourced annual volumes are for 2020."``"""
    tr = _tr(lang)
    if start.first_volume_year is None:
        return tr.gettext("No annual volume with a source has been found for {name}.").format(
            name=start.name_in(lang))
    began = _began(start, lang)
    if began is None:
        return tr.gettext("No annual volume up to {year}. Its first sourced annual volumes "
                          "are for {first}.").format(year=year, first=start.first_volume_year)
    # Translators: {began} is a sentence such as "TANAP was agreed in 2011".
    return tr.gettext("No annual volume up to {year}. {began}; its first sourced annual "
                      "volumes are for {first}.").format(
        year=year, began=began, first=start.first_volume_year)


def no_milestone_text(start: RouteStart, year: int, lang: str = "en") -> str:
    """Why the Dates tab is empty in ``year``: the first dated milestone, from the data."""
    tr = _tr(lang)
    first = start.first_milestone
    if first is None:
        return tr.gettext("No dated milestone with a source has been found for {name}.").format(
            name=start.name_in(lang))
    # Translators: {event} is the source's own words (English) for the milestone.
    return tr.gettext("No dated milestone up to {year}. {name}'s first is dated {date}: "
                      "{event}").format(year=year, name=start.name_in(lang),
                                        date=_date(first.date, lang),
                                        event=quoted(first.event, lang))


def _listed(items: list[str], lang: str) -> str:
    """``"a, b and c"`` in ``lang``."""
    if english(lang):
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
    return format_list(items, locale=_tr(lang).locale)


def capacity_gap_text(gap: CapacityGap, lang: str = "en") -> str:
    """Why a volume chart has no capacity line, in a sentence: ``"No capacity line: the
    sourced capacities are in Mt/y and million passengers/y, which do not compare with
    volumes in TEU."``"""
    tr = _tr(lang)
    first, last = gap.years
    years = str(first) if first == last else f"{first}–{last}"
    if not gap.undated and not gap.other_units:
        return tr.gettext("No capacity line: no capacity with a source.")
    unit = i18n.unit(gap.unit, tr)
    said = []
    if gap.undated:
        # Translators: {undated} are capacities as their sources write them (English).
        said.append(tr.gettext("no source dates a capacity in {unit} to {years} (undated: "
                               "{undated})").format(unit=unit, years=years,
                                                    undated="; ".join(gap.undated)))
    if gap.other_units:
        listed = _listed([i18n.unit(u, tr) for u in gap.other_units], lang)
        text = (tr.gettext("the other sourced capacities are in {units}, which do not "
                           "compare with volumes in {unit}") if gap.undated
                else tr.gettext("the sourced capacities are in {units}, which do not "
                                "compare with volumes in {unit}"))
        said.append(text.format(units=listed, unit=unit))
    # Translators: {reasons} is one or two reasons, joined with "; ".
    return tr.gettext("No capacity line: {reasons}.").format(reasons="; ".join(said))


def no_exports_text(year: int, first_year: int | None, lang: str = "en") -> str:
    """Why there is no gas-export card in ``year``."""
    tr = _tr(lang)
    if first_year is None:
        return tr.gettext("No sourced figure for Azerbaijan's gas exports has been found.")
    return tr.gettext("No sourced figure for Azerbaijan's gas exports up to {year}; the "
                      "first is for {first}.").format(year=year, first=first_year)
