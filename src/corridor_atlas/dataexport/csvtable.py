"""The figures of what the scene draws, one CSV row each, written from their fields."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from .. import i18n
from ..catalog import Source
from ..describe import NO_SOURCED_VALUE
from ..figures import Figure, facility_figures, route_figures
from ..i18n import NC_
from ..layers import FACILITIES_ID
from ..scene import FacilityLayer, RouteLayer, Scene
from .shared import encode, facilities, join

CSV_COLUMNS = ("route_id", "route", "figure", "part", "year", "date", "value", "unit", "note",
               "source_publisher", "source_title", "source_date", "source_url")
CSV_HEADERS = {
    "route_id": NC_("csv column", "route_id"),
    "route": NC_("csv column", "route"),
    "figure": NC_("csv column", "figure"),
    "part": NC_("csv column", "part"),
    "year": NC_("csv column", "year"),
    "date": NC_("csv column", "date"),
    "value": NC_("csv column", "value"),
    "unit": NC_("csv column", "unit"),
    "note": NC_("csv column", "note"),
    "source_publisher": NC_("csv column", "source_publisher"),
    "source_title": NC_("csv column", "source_title"),
    "source_date": NC_("csv column", "source_date"),
    "source_url": NC_("csv column", "source_url"),
}
"""Each column's heading, a message in the ``csv column`` context: in English the field's
name (:data:`CSV_COLUMNS`), in another language its words for it."""
assert tuple(CSV_HEADERS) == CSV_COLUMNS


def csv_headers(lang: str = "en") -> tuple[str, ...]:
    """The columns' headings in ``lang``."""
    tr = i18n.translator(lang)
    return tuple(tr.pgettext("csv column", CSV_HEADERS[c]) for c in CSV_COLUMNS)


SOURCE_SEPARATOR = " | "
"""Between the sources of a figure that has several, in each source column."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def decimal(value: float) -> str:
    """A number with every digit it has and no exponent: ``1768``, ``0.35``, ``224.389``."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return "0" if text == "-0" else text


def _values(figure: Figure) -> list[tuple[str, str, str]]:
    """``(part, value, unit)`` of each row a figure takes: one per part of a breakdown."""
    value, unit, part = figure.value, figure.unit or "", figure.part or ""
    if isinstance(value, tuple):
        return [(p.name, decimal(p.value), unit) for p in value]
    if value is None:
        return [(part, "", "")]
    return [(part, value if isinstance(value, str) else decimal(value), unit)]


def _source_columns(figure: Figure) -> dict[str, str]:
    """Each source's publisher, title, date and link, in the same order in each column."""
    sources = list(dict.fromkeys(figure.sources))
    columns: dict[str, list[str]] = {"source_publisher": [], "source_title": [],
                                     "source_date": [], "source_url": []}
    for src in sources:
        full = isinstance(src, Source)
        columns["source_publisher"].append(src.publisher if full else "")
        columns["source_title"].append(src.title if full else "")
        columns["source_date"].append(src.date or "")
        columns["source_url"].append(src.url or "")
    return {name: SOURCE_SEPARATOR.join(cells) if any(cells) else ""
            for name, cells in columns.items()}


def _rows(owner_id: str, owner: str, figure: Figure,
          lang: str = "en") -> Iterator[dict[str, str]]:
    note = join(figure.what, figure.coverage, figure.note)
    if figure.value is None:  # a gap stays visible as a gap, the reason in the note
        note = join(i18n.translator(lang).gettext(NO_SOURCED_VALUE), note)
    sources = _source_columns(figure)
    for part, value, unit in _values(figure):
        yield {"route_id": owner_id, "route": owner, "figure": figure.label, "part": part,
               "year": "" if figure.year is None else str(figure.year),
               "date": figure.date or "", "value": value, "unit": unit, "note": note,
               **sources}


def _cell(value: str) -> str:
    """A cell as text; one starting like a spreadsheet formula is prefixed with ``'``."""
    if value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def to_csv(scene: Scene) -> bytes:
    """
    The figures of the layers the scene draws, one row per figure with its sources.

    Columns are :data:`CSV_COLUMNS`. Per route, in drawing order: key figures
    (status, operator, shareholders, lengths, diameter, capacities, cost), annual
    volumes (reported and other sources'), volumes over a period, then milestones.
    With a year shown, volumes and milestones after that year are left out. When the
    facilities layer is visible, each facility fact follows, with the facility's
    sources.

    Each cell holds one field of the figure, never text made for display: ``value``
    is the number as published (every digit, no separators) or a text (a name, a
    status, an event), ``unit`` its unit; ``part`` the country, section or
    shareholder a value is for (a value given part by part takes a row per part);
    ``year`` the year it is for and ``date`` the date or period as the source gives
    it. A figure no source gives keeps its row, with an empty value and the note
    ``"no sourced value"``. ``source_publisher``, ``source_title``, ``source_date``
    and ``source_url`` hold each source's field, several sources separated by
    :data:`SOURCE_SEPARATOR` in the same order in each column (an undated source
    leaves its date empty; a route's status gives the date and link of the newest
    source found). Text cells that a spreadsheet would read as a formula (starting
    with ``= + - @``) are prefixed with ``'``.

    In another language than English (``scene.view.lang``) the headings are that
    language's words for the columns (:func:`csv_headers`), routes and facilities are
    named in it where a source names them, and a missing value's note says so in it;
    the figures' own fields are written as the catalog holds them.

    Returns UTF-8 CSV bytes (no BOM), ``\\n`` line endings, minimal quoting.
    """
    year = scene.view.year
    lang = scene.view.lang
    rows: list[dict[str, str]] = []
    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            route = layer.route
            for figure in route_figures(route):
                if year is None or figure.year is None or figure.year <= year:
                    rows.extend(_rows(route.id, route.name_in(lang), figure, lang))
        elif isinstance(layer, FacilityLayer):
            for fac, _ in facilities(scene):
                for figure in facility_figures(fac):
                    rows.extend(_rows(FACILITIES_ID, fac.name_in(lang), figure, lang))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(csv_headers(lang))
    writer.writerows([_cell(row[c]) for c in CSV_COLUMNS] for row in rows)
    return encode(out.getvalue())
