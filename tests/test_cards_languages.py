"""The panels' cards, status lines, empty-tab texts and charts in Turkish and Azerbaijani.

Each test reads the real output on the real catalog in geo/: a card's label, value, change
and lines; a line under a panel's heading; a chart's Vega-Lite spec (titles, axis and
legend titles, tooltips, the words written into its data, its number locale). The
pseudo-locale (``qps``) marks every message: what is left outside the marks, other than
the data's own texts (names, events, the sources' words, publishers), was never
translated.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from typing import Any

import pytest

from corridor_atlas import charts, describe, headline, i18n, panels, timeline
from corridor_atlas.catalog import Catalog
from corridor_atlas.describe import Card

YEARS = (2005, 2010, 2018, 2022, 2024, 2026)


def card_texts(card: Card) -> list[str]:
    """Everything a card shows: label, value, change and its note, help, lines, and what
    each source link is the source of."""
    return [t for t in (card.label, card.value, card.delta, card.delta_note, card.help,
                        *card.lines, *(what for what, _ in card.sources)) if t]


def all_cards(catalog: Catalog, lang: str) -> Iterator[tuple[str, Card]]:
    for year in YEARS:
        for h in headline.route_headlines(catalog, year, roles=("route", "context")):
            yield f"route card {h.route_id} {year}", describe.route_card(h, lang)
        for route in catalog.routes:
            h = headline.route_headline(route, year, as_of=catalog.as_of)
            for card in describe.route_panel_cards(h, lang):
                yield f"panel card {route.id} {year}", card
        for e in headline.gas_exports(catalog, year):
            yield f"export card {e.field} {year}", describe.export_card(e, lang)
        for b in headline.under_construction(catalog, year):
            yield f"build card {b.route_id} {year}", describe.build_card(b, lang)
        for b in headline.planned(catalog, year):
            yield f"planned card {b.route_id} {year}", describe.planned_card(b, lang)


def all_lines(catalog: Catalog, lang: str) -> Iterator[tuple[str, str]]:
    """Every line under a panel's heading and every empty tab's text, for every route."""
    for route in catalog.routes:
        start = headline.route_start(route, as_of=catalog.as_of)
        for year in (1990, *YEARS):
            h = headline.route_headline(route, year, as_of=catalog.as_of)
            yield f"status {route.id} {year}", describe.status_in_year_line(h, lang)
            yield f"volumes {route.id} {year}", describe.no_volume_text(start, year, lang)
            yield f"dates {route.id} {year}", describe.no_milestone_text(start, year, lang)
            state = timeline.route_state(route, year, as_of=catalog.as_of)
            if state is not None and state.dispute is not None:
                yield f"dispute {route.id} {year}", describe.disputed_status(state, lang)
        today = timeline.route_state(route, None, as_of=catalog.as_of)
        yield f"today {route.id}", describe.status_today_line(today, catalog.as_of, lang)
        for unit in panels.volume_units(route):
            gap = panels.capacity_gap(route, unit)
            if gap is not None:
                yield f"gap {route.id} {unit}", describe.capacity_gap_text(gap, lang)
    for year in (2012, None):
        yield f"shown {year}", describe.when_shown(year, catalog.as_of, lang)[1]
    yield "no exports", describe.no_exports_text(2000, 2005, lang)
    yield "no exports at all", describe.no_exports_text(2000, None, lang)


def data_texts(catalog: Catalog) -> list[str]:
    """The data's own words a card or line may quote as they are: names, events, what a
    volume counts and its period, publishers, disputes' claims, capacities as
    published."""
    texts: list[str] = []
    for route in catalog.routes:
        texts += [route.name, route.short_name]
        facts = route.facts
        texts += [m.event for m in facts.milestones]
        texts += [m.source.publisher for m in facts.milestones]
        for v in (*facts.annual_volumes, *facts.annual_volume_alternatives,
                  *facts.annual_volumes_italy_only):
            texts += [v.what, str(v.period_note or ""), str(v.share or ""),
                      v.source.publisher]
        for unit in panels.volume_units(route):
            gap = panels.capacity_gap(route, unit)
            texts += list(gap.undated) if gap else []
        for year in (*YEARS, None):
            state = timeline.route_state(route, year, as_of=catalog.as_of)
            if state is not None and state.dispute is not None:
                texts += [state.dispute.claim, state.dispute.source.publisher]
            if state is not None and state.milestone is not None:
                texts.append(state.milestone.source.publisher)
    # the pseudo-locale writes numbers and dates as English does
    return [t for t in texts if t] + list(calendar.month_name)[1:]


# --------------------------------------------------------------------------- cards


def _btc_card(catalog: Catalog, lang: str) -> Card:
    (btc,) = [h for h in headline.route_headlines(catalog, 2024) if h.route_id == "btc"]
    return describe.route_card(btc, lang)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", Card("BTC: carried in 2024", "612,000 bbl/d", "-14,000 bbl/d", "on 2023",
                ("51% of the 1,200,000 bbl/d capacity in force",))),
    ("tr", Card("BTC: 2024 yılında taşınan", "612.000 varil/gün", "-14.000 varil/gün",
                "2023 yılına göre",
                ("%51 kapasite kullanımı (geçerli kapasite: 1.200.000 varil/gün)",))),
    ("az", Card("BTC: nəql edilən həcm, 2024", "612.000 barel/gün", "-14.000 barel/gün",
                "2023 ili ilə müqayisədə",
                ("51% istifadə dərəcəsi (qüvvədə olan ötürmə qabiliyyəti: 1.200.000 "
                 "barel/gün)",))),
])
def test_a_route_card_in_each_language(catalog: Catalog, lang: str, expected: Card) -> None:
    card = _btc_card(catalog, lang)
    assert (card.label, card.value, card.delta, card.delta_note, card.lines) == (
        expected.label, expected.value, expected.delta, expected.delta_note, expected.lines)
    words = {"en": ("volume", "capacity"), "tr": ("taşınan miktar", "kapasite"),
             "az": ("nəql edilən həcm", "ötürmə qabiliyyəti")}[lang]
    assert [what for what, _ in card.sources] == list(words)
    # the figures the source gives, in the reader's numbers and units, its words quoted
    assert card.help == {
        "en": "From: 224.142 million bbl crude transported through Turkish section (BOTAŞ)",
        "tr": "Kaynaktaki rakam: 224,142 milyon varil “crude transported through Turkish "
              "section (BOTAŞ)”",
        "az": "Mənbədəki rəqəm: 224,142 mln barel “crude transported through Turkish "
              "section (BOTAŞ)”"}[lang]


def test_a_cards_change_starts_with_its_sign_in_every_language(catalog: Catalog) -> None:
    """The card's arrow is read from the change's first character: ``+`` or ``-`` (or a
    ``0``), never a word or a percent sign first."""
    for lang in ("tr", "az"):
        deltas = [c.delta for _, c in all_cards(catalog, lang) if c.delta]
        assert deltas and all(d[0] in "+-" or d == "0" for d in deltas), deltas
        gas = {c.label: c.delta for c in (describe.export_card(e, lang)
                                          for e in headline.gas_exports(catalog, 2024))}
        assert gas == {
            "tr": {"Toplam gaz ihracatı, 2024": "+1,4 milyar m³",
                   "Avrupa'ya, 2024": "+1,1 milyar m³", "Türkiye'ye, 2024": "+0,4 milyar m³",
                   "TANAP üzerinden Türkiye'ye, 2024": "0",
                   "Gürcistan'a, 2024": "-0,1 milyar m³"},
            "az": {"Ümumi qaz ixracı, 2024": "+1,4 mlrd m³", "Avropaya, 2024": "+1,1 mlrd m³",
                   "Türkiyəyə, 2024": "+0,4 mlrd m³",
                   "TANAP vasitəsilə Türkiyəyə, 2024": "0",
                   "Gürcüstana, 2024": "-0,1 mlrd m³"}}[lang]


@pytest.mark.parametrize(("lang", "expected"), [
    ("tr", [("2024 yılında kapasite", "5 milyon ton/yıl", ()),
            ("2022 yılında taşınan", "0,432 milyon ton/yıl", ("2021 için rakam yok.",)),
            ("2022 yılında kapasite kullanım oranı", "%43",
             ("geçerli kapasite: 1 milyon ton/yıl",)),
            ("Uzunluk", "838 km", ()),
            ("İşletmeye açıldı", "30 Ekim 2017",
             ("“Official opening at Baku International Sea Trade Port (Alat); first freight "
              "train”",))]),  # the source's words, quoted
    ("az", [("Ötürmə qabiliyyəti, 2024", "5 mln ton/il", ()),
            ("Nəql edilən həcm, 2022", "0,432 mln ton/il", ("2021 üçün rəqəm yoxdur.",)),
            ("İstifadə dərəcəsi, 2022", "43%",
             ("qüvvədə olan ötürmə qabiliyyəti: 1 mln ton/il",)),
            ("Uzunluq", "838 km", ()),
            ("İstismara verilib", "30 oktyabr 2017",
             ("“Official opening at Baku International Sea Trade Port (Alat); first freight "
              "train”",))]),  # the source's words, quoted
])
def test_a_route_panels_cards_and_heading_lines(catalog: Catalog, lang: str,
                                                expected: list[tuple]) -> None:
    btk = catalog.route("btk")
    h = headline.route_headline(btk, 2024, as_of=catalog.as_of)
    cards = describe.route_panel_cards(h, lang)
    assert [(c.label, c.value, c.lines) for c in cards] == expected
    today = timeline.route_state(btk, None, as_of=catalog.as_of)
    assert (describe.status_in_year_line(h, lang),
            describe.status_today_line(today, catalog.as_of, lang)) == {
        "tr": ("2024 yılında: İşletmede, 30 Ekim 2017 tarihinden beri",
               "Bugün (3 Temmuz 2026): İşletmede"),
        "az": ("2024: İstismarda, 30 oktyabr 2017 tarixindən bəri",
               "Bu gün (3 iyul 2026): İstismarda")}[lang]
    before = headline.route_headline(btk, 1995, as_of=catalog.as_of)
    assert describe.status_in_year_line(before, lang) == {
        "tr": "1995 yılında: Henüz anlaşma yok", "az": "1995: Hələ anlaşma yoxdur"}[lang]


def test_building_and_planned_cards_name_the_line_in_the_readers_language(
        catalog: Catalog) -> None:
    builds = {b.route_id: b for b in headline.under_construction(catalog, 2026)}
    card = describe.build_card(builds["kars_nakhchivan"], "az")
    assert (card.label, card.value, card.lines[0]) == (
        "Qars–Naxçıvan: gözlənilən başa çatma", "dekabr 2029",
        "22 avqust 2025 tarixindən bəri tikilir")
    card = describe.build_card(builds["kars_nakhchivan"], "tr")
    assert (card.label, card.value, card.lines[0], [w for w, _ in card.sources]) == (
        "Kars–Nahçıvan: beklenen tamamlanma", "Aralık 2029",
        "22 Ağustos 2025 tarihinden beri yapım aşamasında", ["hedef"])
    plans = {b.route_id: b for b in headline.planned(catalog, 2010)}
    card = describe.planned_card(plans["tap"], "tr")
    assert (card.label, card.value, card.lines[0]) == (
        "TAP: yapımın başlangıcı", "17 Mayıs 2016",
        "13 Şubat 2008 tarihinden beri planlanan / anlaşma imzalanmış")
    card = describe.planned_card(plans["igdir_nakhchivan"], "az")
    assert (card.label, card.value) == ("İğdır–Naxçıvan: tikintinin başlanması", "iyul 2023")


def test_headlines_carry_each_routes_short_name_in_every_language(catalog: Catalog) -> None:
    btk = catalog.route("btk")
    h = headline.route_headline(btk, 2024, as_of=catalog.as_of)
    start = headline.route_start(btk, as_of=catalog.as_of)
    points = [p for p in headline.flow_history(catalog, None) if p.route_id == "btk"]
    for named in (h, start, points[0]):
        assert (named.name_in("en"), named.name_in("az"), named.name_in(i18n.PSEUDO)) == (
            "BTK", "BTQ", "BTK")
    kn = {b.route_id: b for b in headline.under_construction(catalog, 2026)}["kars_nakhchivan"]
    assert (kn.name_in("tr"), kn.name_in("az")) == ("Kars–Nahçıvan", "Qars–Naxçıvan")


def test_empty_tabs_say_why_in_each_language(catalog: Catalog) -> None:
    tanap = headline.route_start(catalog.route("tanap"), as_of=catalog.as_of)
    assert describe.no_volume_text(tanap, 2005, "tr") == (
        "2005 yılına kadar yıllık taşınan miktar yok. TANAP: anlaşma 2011 yılında "
        "imzalandı; kaynaklı ilk yıllık miktarlar 2020 yılına ait.")
    assert describe.no_volume_text(tanap, 2005, "az") == (
        "2005 ilə qədər illik nəql həcmi yoxdur. TANAP: anlaşma imzalanıb (2011); ilk "
        "mənbəli illik həcmlər: 2020.")
    assert describe.no_milestone_text(tanap, 1990, "tr").startswith(
        "1990 yılına kadar tarihli olay yok. TANAP için ilki 25 Ekim 2011 tarihli: ")
    assert describe.no_milestone_text(tanap, 1990, "az").startswith(
        "1990 ilə qədər tarixli hadisə yoxdur. TANAP üçün ilk hadisənin tarixi 25 oktyabr "
        "2011: ")
    assert describe.no_exports_text(2000, 2005, "tr") == (
        "2000 yılına kadar Azerbaycan'ın gaz ihracatı için kaynaklı rakam yok; ilki 2005 "
        "yılına ait.")
    assert [describe.when_shown(y, catalog.as_of, "tr")[1] for y in (2012, 2026)] == [
        "2012 sonu", "3 Temmuz 2026 itibarıyla"]
    assert [describe.when_shown(y, catalog.as_of, "az")[1] for y in (2012, 2026)] == [
        "31 dekabr 2012", "3 iyul 2026 tarixinə"]
    btk = catalog.route("btk")
    gap = panels.capacity_gap(btk, "TEU")
    assert gap is not None
    assert describe.capacity_gap_text(gap, "tr") == (
        "Kapasite çizgisi yok: kaynaklı kapasiteler milyon yolcu/yıl ve milyon ton/yıl "
        "cinsinden; bunlar TEU cinsinden miktarlarla karşılaştırılamaz.")
    assert describe.capacity_gap_text(gap, "az") == (
        "Ötürmə qabiliyyəti xətti yoxdur: mənbəli ötürmə qabiliyyətləri mln sərnişin/il "
        "və mln ton/il ilədir; bunlar TEU ilə həcmlərlə müqayisə olunmur.")


def test_a_disputed_status_in_each_language(catalog: Catalog) -> None:
    (state,) = [s for r in catalog.routes
                if (s := timeline.route_state(r, None, as_of=catalog.as_of)) is not None
                and s.dispute is not None]
    assert describe.disputed_status(state, "tr").startswith(
        "Atıl (az ya da hiç akış yok): 26 Ağustos 2025 tarihinden beri (Report.az, "
        "2025-08-26). Kaynaklar ayrışıyor: ")
    assert describe.disputed_status(state, "az").startswith(
        "Boş dayanır (nəql azdır və ya yoxdur): 26 avqust 2025 tarixindən bəri "
        "(Report.az, 2025-08-26). Mənbələr fərqli məlumat verir: ")


def test_pseudo_locale_cards_and_lines_have_no_untranslated_words(catalog: Catalog) -> None:
    allowed = data_texts(catalog)
    found = {}
    for where, card in all_cards(catalog, i18n.PSEUDO):
        for text in card_texts(card):
            if words := i18n.unmarked(text, allowed=allowed):
                found[f"{where}: {text}"] = words
    for where, text in all_lines(catalog, i18n.PSEUDO):
        if words := i18n.unmarked(text, allowed=allowed):
            found[f"{where}: {text}"] = words
    assert not found


# --------------------------------------------------------------------------- charts


def _specs(catalog: Catalog, lang: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for route in catalog.routes:
        for unit in panels.volume_units(route):
            chart = charts.volume_chart(route, unit, colour="#0072B2", lang=lang)
            if chart is not None:
                yield f"volumes {route.id} {unit}", chart.to_dict()
        frame = panels.milestones_frame(route)
        if len(frame):
            shown = describe.when_shown(2012, catalog.as_of, lang)
            yield f"milestones {route.id}", charts.milestone_timeline(
                frame, shown=shown, lang=lang).to_dict()
    yield "timeline", charts.milestone_timeline(
        panels.all_milestones(catalog), colour_by="route",
        shown=describe.when_shown(None, catalog.as_of, lang), lang=lang).to_dict()
    yield "gas exports", charts.gas_exports_chart(panels.gas_exports_frame(catalog),
                                                  lang=lang).to_dict()
    lengths = panels.corridor_overview(catalog, {"btc": 1750.0, "scp": 700.0})
    yield "lengths", charts.lengths_chart(lengths, lang=lang).to_dict()
    points = headline.flow_history(catalog, None)
    for unit in dict.fromkeys(p.unit for p in points):
        chart = charts.flows_chart([p for p in points if p.unit == unit], lang=lang)
        assert chart is not None
        yield f"flows {unit}", chart.to_dict()


def _views(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = [spec]
    while stack:
        part = stack.pop()
        yield part
        stack += part.get("layer", [])


def chart_words(spec: dict[str, Any]) -> Iterator[str]:
    """What a reader of the chart reads: its title and subtitle, every axis, legend and
    tooltip title, and the values of every field the chart shows (on an axis, in a
    legend, as a mark's text, in a tooltip)."""
    title = spec.get("title") or {}
    yield from (t for t in (title.get("text"), title.get("subtitle")) if t)
    shown: set[str] = set()
    for view in _views(spec):
        for channel, encoding in (view.get("encoding") or {}).items():
            for item in encoding if isinstance(encoding, list) else [encoding]:
                if not isinstance(item, dict):
                    continue
                if isinstance(item.get("title"), str):
                    yield item["title"]
                field = item.get("field")
                if field and field != "url" and item.get("type") != "temporal" and not (
                        channel == "x" and view.get("mark", {}).get("type") == "rule"):
                    shown.add(field)
    for records in spec.get("datasets", {}).values():
        for record in records:
            yield from (v for k, v in record.items() if isinstance(v, str) and k in shown)


def _tooltips(spec: dict[str, Any]) -> set[str]:
    return {t["title"] for view in _views(spec)
            for t in (view.get("encoding") or {}).get("tooltip", [])}


def test_a_volume_chart_in_turkish_and_azerbaijani(catalog: Catalog) -> None:
    tr = charts.volume_chart(catalog.route("btk"), "t", colour="#0072B2", lang="tr").to_dict()
    assert tr["title"] == {"text": "BTK: yıllık taşınan miktarlar", "subtitle": "yılda ton",
                           "anchor": "start"}
    assert {"yıl", "taşınan miktar", "kaynak", "bağlantı", "geçerli kapasite",
            "diğer kaynaklar"} <= _tooltips(tr) | set(chart_words(tr))
    words = set(chart_words(tr))
    assert "110.174 ton" in words  # every digit, Turkish separators, the unit in Turkish
    assert "yılda 1.000.000 ton" in words  # the capacity in force, a year
    assert tr["config"]["locale"]["number"]["decimal"] == ","
    assert tr["config"]["locale"]["number"]["thousands"] == "."
    az = charts.volume_chart(catalog.route("btk"), "t", colour="#0072B2", lang="az").to_dict()
    assert az["title"]["text"] == "BTQ: illik nəql həcmləri"
    assert {"il", "nəql edilən həcm", "mənbə", "keçid", "digər mənbələr"} <= _tooltips(az) | set(
        chart_words(az))
    assert "110.174 ton" in set(chart_words(az))
    btc = charts.volume_chart(catalog.route("btc"), "million bbl", colour="#D55E00",
                              lang="tr").to_dict()
    rows = [r for rows in btc["datasets"].values() for r in rows]
    # other sources' values: what they are and whose, in Turkish
    series = {r["series"] for r in rows if "series" in r}
    assert "başka kaynak" in series and not series & {"reported", "alternative"}
    assert not [r["source"] for r in rows if r.get("source", "").endswith("n.d.")]
    scp = charts.volume_chart(catalog.route("scp"), "bcm", colour="#0072B2", lang="az")
    scp_spec = scp.to_dict()
    assert "məlumat yoxdur" in set(chart_words(scp_spec))  # a gap year's mark
    (bars,) = [v for v in _views(scp_spec) if v.get("mark", {}).get("type") == "bar"]
    assert bars["encoding"]["y"]["title"] == "ildə mlrd m³"


def test_overview_charts_in_turkish_and_azerbaijani(catalog: Catalog) -> None:
    gas = charts.gas_exports_chart(panels.gas_exports_frame(catalog), lang="tr").to_dict()
    assert gas["title"]["text"] == "Azerbaycan'ın gaz ihracatı"
    assert gas["title"]["subtitle"] == "yöne göre, yılda milyar m³"
    assert {"yıl", "yön", "ihracat", "kaynaklar"} <= _tooltips(gas)
    destinations = {r["destination"] for rows in gas["datasets"].values() for r in rows}
    assert {"Avrupa", "Gürcistan", "Türkiye"} <= destinations
    assert not destinations & {"Europe", "Georgia", "total"}
    lengths = charts.lengths_chart(panels.corridor_overview(catalog, {"btc": 1750.0}),
                                   lang="az").to_dict()
    assert lengths["title"] == {"text": "Növlər üzrə xətlərin uzunluğu",
                                "subtitle": "sənədlərdəki və xəritədəki, km",
                                "anchor": "start"}
    assert {"Neft kəmərləri", "sənədlərdəki", "xəritədəki", "1.768 km"} <= set(
        chart_words(lengths))
    (flows,) = [charts.flows_chart([p for p in headline.flow_history(catalog, None)
                                    if p.unit == "Mt/y"], lang="az",
                                   colours={"BTK": "#CC79A7"}).to_dict()]
    records = flows["datasets"][flows["data"]["name"]]
    assert {r["route"] for r in records} == {"BTQ"}  # its Azerbaijani short name
    (line,) = [v for v in _views(flows) if v.get("mark", {}).get("type") == "line"]
    # the caller's colour, given by the route's English short name, follows the name
    assert line["encoding"]["color"]["scale"] == {"domain": ["BTQ"], "range": ["#CC79A7"]}
    assert line["encoding"]["y"]["title"] == "mln ton/il"
    btq = {r["year"]: r for r in records}
    assert btq[2022]["carried"] == "0,432 mln ton/il"
    assert btq[2022]["utilisation"] == "43%"
    tr_flows = charts.flows_chart([p for p in headline.flow_history(catalog, None)
                                   if p.unit == "Mt/y"], lang="tr").to_dict()
    assert {r["year"]: r["utilisation"] for r in
            tr_flows["datasets"][tr_flows["data"]["name"]]}[2022] == "%43"
    timeline_spec = charts.milestone_timeline(
        panels.milestones_frame(catalog.route("btk")), lang="tr").to_dict()
    assert {"tarih", "olay", "tarihin kesinliği"} <= _tooltips(timeline_spec) | set(
        chart_words(timeline_spec))
    assert {"gün", "ay", "yıl"} >= {r["precision"] for r in
                                   timeline_spec["datasets"][timeline_spec["data"]["name"]]}


def test_vega_locales_come_from_cldr() -> None:
    tr, az = charts.vega_locale("tr"), charts.vega_locale("az")
    assert charts.vega_locale("en") is None and charts.vega_locale(i18n.PSEUDO) is None
    assert tr is not None and az is not None
    assert (tr["number"]["decimal"], tr["number"]["thousands"]) == (",", ".")
    assert (az["number"]["decimal"], az["number"]["thousands"]) == (",", ".")
    assert tr["time"]["months"][0] == "Ocak" and az["time"]["months"][6] == "iyul"
    assert tr["time"]["days"][0] == "Pazar"  # d3 counts from Sunday
    assert az["time"]["shortMonths"][11].startswith("dek")


def test_english_charts_carry_no_locale(catalog: Catalog) -> None:
    for where, spec in _specs(catalog, "en"):
        assert "locale" not in spec.get("config", {}), where


def test_pseudo_locale_charts_have_no_untranslated_words(catalog: Catalog) -> None:
    allowed = data_texts(catalog) + [
        r.short_name for r in catalog.routes]
    frames = [panels.milestones_frame(r) for r in catalog.routes]
    frames += [panels.gas_exports_frame(catalog),
               panels.corridor_overview(catalog, {"btc": 1750.0, "scp": 700.0})]
    # the frames' own texts (panels' words, the catalog's notes and sources) are checked
    # where the frames are made; here only what the chart adds
    for frame in frames:
        for column in frame.columns:
            if column not in ("precision", "measure", "kind"):
                allowed += [str(v) for v in frame[column] if isinstance(v, str)]
    for route in catalog.routes:
        frame = panels.volumes_frame(route)
        for column in frame.columns:
            allowed += [str(v) for v in frame[column] if isinstance(v, str)]
        for unit in panels.volume_units(route):
            steps = panels.capacity_steps(route, unit, range(1990, 2030))
            allowed += [t for c in steps for t in (c.what, c.basis, c.source, c.derivation,
                                                  c.published) if t]
    found = {}
    for where, spec in _specs(catalog, i18n.PSEUDO):
        for text in {*chart_words(spec), *_tooltips(spec)}:
            if words := i18n.unmarked(text, allowed=allowed):
                found[f"{where}: {text}"] = words
    assert not found
