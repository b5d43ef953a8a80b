"""Shared fixtures: the real geo/ folder, and throwaway copies of it to break."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from . import browser_support as bs

# Property tests draw the same examples on every run and machine, so CI is repeatable;
# `--hypothesis-seed` or HYPOTHESIS_PROFILE=explore searches afresh. No deadline: an
# example that reads files can take longer on a busy machine, and speed is measured by
# scripts/benchmark.py, not by tests.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
GEO_DIR = ROOT / "geo"
VENDOR_DIR = ROOT / "static" / "vendor"
ROUTE_IDS = ("btc", "scp", "tanap", "tap", "btk", "igdir_nakhchivan", "kars_nakhchivan")
CONTEXT_IDS = ("baku_supsa", "black_sea_cable")
CONNECTION_IDS = ("igb", "kilis_aleppo", "horadiz_aghband", "tripp", "bstn")
XSS = "<img src=x onerror=alert(1)>"


def open_session(at: Any) -> Any:
    """Run the app (a Streamlit ``AppTest``) as a browser opens it: the session's first run,
    which sends the map, then the run the map starts once it is drawn, which sends the
    controls and the panels (see app.py ``main``)."""
    at.run()
    assert not at.exception, at.exception
    return at.run()


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


# --- Browser fixtures (tests/test_browser*.py): the system Chromium, never downloaded -------

OpenPage = Callable[..., "tuple[Page, bs.PageLog]"]  # (allowed hosts, *, locale="en-US")


@pytest.fixture(scope="session")
def chromium() -> str:
    from . import browser_support as bs

    return bs.require_chromium()


# Module scope: Playwright's sync API keeps an event loop running while it is started,
# and other modules start their own (sync_playwright, asyncio.run), so each module
# closes its browser when it is done.
@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    from . import browser_support as bs

    # A waiting assertion waits as long as one rerun of the app may take on a busy
    # machine, not Playwright's default of 5 s: a click's rerun can queue behind another.
    expect.set_options(timeout=bs.UPDATE_TIMEOUT_MS)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, args=bs.LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def app_url(chromium: str) -> Iterator[str]:
    """The app on the real geo/, one server for every browser test that needs it."""
    from . import browser_support as bs

    with bs.run_app(ROOT) as url:
        yield url


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Open pages in fresh browser contexts, each watched by ``browser_support.watch``."""
    from . import browser_support as bs

    contexts = []

    def open_(allowed: Callable[[str], bool], *,
              locale: str = "en-US") -> tuple[Page, bs.PageLog]:
        # the browser's language, which the app follows when the link names none: set,
        # so that a machine's own language does not change what the tests see
        context = browser.new_context(viewport=bs.VIEWPORT, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(bs.UPDATE_TIMEOUT_MS)
        return page, bs.watch(page, allowed)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def edit_json() -> Callable[[Path, Callable[[Any], Any]], None]:
    def edit(path: Path, change: Callable[[Any], Any]) -> None:
        obj = read_json(path)
        result = change(obj)
        write_json(path, obj if result is None else result)

    return edit
