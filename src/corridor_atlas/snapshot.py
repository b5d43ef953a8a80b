"""Pictures of a map view: PNG and PDF through a headless Chromium, and standalone HTML.

The PNG and PDF come from the same page a user would open (:func:`maps.snapshot_map`,
which draws a :class:`~corridor_atlas.scene.Scene`), drawn by the system Chromium
through Playwright: the export looks exactly like the map.
Nothing is downloaded: the page is self-contained and every request that is not
``file:``, ``data:``, ``blob:`` or ``about:`` is aborted.

One browser serves the whole process. Playwright's sync API belongs to the thread that
started it, while a Streamlit server runs each session in a thread of its own, so the
browser lives in a single dedicated worker thread, started on first use. The public
functions hand it a job and wait for the result; concurrent callers queue. A browser
that died is started again (once per job). :func:`shutdown` closes it, and runs at exit.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import math
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from branca.element import Element

from . import pngbands, pngtext
from .errors import AtlasError, BrowserUnavailableError, ExportError
from .i18n import N_
from .i18n.languages import language
from .i18n.message import Message
from .layers import Atlas
from .maps import snapshot_map
from .scene import Scene
from .settings import CHROMIUM_ENV, CHROMIUM_FALLBACKS, CHROMIUM_NAMES, chromium_setting
from .view import SIZE_PRESETS, check_size, parse_scale

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

Paper = Literal["a4", "letter"]

NOT_FOUND_MESSAGE = N_("Chromium not found: install it with `apt-get install chromium` or set "
                       "{variable}; or use the print render (--static)")
NOT_FOUND = NOT_FOUND_MESSAGE.format(variable=CHROMIUM_ENV)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_S = 60.0
ALLOWED_SCHEMES = frozenset({"file", "data", "blob", "about"})
CSS_DPI = 96
SOFTWARE = "Corridor Atlas"
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class PaperSize:
    """A landscape page: Playwright's format name and the page's size in CSS units."""

    format: str
    width: str
    height: str
    width_in: float
    height_in: float

    @property
    def viewport(self) -> tuple[int, int]:
        """The page in CSS pixels at 96 dpi, rounded up so the map covers it."""
        return math.ceil(self.width_in * CSS_DPI), math.ceil(self.height_in * CSS_DPI)


PAPERS: dict[str, PaperSize] = {
    "a4": PaperSize("A4", "297mm", "210mm", 297 / MM_PER_INCH, 210 / MM_PER_INCH),
    "letter": PaperSize("Letter", "11in", "8.5in", 11.0, 8.5),
}

# Wait for the page's own "drawn" flag, then for fonts and two frames so the last
# layout is painted before the screenshot.
_READY = "() => window.atlasReady === true"
_SCROLL = "y => { window.scrollTo(0, y); return window.scrollY; }"
_SETTLED = """() => document.fonts.ready.then(() => new Promise(
    done => requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""


# --- Chromium --------------------------------------------------------------------------------

def locate_chromium(env: Mapping[str, str] | None = None,
                    fallbacks: Sequence[str] = CHROMIUM_FALLBACKS) -> tuple[str | None, str]:
    """
    Locate the Chromium executable, saying why when there is none.

    ``$CORRIDOR_ATLAS_CHROMIUM`` wins when set: a name or path that does not resolve
    to an executable is reported, not silently replaced by another browser. Otherwise
    ``chromium`` / ``chromium-browser`` on ``PATH``, then the Debian location.

    Returns
    -------
    tuple of (str or None, str)
        The executable, or ``None`` and a note on why nothing was found.
    """
    env = os.environ if env is None else env
    search = env.get("PATH", os.defpath)
    configured = chromium_setting(env)
    if configured:
        found = shutil.which(configured, path=search)
        return (found, "") if found else (None, f"{CHROMIUM_ENV}={configured!r} is not an "
                                                "executable file")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name, path=search)
        if found:
            return found, ""
    for candidate in fallbacks:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate, ""
    return None, f"none of {', '.join(CHROMIUM_NAMES)} on PATH or {', '.join(fallbacks)}"


def find_chromium() -> str | None:
    """The Chromium executable (see :func:`locate_chromium`), or ``None``."""
    return locate_chromium()[0]


# --- The worker thread -----------------------------------------------------------------------

_Job = Callable[["Browser", float], Any]  # (browser, deadline on time.monotonic()) -> result
_STOP = object()


class _Worker:
    """One thread that owns one Playwright and one browser, and runs queued jobs in turn."""

    def __init__(self, owner: _Renderer) -> None:
        self.owner = owner
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._work, name="corridor-atlas-render",
                                       daemon=True)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def _work(self) -> None:
        try:
            while True:
                item = self.jobs.get()
                if item is _STOP:
                    return
                job, deadline, future = item
                if not future.set_running_or_notify_cancel():
                    continue  # the caller gave up waiting
                try:
                    result = self._run_job(job, deadline)
                except BaseException as exc:  # handed to the caller, raised there
                    future.set_exception(exc)
                else:
                    future.set_result(result)
                finally:
                    self.owner.jobs_done += 1
        finally:
            self._close()

    def _run_job(self, job: _Job, deadline: float) -> Any:
        from playwright.sync_api import Error as PlaywrightError

        if time.monotonic() >= deadline:
            raise ExportError(Message.gettext(
                "the render timed out while waiting for the browser"))
        browser = self._ensure_browser()
        try:
            return job(browser, deadline)
        except PlaywrightError:
            if browser.is_connected():
                raise
        # The browser died under the job: start a new one and try once more.
        self.owner.restarts += 1
        self._close()
        return job(self._ensure_browser(), deadline)

    def _ensure_browser(self) -> Browser:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        if self._browser is not None:  # died since the last job
            self.owner.restarts += 1
            self._close()
        executable, why = locate_chromium()
        if executable is None:
            problem = Message.gettext(NOT_FOUND_MESSAGE, variable=CHROMIUM_ENV)
            # where the browser was looked for, in the words of the setting: not translated
            raise BrowserUnavailableError(Message("{problem} ({reason})", values=(
                ("problem", problem), ("reason", why))))
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        try:
            if self._playwright is None:
                self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, headless=True, args=self.owner.launch_args)
        except PlaywrightError as exc:
            self._close()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            # Translators: {reason} is the browser's own words, in English
            raise BrowserUnavailableError(Message.gettext(
                "Chromium at {path} could not be started: {reason}; or use the print render "
                "(--static)", path=executable, reason=first)) from exc
        self.owner.launches += 1
        return self._browser

    def _close(self) -> None:
        browser, self._browser = self._browser, None
        pw, self._playwright = self._playwright, None
        for close in (browser and browser.close, pw and pw.stop):
            if close:
                with contextlib.suppress(Exception):  # already gone: nothing left to close
                    close()


