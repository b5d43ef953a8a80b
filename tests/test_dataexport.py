"""Data downloads (GeoJSON, CSV, KML), checked on real outputs of the real geo/ data."""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import simplekml

from corridor_atlas import dataexport
from corridor_atlas.dataexport import (
    CSV_COLUMNS,
    EXPORT_NAME,
    FLOW_FIELDS,
    KML_NAMESPACE,
    SOURCE_SEPARATOR,
    kml_colour,
)
from corridor_atlas.flows import route_flow
from corridor_atlas.layers import FACILITIES_ID, load_atlas
from corridor_atlas.panels import NO_SOURCED_VALUE
from corridor_atlas.scene import build_scene
from corridor_atlas.view import MapView, default_view

from .conftest import CONTEXT_IDS, ROUTE_IDS, XSS

NS = {"k": KML_NAMESPACE}
HOSTILE = f'{XSS} "quoted", with commas,\nand a second line'


def to_geojson(atlas, view: MapView) -> bytes:
    return dataexport.to_geojson(atlas, build_scene(atlas, view))


def to_csv(atlas, view: MapView) -> bytes:
    return dataexport.to_csv(build_scene(atlas, view))


def to_kml(atlas, view: MapView) -> bytes:
    return dataexport.to_kml(atlas, build_scene(atlas, view))


EXPORTERS = (to_geojson, to_csv, to_kml)


@pytest.fixture(scope="module")
def default(atlas) -> MapView:
    return default_view(atlas)


@pytest.fixture(scope="module")
def everything(atlas) -> MapView:
    return MapView(layers=(*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID), year=2026)


def _features(atlas, layers) -> int:
    return sum(len(atlas.facilities) if lid == FACILITIES_ID else len(atlas.routes[lid])
               for lid in layers)


def _geojson(atlas, view) -> tuple[dict, gpd.GeoDataFrame]:
    data = to_geojson(atlas, view)
    return json.loads(data.decode("utf-8")), gpd.read_file(io.BytesIO(data))


def _csv_rows(atlas, view) -> list[dict[str, str]]:
    data = to_csv(atlas, view)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _kml(atlas, view) -> ET.Element:
    return ET.fromstring(to_kml(atlas, view))


def _with_name(geo_copy: Path, edit_json, route_id: str, name: str):
    def rename(cat: dict) -> None:
        entry = next(r for r in cat["routes"] if r["id"] == route_id)
        entry["name"] = name

    edit_json(geo_copy / "catalog.json", rename)
    return load_atlas(geo_copy, strict=True)


# --------------------------------------------------------------------------- layers


def test_layers_follow_the_map_order_and_skip_unknown_or_missing(atlas, geo_copy) -> None:
    view = MapView(layers=("tap", FACILITIES_ID, "nope", "btc", "baku_supsa"), selected="btc")
    order = ["baku_supsa", "tap", "btc", FACILITIES_ID]
    assert list(build_scene(atlas, view).layer_ids) == order
    doc, _ = _geojson(atlas, view)
    assert doc["layers"] == order
    assert list(dict.fromkeys(f["properties"].get("route_id") or FACILITIES_ID
                              for f in doc["features"])) == order
    (geo_copy / "routes" / "tap.geojson").write_text("{broken", encoding="utf-8")
    partial = load_atlas(geo_copy)
    assert "tap" not in partial.routes
    assert json.loads(to_geojson(partial, view))["layers"] == ["baku_supsa", "btc",
                                                               FACILITIES_ID]
    for export in EXPORTERS:
        assert export(partial, view)  # a failed layer never stops the rest


