"""Print render: a view as PNG, SVG or PDF without a browser.

:func:`render_static` draws a :class:`~corridor_atlas.view.MapView` with matplotlib
(the Agg canvas on a bare :class:`~matplotlib.figure.Figure`; pyplot is never used)
from the same style table as the live map (:mod:`corridor_atlas.styles`, through
:func:`~corridor_atlas.styles.line_style` and :func:`~corridor_atlas.styles.schematic_band`),
in the same drawing order (:func:`draw_order` mirrors :func:`~corridor_atlas.maps.layer_groups`)
and in the same projection (Web Mercator, EPSG:3857). Like the live map, it draws the
layers as of ``view.year``: routes not yet begun are left out and each segment is drawn
in its phase that year (:mod:`corridor_atlas.timeline`).

Units: the layout is in *pixels at scale 1*, as the live map's style table is. The
figure is ``size / 100`` inches at ``100 × scale`` dpi, so a PNG is exactly
``size × scale`` pixels and one layout pixel is :data:`PT_PER_PX` points in every
format. Leaflet dash patterns (``"10 7"``, pixels) become matplotlib dash tuples in
units of the line width, so a dash is as long on paper as on screen.

The same inputs give byte-identical files: fixed metadata (no dates, no version
strings), a fixed SVG hash salt, matplotlib's default settings for the duration of
the render, and the DejaVu Sans fonts bundled with matplotlib (never system fonts).
Renders are serialised by a lock, since matplotlib's settings are process-wide.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Sequence
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
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.textpath import text_to_path

from . import styles
from .errors import ExportError
from .layers import Atlas
from .maps import FACILITIES_ID, layer_ids, route_begun
from .timeline import segment_phases
from .view import (
    MAX_SIDE,
    MIN_SIDE,
    SCALES,
    SIZE_PRESETS,
    MapView,
    as_of_text,
    credits_line,
    default_year,
    sources_line,
    title_for,
)

if TYPE_CHECKING:
    from .uploads import UserLayer

__all__ = ["PRINT_FORMATS", "PT_PER_PX", "PrintFormat", "draw_order", "mercator",
           "render_static"]

PrintFormat = Literal["png", "svg", "pdf"]
PRINT_FORMATS: tuple[PrintFormat, ...] = ("png", "svg", "pdf")

BASE_DPI = 100
PT_PER_PX = 72 / BASE_DPI
"""Points per layout pixel (one pixel at scale 1)."""

EARTH_RADIUS_M = 6378137.0  # the sphere of EPSG:3857
MAX_LAT = 85.0  # Web Mercator is unbounded at the poles; clip before projecting

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
    "svg.fonttype": "path",  # glyphs as paths: the SVG looks the same without the font
    # Type 3 glyph subsets: the text stays searchable, and embedding is several times
    # faster than TrueType (42) subsetting
    "pdf.fonttype": 3,
}
_LOCK = threading.Lock()


# --- projection and geometry -------------------------------------------------------------

def mercator(lonlat: np.ndarray) -> np.ndarray:
    """``(n, 2)`` lon/lat degrees → Web Mercator (EPSG:3857) metres, latitude clipped to ±85°."""
    lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    lat = np.radians(np.clip(lonlat[:, 1], -MAX_LAT, MAX_LAT))
    x = np.radians(lonlat[:, 0]) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + lat / 2)) * EARTH_RADIUS_M
    return np.column_stack([x, y])


def _map_extent(view: MapView, aspect: float) -> tuple[float, float, float, float]:
    """The view's extent in metres (x0, y0, x1, y1), grown (never cropped) to ``aspect``."""
    west, south, east, north = view.extent
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


# --- drawing order -----------------------------------------------------------------------

def draw_order(atlas: Atlas, view: MapView) -> list[str]:
    """
    The visible layer ids in drawing order, as the live map draws them.

    Context routes first, then routes, the selected route on top of the routes and
    facilities last; ids that are unknown or whose layer did not load are left out,
    and so are routes not yet begun in ``view.year``.
    """
    wanted = set(view.layers)
    order = [lid for lid in layer_ids(atlas) if lid in wanted
             and (lid == FACILITIES_ID or route_begun(atlas, lid, view.year))]
    if view.selected in order and view.selected != FACILITIES_ID:
        order.remove(view.selected)
        order.insert(len(order) - (FACILITIES_ID in order), view.selected)
    return order


