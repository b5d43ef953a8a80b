"""The panels' tables in Turkish and Azerbaijani: headers, words, numbers, units and dates
in the reader's language, read from the real catalog in geo/.

Each test reads a table as the app shows it (its headers, and :func:`panels.as_read`, the
words each cell reads) in the language asked for. The expected words are the glossary's
(docs/glossary.md) and the catalogs'. The pseudo-locale (``qps``) marks every message:
what is left outside the marks, other than the catalog's own texts (names, notes,
sources, events, links), was never translated.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from corridor_atlas import figures, i18n, panels
from corridor_atlas.catalog import Catalog
from corridor_atlas.describe import facility_facts
from corridor_atlas.format import MONTHS

LANGS = ("tr", "az")
STATUS = {"btc": "operating", "tap": "operating", "tanap": "operating", "scp": "operating",
          "black_sea_cable": "planned", "kars_nakhchivan": "construction"}
DRAWN = {"btc": 1750.4, "scp": 690.0, "tap": 877.6}


def tables(catalog: Catalog, lang: str) -> dict[str, pd.DataFrame]:
    """Every reader's table of the panels, in ``lang``."""
    names = panels.country_names(catalog, lang)
    tanap = catalog.route("tanap")
    fac = next(f for f in catalog.facilities.items if f.id == "sangachal")
    return {
        "key figures": panels.key_figures(catalog.route("btc"), 1750.4, as_of=catalog.as_of,
                                          year=2026, countries=names, lang=lang),
        "scp key figures": panels.key_figures(catalog.route("scp"), 690.0,
                                              as_of=catalog.as_of, year=2012,
                                              countries=names, lang=lang),
        "status periods": panels.status_periods_frame(tanap, as_of=catalog.as_of, lang=lang),
        "igdir periods": panels.status_periods_frame(catalog.route("igdir_nakhchivan"),
                                                     as_of=catalog.as_of, year=2025,
                                                     lang=lang),
        "milestones": panels.milestones_table(
            panels.milestones_frame(catalog.route("kars_nakhchivan"), lang), lang),
        "all milestones": panels.milestones_table(panels.all_milestones(catalog, lang), lang),
        "volumes": panels.volumes_table(catalog.route("tap"), lang),
        "period volumes": panels.period_volumes_table(catalog.route("btk"), lang),
        "lengths": panels.lengths_table(panels.corridor_overview(catalog, DRAWN, lang=lang),
                                        lang),
        "capacities": panels.capacities_table(catalog, lang=lang),
        "gas exports": panels.gas_exports_table(panels.gas_exports_frame(catalog, lang), lang),
        "layers": panels.layers_table(catalog, list(STATUS), status=STATUS, drawn_km=DRAWN,
                                      facilities=True, lang=lang),
        "facility": panels.facility_table(fac, lang),
    }


def column(frame: pd.DataFrame, key: str) -> list[str]:
    """What the cells of a column (by its key) read."""
    by_key = {k: shown for shown, k in frame.attrs[panels.KEYS].items()}
    return list(panels.as_read(frame)[by_key[key]])


def row(frame: pd.DataFrame, figure: str) -> dict[str, str]:
    """A key-figures row, by what its figure column reads, as {key: words}."""
    read = panels.as_read(frame)
    keys = frame.attrs[panels.KEYS]
    found = read[read.iloc[:, 0] == figure]
    assert len(found) == 1, (figure, list(read.iloc[:, 0]))
    return {keys[c]: v for c, v in found.iloc[0].items()}


# --- headers ------------------------------------------------------------------------------

