"""Print render: a view as PNG, SVG or PDF without a browser.

:func:`render_static` draws a :class:`~corridor_atlas.scene.Scene` with matplotlib
(the Agg canvas on a bare :class:`~matplotlib.figure.Figure`; pyplot is never used):
exactly the scene's layers, segments and styles, in the scene's order, in the live map's
projection (Web Mercator, EPSG:3857), with the scene's legend rows, title, as-of line,
credits and names. The names are placed for the picture's scale by
:mod:`corridor_atlas.labelplace`, with a white halo, and stay text in SVG and PDF.

Units: the layout is in *pixels at scale 1*, as the live map's style table is. The
figure is ``size / 100`` inches at ``100 × scale`` dpi, so a PNG is exactly
``size × scale`` pixels and one layout pixel is :data:`PT_PER_PX` points in every
format. Leaflet dash patterns (``"10 7"``, pixels) become matplotlib dash tuples in
units of the line width, so a dash is as long on paper as on screen.

The same inputs give byte-identical files: fixed metadata (no dates, no version
strings), a fixed SVG hash salt, matplotlib's default settings for the duration of
the render, and the DejaVu Sans fonts bundled with matplotlib (never system fonts;
an SVG names the font, DejaVu Sans, and keeps its text as text).
Renders are serialised by a lock, since matplotlib's settings are process-wide.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import matplotlib.style
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Polygon
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import Normal, Stroke
from matplotlib.textpath import text_to_path

from . import styles
from .errors import ExportError
from .labelplace import Placed, place_labels, zoom_of
from .layers import Atlas
from .legend import LegendRow
from .projection import MAX_LAT, mercator
from .scene import FacilityLayer, RouteLayer, Scene, UserLayerScene
from .view import SIZE_PRESETS, check_size, parse_scale

if TYPE_CHECKING:
    from .uploads import UserLayer

__all__ = ["PRINT_FORMATS", "PT_PER_PX", "PrintFormat", "render_static"]

PrintFormat = Literal["png", "svg", "pdf"]
PRINT_FORMATS: tuple[PrintFormat, ...] = ("png", "svg", "pdf")

BASE_DPI = 100
PT_PER_PX = 72 / BASE_DPI
"""Points per layout pixel (one pixel at scale 1)."""

FACILITY_RADIUS_PX = 6  # as the live map's circle markers
FACILITY_RING_PX = 2
COUNTRY_BORDER_PX = 0.8
LEGEND_BAND_PX = 12  # the live legend's schematic swatch
LEGEND_SWATCH_PX = 34
MIN_MAP_SIDE = 120  # a legend never squeezes the map below this (layout px)
LEGEND_NEUTRAL = "#333333"  # status and geometry swatches, as in the live legend
USER_NAME_CHARS = 40  # a user's layer name in the legend, cut beyond this

_FONT_DIR = Path(mpl.get_data_path()) / "fonts" / "ttf"
_REGULAR = _FONT_DIR / "DejaVuSans.ttf"
_BOLD = _FONT_DIR / "DejaVuSans-Bold.ttf"

_NAME = "Corridor Atlas"
_SAVE_RC: dict[str, Any] = {
    "svg.hashsalt": "corridor-atlas",
    "svg.fonttype": "none",  # text stays text: names can be found, selected and edited
    # Type 3 glyph subsets: the text stays searchable, and embedding is several times
    # faster than TrueType (42) subsetting
    "pdf.fonttype": 3,
}
_LOCK = threading.Lock()


# --- projection and geometry -------------------------------------------------------------

def _map_extent(extent: tuple[float, float, float, float],
                aspect: float) -> tuple[float, float, float, float]:
    """An extent in metres (x0, y0, x1, y1), grown (never cropped) to ``aspect``."""
    west, south, east, north = extent
    (x0, y0), (x1, y1) = mercator(np.array([[west, south], [east, north]]))
    if y1 - y0 < 1.0:  # a bbox wholly beyond ±85° latitude: a sliver at the clip line
        y0, y1 = y0 - 0.5, y1 + 0.5
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        grow = (aspect * height - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def _compound_path(parts: np.ndarray, *, closed: bool) -> MplPath | None:
    """One matplotlib path of many rings or lines (already projected)."""
    if len(parts) == 0:
        return None
    counts = shapely.get_num_coordinates(parts)
    verts = shapely.get_coordinates(parts)
    if len(verts) == 0:
        return None
    codes = np.full(len(verts), MplPath.LINETO, dtype=MplPath.code_type)
    ends = np.cumsum(counts)
    codes[ends - counts] = MplPath.MOVETO
    if closed:
        codes[ends - 1] = MplPath.CLOSEPOLY
    return MplPath(verts, codes)


def _project(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, mercator)


def _countries_path(atlas: Atlas, window: tuple[float, float, float, float]) -> MplPath | None:
    """Country rings in metres, cut to ``window`` (so vector files hold only what shows)."""
    if atlas.countries is None or atlas.countries.empty:
        return None
    geoms = shapely.clip_by_rect(np.asarray(atlas.countries.geometry.values),
                                 -180.0, -MAX_LAT, 180.0, MAX_LAT)
    geoms = shapely.clip_by_rect(_project(geoms), *window)
    parts = shapely.get_parts(geoms)
    polygons = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    return _compound_path(shapely.get_rings(polygons), closed=True)


def _line_path(geom: shapely.Geometry) -> MplPath | None:
    parts = shapely.get_parts(_project(np.array([geom])))
    lines = parts[np.isin(shapely.get_type_id(parts), [shapely.GeometryType.LINESTRING,
                                                       shapely.GeometryType.LINEARRING])]
    return _compound_path(lines, closed=False)


def _flat_parts(geoms: np.ndarray) -> np.ndarray:
    """Single-part geometries, collections opened however deeply they nest."""
    parts = shapely.get_parts(geoms)
    while np.any(shapely.get_type_id(parts) == shapely.GeometryType.GEOMETRYCOLLECTION):
        parts = shapely.get_parts(parts)
    return parts[~shapely.is_empty(parts)]


@dataclass(frozen=True)
class _UserShapes:
    """A user's layer in metres: one path of polygon rings, one of lines, the points."""

    polygons: MplPath | None
    lines: MplPath | None
    points: np.ndarray


