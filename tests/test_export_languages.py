"""Exports in Turkish and Azerbaijani: the title, as-of line, legend, credits and names of
every image and PDF, the CSV's headings and the KML's folders, in the view's language.

Each test reads a real export (the print render's PDF text and SVG text, the CSV's first
row, the KML's folders) or the scene every renderer draws, never a copy of the catalogs.
The pseudo-locale (``qps``) marks every message: what is left outside the marks, other
than the data's own texts (names with no translation, licences' names), was never
translated.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from pypdf import PdfReader

from corridor_atlas import cli, exports, i18n
from corridor_atlas.scene import Scene, build_scene
from corridor_atlas.view import MapView, page_title

from .conftest import VENDOR_DIR

KML = "{http://www.opengis.net/kml/2.2}"
SVG = "{http://www.w3.org/2000/svg}"
SEVEN = ("btc", "scp", "tanap", "tap", "btk", "igdir_nakhchivan", "kars_nakhchivan")
VIEW = MapView(layers=(*SEVEN, "facilities"), year=2026)
FLOWS = MapView(layers=SEVEN, year=2022, flows=True, bbox=(41.1, 39.9, 45.5, 41.3))

# What a reader of each language finds, in that language's own letters: the title, the
# date of the data, legend headings and statuses, credits, names on the map.
EXPECTED = {
    "tr": ["Azerbaycan–Gürcistan–Türkiye–Avrupa enerji ve ulaştırma koridoru",
           "2026 yılı itibarıyla · veriler 3 Temmuz 2026 itibarıyla",
           "Petrol boru hatları", "Doğal gaz boru hatları", "Demiryolları", "Durum",
           "İşletmede", "Yapım aşamasında", "Tesisler", "Kompresör istasyonu",
           "Altlık harita: Natural Earth (kamu malı)",
           "© OpenStreetMap katkıda bulunanlar (ODbL 1.0)",
           "Iğdır–Nahçıvan", "Kars–Nahçıvan", "Nahçıvan", "Şam", "Gürcistan"],
    "az": ["Azərbaycan–Gürcüstan–Türkiyə–Avropa enerji və nəqliyyat dəhlizi",
           "Vəziyyət: 2026 · məlumatlar 3 iyul 2026 tarixinə",
           "Neft kəmərləri", "Qaz kəmərləri", "Dəmir yolları", "Vəziyyət",
           "İstismarda", "Tikilir", "Obyektlər", "Kompressor stansiyası",
           "Əsas xəritə: Natural Earth (ictimai mülkiyyət)",
           "© OpenStreetMap iştirakçıları (ODbL 1.0)",
           "İğdır–Naxçıvan", "Qars–Naxçıvan", "BTQ", "Səngəçal", "Gürcüstan"],
}
ENGLISH = ["Azerbaijan–Georgia–Türkiye–Europe energy and transport corridor",
           "Oil pipelines", "Operating", "Facilities", "OpenStreetMap contributors",
           "Nakhchivan", "Basemap: Natural Earth (public domain)"]


def pdf_text(data: bytes) -> str:
    """The page's text, white space as single spaces; NFKC: Chromium's PDFs may set
    ligatures (ﬁ)."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())


def svg_text(data: bytes) -> str:
    return "\n".join(el.text or "" for el in ET.fromstring(data).iter(f"{SVG}text"))


def data_texts(scene: Scene) -> list[str]:
    """The data's own texts an export may write as they are: the names on the map (in
    the pseudo-locale, the English names), the routes' names, and the licences' names."""
    catalog_licences = ["CC BY 4.0", "ODbL 1.0"]
    routes = [r.route for r in scene.routes]
    return ([la.text for la in scene.route_labels] + [p.text for p in scene.place_labels]
            + [r.short_name for r in routes] + [r.name for r in routes] + catalog_licences)


# --- the scene every renderer draws --------------------------------------------------------

@pytest.mark.parametrize("lang", ["tr", "az"])
def test_the_scene_is_written_in_the_views_language(atlas, lang):
    scene = build_scene(atlas, replace(VIEW, lang=lang))
    texts = [scene.title, scene.subtitle, scene.credits, scene.sources,
             *(r.text for r in scene.legend), *(la.text for la in scene.route_labels),
             *(p.text for p in scene.place_labels)]
    everything = "\n".join(texts)
    for expected in EXPECTED[lang]:
        assert expected in everything, (lang, expected)
    for english in ENGLISH:
        assert english not in everything, (lang, english)
    places = [p.text for p in scene.place_labels]
    assert {"tr": "Bakü", "az": "Bakı"}[lang] in places and "Baku" not in places


