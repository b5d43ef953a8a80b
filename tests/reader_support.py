"""What a reader sees, and what a reviewer marks in it: the rules of tests/test_reviewer.py.

A text fails when it shows an id of a route or facility as a word (``btc``,
``igdir_nakhchivan``, ``kipoi cs``) or a place name in a field name's lower case
(``distance from baku``), a snake_case word, a missing value written out (``None``,
``nan``, ``NaN``, ``NaT``, ``null``), a working note of the research (``NOT FOUND``,
``PROXY:``, "in the brief") or an ellipsis that cuts it short. A table fails when a
column is left to size itself or is too narrow for its header; a chart when a line of
its title is too long for a phone.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from streamlit.testing.v1 import AppTest

from corridor_atlas.catalog import Catalog

from .conftest import GEO_DIR

CHART_TITLE_MAX = 40  # characters a chart title's line holds on a phone without being cut

_SNAKE = re.compile(r"(?<![\w/.#=@-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w/-])")
_MISSING = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|null|undefined)(?![\w-])")
# An ellipsis that ends a text or a word: text cut short, not "and so on" between words.
_CUT = re.compile(r"\w(…|\.\.\.)(?=$|[\s\"'”’)\]])")
# The research's working marks, meant for its authors.
_RESEARCH = re.compile(r"\b(NOT FOUND|PROXY:|TODO|FIXME|TBD|in the brief)")


def _catalog() -> Catalog:
    from corridor_atlas.catalog import load_catalog

    catalog, _ = load_catalog(GEO_DIR)
    assert catalog is not None
    return catalog


def _id_pattern(catalog: Catalog) -> re.Pattern[str]:
    """Every route's and facility's id, and the same with spaces for underscores, as a
    whole word in lower case (readers see "BTC", "Sangachal", "Iğdır"); the places
    the routes run between written in lower case, as a field name makes them
    ("distance from baku km"); and the country codes of the research ("TUR": readers
    see "Türkiye")."""
    ids = [r.id for r in catalog.routes] + [f.id for f in catalog.facilities.items]
    forms = {form for ident in ids for form in (ident, ident.replace("_", " "))}
    forms |= set(catalog.country_codes)
    places = {p for r in catalog.routes for p in (r.start_label, r.end_label) if p}
    places |= {f.label for f in catalog.facilities.items if f.label}
    forms |= {p.lower() for p in places if p.lower() != p}
    words = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w/.#=@-])(?:{words})(?![\w/-])")


def plain(text: str) -> str:
    """Markdown as a reader sees it: no escapes, link targets or emphasis marks."""
    text = re.sub(r"\]\((?:[^()]|\([^()]*\))*\)", "]", text)  # [words](url) → [words]
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("**", "")


def problems_in(text: str, where: str, ids: re.Pattern[str]) -> list[str]:
    """What a reviewer would mark in ``text`` (one line each), shown at ``where``."""
    return [f"{where}: {problem} in {text[:160]!r}" for problem in _marks(text, ids)]


@functools.lru_cache(maxsize=20_000)  # the same texts come back on every rerun
def _marks(text: str, ids: re.Pattern[str]) -> tuple[str, ...]:
    found = [f"id {m.group(0)!r}" for m in ids.finditer(text)]
    if match := _SNAKE.search(text):
        found.append(f"snake_case {match.group(0)!r}")
    if match := _MISSING.search(text):
        found.append(f"missing value {match.group(0)!r}")
    if match := _RESEARCH.search(text):
        found.append(f"research note {match.group(0)!r}")
    if match := _CUT.search(text):
        found.append(f"cut short {text[max(0, match.start() - 20):match.end()]!r}")
    return tuple(found)


# --------------------------------------------------------------------------- reading the app

_TEXT_FIELDS = frozenset({"label", "body", "help", "placeholder", "options", "captions",
                          "delta", "message", "content", "default_text"})
_SKIP = frozenset({"component_instance", "code", "html", "vega_lite_chart",
                   "arrow_vega_lite_chart", "dataframe", "arrow_data_frame", "text_input"})


def _proto_texts(message: Any) -> Iterator[str]:
    """The reader's strings of a widget or element: labels, bodies, help, options."""
    for field, value in message.ListFields():
        repeated = field.is_repeated
        items = list(value) if repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in items:
                yield from _proto_texts(item)
        elif field.type == field.TYPE_STRING and field.name in _TEXT_FIELDS:
            yield from (i for i in items if i)


def shown_values(element: Any) -> Any:
    """The words a table's cells show (a pandas Styler's display values), or ``None``
    when the app sent its values without words (each cell then shows its value)."""
    arrow = element.proto.arrow_data
    if not arrow.HasField("styler") or not arrow.styler.display_values:
        return None
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)