def _user_shapes(layer: UserLayer) -> _UserShapes:
    parts = _flat_parts(_project(np.asarray(layer.gdf.geometry.values)))
    kind = shapely.get_type_id(parts)
    # exteriors anticlockwise, holes clockwise: matplotlib fills by the nonzero rule
    polygons = shapely.orient_polygons(parts[kind == shapely.GeometryType.POLYGON])
    lines = parts[np.isin(kind, [shapely.GeometryType.LINESTRING,
                                 shapely.GeometryType.LINEARRING])]
    points = shapely.get_coordinates(parts[kind == shapely.GeometryType.POINT])
    return _UserShapes(_compound_path(shapely.get_rings(polygons), closed=True),
                       _compound_path(lines, closed=False), points)


# --- style table → matplotlib ------------------------------------------------------------

def _pt(px: float) -> float:
    return px * PT_PER_PX


def _dashes(pattern: str | None, weight_px: float) -> str | tuple[float, tuple[float, ...]]:
    """A Leaflet ``dashArray`` (pixels) as a matplotlib dash tuple in line widths."""
    if not pattern:
        return "solid"
    values = [float(v) for v in pattern.replace(",", " ").split()]
    if len(values) % 2:  # SVG repeats an odd list to make it even
        values *= 2
    return 0.0, tuple(v / weight_px for v in values)


def _stroke_kwargs(style: styles.LineStyle) -> dict[str, Any]:
    """Leaflet's path options (round caps and joins) as PathPatch keywords."""
    return {"edgecolor": style.colour, "linewidth": _pt(style.weight), "alpha": style.opacity,
            "linestyle": _dashes(style.dash, style.weight), "capstyle": "round",
            "joinstyle": "round", "fill": False}


# --- text --------------------------------------------------------------------------------

def _font(size_px: float, *, bold: bool = False) -> FontProperties:
    return FontProperties(fname=_BOLD if bold else _REGULAR, size=_pt(size_px))


def _text_width(text: str, prop: FontProperties) -> float:
    """Width in layout pixels, independent of the output's resolution."""
    return _width(text, str(prop.get_file()), float(prop.get_size_in_points()))


@functools.lru_cache(maxsize=4096)
def _width(text: str, font_file: str, size_pt: float) -> float:
    # measuring sets the text in the font: the same names and legend rows come back often
    prop = FontProperties(fname=font_file, size=size_pt)
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / PT_PER_PX