def test_english_is_written_as_it_always_was(atlas):
    scene = build_scene(atlas, VIEW)
    assert scene.title == "Azerbaijan–Georgia–Türkiye–Europe energy and transport corridor"
    assert scene.subtitle == "As of 2026 · data as of 2026-07-03"
    assert scene.credits.endswith("Basemap: Natural Earth (public domain)")
    assert [r.text for r in scene.legend][:3] == ["Oil pipelines", "BTC", "Gas pipelines"]
    assert "Nakhchivan" in [p.text for p in scene.place_labels]


@pytest.mark.parametrize(("lang", "title"), [
    ("en", "Corridor Atlas — routes and flows as of 2022 — 41.10–45.50°E, 39.90–41.30°N"),
    ("tr", "Corridor Atlas — 2022 itibarıyla hatlar ve taşınan miktarlar — "
           "41,10–45,50°D, 39,90–41,30°K"),
    ("az", "Corridor Atlas — xətlər və nəql edilən həcmlər, vəziyyət: 2022 — "
           "41,10–45,50°ş.u., 39,90–41,30°ş.e."),
])
def test_the_document_title_says_what_when_and_where_in_the_language(catalog, lang, title):
    assert page_title(replace(FLOWS, lang=lang), catalog) == title


def test_the_flow_scale_is_in_the_languages_numbers_and_units(atlas):
    rows = {lang: [r.text for r in build_scene(atlas, replace(FLOWS, lang=lang)).legend
                   if r.widths] for lang in ("en", "tr", "az")}
    assert rows["en"] and len(rows["en"]) == len(rows["tr"]) == len(rows["az"])
    gas = {lang: next(t for t in texts if "m³" in t or "bcm" in t)
           for lang, texts in rows.items()}
    assert gas["en"].startswith("Gas: ") and gas["en"].endswith(" bcm/y")
    assert gas["tr"].startswith("Doğal gaz: ") and gas["tr"].endswith(" milyar m³/yıl")
    assert gas["az"].startswith("Qaz: ") and gas["az"].endswith(" mlrd m³/il")
    headers = [r.text for r in build_scene(atlas, replace(FLOWS, lang="tr")).legend
               if r.header]
    assert "2022 yılında taşınan miktar (çizgi kalınlığı)" in headers


@pytest.mark.parametrize(("lang", "btk", "kars", "sangachal"), [
    ("en", "BTK", "Kars–Nakhchivan", "Sangachal"),
    ("tr", "BTK", "Kars–Nahçıvan", "Sangachal"),  # no source names Sangachal in Turkish
    ("az", "BTQ", "Qars–Naxçıvan", "Səngəçal"),
])
def test_the_names_on_the_map_are_the_languages_names(atlas, lang, btk, kars, sangachal):
    scene = build_scene(atlas, replace(VIEW, lang=lang))
    routes = {la.layer_id: la.text for la in scene.route_labels}
    assert routes["btk"] == btk and routes["kars_nakhchivan"] == kars
    assert sangachal in [p.text for p in scene.place_labels]


# --- the print render: PDF, SVG -------------------------------------------------------------

@pytest.mark.parametrize("lang", ["tr", "az"])
def test_print_render_pdf_holds_title_legend_credits_and_names_in_the_language(atlas, lang):
    result = exports.export(atlas, replace(VIEW, lang=lang), "pdf", vendor_dir=VENDOR_DIR,
                            static=True)
    text = pdf_text(result.data)
    for expected in EXPECTED[lang]:
        assert expected in text, (lang, expected, text[:400])
    for english in ENGLISH:
        assert english not in text, (lang, english)
    title = PdfReader(io.BytesIO(result.data)).metadata.title
    assert title == page_title(replace(VIEW, lang=lang), atlas.catalog)


def test_command_line_exports_a_pdf_in_turkish_and_azerbaijani(tmp_path, capsys):
    for lang, said in (("tr", "yazıldı"), ("az", "yazıldı")):
        out = tmp_path / f"map-{lang}.pdf"
        assert cli.main(["export", "--format", "pdf", "--static", "--lang", lang,
                         "--layers", "btc,scp,btk,kars_nakhchivan,igdir_nakhchivan",
                         "--out", str(out)]) == 0
        printed = capsys.readouterr().out
        assert said in printed and ("baskı çizimi" if lang == "tr" else "çap təsviri") in printed
        text = pdf_text(out.read_bytes())
        assert EXPECTED[lang][0] in text and EXPECTED[lang][1] in text
        assert ("Demiryolları" if lang == "tr" else "Dəmir yolları") in text
        assert ("Kars–Nahçıvan" if lang == "tr" else "Qars–Naxçıvan") in text


