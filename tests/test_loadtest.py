"""A small run of the concurrent-load script: two sessions at once, each toggling a layer,
moving the year and exporting a PNG, against `streamlit run` on loopback."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from . import browser_support as bs
from .conftest import ROOT


@pytest.mark.browser
def test_concurrent_sessions_have_no_errors():
    bs.require_chromium()
    spec = importlib.util.spec_from_file_location("loadtest", ROOT / "scripts" / "loadtest.py")
    loadtest = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = loadtest  # dataclasses look their module up by name
    spec.loader.exec_module(loadtest)
    data = loadtest.run(sessions=2, rounds=1, replicas=1, export=True)
    assert data["errors"] == []
    steps = data["steps"]
    assert {"first paint", "toggle off", "toggle on", "year change", "export png"} <= set(steps)
    assert all(row["n"] == 2 for row in steps.values())