def _segments(atlas: Atlas, route_id: str,
              year: int | None = None) -> list[tuple[shapely.Geometry, str, str]]:
    """(geometry, status, geometry_quality) of each segment of a loaded route drawn in ``year``.

    The status is the segment's phase in ``year`` (its current class for ``None``);
    segments not begun that year are left out.
    """
    assert atlas.catalog is not None
    gdf = atlas.routes[route_id]
    phases = segment_phases(atlas.catalog.route(route_id), map(str, gdf["status_class"]), year,
                            as_of_year=default_year(atlas.catalog))
    return [(geom, phase, quality) for geom, phase, quality
            in zip(gdf.geometry.values, phases, map(str, gdf["geometry_quality"]), strict=True)
            if phase is not None]


def _facility_rows(atlas: Atlas) -> tuple[np.ndarray, list[str]]:
    """Facility points (metres) known to the catalog, and their categories."""
    gdf = atlas.facilities
    if gdf is None or atlas.catalog is None:
        return np.empty((0, 2)), []
    known = {f.id for f in atlas.catalog.facilities.items}
    points, categories = [], []
    for _, row in gdf.iterrows():
        fid = str(row.get("facility_id") or row["feature_id"])
        if fid in known and row.geometry is not None and not row.geometry.is_empty:
            points.append(shapely.get_coordinates(row.geometry)[0])
            categories.append(str(row.get("category")))
    return (mercator(np.array(points)) if points else np.empty((0, 2))), categories


# --- text --------------------------------------------------------------------------------

def _font(size_px: float, *, bold: bool = False) -> FontProperties:
    return FontProperties(fname=_BOLD if bold else _REGULAR, size=_pt(size_px))


def _text_width(text: str, prop: FontProperties) -> float:
    """Width in layout pixels, independent of the output's resolution."""
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


def _marker_swatch(colour: str) -> Callable[[Axes, float, float], None]:
    def draw(ax: Axes, x: float, y: float) -> None:
        ax.add_line(Line2D([x + LEGEND_SWATCH_PX / 2], [y], linestyle="none", marker="o",
                           markersize=_pt(2 * FACILITY_RADIUS_PX), markerfacecolor="#ffffff",
                           markeredgecolor=colour, markeredgewidth=_pt(FACILITY_RING_PX)))
    return draw