def test_nothing_visible_gives_empty_but_valid_files(atlas) -> None:
    view = MapView(layers=("nope",))
    doc, frame = _geojson(atlas, view)
    assert doc["features"] == [] and len(frame) == 0
    assert _csv_rows(atlas, view) == []
    assert to_csv(atlas, view).decode("utf-8") == ",".join(CSV_COLUMNS) + "\n"
    assert _kml(atlas, view).findall(".//k:Folder", NS) == []


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_reads_back_with_every_visible_feature(atlas, everything) -> None:
    doc, frame = _geojson(atlas, everything)
    assert len(frame) == len(doc["features"]) == _features(atlas, everything.layers)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    routes = frame[frame["route_id"].notna()]
    assert set(routes["route_id"]) == {*ROUTE_IDS, *CONTEXT_IDS}
    assert (routes["route_id"] == "btk").sum() == 4
    assert (routes["route_id"] == "kars_nakhchivan").sum() == 4
    assert frame["facility_id"].notna().sum() == 16
    assert frame["licence"].notna().all() and frame["attribution"].notna().all()
    for column in ("route_id", "feature_id", "name", "name_tr", "name_az", "kind", "status",
                   "status_since", "status_source", "disputed_by", "segment",
                   "geometry_quality", "geometry_source", "licence", "attribution",
                   "length_km", "documented_length_km", "facility_id", "category", "precision"):
        assert column in frame.columns, column


def test_geojson_route_properties_come_from_layer_and_catalog(atlas, catalog, default) -> None:
    doc, _ = _geojson(atlas, default)
    tap = next(f for f in doc["features"] if f["properties"]["route_id"] == "tap")
    props, route, row = tap["properties"], catalog.route("tap"), atlas.routes["tap"].iloc[0]
    assert list(props) == sorted(props)
    assert props["name"] == route.name and props["name_tr"] == route.name_tr
    assert props["name_az"] == route.name_az and props["kind"] == "gas"
    assert props["licence"] == row["geometry_license"]
    assert props["attribution"] == row["geometry_attribution"]
    assert props["geometry_source"] == row["geometry_source"]
    assert props["length_km"] == round(row["length_km"], 1)
    assert props["documented_length_km"] == route.facts.length_km.value
    rail = [f["properties"] for f in doc["features"]
            if f["properties"]["route_id"] == "kars_nakhchivan"]
    assert [p["status"] for p in rail] == ["construction", "construction", "planned",
                                           "construction"]
    assert [p["status_since"] for p in rail] == ["2025-08-22", "2025-08-22", "2020-02-25",
                                                 "2025-12-05"]
    assert "Takvim" in rail[0]["status_source"] and "Marja.az" in rail[3]["status_source"]


def test_geojson_keeps_full_resolution_geometry(atlas, default) -> None:
    doc, _ = _geojson(atlas, default)
    tanap = next(f for f in doc["features"] if f["properties"]["route_id"] == "tanap")
    assert len(tanap["geometry"]["coordinates"]) == len(atlas.routes["tanap"].geometry.iloc[0]
                                                         .coords)


def test_geojson_facility_properties(atlas, catalog) -> None:
    doc, _ = _geojson(atlas, MapView(layers=(FACILITIES_ID,)))
    props = {f["properties"]["facility_id"]: f["properties"] for f in doc["features"]}
    sangachal = props["sangachal"]
    fac = next(f for f in catalog.facilities.items if f.id == "sangachal")
    assert sangachal["name"] == fac.name and sangachal["category"] == "terminal"
    assert sangachal["kind"] == fac.kind and sangachal["precision"] == fac.precision
    assert sangachal["attribution"].startswith("Corridor Atlas catalog; sources: ")
    assert "bp Azerbaijan" in sangachal["attribution"]
    assert sangachal["licence"]


def test_geojson_collection_members(atlas, catalog, default) -> None:
    doc, _ = _geojson(atlas, default)
    assert doc["type"] == "FeatureCollection" and doc["name"] == EXPORT_NAME
    assert doc["as_of"] == catalog.as_of and doc["year"] == default.year
    assert len(doc["attribution"]) == len(catalog.attribution)
    assert all(a.text in line for a, line in zip(catalog.attribution, doc["attribution"],
                                                strict=True))


def test_geojson_holds_only_visible_layers_in_drawing_order(atlas) -> None:
    view = MapView(layers=("tap", "btk"), selected="tap")
    doc, _ = _geojson(atlas, view)
    assert [f["properties"]["route_id"] for f in doc["features"]] == ["btk"] * 4 + ["tap"]


