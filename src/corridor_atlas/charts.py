"""Altair charts for the side panels.

Each function takes catalog objects or frames from :mod:`corridor_atlas.panels`
and returns an Altair chart; rendering is left to the caller. Axis titles carry
units, tooltips carry sources and give each figure as the panels write it (thousands
separators, its unit), and a missing year is drawn as a gap (with a grey "no data"
mark), never as a zero. Colours come from the caller; the only colours
fixed here are neutral greys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from .catalog import Route
from .describe import length_text, sources_label
from .figures import first_url
from .format import number, quantity
from .headline import FlowPoint
from .legend import KIND_HEADERS
from .panels import REPORTED, capacity_steps, volumes_frame

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

CAPACITY_IN_FORCE = "capacity in force"
"""The legend entry of a volume chart's capacity line."""
CAPACITY_DERIVED = "capacity in force (from a daily rate × 365)"
"""The legend entry of a capacity line derived from a daily rate."""
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
_FULL_YEAR = "full calendar year"


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
                 height: int = _DEFAULT_HEIGHT) -> alt.LayerChart | None:
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
    frame = volumes_frame(route)
    frame = frame[frame["unit"] == unit]
    reported = frame[frame["series"] == REPORTED].copy()
    if reported.empty:
        return None
    others = frame[frame["series"] != REPORTED].copy()

    years = _year_domain([int(y) for y in frame["year"]])
    reported_years = set(reported["year"].astype(int))
    all_units = volumes_frame(route)
    gap_rows = []
    for year in years:
        if year in reported_years:
            continue
        elsewhere = sorted(set(all_units.loc[(all_units["year"] == year)
                                             & (all_units["series"] == REPORTED), "unit"]))
        detail = f"no reported value in {unit}"
        if elsewhere:
            detail += f" (reported in {', '.join(elsewhere)})"
        gap_rows.append({"year": year, "label": "no data", "detail": detail})
    gaps = pd.DataFrame(gap_rows, columns=["year", "label", "detail"])

    reported["period"] = ["full year" if note == _FULL_YEAR else "part year"
                          for note in reported["period_note"].fillna("")]
    reported["amount"] = [quantity(v, unit) for v in reported["value"]]
    reported["period_note"] = reported["period_note"].fillna("not stated")
    # Two values for one year (say, two destinations) sit side by side, never stacked.
    reported["slot"] = reported.groupby("year").cumcount().astype(str)
    several_per_year = reported["slot"].nunique() > 1

    x = alt.X("year:O", title="year", scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    # Vega-Lite writes axis titles into the marks' ARIA descriptions, which are Vega
    # expressions: a unit goes in one only if it is plain words (it is in the title too)
    y_title = f"{unit} per year" if _PLAIN_UNIT.fullmatch(unit) else "per year"

    bar_encoding: dict[str, Any] = {
        "x": x,
        "y": alt.Y("value:Q", title=y_title),
        "opacity": alt.Opacity("period:N", title="period",
                               scale=alt.Scale(domain=["full year", "part year"],
                                               range=[1.0, 0.45]),
                               # only when a bar stands for part of a year
                               legend=_UNDER if (reported["period"] != "full year").any()
                               else None),
        "tooltip": [
            alt.Tooltip("year:O", title="year"),
            # every digit the source gives, with thousands separators and the unit
            alt.Tooltip("amount:N", title="volume"),
            alt.Tooltip("what:N", title="what"),
            alt.Tooltip("period_note:N", title="period"),
            alt.Tooltip("source:N", title="source"),
            alt.Tooltip("url:N", title="url"),
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
                    tooltip=[alt.Tooltip("year:O", title="year"),
                             alt.Tooltip("detail:N", title="no data")]))

    steps = [c for c in capacity_steps(route, unit, years) if c.value is not None]
    if steps:
        caps = pd.DataFrame([{
            "year": c.year, "capacity": c.value, "unit": c.unit, "what": c.what,
            "amount": (f"{number(c.value, sig=6)} {c.unit} a year" if c.value is not None
                       else ""),
            "line": CAPACITY_DERIVED if c.derived else CAPACITY_IN_FORCE,
            "derived_text": (f"derived: {c.derivation}" if c.derived
                             else f"as published: {c.published}" if c.published else ""),
            "basis": c.basis or "", "source": c.source, "url": c.url,
        } for c in capacity_steps(route, unit, years)])
        # a year no dated capacity covers keeps its row with no value: the line breaks
        first = CAPACITY_DERIVED if steps[0].derived else CAPACITY_IN_FORCE
        caps["line"] = caps["line"].where(caps["capacity"].notna(), first)
        shown = list(dict.fromkeys(caps["line"]))
        cap_tooltip = [
            alt.Tooltip("year:O", title="year"),
            # a tooltip title is compiled into a Vega expression: never data text in it
            alt.Tooltip("amount:N", title="capacity in force"),
            alt.Tooltip("what:N", title="capacity"),
            alt.Tooltip("derived_text:N", title="figure"),
            alt.Tooltip("basis:N", title="in force"),
            alt.Tooltip("source:N", title="source"),
            alt.Tooltip("url:N", title="url"),
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
                                                  _DASHES[name] for name in shown])),
                    tooltip=cap_tooltip))

    if not others.empty:
        others["period_note"] = others["period_note"].fillna("not stated")
        others["amount"] = [quantity(v, unit) for v in others["value"]]
        layers.append(
            # a white centre keeps them in sight over a bar of the same colour
            alt.Chart(others).mark_point(filled=True, fill="white", stroke=colour, opacity=1,
                                         size=70, strokeWidth=1.5)
            .encode(x=x, y=alt.Y("value:Q", title=y_title),
                    shape=alt.Shape("series:N", title="other sources", legend=_UNDER),
                    tooltip=[
                        alt.Tooltip("year:O", title="year"),
                        alt.Tooltip("amount:N", title="volume"),
                        alt.Tooltip("series:N", title="series"),
                        alt.Tooltip("what:N", title="what"),
                        alt.Tooltip("source:N", title="source"),
                        alt.Tooltip("url:N", title="url"),
                    ]))

    return alt.layer(*layers).properties(
        height=height, title=_title(f"{route.short_name}: annual volumes", f"{unit} a year"),
        autosize=_FIT_WIDTH).resolve_scale(y="shared")