def _legend_entries(kinds: Iterable[str], statuses: Iterable[str], schematic: bool,
                    categories: Iterable[str], font_px: float, *,
                    compact: bool = False, own: Sequence[str] = ()) -> list[_Entry]:
    """
    What the legend shows: only what the drawn layers contain, in the style table's order.

    ``compact`` shows facilities as one marker, as the live legend does, instead of one
    per category. ``own`` names the user's layers, listed last.
    """
    kinds, statuses, categories = set(kinds), set(statuses), set(categories)
    row = max(18.0, 1.55 * font_px)
    head = 1.9 * font_px
    entries: list[_Entry] = []
    if kinds:
        entries.append(_Entry("Kind", head, header=True))
        entries += [_Entry(label, row, swatch=_line_swatch(styles.LineStyle(
                        styles.KIND_COLOURS[k], styles.LINE_WEIGHT, None, 1.0)))
                    for k, label in styles.KIND_LABELS.items() if k in kinds]
    if statuses:
        entries.append(_Entry("Status", head, header=True))
        entries += [_Entry(label, row, swatch=_line_swatch(styles.LineStyle(
                        LEGEND_NEUTRAL, styles.LINE_WEIGHT, styles.STATUS_DASH[s], 1.0)))
                    for s, label in styles.STATUS_LABELS.items() if s in statuses]
    if schematic:
        line = styles.LineStyle(LEGEND_NEUTRAL, styles.LINE_WEIGHT, None,
                                styles.SCHEMATIC_LINE_OPACITY)
        band = styles.LineStyle(LEGEND_NEUTRAL, LEGEND_BAND_PX, None,
                                styles.SCHEMATIC_BAND_OPACITY)
        entries += [_Entry("Geometry", head, header=True),
                    _Entry("Schematic: position approximate", row,
                           swatch=_line_swatch(line, band))]
    if categories and compact:
        entries.append(_Entry("Facility", row, swatch=_marker_swatch("#000000")))
    elif categories:
        entries.append(_Entry("Facilities", head, header=True))
        entries += [_Entry(label, row, swatch=_marker_swatch(styles.FACILITY_COLOURS[c]))
                    for c, label in styles.FACILITY_LABELS.items() if c in categories]
        unknown = sorted(categories - set(styles.FACILITY_LABELS))
        if unknown:
            entries.append(_Entry("Other facility", row, swatch=_marker_swatch("#000000")))
    if own:
        swatch = _line_swatch(styles.LineStyle(styles.USER_COLOUR, styles.USER_WEIGHT, None, 1.0))
        entries.append(_Entry("Your layers", head, header=True))
        entries += [_Entry(_shorten(name, USER_NAME_CHARS), row, swatch=swatch) for name in own]
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
    if scale not in SCALES:
        raise ExportError(f"scale must be 1 or 2, got {str(scale)[:10]!r}")
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ExportError(f"size must be (width, height) in pixels, got {str(size)[:30]!r}"
                          ) from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ExportError(f"size {width}x{height} out of range: each side "
                          f"{MIN_SIDE}–{MAX_SIDE} px")
    return width, height