# --------------------------------------------------------------------------- CSV


def test_csv_columns_and_every_figure_has_a_source(atlas, everything) -> None:
    data = to_csv(atlas, everything)
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = _csv_rows(atlas, everything)
    assert rows and list(rows[0]) == list(CSV_COLUMNS)
    for row in rows:
        if row["value"]:
            assert row["source_url"] or row["source_title"], row
            assert row["source_date"] or row["source_publisher"], row
        else:
            assert row["note"].startswith(NO_SOURCED_VALUE), row
            assert not row["source_publisher"] and not row["source_url"]
    assert {r["route_id"] for r in rows} == {*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID}


def test_csv_keeps_gaps_visible(atlas) -> None:
    rows = _csv_rows(atlas, MapView(layers=("igdir_nakhchivan",)))
    gaps = {r["figure"] for r in rows if r["note"].startswith(NO_SOURCED_VALUE)}
    assert {"shareholders", "cost"} <= gaps
    assert "diameter" not in gaps  # 16 in (FED.az citing Report)


def test_csv_has_key_figures_volumes_and_milestones(atlas, default) -> None:
    rows = _csv_rows(atlas, default)
    tap = [r for r in rows if r["route_id"] == "tap"]
    volume = [r for r in tap if r["figure"] == "annual volume" and r["year"] == "2021"]
    assert len(volume) == 1
    assert volume[0]["value"] == "8.1" and volume[0]["unit"] == "bcm"
    assert volume[0]["source_publisher"] == "Azernews" and volume[0]["source_url"]
    assert volume[0]["source_title"] and volume[0]["source_date"] == "2022-06-10"
    figures = {r["figure"] for r in tap}
    assert {"status", "operator", "documented length", "diameter", "design capacity",
            "expanded capacity added", "cost", "shareholder", "milestone"} <= figures
    assert not figures & {"name (English)", "kind", "start", "end", "countries"}
    length = next(r for r in tap if r["figure"] == "documented length")
    assert (length["value"], length["unit"]) == ("878", "km")
    assert [r["route_id"] for r in rows] == sorted(
        (r["route_id"] for r in rows), key=list(default.layers).index)


def test_csv_year_filter(atlas) -> None:
    rows = _csv_rows(atlas, MapView(layers=ROUTE_IDS, year=2005))
    dated = [r for r in rows if r["figure"].startswith(("annual volume", "milestone"))]
    assert dated and all(int(r["year"]) <= 2005 for r in dated)
    periods = [r for r in rows if r["figure"] == "volume over a period"]
    assert all(int(r["year"]) <= 2005 for r in periods if r["year"])  # undated ones stay
    assert any(r["figure"] == "milestone" and r["year"] == "2005" for r in rows)
    assert not any(r["route_id"] == "tap" and r["figure"].startswith("annual volume")
                   for r in rows)
    assert len(_csv_rows(atlas, MapView(layers=ROUTE_IDS))) > len(rows)  # no year: all


def test_csv_facility_rows_carry_their_sources(atlas) -> None:
    rows = _csv_rows(atlas, MapView(layers=(FACILITIES_ID,)))
    assert rows and {r["route_id"] for r in rows} == {FACILITIES_ID}
    sangachal = [r for r in rows if r["route"] == "Sangachal Terminal"]
    assert {r["figure"] for r in sangachal} >= {"area (ha)", "distance from Baku (km)", "operator"}
    assert all("bp Azerbaijan" in r["source_publisher"].split(SOURCE_SEPARATOR)
               and r["source_url"] for r in sangachal)


