"""The app in Turkish, Azerbaijani and the pseudo-locale, run headless with AppTest.

The pseudo-locale (``?lang=qps``) returns every message of the catalogs marked (⟦…⟧): any
word a reader sees outside the marks, other than the data's own texts (names, sources,
notes quoted from English-language sources), never went through the translation layer.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from corridor_atlas import i18n

from . import language_support
from .conftest import ROOT, open_session

APP = str(ROOT / "app.py")
# What a reader reads of each element: the proto fields that hold text for people.
TEXT_FIELDS = {"label", "help", "placeholder", "body", "options", "content", "delta",
               "display_text", "value", "default_tab_label"}
# Elements whose text is not for reading (the page's CSS and scripts, the map's HTML,
# a link in a code block) or that are read as tables below.
SKIPPED = {"html", "component_instance", "code", "arrow_data_frame", "arrow_vega_lite_chart",
           "empty", "download_button", "deck_gl_json_chart"}
CHART_TEXT_KEYS = {"title", "text", "subtitle"}
ICON = re.compile(r":material/\w+:")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!:|<>~$])")


def _open(lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    open_session(at)
    assert not at.exception, at.exception
    return at


def _proto_texts(message: Any) -> Iterator[str]:
    """The reader's texts in an element's proto (its TEXT_FIELDS, at any depth)."""
    for field, value in message.ListFields():
        single = isinstance(value, str | bytes | int | float) or hasattr(value, "ListFields")
        items = [value] if single else list(value)  # a repeated field
        if field.message_type is not None:
            for item in items:
                yield from _proto_texts(item)
        elif field.name in TEXT_FIELDS:
            yield from (v for v in items if isinstance(v, str))


def _chart_texts(spec: Any) -> Iterator[str]:
    """The titles and texts of a Vega-Lite spec (axes, legends, tooltips, the chart's)."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in CHART_TEXT_KEYS and isinstance(value, str):
                yield value
            elif key in CHART_TEXT_KEYS and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _chart_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _chart_texts(item)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def page_texts(at: AppTest) -> list[str]:
    """Every text of the page a reader reads: labels, help, captions, cards, tabs,
    expanders, options, alerts, table headings and cells, chart titles."""
    texts: list[str] = []
    for root in (at.sidebar, at.main):
        for node in _nodes(root):
            proto = getattr(node, "proto", None)
            if proto is None:
                continue
            kind = getattr(node, "type", "")
            if kind in SKIPPED:
                continue
            texts.extend(_proto_texts(proto))
    for frame in at.dataframe:
        styler = frame.proto.arrow_data.styler
        value = (pa.ipc.open_stream(io.BytesIO(styler.display_values)).read_all().to_pandas()
                 if styler.display_values else frame.value)  # each cell as it reads
        texts.extend(map(str, value.columns))
        for column in value.columns:
            texts.extend(v for v in value[column] if isinstance(v, str)
                         and not v.startswith("http"))
    for chart in at.get("arrow_vega_lite_chart"):
        texts.extend(_chart_texts(json.loads(chart.proto.spec)))
    for button in at.get("download_button"):
        texts.append(button.proto.label)
    # as read: Markdown's escapes (md() escapes the data's punctuation) taken out
    return [ICON.sub(" ", MARKDOWN_ESCAPE.sub(r"\1", t)) for t in texts if t]


@pytest.fixture(scope="module")
def data_texts(catalog) -> list[str]:
    """The data's own texts, which may be shown as they are."""
    return language_support.data_texts(catalog)


def _unmarked(at: AppTest, allowed: list[str]) -> list[str]:
    return i18n.unmarked("\n".join(page_texts(at)), allowed)


@pytest.mark.parametrize("query", [{}, {"route": "btc"}, {"route": "tanap", "year": "2015"}])
def test_pseudo_locale_leaves_no_text_of_the_page_untranslated(query, data_texts):
    at = _open(i18n.PSEUDO, **query)
    assert _unmarked(at, data_texts) == []


@pytest.mark.parametrize(("query", "tabs"), [({"route": "btc"}, "route_tab"),
                                             ({}, "overview_tab")])
def test_pseudo_locale_in_every_tab_of_the_route_panel_and_the_overview(query, tabs,
                                                                        data_texts):
    at = _open(i18n.PSEUDO, **query)
    for label in at.session_state[f"_{tabs}_labels"]:  # each tab's label, as lazy_tabs keeps
        at.session_state[tabs] = label
        at.run()
        assert not at.exception
        assert _unmarked(at, data_texts) == [], label


def test_pseudo_locale_in_the_table_view_and_the_export_panel(data_texts):
    at = _open(i18n.PSEUDO)
    labels = at.session_state["_main_tab_labels"]
    at.session_state["main_tab"] = labels[2]  # the table
    at.run()
    assert _unmarked(at, data_texts) == []
    at.session_state["main_tab"] = labels[0]
    at.session_state["export_open"] = True
    at.run()
    assert _unmarked(at, data_texts) == []


@pytest.mark.parametrize(("lang", "words"), [
    ("tr", ["Altlık harita", "Harita", "Tablo", "Dil"]),
    ("az", ["Əsas xəritə", "Xəritə", "Cədvəl", "Dil"]),
])
def test_turkish_and_azerbaijani_pages_read_in_their_language(lang, words):
    at = _open(lang)
    text = "\n".join(page_texts(at))
    assert at.selectbox(key="lang").value == lang
    for word in words:
        assert word in text, word


def test_the_language_is_kept_in_the_link_and_an_unknown_one_falls_back_with_a_notice():
    at = _open("tr")
    assert at.query_params["lang"] in ("tr", ["tr"])
    at = _open("xx")
    assert at.selectbox(key="lang").value == "en"
    assert any("“xx”" in w.value for w in at.warning)


def test_picking_a_language_keeps_the_view():
    at = _open("en", route="btc", year="2012")
    at.selectbox(key="lang").set_value("az").run()
    assert not at.exception
    assert at.slider(key="year").value == 2012
    assert at.selectbox(key="route").value == "btc"
    assert at.query_params["lang"] in ("az", ["az"])
    assert at.header[0].value.startswith("Bakı–Tbilisi–Ceyhan")


@pytest.fixture(scope="module")
def english_messages(data_texts) -> list[str]:
    """The template's messages of two words or more with no placeholder, that no data text
    holds: English interface text a Turkish or Azerbaijani page must not show."""
    from babel.messages.pofile import read_po

    from corridor_atlas.i18n.translate import TEMPLATE

    with TEMPLATE.open("rb") as fp:
        template = read_po(fp)
    data = "\n".join(data_texts)
    return [m.id for m in template if isinstance(m.id, str) and m.id
            and len(m.id.split()) >= 2 and "{" not in m.id and m.id not in data]


@pytest.mark.parametrize("lang", ["tr", "az"])
@pytest.mark.parametrize("query", [{}, {"route": "btc"}])
def test_turkish_and_azerbaijani_pages_show_no_english_message(lang, query,
                                                               english_messages):
    at = _open(lang, **query)
    text = "\n".join(page_texts(at))
    assert [m for m in english_messages
            if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", text)] == []