def test_command_line_refuses_a_language_it_does_not_have(tmp_path, capsys):
    out = tmp_path / "map.csv"
    assert cli.main(["export", "--format", "csv", "--lang", "de", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "language must be one of en, tr, az, got 'de'" in err
    assert not out.exists()
    assert "qps" not in cli.build_parser().format_help()


@pytest.mark.parametrize("lang", ["tr", "az"])
def test_print_render_svg_names_and_legend_are_text_in_the_language(atlas, lang):
    svg = exports.export(atlas, replace(VIEW, lang=lang), "svg", vendor_dir=VENDOR_DIR).data
    text = svg_text(svg)
    for expected in EXPECTED[lang]:
        assert expected in text, (lang, expected)


# --- CSV and KML ------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "headings", "route"), [
    ("en", ["route_id", "route", "figure", "part", "year", "date", "value", "unit", "note",
            "source_publisher", "source_title", "source_date", "source_url"],
     "Baku–Tbilisi–Ceyhan oil pipeline (BTC)"),
    ("tr", ["hat kodu", "hat", "gösterge", "kısım", "yıl", "tarih", "değer", "birim", "not",
            "kaynak yayıncısı", "kaynak başlığı", "kaynak tarihi", "kaynak bağlantısı"],
     "Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı"),
    ("az", ["xətt kodu", "xətt", "göstərici", "hissə", "il", "tarix", "dəyər", "vahid", "qeyd",
            "mənbənin naşiri", "mənbənin başlığı", "mənbənin tarixi", "mənbənin keçidi"],
     "Bakı–Tbilisi–Ceyhan əsas ixrac neft kəməri"),
])
def test_csv_headings_and_names_are_in_the_language(atlas, lang, headings, route):
    data = exports.export(atlas, MapView(layers=("btc",), year=2026, lang=lang), "csv",
                          vendor_dir=VENDOR_DIR).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == headings
    assert {row[1] for row in rows[1:]} == {route}
    assert {row[0] for row in rows[1:]} == {"btc"}  # ids and fields stay as data


@pytest.mark.parametrize(("lang", "folders", "status"), [
    ("en", ["South Caucasus Pipeline (SCP, Baku–Tbilisi–Erzurum)",
            "Baku–Tbilisi–Kars railway (BTK)", "Facilities"], "Railway · Operating in 2026"),
    ("tr", ["Bakü–Tiflis–Erzurum Doğal Gaz Boru Hattı", "Bakü–Tiflis–Kars Demiryolu",
            "Tesisler"], "Demiryolu · 2026 yılında İşletmede"),
    ("az", ["Bakı–Tbilisi–Ərzurum qaz kəməri", "Bakı–Tbilisi–Qars dəmir yolu (BTQ)",
            "Obyektlər"], "Dəmir yolu · 2026: İstismarda"),
])
def test_kml_folders_are_named_in_the_language(atlas, lang, folders, status):
    data = exports.export(atlas, MapView(layers=("scp", "btk", "facilities"), year=2026,
                                         lang=lang), "kml", vendor_dir=VENDOR_DIR).data
    doc = ET.fromstring(data)
    found = [f.findtext(f"{KML}name") for f in doc.iter(f"{KML}Folder")]
    assert found == folders
    btk = next(f for f in doc.iter(f"{KML}Folder") if f.findtext(f"{KML}name") == folders[1])
    assert btk.findtext(f"{KML}description") == status


# --- the pseudo-locale: nothing left untranslated -------------------------------------------

def test_pseudo_locale_leaves_no_unmarked_text_in_the_print_render(atlas):
    view = replace(FLOWS, layers=(*SEVEN, "facilities"), lang=i18n.PSEUDO, bbox=None)
    scene = build_scene(atlas, view)
    allowed = data_texts(scene)
    pdf = exports.export(atlas, view, "pdf", vendor_dir=VENDOR_DIR, static=True).data
    svg = exports.export(atlas, view, "svg", vendor_dir=VENDOR_DIR).data
    assert i18n.unmarked(pdf_text(pdf), allowed) == []
    assert i18n.unmarked(svg_text(svg), allowed) == []
    title = PdfReader(io.BytesIO(pdf)).metadata.title
    assert i18n.unmarked(title, allowed) == []