def test_csv_writes_each_field_of_a_figure_in_its_own_column(atlas, catalog) -> None:
    rows = _csv_rows(atlas, MapView(layers=("btc",)))
    facts = catalog.route("btc").facts
    expanded = next(r for r in rows if r["figure"] == "expanded capacity")
    assert (expanded["value"], expanded["unit"]) == ("1.2", "million bbl/day")
    src = next(c for c in facts.capacity if c.what == "expanded").source
    assert (expanded["source_publisher"], expanded["source_title"], expanded["source_date"],
            expanded["source_url"]) == (src.publisher, src.title, "", src.url)
    bp = next(r for r in rows if r["figure"] == "shareholder" and r["part"] == "bp")
    assert (bp["value"], bp["unit"], bp["date"]) == ("30.1", "%", "2025-12")
    status = next(r for r in rows if r["figure"] == "status")
    assert (status["value"], status["source_date"], status["source_url"]) == (
        facts.status, facts.status_source.date, facts.status_source.url)
    assert status["source_publisher"] == status["source_title"] == ""
    by_country = [r for r in rows if r["figure"] == "length by country (alternative)"]
    assert [(r["part"], r["value"], r["unit"]) for r in by_country] == [
        ("AZE", "449", "km"), ("GEO", "235", "km"), ("TUR", "1092", "km")]
    milestone = next(r for r in rows if r["figure"] == "milestone" and len(r["date"]) == 10)
    assert milestone["year"] == milestone["date"][:4] and "date:" not in milestone["note"]


def test_csv_lists_several_sources_in_the_same_order_in_each_column(atlas, catalog) -> None:
    rows = _csv_rows(atlas, MapView(layers=("btc",)))
    operator = next(r for r in rows if r["figure"] == "operator")
    sources = catalog.route("btc").facts.operator_source
    assert len(sources) > 1
    columns = {c: operator[c].split(SOURCE_SEPARATOR) for c in
               ("source_publisher", "source_title", "source_date", "source_url")}
    assert columns == {"source_publisher": [s.publisher for s in sources],
                       "source_title": [s.title for s in sources],
                       "source_date": [s.date or "" for s in sources],
                       "source_url": [s.url or "" for s in sources]}


def test_csv_does_not_read_the_text_made_for_display(atlas, monkeypatch) -> None:
    """Every function that writes figures, numbers or sources in words answers nonsense:
    the CSV stays the same byte for byte."""
    import sys

    view = MapView(layers=(*ROUTE_IDS, *CONTEXT_IDS, FACILITIES_ID), year=2024)
    before = to_csv(atlas, view)
    wording = ("figure_value", "figure_note", "figure_source", "source_label",
               "sources_label", "stale_note", "published", "number", "quantity", "date")
    patched = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("corridor_atlas"):
            continue
        for attr in wording:
            if callable(getattr(module, attr, None)):
                monkeypatch.setattr(module, attr, lambda *a, **k: "RENAMED")
                patched += 1
    assert patched >= len(wording)
    from corridor_atlas import panels

    assert set(panels.key_figures(atlas.catalog.route("btc"), None)["value"]) == {"RENAMED"}
    assert to_csv(atlas, view) == before


def test_csv_rows_do_not_depend_on_figure_labels(atlas, monkeypatch) -> None:
    from dataclasses import replace

    from corridor_atlas.dataexport import csvtable

    view = MapView(layers=ROUTE_IDS, year=2024)
    before = _csv_rows(atlas, view)
    original = csvtable.route_figures
    monkeypatch.setattr(csvtable, "route_figures", lambda route: tuple(
        replace(f, label=f"renamed {i}") for i, f in enumerate(original(route))))
    after = _csv_rows(atlas, view)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert new["figure"].startswith("renamed ")
        assert {**new, "figure": ""} == {**old, "figure": ""}


# --------------------------------------------------------------------------- KML


def test_kml_parses_with_a_folder_per_visible_layer(atlas, catalog, everything) -> None:
    root = _kml(atlas, everything)
    assert root.tag == f"{{{KML_NAMESPACE}}}kml"
    doc = root.find("k:Document", NS)
    assert doc.findtext("k:name", namespaces=NS) == "Corridor Atlas"
    description = doc.findtext("k:description", namespaces=NS)
    assert catalog.as_of in description
    assert all(a.text in description for a in catalog.attribution)
    folders = doc.findall("k:Folder", NS)
    layers = list(build_scene(atlas, everything).layer_ids)
    names = [catalog.route(lid).name if lid != FACILITIES_ID else "Facilities"
             for lid in layers]
    assert [f.findtext("k:name", namespaces=NS) for f in folders] == names
    assert len(root.findall(".//k:Placemark", NS)) == _features(atlas, layers)
    assert len(root.findall(".//k:Point", NS)) == 16
    btk = folders[layers.index("btk")]
    assert len(btk.findall("k:Placemark", NS)) == 4
    assert len(btk.findall(".//k:LineString", NS)) == 4


