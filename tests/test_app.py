"""The app, run headless with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from corridor_atlas import styles
from corridor_atlas.view import default_year

from .conftest import ROOT, ROUTE_IDS, XSS, open_session

APP = str(ROOT / "app.py")


def _run(monkeypatch=None, geo_dir=None) -> AppTest:
    if monkeypatch is not None and geo_dir is not None:
        monkeypatch.setenv("CORRIDOR_ATLAS_GEO_DIR", str(geo_dir))
    at = open_session(AppTest.from_file(APP, default_timeout=60))
    assert not at.exception, at.exception
    return at


def _map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance")
                    if c.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)


def _drawn_routes(args: dict) -> set[str]:
    script = args["feature_group"] or ""
    return {rid for rid in (*ROUTE_IDS, "baku_supsa", "black_sea_cable")
            if f'"route_id": "{rid}"' in script}


def catalog_name(route_id: str) -> str:
    from corridor_atlas.catalog import load_catalog

    from .conftest import GEO_DIR

    catalog, _ = load_catalog(GEO_DIR)
    return catalog.route(route_id).name


def _drawn_groups(args: dict) -> int:
    """The feature groups the map draws (not the stand-ins of layers switched off)."""
    script = args["feature_group"] or ""
    return script.count("L.featureGroup(") - script.count("g.atlasOff = true;")


def _switched_off(args: dict) -> set[str]:
    """The layers the map's layer control lists as switched off."""
    import re

    return set(re.findall(r'g\.atlasLayer = "([a-z0-9_]+)"; g\.atlasOff = true;',
                          args["feature_group"] or ""))


def catalog_short_name(route_id: str) -> str:
    from corridor_atlas.catalog import load_catalog

    from .conftest import GEO_DIR

    catalog, _ = load_catalog(GEO_DIR)
    return catalog.route(route_id).short_name


@pytest.fixture
def app() -> AppTest:
    """A fresh app for each test: no test depends on another restoring its state."""
    return _run()


def test_app_draws_the_seven_routes_with_local_assets(app):
    args = _map_args(app)
    assert _drawn_routes(args) == set(ROUTE_IDS)
    # a group per route, the legend's and the names'
    assert _drawn_groups(args) == len(ROUTE_IDS) + 2
    for rid in ROUTE_IDS:
        assert json.dumps(catalog_short_name(rid), ensure_ascii=False) in args["feature_group"]
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith(("/app/static/vendor/", "data:")) for link in links)
    assert "http" not in json.dumps(links)
    assert "layer_control" in args["layer_control"]
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip",
                                        "bounds", "center", "zoom", "selected_layers"]


def test_unchecking_a_layer_removes_it_from_the_map_script(app):
    app.checkbox(key="layer_btc").uncheck().run()
    args = _map_args(app)
    assert "btc" not in _drawn_routes(args)
    assert _drawn_groups(args) == len(ROUTE_IDS) - 1 + 2
    app.checkbox(key="layer_btc").check().run()
    assert "btc" in _drawn_routes(_map_args(app))  # and back


def test_toggle_keeps_the_base_map_script(app):
    before = _map_args(app)["script"]
    app.checkbox(key="layer_tap").uncheck().run()
    after = _map_args(app)["script"]
    app.checkbox(key="layer_tap").check().run()
    strip = lambda s: __import__("re").sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731
    assert strip(before) == strip(after)  # same base map: the component is not remounted


def test_context_layers_are_off_by_default_and_can_be_shown(app):
    assert not app.checkbox(key="layer_black_sea_cable").value
    app.checkbox(key="layer_black_sea_cable").check().run()
    app.checkbox(key="layer_facilities").check().run()
    args = _map_args(app)
    assert "black_sea_cable" in _drawn_routes(args)
    assert '"facility_id": "sangachal"' in args["feature_group"]
    app.checkbox(key="layer_black_sea_cable").uncheck().run()
    app.checkbox(key="layer_facilities").uncheck().run()


def test_selecting_a_route_shows_its_panel_with_figures(app):
    app.selectbox(key="route").set_value("tap").run()
    assert not app.exception
    assert [h.value for h in app.header] == ["Trans Adriatic Pipeline (TAP)"]
    frames = [df.value for df in app.dataframe]
    figures = next(f for f in frames if "figure" in f.columns)
    length = figures[figures["figure"].str.contains("length", case=False)]
    assert "878" in " ".join(length["value"].astype(str))
    assert (figures["source"].fillna("").str.len() > 0).all()
    # the panel's tabs run only while shown: nothing of the Volumes tab is sent yet
    assert not any("series" in f.columns for f in frames)
    assert not app.get("vega_lite_chart")
    app.session_state["route_tab"] = "Volumes"
    app.run()
    frames = [df.value for df in app.dataframe]
    volumes = next(f for f in frames if "year" in f.columns and "series" in f.columns)
    assert (8.1, "bcm") in list(zip(volumes["volume"], volumes["unit"], strict=True))
    assert not any("figure" in f.columns for f in frames)
    # the selected route is drawn heavier on the map
    assert f'"weight": {styles.SELECTED_WEIGHT}' in _map_args(app)["feature_group"]
    app.session_state["route_tab"] = "Key figures"
    app.selectbox(key="route").set_value("__overview__").run()


def test_overview_panel_lists_context_figures_with_sources(app):
    assert app.header[0].value == "The corridor in figures"
    # only the open tab's charts are sent: what each family of routes carried
    assert len(app.get("vega_lite_chart")) == 3
    app.session_state["overview_tab"] = "Context"
    app.run()
    assert not app.get("vega_lite_chart")
    text = " ".join(m.value for m in app.markdown)
    assert "largest natural gas exporter to Türkiye" in text.replace("\\", "")
    assert "disputed" in text


