"""One entry point for every export, and atomic writing of the result.

:func:`export` turns a :class:`~corridor_atlas.view.MapView` into the bytes of one
format. Images go through the system Chromium (pixel-faithful to the live map) unless
``static=True`` or no browser is installed, in which case the print render
(matplotlib, same style table) is used and :attr:`Export.renderer` says so.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import BrowserUnavailableError, ExportError
from .i18n import translator
from .i18n.message import Message
from .layers import Atlas
from .scene import build_scene
from .view import SIZE_PRESETS, MapView

if TYPE_CHECKING:
    from .uploads import UserLayer

Format = Literal["png", "pdf", "html", "svg", "geojson", "csv", "kml"]
FORMATS: tuple[Format, ...] = ("png", "pdf", "html", "svg", "geojson", "csv", "kml")
MIME: dict[str, str] = {
    "png": "image/png",
    "pdf": "application/pdf",
    "html": "text/html",
    "svg": "image/svg+xml",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "kml": "application/vnd.google-earth.kml+xml",
}
Renderer = Literal["browser", "print", "data", "html"]
Option = Literal["size", "scale", "paper", "static"]
OPTIONS: dict[str, tuple[Option, ...]] = {
    "png": ("size", "scale", "static"),  # pixels, pixel density, browser or print render
    "pdf": ("paper", "static"),  # a page: its paper sets the size
    "svg": ("size",),  # always the print render; vectors, so no pixel density
    "html": (), "geojson": (), "csv": (), "kml": (),
}
"""The options of :func:`export` each format uses; it ignores the others."""
#: Landscape pages for the print-render PDF, at 100 px per inch (A4 297×210 mm, Letter 11×8.5 in).
PAPER_PX: dict[str, tuple[int, int]] = {"a4": (1169, 827), "letter": (1100, 850)}


@dataclass(frozen=True)
class Export:
    """The bytes of one export and how they were made."""

    data: bytes
    fmt: str
    renderer: Renderer
    note: str = ""

    @property
    def mime(self) -> str:
        return MIME[self.fmt]

    def filename(self, view: MapView, stem: str = "corridor-atlas") -> str:
        """A descriptive file name: ``corridor-atlas_tap_2024.png``."""
        parts = [stem, view.selected or ("all" if len(view.layers) > 3 else "-".join(view.layers))]
        if view.year is not None:
            parts.append(str(view.year))
        return "_".join(p for p in parts if p) + f".{self.fmt}"


def export(atlas: Atlas, view: MapView, fmt: str, *, vendor_dir: Path,
           size: tuple[int, int] = SIZE_PRESETS["slide"], scale: int = 1,
           static: bool = False, paper: Literal["a4", "letter"] = "a4",
           user_layers: Sequence[UserLayer] = ()) -> Export:
    """
    Render ``view`` as ``fmt``.

    Parameters
    ----------
    atlas
        Loaded data.
    view
        Layers, selected route, year and extent.
    fmt
        One of :data:`FORMATS`.
    vendor_dir
        The ``static/vendor`` folder (inlined into HTML and browser renders).
    size, scale
        Pixel size at scale 1, and 1 or 2 (PNG, print render).
    static
        Use the print render for png and pdf even when a browser is installed.
    paper
        Page size of a browser PDF (landscape).
    user_layers
        The user's own layers (:func:`corridor_atlas.uploads.read_upload`), drawn on
        top in every map format and written after the atlas's layers in GeoJSON and
        KML; the CSV lists sourced figures, which they do not have.

    Raises
    ------
    ExportError
        Unknown format or empty view.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt[:20]!r}; choose from: {', '.join(FORMATS)}")
    if atlas.catalog is None:
        raise ExportError(Message.gettext("the catalog could not be read; nothing to export"))
    scene = build_scene(atlas, view, user_layers)
    if fmt in ("geojson", "csv", "kml"):
        from . import dataexport

        if fmt == "csv":
            return Export(dataexport.to_csv(scene), fmt, "data")
        writer = dataexport.to_geojson if fmt == "geojson" else dataexport.to_kml
        return Export(writer(atlas, scene), fmt, "data")
    if fmt == "html":
        from .snapshot import standalone_html

        return Export(standalone_html(atlas, scene, vendor_dir=vendor_dir), fmt, "html")
    note = ""
    if fmt in ("png", "pdf") and not static:
        from . import snapshot

        try:
            if fmt == "png":
                data = snapshot.render_png(atlas, scene, size=size, scale=scale,
                                           vendor_dir=vendor_dir)
            else:
                data = snapshot.render_pdf(atlas, scene, paper=paper, vendor_dir=vendor_dir)
            return Export(data, fmt, "browser")
        except BrowserUnavailableError as err:
            note = translator(view.lang).gettext(
                "{reason} — used the print render instead.").format(reason=err.text(view.lang))
    from .printmap import render_static

    if fmt == "pdf":  # a real page: 100 px to the inch, landscape
        size = PAPER_PX[paper]
    return Export(render_static(atlas, scene, fmt=fmt, size=size, scale=scale),  # type: ignore[arg-type]
                  fmt, "print", note)


def check_writable(path: Path) -> Path:
    """The folder ``path`` would be written to; :class:`ExportError` if it cannot be."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {str(path)[:200]!r}: folder {str(folder)[:200]!r} "
                          "does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {str(path)[:200]!r}: it is a folder")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"cannot write {str(path)[:200]!r}: folder is not writable")
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """
    Write ``data`` to ``path`` so that a failure leaves nothing behind.

    The bytes go to a temporary file in the same folder, which then replaces
    ``path`` in one step.

    Raises
    ------
    ExportError
        The folder does not exist or is not writable.
    """
    path = Path(path)
    folder = check_writable(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise ExportError(f"cannot write to {str(folder)[:200]!r}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