def _kml_lines(root: ET.Element) -> dict[str, tuple[str, float]]:
    """Each route placemark's line colour and width, by placemark id."""
    looks = {s.get("id"): (s.findtext("k:LineStyle/k:color", namespaces=NS),
                           float(s.findtext("k:LineStyle/k:width", namespaces=NS)))
             for s in root.iter(f"{{{KML_NAMESPACE}}}Style") if s.find("k:LineStyle", NS)
             is not None}
    return {p.get("id"): looks[p.findtext("k:styleUrl", namespaces=NS)[1:]]
            for p in root.iter(f"{{{KML_NAMESPACE}}}Placemark")}


@pytest.mark.parametrize("view", [MapView(layers=("tap", "btc")),
                                  MapView(layers=ROUTE_IDS, year=2022, flows=True)],
                         ids=["today", "flows-2022"])
def test_kml_lines_in_the_scenes_colours_and_widths(atlas, view) -> None:
    assert kml_colour("#0072B2") == "ffb27200"
    scene = build_scene(atlas, view)
    expected = {f"{r.id}-{i}": (kml_colour(s.style.colour, s.style.opacity),
                                max(1.0, round(s.style.weight * 2) / 2))
                for r in scene.routes for i, s in enumerate(r.segments, start=1)}
    assert _kml_lines(_kml(atlas, view)) == expected


def test_kml_descriptions_and_coordinates(atlas) -> None:
    root = _kml(atlas, MapView(layers=("btk",)))
    placemarks = root.findall(".//k:Placemark", NS)
    text = placemarks[3].findtext("k:description", namespaces=NS)
    for part in ("Kind: Railway", "Status: Operating (since 20 May 2024)", "Segment: Kartsakhi",
                 "Geometry quality: schematic", "Length as drawn: 64.5 km", "Licence: ODbL",
                 "Attribution: © OpenStreetMap contributors"):
        assert part in text, part
    existing = placemarks[0].findtext("k:description", namespaces=NS)
    assert "Status: Operating (an existing line, in use since 8 May 1883)" in existing
    coords = placemarks[0].findtext(".//k:coordinates", namespaces=NS).split()
    assert len(coords) == len(atlas.routes["btk"].geometry.iloc[0].coords)
    assert all(len(v.split(".")[-1]) <= 6 for c in coords for v in c.split(",")[:2])


def test_kml_multilinestring_becomes_several_lines(geo_copy, edit_json) -> None:
    def split(fc: dict) -> None:
        geom = fc["features"][0]["geometry"]
        coords = geom["coordinates"]
        half = len(coords) // 2
        fc["features"][0]["geometry"] = {"type": "MultiLineString",
                                         "coordinates": [coords[:half + 1], coords[half:]]}

    edit_json(geo_copy / "routes" / "tap.geojson", split)
    atlas = load_atlas(geo_copy, strict=True)
    root = _kml(atlas, MapView(layers=("tap",)))
    assert len(root.findall(".//k:Placemark", NS)) == 1
    assert len(root.findall(".//k:MultiGeometry/k:LineString", NS)) == 2
    _, frame = _geojson(atlas, MapView(layers=("tap",)))
    assert list(frame.geometry.geom_type) == ["MultiLineString"]


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("export", EXPORTERS, ids=lambda f: f.__name__)
def test_exports_are_byte_identical(atlas, everything, export) -> None:
    first = export(atlas, everything)
    simplekml.Kml().newpoint(name="moves the id counter", coords=[(1.0, 2.0)])
    assert export(atlas, everything) == first


