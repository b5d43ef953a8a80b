"""The console script: every format, every bad argument, atomic writes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from corridor_atlas import cli

from .conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("corridor-atlas")
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "btc,atlantis"], "unknown layer 'atlantis'; choose from:"),
        (["--layers", ","], "no layer given"),
        (["--year", "1900"], "year 1900 is outside the data (1993–2032)"),
        (["--year", "last"], "year must be a whole number"),
        (["--bbox", "10,40,5,45"], "must have -180 ≤ W < E ≤ 180"),
        (["--bbox", "a,b,c,d"], "bbox must be four numbers"),
        (["--bbox", "1,2,3"], "bbox must be W,S,E,N (four numbers) or one of corridor, "),
        (["--bbox", "caucasus"], "or one of corridor, south-caucasus"),
        (["--bbox", "nan,1,2,3"], "finite"),
        (["--size", "huge"], "size must be slide, a4 or WIDTHxHEIGHT"),
        (["--size", "999999x10"], "must be slide, a4 or WIDTHxHEIGHT"),
        (["--size", "9999x10"], "out of range"),
        (["--size", "100x100"], "out of range"),
        (["--scale", "3"], "scale must be 1 or 2"),
        (["--route", "nope"], "unknown route 'nope'"),
        (["--format", "tiff"], "invalid choice: 'tiff'"),
    ],
)
def test_bad_argument_exits_2_with_one_line(tmp_path, capsys, args, message):
    out = tmp_path / "x.out"
    argv = ["export", "--format", "geojson", "--out", str(out), *args]
    with pytest.raises(SystemExit) as info:
        raise SystemExit(cli.main(argv))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_path_exits_2(tmp_path, capsys):
    assert cli.main(["export", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["export", "--format", "csv", "--out", str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err
    if os.geteuid() != 0:  # root can write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert cli.main(["export", "--format", "csv", "--out", str(locked / "x.csv")]) == 2


def test_real_console_script_has_no_traceback(tmp_path):
    result = run("export", "--format", "png", "--layers", "<script>", "--out",
                 str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "svg", "html"])
def test_formats_without_a_browser(tmp_path, capsys, fmt):
    out = tmp_path / f"map.{fmt}"
    assert cli.main(["export", "--format", fmt, "--layers", "tap,btc", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and f"{out.stat().st_size:,} bytes" in printed
    data = out.read_bytes()
    if fmt == "geojson":
        gdf = gpd.read_file(io.BytesIO(data))
        assert set(gdf["route_id"]) == {"tap", "btc"}
    elif fmt == "csv":
        assert data.startswith(b"route_id,")
    elif fmt == "kml":
        assert b"<kml" in data and b"Trans Adriatic Pipeline" in data
    elif fmt == "svg":
        assert data.lstrip().startswith((b"<?xml", b"<svg"))
    else:
        assert b"<html" in data.lower() and b"cdn.jsdelivr" not in data


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_static_flag_uses_the_print_render(tmp_path, capsys, fmt):
    out = tmp_path / f"map.{fmt}"
    assert cli.main(["export", "--format", fmt, "--static", "--size", "800x450", "--out",
                     str(out)]) == 0
    assert "print render" in capsys.readouterr().out
    head = out.read_bytes()[:8]
    assert head.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")


def test_no_browser_falls_back_to_the_print_render(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CORRIDOR_ATLAS_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "map.png"
    assert cli.main(["export", "--format", "png", "--size", "640x360", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "print render" in printed and "Chromium not found" in printed
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_browser_formats(tmp_path, capsys, fmt, chromium):
    out = tmp_path / f"map.{fmt}"
    assert cli.main(["export", "--format", fmt, "--layers", "tap", "--bbox", "18,39,27,42",
                     "--out", str(out)]) == 0
    assert "browser render" in capsys.readouterr().out
    assert out.read_bytes()[:4] == {"png": b"\x89PNG", "pdf": b"%PDF"}[fmt]


@pytest.mark.parametrize("fmt", ["svg", "geojson", "csv", "kml"])
def test_same_inputs_give_identical_bytes(tmp_path, fmt):
    args = ["export", "--format", fmt, "--layers", "btk,facilities", "--year", "2018",
            "--size", "800x450"]
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert cli.main([*args, "--out", str(a)]) == 0
    assert cli.main([*args, "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_failed_export_leaves_nothing_behind(tmp_path, capsys, geo_copy):
    (geo_copy / "catalog.json").write_text("{", encoding="utf-8")
    out = tmp_path / "x.geojson"
    assert cli.main(["export", "--format", "geojson", "--geo-dir", str(geo_copy), "--out",
                     str(out)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert not out.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.rglob("*"))


def test_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "x.geojson"
    out.write_text("old", encoding="utf-8")
    assert cli.main(["export", "--format", "geojson", "--layers", "scp", "--out", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))["type"] == "FeatureCollection"
    assert [p.name for p in tmp_path.iterdir()] == ["x.geojson"]


# --- validate ----------------------------------------------------------------------------

UPLOAD_DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("line_3857.geojson", "1 feature, geometry types LineString, CRS EPSG:4326 (from "
                              "EPSG:3857), bounds 43.0975,40.4093,49.8671,41.4622"),
        ("points_4326.geojson", "4 features, geometry types LineString/Point, CRS EPSG:4326, "
                                "bounds 35.8153,37.0247,49.8671,41.7151"),
        ("utm38n.zip", "3 features, geometry types Point, CRS EPSG:4326 (from EPSG:32638), "
                       "bounds 43.4860,41.4055,45.0917,41.7151"),
    ],
)
def test_validate_prints_one_line_for_a_good_file(capsys, name, line):
    path = UPLOAD_DATA / "good" / name
    assert cli.main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: {line}\n" and err == ""


@pytest.mark.parametrize("name", ["bomb.zip", "swapped.geojson", "xxe.kml", "notes.txt",
                                  "noprj_projected.zip", "empty.zip", "random.gpkg"])
def test_validate_exits_2_with_the_upload_error(capsys, name):
    expected = json.loads((UPLOAD_DATA / "bad" / "EXPECTED.json").read_text("utf-8"))[name]
    path = UPLOAD_DATA / "bad" / name
    assert cli.main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"corridor-atlas: error: {path}: ") and expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_validate_missing_file_or_folder_exits_2(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "nope.geojson")]) == 2
    missing = tmp_path / "nope.geojson"
    assert capsys.readouterr().err == f"corridor-atlas: error: {missing}: file not found\n"
    assert cli.main(["validate", str(tmp_path)]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


def test_validate_honours_the_size_limit_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("CORRIDOR_ATLAS_MAX_UPLOAD_MB", "0.0001")
    assert cli.main(["validate", str(UPLOAD_DATA / "good" / "points_4326.geojson")]) == 2
    assert "the limit is 104 bytes" in capsys.readouterr().err
    monkeypatch.setenv("CORRIDOR_ATLAS_MAX_UPLOAD_MB", "-1")
    assert cli.main(["validate", str(UPLOAD_DATA / "good" / "points_4326.geojson")]) == 2
    assert "must be a positive number of megabytes" in capsys.readouterr().err


def test_validate_without_a_file_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["validate"])
    assert info.value.code == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err


def test_real_console_script_validates():
    good = run("validate", str(UPLOAD_DATA / "good" / "stations.kml"))
    assert good.returncode == 0 and good.stderr == ""
    assert good.stdout.count("\n") == 1 and "4 features" in good.stdout
    bad = run("validate", str(UPLOAD_DATA / "bad" / "traversal.zip"))
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "unsafe path" in bad.stderr


def test_bbox_takes_a_preset_and_flows_follow_the_switch(tmp_path, capsys):
    from corridor_atlas.view import PRESETS

    out = tmp_path / "sc.geojson"
    assert cli.main(["export", "--format", "geojson", "--year", "2022", "--flows",
                     "--bbox", "south-caucasus", "--layers", "tap", "--out", str(out)]) == 0
    doc = json.loads(out.read_text("utf-8"))
    assert doc["flows"] is True and doc["features"][0]["properties"]["volume_year"] == 2022
    svg = tmp_path / "sc.svg"
    assert cli.main(["export", "--format", "svg", "--bbox", "south-caucasus",
                     "--out", str(svg)]) == 0
    named = tmp_path / "named.svg"
    west, south, east, north = PRESETS["south-caucasus"].bbox
    assert cli.main(["export", "--format", "svg", "--bbox", f"{west},{south},{east},{north}",
                     "--out", str(named)]) == 0
    assert svg.read_bytes() == named.read_bytes()


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "coordinates are outside longitude"),
    ("tr", "koordinatlar boylam"),
    ("az", "koordinatlar uzunluq"),
])
def test_what_the_command_says_follows_lang(tmp_path, capsys, lang, words):
    """An upload's problem, and an export's error, in ``--lang``: one line, naming the file."""
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   '"geometry": {"type": "Point", "coordinates": [500, 20]}, '
                   '"properties": {}}]}', encoding="utf-8")
    assert cli.main(["validate", str(bad), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and words in err
    out = tmp_path / "x.png"
    assert cli.main(["export", "--format", "png", "--static", "--add-layer", str(bad),
                     "--lang", lang, "--out", str(out)]) == 2
    assert words in capsys.readouterr().err and not out.exists()


def test_validate_describes_the_file_in_lang(tmp_path, capsys):
    good = tmp_path / "good.geojson"
    good.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"geometry": {"type": "Point", "coordinates": [45, 40]}, '
                    '"properties": {}}]}', encoding="utf-8")
    assert cli.main(["validate", str(good), "--lang", "az"]) == 0
    assert "1 obyekt" in capsys.readouterr().out