def test_broken_layer_gives_a_notice_and_the_rest_still_draws(monkeypatch, geo_copy):
    (geo_copy / "routes" / "tanap.geojson").write_text('{"type": "FeatureCollection", "feat',
                                                     encoding="utf-8")
    at = _run(monkeypatch, geo_copy)
    notices = " ".join(t.value for t in at.text)
    assert "geo/routes/tanap.geojson: not valid JSON" in notices
    assert _drawn_routes(_map_args(at)) == set(ROUTE_IDS) - {"tanap"}


def test_broken_catalog_entry_drops_only_that_route(monkeypatch, geo_copy, edit_json):
    edit_json(geo_copy / "catalog.json",
              lambda cat: cat["routes"][1]["facts"]["capacity"][0].update(value="lots"))
    at = _run(monkeypatch, geo_copy)
    notices = " ".join(t.value for t in at.text)
    assert "feature 'scp', field 'routes.1.facts.capacity.0.value'" in notices
    assert _drawn_routes(_map_args(at)) == set(ROUTE_IDS) - {"scp"}


def test_unreadable_catalog_still_starts(monkeypatch, geo_copy):
    (geo_copy / "catalog.json").write_bytes(b"\xff\xfe not json")
    at = _run(monkeypatch, geo_copy)
    assert "catalog.json: not UTF-8" in " ".join(t.value for t in at.text)
    assert at.error and "catalog could not be read" in at.error[0].value


def test_script_in_data_shows_as_text(monkeypatch, geo_copy, edit_json):
    def poison(cat):
        route = cat["routes"][3]  # tap
        for key in ("name", "short_name", "name_tr", "name_az"):
            route[key] = XSS
        route["facts"]["status_detail"] = XSS
        route["facts"]["milestones"][0]["event"] = XSS

    edit_json(geo_copy / "catalog.json", poison)
    at = _run(monkeypatch, geo_copy)
    assert XSS not in _map_args(at)["feature_group"]
    at.selectbox(key="route").set_value("tap").run()
    assert not at.exception
    header = at.header[0].value
    assert "<img" not in header.replace("\\<", "") and "img src=x" in header
    assert all(XSS not in m.value for m in at.markdown)
    labels = [c.label for c in at.sidebar.checkbox]
    assert all("<img" not in label.replace("\\<", "") for label in labels)


def _open_export(at: AppTest) -> AppTest:
    """Open the export panel, whose widgets are sent only while it is open."""
    assert not at.get("selectbox") or "export_format" not in [s.key for s in at.selectbox]
    at.session_state["export_open"] = True
    return at.run()


def test_export_panel_prepares_the_current_view(monkeypatch):
    at = _open_export(_run())
    at.checkbox(key="layer_btc").uncheck().run()
    assert at.selectbox(key="export_format").options  # the panel is there
    at.selectbox(key="export_format").set_value("geojson").run()
    at.button(key="export_go").click().run()
    assert not at.exception
    (save,) = [b for b in at.get("download_button") if b.proto.label.startswith("Save ")]
    assert "corridor-atlas_all_2026.geojson" in save.proto.label
    # the bytes behind the button are the library's export of the same view
    from corridor_atlas.exports import export
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.view import MapView

    from .conftest import GEO_DIR, VENDOR_DIR

    view = MapView(layers=tuple(r for r in ROUTE_IDS if r != "btc"), year=2026)
    data = export(load_atlas(GEO_DIR), view, "geojson", vendor_dir=VENDOR_DIR).data
    assert f"({len(data) / 1024:,.0f} KB)" in save.proto.label
    assert b'"route_id":"btc"' not in data.replace(b" ", b"")
    # changing the view withdraws the prepared file
    at.checkbox(key="layer_tap").uncheck().run()
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("Save ")]


def test_export_panel_print_render_png(monkeypatch):
    at = _open_export(_run())
    at.selectbox(key="export_format").set_value("png").run()
    if not at.checkbox(key="export_static").disabled:  # without Chromium: on, and fixed
        at.checkbox(key="export_static").check().run()
    assert at.checkbox(key="export_static").value
    at.radio(key="export_size").set_value("custom").run()
    at.number_input(key="export_w").set_value(640).run()
    at.number_input(key="export_h").set_value(360).run()
    at.button(key="export_go").click().run()
    assert not at.exception and not at.error
    assert [b for b in at.get("download_button") if "corridor-atlas_all_2026.png" in b.proto.label]


def test_export_panel_shows_only_the_options_of_the_chosen_format():
    """Size and scale for a PNG, paper for a PDF, nothing for a data file."""
    at = _open_export(_run())
    wanted = {"png": {"export_size", "export_scale", "export_static"},
              "pdf": {"export_paper", "export_static"},
              "svg": {"export_size"},
              "html": set(), "geojson": set(), "csv": set(), "kml": set()}
    for fmt, keys in wanted.items():
        at.selectbox(key="export_format").set_value(fmt).run()
        assert not at.exception
        shown = {w.key for w in [*at.radio, *at.checkbox, *at.number_input]
                 if w.key and w.key.startswith("export_")}
        assert shown == keys, fmt
    at.selectbox(key="export_format").set_value("png").run()
    at.radio(key="export_size").set_value("custom").run()
    assert {w.key for w in at.number_input} >= {"export_w", "export_h"}
    at.selectbox(key="export_format").set_value("csv").run()
    assert not {w.key for w in at.number_input} & {"export_w", "export_h"}