def test_kml_ids_are_stable_names_not_counters(atlas, everything) -> None:
    root = _kml(atlas, everything)
    ids = [el.get("id") for el in root.iter() if el.get("id") is not None]
    assert len(ids) == len(set(ids))
    assert not any(i.isdigit() for i in ids)
    assert "btk-3" in ids and "facility-sangachal" in ids and "layer-tap" in ids


# --------------------------------------------------------------------------- hostile text


def test_hostile_route_name_stays_text_in_every_format(geo_copy, edit_json) -> None:
    atlas = _with_name(geo_copy, edit_json, "tap", HOSTILE)
    view = MapView(layers=("tap", "btc"), year=2024)

    doc, frame = _geojson(atlas, view)
    assert doc["features"][-1]["properties"]["name"] == HOSTILE
    assert HOSTILE in set(frame["name"])

    rows = _csv_rows(atlas, view)
    tap = [r for r in rows if r["route_id"] == "tap"]
    assert tap and all(r["route"] == HOSTILE for r in tap)
    assert all(list(r) == list(CSV_COLUMNS) and None not in r for r in rows)

    data = to_kml(atlas, view)
    assert b"<img" not in data and b"&lt;img src=x onerror=alert(1)&gt;" in data
    root = ET.fromstring(data)
    folder = root.find("k:Document/k:Folder[@id='layer-tap']", NS)
    assert folder.findtext("k:name", namespaces=NS) == HOSTILE
    assert folder.find("k:Placemark/k:name", NS).text == HOSTILE


def test_hostile_text_in_segment_and_facts_stays_text(geo_copy, edit_json) -> None:
    nasty = "<![CDATA[<script>x</script>]]> & \r\x01 \"end\""

    def poison_tap(fc: dict) -> None:
        fc["features"][0]["properties"]["segment"] = nasty
        fc["features"][0]["properties"]["geometry_attribution"] = XSS

    def poison_catalog(cat: dict) -> None:
        cat["facilities"]["items"][0]["facts"]["operator"] = nasty
        cat["facilities"]["items"][0]["name"] = XSS

    edit_json(geo_copy / "routes" / "tap.geojson", poison_tap)
    edit_json(geo_copy / "catalog.json", poison_catalog)
    atlas = load_atlas(geo_copy, strict=True)
    view = MapView(layers=("tap", FACILITIES_ID))

    doc, _ = _geojson(atlas, view)
    assert doc["features"][0]["properties"]["segment"] == nasty
    assert doc["features"][0]["properties"]["attribution"] == XSS

    rows = _csv_rows(atlas, view)
    assert any(r["figure"] == "operator" and r["value"] == nasty for r in rows)

    data = to_kml(atlas, view)
    assert b"<img" not in data and b"<script" not in data and b"CDATA" not in data.split(
        b"<description>")[0]
    root = ET.fromstring(data)
    tap = root.find(".//k:Placemark[@id='tap-1']", NS)
    description = tap.findtext("k:description", namespaces=NS)
    shown = nasty.replace("\x01", "\ufffd")  # XML 1.0 cannot hold control characters
    # descriptions are HTML balloons: the data text is HTML-escaped, so a reader shows it
    # literally and never runs it
    assert f"Segment: {html.escape(shown, quote=False)}" in description
    assert f"Attribution: {html.escape(XSS, quote=False)}" in description
    sangachal = root.find(".//k:Placemark[@id='facility-sangachal']", NS)
    assert sangachal.findtext("k:name", namespaces=NS) == XSS
    assert f"operator: {html.escape(shown, quote=False)}" in sangachal.findtext(
        "k:description", namespaces=NS)


def test_csv_cells_that_look_like_formulas_are_neutralised(geo_copy, edit_json) -> None:
    atlas = _with_name(geo_copy, edit_json, "btc", '=HYPERLINK("http://x","y")')
    rows = _csv_rows(atlas, MapView(layers=("btc",)))
    assert {r["route"] for r in rows} == {'\'=HYPERLINK("http://x","y")'}


# --------------------------------------------------------------------------- flows


def _throughput(catalog, route_id: str, year: int):
    (volume,) = [v for v in catalog.route(route_id).facts.annual_volumes
                 if v.year == year and v.measure == "throughput"]
    return volume