def _wrap(text: str, prop: FontProperties, width: float) -> list[str]:
    """Greedy word wrap to ``width`` layout pixels (a word longer than that gets a line)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _text_width(candidate, prop) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


# --- legend ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    label: str
    height: float
    header: bool = False
    swatch: Callable[[Axes, float, float], None] | None = None
    width: float = LEGEND_SWATCH_PX  # of the swatch


def _line_swatch(style: styles.LineStyle, band: styles.LineStyle | None = None
                 ) -> Callable[[Axes, float, float], None]:
    def draw(ax: Axes, x: float, y: float) -> None:
        xs, ys = [x + 3, x + LEGEND_SWATCH_PX - 3], [y, y]
        if band is not None:
            ax.add_line(Line2D(xs, ys, color=band.colour, linewidth=_pt(band.weight),
                               alpha=band.opacity, solid_capstyle="butt"))
        ax.add_line(Line2D(xs, ys, color=style.colour, linewidth=_pt(style.weight),
                           alpha=style.opacity, linestyle=_dashes(style.dash, style.weight),
                           solid_capstyle="round", dash_capstyle="round"))
    return draw


def _widths_swatch(widths: Sequence[float], colour: str) -> Callable[[Axes, float, float], None]:
    def draw(ax: Axes, x: float, y: float) -> None:
        for i, width in enumerate(widths):
            x0 = x + 2 + i * 17
            ax.add_line(Line2D([x0, x0 + 14], [y, y], color=colour, linewidth=_pt(width),
                               solid_capstyle="butt"))
    return draw


def _marker_swatch(colour: str) -> Callable[[Axes, float, float], None]:
    def draw(ax: Axes, x: float, y: float) -> None:
        ax.add_line(Line2D([x + LEGEND_SWATCH_PX / 2], [y], linestyle="none", marker="o",
                           markersize=_pt(2 * FACILITY_RADIUS_PX), markerfacecolor="#ffffff",
                           markeredgecolor=colour, markeredgewidth=_pt(FACILITY_RING_PX)))
    return draw


def _arrow_swatch(colour: str) -> Callable[[Axes, float, float], None]:
    def draw(ax: Axes, x: float, y: float) -> None:
        ax.add_line(Line2D([x + 2, x + 26], [y, y], color=colour, linewidth=_pt(6),
                           solid_capstyle="butt"))
        ax.add_patch(Polygon(_arrow_head(x + 22, y, 0.0, 8.0), closed=True,
                             facecolor=styles.ARROW_COLOUR, edgecolor=colour,
                             linewidth=_pt(1.0)))
    return draw


def _dispute_swatch(ax: Axes, x: float, y: float) -> None:
    _dispute_marks(ax, [x + LEGEND_SWATCH_PX / 2], [y], ax.get_zorder() + 5)


def _legend_entries(rows: Sequence[LegendRow], font_px: float) -> list[_Entry]:
    """The scene's legend rows as entries of this layout (heights in layout pixels)."""
    row_h = max(18.0, 1.55 * font_px)
    head = 1.9 * font_px
    entries = []
    for row in rows:
        if row.header:
            entries.append(_Entry(row.text, head, header=True))
        elif row.marker is not None:
            entries.append(_Entry(row.text, row_h, swatch=_marker_swatch(row.marker)))
        elif row.arrow:
            entries.append(_Entry(row.text, row_h, swatch=_arrow_swatch(row.colour)))
        elif row.dispute:
            entries.append(_Entry(row.text, max(row_h, styles.DISPUTE_MARK_PX + 2),
                                  swatch=_dispute_swatch))
        elif row.widths:
            entries.append(_Entry(row.text, max(row_h, max(row.widths) + 4),
                                  swatch=_widths_swatch(row.widths, row.colour),
                                  width=2 + 17 * len(row.widths)))
        else:
            label = _shorten(row.text, USER_NAME_CHARS)
            entries.append(_Entry(label, row_h, swatch=_line_swatch(row.line, row.band)
                                  if row.line is not None else None))
    return entries


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _flow(entries: Sequence[_Entry], max_height: float) -> list[list[_Entry]]:
    """Entries in columns no taller than ``max_height`` (a header never ends a column)."""
    columns: list[list[_Entry]] = [[]]
    used = 0.0
    for i, entry in enumerate(entries):
        need = entry.height
        if entry.header and i + 1 < len(entries):
            need += entries[i + 1].height
        if columns[-1] and used + need > max_height:
            columns.append([])
            used = 0.0
        columns[-1].append(entry)
        used += entry.height
    return columns


