"""Shared fixtures: the real geo/ folder, and throwaway copies of it to break."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and machine, so CI is repeatable;
# `--hypothesis-seed` or HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
GEO_DIR = ROOT / "geo"
VENDOR_DIR = ROOT / "static" / "vendor"
ROUTE_IDS = ("btc", "scp", "tanap", "tap", "btk", "igdir_nakhchivan", "kars_nakhchivan")
CONTEXT_IDS = ("baku_supsa", "black_sea_cable")
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    return GEO_DIR


@pytest.fixture(scope="session")
def vendor_dir() -> Path:
    return VENDOR_DIR


@pytest.fixture(scope="session")
def catalog():
    from corridor_atlas.catalog import load_catalog

    cat, problems = load_catalog(GEO_DIR)
    assert cat is not None and problems == []
    return cat


@pytest.fixture(scope="session")
def atlas():
    from corridor_atlas.layers import load_atlas

    return load_atlas(GEO_DIR, strict=True)


@pytest.fixture
def geo_copy(tmp_path: Path) -> Path:
    """A writable copy of geo/ to break in a test."""
    dst = tmp_path / "geo"
    shutil.copytree(GEO_DIR, dst)
    return dst


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def edit_json() -> Callable[[Path, Callable[[Any], Any]], None]:
    def edit(path: Path, change: Callable[[Any], Any]) -> None:
        obj = read_json(path)
        result = change(obj)
        write_json(path, obj if result is None else result)

    return edit
