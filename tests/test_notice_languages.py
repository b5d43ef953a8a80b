"""What tells a reader something went wrong, or what was found, in Turkish and Azerbaijani.

An upload's notes and refusals, the notices about a link's ignored values, the search's
names and notes, an export's note and errors, and the data's problems: each test reads
the real text the library gives the app (the catalogs compiled by ``make``), in the
reader's language, and checks that it still names the file, feature and field. The
pseudo-locale (``qps``) marks every message: a word left outside the marks, other than
the data's own (file names, ids, values), was never translated.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from corridor_atlas import exports, i18n, search
from corridor_atlas.errors import LayerError, UploadError
from corridor_atlas.layers import load_atlas, read_route
from corridor_atlas.settings import MB
from corridor_atlas.uploads import (
    Limits,
    Shelf,
    Upload,
    attribute_table,
    read_upload,
    read_upload_file,
)
from corridor_atlas.urlstate import UrlState, parse_query, standing, to_query
from corridor_atlas.view import MapView

from .conftest import VENDOR_DIR

BAD = Path(__file__).resolve().parent / "data" / "bad"
CORPUS = sorted(p for p in BAD.iterdir() if p.is_file() and p.suffix != ".json")
READERS = ("tr", "az")


def _fc(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _point(lon: float, lat: float, **props: object) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


SITES = _fc(_point(44.79, 41.71, name="Tbilisi"), _point(49.87, 40.41, name="Baku"))


def _refusal(data: bytes, name: str, **kw: object) -> UploadError:
    with pytest.raises(UploadError) as info:
        read_upload(data, name, **kw)  # type: ignore[arg-type]
    return info.value


# --- an upload refused -----------------------------------------------------------------------

@pytest.mark.parametrize(("file", "tr", "az"), [
    ("empty.geojson", "empty.geojson: dosya boş", "empty.geojson: fayl boşdur"),
    ("coordinates_strings.geojson",
     "coordinates_strings.geojson: obje #0: koordinatlar sayı olmalıdır, gelen: '44.79' "
     "(bir metin)",
     "coordinates_strings.geojson: obyekt #0: koordinatlar ədəd olmalıdır, gələn: '44.79' "
     "(mətn)"),
    ("null_geometries.geojson", "null_geometries.geojson: 2 objesinin hiçbirinde geometri yok",
     "null_geometries.geojson: 2 obyektinin heç birinin həndəsəsi yoxdur"),
    ("mislabelled.kml",
     "mislabelled.kml: uzantısı .kml ama KML değil (başında <kml> öğesi yok); GeoJSON gibi "
     "görünüyor",
     "mislabelled.kml: uzantısı .kml, amma KML deyil (əvvəlində <kml> elementi yoxdur); "
     "GeoJSON kimi görünür"),
    ("missing_dbf.zip",
     "missing_dbf.zip: zip içindeki Shapefile için eksik: .dbf; .shp dosyasını .shx, .dbf ve "
     ".prj ile birlikte sıkıştırın",
     "missing_dbf.zip: zip daxilindəki Shapefile üçün çatışmır: .dbf; .shp faylını .shx, .dbf "
     "və .prj ilə birlikdə sıxışdırın"),
    ("bomb.zip",
     "bomb.zip: zip öğesi 'zeros.shp' 1.029:1 oranında genişliyor (20.387 bayttan 20.971.520 "
     "bayt); sınır 100:1; bu yüzden bir zip bombasına benziyor",
     "bomb.zip: zip elementi 'zeros.shp' 1.029:1 nisbətində genişlənir (20.387 baytdan "
     "20.971.520 bayt); hədd: 100:1; ona görə bu, zip bombasına bənzəyir"),
    ("unknown_type.geojson",
     "unknown_type.geojson: obje #0: bilinmeyen geometri türü 'Circle'; beklenen: Point, "
     "LineString, Polygon ya da bunların Multi- biçimleri",
     "unknown_type.geojson: obyekt #0: naməlum həndəsə növü 'Circle'; gözlənilən: Point, "
     "LineString, Polygon və ya onların Multi- formaları"),
], ids=lambda v: v if v.endswith((".geojson", ".kml", ".zip")) else "")
def test_a_refused_upload_says_why_in_the_readers_language(file, tr, az):
    err = _refusal((BAD / file).read_bytes(), file)
    assert (err.text("tr"), err.text("az")) == (tr, az)


def test_sizes_and_counts_are_written_as_the_reader_writes_numbers():
    big = b'{"type": "FeatureCollection", "features": []}' + b" " * int(1.5 * MB)
    err = _refusal(big, "big.geojson", limits=Limits(max_bytes=MB))
    assert str(err) == "big.geojson: the file is 1.5 MB; the limit is 1 MB"
    assert err.text("tr") == "big.geojson: dosya 1,5 MB; sınır 1 MB"
    assert err.text("az") == "big.geojson: faylın həcmi 1,5 MB; hədd: 1 MB"
    many = _fc(*[_point(44.0 + i / 1000, 41.0) for i in range(1_201)])
    err = _refusal(many, "many.geojson", limits=Limits(max_features=1_000))
    assert err.text("tr") == "many.geojson: 1.201 obje içeriyor; sınır 1.000"
    assert err.text("az") == "many.geojson: 1.201 obyekt saxlayır; hədd: 1.000"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_refusal_is_translated_and_still_names_the_file(path):
    err = _refusal(path.read_bytes(), path.name)
    english = str(err)
    for lang in READERS:
        text = err.text(lang)
        assert text.startswith(f"{path.name}: ") and text != english, text
    assert err.text("en") == english
    assert i18n.unmarked(err.text(i18n.PSEUDO), allowed=[path.name]) == []


def test_a_file_on_disk_is_refused_in_the_readers_language(tmp_path):
    with pytest.raises(UploadError) as missing:
        read_upload_file(tmp_path / "nowhere.kml")
    assert missing.value.text("tr").endswith("nowhere.kml: dosya bulunamadı")
    with pytest.raises(UploadError) as folder:
        read_upload_file(tmp_path)
    # one line naming the folder once: not "cannot be read (…: is a folder, not a file)"
    assert str(folder.value) == f"{tmp_path}: is a folder, not a file"
    assert folder.value.text("az") == f"{tmp_path}: qovluqdur, fayl deyil"


# --- an upload read, or not drawn ------------------------------------------------------------

def test_the_shelf_notes_each_file_in_the_readers_language():
    uploads = [Upload("1", "sites.geojson", SITES), Upload("2", "copy.geojson", SITES),
               Upload("3", "bad.geojson", (BAD / "nan.geojson").read_bytes()),
               Upload("4", "again.geojson", (BAD / "nan.geojson").read_bytes())]
    notes = {lang: [(n.level, n.text) for n in Shelf().update(uploads, lang=lang).notes]
             for lang in ("en", "tr", "az")}
    assert notes["tr"] == [
        ("info", "sites.geojson: 2 obje, geometri türleri Point, koordinat sistemi EPSG:4326, "
                 "kapsam 44,7900; 40,4100; 49,8700; 41,7100"),
        ("warning", "copy.geojson: zaten sites.geojson adıyla eklendi (aynı veri); bir kez "
                    "çiziliyor"),
        ("error", "bad.geojson: obje #0: NaN ya da sonsuz koordinatlar; her koordinat sonlu bir "
                  "sayı olmalıdır"),
        ("error", "again.geojson: zaten bad.geojson adıyla eklendi (aynı veri) ve "
                  "kullanılamıyor (yukarıya bakın)"),
    ]
    assert notes["az"] == [
        ("info", "sites.geojson: 2 obyekt, həndəsə növləri Point, koordinat sistemi EPSG:4326, "
                 "əhatə 44,7900; 40,4100; 49,8700; 41,7100"),
        ("warning", "copy.geojson: artıq sites.geojson adı ilə əlavə olunub (eyni məlumat); bir "
                    "dəfə çəkilir"),
        ("error", "bad.geojson: obyekt #0: NaN və ya sonsuz koordinatlar; hər koordinat sonlu "
                  "ədəd olmalıdır"),
        ("error", "again.geojson: artıq bad.geojson adı ilə əlavə olunub (eyni məlumat) və "
                  "istifadə oluna bilmir (yuxarıya baxın)"),
    ]
    assert notes["en"][0] == ("info", "sites.geojson: 2 features, geometry types Point, "
                                      "CRS EPSG:4326, bounds 44.7900,40.4100,49.8700,41.7100")


def test_a_shelf_read_once_writes_its_notes_in_the_language_asked_each_time():
    shelf = Shelf(max_layers=1)
    uploads = [Upload("1", "a.geojson", SITES),
               Upload("2", "b.geojson", _fc(_point(43.0, 40.6)))]
    first = shelf.update(uploads, lang="tr").notes[1].text
    again = shelf.update(uploads, lang="az").notes[1].text
    assert first == ("b.geojson: çizilmedi: harita aynı anda kendi katmanlarınızdan en fazla 1 "
                     "tane alır; bunu çizmek için birini kaldırın")
    assert again == ("b.geojson: çəkilmədi: xəritə eyni anda öz qatlarınızdan ən çox 1 ədəd "
                     "götürür; bunu çəkmək üçün birini silin")
    assert shelf.update(uploads).notes[1].text.startswith("b.geojson: not drawn: the map takes")


def test_a_layers_description_and_table_heading_in_the_readers_language():
    layer = read_upload(_fc(_point(44.79, 41.71, name="Tbilisi")), "one.geojson")
    assert layer.describe("tr").startswith("1 obje, geometri türleri Point, koordinat sistemi")
    assert layer.describe("az").startswith("1 obyekt, həndəsə növləri Point, koordinat sistemi")
    assert list(attribute_table(layer, "tr").columns) == ["geometri türü", "name"]
    assert list(attribute_table(layer, "az").columns) == ["həndəsə növü", "name"]
    assert list(attribute_table(layer).columns) == ["geometry type", "name"]


def test_pseudo_locale_leaves_no_shelf_note_or_heading_unmarked():
    uploads = [Upload("1", "sites.geojson", SITES), Upload("2", "copy.geojson", SITES),
               Upload("3", "x.txt", b"hello")]
    shelved = Shelf(max_layers=1).update(
        [*uploads, Upload("4", "more.geojson", _fc(_point(43.0, 40.6)))], lang=i18n.PSEUDO)
    data = ["sites.geojson", "copy.geojson", "x.txt", "more.geojson", "Point"]
    for note in shelved.notes:
        assert i18n.unmarked(note.text, allowed=data) == [], note.text
    layer = shelved.layers[0]
    heading = attribute_table(layer, i18n.PSEUDO).columns[0]
    assert i18n.unmarked(heading) == []


# --- a link's values ignored -----------------------------------------------------------------

LAYERS, ROUTES, YEARS = ["btc", "tap", "facilities"], ["btc", "tap"], (1993, 2032)


def _parse(**params: str):
    return parse_query(params, layer_ids=LAYERS, route_ids=ROUTES, years=YEARS,
                       kinds=["oil", "gas"], statuses=["operating", "planned"])


@pytest.mark.parametrize(("params", "tr", "az"), [
    ({"year": "1850"},
     "URL'deki year=1850 yok sayıldı: veriler 1993–2032 yıllarını kapsıyor.",
     "URL-dəki year=1850 nəzərə alınmadı: məlumatlar 1993–2032 illərini əhatə edir."),
    ({"route": "atlantis"},
     "URL'deki route='atlantis' yok sayıldı: böyle bir hat yok.",
     "URL-dəki route='atlantis' nəzərə alınmadı: belə xətt yoxdur."),
    ({"layers": "btc,a,b,c,d,e,f"},
     "URL'deki bilinmeyen katman kimlikleri yok sayıldı: 'a', 'b', 'c', 'd', 'e' ve 1 tane "
     "daha. Bilinenler: btc, tap, facilities.",
     "URL-dəki naməlum qat identifikatorları nəzərə alınmadı: 'a', 'b', 'c', 'd', 'e' və daha "
     "1 ədəd. Məlum olanlar: btc, tap, facilities."),
    ({"zoom": "5"}, "Bilinmeyen URL parametresi 'zoom' yok sayıldı.",
     "Naməlum URL parametri 'zoom' nəzərə alınmadı."),
    ({"view": "91,2,5"},
     "URL'deki view='91,2,5' yok sayıldı: enlem −85…85, boylam −180…180 ve yakınlaştırma "
     "2…18 olmalı.",
     "URL-dəki view='91,2,5' nəzərə alınmadı: enlik −85…85, uzunluq −180…180 və "
     "yaxınlaşdırma 2…18 olmalıdır."),
], ids=["year", "route", "layers", "unknown", "view"])
def test_a_links_ignored_values_are_told_in_the_readers_language(params, tr, az):
    _, notices = _parse(**params)
    assert [(n.text_in("tr"), n.text_in("az")) for n in notices] == [(tr, az)]
    assert notices[0].text_in() == notices[0].text  # English, as before


def test_pseudo_locale_leaves_no_link_notice_unmarked():
    _, notices = _parse(year="abc", route="x", view="1,2", flows="maybe", kinds="coal",
                        status="ruined", layers="btc," * 200, zoom="5", lang="xx")
    assert len(notices) == 9
    values = ["'abc'", "'x'", "'1,2'", "'maybe'", "'coal'", "'ruined'", "'layers'", "'zoom'",
              "oil, gas", "operating, planned", "xx", "flows=1", "flows=0", "LAT,LON,ZOOM"]
    for notice in notices:
        assert i18n.unmarked(notice.text_in(i18n.PSEUDO), allowed=values) == [], notice.text


def test_the_language_is_read_from_the_link():
    assert _parse(lang="tr") == (UrlState(lang="tr"), [])
    assert _parse(lang="az-Latn-AZ")[0].lang == "az"
    state, notices = _parse(lang="klingon")
    assert state.lang is None and [n.key for n in notices] == ["lang"]
    # the reader gets English, so the notice is in English
    assert notices[0].text_in(i18n.choose("klingon").lang) == (
        "The link asks for the language “klingon”, which the atlas does not have; it is "
        "shown in English.")


def test_the_language_is_written_to_the_link_only_when_not_the_browsers():
    browser_tr = UrlState(("btc",), 2026, lang="tr")
    assert to_query(UrlState(("btc",), 2026, lang="tr"), default=browser_tr) == {}
    assert to_query(UrlState(("btc",), 2026, lang="az"), default=browser_tr) == {"lang": "az"}
    assert to_query(UrlState(("btc",), 2026, lang="en"), default=browser_tr) == {"lang": "en"}
    english = UrlState(("btc",), 2026)  # no browser language: English is the default
    assert to_query(UrlState(("btc",), 2026, lang="en"), default=english) == {}
    assert to_query(UrlState(("btc",), 2026, lang="tr"), default=english) == {"lang": "tr"}
    _, notices = _parse(lang="xx")
    assert standing(notices, opened={}, now={}) == notices
    assert standing(notices, opened={}, now={"lang": "tr"}) == []  # the reader picked one


# --- search ----------------------------------------------------------------------------------

def test_a_hit_is_named_in_the_readers_language(atlas):
    index = search.build_index(atlas)
    btk = index.search("kars tbilisi")[0]
    assert btk.id == "btk"
    assert btk.label_in("az") == atlas.catalog.route("btk").name_in("az")
    assert btk.label_in("az") != btk.label
    assert search.hit_text(btk, "az") == f"{btk.label_in('az')} — “{btk.matched}”"
    assert search.hit_text(btk) == f"{btk.label} — “{btk.matched}”"
    exact = index.search(btk.label_in("tr"))[0]
    assert search.hit_text(exact, "tr") == btk.label_in("tr")  # the name shown is the one typed


def test_the_note_after_a_pick_is_in_the_readers_language(atlas):
    index = search.build_index(atlas)
    ceyhan = next(h for h in index.search("ceyhan terminal") if h.proxies)
    name = atlas.catalog.facilities.items
    assert search.pick_note(ceyhan) == (
        f"No source gives the location of {ceyhan.label} itself: the map shows the area of "
        "Ceyhan town and Yumurtalık town, which stand in for it.")
    tr_name = next(f for f in name if f.id == ceyhan.id).name_in("tr")
    assert search.pick_note(ceyhan, "tr") == (
        f"Hiçbir kaynak {tr_name} için kesin konum vermiyor: harita, onun yerine geçen "
        "Ceyhan town ve Yumurtalık town çevresini gösteriyor.")
    nowhere = replace(ceyhan, bbox=None, proxies=())
    assert search.pick_note(nowhere, "az") == (
        f"Heç bir mənbə {ceyhan.label_in('az')} üçün yer göstərmir; xəritə olduğu yerdə "
        "qalır.")
    marked = search.pick_note(ceyhan, i18n.PSEUDO)
    assert i18n.unmarked(marked, allowed=[ceyhan.label, *ceyhan.proxies]) == []


# --- an export's note, and the data's problems -----------------------------------------------

def test_without_chromium_the_exports_note_is_in_the_readers_language(atlas, monkeypatch,
                                                                     tmp_path):
    monkeypatch.setenv("CORRIDOR_ATLAS_CHROMIUM", str(tmp_path / "none"))
    view = MapView(layers=("tap",), year=2026, lang="tr")
    result = exports.export(atlas, view, "png", vendor_dir=VENDOR_DIR, size=(640, 360))
    assert result.renderer == "print"
    assert result.note.startswith(
        "Chromium bulunamadı: `apt-get install chromium` ile kurun ya da "
        "CORRIDOR_ATLAS_CHROMIUM değişkenini ayarlayın; veya baskı çizimini kullanın (--static)")
    assert result.note.endswith("— yerine baskı çizimi kullanıldı.")


def test_a_data_files_problem_names_its_feature_and_field_in_the_readers_language(geo_copy):
    route = geo_copy / "routes" / "tap.geojson"
    doc = json.loads(route.read_text("utf-8"))
    doc["features"][0]["geometry"]["coordinates"][0] = ["east", 40.7]
    route.write_text(json.dumps(doc), "utf-8")
    from corridor_atlas.catalog import load_catalog

    with pytest.raises(LayerError) as raised:
        read_route(load_catalog(geo_copy)[0].route("tap"), geo_copy)
    (problem,) = raised.value.problems
    where, feature = problem.file, repr(problem.feature)  # the data's own names
    assert str(problem) == (f"{where}, feature {feature}, field 'geometry.coordinates': "
                            "coordinates must be numbers, got 'east' (a string)")
    assert problem.text("tr") == (f"{where}, obje {feature}, alan 'geometry.coordinates': "
                                  "koordinatlar sayı olmalıdır, gelen: 'east' (bir metin)")
    assert problem.text("az") == (f"{where}, obyekt {feature}, sahə 'geometry.coordinates': "
                                  "koordinatlar ədəd olmalıdır, gələn: 'east' (mətn)")
    marked = problem.text(i18n.PSEUDO)
    assert i18n.unmarked(marked, allowed=[where, feature, "'geometry.coordinates'",
                                          "'east'"]) == []
    (route.parent / "tap.geojson").unlink()
    atlas = load_atlas(geo_copy)
    assert [p.text("tr") for p in atlas.problems if p.file.endswith("tap.geojson")] == [
        f"{where}: dosya bulunamadı"]