HEADERS = {
    "tr": {
        "key figures": ["gösterge", "değer", "not", "kaynak", "bağlantı"],
        "status periods": ["durum", "başlangıç", "bitiş", "olay", "kaynak", "bağlantı",
                           "kaynaklar ayrışıyor"],
        "all milestones": ["hat", "tarih", "olay", "durum değişikliği", "ilgili kesim", "not",
                           "kaynak", "bağlantı"],
        "volumes": ["yıl", "taşınan miktar", "birim", "ölçülen", "dönem", "not", "kaynak",
                    "bağlantı", "seri"],
        "lengths": ["tür", "hat sayısı", "belgelenen uzunluk", "çizilen uzunluk",
                    "belgelenen uzunluğu olmayanlar", "notlar"],
        "capacities": ["hat", "tür", "durum", "kapasite", "değer", "birim", "not", "kaynak",
                       "bağlantı"],
        "gas exports": ["yıl", "Türkiye", "Avrupa", "Gürcistan", "toplam",
                        "TANAP üzerinden Türkiye", "Suriye", "not", "kaynaklar", "bağlantı"],
        "layers": ["ad", "tür", "durum", "çizgi", "belgelenen uzunluk", "çizilen uzunluk",
                   "tasarım kapasitesi", "birim", "kaynak", "bağlantı"],
        "facility": ["bilgi", "değer"],
    },
    "az": {
        "key figures": ["göstərici", "dəyər", "qeyd", "mənbə", "keçid"],
        "status periods": ["vəziyyət", "başlanğıc", "son", "hadisə", "mənbə", "keçid",
                           "mənbələr fərqli məlumat verir"],
        "all milestones": ["xətt", "tarix", "hadisə", "vəziyyət dəyişikliyi",
                           "aid olduğu hissə", "qeyd", "mənbə", "keçid"],
        "volumes": ["il", "nəql edilən həcm", "vahid", "ölçülən", "dövr", "qeyd", "mənbə",
                    "keçid", "seriya"],
        "lengths": ["növ", "xətlərin sayı", "sənədlərdəki uzunluq", "xəritədəki uzunluq",
                    "sənədlərdə uzunluğu olmayanlar", "qeydlər"],
        "capacities": ["xətt", "növ", "vəziyyət", "ötürmə qabiliyyəti", "dəyər", "vahid",
                       "qeyd", "mənbə", "keçid"],
        "gas exports": ["il", "Türkiyə", "Avropa", "Gürcüstan", "cəmi",
                        "TANAP vasitəsilə Türkiyə", "Suriya", "qeyd", "mənbələr", "keçid"],
        "layers": ["ad", "növ", "vəziyyət", "xəttin görünüşü", "sənədlərdəki uzunluq",
                   "xəritədəki uzunluq", "layihə üzrə ötürmə qabiliyyəti", "vahid", "mənbə",
                   "keçid"],
        "facility": ["məlumat", "dəyər"],
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_tables_headers_are_in_the_language_and_keyed_to_the_code(catalog, lang):
    every = tables(catalog, lang)
    english = tables(catalog, "en")
    for name, headers in HEADERS[lang].items():
        assert list(every[name].columns) == headers, name
    for name, frame in every.items():
        keys = frame.attrs[panels.KEYS]
        # each header names its column's English key: what the app sizes columns by
        assert list(keys) == list(frame.columns), name
        assert list(keys.values()) == list(english[name].columns), name
        assert list(panels.as_read(frame).columns) == list(frame.columns), name  # the CSV
        if panels.LINK in keys.values():
            assert [h for h, k in keys.items() if k == panels.LINK] == [
                i18n.translator(lang).gettext(panels.LINK_HEADER)], name


def test_english_tables_keep_their_headers_and_say_which_is_which(catalog):
    every = tables(catalog, "en")
    assert list(every["key figures"].columns) == ["figure", "value", "note", "source", "url"]
    assert list(every["gas exports"].columns)[:3] == ["year", "Türkiye", "Europe"]
    for frame in every.values():
        assert frame.attrs[panels.KEYS] == {c: c for c in frame.columns}
    assert (panels.LINK_HEADER, panels.LINK_TEXT) == ("link", "open")


@pytest.mark.parametrize(("lang", "link", "open_"), [("tr", "bağlantı", "aç"),
                                                     ("az", "keçid", "aç")])
def test_the_link_columns_words_are_messages(lang, link, open_):
    tr = i18n.translator(lang)
    assert (tr.gettext(panels.LINK_HEADER), tr.gettext(panels.LINK_TEXT)) == (link, open_)


# --- cells: words, numbers, units, dates ----------------------------------------------------

@pytest.mark.parametrize(("lang", "expected"), [
    ("tr", {"tür": "Petrol boru hattı", "2026 yılında durum": "İşletmede",
            "bugünkü durum": "İşletmede", "belgelenen uzunluk": "1.768 km",
            "çizilen uzunluk": "çizimde 1.750 km", "çap": "42 inç",
            "ülkeler": "Azerbaycan, Gürcistan, Türkiye",
            "Türkiye bölümünün uzunluğu": "1.076 km"}),
    ("az", {"növ": "Neft kəməri", "vəziyyət: 2026": "İstismarda",
            "bugünkü vəziyyət": "İstismarda", "sənədlərdəki uzunluq": "1.768 km",
            "xəritədəki uzunluq": "xəritədə 1.750 km", "diametr": "42 düym",
            "ölkələr": "Azərbaycan, Gürcüstan, Türkiyə",
            "Türkiyə hissəsinin uzunluğu": "1.076 km"}),
])
def test_key_figures_read_in_the_language(catalog, lang, expected):
    frame = tables(catalog, lang)["key figures"]
    for figure, value in expected.items():
        assert row(frame, figure)["value"] == value, figure
    drawn = row(frame, {"tr": "çizilen uzunluk", "az": "xəritədəki uzunluq"}[lang])
    assert drawn["source"] == {"tr": "hattın çizimi üzerinden hesaplandı",
                               "az": "xəttin xəritədəki təsvirindən hesablanıb"}[lang]
    shares = [r for r in column(frame, "value") if r.startswith("bp: ")]
    assert shares and set(shares) == {{"tr": "bp: %30,1", "az": "bp: 30,1%"}[lang]}
    scp = tables(catalog, lang)["scp key figures"]
    since = {"tr": "14 Ağustos 2008 tarihinden beri", "az": "14 avqust 2008 tarixindən bəri"}
    in_2012 = {"tr": "2012 yılında durum", "az": "vəziyyət: 2012"}
    assert row(scp, in_2012[lang])["note"].startswith(since[lang])


@pytest.mark.parametrize(("lang", "still", "status", "date"), [
    ("tr", "3 Temmuz 2026 itibarıyla sürüyor", "Yapım aşamasında", "17 Mart 2015"),
    ("az", "3 iyul 2026 tarixinə davam edir", "Tikilir", "17 mart 2015"),
])
def test_status_periods_read_in_the_language(catalog, lang, still, status, date):
    frame = tables(catalog, lang)["status periods"]
    assert column(frame, "until")[-1] == still
    assert status in column(frame, "status") and date in column(frame, "from")
    igdir = tables(catalog, lang)["igdir periods"]
    assert column(igdir, "until")[-1] == {"tr": "2025 sonunda sürüyor",
                                          "az": "2025 ilinin sonunda davam edir"}[lang]


@pytest.mark.parametrize(("lang", "effect", "whole", "date"), [
    ("tr", "anlaşma imzalandı veya planlandı", "projenin inşa ettiği kesimler",
     "25 Şubat 2020"),
    ("az", "anlaşma imzalanıb və ya planlaşdırılıb", "layihə çərçivəsində tikilən hissələr",
     "25 fevral 2020"),
])
def test_milestones_read_in_the_language(catalog, lang, effect, whole, date):
    frame = tables(catalog, lang)["milestones"]
    assert (column(frame, "date")[0], column(frame, "status change")[0],
            column(frame, "applies to")[0]) == (date, effect, whole)
    routes = set(column(tables(catalog, lang)["all milestones"], "route"))
    assert {"tr": "Kars–Nahçıvan", "az": "Qars–Naxçıvan"}[lang] in routes
    assert {"tr": "BTK", "az": "BTQ"}[lang] in routes


@pytest.mark.parametrize(("lang", "volume", "unit", "series"), [
    ("tr", "11,5", "milyar m³", {"bildirilen", "başka kaynak (yalnız İtalya)"}),
    ("az", "11,5", "mlrd m³", {"bildirilən", "başqa mənbə (yalnız İtaliya)"}),
])
def test_volumes_read_in_the_language(catalog, lang, volume, unit, series):
    frame = tables(catalog, lang)["volumes"]
    assert volume in column(frame, "volume") and set(column(frame, "unit")) == {unit}
    assert series <= set(column(frame, "series"))
    # numbers stay numbers: the table sorts by value, only the words change
    by_key = {k: shown for shown, k in frame.attrs[panels.KEYS].items()}
    assert pd.api.types.is_float_dtype(frame[by_key["volume"]])


@pytest.mark.parametrize(("lang", "oil", "note", "not_drawn"), [
    ("tr", "Petrol boru hattı", "çizilen uzunluk: 4 hattan 2 tanesinin toplamı", "çizilmedi"),
    ("az", "Neft kəməri", "xəritədəki uzunluq: 4 xəttdən 2 xəttin cəmi", "çəkilməyib"),
])
def test_lengths_read_in_the_language(catalog, lang, oil, note, not_drawn):
    frame = tables(catalog, lang)["lengths"]
    assert column(frame, "kind")[0] == oil
    assert column(frame, "documented length")[0] == "1.768 km"
    notes = column(frame, "notes")
    assert notes[1].startswith(note) and notes[2].startswith(not_drawn)


@pytest.mark.parametrize(("lang", "design", "expanded", "unit", "missing"), [
    ("tr", "tasarım", "genişleme sonrası", "milyon varil/gün", "kaynaklı değer yok"),
    ("az", "layihə üzrə", "genişləndirilmiş", "mln barel/gün", "mənbəli dəyər yoxdur"),
])
def test_capacities_read_in_the_language(catalog, lang, design, expanded, unit, missing):
    frame = tables(catalog, lang)["capacities"]
    assert column(frame, "capacity")[:2] == [design, expanded]
    assert column(frame, "value")[:2] == ["1", "1,2"] and column(frame, "unit")[0] == unit
    assert frame.attrs[panels.MISSING] == missing


@pytest.mark.parametrize(("lang", "first", "missing"), [("tr", "6,17 milyar m³", "rakam yok"),
                                                        ("az", "6,17 mlrd m³", "rəqəm yoxdur")])
def test_gas_exports_read_in_the_language(catalog, lang, first, missing):
    frame = tables(catalog, lang)["gas exports"]
    read = panels.as_read(frame)
    assert read.iloc[0, 1] == first and read.iloc[0, 2] == missing


@pytest.mark.parametrize(("lang", "lines", "point", "name", "unit"), [
    ("tr", ["düz", "düz", "düz", "düz", "noktalı", "kesikli"], "nokta",
     "Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı", "milyon varil/gün"),
    ("az", ["bütöv", "bütöv", "bütöv", "bütöv", "nöqtəli", "qırıq-qırıq"], "nöqtə",
     "Bakı–Tbilisi–Ceyhan əsas ixrac neft kəməri", "mln barel/gün"),
])
def test_the_table_tab_reads_in_the_language(catalog, lang, lines, point, name, unit):
    frame = tables(catalog, lang)["layers"]
    assert column(frame, "line")[:6] == lines and point in column(frame, "line")
    assert column(frame, "name")[0] == name and column(frame, "unit")[0] == unit
    assert column(frame, "documented length")[0] == "1.768 km"
    by_key = {k: shown for shown, k in frame.attrs[panels.KEYS].items()}
    lengths = frame[by_key["documented length"]]
    assert pd.api.types.is_float_dtype(lengths)
    shown = frame.attrs[panels.SHOWN]
    assert shown[by_key["design capacity"]](1.2) == "1,2"  # what the app's Styler writes


@pytest.mark.parametrize(("lang", "area", "distance", "operator"), [
    ("tr", "alan (ha)", "Bakü'ye uzaklık (km)", "işletmeci"),
    ("az", "sahə (ha)", "Bakıdan məsafə (km)", "operator"),
])
def test_a_facilitys_facts_read_in_the_language(catalog, lang, area, distance, operator):
    frame = tables(catalog, lang)["facility"]
    facts = column(frame, "fact")
    assert facts[:2] == [area, distance] and operator in facts
    assert figures.fact_label("water_depth_m", lang)[0] == {"tr": "su derinliği",
                                                            "az": "suyun dərinliyi"}[lang]
    depth = {"tr": "su derinliği (m)", "az": "suyun dərinliyi (m)"}[lang]  # a text's unit
    assert (depth, "50–500/600") in [fact for f in catalog.facilities.items
                                     for fact in facility_facts(f, lang)]


@pytest.mark.parametrize(("lang", "amount"), [("tr", "4,6 milyar dolar"),
                                              ("az", "4,6 mlrd ABŞ dolları")])
def test_context_figures_give_amounts_in_the_language(catalog, lang, amount):
    items = panels.context_items(catalog, lang)
    assert any(i.alternatives.startswith(amount) for i in items)


# --- the pseudo-locale ----------------------------------------------------------------------

_NOT_TEXT = {"id", "unit", "status", "kind", "effect", "category", "location", "role",
             "segments", "precision"}


def _texts(value: object, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, str(k))
            if isinstance(k, str) and " " in k:
                yield k
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v, key)
    elif isinstance(value, str) and key not in _NOT_TEXT and (key != "what" or " " in value):
        yield value


def data_texts(catalog: Catalog) -> list[str]:
    """The catalog's own texts, which a table writes as they are: names, notes, sources,
    events, what a volume counts, claims, links, the parts of a breakdown (not its codes:
    statuses, kinds, the units the atlas translates)."""
    parts = [part.name for route in catalog.routes for f in figures.key_figures(route)
             if isinstance(f.value, tuple) for part in f.value]  # "TANAP interconnection"
    units = [u for u in _units(catalog.model_dump()) if u not in i18n.UNITS]  # "% share of…"
    return list(dict.fromkeys([*_texts(catalog.model_dump()), *parts, *units,
                               *(p.partition(" ")[2] for p in parts)]))


def _units(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from ([v] if k == "unit" and isinstance(v, str) else _units(v))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _units(v)


def test_pseudo_locale_leaves_nothing_unmarked_in_any_table(catalog):
    # month names come from the language's CLDR data (Babel), not from the messages: the
    # pseudo-locale writes dates as English does (tr and az: test_status_periods_…)
    allowed = [*data_texts(catalog), *MONTHS]
    for name, frame in tables(catalog, i18n.PSEUDO).items():
        read = panels.as_read(frame)
        text = "\n".join([*map(str, frame.columns),
                          *(str(v) for col in read.columns if frame.attrs[panels.KEYS][col]
                            != panels.LINK for v in read[col])])
        assert i18n.unmarked(text, allowed=allowed) == [], name
    items = panels.context_items(catalog, i18n.PSEUDO)
    text = "\n".join(f"{i.alternatives}\n{i.outcome}\n{i.source}" for i in items)
    assert i18n.unmarked(text, allowed=allowed) == []


@pytest.mark.parametrize(("lang", "fact"), [("tr", "işletmeci: bp"), ("az", "operator: bp"),
                                            ("en", "operator: bp")])
def test_a_facilitys_balloon_gives_its_facts_in_the_language(catalog, lang, fact):
    from corridor_atlas.dataexport.kmltext import facility_description

    sangachal = next(f for f in catalog.facilities.items if f.id == "sangachal")
    lines = facility_description(sangachal, lang).splitlines()
    assert fact in lines
    assert {"tr": "alan (ha): 542 (bp key facts) / ~550 (bp text, AZERTAC)",
            "az": "sahə (ha): 542 (bp key facts) / ~550 (bp text, AZERTAC)",
            "en": "area (ha): 542 (bp key facts) / ~550 (bp text, AZERTAC)"}[lang] in lines