def _capacity(catalog, route_id: str, year: int):
    return next(c for c in catalog.route(route_id).facts.capacity
                if c.in_force is not None and c.in_force.covers(year))


def test_geojson_carries_each_routes_flow_with_its_sources(atlas, catalog) -> None:
    doc, frame = _geojson(atlas, MapView(layers=ROUTE_IDS, year=2022, flows=True))
    assert doc["flows"] is True
    assert all(field in frame.columns for field in FLOW_FIELDS)
    by_route = {f["properties"]["route_id"]: f["properties"] for f in doc["features"]
                if f["properties"]["status"] == "operating"}
    tap, volume, capacity = by_route["tap"], _throughput(catalog, "tap", 2022), _capacity(
        catalog, "tap", 2022)
    assert (tap["volume"], tap["volume_unit"], tap["volume_year"]) == (
        pytest.approx(volume.value), "bcm/y", 2022)
    assert tap["capacity"] == pytest.approx(capacity.value) and tap["capacity_unit"] == "bcm/y"
    assert tap["utilisation"] == pytest.approx(volume.value / capacity.value, abs=1e-4)
    assert volume.source.publisher in tap["volume_source"]
    assert capacity.source.publisher in tap["capacity_source"]
    # BTC reports barrels a year: the map carries barrels a day
    btc, barrels = by_route["btc"], _throughput(catalog, "btc", 2022)
    assert barrels.unit == "million bbl"
    assert btc["volume"] == pytest.approx(barrels.value * 1e6 / 365) and (
        btc["volume_unit"] == "bbl/d")
    assert btc["capacity"] == pytest.approx(_capacity(catalog, "btc", 2022).value * 1e6)


def test_a_year_without_a_figure_is_null_with_a_reason(atlas, catalog) -> None:
    tanap = catalog.route("tanap")
    assert not [v for v in tanap.facts.annual_volumes if v.year == 2023
                and v.measure == "throughput"]  # only what went to Türkiye
    doc, _ = _geojson(atlas, MapView(layers=("tanap", "kars_nakhchivan"), year=2023,
                                     flows=True))
    props = {f["properties"]["route_id"]: f["properties"] for f in doc["features"]}
    assert props["tanap"]["volume"] is None and props["tanap"]["utilisation"] is None
    assert props["tanap"]["volume_year"] == 2023
    assert "No sourced figure" in props["tanap"]["flow_note"]
    assert props["tanap"]["capacity"] == pytest.approx(_capacity(catalog, "tanap", 2023).value)
    assert props["kars_nakhchivan"]["volume"] is None
    assert props["kars_nakhchivan"]["flow_note"]


def test_without_flows_there_are_no_flow_properties(atlas) -> None:
    doc, _ = _geojson(atlas, MapView(layers=ROUTE_IDS, year=2022))
    assert doc["flows"] is False
    assert not any(field in f["properties"] for f in doc["features"] for field in FLOW_FIELDS)


def test_kml_carries_the_flow_as_extended_data(atlas, catalog) -> None:
    root = _kml(atlas, MapView(layers=("tap",), year=2022, flows=True))
    (placemark,) = root.iter(f"{{{KML_NAMESPACE}}}Placemark")
    data = {d.get("name"): d.findtext("k:value", namespaces=NS)
            for d in placemark.iterfind("k:ExtendedData/k:Data", NS)}
    assert set(data) == set(FLOW_FIELDS)
    assert float(data["volume"]) == pytest.approx(_throughput(catalog, "tap", 2022).value)
    assert "Utilisation:" in placemark.findtext("k:description", namespaces=NS)
    assert route_flow(catalog.route("tap"), 2022, operating=True).utilisation == pytest.approx(
        float(data["utilisation"]), abs=1e-4)


def test_the_csv_does_not_change_with_flows(atlas) -> None:
    plain = to_csv(atlas, MapView(layers=ROUTE_IDS, year=2022))
    assert to_csv(atlas, MapView(layers=ROUTE_IDS, year=2022, flows=True)) == plain