class _Renderer:
    """Hands jobs to the current worker, starting one when there is none."""

    def __init__(self, launch_args: Sequence[str] = LAUNCH_ARGS) -> None:
        self.launch_args = list(launch_args)
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self.launches = 0
        self.restarts = 0
        self.jobs_done = 0
        self.blocked: collections.deque[str] = collections.deque(maxlen=50)  # the last few

    def run(self, job: _Job, timeout: float = DEFAULT_TIMEOUT_S) -> Any:
        """Run ``job(browser, deadline)`` on the worker; wait at most ``timeout`` seconds."""
        if not timeout > 0:
            raise ExportError(f"timeout must be positive, got {timeout!r}")
        deadline = time.monotonic() + timeout
        future: Future[Any] = Future()
        with self._lock:
            if self._worker is None or not self._worker.thread.is_alive():
                self._worker = _Worker(self)
                self._worker.thread.start()
            self._worker.jobs.put((job, deadline, future))
        try:
            # A job stops itself at the deadline (Playwright timeouts); the margin covers
            # closing its page.
            return future.result(timeout=timeout + 5.0)
        except FutureTimeout:
            future.cancel()
            raise ExportError(Message.gettext("the render did not finish within {seconds} s",
                                              seconds=round(timeout))) from None
        except AtlasError:
            raise
        except Exception as exc:  # a browser error: one line for the user, the cause chained
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            # Translators: {reason} is the browser's own words, in English
            raise ExportError(Message.gettext("the render failed: {reason}",
                                              reason=first)) from exc

    def shutdown(self, timeout: float = 15.0) -> None:
        """Close the browser and end the worker thread (a later job starts new ones).

        Jobs already queued run first.
        """
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None and worker.thread.is_alive():
            worker.jobs.put(_STOP)
            worker.thread.join(timeout)

    def stats(self) -> dict[str, Any]:
        worker = self._worker
        alive = worker is not None and worker.thread.is_alive()
        return {"launches": self.launches, "restarts": self.restarts,
                "jobs_done": self.jobs_done, "blocked_recent": list(self.blocked),
                "worker_alive": alive, "worker_thread": worker.thread.name if alive else None}