def test_pseudo_locale_leaves_no_unmarked_csv_heading_or_kml_folder(atlas):
    view = MapView(layers=("btc", "tap", "facilities"), year=2026, lang=i18n.PSEUDO)
    scene = build_scene(atlas, view)
    allowed = data_texts(scene)
    data = exports.export(atlas, view, "csv", vendor_dir=VENDOR_DIR).data
    headings = next(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert i18n.unmarked(" ".join(headings), allowed) == []
    doc = ET.fromstring(exports.export(atlas, view, "kml", vendor_dir=VENDOR_DIR).data)
    folders = [f.findtext(f"{KML}name") for f in doc.iter(f"{KML}Folder")]
    descriptions = [f.findtext(f"{KML}description") or "" for f in doc.iter(f"{KML}Folder")]
    document = doc.find(f"{KML}Document").findtext(f"{KML}description").replace("<br>", "\n")
    credits = [a.url for a in atlas.catalog.attribution]  # links, as the credits write them
    assert i18n.unmarked("\n".join(folders + descriptions), allowed) == []
    assert i18n.unmarked(document, allowed + credits) == []


def test_compare_maps_title_each_year_and_the_legend_in_the_language(atlas):
    from corridor_atlas.compare import compare_map, title_text

    dual = compare_map(atlas, MapView(layers=("btc", "btk"), lang="az"), 2006, 2026,
                       vendor_dir=VENDOR_DIR, asset_mode="inline")
    html = dual.get_root().render()
    assert title_text(2006, "az") == "Vəziyyət: 2006" and title_text(2006) == "As of 2006"
    for year in (2006, 2026):  # each side's title, as its script writes it
        assert json.dumps(f">Vəziyyət: {year}<")[1:-1] in html
    legend = "Şərti işarələr\\u003c/summary"  # the legend's heading, in its script
    assert legend in html and "Dəmir yolları" in html
    assert "As of 2006" not in html and "Legend\\u003c/summary" not in html


# --- the tooltips and popups of the standalone HTML (and the live map) ----------------------

def _words(html_text: str) -> str:
    """The text a reader sees of a tooltip's HTML (tags out, entities read, hidden id out)."""
    import html
    import re

    text = re.sub(r"<span hidden>.*?</span>", " ", html_text)
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


def _tip_data(scene: Scene) -> list[str]:
    """What the catalog says in its own words in the tooltips and popups: names in every
    language, segments' names and scopes, a dispute's claim, the figures' own words
    (what a volume counts, its share, its period), publishers, facilities' facts."""
    out: list[str] = []
    for layer in scene.routes:
        route = layer.route
        out += list(route.names.values())
        for seg in layer.segments:
            out += [str(v) for k, v in seg.properties.items()
                    if k in ("segment", "documented_length_scope") and v]
            if seg.dispute is not None:
                out += [seg.dispute.claim, seg.dispute.source.publisher]
        flow = layer.flow
        if flow is not None:
            for v in (*flow.volumes, *flow.other):
                out += [v.what, v.share or "", v.period_note or "", v.source.publisher]
            if flow.capacity_figure is not None:
                out.append(flow.capacity_figure.source.publisher)
    if scene.facilities is not None:
        for mark in scene.facilities.marks:
            fac = mark.facility
            out += [fac.name, fac.kind, fac.location_note or "",
                    *(s.publisher for s in fac.sources)]
            out += [f"{k}" for k in fac.facts] + [str(v) for v in fac.facts.values()]
            from corridor_atlas.describe import facility_facts
            out += [label for label, _ in facility_facts(fac)]
    return [t for t in out if t]


def test_pseudo_locale_leaves_nothing_unmarked_in_tooltips_and_popups(atlas):
    from corridor_atlas import maps

    view = MapView(layers=(*SEVEN, "facilities"), year=2022, flows=True, lang=i18n.PSEUDO)
    scene = build_scene(atlas, view)
    allowed = [*data_texts(scene), *_tip_data(scene), "km", "m²"]  # units' symbols
    tips = [maps._route_tip(layer, seg, 2022, i18n.PSEUDO)
            for layer in scene.routes for seg in layer.segments]
    assert scene.facilities is not None
    popups = [part for mark in scene.facilities.marks
              for part in maps._facility_popup(mark, i18n.PSEUDO)]
    assert tips and popups
    for text in tips + popups:
        assert i18n.unmarked(_words(text), allowed) == [], _words(text)


def test_route_tooltips_read_in_turkish_and_azerbaijani(atlas):
    from corridor_atlas import maps

    for lang, name, status, documented in (
            ("tr", "Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı",
             "Petrol boru hattı · 2022 yılında İşletmede", "belgelenen 1.768 km"),
            ("az", "Bakı–Tbilisi–Ceyhan əsas ixrac neft kəməri",
             "Neft kəməri · 2022: İstismarda", "sənədlərə görə 1.768 km")):
        scene = build_scene(atlas, MapView(layers=("btc",), year=2022, flows=True, lang=lang))
        (layer,) = scene.routes
        tip = _words(maps._route_tip(layer, layer.segments[0], 2022, lang))
        lines = [line.strip() for line in tip.splitlines() if line.strip()]
        assert lines[0] == name and lines[1] == status, lines[:3]
        assert any(line.startswith(documented) for line in lines), lines
        assert "Baku–Tbilisi–Ceyhan oil pipeline (BTC)" in lines  # the other names follow