def _table_texts(element: Any) -> Iterator[tuple[str, str]]:
    """A table's headers and cells as a reader sees them: a value in the words the app
    sent for it, if any; an empty cell as the table's placeholder."""
    frame = element.value
    words = shown_values(element)
    config = json.loads(element.proto.columns or "{}")
    shown_missing = element.proto.placeholder if element.proto.HasField("placeholder") \
        else "None"
    hidden = {name for name, c in config.items() if c.get("hidden")}
    for i, column in enumerate(frame.columns):
        if column in hidden:
            continue
        spec = config.get(str(column), {})
        yield "table header", str(spec.get("label") or column)
        link = (spec.get("type_config") or {}).get("display_text")
        for row, value in enumerate(frame[column]):
            missing = value is None or (isinstance(value, float) and value != value)
            if missing:
                yield f"table cell ({column})", shown_missing
            elif link is not None and spec.get("type_config", {}).get("type") == "link":
                yield f"table cell ({column})", link if value else ""
            elif words is not None:
                yield f"table cell ({column})", str(words.iat[row, i])
            else:
                yield f"table cell ({column})", str(value)


_LABELLED = ("x", "y", "color", "shape", "opacity", "xOffset", "yOffset")


def _arrow_records(data: bytes) -> list[dict[str, Any]]:
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_bytes_to_pandas_df(data).to_dict("records")


def _chart_labels(spec: dict[str, Any], records: list[dict[str, Any]]) -> Iterator[str]:
    """What a chart writes besides its title: axis and legend titles, and the values of
    the fields its axes and legends name (a kind, a route, a destination)."""
    fields: set[str] = set()
    stack: list[Any] = [spec]
    while stack:
        part = stack.pop()
        if isinstance(part, dict):
            for channel, encoding in (part.get("encoding") or {}).items():
                if channel in _LABELLED and isinstance(encoding, dict):
                    if isinstance(encoding.get("title"), str):
                        yield encoding["title"]
                    if encoding.get("type") in ("nominal", "ordinal") and "field" in encoding:
                        fields.add(encoding["field"])
            stack += [v for k, v in part.items() if k in ("layer", "hconcat", "vconcat")]
        elif isinstance(part, list):
            stack += part
    for record in records:
        for name in fields & set(record):
            if isinstance(record[name], str):
                yield record[name]


def _chart_titles(spec: dict[str, Any]) -> Iterator[str]:
    title = spec.get("title")
    if isinstance(title, dict):
        for part in ("text", "subtitle"):
            value = title.get(part)
            yield from ([value] if isinstance(value, str) else value or [])
    elif isinstance(title, str):
        yield title
    elif isinstance(title, list):
        yield from title


def reader_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """Every text a reader sees in the app as it stands: (what it is, the text)."""
    for node in at._tree:
        kind = getattr(node, "type", "")
        label = getattr(node, "label", None)
        if kind in ("tab", "expander", "status") and isinstance(label, str):
            yield kind, label
            continue
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if kind in ("dataframe", "arrow_data_frame"):
            yield from _table_texts(node)
        elif kind in ("vega_lite_chart", "arrow_vega_lite_chart"):
            spec = json.loads(node.proto.spec)
            for title in _chart_titles(spec):
                yield "chart title", title
            records = [r for data in node.proto.datasets
                       for r in _arrow_records(data.data.data)]
            yield from (("chart label", text) for text in _chart_labels(spec, records))
        elif kind not in _SKIP:
            for text in _proto_texts(proto):
                yield kind, plain(text)


_WIDTHS = {"small": 75, "medium": 200, "large": 400}
HEADER_CHAR_PX = 8  # a header's letter, bold, at the table's font size (generous)
HEADER_PAD_PX = 30  # the cell's padding and the sort arrow


def table_layout_problems(at: AppTest) -> Iterator[str]:
    """Tables whose columns are left to size themselves, or too narrow for their header:
    a header cut short ("capacit", "operato")."""
    for node in at._tree:
        if getattr(node, "type", "") not in ("dataframe", "arrow_data_frame"):
            continue
        config = json.loads(node.proto.columns or "{}")
        for column in node.value.columns:
            spec = config.get(str(column), {})
            if spec.get("hidden"):
                continue
            header = str(spec.get("label") or column)
            width = spec.get("width")
            px = _WIDTHS.get(width, width) if width is not None else None
            if not isinstance(px, int):
                yield f"column {header!r} has no width set"
            elif len(header) * HEADER_CHAR_PX + HEADER_PAD_PX > px:
                yield f"column {header!r} is {px} px wide: its header is cut short"


def check_app(at: AppTest, where: str, ids: re.Pattern[str]) -> list[str]:
    assert not at.exception, f"{where}: {at.exception}"
    found = [f"{where} / {p}" for p in table_layout_problems(at)]
    for kind, text in reader_texts(at):
        found += problems_in(text, f"{where} / {kind}", ids)
        if kind == "chart title" and len(text) > CHART_TITLE_MAX:
            found.append(f"{where} / chart title longer than {CHART_TITLE_MAX} characters "
                         f"(cut on a phone): {text!r}")
    return found


class _Visible(HTMLParser):
    """The text of an HTML fragment a reader sees: no tags, no ``hidden`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden or any(name == "hidden" for name, _ in attrs):
            self._hidden += 1
        if tag in ("br", "tr", "div") and not self._hidden:
            self.parts.append("\n")
        elif tag == "td" and not self._hidden:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(fragment: str) -> str:
    parser = _Visible()
    parser.feed(fragment)
    return html.unescape("".join(parser.parts))




CATALOG = _catalog()
IDS = _id_pattern(CATALOG)