def render_static(atlas: Atlas, view: MapView, *, fmt: PrintFormat,
                  size: tuple[int, int] = SIZE_PRESETS["slide"], scale: int = 1,
                  user_layers: Sequence[UserLayer] = ()) -> bytes:
    """
    The view as a finished map: title, as-of date, map, legend, credits and sources.

    Parameters
    ----------
    atlas
        Loaded data.
    view
        Layers, selected route, year and extent. Unknown layer ids, and layers that
        did not load, are skipped. The extent is grown to the map panel's shape,
        never cropped.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``.
    size
        Width and height in pixels at scale 1 (see
        :data:`~corridor_atlas.view.SIZE_PRESETS`); SVG and PDF pages have the same
        layout, at 100 pixels to the inch.
    scale
        1, or 2 for a PNG with twice the pixels in each direction.
    user_layers
        The user's own layers, drawn on top in their style (as on the live map) and
        named in the legend.

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
        fig = _figure(atlas, view, width, height, scale, user_layers)
        title = title_for(view, atlas.catalog)
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


def _figure(atlas: Atlas, view: MapView, width: int, height: int, scale: int,
            user_layers: Sequence[UserLayer] = ()) -> Figure:
    assert atlas.catalog is not None
    catalog = atlas.catalog
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
    for line in _wrap(title_for(view, catalog), title_font, width - 2 * pad):
        text(pad, y, line, title_px, bold=True, colour="#111111")
        y += 1.25 * title_px
    y += 0.2 * title_px
    text(pad, y, as_of_text(view, catalog), sub_px, colour="#444444")
    top = y + 1.3 * sub_px + gap

    # footer: credits the licences require, and where the figures come from
    foot_font = _font(foot_px)
    foot_lines = (_wrap(credits_line(catalog), foot_font, width - 2 * pad)
                  + _wrap(sources_line(view, catalog), foot_font, width - 2 * pad))
    line_h = 1.4 * foot_px
    foot_top = height - pad - len(foot_lines) * line_h
    for i, line in enumerate(foot_lines):
        text(pad, foot_top + i * line_h, line, foot_px, colour="#333333")
    bottom = foot_top - gap

    # what is drawn, which decides what the legend lists
    order = draw_order(atlas, view)
    route_ids = [lid for lid in order if lid != FACILITIES_ID]
    segments = {lid: _segments(atlas, lid, view.year) for lid in route_ids}
    kinds = {catalog.route(lid).kind for lid in route_ids}
    statuses = {status for rows in segments.values() for _, status, _ in rows}
    schematic = any(quality == "schematic" for rows in segments.values() for *_, quality in rows)
    points, categories = (_facility_rows(atlas) if FACILITIES_ID in order
                          else (np.empty((0, 2)), []))
    label_font, head_font = _font(legend_px), _font(legend_px, bold=True)
    options = []
    for compact in (False, True):
        entries = _legend_entries(kinds, statuses, schematic, categories, legend_px,
                                  compact=compact, own=[layer.name for layer in user_layers])
        col_w = LEGEND_SWATCH_PX + 8 + max(
            (_text_width(e.label, head_font if e.header else label_font) for e in entries),
            default=0.0)
        sides = ("right", "below") if width >= height else ("below", "right")
        options += [_place_legend(entries, col_w, side, (pad, top, width - pad, bottom), gap)
                    for side in sides]
    # the first (fullest, most natural) legend that leaves the map most of the page; on a
    # small page the one with the largest map, and none if even that squeezes the map
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
                text(x + LEGEND_SWATCH_PX + 8, centre, entry.label, legend_px, va="center")
            y += entry.height

    # the map panel
    left, top, right, bottom = legend.map_box
    panel_w, panel_h = max(right - left, 10.0), max(bottom - top, 10.0)
    ax = fig.add_axes((left / width, 1 - (top + panel_h) / height, panel_w / width,
                       panel_h / height))
    _draw_map(ax, atlas, view, order, segments, points, categories, panel_w / panel_h,
              [_user_shapes(layer) for layer in user_layers])
    return fig


def _draw_map(ax: Axes, atlas: Atlas, view: MapView, order: Sequence[str],
              segments: dict[str, list[tuple[shapely.Geometry, str, str]]], points: np.ndarray,
              categories: Sequence[str], aspect: float,
              user_shapes: Sequence[_UserShapes] = ()) -> None:
    assert atlas.catalog is not None
    x0, y0, x1, y1 = _map_extent(view, aspect)
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
    for lid in order:
        if lid == FACILITIES_ID:
            if len(points):
                colours = [styles.FACILITY_COLOURS.get(c, "#000000") for c in categories]
                ax.scatter(points[:, 0], points[:, 1], s=_pt(2 * FACILITY_RADIUS_PX) ** 2,
                           marker="o", facecolors="#ffffff", edgecolors=colours,
                           linewidths=_pt(FACILITY_RING_PX), zorder=zorder)
            continue
        route = atlas.catalog.route(lid)
        rows = segments[lid]
        paths = [_line_path(geom) for geom, _, _ in rows]
        for path, (_, _, quality) in zip(paths, rows, strict=True):  # bands under the lines
            if quality == "schematic":
                add(path, **_stroke_kwargs(styles.schematic_band(route.kind)))
        for path, (_, status, quality) in zip(paths, rows, strict=True):
            add(path, **_stroke_kwargs(styles.line_style(
                route.kind, status, schematic=quality == "schematic",
                selected=lid == view.selected)))
    for shapes in user_shapes:  # on top of everything, as the live map adds them last
        add(shapes.polygons, facecolor=styles.USER_COLOUR, alpha=styles.USER_FILL_OPACITY,
            edgecolor="none")
        add(shapes.polygons, **_stroke_kwargs(styles.LineStyle(
            styles.USER_COLOUR, styles.USER_WEIGHT, None, 1.0)))
        add(shapes.lines, **_stroke_kwargs(styles.LineStyle(
            styles.USER_COLOUR, styles.USER_WEIGHT, None, 1.0)))
        if len(shapes.points):
            ax.scatter(shapes.points[:, 0], shapes.points[:, 1],
                       s=_pt(2 * styles.USER_POINT_RADIUS) ** 2, marker="o",
                       facecolors="#ffffff", edgecolors=styles.USER_COLOUR,
                       linewidths=_pt(styles.USER_POINT_RING), zorder=zorder)
            zorder += 0.001