_renderer = _Renderer()


def shutdown() -> None:
    """Close the shared browser; the next render starts a new one."""
    _renderer.shutdown()


atexit.register(shutdown)


def _renderer_stats() -> dict[str, Any]:
    """Counters of the shared renderer (launches, restarts, jobs), for tests and logs."""
    return _renderer.stats()


# --- Pages -----------------------------------------------------------------------------------

def _page_html(atlas: Atlas, scene: Scene, *, vendor_dir: Path, interactive: bool,
               extra_css: str = "") -> str:
    m = snapshot_map(atlas, scene, vendor_dir=Path(vendor_dir), interactive=interactive)
    if extra_css:
        m.get_root().header.add_child(Element(extra_css), name="atlas_page_css")
    # the page says its language: screen readers, hyphenation, and İ/ı in upper case
    lang = language(scene.view.lang).code
    return m.get_root().render().replace("<html>", f'<html lang="{lang}">', 1)


def _remaining_ms(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ExportError(Message.gettext("the render timed out"))
    return left * 1000.0


def _open(browser: Browser, html: str, deadline: float, *, size: tuple[int, int],
          scale: float, blocked: collections.deque[str]) -> tuple[Any, Page]:
    """A fresh context and page with ``html`` loaded and drawn; only local URLs load."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  device_scale_factor=scale, service_workers="block")
    try:
        errors: list[str] = []

        def on_route(route: Any) -> None:
            url = route.request.url
            if urlsplit(url).scheme in ALLOWED_SCHEMES:
                route.continue_()
            else:
                blocked.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", on_route)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(_remaining_ms(deadline))
        page.set_content(html, wait_until="load")
        try:
            page.wait_for_function(_READY, timeout=_remaining_ms(deadline), polling="raf")
        except Exception as exc:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            if not isinstance(exc, PlaywrightTimeout):
                raise
            if errors:  # the page's own errors, as the browser words them
                raise ExportError(Message.gettext("the map did not finish drawing: {errors}",
                                                  errors="; ".join(errors[:3]))) from None
            raise ExportError(Message.gettext("the map did not finish drawing")) from None
        page.evaluate(_SETTLED)
        return context, page
    except BaseException:
        context.close()
        raise


def render_png(atlas: Atlas, scene: Scene, *, size: tuple[int, int] = SIZE_PRESETS["slide"],
               scale: int = 1, vendor_dir: Path, timeout: float | None = None) -> bytes:
    """
    The scene as a PNG: title, as-of date, names, legend and credits, fitted to its extent.

    Parameters
    ----------
    atlas
        Loaded data (basemap, credits).
    scene
        What to draw (:func:`corridor_atlas.scene.build_scene`).
    size
        Width and height in CSS pixels (see :data:`view.SIZE_PRESETS`).
    scale
        Device pixels per CSS pixel, 1 or 2: the image is ``size × scale`` pixels.
    vendor_dir
        The ``static/vendor`` folder.
    timeout
        Seconds to wait, queueing included; by default a minute, and a second more for
        each million pixels (a large picture is taken in strips and joined).

    Raises
    ------
    ExportError
        Bad size or scale, or the render failed or timed out.
    BrowserUnavailableError
        No Chromium (or it does not start).
    """
    width, height = check_size(size)
    parse_scale(scale)
    strips = pngbands.strips(width, height, scale)
    if len(strips) == 1:
        html = _page_html(atlas, scene, vendor_dir=vendor_dir, interactive=False)
        viewport = (width, height)
    else:  # laid out at the full size, seen through a viewport one strip high
        html = _page_html(atlas, scene, vendor_dir=vendor_dir, interactive=False,
                          extra_css=_fixed_css(width, height))
        viewport = (width, max(rows for _, rows in strips))

    if timeout is None:
        timeout = DEFAULT_TIMEOUT_S + width * height * scale * scale / 1e6

    def job(browser: Browser, deadline: float) -> list[tuple[bytes, int, int]]:
        context, page = _open(browser, html, deadline, size=viewport, scale=scale,
                              blocked=_renderer.blocked)
        try:
            if len(strips) == 1:
                return [(page.screenshot(type="png", animations="disabled", caret="hide",
                                         timeout=_remaining_ms(deadline)), 0, height * scale)]
            shots = []
            for top, rows in strips:
                y = min(top, height - viewport[1])  # the last strip: the page's bottom
                if page.evaluate(_SCROLL, y) != y:
                    raise ExportError(Message.gettext(
                        "the picture could not be taken in strips ({y} px)", y=str(y)))
                shot = page.screenshot(type="png", animations="disabled", caret="hide",
                                       timeout=_remaining_ms(deadline))
                shots.append((shot, (top - y) * scale, rows * scale))
        finally:
            context.close()
        return shots

    shots = _renderer.run(job, timeout)  # the browser is free again while strips are joined
    png = shots[0][0] if len(shots) == 1 else pngbands.join(shots, width * scale,
                                                             height * scale)
    return pngtext.with_text(png, {"Title": scene.page_title, "Software": SOFTWARE})


def _fixed_css(width: int, height: int) -> str:
    """The page laid out at ``width`` × ``height`` CSS pixels whatever the viewport.

    The map's sizes that follow the window (``vh``, ``vw``) follow the page instead.
    """
    return (f"<style>html, body {{ width: {width}px !important; height: {height}px !important;"
            " margin: 0 !important; padding: 0 !important; }"
            f".atlas-legend {{ max-height: {0.7 * height:.0f}px !important; }}"
            f".atlas-footer {{ max-width: {0.6 * width:.0f}px !important; }}</style>")


def _print_css(paper: PaperSize) -> str:
    """The page is the map: exactly one sheet, nothing to spill onto a second."""
    return (f"<style>@page {{ size: {paper.width} {paper.height}; margin: 0; }}"
            f"html, body {{ width: {paper.width} !important; height: {paper.height} !important;"
            " margin: 0 !important; padding: 0 !important; overflow: hidden !important; }"
            "</style>")


def render_pdf(atlas: Atlas, scene: Scene, *, paper: Paper = "a4", vendor_dir: Path,
               timeout: float = DEFAULT_TIMEOUT_S) -> bytes:
    """
    The scene as a one-page landscape PDF (A4 or US Letter), the map filling the page.

    The page is laid out at 96 dpi (A4 landscape: 1123×794 CSS pixels), so it shows
    what a browser window of that size shows; text and lines stay vectors.

    Raises
    ------
    ExportError
        Unknown paper, or the render failed or timed out.
    BrowserUnavailableError
        No Chromium (or it does not start).
    """
    if paper not in PAPERS:
        raise ExportError(f"paper must be one of {', '.join(PAPERS)}, got {str(paper)[:20]!r}")
    sheet = PAPERS[paper]
    html = _page_html(atlas, scene, vendor_dir=vendor_dir, interactive=False,
                      extra_css=_print_css(sheet))

    def job(browser: Browser, deadline: float) -> bytes:
        context, page = _open(browser, html, deadline, size=sheet.viewport, scale=1,
                              blocked=_renderer.blocked)
        try:
            return page.pdf(format=sheet.format, landscape=True, print_background=True,
                            margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                            page_ranges="1")
        finally:
            context.close()

    return _renderer.run(job, timeout)


def standalone_html(atlas: Atlas, scene: Scene, *, vendor_dir: Path) -> bytes:
    """
    The scene as one self-contained HTML file (UTF-8): the live map with its controls,
    names, legend and extent (the user's own layers included), every asset inline, so
    it opens offline anywhere. Needs no browser.
    """
    return _page_html(atlas, scene, vendor_dir=vendor_dir,
                      interactive=True).encode("utf-8")
