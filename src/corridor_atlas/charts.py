"""Altair charts for the side panels.

Each function takes catalog objects or frames from :mod:`corridor_atlas.panels`
and returns an Altair chart; rendering is left to the caller. Axis titles carry
units, tooltips carry sources and give each figure as the panels write it (thousands
separators, its unit), and a missing year is drawn as a gap (with a grey "no data"
mark), never as a zero. Colours come from the caller; the only colours
fixed here are neutral greys.

Each takes a ``lang``: its titles, axis and legend titles, the words it writes into its
data (legend entries, tooltips) and its figures are in that language, and a chart in
Turkish or Azerbaijani carries that language's number and date conventions for what
Vega formats itself (axis labels): Vega-Lite's ``config.locale``, from Babel's (CLDR)
data. English charts are written exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from . import i18n
from .catalog import Route
from .describe import length_text, percent_text, quantity_text, sources_label
from .figures import first_url
from .headline import FlowPoint
from .i18n import NC_
from .legend import KIND_HEADERS
from .panels import REPORTED, SERIES_WORDS, capacity_steps, volumes_frame
from .view import english

__all__ = [
    "GAP_GREY",
    "RULE_GREY",
    "flows_chart",
    "gas_exports_chart",
    "lengths_chart",
    "milestone_timeline",
    "volume_chart",
]

GAP_GREY = "#9a9a9a"
"""Grey of the "no data" marks."""

RULE_GREY = "#4d4d4d"
"""Grey of capacity rules and neutral marks."""

_LIGHT_GREY = "#bdbdbd"

CAPACITY_IN_FORCE = NC_("chart", "capacity in force")
"""The legend entry of a volume chart's capacity line (a message: translate it with
``pgettext("chart", …)``)."""
CAPACITY_DERIVED = NC_("chart", "capacity in force (from a daily rate × 365)")
"""The legend entry of a capacity line derived from a daily rate (a message)."""
_DASHES = {CAPACITY_IN_FORCE: [1, 0], CAPACITY_DERIVED: [6, 4]}
# Under the chart, where a narrow panel leaves it the chart's width, and never cut short
# (Vega-Lite cuts legend titles and labels at 180 px by default).
_WHOLE_LEGEND = alt.Legend(orient="bottom", direction="horizontal", titleLimit=0,
                           labelLimit=0)
# The chart fits the panel's width; its plot keeps its height and legends add to it.
_FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# Legends under a volume chart sit side by side: each stacks its own entries, so all fit.
_UNDER = alt.Legend(orient="bottom", direction="vertical", titleLimit=0, labelLimit=0)

_DEFAULT_HEIGHT = 220
_FULL_YEAR = "full calendar year"  # a volume's period, as the catalog says a whole year

# Words the charts write into their data, which readers see as legend entries and in
# tooltips (the data's own keys stay English; these are what is shown for them).
_PRECISION = {"day": NC_("chart", "day"), "month": NC_("chart", "month"),
              "year": NC_("chart", "year")}
_MEASURES = {"documented": NC_("chart", "documented"), "drawn": NC_("chart", "drawn")}
_COLUMN_TITLES = {"route": NC_("chart", "route")}
_WORDS = frozenset({
    # axis, legend and tooltip titles
    NC_("chart", "year"), NC_("chart", "volume"), NC_("chart", "what"),
    NC_("chart", "period"), NC_("chart", "source"), NC_("chart", "sources"),
    # Translators: a tooltip's title over a source's web address.
    NC_("chart", "url"), NC_("chart", "capacity in force"), NC_("chart", "capacity"),
    # Translators: a tooltip's title over how a capacity figure was had ("as published:
    # 16 bcm/y", "derived: 1 million bbl/day × 365").
    NC_("chart", "figure"),
    # Translators: a tooltip's title over when a capacity held (the catalog's words).
    NC_("chart", "in force"), NC_("chart", "series"), NC_("chart", "other sources"),
    NC_("chart", "date"), NC_("chart", "event"), NC_("chart", "note"),
    NC_("chart", "destination"), NC_("chart", "exports"), NC_("chart", "kind"),
    NC_("chart", "length"),
    # Translators: a tooltip's title over a kind's total length ("3,456 km").
    NC_("chart", "sum"), NC_("chart", "routes of this kind"),
    NC_("chart", "routes without this length"), NC_("chart", "carried"),
    NC_("chart", "utilisation"), NC_("chart", "capacity source"),
    # Translators: a tooltip's title over the date a panel shows ("end of 2012").
    NC_("chart", "the panel shows"),
    # Translators: a legend's title over "day", "month", "year": how precisely a
    # milestone's date is known.
    NC_("chart", "date known to the"),
    # words written into the charts' data: legend entries, marks and tooltips
    NC_("chart", "no data"), NC_("chart", "full year"), NC_("chart", "part year"),
    NC_("chart", "part of the year"), NC_("chart", "not stated"),
    NC_("chart", "no dated capacity"),
    *_PRECISION.values(), *_MEASURES.values(), *_COLUMN_TITLES.values(),
    CAPACITY_IN_FORCE, CAPACITY_DERIVED,
})
"""Every word of the charts (messages in the ``chart`` context, marked here for
extraction); :func:`_word` translates them."""


# --------------------------------------------------------------------------- languages


def _tr(lang: str) -> i18n.Translator:
    return i18n.translator(lang)


def _word(lang: str, message: str) -> str:
    """A chart's word (one of :data:`_WORDS`) in ``lang``."""
    assert message in _WORDS, f"{message!r} is not marked as a chart's word"
    return _tr(lang).pgettext("chart", message)


