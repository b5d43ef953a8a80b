"""Search by name over the real catalog, in English, Turkish and Azerbaijani."""

from __future__ import annotations

import doctest
from dataclasses import FrozenInstanceError

import pytest

from corridor_atlas import search as search_module
from corridor_atlas.layers import Atlas
from corridor_atlas.search import (
    Hit,
    SearchIndex,
    build_index,
    fold,
    strip_language,
    variants,
)

from .conftest import CONNECTION_IDS, CONTEXT_IDS, ROUTE_IDS


@pytest.fixture(scope="module")
def index(atlas) -> SearchIndex:
    return build_index(atlas)


def ids(hits: list[Hit], kind: str | None = None) -> list[str]:
    return [h.id for h in hits if kind is None or h.kind == kind]


# --- fold -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ı", "i"), ("I", "i"), ("İ", "i"), ("i", "i"),
        ("ə", "e"), ("Ə", "e"),
        ("ğ", "g"), ("Ğ", "g"), ("ş", "s"), ("Ş", "s"), ("ç", "c"), ("Ç", "c"),
        ("ö", "o"), ("Ö", "o"), ("ü", "u"), ("Ü", "u"),
        ("Iğdır", "igdir"), ("İĞDIR", "igdir"), ("Naxçıvan", "naxcivan"),
        ("Bakı–Tbilisi–Ərzurum", "baki tbilisi erzurum"),
        ("BAKU–TBİLİSİ", "baku tbilisi"),
        ("Türkgözü", "turkgozu"), ("Doğal Gaz", "dogal gaz"),
        ("a—b‑c-d_e/f", "a b c d e f"),
        ("  Trans   Adriatic\tPipeline (TAP) ", "trans adriatic pipeline tap"),
        ("<script>", "script"), ("", ""), ("–…!", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_leaves_no_combining_dot_after_turkish_capital_i():
    assert "İ".lower() != "i"  # the pitfall: i followed by U+0307
    assert fold("İstanbul") == "istanbul"
    assert all(ord(ch) < 128 for ch in fold("İĞÜŞÖÇIƏ"))


def test_variants_equate_transliterations_without_changing_the_key():
    assert variants("Nakhchivan") == ("nakhchivan", "naxcivan")
    assert variants("Nakhchivan")[-1] == variants("Nakhcivan")[-1] == variants("Naxçıvan")[-1]
    assert variants("Kars")[1] == variants("Qars")[0] == "qars"
    assert variants("Tbilisi") == ("tbilisi",)
    assert fold("Kars") == "kars"  # the main key stays as spelled


def test_strip_language():
    assert strip_language("Bakü–Tiflis–Kars Demiryolu (TR)") == "Bakü–Tiflis–Kars Demiryolu"
    assert strip_language("Bakı–Tbilisi–Qars dəmir yolu (BTQ, AZ)") == \
        "Bakı–Tbilisi–Qars dəmir yolu (BTQ)"
    assert strip_language("Azeri–Chirag–Gunashli (ACG)") == "Azeri–Chirag–Gunashli (ACG)"


def test_docstring_examples():
    result = doctest.testmod(search_module)
    assert result.attempted > 0 and result.failed == 0


# --- the index -----------------------------------------------------------------------

def test_index_holds_every_route_and_facility(index, catalog):
    indexed = {(e.kind, e.id) for e in index.entries}
    assert {("route", rid) for rid in (*ROUTE_IDS, *CONTEXT_IDS)} <= indexed
    assert {("facility", f.id) for f in catalog.facilities.items} <= indexed
    assert not any(e.name.endswith(("(TR)", "(AZ)", "(KA)")) for e in index.entries)


def test_igdir_finds_the_pipeline_and_the_city(index):
    hits = index.search("igdir")
    assert "igdir_nakhchivan" in ids(hits, "route")
    assert "igdir" in ids(hits, "facility")
    assert ids(index.search("Iğdır")) == ids(hits)


@pytest.mark.parametrize("query", ["naxcivan", "nakhcivan", "nakhchivan", "Naxçıvan"])
def test_nakhchivan_in_every_spelling(index, query):
    found = set(ids(index.search(query)))
    assert {"kars_nakhchivan", "igdir_nakhchivan", "nakhchivan_city"} <= found


def test_turkish_spelling_finds_the_routes_named_in_turkish(index):
    assert {"kars_nakhchivan", "igdir_nakhchivan"} <= set(ids(index.search("NAHÇIVAN")))


def test_baku_with_turkish_spelling(index):
    found = ids(index.search("bakü"), "route")
    assert {"btc", "btk", "baku_supsa"} <= set(found)


def test_uppercase_dotted_i_and_en_dash(index):
    hits = index.search("BAKU–TBİLİSİ")
    assert "btc" in ids(hits, "route")
    btc = next(h for h in hits if h.id == "btc")
    assert btc.label == "Baku–Tbilisi–Ceyhan oil pipeline (BTC)"
    assert fold("baku tbilisi") in fold(btc.matched)


def test_azerbaijani_gas_pipeline(index):
    hits = index.search("qaz kəməri")
    assert {"scp", "igdir_nakhchivan", "tanap"} <= set(ids(hits, "route"))
    assert all("kəməri" in h.matched.casefold() for h in hits)


def test_turkish_natural_gas(index):
    hits = index.search("doğal gaz")
    assert {"tap", "tanap", "scp"} <= set(ids(hits, "route"))
    tap = next(h for h in hits if h.id == "tap")
    assert tap.matched == "Trans Adriyatik Doğal Gaz Boru Hattı"
    assert tap.label == "Trans Adriatic Pipeline (TAP)"


@pytest.mark.parametrize("query", ["ərzurum", "erzurum", "ERZURUM"])
def test_erzurum(index, query):
    hits = index.search(query)
    assert "scp" in ids(hits, "route")
    assert "erzurum" in ids(hits, "facility")


def test_qars_is_kars(index):
    hits = index.search("qars")
    assert {"btk", "kars_nakhchivan"} <= set(ids(hits, "route"))
    assert "kars_station" in ids(hits, "facility")  # "Kars" through the loose key


def test_exact_name_ranks_first(index):
    hits = index.search("tanap")
    assert (hits[0].kind, hits[0].id) == ("route", "tanap")
    assert hits[0].score == 1.0
    assert all(h.score < 1.0 for h in hits[1:])


def test_ranking_bands(index):
    # exact > word prefix > substring > all words in any order
    assert index.search("TAP")[0].id == "tap"
    prefix = next(h for h in index.search("tbilisi") if h.id == "btc")
    inner = next(h for h in index.search("bilisi") if h.id == "btc")
    spread = next(h for h in index.search("railway tbilisi baku") if h.id == "btk")
    assert 1.0 > prefix.score > inner.score > spread.score > 0


def test_words_in_any_order(index):
    assert ids(index.search("tbilisi baku railway"))[0] == "btk"
    assert "btk" in ids(index.search("railway kars baku"))


def test_one_hit_per_item_and_deterministic_order(index):
    hits = index.search("baku")
    keys = [(h.kind, h.id) for h in hits]
    assert len(keys) == len(set(keys))
    order = [(-h.score, h.kind != "route", h.label) for h in hits]
    assert order == sorted(order)
    assert index.search("baku") == hits


def test_limit(index):
    assert len(index.search("a", limit=3)) == 0
    assert len(index.search("ba", limit=2)) == 2
    assert index.search("baku", limit=0) == []


@pytest.mark.parametrize("query", ["", "x", " ", "–", "<script>", "İ", "a" * 101,
                                   "baku " * 500, "<img src=x onerror=alert(1)>"])
def test_junk_finds_nothing(index, query):
    assert index.search(query) == []


def test_route_bbox_contains_the_route(index, atlas):
    for rid in (*ROUTE_IDS, *CONTEXT_IDS):
        hit = next(h for h in index.search(atlas.catalog.route(rid).short_name, limit=20)
                   if h.id == rid)
        w, s, e, n = hit.bbox
        x0, y0, x1, y1 = atlas.routes[rid].total_bounds
        assert w <= x0 and s <= y0 and e >= x1 and n >= y1, rid


def test_facility_bbox_surrounds_the_point(index, atlas):
    hit = next(h for h in index.search("Sangachal") if h.id == "sangachal")
    w, s, e, n = hit.bbox
    point = atlas.facilities.set_index("facility_id").geometry["sangachal"]
    assert w < point.x < e and s < point.y < n
    assert e - w < 1 and n - s < 1


def test_facility_without_coordinates_is_found_by_its_sourced_proxies(index):
    # No source gives the terminal's own location; the catalog gives two sourced towns
    # that stand in for it: the box is around them, and the hit names them.
    hit = next(h for h in index.search("ceyhan") if h.id == "ceyhan_terminal")
    assert hit.kind == "facility"
    assert hit.proxies == ("Ceyhan town", "Yumurtalık town")
    w, s, e, n = hit.bbox
    assert w < 35.79667 < e and w < 35.817 < e and s < 36.76917 < n and s < 37.033 < n
    assert "ceyhan_terminal" in ids(index.search("ceyhan terminal"))


def test_facility_without_any_location_is_found_with_no_bbox(index):
    hit = next(h for h in index.search("dilucu") if h.id == "dilucu")
    assert (hit.kind, hit.bbox, hit.proxies) == ("facility", None, ())


def test_hits_are_frozen(index):
    hit = index.search("tanap")[0]
    with pytest.raises(FrozenInstanceError):
        hit.score = 0.0  # type: ignore[misc]


def test_index_without_layers_still_finds_names(atlas):
    bare = Atlas(atlas.catalog, {}, None, None)
    hits = build_index(bare).search("btc")
    assert hits[0].id == "btc" and hits[0].bbox is None
    sangachal = next(h for h in build_index(bare).search("sangachal"))
    assert sangachal.bbox is not None  # from the catalog's coordinates
    assert build_index(Atlas(None, {}, None, None)).search("btc") == []


@pytest.mark.parametrize(("query", "route_id"), [
    ("Interconnector Greece–Bulgaria", "igb"), ("Gümülcine", "igb"),
    ("Yunanıstan–Bolqarıstan", "igb"),
    ("Kilis", "kilis_aleppo"), ("Türkiye-Suriye Doğal Gaz", "kilis_aleppo"),
    ("Kilis-Hələb", "kilis_aleppo"),
    ("Horadiz", "horadiz_aghband"), ("Ağbend demiryolu", "horadiz_aghband"),
    ("Ağbənd dəmir yolu", "horadiz_aghband"),
    ("TRIPP", "tripp"), ("Trump Rotası", "tripp"), ("Tramp Marşrutu", "tripp"),
    ("Black Sea Transmission", "bstn"), ("Borçka-Sınır-Gürcistan", "bstn"),
    ("Qara dəniz elektrik", "bstn"),
])
def test_the_connections_are_found_in_english_turkish_and_azerbaijani(index, query, route_id):
    hits = index.search(query, limit=8)
    assert any(h.kind == "route" and h.id == route_id for h in hits), (query, hits)


def test_connection_bboxes_contain_their_lines(index, atlas):
    for rid in CONNECTION_IDS:
        hit = next(h for h in index.search(atlas.catalog.route(rid).short_name, limit=20)
                   if h.id == rid)
        w, s, e, n = hit.bbox
        x0, y0, x1, y1 = atlas.routes[rid].total_bounds
        assert w <= x0 and s <= y0 and e >= x1 and n >= y1, rid
