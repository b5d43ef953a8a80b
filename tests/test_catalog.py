from __future__ import annotations

import pytest

from corridor_atlas.catalog import load_catalog
from corridor_atlas.errors import CatalogError

from .conftest import CONNECTION_IDS, CONTEXT_IDS, ROUTE_IDS


def test_load_catalog_reads_every_route(geo_dir):
    catalog, problems = load_catalog(geo_dir)
    assert problems == []
    assert catalog.route_ids == (*ROUTE_IDS, *CONTEXT_IDS, *CONNECTION_IDS)
    assert {r.id for r in catalog.routes if r.role == "connection"} == set(CONNECTION_IDS)
    assert catalog.route("scp").name == "South Caucasus Pipeline (SCP, Baku–Tbilisi–Erzurum)"
    assert catalog.route("scp").short_name == "SCP"
    assert catalog.route("igdir_nakhchivan").names["tr"] == "Iğdır–Nahçıvan Doğal Gaz Boru Hattı"
    assert catalog.route("btc").facts.length_km.value == 1768


def test_route_lookup_names_known_ids(geo_dir):
    catalog, _ = load_catalog(geo_dir)
    with pytest.raises(KeyError, match="known: btc, scp"):
        catalog.route("nope")


def test_missing_catalog_is_one_clear_error(tmp_path):
    with pytest.raises(CatalogError, match=r"catalog\.json: file not found"):
        load_catalog(tmp_path)


def test_truncated_catalog_names_line_and_column(geo_copy):
    path = geo_copy / "catalog.json"
    path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(CatalogError, match=r"not valid JSON: .* at line \d+, column \d+"):
        load_catalog(geo_copy)


def test_all_entry_problems_are_collected_with_file_feature_and_field(geo_copy, edit_json):
    def break_two(cat):
        cat["routes"][0]["facts"]["capacity"][0]["value"] = "a lot"  # mistyped
        del cat["routes"][3]["kind"]  # missing
        cat["routes"][4]["status"] = "demolished"  # not a status

    edit_json(geo_copy / "catalog.json", break_two)
    with pytest.raises(CatalogError) as info:
        load_catalog(geo_copy)
    text = str(info.value)
    assert "3 problems" in text
    assert "geo/catalog.json, feature 'btc', field 'routes.0.facts.capacity.0.value'" in text
    assert "'a lot'" in text
    assert "feature 'tap', field 'routes.3.kind': Field required" in text
    assert "feature 'btk', field 'routes.4.status'" in text and "'demolished'" in text


def test_lenient_load_drops_only_the_bad_entry(geo_copy, edit_json):
    edit_json(geo_copy / "catalog.json",
              lambda cat: cat["routes"][0]["facts"]["milestones"][0].update(date="March 1993"))
    catalog, problems = load_catalog(geo_copy, strict=False)
    assert "btc" not in catalog.route_ids
    assert len(catalog.routes) == len(ROUTE_IDS + CONTEXT_IDS + CONNECTION_IDS) - 1
    assert len(problems) == 1 and problems[0].feature == "btc"
    assert "milestones.0.date" in problems[0].field


def test_duplicate_route_id_is_reported(geo_copy, edit_json):
    edit_json(geo_copy / "catalog.json",
              lambda cat: cat["routes"].append(cat["routes"][1]))
    catalog, problems = load_catalog(geo_copy, strict=False)
    assert catalog.route_ids.count("scp") == 1
    assert any("duplicate route id 'scp'" in str(p) for p in problems)


def test_misspelled_field_is_rejected(geo_copy, edit_json):
    edit_json(geo_copy / "catalog.json",
              lambda cat: cat["routes"][2].update(defualt_visible=True))
    _, problems = load_catalog(geo_copy, strict=False)
    assert [p.field for p in problems] == ["routes.2.defualt_visible"]
    assert "Extra inputs are not permitted" in problems[0].message


def test_source_without_url_needs_the_flag(geo_copy, edit_json):
    edit_json(geo_copy / "catalog.json",
              lambda cat: cat["routes"][0]["facts"]["length_km"]["source"].update(url=None))
    _, problems = load_catalog(geo_copy, strict=False)
    assert any("needs a url" in p.message for p in problems)