def _column_height(column: Sequence[_Entry]) -> float:
    # a header at the top of a column needs no space above it
    return sum(e.height for e in column) - (column[0].height * 0.3 if column[0].header else 0)


@dataclass(frozen=True)
class _Legend:
    """Legend columns placed beside or under the map, and the box left for the map."""

    columns: list[list[_Entry]]
    col_w: float
    x: float
    y: float
    map_box: tuple[float, float, float, float]  # left, top, right, bottom (layout px)

    @property
    def map_area(self) -> float:
        left, top, right, bottom = self.map_box
        return max(right - left, 0.0) * max(bottom - top, 0.0)

    @property
    def map_side(self) -> float:
        left, top, right, bottom = self.map_box
        return min(right - left, bottom - top)


def _place_legend(entries: Sequence[_Entry], col_w: float, side: Literal["right", "below"],
                  box: tuple[float, float, float, float], gap: float) -> _Legend:
    """Columns to the right of the map panel, or a band of columns under it."""
    left, top, right, bottom = box
    if not entries:
        return _Legend([], col_w, left, top, box)
    if side == "right":
        columns = _flow(entries, bottom - top)
        legend_w = len(columns) * col_w + (len(columns) - 1) * gap
        map_right = right - legend_w - 1.5 * gap
        return _Legend(columns, col_w, map_right + 1.5 * gap, top,
                       (left, top, map_right, bottom))
    fit = max(1, int((right - left + gap) // (col_w + gap)))
    target = max(e.height for e in entries)
    columns = _flow(entries, target)
    while len(columns) > fit:
        target += 4.0
        columns = _flow(entries, target)
    map_bottom = bottom - max(_column_height(c) for c in columns) - gap
    return _Legend(columns, col_w, left, map_bottom + gap, (left, top, right, map_bottom))


# --- layout and render -------------------------------------------------------------------

def _check(fmt: str, size: tuple[int, int], scale: int) -> tuple[int, int]:
    if fmt not in PRINT_FORMATS:
        raise ExportError(f"the print render makes {', '.join(PRINT_FORMATS)}, not {fmt[:20]!r}")
    parse_scale(scale)
    return check_size(size)


def render_static(atlas: Atlas, scene: Scene, *, fmt: PrintFormat,
                  size: tuple[int, int] = SIZE_PRESETS["slide"], scale: int = 1) -> bytes:
    """
    The scene as a finished map: title, as-of date, map, names, legend, credits, sources.

    Parameters
    ----------
    atlas
        Loaded data (the basemap).
    scene
        What to draw (:func:`corridor_atlas.scene.build_scene`); its extent is grown to
        the map panel's shape, never cropped.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``.
    size
        Width and height in pixels at scale 1 (see
        :data:`~corridor_atlas.view.SIZE_PRESETS`); SVG and PDF pages have the same
        layout, at 100 pixels to the inch.
    scale
        1, or 2 for a PNG with twice the pixels in each direction.

    Returns
    -------
    bytes
        The file; the same inputs give the same bytes.

    Raises
    ------
    ExportError
        Unknown format, size or scale out of range, or no catalog.
    """
    width, height = _check(fmt, size, scale)
    if atlas.catalog is None:
        raise ExportError("the catalog could not be read; nothing to render")
    with _LOCK, mpl.rc_context():
        matplotlib.style.use("default")  # independent of any settings the process changed
        mpl.rcParams.update(_SAVE_RC)
        fig = _figure(atlas, scene, width, height, scale, keep_text=fmt != "png")
        title = scene.page_title
        metadata: dict[str, Any] = {
            "png": {"Software": _NAME, "Title": title},
            "svg": {"Date": None, "Creator": _NAME, "Title": title},
            "pdf": {"CreationDate": None, "ModDate": None, "Producer": _NAME,
                    "Creator": _NAME, "Title": title},
        }[fmt]
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=BASE_DPI * scale, metadata=metadata,
                    facecolor="#ffffff")
    return out.getvalue()


def _figure(atlas: Atlas, scene: Scene, width: int, height: int, scale: int, *,
            keep_text: bool = True) -> Figure:
    fig = Figure(figsize=(width / BASE_DPI, height / BASE_DPI), dpi=BASE_DPI * scale,
                 facecolor="#ffffff")
    FigureCanvasAgg(fig)

    f = min(width / SIZE_PRESETS["slide"][0], height / SIZE_PRESETS["slide"][1], 1.4)
    pad = max(8.0, 20 * f)
    gap = max(6.0, 14 * f)
    title_px, sub_px = max(13.0, 24 * f), max(10.0, 14 * f)
    legend_px, foot_px = max(10.0, 13 * f), max(8.5, 11 * f)

    # a full-figure overlay in layout pixels, y down, for the title, legend and footer
    page = fig.add_axes((0, 0, 1, 1))
    page.set_axis_off()
    page.set_xlim(0, width)
    page.set_ylim(height, 0)

    def text(x: float, y: float, s: str, px: float, *, bold: bool = False,
             colour: str = "#222222", va: str = "top") -> None:
        page.text(x, y, s, fontproperties=_font(px, bold=bold), color=colour, va=va,
                  ha="left", parse_math=False)

    # title and subtitle
    y = pad
    title_font = _font(title_px, bold=True)
    for line in _wrap(scene.title, title_font, width - 2 * pad):
        text(pad, y, line, title_px, bold=True, colour="#111111")
        y += 1.25 * title_px
    y += 0.2 * title_px
    text(pad, y, scene.subtitle, sub_px, colour="#444444")
    top = y + 1.3 * sub_px + gap

    # footer: credits the licences require, and where the figures come from
    foot_font = _font(foot_px)
    foot_lines = (_wrap(scene.credits, foot_font, width - 2 * pad)
                  + _wrap(scene.sources, foot_font, width - 2 * pad))
    line_h = 1.4 * foot_px
    foot_top = height - pad - len(foot_lines) * line_h
    for i, line in enumerate(foot_lines):
        text(pad, foot_top + i * line_h, line, foot_px, colour="#333333")
    bottom = foot_top - gap

    # the legend, beside or under the map: the first layout that leaves the map most of
    # the page; on a small page the one with the largest map, and none if even that
    # squeezes the map
    entries = _legend_entries(scene.legend, legend_px)
    label_font, head_font = _font(legend_px), _font(legend_px, bold=True)
    col_w = max((e.width + 8 + _text_width(e.label, head_font if e.header else label_font)
                 for e in entries), default=0.0)
    sides = ("right", "below") if width >= height else ("below", "right")
    options = [_place_legend(entries, col_w, side, (pad, top, width - pad, bottom), gap)
               for side in sides]
    legend = next((o for o in options if o.map_area >= 0.45 * width * height
                   and o.map_side >= MIN_MAP_SIDE), None)
    if legend is None:
        legend = max(options, key=lambda o: o.map_area)
        if legend.map_side < MIN_MAP_SIDE or legend.map_area < 0.25 * width * height:
            legend = _Legend([], 0.0, pad, top, (pad, top, width - pad, bottom))
    for c, column in enumerate(legend.columns):
        x = legend.x + c * (legend.col_w + gap)
        y = legend.y - (column[0].height * 0.3 if column[0].header else 0)
        for entry in column:
            if entry.header:
                text(x, y + entry.height, entry.label, legend_px, bold=True,
                     colour="#555555", va="baseline")
            else:
                centre = y + entry.height / 2
                if entry.swatch is not None:
                    entry.swatch(page, x, centre)
                text(x + entry.width + 8, centre, entry.label, legend_px, va="center")
            y += entry.height

    # the map panel
    left, top, right, bottom = legend.map_box
    panel_w, panel_h = max(right - left, 10.0), max(bottom - top, 10.0)
    ax = fig.add_axes((left / width, 1 - (top + panel_h) / height, panel_w / width,
                       panel_h / height))
    _draw_map(ax, atlas, scene, (panel_w, panel_h), keep_text=keep_text)
    return fig


def _arrow_head(x: float, y: float, angle: float, size: float) -> np.ndarray:
    """An arrowhead's corners: tip at (x, y) pointing along ``angle``, ``size`` long."""
    half = size * math.tan(math.radians(35))
    c, s = math.cos(angle), math.sin(angle)
    back = (x - size * c, y - size * s)
    return np.array([[x, y], [back[0] - half * s, back[1] + half * c],
                     [back[0] + half * s, back[1] - half * c]])


def _arrows_along(pts: np.ndarray, spacing: float) -> list[tuple[float, float, float]]:
    """Points every ``spacing`` along a line (half a spacing in), with the line's heading."""
    steps = np.hypot(*np.diff(pts, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(steps)])
    out = []
    s = spacing / 2
    while s < cum[-1]:
        i = min(max(int(np.searchsorted(cum, s)), 1), len(pts) - 1)
        t = (s - cum[i - 1]) / (steps[i - 1] or 1.0)
        a, b = pts[i - 1], pts[i]
        out.append((float(a[0] + (b[0] - a[0]) * t), float(a[1] + (b[1] - a[1]) * t),
                    math.atan2(b[1] - a[1], b[0] - a[0])))
        s += spacing
    return out


def _draw_map(ax: Axes, atlas: Atlas, scene: Scene, panel: tuple[float, float], *,
              keep_text: bool = True) -> None:
    panel_w, panel_h = panel
    x0, y0, x1, y1 = _map_extent(scene.extent, panel_w / panel_h)
    px_per_m = panel_w / (x1 - x0)
    ax.set_facecolor(styles.SEA_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_autoscale_on(False)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)

    zorder = 1.0  # one rising counter: artists draw in the order they are added here

    def add(path: MplPath | None, **kwargs: Any) -> None:
        nonlocal zorder
        if path is not None:
            # add_artist, not add_patch: the limits are fixed, and add_patch would walk
            # every vertex of the basemap to update them
            ax.add_artist(PathPatch(path, zorder=zorder, **kwargs))
            zorder += 0.001

    margin = 0.05 * max(x1 - x0, y1 - y0)
    add(_countries_path(atlas, (x0 - margin, y0 - margin, x1 + margin, y1 + margin)),
        facecolor=styles.LAND_COLOUR, edgecolor=styles.BORDER_COLOUR,
        linewidth=_pt(COUNTRY_BORDER_PX), joinstyle="round")

    def to_panel(metres: np.ndarray) -> np.ndarray:
        """Metres to panel pixels (x right, y down)."""
        return np.column_stack([(metres[:, 0] - x0) * px_per_m, (y1 - metres[:, 1]) * px_per_m])

    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            paths = [_line_path(seg.geometry) for seg in layer.segments]
            for path, seg in zip(paths, layer.segments, strict=True):  # casing, bands under
                for under in (seg.casing, seg.band):
                    if under is not None:
                        add(path, **_stroke_kwargs(under))
            for path, seg in zip(paths, layer.segments, strict=True):
                add(path, **_stroke_kwargs(seg.style))
            if layer.arrows:
                for seg in layer.segments:
                    if seg.phase != "operating":
                        continue
                    size = max(styles.ARROW_MIN_SIZE_PX, seg.style.weight * 0.75)
                    for part in shapely.get_parts(_project(np.array([seg.geometry]))):
                        pts = to_panel(shapely.get_coordinates(part))
                        for x, y, heading in _arrows_along(pts, styles.ARROW_SPACING_PX):
                            # panel y runs down; the data axis runs up: mirror the heading
                            head = _arrow_head(x, y, heading, size)
                            metres = np.column_stack([x0 + head[:, 0] / px_per_m,
                                                      y1 - head[:, 1] / px_per_m])
                            ax.add_artist(Polygon(metres, closed=True, zorder=zorder,
                                                  facecolor=styles.ARROW_COLOUR,
                                                  edgecolor=seg.style.colour,
                                                  linewidth=_pt(1.2)))
                            zorder += 0.001
        elif isinstance(layer, FacilityLayer):
            if layer.marks:
                points = mercator(np.array([[m.lon, m.lat] for m in layer.marks]))
                ax.scatter(points[:, 0], points[:, 1], s=_pt(2 * FACILITY_RADIUS_PX) ** 2,
                           marker="o", facecolors="#ffffff",
                           edgecolors=[m.colour for m in layer.marks],
                           linewidths=_pt(FACILITY_RING_PX), zorder=zorder)
                zorder += 0.001
        elif isinstance(layer, UserLayerScene):
            shapes = _user_shapes(layer.layer)
            add(shapes.polygons, facecolor=styles.USER_COLOUR, alpha=styles.USER_FILL_OPACITY,
                edgecolor="none")
            edge = styles.LineStyle(styles.USER_CASING, styles.USER_CASING_WEIGHT, None, 1.0)
            user_line = styles.LineStyle(styles.USER_COLOUR, styles.USER_WEIGHT, None, 1.0)
            add(shapes.polygons, **_stroke_kwargs(edge))
            add(shapes.lines, **_stroke_kwargs(edge))
            add(shapes.polygons, **_stroke_kwargs(user_line))
            add(shapes.lines, **_stroke_kwargs(user_line))
            if len(shapes.points):
                ax.scatter(shapes.points[:, 0], shapes.points[:, 1],
                           s=_pt(2 * styles.USER_POINT_RADIUS) ** 2, marker="o",
                           facecolors=styles.USER_COLOUR, edgecolors=styles.USER_CASING,
                           linewidths=_pt(styles.USER_POINT_RING), zorder=zorder)
                zorder += 0.001

    marks = [m for layer in scene.routes for m in layer.disputes]
    half = styles.DISPUTE_MARK_PX / 2 + 1
    keep_clear = [(x - half, y - half, x + half, y + half) for x, y in to_panel(mercator(
        np.array([[m.lon, m.lat] for m in marks]).reshape(-1, 2)))]
    placed = place_labels(
        scene.route_labels, scene.place_labels,
        project=lambda lonlat: to_panel(mercator(lonlat)), size=(panel_w, panel_h),
        zoom=zoom_of(1.0 / px_per_m), measure=_measure, obstacles=keep_clear)
    _draw_labels(ax, placed, lambda xy: (x0 + xy[0] / px_per_m, y1 - xy[1] / px_per_m),
                 zorder + 1, keep_text=keep_text)
    if marks:  # above the names: a disputed status is never hidden
        xy = mercator(np.array([[m.lon, m.lat] for m in marks]))
        _dispute_marks(ax, xy[:, 0], xy[:, 1], zorder + 2)


def _dispute_marks(ax: Axes, xs: Any, ys: Any, zorder: float) -> None:
    """The red "?" discs of disputed statuses."""
    ax.scatter(xs, ys, s=_pt(styles.DISPUTE_MARK_PX) ** 2, marker="o",
               facecolors=styles.DISPUTE_COLOUR, edgecolors="#ffffff", linewidths=_pt(2.0),
               zorder=zorder)
    for x, y in zip(xs, ys, strict=True):
        ax.text(x, y, "?", fontproperties=_font(11, bold=True), color="#ffffff",
                ha="center", va="center", zorder=zorder + 0.1, parse_math=False)


def _measure(text: str, size_px: float, bold: bool) -> float:
    return _text_width(text, _font(size_px, bold=bold))


def _draw_labels(ax: Axes, placed: Sequence[Placed],
                 to_data: Callable[[tuple[float, float]], tuple[float, float]],
                 zorder: float, *, keep_text: bool = True) -> None:
    """The placed names, in a white halo.

    With ``keep_text`` (SVG, PDF) the halo is a copy of the text drawn only as a wide
    white outline (a path), and the name itself is plain text on top of it, so the file
    keeps it as text; in a PNG, one artist draws both, outline then letters.
    """
    halo = [Stroke(linewidth=_pt(2 * styles.LABEL_HALO_PX), foreground=styles.LABEL_HALO)]
    dots = [to_data(item.dot) for item in placed if item.dot is not None]
    if dots:
        xy = np.array(dots)
        ax.scatter(xy[:, 0], xy[:, 1], s=_pt(styles.PLACE_DOT_PX + 1) ** 2, marker="o",
                   facecolors="#333333", edgecolors="#ffffff", linewidths=_pt(1.0),
                   zorder=zorder)
    for item in placed:
        label = item.label
        end = item.leader_end()
        if item.anchor is not None and end is not None:
            (px, py), (ex, ey) = to_data(item.anchor), to_data(end)
            for colour, width in ((styles.LABEL_HALO, 3.0), (label.colour, 1.2)):
                ax.add_line(Line2D([px, ex], [py, ey], color=colour, linewidth=_pt(width),
                                   solid_capstyle="round", zorder=zorder))
            ax.add_line(Line2D([px], [py], linestyle="none", marker="o",
                               markersize=_pt(4), markerfacecolor=label.colour,
                               markeredgewidth=0, zorder=zorder))
        x, y = to_data((item.x, item.y))
        passes = ((halo, zorder + 0.5), (None, zorder + 0.6)) if keep_text else (
            ([*halo, Normal()], zorder + 0.5),)
        for effects, z in passes:
            ax.text(x, y, label.text, fontproperties=_font(label.size, bold=label.bold),
                    color=label.colour, ha="center", va="center_baseline",
                    rotation=-math.degrees(item.angle), rotation_mode="anchor",
                    path_effects=effects, zorder=z, parse_math=False)