def test_export_waits_until_the_map_shows_the_view_it_was_sent_to():
    """A link to a zoomed view: until the map reports the area it shows, an export would
    draw the whole corridor (a PDF with a 300 km scale bar for a view at 20 km)."""
    at = _run_with({"view": "40.6,43.3,8"})
    at.session_state["export_open"] = True
    at.run()
    assert at.button(key="export_go").disabled
    assert not [c for c in at.caption if "whole corridor" in c.value]
    assert [c for c in at.caption if "Waiting for the map" in c.value]


def test_without_chromium_the_app_offers_the_print_render(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRIDOR_ATLAS_CHROMIUM", str(tmp_path / "none"))
    at = _open_export(_run())
    assert any("Chromium is not installed" in i.value for i in at.info)
    static = at.checkbox(key="export_static")
    assert static.value and static.disabled


# --------------------------------------------------------------------------- time, URL, search


def _run_with(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    open_session(at)
    assert not at.exception, at.exception
    return at


def test_year_in_the_url_draws_the_corridor_of_that_year():
    at = _run_with({"year": "2005"})
    drawn = _drawn_routes(_map_args(at))
    assert "btc" in drawn and "tanap" not in drawn and "tap" not in drawn
    assert at.slider(key="year").value == 2005
    assert not at.warning
    at = _run_with({"year": "2021"})
    assert "tap" in _drawn_routes(_map_args(at))


def test_slider_and_url_agree():
    at = _run()
    at.slider(key="year").set_value(2012).run()
    assert at.query_params["year"] in ("2012", ["2012"])
    drawn = _drawn_routes(_map_args(at))
    assert "tanap" in drawn and "kars_nakhchivan" not in drawn  # agreed 2011, 2020


def test_layers_in_the_url_show_only_those():
    at = _run_with({"layers": "tap"})
    assert _drawn_routes(_map_args(at)) == {"tap"}
    assert at.checkbox(key="layer_tap").value and not at.checkbox(key="layer_btc").value


def test_route_and_view_in_the_url():
    at = _run_with({"route": "btk", "view": "41.2,44.1,7"})
    assert at.header[0].value.startswith("Baku–Tbilisi–Kars railway")
    args = _map_args(at)
    # the map opens there (whatever its size), with no fit to the routes to undo it
    assert _opening(args) == ([41.2, 44.1], 7)
    assert "fitBounds" not in args["script"]


def _opening(args: dict) -> tuple[list[float], float]:
    """The centre and zoom the map script makes the map with."""
    import re

    found = re.search(r'center: (\[[^\]]*\]),.*?"zoom": ([0-9.]+)', args["script"], re.S)
    assert found, "no L.map options in the map script"
    return json.loads(found.group(1)), float(found.group(2))


def test_garbage_in_the_url_gives_notices_not_errors():
    at = _run_with({"year": "abc", "layers": "<script>alert(1)</script>", "view": "1,2",
                    "route": "x" * 5000})
    text = " ".join(w.value for w in at.warning)
    assert "not a whole number" in text and "unknown layer id" in text
    assert "LAT,LON,ZOOM" in text and "longer than 400" in text
    assert "<script>" not in text.replace("\\<", "")
    assert _drawn_routes(_map_args(at)) == set(ROUTE_IDS)  # defaults stand


def test_kind_filter_hides_other_kinds():
    at = _run()
    at.pills(key="filter_kinds").set_value(["rail"]).run()
    assert _drawn_routes(_map_args(at)) == {"btk", "kars_nakhchivan"}
    assert any("Hidden by the filters: 5" in c.value for c in at.caption)


def test_the_filters_show_every_kind_and_status_in_full_words():
    at = _run()
    kinds, statuses = at.pills(key="filter_kinds"), at.pills(key="filter_status")
    assert kinds.options == list(styles.KIND_LABELS.values())
    assert statuses.options == list(styles.STATUS_LABELS.values())
    assert kinds.value == list(styles.KIND_LABELS) and statuses.value == list(
        styles.STATUS_LABELS)


def test_status_filter_uses_the_year():
    at = _run_with({"year": "2016"})
    at.pills(key="filter_status").set_value(["construction"]).run()
    assert _drawn_routes(_map_args(at)) == {"tanap", "tap", "btk"}


def test_search_picks_a_route_and_zooms_to_it():
    at = _run()
    at.text_input(key="search").input("igdir").run()
    hit = at.button(key="hit_route_igdir_nakhchivan")
    hit.click().run()
    assert not at.exception
    assert at.header[0].value.startswith("Iğdır–Nakhchivan")
    # the map fits the whole route, at whatever size it is
    (box,) = _fits(_map_args(at))
    assert box == _route_box("igdir_nakhchivan")
    assert at.query_params["route"] in ("igdir_nakhchivan", ["igdir_nakhchivan"])


def _route_box(route_id: str) -> list[list[float]]:
    """The box the map fits to show a whole route: [[south, west], [north, east]]."""
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.view import focus_extent

    from .conftest import GEO_DIR

    west, south, east, north = focus_extent(
        tuple(float(v) for v in load_atlas(GEO_DIR).routes[route_id].total_bounds))
    return [[south, west], [north, east]]


def _span_km(box: list[list[float]]) -> tuple[float, float]:
    """East–west and north–south extent of a fitted box, in km."""
    import math

    (south, west), (north, east) = box
    lat = math.radians((south + north) / 2)
    return (east - west) * 111.32 * math.cos(lat), (north - south) * 111.32


def test_picking_a_route_in_the_route_panel_list_zooms_to_it():
    at = _run_with({"layers": "btc"})
    assert _fits(_map_args(at)) == []
    at.selectbox(key="route").set_value("tap").run()
    args = _map_args(at)
    assert _fits(args) == [_route_box("tap")]
    assert _max_zooms(args) == [10]
    assert "tap" in _drawn_routes(args)  # shown, so there is something to zoom to
    assert at.checkbox(key="layer_tap").value
    at.selectbox(key="route").set_value("__overview__").run()
    assert _fits(_map_args(at)) == [_route_box("tap")]  # the overview does not move the map


def test_search_picks_a_facility_with_its_surroundings():
    at = _run()
    at.text_input(key="search").input("sangachal").run()
    at.button(key="hit_facility_sangachal").click().run()
    args = _map_args(at)
    (box,) = _fits(args)
    (south, west), (north, east) = box
    assert west < 49.48 < east and south < 40.2 < north  # the terminal's point
    from corridor_atlas.view import FOCUS_MIN_KM

    across, up = _span_km(box)
    assert min(across, up) >= FOCUS_MIN_KM - 1  # Baku, the coast and the routes, not a dot
    assert _max_zooms(args) == [10]
    assert '"facility_id": "sangachal"' in args["feature_group"]


def test_a_place_without_a_sourced_location_zooms_to_its_proxies_and_says_so():
    at = _run()
    at.text_input(key="search").input("ceyhan").run()
    at.button(key="hit_facility_ceyhan_terminal").click().run()
    (box,) = _fits(_map_args(at))
    (south, west), (north, east) = box
    # the sourced towns standing in for the terminal: Ceyhan and Yumurtalık
    assert west < 35.797 and east > 35.817 and south < 36.769 and north > 37.033
    assert min(_span_km(box)) >= 99  # (at least the town, the coast and the line's end)
    note = " ".join(c.value for c in at.sidebar.caption)
    assert "No source gives the location of Ceyhan Marine Terminal" in note
    assert "Ceyhan town and Yumurtalık town" in note
    assert at.header[0].value.startswith("Ceyhan Marine Terminal")


def test_a_place_without_any_location_leaves_the_map_and_says_so():
    at = _run()
    at.text_input(key="search").input("dilucu").run()
    at.button(key="hit_facility_dilucu").click().run()
    assert _fits(_map_args(at)) == []
    note = " ".join(c.value for c in at.sidebar.caption)
    assert "so the map stays where it is" in note
    at.text_input(key="search").input("tap").run()  # the next search: the note goes
    assert "stays where it is" not in " ".join(c.value for c in at.sidebar.caption)


def test_search_finds_a_facility_and_opens_its_panel():
    at = _run()
    at.text_input(key="search").input("sangaçal").run()
    at.button(key="hit_facility_sangachal").click().run()
    assert at.header[0].value == "Sangachal Terminal"
    assert at.checkbox(key="layer_facilities").value


def test_table_view_lists_visible_routes_with_pattern_and_sources():
    at = _run_with({"year": "2016"})
    assert not any("line" in df.value.columns for df in at.dataframe)  # not shown: not sent
    at.session_state["main_tab"] = "Table"
    at.run()
    from .reader_support import shown_values

    element = next(df for df in at.dataframe if "line" in df.value.columns)
    table = element.value
    rows = shown_values(element).set_index("name")
    tanap, btc = (catalog_name(r) for r in ("tanap", "btc"))
    assert rows.loc[tanap, "status"] == "Under construction"
    assert rows.loc[tanap, "line"] == "dashed"
    assert rows.loc[btc, "line"] == "solid" and rows.loc[btc, "documented length"] == "1,768 km"
    assert rows.loc[btc, "kind"] == "Oil pipeline"
    assert list(table.columns) == ["name", "kind", "status", "line", "documented length",
                                   "drawn length", "design capacity", "unit", "source", "url"]
    assert (table["source"].str.len() > 0).all()


def test_compare_tab_draws_two_synchronised_maps():
    at = _run()
    at.session_state["main_tab"] = "Compare two years"
    at.run()
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception
    comps = [json.loads(c.proto.json_args) for c in at.get("component_instance")
             if c.proto.component_name == "streamlit_folium.st_folium"]
    assert len(comps) == 1  # the two maps; the Map tab's is not sent while it is hidden
    dual = comps[0]["script"]
    assert "map_div2" in dual and ".sync(" in dual
    assert "As of 2005" in dual and "As of 2026" in dual
    links = comps[0]["js_links"]
    assert all(link.startswith(("/app/static/vendor/", "data:")) for link in links)


def test_share_link_is_drawn_when_opened_and_carries_the_view():
    at = _run_with({"year": "2005", "route": "btc"})
    assert not at.code  # closed: nothing sent
    at.session_state["share_open"] = True
    at.run()
    (link,) = at.code
    assert "year=2005" in link.value and "route=btc" in link.value


def test_flows_in_the_url_draw_widths_and_arrows():
    at = _run_with({"flows": "1", "year": "2022"})
    assert at.toggle(key="flows").value is True
    from corridor_atlas.layers import load_atlas
    from corridor_atlas.scene import build_scene
    from corridor_atlas.view import MapView

    from .conftest import GEO_DIR

    atlas = load_atlas(GEO_DIR)
    scene = build_scene(atlas, MapView(layers=ROUTE_IDS, year=2022, flows=True))
    args = _map_args(at)
    for route in ("tap", "btc"):
        assert f'"weight": {scene.route(route).segments[0].style.weight}' in args[
            "feature_group"]
    assert "L.polylineDecorator(" in args["feature_group"]
    assert "Flow in 2022 (line width)" in args["feature_group"]  # the legend's scale


def test_the_flows_switch_goes_into_the_url():
    at = _run_with({"year": "2022"})
    assert "L.polylineDecorator(" not in _map_args(at)["feature_group"]
    at.toggle(key="flows").set_value(True).run()
    assert at.query_params["flows"] in ("1", ["1"])
    assert "L.polylineDecorator(" in _map_args(at)["feature_group"]


def test_flows_in_a_year_without_figures_say_where_there_are():
    at = _run_with({"flows": "1"})  # the as-of year: no full year of figures yet
    year = at.slider(key="year").value
    text = " ".join(c.value for c in at.sidebar.caption)
    assert f"No route has a sourced figure for {year}" in text
    assert "latest year with figures is" in text


def _fits(args: dict) -> list[list[list[float]]]:
    """The boxes the map script asks the map to fit itself to."""
    import re

    return [json.loads(box) for box in
            re.findall(r"map\.fitBounds\((\[\[.*?\]\])", args["feature_group"] or "")]


def _opening_fits(args: dict) -> list[list[list[float]]]:
    """The boxes the base map opens fitted to (at once, without a zoom animation)."""
    import re

    return [json.loads(box) for box in
            re.findall(r"map\.fitBounds\((\[\[.*?\]\]), \{animate: false\}\)", args["script"])]


def _max_zooms(args: dict) -> list[float]:
    """The closest zoom each fit may go to."""
    import re

    return [float(z) for z in re.findall(r"maxZoom: ([0-9.]+)[,}]", args["feature_group"] or "")]


def test_a_preset_in_the_url_fits_the_map_to_it():
    from corridor_atlas.view import PRESETS

    at = _run_with({"view": "south-caucasus"})
    assert at.selectbox(key="zoom_to").value == "south-caucasus"
    west, south, east, north = PRESETS["south-caucasus"].bbox
    # the map opens fitted to it, at once and whatever its size
    assert _opening_fits(_map_args(at)) == [[[south, west], [north, east]]]
    assert _fits(_map_args(at)) == []
    assert at.query_params["view"] in ("south-caucasus", ["south-caucasus"])


def test_picking_a_preset_fits_the_map_to_it():
    from corridor_atlas.view import PRESETS

    at = _run()
    assert _fits(_map_args(at)) == []
    at.selectbox(key="zoom_to").set_value("nakhchivan").run()
    west, south, east, north = PRESETS["nakhchivan"].bbox
    assert _fits(_map_args(at)) == [[[south, west], [north, east]]]
    assert at.query_params["view"] in ("nakhchivan", ["nakhchivan"])


def test_the_route_panel_gives_the_years_flow_and_utilisation():
    at = _run_with({"route": "tap", "year": "2022"})
    at.session_state["route_tab"] = "Volumes"
    at.run()
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Flow in 2022: 11.5 bcm/y" in text
    assert "Utilisation: 115%" in text and "Capacity in force: 10 bcm/y" in text


# --------------------------------------------------------------------------- headline cards


def _plain(text: str) -> str:
    """Text as a reader sees it: without the escapes that keep data literal in Markdown."""
    return text.replace("\\", "")


def _metrics(at: AppTest) -> dict[str, object]:
    return {_plain(m.label): m for m in at.metric}


def test_the_overview_opens_on_headline_figures_with_sources(app):
    metrics = _metrics(app)
    scp = metrics["SCP: carried in 2025"]
    assert _plain(scp.value) == "23.1 bcm/y"
    assert scp.proto.delta == "+0.34 bcm/y" and scp.proto.delta_description == "on 2024"
    assert _plain(metrics["TAP: carried in 2022"].value) == "11.5 bcm/y"
    assert _plain(metrics["Iğdır–Nakhchivan: capacity in 2026"].value) == "0.73 bcm/y"
    assert _plain(metrics["All gas exports, 2025"].value) == "25.2 bcm"
    assert metrics["To Europe, 2025"].proto.delta == "-0.1 bcm"
    assert _plain(metrics["Kars–Nakhchivan: due"].value) == "December 2029"
    captions = " ".join(_plain(c.value) for c in app.caption)
    assert "99% of the 23.4 bcm/y capacity in force" in captions
    # every route card links to the sources of its figures
    for label in ("SCP", "TAP", "BTC", "TANAP", "BTK"):
        assert f"{label}: carried in" in " ".join(metrics)
    assert captions.count("[volume: ") >= 5 and captions.count("[capacity: ") >= 5
    assert "[target: Sabah, 2025-08-21](https://www.sabah.com.tr/" in captions
    # the charts that explain come first; the length comparison waits in its own tab
    titles = json.dumps([c.proto.spec for c in app.get("vega_lite_chart")])
    assert "Route length by kind" not in titles and "Lengths" in [t.label for t in app.tabs]


def test_the_overview_follows_the_year():
    at = _run_with({"year": "2012"})
    metrics = _metrics(at)
    assert _plain(metrics["BTC: carried in 2010"].value) == "784,000 bbl/d"
    assert _plain(metrics["SCP: capacity in 2012"].value) == "7.41 bcm/y"
    assert _plain(metrics["BTK: in operation from"].value) == "30 October 2017"
    assert not any("2025" in label for label in metrics)
    at = _run_with({"year": "2005"})
    captions = " ".join(_plain(c.value) for c in at.caption)
    assert "No sourced figure for Azerbaijan's gas exports up to 2005; the first is for 2015." \
        in captions
    assert _plain(_metrics(at)["BTC: in operation from"].value) == "28 May 2006"


def test_a_route_panel_heads_with_its_status_in_the_year_shown():
    at = _run_with({"route": "tanap", "year": "2005"})
    status = next(_plain(m.value) for m in at.markdown if "Gas pipeline" in m.value)
    assert status.startswith("**In 2005: Not yet agreed**")
    assert "Operating" not in status
    captions = " ".join(_plain(c.value) for c in at.caption)
    assert "Today (3 July 2026): Operating" in captions
    metrics = _metrics(at)
    assert metrics["Carried up to 2005"].value in ("", "—", None)
    assert "Not in operation by 2005." in captions


def test_key_figures_give_the_status_in_the_year_shown():
    at = _run_with({"route": "tanap", "year": "2005"})
    figures = next(df.value for df in at.dataframe if "figure" in df.value.columns)
    rows = figures.set_index("figure")["value"]
    statuses = {k: v for k, v in rows.items() if k.startswith("status")}
    assert statuses.get("status in 2005") == "Not yet agreed", statuses
    assert "status today" in statuses  # the catalog's status, named as today's


def test_a_route_panel_in_a_later_year_gives_its_cards():
    at = _run_with({"route": "tap", "year": "2022"})
    status = next(_plain(m.value) for m in at.markdown if "Gas pipeline" in m.value)
    assert status.startswith("**In 2022: Operating since 31 December 2020**")
    metrics = _metrics(at)
    assert _plain(metrics["Carried in 2022"].value) == "11.5 bcm/y"
    assert metrics["Carried in 2022"].proto.delta == "+3.4 bcm/y"
    assert _plain(metrics["Utilisation in 2022"].value) == "115%"
    assert _plain(metrics["Capacity in 2022"].value) == "10 bcm/y"
    assert _plain(metrics["Length"].value) == "878 km"
    figures = next(df.value for df in at.dataframe if "figure" in df.value.columns)
    assert figures.set_index("figure")["value"]["status in 2022"] == "Operating"


def test_empty_tabs_explain_themselves_from_the_data():
    at = _run_with({"route": "tanap", "year": "2005"})
    at.session_state["route_tab"] = "Volumes"
    at.run()
    info = " ".join(_plain(i.value) for i in at.info)
    assert ("No annual volume up to 2005. TANAP was agreed in 2011; its first sourced annual "
            "volumes are for 2020.") in info
    at.session_state["route_tab"] = "Dates"
    at.run()
    info = " ".join(_plain(i.value) for i in at.info)
    assert "No dated milestone up to 2005. TANAP's first is dated 25 October 2011" in info


# --------------------------------------------------------------------------- one map state


def _query(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_filters_in_the_url_are_read_and_written():
    at = _run_with({"kinds": "rail", "status": "operating,construction"})
    assert at.pills(key="filter_kinds").value == ["rail"]
    assert at.pills(key="filter_status").value == ["operating", "construction"]
    assert _drawn_routes(_map_args(at)) == {"btk", "kars_nakhchivan"}
    assert not at.warning
    q = _query(at)
    assert q["kinds"] == "rail" and set(q["status"].split(",")) == {"operating", "construction"}
    at.pills(key="filter_kinds").set_value(["oil", "gas"]).run()
    assert set(_query(at)["kinds"].split(",")) == {"oil", "gas"}
    # (Iğdır–Nakhchivan is not operating or under construction in 2026: the status filter)
    assert _drawn_routes(_map_args(at)) == {"btc", "scp", "tanap", "tap"}
    at.pills(key="filter_kinds").set_value(list(styles.KIND_LABELS)).run()
    at.pills(key="filter_status").set_value(list(styles.STATUS_LABELS)).run()
    assert "kinds" not in _query(at) and "status" not in _query(at)  # all: left out


def test_bad_filter_values_in_the_url_give_notices():
    at = _run_with({"kinds": "oil,<b>coal</b>", "status": "ruined"})
    text = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes
    assert "Ignored unknown kind(s) in the URL" in text and "coal" in text
    assert "Ignored unknown status(es) in the URL: 'ruined'" in text
    assert at.pills(key="filter_kinds").value == ["oil"]
    assert at.pills(key="filter_status").value == list(styles.STATUS_LABELS)
    assert _query(at).get("kinds") == "oil" and "status" not in _query(at)


def test_url_notices_go_once_the_url_no_longer_has_the_bad_value():
    at = _run_with({"year": "abc", "route": "atlantis", "zoom": "5"})
    def shown() -> str:
        return " ".join(w.value for w in at.warning)

    assert "not a whole number" in shown() and "no such route" in shown()
    assert "unknown URL parameter" in shown()
    at.run()  # the app rewrote the URL without them: the notices are still there to read
    assert "not a whole number" in shown() and "no such route" in shown()
    at.slider(key="year").set_value(2010).run()  # the reader sets the year: its notice goes
    assert "not a whole number" not in shown() and "no such route" in shown()
    assert "unknown URL parameter" not in shown()  # the URL is not the link opened any more
    at.slider(key="year").set_value(2026).run()  # and it stays gone
    assert "not a whole number" not in shown()
    at.selectbox(key="route").set_value("tap").run()
    assert not at.warning


def test_the_layer_control_lists_the_layers_switched_off():
    at = _run()
    args = _map_args(at)
    off = {"baku_supsa", "black_sea_cable", "facilities", "igb", "kilis_aleppo",
           "horadiz_aghband", "tripp", "bstn"}
    assert _switched_off(args) == off
    at.checkbox(key="layer_tap").uncheck().run()
    assert _switched_off(_map_args(at)) == off | {"tap"}
    assert "Names on the map" not in _map_args(at)["layer_control"]  # no state for it


def test_no_emoji_in_the_apps_labels():
    """Emoji draw as empty boxes where no emoji font is installed: the app uses
    Streamlit's bundled Material icons (``:material/…:``), which work offline everywhere."""
    import ast

    emoji = [(0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2300, 0x23FF), (0x2B00, 0x2BFF),
             (0x25A0, 0x25FF), (0x3030, 0x3030), (0x303D, 0x303D), (0xFE0F, 0xFE0F),
             (0x200D, 0x200D)]
    found = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [(node.lineno, ch) for ch in node.value
                      if any(lo <= ord(ch) <= hi for lo, hi in emoji)]
    assert found == []


def _table_with(at: AppTest, column: str):
    return next(df for df in at.dataframe if column in df.value.columns)


def _sorted_by(element, column: str) -> list[str]:
    """The words of ``column``'s cells in the order a click on its header puts them: the
    app sends the cells' values, and the table sorts by them (numbers as numbers, dates
    as dates), blanks first; each cell reads as the app wrote it (or the placeholder)."""
    from .reader_support import shown_values

    config = json.loads(element.proto.columns)[column]
    values = element.value[column]
    if pd.api.types.is_numeric_dtype(values):
        assert config["type_config"]["type"] == "number", config
        order = values.reset_index(drop=True).sort_values(na_position="first").index
    else:
        assert config["type_config"]["type"] == "text", config
        order = values.reset_index(drop=True).astype(str).sort_values().index
    words = shown_values(element)
    position = list(element.value.columns).index(column)
    return [element.proto.placeholder if pd.isna(values.iat[i])
            else str(words.iat[i, position] if words is not None else values.iat[i])
            for i in order]


def _numbers(texts: list[str], unit: str) -> list[float]:
    return [float(t.removesuffix(f" {unit}").replace(",", "")) for t in texts
            if t.endswith(f" {unit}")]


def test_figure_columns_sort_by_value_and_read_with_separators_and_units():
    """A click on a figure's header sorts by value ("878 km" before "1,768 km"), and
    every cell still reads with its thousands separators and unit."""
    at = AppTest.from_file(APP, default_timeout=60)
    for layer in (*ROUTE_IDS, "facilities"):
        at.session_state[f"layer_{layer}"] = True
    at.session_state["main_tab"] = "Table"
    at.run()
    table = _table_with(at, "line")
    lengths = _sorted_by(table, "documented length")
    assert lengths.index("878 km") < lengths.index("1,768 km"), lengths  # TAP, BTC
    for column in ("documented length", "drawn length"):
        km = _numbers(_sorted_by(table, column), "km")
        assert km == sorted(km) and len(km) == len(ROUTE_IDS), km
    capacity = _sorted_by(table, "design capacity")
    assert "7.41" in capacity and capacity.index("7.41") < capacity.index("16")  # SCP, TANAP

    at.session_state["overview_tab"] = "Lengths"
    at.run()
    lengths = _sorted_by(_table_with(at, "no documented length"), "documented length")
    assert _numbers(lengths, "km") == sorted(_numbers(lengths, "km")) and "1,768 km" in lengths
    capacities = _sorted_by(_table_with(at, "capacity"), "value")
    assert capacities[0] == "no sourced value"  # a route with none, said so
    values = [float(v.replace(",", "")) for v in capacities if v != "no sourced value"]
    assert values == sorted(values) and "1,000" in capacities  # BSTN's 1,000 MW

    at.session_state["overview_tab"] = "Gas exports"
    at.run()
    europe = _sorted_by(_table_with(at, "Europe"), "Europe")
    assert europe[0] == "no figure" and "12.8 bcm" in europe
    assert _numbers(europe, "bcm") == sorted(_numbers(europe, "bcm"))

    at.session_state["overview_tab"] = "Timeline"
    at.run()
    dates = _sorted_by(_table_with(at, "status change"), "date")
    years = [int(d[-4:]) for d in dates]
    assert years == sorted(years) and "10 May 2005" in dates, dates[:12]

    at.session_state["route"] = "btk"
    at.session_state["route_tab"] = "Volumes"
    at.run()
    volumes = _sorted_by(_table_with(at, "series"), "volume")
    numbers = [float(v.replace(",", "")) for v in volumes]
    assert numbers == sorted(numbers)
    assert volumes.index("11,748") < volumes.index("110,174"), volumes  # TEU, then tonnes


def _chart_data(at: AppTest) -> list[list[dict]]:
    """Each chart's datasets, as records."""
    from .reader_support import _arrow_records

    return [[r for data in chart.proto.datasets for r in _arrow_records(data.data.data)]
            for chart in at.get("vega_lite_chart")]


def test_the_dates_tab_follows_the_year_shown():
    """TAP in 2012: planned since 2008. Its Status over time ends there (nothing of 2016
    or 2020 yet), and its milestones chart marks the end of 2012 on its time axis."""
    at = _run_with({"year": "2012", "route": "tap"})
    at.session_state["route_tab"] = "Dates"
    at.run()
    from .reader_support import shown_values

    history = _table_with(at, "sources disagree")
    statuses = list(history.value["status"])
    assert statuses == ["Planned / agreed"], statuses
    assert list(shown_values(history)["until"]) == ["still at the end of 2012"]
    assert any("Status over time up to 2012" in c.value for c in at.caption)
    marks = [r for records in _chart_data(at) for r in records if "shown" in r]
    assert [m["shown"] for m in marks] == ["end of 2012"] * len(marks) and marks


def test_key_figures_name_countries_kinds_and_statuses_as_the_legend_does():
    """BTC's key figures: "Azerbaijan, Georgia, Türkiye", never "AZE, GEO, TUR"; its kind
    and status as the legend says them ("Oil pipeline", "Operating")."""
    at = _run_with({"route": "btc"})
    element = _table_with(at, "figure")
    rows = element.value.set_index("figure")["value"]
    assert rows["countries"] == "Azerbaijan, Georgia, Türkiye"
    assert rows["length in Türkiye"] == "1,076 km"
    assert rows["length by country (alternative)"] == (
        "Azerbaijan 449 km, Georgia 235 km, Türkiye 1,092 km")
    assert rows["kind"] == "Oil pipeline" and rows["status today"] == "Operating"
    words = " ".join(map(str, [*element.value["figure"], *element.value["value"]])).split()
    assert not {"AZE", "GEO", "TUR", "operating"} & set(words), words


def test_a_volume_chart_without_a_capacity_line_says_why():
    """BTK: its tonnes chart draws the capacity in force (1 Mt/y); its TEU and container
    charts cannot (no capacity is counted in containers), and say so under the chart."""
    at = _run_with({"route": "btk"})
    at.session_state["route_tab"] = "Volumes"
    at.run()
    from .reader_support import plain

    captions = [plain(c.value) for c in at.caption
                if plain(c.value).startswith("No capacity line")]
    assert captions == [
        "No capacity line: the sourced capacities are in million passengers/y and Mt/y, "
        f"which do not compare with volumes in {unit}." for unit in ("TEU", "containers")]
    lines = [r for records in _chart_data(at) for r in records if "capacity" in r]
    assert {r["capacity"] for r in lines} == {1_000_000}


def test_the_overview_lists_planned_lines_with_their_targets():
    """The Black Sea cable is planned (agreed December 2022), with a target of 2032: the
    overview says so under its own heading, from the recorded phases, with its source;
    a planned line with no target says that; a past year tells what came next."""
    at = _run()
    headings = [_plain(m.value) for m in at.markdown if m.value.startswith("####")]
    assert "#### Planned or agreed in 2026" in headings
    metrics = _metrics(at)
    cable = metrics["Black Sea cable: target"]
    assert _plain(cable.value) == "2032"
    captions = " ".join(_plain(c.value) for c in at.caption)
    assert "Planned or agreed since 17 December 2022" in captions
    assert "[target: Report.az, " in captions
    assert metrics["TRIPP: target"].value in ("", "—", None)
    assert "No target date with a source." in captions
    assert "Black Sea cable: due" not in metrics  # not under construction: planned
    then = _metrics(_run_with({"year": "2012"}))
    assert _plain(then["TAP: construction from"].value) == "17 May 2016"


def test_a_rerun_works_nothing_out_again_for_the_atlas(app):
    """The atlas is the same object in every run (not a copy), so what was worked out for
    it once (names, places, the opening extent, the scene's rows) is not worked out again."""
    from corridor_atlas import memo

    def both_years() -> None:
        app.slider(key="year").set_value(2012).run()
        app.slider(key="year").set_value(2026).run()

    both_years()
    before = memo.kept()  # what the two views needed
    app.run()
    both_years()
    assert memo.kept() == before


# --------------------------------------------------------------------------- first paint


def _first_run(query: dict[str, str] | None = None) -> AppTest:
    """A session's first run only (a browser has not drawn the map yet)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_sessions_first_run_sends_the_map_and_nothing_to_hold_it_back(catalog):
    """Each control, card, chart and table needs the browser to fetch and run code of its
    own, on the same connections and thread as the map: the first run sends the map alone,
    and the run the map starts once it is drawn sends the rest."""
    at = _first_run()
    assert _drawn_routes(_map_args(at)) == set(ROUTE_IDS)
    assert at.sidebar.title[0].value == "Corridor Atlas"
    others = {kind: len(at.get(kind)) for kind in (
        "checkbox", "toggle", "slider", "selectbox", "text_input", "radio", "button_group",
        "file_uploader", "expander", "metric", "vega_lite_chart", "arrow_data_frame")}
    assert not any(others.values()), others
    at.run()  # the map is drawn and reports its view
    assert at.slider(key="year").value == default_year(catalog)
    assert at.checkbox(key="layer_btc").value
    assert at.metric and at.get("vega_lite_chart") and at.expander


@pytest.mark.parametrize("query", [
    {},
    {"year": "2005", "layers": "btc,scp,baku_supsa,facilities", "route": "btc", "flows": "1"},
    {"kinds": "oil,gas", "status": "operating", "view": "41.2,45.1,6"},
    {"view": "nakhchivan", "year": "2019"},
], ids=["default", "year-layers-route-flows", "filters-view", "area"])
def test_the_map_of_the_first_run_is_the_one_the_controls_then_draw(query):
    """The first run reads the view from what the controls will hold: the next run, which
    draws them, sends the very same map (nothing redrawn, nothing moved)."""
    at = _first_run(query)
    first = _map_args(at)
    at.run()
    assert _map_args(at) == first


def test_the_map_is_made_and_sent_only_while_its_tab_is_open(app):
    """The Table and Compare tabs' reruns neither make nor send the Map tab's map."""
    def maps_sent() -> int:
        return sum(c.proto.component_name == "streamlit_folium.st_folium"
                   for c in app.get("component_instance"))

    assert maps_sent() == 1
    app.session_state["main_tab"] = "Table"
    app.run()
    assert maps_sent() == 0 and app.dataframe
    app.slider(key="year").set_value(2012).run()  # a change there: still no map
    assert maps_sent() == 0
    assert app.query_params["year"] == "2012"  # the URL follows all the same
    app.session_state["main_tab"] = "Map"
    app.run()
    assert maps_sent() == 1
    assert _map_args(app)["feature_group"] == _map_args(_run_with({"year": "2012"}))[
        "feature_group"]


def test_the_loaded_atlas_is_left_out_of_full_garbage_collections():
    """The atlas and the modules loaded before it live as long as the server: frozen out
    of the collector's full passes, which took 100-170 ms each, the server answering
    nothing meanwhile."""
    import gc

    _run()
    assert gc.get_freeze_count() > 0