def _unit(unit: str, lang: str) -> str:
    return i18n.unit(unit, _tr(lang))


_CLDR_FIELDS = re.compile(r"d+|M+|y+|H+|m+|s+|'[^']*'")
_D3_FIELDS = {"d": "%-d", "dd": "%d", "M": "%-m", "MM": "%m", "MMM": "%b", "MMMM": "%B",
              "y": "%Y", "yy": "%y", "yyyy": "%Y", "H": "%-H", "HH": "%H", "m": "%-M",
              "mm": "%M", "s": "%-S", "ss": "%S"}


def _d3_pattern(cldr: str) -> str:
    """A CLDR date or time pattern (``"d MMM y"``) as a d3 time format (``"%-d %b %Y"``)."""
    return _CLDR_FIELDS.sub(lambda m: m.group().strip("'") if m.group().startswith("'")
                            else _D3_FIELDS.get(m.group(), m.group()), cldr)


def vega_locale(lang: str) -> dict[str, Any] | None:
    """
    The number and time locale of ``lang`` for Vega-Lite's ``config.locale`` (d3's
    locale definitions), from Babel's CLDR data: what Vega formats itself (axis labels,
    month names) then follows the language. ``None`` for English (Vega's own).

    >>> vega_locale("tr")["number"]["decimal"], vega_locale("tr")["number"]["thousands"]
    (',', '.')
    >>> vega_locale("az")["time"]["months"][6]
    'iyul'
    """
    if english(lang):
        return None
    locale = Locale.parse(_tr(lang).locale)
    months, days = locale.months["format"], locale.days["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts from Monday, d3 from Sunday
    return {
        "number": {"decimal": get_decimal_symbol(locale),
                   "thousands": get_group_symbol(locale), "grouping": [3],
                   "currency": ["", ""], "minus": get_minus_sign_symbol(locale)},
        "time": {"dateTime": f"{_d3_pattern(locale.date_formats['medium'].pattern)} "
                             f"{_d3_pattern(locale.time_formats['medium'].pattern)}",
                 "date": _d3_pattern(locale.date_formats["short"].pattern),
                 "time": _d3_pattern(locale.time_formats["medium"].pattern),
                 "periods": [locale.periods.get("am", "AM"), locale.periods.get("pm", "PM")],
                 "days": [days["wide"][d] for d in sunday_first],
                 "shortDays": [days["abbreviated"][d] for d in sunday_first],
                 "months": [months["wide"][m] for m in range(1, 13)],
                 "shortMonths": [months["abbreviated"][m] for m in range(1, 13)]},
    }


_Chart = Any  # an Altair chart of any kind (a single view or a layer)


def _in_lang(chart: _Chart, lang: str) -> _Chart:
    """``chart`` with ``lang``'s number and time conventions (none added for English)."""
    found = vega_locale(lang)
    return chart if found is None else chart.configure(locale=found)


def _title(text: str, subtitle: str) -> alt.Title:
    """A chart title short enough for a phone's width, the detail on a line below."""
    return alt.Title(text=text, subtitle=subtitle, anchor="start")


def _colour_scale(colours: Mapping[str, str] | None) -> alt.Scale | Any:
    if not colours:
        return alt.Undefined
    return alt.Scale(domain=list(colours), range=list(colours.values()))


# --------------------------------------------------------------------------- volumes


def _year_domain(years: list[int]) -> list[int]:
    return list(range(min(years), max(years) + 1))


_PLAIN_UNIT = re.compile(r"[\w /.%()-]{1,40}")


def volume_chart(route: Route, unit: str, *, colour: str,
                 height: int = _DEFAULT_HEIGHT, lang: str = "en") -> alt.LayerChart | None:
    """
    Reported annual volumes of ``route`` in ``unit``, with capacities and other sources.

    Parameters
    ----------
    route
        The route.
    unit
        An annual-volume unit of the route (see :func:`~corridor_atlas.panels.volume_units`).
    colour
        Colour of the bars and of the alternative-value points.
    height
        Chart height in pixels.
    lang
        The language of its words and figures.

    Returns
    -------
    altair.LayerChart or None
        ``None`` when the route has no reported volume in ``unit``. Otherwise:
        bars for reported volumes (paler for partial years) on a year axis that
        lists every year from the first to the last value; years without a
        reported value stay empty and carry a grey "no data" label; the capacity in
        force each year (:func:`~corridor_atlas.panels.capacity_steps`: dated
        capacities only, never capacity added by an expansion) as a step line with
        its legend entry, dashed when derived from a daily rate, broken in years no
        dated capacity covers; other sources' values as hollow points. Legends sit
        under the chart, whole.
    """
    frame = volumes_frame(route, lang)
    frame = frame[frame["unit"] == unit]
    reported = frame[frame["series"] == REPORTED].copy()
    if reported.empty:
        return None
    others = frame[frame["series"] != REPORTED].copy()
    for part in (reported, others):  # the series in words, as the tables write them
        part["series"] = [_tr(lang).gettext(SERIES_WORDS[s]) for s in part["series"]]

    tr = _tr(lang)
    years = _year_domain([int(y) for y in frame["year"]])
    reported_years = set(reported["year"].astype(int))
    all_units = volumes_frame(route)
    gap_rows = []
    no_data = _word(lang, "no data")
    for year in years:
        if year in reported_years:
            continue
        elsewhere = sorted(set(all_units.loc[(all_units["year"] == year)
                                             & (all_units["series"] == REPORTED), "unit"]))
        if elsewhere:
            detail = tr.gettext("no reported value in {unit} (reported in {units})").format(
                unit=_unit(unit, lang), units=", ".join(_unit(u, lang) for u in elsewhere))
        else:
            detail = tr.gettext("no reported value in {unit}").format(unit=_unit(unit, lang))
        gap_rows.append({"year": year, "label": no_data, "detail": detail})
    gaps = pd.DataFrame(gap_rows, columns=["year", "label", "detail"])

    full_year, part_year = _word(lang, "full year"), _word(lang, "part year")
    not_stated = _word(lang, "not stated")
    reported["period"] = [full_year if note == _FULL_YEAR else part_year
                          for note in reported["period_note"].fillna("")]
    reported["amount"] = [quantity_text(v, unit, lang) for v in reported["value"]]
    reported["period_note"] = reported["period_note"].fillna(not_stated)
    # Two values for one year (say, two destinations) sit side by side, never stacked.
    reported["slot"] = reported.groupby("year").cumcount().astype(str)
    several_per_year = reported["slot"].nunique() > 1

    w = {key: _word(lang, key) for key in ("year", "volume", "what", "period", "source",
                                            "url", "capacity in force", "capacity", "figure",
                                            "in force", "series", "other sources")}
    x = alt.X("year:O", title=w["year"], scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    # Vega-Lite writes axis titles into the marks' ARIA descriptions, which are Vega
    # expressions: a unit goes in one only if it is plain words (it is in the title too)
    shown_unit = _unit(unit, lang)
    y_title = (tr.gettext("{unit} per year").format(unit=shown_unit)
               if _PLAIN_UNIT.fullmatch(shown_unit) else tr.gettext("per year"))

    bar_encoding: dict[str, Any] = {
        "x": x,
        "y": alt.Y("value:Q", title=y_title),
        "opacity": alt.Opacity("period:N", title=w["period"],
                               scale=alt.Scale(domain=[full_year, part_year],
                                               range=[1.0, 0.45]),
                               # only when a bar stands for part of a year
                               legend=_UNDER if (reported["period"] != full_year).any()
                               else None),
        "tooltip": [
            alt.Tooltip("year:O", title=w["year"]),
            # every digit the source gives, with thousands separators and the unit
            alt.Tooltip("amount:N", title=w["volume"]),
            alt.Tooltip("what:N", title=w["what"]),
            alt.Tooltip("period_note:N", title=w["period"]),
            alt.Tooltip("source:N", title=w["source"]),
            alt.Tooltip("url:N", title=w["url"]),
        ],
    }
    if several_per_year:
        bar_encoding["xOffset"] = alt.XOffset("slot:N")
    bars = alt.Chart(reported).mark_bar(color=colour).encode(**bar_encoding)
    layers: list[alt.Chart] = [bars]

    if not gaps.empty:
        layers.append(
            alt.Chart(gaps.assign(zero=0.0))
            .mark_text(color=GAP_GREY, angle=270, align="left", baseline="middle", dx=4,
                       fontSize=10, fontStyle="italic")
            .encode(x=x, y=alt.Y("zero:Q"), text="label:N",
                    tooltip=[alt.Tooltip("year:O", title=w["year"]),
                             alt.Tooltip("detail:N", title=no_data)]))

    steps = [c for c in capacity_steps(route, unit, years, lang) if c.value is not None]
    if steps:
        in_force, derived = _word(lang, CAPACITY_IN_FORCE), _word(lang, CAPACITY_DERIVED)
        dashes = {in_force: _DASHES[CAPACITY_IN_FORCE], derived: _DASHES[CAPACITY_DERIVED]}
        caps = pd.DataFrame([{
            "year": c.year, "capacity": c.value, "unit": c.unit, "what": c.what,
            # Translators: a capacity in force in a year ("1,000,000 t a year").
            "amount": (tr.gettext("{amount} a year").format(
                amount=quantity_text(c.value, c.unit, lang, sig=6)) if c.value is not None
                else ""),
            "line": derived if c.derived else in_force,
            # Translators: {derivation} and {published} are figures with their units
            # as the catalog writes them ("1 million bbl/day × 365").
            "derived_text": (tr.gettext("derived: {derivation}").format(
                derivation=c.derivation) if c.derived
                else tr.gettext("as published: {published}").format(published=c.published)
                if c.published else ""),
            "basis": c.basis or "", "source": c.source, "url": c.url,
        } for c in capacity_steps(route, unit, years, lang)])
        # a year no dated capacity covers keeps its row with no value: the line breaks
        first = derived if steps[0].derived else in_force
        caps["line"] = caps["line"].where(caps["capacity"].notna(), first)
        shown = list(dict.fromkeys(caps["line"]))
        cap_tooltip = [
            alt.Tooltip("year:O", title=w["year"]),
            # a tooltip title is compiled into a Vega expression: never data text in it
            alt.Tooltip("amount:N", title=w["capacity in force"]),
            alt.Tooltip("what:N", title=w["capacity"]),
            alt.Tooltip("derived_text:N", title=w["figure"]),
            alt.Tooltip("basis:N", title=w["in force"]),
            alt.Tooltip("source:N", title=w["source"]),
            alt.Tooltip("url:N", title=w["url"]),
        ]
        # over the plot, where its one entry has the chart's width
        legend = alt.Legend(title=None, orient="top", labelLimit=0, symbolType="stroke")
        layers.append(
            alt.Chart(caps).mark_line(interpolate="step", strokeWidth=2,
                                      invalid="break-paths-filter-domains",
                                      # a mark on each year: a single year shows too
                                      point=alt.OverlayMarkDef(size=16, filled=True))
            .encode(x=x, y=alt.Y("capacity:Q", title=y_title),
                    color=alt.Color("line:N", legend=legend,
                                    scale=alt.Scale(domain=shown,
                                                    range=[RULE_GREY] * len(shown))),
                    strokeDash=alt.StrokeDash("line:N", legend=legend,
                                              scale=alt.Scale(domain=shown, range=[
                                                  dashes[name] for name in shown])),
                    tooltip=cap_tooltip))

    if not others.empty:
        others["period_note"] = others["period_note"].fillna(not_stated)
        others["amount"] = [quantity_text(v, unit, lang) for v in others["value"]]
        layers.append(
            # a white centre keeps them in sight over a bar of the same colour
            alt.Chart(others).mark_point(filled=True, fill="white", stroke=colour, opacity=1,
                                         size=70, strokeWidth=1.5)
            .encode(x=x, y=alt.Y("value:Q", title=y_title),
                    shape=alt.Shape("series:N", title=w["other sources"], legend=_UNDER),
                    tooltip=[
                        alt.Tooltip("year:O", title=w["year"]),
                        alt.Tooltip("amount:N", title=w["volume"]),
                        alt.Tooltip("series:N", title=w["series"]),
                        alt.Tooltip("what:N", title=w["what"]),
                        alt.Tooltip("source:N", title=w["source"]),
                        alt.Tooltip("url:N", title=w["url"]),
                    ]))

    title = _title(tr.gettext("{name}: annual volumes").format(name=route.short_name_in(lang)),
                   # Translators: a chart's subtitle: the unit of its annual volumes.
                   tr.gettext("{unit} a year").format(unit=shown_unit))
    return _in_lang(alt.layer(*layers).properties(
        height=height, title=title, autosize=_FIT_WIDTH).resolve_scale(y="shared"), lang)


# --------------------------------------------------------------------------- milestones


def milestone_timeline(frame: pd.DataFrame, *, colour_by: str | None = None,
                       colours: Mapping[str, str] | None = None,
                       colour: str = RULE_GREY, height: int | None = None,
                       shown: tuple[str, str] | None = None,
                       lang: str = "en") -> alt.Chart | alt.LayerChart:
    """
    Milestones as points on a time axis, and the date shown as a rule.

    Parameters
    ----------
    frame
        :func:`~corridor_atlas.panels.milestones_frame` or
        :func:`~corridor_atlas.panels.all_milestones`.
    colour_by
        Column to colour and to split rows by (``"route"`` for the combined frame).
    colours
        Colour by value of ``colour_by``; without it the default scheme is used.
    colour
        Point colour when ``colour_by`` is not given.
    height
        Chart height; by default 60 px, plus 28 px per row when split.
    shown
        The date the panel shows (an ISO date: the end of the year shown, or the data's
        as-of date) and its words (:func:`~corridor_atlas.describe.when_shown`, in the
        same ``lang``): a dashed rule across the chart, named at its top, so that the
        reader sees where the year shown falls among the milestones.
    lang
        The language of its titles, tooltips and legend (the frame's texts are shown as
        they are).
    """
    data = frame.copy()
    data["note"] = data["note"].fillna("")
    precision = {key: _word(lang, message) for key, message in _PRECISION.items()}
    data["precision"] = data["precision"].map(lambda p: precision.get(p, p))
    w = {key: _word(lang, key) for key in ("date", "event", "note", "source", "url")}
    tooltip = [alt.Tooltip("date:N", title=w["date"]),
               alt.Tooltip("event:N", title=w["event"]),
               alt.Tooltip("note:N", title=w["note"]),
               alt.Tooltip("source:N", title=w["source"]),
               alt.Tooltip("url:N", title=w["url"])]
    encoding: dict[str, Any] = {
        "x": alt.X("date_sort:T", title=w["date"],
                   axis=alt.Axis(format="%Y", labelOverlap=True)),
        "shape": alt.Shape("precision:N", title=_word(lang, "date known to the"),
                           scale=alt.Scale(domain=list(precision.values()),
                                           range=["circle", "square", "triangle-up"]),
                           legend=_WHOLE_LEGEND),
    }
    mark: dict[str, Any] = {"size": 80, "filled": True, "opacity": 0.85}
    rows = 1
    if colour_by is not None:
        rows = max(int(data[colour_by].nunique()), 1)
        by = (_word(lang, _COLUMN_TITLES[colour_by]) if colour_by in _COLUMN_TITLES
              else colour_by)
        tooltip.insert(0, alt.Tooltip(f"{colour_by}:N", title=by))
        encoding["y"] = alt.Y(f"{colour_by}:N", title=None,
                              sort=list(dict.fromkeys(data[colour_by])))
        # each row is named on the y axis: a colour legend would repeat it
        encoding["color"] = alt.Color(f"{colour_by}:N", title=by,
                                      scale=_colour_scale(colours), legend=None)
    else:
        mark["color"] = colour
    encoding["tooltip"] = tooltip
    chart_height = height if height is not None else 60 + (28 * rows if rows > 1 else 0)
    points = alt.Chart(data).mark_point(**mark).encode(**encoding)
    if shown is None:
        return _in_lang(points.properties(height=chart_height, autosize=_FIT_WIDTH), lang)
    when, words = shown
    mark_data = pd.DataFrame({"date_sort": [pd.Timestamp(when)], "shown": [words]})
    rule = alt.Chart(mark_data).mark_rule(color=RULE_GREY, strokeDash=[4, 3]).encode(
        x="date_sort:T", tooltip=[alt.Tooltip("shown:N", title=_word(lang, "the panel shows"))])
    name = alt.Chart(mark_data).mark_text(
        color=RULE_GREY, align="right", baseline="bottom", dx=2, dy=-3, fontSize=10).encode(
        x="date_sort:T", y=alt.value(0), text="shown:N")
    return _in_lang(alt.layer(points, rule, name).properties(height=chart_height,
                                                             autosize=_FIT_WIDTH), lang)


# --------------------------------------------------------------------------- gas exports


def gas_exports_chart(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None,
                      height: int = _DEFAULT_HEIGHT, lang: str = "en") -> alt.LayerChart:
    """
    Azerbaijan's gas exports by destination and year (bcm), from
    :func:`~corridor_atlas.panels.gas_exports_frame`.

    Lines break at years without a value (Vega-Lite ``invalid:
    "break-paths-filter-domains"``: a ``null`` would instead draw missing values
    as zero); points mark only the years that have one. Its words, figures and
    destinations (:data:`~corridor_atlas.panels.GAS_DESTINATIONS`, messages) are in
    ``lang``.
    """
    tr = _tr(lang)
    w = {key: _word(lang, key) for key in ("year", "destination", "exports", "note",
                                            "sources", "url")}
    data = frame.copy()
    data["destination"] = [tr.gettext(d) for d in data["destination"]]  # messages
    data["note"] = data["note"].fillna("")
    data["amount"] = [quantity_text(v, "bcm", lang) if v == v else "" for v in data["bcm"]]
    years = sorted(int(y) for y in data["year"].unique())
    x = alt.X("year:O", title=w["year"], scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("bcm:Q", title=_unit("bcm", lang))
    color = alt.Color("destination:N", title=w["destination"], scale=_colour_scale(colours),
                      sort=list(dict.fromkeys(data["destination"])))
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    line = base.mark_line(invalid="break-paths-filter-domains", strokeWidth=2)
    points = base.transform_filter("isValid(datum.bcm) && isFinite(datum.bcm)").mark_point(
        filled=True, size=50, invalid="filter").encode(
        tooltip=[alt.Tooltip("year:O", title=w["year"]),
                 alt.Tooltip("destination:N", title=w["destination"]),
                 alt.Tooltip("amount:N", title=w["exports"]),
                 alt.Tooltip("note:N", title=w["note"]),
                 alt.Tooltip("sources:N", title=w["sources"]),
                 alt.Tooltip("url:N", title=w["url"])])
    title = _title(tr.gettext("Azerbaijan's gas exports"),
                   tr.gettext("by destination, {unit} a year").format(unit=_unit("bcm", lang)))
    return _in_lang(alt.layer(line, points).properties(height=height, title=title), lang)


# --------------------------------------------------------------------------- lengths


def lengths_chart(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None,
                  height: int = _DEFAULT_HEIGHT, lang: str = "en") -> alt.Chart:
    """
    Documented against drawn length (km) by kind, from
    :func:`~corridor_atlas.panels.corridor_overview`.

    With ``colours`` (by kind) bars take the kind's colour and the measure is
    told apart by opacity; without, the two measures are two greys. A kind
    with no documented (or drawn) length has no bar for it, not a zero one. Its words
    and figures are in ``lang``.
    """
    tr = _tr(lang)
    measures = {key: _word(lang, message) for key, message in _MEASURES.items()}
    documented, drawn = measures["documented"], measures["drawn"]
    kinds = {kind: tr.gettext(header) for kind, header in KIND_HEADERS.items()}
    w = {key: _word(lang, key) for key in ("kind", "length", "sum", "routes of this kind",
                                            "routes without this length")}
    long = frame.melt(id_vars=["kind", "routes", "without_documented_length",
                               "without_drawn_length"],
                      value_vars=["documented_km", "drawn_km"], var_name="measure",
                      value_name="km")
    long["missing"] = [row.without_documented_length if row.measure == "documented_km"
                       else row.without_drawn_length for row in long.itertuples()]
    long["measure"] = long["measure"].map({"documented_km": documented, "drawn_km": drawn})
    long = long.dropna(subset=["km"])
    long["kind name"] = long["kind"].map(kinds)  # the axis says what readers say
    long["length"] = [length_text(km, lang) for km in long["km"]]
    encoding: dict[str, Any] = {
        "x": alt.X("kind name:N", title=None,
                   sort=[kinds[k] for k in dict.fromkeys(frame["kind"])],
                   # a label a word a line, so the kinds' names never overlap
                   axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')")),
        "xOffset": alt.XOffset("measure:N", sort=[documented, drawn]),
        "y": alt.Y("km:Q", title=tr.gettext("length (km)")),
        "tooltip": [alt.Tooltip("kind name:N", title=w["kind"]),
                    alt.Tooltip("measure:N", title=w["length"]),
                    alt.Tooltip("length:N", title=w["sum"]),
                    alt.Tooltip("routes:Q", title=w["routes of this kind"]),
                    alt.Tooltip("missing:N", title=w["routes without this length"])],
    }
    if colours:
        # by the kind's name, as the axis says it: the legend never shows a kind's id
        encoding["color"] = alt.Color("kind name:N", title=w["kind"], scale=_colour_scale(
            {kinds.get(kind, kind): colour for kind, colour in colours.items()}))
        encoding["opacity"] = alt.Opacity("measure:N", title=w["length"],
                                          scale=alt.Scale(domain=[documented, drawn],
                                                          range=[1.0, 0.45]))
    else:
        encoding["color"] = alt.Color("measure:N", title=w["length"],
                                      scale=alt.Scale(domain=[documented, drawn],
                                                      range=[RULE_GREY, _LIGHT_GREY]))
    title = _title(tr.gettext("Route length by kind"), tr.gettext("documented against drawn, km"))
    return _in_lang(alt.Chart(long).mark_bar().encode(**encoding).properties(
        height=height, title=title), lang)


# --------------------------------------------------------------------------- flows over time


def flows_chart(points: Sequence[FlowPoint], *, colours: Mapping[str, str] | None = None,
                height: int = _DEFAULT_HEIGHT, lang: str = "en") -> alt.LayerChart | None:
    """
    What each route carried year by year, in one family's unit, from
    :func:`~corridor_atlas.headline.flow_history` (the points of one unit).

    A line per route (colour by route name, from ``colours``: by the points' ``name``,
    the route's English short name), broken at years with no sourced figure (never drawn
    as zero); points mark the years that have one, with the capacity in force, the
    utilisation and the sources in the tooltip. Routes are named in ``lang``, and its
    words and figures are in ``lang``. ``None`` when there is nothing to draw.
    """
    if not points:
        return None
    units = {p.unit for p in points}
    assert len(units) == 1, f"one unit per chart, got {sorted(units)}"
    unit = units.pop()
    full_year, part_year = _word(lang, "full year"), _word(lang, "part of the year")
    no_capacity = _word(lang, "no dated capacity")
    data = pd.DataFrame([{
        "year": p.year, "route": p.name_in(lang), "volume": p.volume, "unit": p.unit,
        "capacity": p.capacity,
        # as the cards write it: "87%", "%87"
        "utilisation": (percent_text(p.volume / p.capacity, lang)
                        if p.volume is not None and p.capacity else ""),
        "source": sources_label(p.sources, lang),
        "capacity_source": sources_label(p.capacity_sources, lang),
        "url": first_url(p.sources) or "",
        "period": part_year if p.part_year else full_year,
        "whole_year": not p.part_year,
        # as the cards say them: what was carried to three significant digits (a figure
        # brought to the family's unit), the capacity as published, with separators
        "carried": quantity_text(p.volume, p.unit, lang, sig=3) if p.volume is not None else "",
        "capacity_text": (quantity_text(p.capacity, p.unit, lang, sig=6)
                          if p.capacity is not None else no_capacity),
    } for p in points])
    data["volume"] = data["volume"].astype("float64")
    w = {key: _word(lang, key) for key in ("route", "year", "period", "carried",
                                            "capacity in force", "utilisation", "source",
                                            "capacity source", "url")}
    years = _year_domain([int(y) for y in data["year"]])
    x = alt.X("year:O", title=w["year"], scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    shown_unit = _unit(unit, lang)
    y_title = (shown_unit if _PLAIN_UNIT.fullmatch(shown_unit)
               else _tr(lang).gettext("per year"))
    names = dict(zip(data["route"], (p.name for p in points), strict=True))
    routes = list(names)
    color = alt.Color("route:N", title=None, sort=routes, scale=_colour_scale(
        {r: colours[names[r]] for r in routes}
        if colours and all(names[r] in colours for r in routes)
        else None), legend=alt.Legend(orient="bottom", labelLimit=0))
    base = alt.Chart(data).encode(x=x, y=alt.Y("volume:Q", title=y_title), color=color)
    line = base.mark_line(invalid="break-paths-filter-domains", strokeWidth=2)
    tooltip = [
        alt.Tooltip("route:N", title=w["route"]),
        alt.Tooltip("year:O", title=w["year"]),
        alt.Tooltip("period:N", title=w["period"]),
        alt.Tooltip("carried:N", title=w["carried"]),
        alt.Tooltip("capacity_text:N", title=w["capacity in force"]),
        alt.Tooltip("utilisation:N", title=w["utilisation"]),
        alt.Tooltip("source:N", title=w["source"]),
        alt.Tooltip("capacity_source:N", title=w["capacity source"]),
        alt.Tooltip("url:N", title=w["url"])]
    valid = "isValid(datum.volume) && isFinite(datum.volume)"
    # a figure for part of a year (lower than the year's flow) is a hollow point
    dots = [base.transform_filter(f"{valid} && {test}datum.whole_year").mark_point(
        filled=filled, size=45, invalid="filter").encode(tooltip=tooltip)
        for test, filled in (("", True), ("!", False))]
    return _in_lang(alt.layer(line, *dots).properties(height=height, autosize=_FIT_WIDTH),
                    lang)
