"""Users' own layers in the app (AppTest, no browser): each file drawn once, the map fitted
to a new layer once, and every message about a file naming it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corridor_atlas.view import UPLOAD_FIT_MAX_ZOOM, UPLOAD_FIT_PADDING_PX

from .conftest import ROOT, open_session

APP = str(ROOT / "app.py")
GOOD = Path(__file__).resolve().parent / "data" / "good"
POINTS = (GOOD / "points_4326.geojson").read_bytes()  # Baku, Tbilisi, Ceyhan… and a line
LINE = (GOOD / "line_3857.geojson").read_bytes()
MIME = "application/geo+json"


def _app() -> AppTest:
    at = open_session(AppTest.from_file(APP, default_timeout=60))
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="uploads").set_value([(name, data, MIME) for name, data in files])
    at.run()
    assert not at.exception, at.exception
    return at


def _map_script(at: AppTest) -> str:
    (component,) = [c for c in at.get("component_instance")
                    if c.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)["feature_group"] or ""


def _user_layers_drawn(at: AppTest) -> set[str]:
    return set(re.findall(r'"id": "user-(\d+)-0"', _map_script(at)))


def _fits(at: AppTest) -> list[tuple[str, list[list[float]], dict[str, object]]]:
    """Each fit the map script asks for: its request id, its box and its options."""
    script = _map_script(at)
    found = re.findall(r"window\.__atlasFit = (\"\d+\");\s*map\.fitBounds\((\[\[.*?\]\]), "
                       r"(\{.*?\})\)", script)
    return [(json.loads(i), json.loads(box), _options(opts)) for i, box, opts in found]


def _options(text: str) -> dict[str, object]:
    return json.loads(re.sub(r"(\w+):", r'"\1":', text))


def _plain(element) -> str:
    """An element's Markdown as the reader sees it (without the escapes of ``md``)."""
    return element.value.replace("\\", "")


def _warnings(at: AppTest) -> list[str]:
    return [_plain(w) for w in at.sidebar.warning]


def _notes(at: AppTest) -> list[str]:
    """Every message the sidebar shows about uploads (errors, warnings and descriptions)."""
    return [_plain(e) for e in (*at.sidebar.error, *at.sidebar.warning, *at.sidebar.caption)
            if ".geojson" in e.value]


def test_the_same_file_uploaded_twice_is_drawn_once_and_said_to_be_added():
    at = _upload(_app(), ("sites.geojson", POINTS), ("sites.geojson", POINTS))
    assert _user_layers_drawn(at) == {"0"}
    (warning,) = _warnings(at)
    assert warning == "sites.geojson: already added; it is drawn once"


def test_the_same_data_under_another_name_is_drawn_once():
    at = _upload(_app(), ("sites.geojson", POINTS), ("copy of sites.geojson", POINTS),
                 ("line.geojson", LINE))
    assert _user_layers_drawn(at) == {"0", "1"}
    (warning,) = _warnings(at)
    assert warning == ("copy of sites.geojson: already added as sites.geojson (the same data); "
                       "it is drawn once")


def test_every_message_about_an_upload_names_its_file():
    at = _upload(_app(), ("sites.geojson", POINTS), ("line.geojson", LINE),
                 ("broken.geojson", b'{"type": "FeatureCollection", "features": [1]}'),
                 ("sites again.geojson", POINTS))
    notes = _notes(at)
    assert len(notes) == 4
    for name in ("sites.geojson", "line.geojson", "broken.geojson", "sites again.geojson"):
        assert [n for n in notes if n.startswith(f"{name}: ")], (name, notes)
    assert "sites.geojson: 4 features, geometry types LineString/Point" in " ".join(notes)


def test_files_past_the_limit_are_named_and_not_drawn():
    files = [(f"place {i}.geojson", json.dumps({"type": "Feature", "properties": {},
                                                "geometry": {"type": "Point",
                                                             "coordinates": [40 + i, 40]}})
              .encode()) for i in range(7)]
    at = _upload(_app(), *files)
    assert _user_layers_drawn(at) == {"0", "1", "2", "3", "4"}
    warnings = _warnings(at)
    assert [w.split(":")[0] for w in warnings] == ["place 5.geojson", "place 6.geojson"]
    assert all("not drawn" in w for w in warnings)


def test_the_map_fits_to_a_new_layer_once_with_a_sensible_zoom_for_a_point():
    point = json.dumps({"type": "Feature", "properties": {"name": "Gori"},
                        "geometry": {"type": "Point", "coordinates": [44.11, 41.98]}}).encode()
    at = _app()
    assert _fits(at) == []
    at = _upload(at, ("gori.geojson", point))
    ((request, box, options),) = _fits(at)
    assert box == [[41.98, 44.11], [41.98, 44.11]]
    assert options["maxZoom"] == UPLOAD_FIT_MAX_ZOOM == 9
    assert options["padding"] == [UPLOAD_FIT_PADDING_PX, UPLOAD_FIT_PADDING_PX]
    # another run (a year picked): the same request, which the map has already carried out
    at.slider(key="year").set_value(2015).run()
    assert [f[0] for f in _fits(at)] == [request]
    # a second file: one new fit, to that file's extent only
    at = _upload(at, ("gori.geojson", point), ("line.geojson", LINE))
    ((second, box, _),) = _fits(at)
    assert second != request
    assert [v for corner in box for v in corner] == pytest.approx([40.4093, 43.0975, 41.4622,
                                                                   49.8671], abs=1e-6)