# --------------------------------------------------------------------------- milestones


def milestone_timeline(frame: pd.DataFrame, *, colour_by: str | None = None,
                       colours: Mapping[str, str] | None = None,
                       colour: str = RULE_GREY, height: int | None = None,
                       shown: tuple[str, str] | None = None) -> alt.Chart | alt.LayerChart:
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
        as-of date) and its words: a dashed rule across the chart, named at its top, so
        that the reader sees where the year shown falls among the milestones.
    """
    data = frame.copy()
    data["note"] = data["note"].fillna("")
    tooltip = [alt.Tooltip("date:N", title="date"),
               alt.Tooltip("event:N", title="event"),
               alt.Tooltip("note:N", title="note"),
               alt.Tooltip("source:N", title="source"),
               alt.Tooltip("url:N", title="url")]
    encoding: dict[str, Any] = {
        "x": alt.X("date_sort:T", title="date",
                   axis=alt.Axis(format="%Y", labelOverlap=True)),
        "shape": alt.Shape("precision:N", title="date known to the",
                           scale=alt.Scale(domain=["day", "month", "year"],
                                           range=["circle", "square", "triangle-up"]),
                           legend=_WHOLE_LEGEND),
    }
    mark: dict[str, Any] = {"size": 80, "filled": True, "opacity": 0.85}
    rows = 1
    if colour_by is not None:
        rows = max(int(data[colour_by].nunique()), 1)
        tooltip.insert(0, alt.Tooltip(f"{colour_by}:N", title=colour_by))
        encoding["y"] = alt.Y(f"{colour_by}:N", title=None,
                              sort=list(dict.fromkeys(data[colour_by])))
        # each row is named on the y axis: a colour legend would repeat it
        encoding["color"] = alt.Color(f"{colour_by}:N", title=colour_by,
                                      scale=_colour_scale(colours), legend=None)
    else:
        mark["color"] = colour
    encoding["tooltip"] = tooltip
    chart_height = height if height is not None else 60 + (28 * rows if rows > 1 else 0)
    points = alt.Chart(data).mark_point(**mark).encode(**encoding)
    if shown is None:
        return points.properties(height=chart_height, autosize=_FIT_WIDTH)
    when, words = shown
    mark_data = pd.DataFrame({"date_sort": [pd.Timestamp(when)], "shown": [words]})
    rule = alt.Chart(mark_data).mark_rule(color=RULE_GREY, strokeDash=[4, 3]).encode(
        x="date_sort:T", tooltip=[alt.Tooltip("shown:N", title="the panel shows")])
    name = alt.Chart(mark_data).mark_text(
        color=RULE_GREY, align="right", baseline="bottom", dx=2, dy=-3, fontSize=10).encode(
        x="date_sort:T", y=alt.value(0), text="shown:N")
    return alt.layer(points, rule, name).properties(height=chart_height, autosize=_FIT_WIDTH)


# --------------------------------------------------------------------------- gas exports


def gas_exports_chart(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None,
                      height: int = _DEFAULT_HEIGHT) -> alt.LayerChart:
    """
    Azerbaijan's gas exports by destination and year (bcm), from
    :func:`~corridor_atlas.panels.gas_exports_frame`.

    Lines break at years without a value (Vega-Lite ``invalid:
    "break-paths-filter-domains"``: a ``null`` would instead draw missing values
    as zero); points mark only the years that have one.
    """
    data = frame.copy()
    data["note"] = data["note"].fillna("")
    data["amount"] = [quantity(v, "bcm") if v == v else "" for v in data["bcm"]]
    years = sorted(int(y) for y in data["year"].unique())
    x = alt.X("year:O", title="year", scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("bcm:Q", title="bcm")
    color = alt.Color("destination:N", title="destination", scale=_colour_scale(colours),
                      sort=list(dict.fromkeys(data["destination"])))
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    line = base.mark_line(invalid="break-paths-filter-domains", strokeWidth=2)
    points = base.transform_filter("isValid(datum.bcm) && isFinite(datum.bcm)").mark_point(
        filled=True, size=50, invalid="filter").encode(
        tooltip=[alt.Tooltip("year:O", title="year"),
                 alt.Tooltip("destination:N", title="destination"),
                 alt.Tooltip("amount:N", title="exports"),
                 alt.Tooltip("note:N", title="note"),
                 alt.Tooltip("sources:N", title="sources"),
                 alt.Tooltip("url:N", title="url")])
    return alt.layer(line, points).properties(
        height=height, title=_title("Azerbaijan's gas exports", "by destination, bcm a year"))


# --------------------------------------------------------------------------- lengths


def lengths_chart(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None,
                  height: int = _DEFAULT_HEIGHT) -> alt.Chart:
    """
    Documented against drawn length (km) by kind, from
    :func:`~corridor_atlas.panels.corridor_overview`.

    With ``colours`` (by kind) bars take the kind's colour and the measure is
    told apart by opacity; without, the two measures are two greys. A kind
    with no documented (or drawn) length has no bar for it, not a zero one.
    """
    long = frame.melt(id_vars=["kind", "routes", "without_documented_length",
                               "without_drawn_length"],
                      value_vars=["documented_km", "drawn_km"], var_name="measure",
                      value_name="km")
    long["measure"] = long["measure"].map({"documented_km": "documented",
                                           "drawn_km": "drawn"})
    long["missing"] = [row.without_documented_length if row.measure == "documented"
                       else row.without_drawn_length for row in long.itertuples()]
    long = long.dropna(subset=["km"])
    long["kind name"] = long["kind"].map(KIND_HEADERS)  # the axis says what readers say
    long["length"] = [length_text(km) for km in long["km"]]
    encoding: dict[str, Any] = {
        "x": alt.X("kind name:N", title=None,
                   sort=[KIND_HEADERS[k] for k in dict.fromkeys(frame["kind"])],
                   # a label a word a line, so the kinds' names never overlap
                   axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')")),
        "xOffset": alt.XOffset("measure:N", sort=["documented", "drawn"]),
        "y": alt.Y("km:Q", title="length (km)"),
        "tooltip": [alt.Tooltip("kind name:N", title="kind"),
                    alt.Tooltip("measure:N", title="length"),
                    alt.Tooltip("length:N", title="sum"),
                    alt.Tooltip("routes:Q", title="routes of this kind"),
                    alt.Tooltip("missing:N", title="routes without this length")],
    }
    if colours:
        encoding["color"] = alt.Color("kind:N", title="kind", scale=_colour_scale(colours))
        encoding["opacity"] = alt.Opacity("measure:N", title="length",
                                          scale=alt.Scale(domain=["documented", "drawn"],
                                                          range=[1.0, 0.45]))
    else:
        encoding["color"] = alt.Color("measure:N", title="length",
                                      scale=alt.Scale(domain=["documented", "drawn"],
                                                      range=[RULE_GREY, _LIGHT_GREY]))
    return alt.Chart(long).mark_bar().encode(**encoding).properties(
        height=height, title=_title("Route length by kind", "documented against drawn, km"))


# --------------------------------------------------------------------------- flows over time


def flows_chart(points: Sequence[FlowPoint], *, colours: Mapping[str, str] | None = None,
                height: int = _DEFAULT_HEIGHT) -> alt.LayerChart | None:
    """
    What each route carried year by year, in one family's unit, from
    :func:`~corridor_atlas.headline.flow_history` (the points of one unit).

    A line per route (colour by route name, from ``colours``), broken at years with no
    sourced figure (never drawn as zero); points mark the years that have one, with the
    capacity in force, the utilisation and the sources in the tooltip. ``None`` when
    there is nothing to draw.
    """
    if not points:
        return None
    units = {p.unit for p in points}
    assert len(units) == 1, f"one unit per chart, got {sorted(units)}"
    unit = units.pop()
    data = pd.DataFrame([{
        "year": p.year, "route": p.name, "volume": p.volume, "unit": p.unit,
        "capacity": p.capacity,
        "utilisation": (p.volume / p.capacity if p.volume is not None and p.capacity
                        else None),
        "source": sources_label(p.sources), "capacity_source": sources_label(p.capacity_sources),
        "url": first_url(p.sources) or "",
        "period": "part of the year" if p.part_year else "full year",
        # as the cards say them: what was carried to three significant digits (a figure
        # brought to the family's unit), the capacity as published, with separators
        "carried": quantity(p.volume, p.unit, sig=3) if p.volume is not None else "",
        "capacity_text": (quantity(p.capacity, p.unit, sig=6) if p.capacity is not None
                          else "no dated capacity"),
    } for p in points])
    data["volume"] = data["volume"].astype("float64")
    years = _year_domain([int(y) for y in data["year"]])
    x = alt.X("year:O", title="year", scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    y_title = f"{unit}" if _PLAIN_UNIT.fullmatch(unit) else "per year"
    routes = list(dict.fromkeys(data["route"]))
    color = alt.Color("route:N", title=None, sort=routes, scale=_colour_scale(
        {r: colours[r] for r in routes} if colours and all(r in colours for r in routes)
        else None), legend=alt.Legend(orient="bottom", labelLimit=0))
    base = alt.Chart(data).encode(x=x, y=alt.Y("volume:Q", title=y_title), color=color)
    line = base.mark_line(invalid="break-paths-filter-domains", strokeWidth=2)
    tooltip = [
        alt.Tooltip("route:N", title="route"),
        alt.Tooltip("year:O", title="year"),
        alt.Tooltip("period:N", title="period"),
        alt.Tooltip("carried:N", title="carried"),
        alt.Tooltip("capacity_text:N", title="capacity in force"),
        alt.Tooltip("utilisation:Q", title="utilisation", format=".0%"),
        alt.Tooltip("source:N", title="source"),
        alt.Tooltip("capacity_source:N", title="capacity source"),
        alt.Tooltip("url:N", title="url")]
    valid = "isValid(datum.volume) && isFinite(datum.volume)"
    # a figure for part of a year (lower than the year's flow) is a hollow point
    dots = [base.transform_filter(f"{valid} && datum.period {test} 'full year'").mark_point(
        filled=filled, size=45, invalid="filter").encode(tooltip=tooltip)
        for test, filled in (("==", True), ("!=", False))]
    return alt.layer(line, *dots).properties(height=height, autosize=_FIT_WIDTH)
