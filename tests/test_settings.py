"""Settings: each environment variable, its default, and where the bundled data is found."""

from __future__ import annotations

import json
import tomllib

import pytest

from corridor_atlas import cli, settings
from corridor_atlas.errors import AtlasError
from corridor_atlas.snapshot import locate_chromium

from .conftest import ROOT

MB = 1024 * 1024


def test_the_upload_limit_is_the_app_servers_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == settings.DEFAULT_MAX_UPLOAD_MB
    assert settings.max_upload_bytes({}) == config["server"]["maxUploadSize"] * MB


def test_the_app_server_does_not_watch_source_files():
    """The watcher went through every loaded module's path after each run, on the server's
    one event loop: 50-100 ms in which no file (the map's code) or message went out."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["fileWatcherType"] == "none"


@pytest.mark.parametrize(("raw", "expected"),
                         [("", 25 * MB), ("  ", 25 * MB), ("2", 2 * MB), (" 0.5 ", MB // 2),
                          ("1e-4", int(1e-4 * MB))])
def test_upload_limit_from_the_environment(raw, expected):
    assert settings.max_upload_bytes({settings.MAX_UPLOAD_MB_ENV: raw}) == expected


@pytest.mark.parametrize("raw", ["lots", "0", "-1", "inf", "nan", "-inf", "1,5"])
def test_an_unusable_upload_limit_names_the_variable(raw):
    with pytest.raises(AtlasError, match=r"^CORRIDOR_ATLAS_MAX_UPLOAD_MB must be a positive "
                                         r"number of megabytes, got "):
        settings.max_upload_bytes({settings.MAX_UPLOAD_MB_ENV: raw})


def test_uploads_and_settings_agree_on_the_limit(monkeypatch):
    from corridor_atlas.uploads import Limits

    for raw in ("3", "0.25", ""):
        monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, raw)
        assert Limits().max_bytes == settings.max_upload_bytes()


def test_the_process_environment_is_read_when_none_is_given(monkeypatch):
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "4")
    monkeypatch.setenv(settings.CHROMIUM_ENV, " /opt/browser ")
    monkeypatch.setenv(settings.GEO_DIR_ENV, "/srv/atlas-data")
    assert settings.max_upload_bytes() == 4 * MB
    assert settings.chromium_setting() == "/opt/browser"
    assert str(settings.geo_dir()) == "/srv/atlas-data"


def test_the_bundled_data_is_the_checkouts_in_a_source_tree():
    assert settings.data_dir("geo") == ROOT / "geo"
    assert settings.data_dir("static") == ROOT / "static"
    assert settings.vendor_dir() == ROOT / "static" / "vendor"
    assert (settings.data_dir("geo") / "catalog.json").is_file()
    assert (settings.vendor_dir() / "leaflet@1.9.3" / "dist" / "leaflet.js").is_file()


def test_geo_dir_override_then_variable_then_bundled(tmp_path):
    env = {settings.GEO_DIR_ENV: str(tmp_path / "from-env")}
    assert settings.geo_dir(tmp_path / "flag", env) == tmp_path / "flag"
    assert settings.geo_dir(None, env) == tmp_path / "from-env"
    assert settings.geo_dir(None, {settings.GEO_DIR_ENV: " "}) == ROOT / "geo"
    assert settings.geo_dir(None, {}) == ROOT / "geo"


def test_chromium_variable_is_the_one_the_browser_search_reads(tmp_path):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    assert settings.chromium_setting({settings.CHROMIUM_ENV: f" {fake} "}) == str(fake)
    assert settings.chromium_setting({}) == ""
    assert locate_chromium({settings.CHROMIUM_ENV: str(fake), "PATH": ""}) == (str(fake), "")
    found, why = locate_chromium({settings.CHROMIUM_ENV: str(tmp_path / "none"), "PATH": ""})
    assert found is None and why.startswith("CORRIDOR_ATLAS_CHROMIUM=")


def test_cli_reads_the_data_folder_from_the_environment(tmp_path, monkeypatch, capsys, geo_copy):
    catalog = json.loads((geo_copy / "catalog.json").read_text("utf-8"))
    catalog["routes"][0]["name"] = "Renamed for the test"
    (geo_copy / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    route = catalog["routes"][0]["id"]
    monkeypatch.setenv(settings.GEO_DIR_ENV, str(geo_copy))
    out = tmp_path / "x.geojson"
    assert cli.main(["export", "--format", "geojson", "--layers", route, "--out", str(out)]) == 0
    names = {f["properties"].get("name") for f in json.loads(out.read_text("utf-8"))["features"]}
    assert "Renamed for the test" in names
    # --geo-dir wins over the variable
    monkeypatch.setenv(settings.GEO_DIR_ENV, str(tmp_path / "nowhere"))
    assert cli.main(["export", "--format", "geojson", "--layers", route, "--geo-dir",
                     str(geo_copy), "--out", str(out)]) == 0
    monkeypatch.delenv(settings.GEO_DIR_ENV)
    assert cli.main(["export", "--format", "geojson", "--layers", route, "--geo-dir",
                     str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert "nowhere/catalog.json: file not found" in capsys.readouterr().err
