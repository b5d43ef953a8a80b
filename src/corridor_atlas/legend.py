"""The legend's rows: what the drawn layers contain, in the style table's order.

Each row is a text and, for items, the swatch to draw beside it: a line (with the
pale band of a schematic piece), a set of flow widths, a facility ring, an arrow. The
live map writes them as HTML, the print render with matplotlib; both draw these rows
and nothing else. Every text is in the scene's language: the words through its
translator, the routes by their short names in that language, numbers and units as
that language writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import i18n, styles
from .flows import FlowScale
from .format import number
from .i18n import N_, NC_
from .view import english

if TYPE_CHECKING:
    from .scene import Layer

__all__ = ["KIND_HEADERS", "LegendRow", "legend_rows"]

KIND_HEADERS = {"oil": N_("Oil pipelines"), "gas": N_("Gas pipelines"),
                "rail": N_("Railways"), "power": N_("Power cables")}
"""The legend's headings of each kind (messages: ``gettext(KIND_HEADERS[kind])``)."""
FLOW_LABELS = {"gas": NC_("flow", "Gas"), "oil": NC_("flow", "Oil"),
               "freight": NC_("flow", "Freight")}
"""What each flow scale measures (messages in the ``flow`` context)."""
LEGEND_NEUTRAL = "#333333"  # status and geometry swatches


@dataclass(frozen=True)
class LegendRow:
    """One legend row: a header, or an item with its swatch."""

    text: str
    header: bool = False
    line: styles.LineStyle | None = None
    band: styles.LineStyle | None = None
    widths: tuple[float, ...] = ()  # a flow scale: lines of these widths, in ``colour``
    colour: str = LEGEND_NEUTRAL
    marker: str | None = None  # a facility: a white dot ringed in this colour
    arrow: bool = False
    dispute: bool = False  # the mark drawn on a line whose status sources disagree about


def legend_rows(layers: Sequence[Layer], scales: Sequence[FlowScale], *,
                own: Sequence[str] = (), lang: str = "en") -> tuple[LegendRow, ...]:
    """The rows for the drawn ``layers`` (a scene's), the flow ``scales`` and users' layers,
    in ``lang``."""
    from .scene import FacilityLayer, RouteLayer

    tr = i18n.translator(lang)
    routes = [la for la in layers if isinstance(la, RouteLayer)]
    rows: list[LegendRow] = []
    for kind, header in KIND_HEADERS.items():
        members = [r for r in routes if r.route.kind == kind]
        if not members:
            continue
        rows.append(LegendRow(tr.gettext(header), header=True))
        for r in sorted(members, key=lambda r: r.route.role != "route"):
            rows.append(LegendRow(r.route.short_name_in(lang), line=styles.LineStyle(
                r.colour, styles.LINE_WEIGHT, None, 1.0)))
    segments = [s for r in routes for s in r.segments]
    statuses = {s.phase for s in segments}
    if statuses:
        rows.append(LegendRow(tr.gettext("Status"), header=True))
        rows += [LegendRow(tr.gettext(label), line=styles.LineStyle(
                     LEGEND_NEUTRAL, styles.LINE_WEIGHT, styles.STATUS_DASH[status],
                     styles.STATUS_OPACITY.get(status, 1.0)))
                 for status, label in styles.STATUS_LABELS.items() if status in statuses]
        if any(s.dispute is not None for s in segments):
            rows.append(LegendRow(tr.gettext("Sources disagree on the status"), dispute=True))
    if any(s.quality == "schematic" for s in segments):
        rows.append(LegendRow(tr.gettext("Geometry"), header=True))
        rows.append(LegendRow(
            tr.gettext("Schematic: position approximate"),
            line=styles.LineStyle(LEGEND_NEUTRAL, styles.LINE_WEIGHT, None,
                                  styles.SCHEMATIC_LINE_OPACITY),
            band=styles.LineStyle(LEGEND_NEUTRAL, 12.0, None, styles.SCHEMATIC_BAND_OPACITY)))
    flows = [r for r in routes if r.flow is not None]
    if flows:
        year = flows[0].flow.year if flows[0].flow else None
        rows.append(LegendRow(tr.gettext("Flow in {year} (line width)").format(year=year),
                              header=True))
        for scale in scales:
            values = " · ".join(number(t) if english(lang) else i18n.number(t, lang)
                                for t in scale.ticks)
            what = tr.pgettext("flow", FLOW_LABELS[scale.family])
            text = f"{what}: {values} {i18n.unit(scale.unit, tr)}"
            rows.append(LegendRow(text, widths=tuple(styles.flow_weight(t, scale.reference)
                                                     for t in scale.ticks)))
        if any(not s.flow_width and s.style.dash == styles.NO_FIGURE_DASH for s in segments):
            rows.append(LegendRow(tr.gettext("No sourced figure for the year"),
                                  line=styles.no_figure_style(LEGEND_NEUTRAL)))
        if any(r.arrows for r in routes):
            rows.append(LegendRow(tr.gettext("Direction of flow"), arrow=True))
    facility = next((la for la in layers if isinstance(la, FacilityLayer)), None)
    if facility is not None and facility.marks:
        present = {m.facility.category for m in facility.marks}
        rows.append(LegendRow(tr.gettext("Facilities"), header=True))
        rows += [LegendRow(tr.gettext(label), marker=styles.FACILITY_COLOURS[category])
                 for category, label in styles.FACILITY_LABELS.items() if category in present]
    if own:
        rows.append(LegendRow(tr.gettext("Your layers"), header=True))
        rows += [LegendRow(name, line=styles.LineStyle(styles.USER_COLOUR, styles.USER_WEIGHT,
                                                       None, 1.0)) for name in own]
    return tuple(rows)
