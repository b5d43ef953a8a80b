"""The scene: everything one view of the map draws, decided once for every renderer.

:func:`build_scene` turns an :class:`~corridor_atlas.layers.Atlas`, a
:class:`~corridor_atlas.view.MapView` and the user's own layers into a :class:`Scene`:

* the **layers** in drawing order (context routes, routes, the selected route on top,
  facilities, then the user's layers), each route with its drawn segments: geometry,
  phase in the year, style (its own shade, its status pattern, its flow width) and the
  schematic band under it;
* each route's **flow** in the year when ``view.flows`` is on (:mod:`corridor_atlas.flows`),
  and whether arrows show its direction;
* the **names** to write on the map: route labels along the lines and places to name
  (route ends, facilities, cities and capitals along the way, countries at low zoom),
  each with its priority and the zooms it shows at (:mod:`corridor_atlas.labels`);
* the **legend** rows, the title, the as-of line, the credits and the sources line.

Every text of the scene is in the view's language (``view.lang``), written once here
through that language's translator: the title, the as-of line, the credits, the
sources line, the document title, the legend and the names on the map. Renderers
write these texts as they are.

The live map, the compare maps, the standalone HTML, the browser snapshots, the print
render and the GeoJSON/KML exports all draw this one value; none of them recomputes
drawing order, phases, filters or styles. Nothing here imports folium, matplotlib or
Playwright.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import shapely

from . import memo, styles
from .catalog import Dispute, Facility, Route, Source, Status
from .flows import Flow, FlowScale, Missing, flow_scales, route_flow
from .labels import PlaceLabel, RouteLabel, place_labels, route_label
from .layers import FACILITIES_ID, Atlas
from .legend import LegendRow, legend_rows
from .timeline import State, route_state, segment_states, shown_from
from .view import (
    BBox,
    MapView,
    as_of_text,
    credits_line,
    default_year,
    opening_extent,
    page_title,
    sources_line,
    title_for,
)

if TYPE_CHECKING:
    from .uploads import UserLayer

__all__ = ["DisputeMark", "FacilityLayer", "FacilityMark", "RouteLayer", "Scene", "Segment",
           "UserLayerScene",
           "build_scene"]


@dataclass(frozen=True)
class Segment:
    """One drawn piece of a route."""

    feature_id: str
    geometry: shapely.Geometry  # full resolution, lon/lat
    phase: Status  # its status in the year shown
    quality: str  # "traced" or "schematic"
    style: styles.LineStyle
    band: styles.LineStyle | None = None  # the pale band under a schematic piece
    casing: styles.LineStyle | None = None  # the dark edge under the selected route (flows)
    flow_width: bool = False  # its width is the route's flow that year
    length_km: float = 0.0
    properties: Mapping[str, Any] = field(default_factory=dict)  # the feature's own
    since: str | None = None  # the date its status was set (None: an existing line)
    status_source: Source | None = None  # the source of that status
    dispute: Dispute | None = None  # another source says otherwise


@dataclass(frozen=True)
class DisputeMark:
    """Where a route's disputed status is marked: on the middle of its longest disputed
    segment, with the status the atlas shows and the source that says otherwise."""

    lon: float
    lat: float
    status: Status
    since: str | None
    dispute: Dispute


@dataclass(frozen=True)
class RouteLayer:
    """A route as drawn: its segments in order, its colour, its flow."""

    id: str
    route: Route
    colour: str
    phase: Status  # the route's status in the year shown
    segments: tuple[Segment, ...]
    selected: bool = False
    flow: Flow | None = None  # with flows on, for routes whose kind carries flows
    arrows: bool = False  # arrows point from origin to terminus
    disputes: tuple[DisputeMark, ...] = ()  # drawn above its lines

    @property
    def drawn_km(self) -> float:
        return sum(s.length_km for s in self.segments)


@dataclass(frozen=True)
class FacilityMark:
    facility: Facility
    lon: float
    lat: float
    colour: str


@dataclass(frozen=True)
class FacilityLayer:
    marks: tuple[FacilityMark, ...]
    id: str = FACILITIES_ID


@dataclass(frozen=True)
class UserLayerScene:
    """A user's own layer, drawn on top in the user style."""

    index: int
    layer: UserLayer

    @property
    def id(self) -> str:
        return f"user-{self.index}"


Layer = RouteLayer | FacilityLayer | UserLayerScene


@dataclass(frozen=True)
class Scene:
    """Everything one view draws, in order (see the module docstring)."""

    view: MapView
    extent: BBox
    layers: tuple[Layer, ...]
    route_labels: tuple[RouteLabel, ...]
    place_labels: tuple[PlaceLabel, ...]
    legend: tuple[LegendRow, ...]
    title: str
    subtitle: str
    credits: str
    sources: str
    page_title: str  # the document title of an export (PDF, HTML, PNG)
    flow_year: int | None = None  # the year whose flows are drawn (flows on)
    scales: tuple[FlowScale, ...] = ()  # the flow scales the legend shows
    not_begun: tuple[str, ...] = ()  # toggled on but not yet begun in the year
    filtered: tuple[str, ...] = ()  # toggled on but hidden by the kind or status filter

    @property
    def routes(self) -> tuple[RouteLayer, ...]:
        return tuple(layer for layer in self.layers if isinstance(layer, RouteLayer))

    @property
    def facilities(self) -> FacilityLayer | None:
        return next((la for la in self.layers if isinstance(la, FacilityLayer)), None)

    @property
    def user_layers(self) -> tuple[UserLayerScene, ...]:
        return tuple(layer for layer in self.layers if isinstance(layer, UserLayerScene))

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """The atlas layers drawn, in order (users' layers not included)."""
        return tuple(la.id for la in self.layers if not isinstance(la, UserLayerScene))

    def route(self, route_id: str) -> RouteLayer | None:
        return next((r for r in self.routes if r.id == route_id), None)


def _order(atlas: Atlas, wanted: set[str], selected: str | None) -> list[str]:
    """Wanted layer ids in drawing order: context, routes, the selected route, facilities."""
    order = [lid for lid in atlas.layer_ids() if lid in wanted]
    if selected in order and selected != FACILITIES_ID:
        order.remove(selected)
        order.insert(len(order) - (FACILITIES_ID in order), selected)
    return order


def _rows(gdf: Any) -> list[dict[str, Any]]:
    """A layer's properties, one dict per feature, once per loaded frame."""
    return memo.once("rows", [gdf], None,
                     lambda: gdf.drop(columns="geometry").to_dict("records"))


def _segments(route: Route, gdf: Any, states: Sequence[State | None], *, colour: str,
              selected: bool, flow: Flow | None, scale: FlowScale | None) -> tuple[Segment, ...]:
    out = []
    existing = {s.id: s.existing_source for s in route.segments}
    for row, geometry, state in zip(_rows(gdf), gdf.geometry.values, states, strict=True):
        if state is None:
            continue
        phase = state.status
        source = (state.milestone.source if state.milestone is not None
                  else existing.get(str(row["feature_id"])))
        quality = str(row["geometry_quality"])
        schematic = quality == "schematic"
        flow_width = False
        if flow is not None and phase == "operating" and flow.missing is not Missing.NO_FAMILY:
            if flow.volume is not None and scale is not None:
                weight = styles.flow_weight(flow.volume, scale.reference)
                style = styles.line_style(route.kind, "operating", schematic=schematic,
                                          colour=colour, weight=weight)
                flow_width = True
            else:
                style = styles.no_figure_style(colour)
        else:
            style = styles.line_style(route.kind, phase, schematic=schematic,
                                      selected=selected and flow is None, colour=colour)
        out.append(Segment(
            feature_id=str(row["feature_id"]),
            geometry=geometry,
            phase=phase,
            quality=quality,
            style=style,
            band=styles.schematic_band(route.kind, colour) if schematic else None,
            casing=styles.casing(style) if selected and flow is not None else None,
            flow_width=flow_width,
            length_km=float(row["length_km"]),
            properties=MappingProxyType(row),
            since=state.since if state.milestone is not None else None,
            status_source=source,
            dispute=state.dispute,
        ))
    return tuple(out)


def build_scene(atlas: Atlas, view: MapView, user_layers: Sequence[UserLayer] = ()) -> Scene:
    """
    Everything ``view`` draws (see the module docstring).

    Parameters
    ----------
    atlas
        Loaded data; layers that did not load are left out.
    view
        The layers toggled on, the selected route, the year, the extent, the kind and
        status filters and whether widths show flows.
    user_layers
        The user's own layers, drawn last.
    """
    catalog = atlas.catalog
    if catalog is None:
        return Scene(view, view.extent, tuple(UserLayerScene(i, la)
                                               for i, la in enumerate(user_layers)),
                     (), (), (), "", "", "", "")
    as_of_year = default_year(catalog)
    colours = styles.route_colours((r.id, r.kind) for r in catalog.routes)
    flow_year = (view.year if view.year is not None else as_of_year) if view.flows else None
    scales = memo.once("flow scales", [catalog], None,
                       lambda: flow_scales(catalog)) if view.flows else {}
    layers: list[Layer] = []
    not_begun: list[str] = []
    filtered: list[str] = []
    for lid in _order(atlas, set(view.layers), view.selected):
        if lid == FACILITIES_ID:
            layers.append(_facility_layer(atlas, view.year))
            continue
        route = catalog.route(lid)
        gdf = atlas.routes[lid]
        state = route_state(route, view.year, as_of=catalog.as_of)
        if state is None:
            not_begun.append(lid)
            continue
        phase = state.status
        if (view.kinds is not None and route.kind not in view.kinds) or (
                view.statuses is not None and phase not in view.statuses):
            filtered.append(lid)
            continue
        states = segment_states(route, map(str, gdf["feature_id"]), view.year,
                                as_of=catalog.as_of)
        flow = None
        if flow_year is not None:
            flow = route_flow(route, flow_year, operating=phase == "operating")
        scale = scales.get(flow.family) if flow is not None and flow.family else None
        selected = lid == view.selected
        segments = _segments(route, gdf, states, colour=colours[lid], selected=selected,
                             flow=flow, scale=scale)
        if not segments:
            not_begun.append(lid)
            continue
        arrows = (flow is not None and route.flow_direction == "forward"
                  and any(s.phase == "operating" for s in segments))
        layers.append(RouteLayer(lid, route, colours[lid], phase, segments, selected, flow,
                                 arrows, _dispute_marks(segments)))
    layers += [UserLayerScene(i, layer) for i, layer in enumerate(user_layers)]
    routes = [la for la in layers if isinstance(la, RouteLayer)]
    used_scales = tuple(scales[f] for f in scales
                        if any(r.flow and r.flow.family == f and r.flow.volume is not None
                               for r in routes))
    lang = view.lang
    labels = tuple(route_label(r.route, [s.geometry for s in r.segments],
                               styles.label_colour(r.colour), selected=r.selected, lang=lang)
                   for r in routes)
    drawn = next((la for la in layers if isinstance(la, FacilityLayer)), None)
    places = place_labels(atlas, [r.route for r in routes], facilities=tuple(
        m.facility.id for m in drawn.marks) if drawn is not None else (), lang=lang)
    legend = legend_rows(layers, used_scales, own=[la.name for la in user_layers], lang=lang)
    return Scene(
        view=view,
        extent=view.bbox or opening_extent(atlas),
        layers=tuple(layers),
        route_labels=tuple(sorted(labels, key=lambda la: la.priority)),
        place_labels=places,
        legend=legend,
        title=title_for(view, catalog),
        subtitle=as_of_text(view, catalog),
        credits=credits_line(catalog, lang),
        sources=sources_line(view, catalog),
        page_title=page_title(view, catalog),
        flow_year=flow_year,
        scales=used_scales,
        not_begun=tuple(not_begun),
        filtered=tuple(filtered),
    )


def _dispute_marks(segments: Sequence[Segment]) -> tuple[DisputeMark, ...]:
    """One mark per dispute, on the middle of the longest segment it concerns."""
    marks: dict[Any, DisputeMark] = {}
    for seg in sorted(segments, key=lambda s: -s.length_km):
        if seg.dispute is None or seg.dispute in marks:
            continue
        parts = sorted(shapely.get_parts(seg.geometry), key=lambda g: -g.length)
        if not parts:
            continue
        point = parts[0].interpolate(0.5, normalized=True)
        marks[seg.dispute] = DisputeMark(float(point.x), float(point.y), seg.phase, seg.since,
                                         seg.dispute)
    return tuple(marks.values())


def _facility_layer(atlas: Atlas, year: int | None) -> FacilityLayer:
    """The facilities that exist in ``year`` (under construction or later, not closed)."""
    assert atlas.catalog is not None and atlas.facilities is not None
    by_id = {f.id: f for f in atlas.catalog.facilities.items}
    marks = []
    for _, row in atlas.facilities.iterrows():
        fid = str(row.get("facility_id") or row["feature_id"])
        fac = by_id.get(fid)
        if fac is None or row.geometry is None or row.geometry.is_empty:
            continue
        if not shown_from(fac.milestones, year, as_of=atlas.catalog.as_of):
            continue
        marks.append(FacilityMark(fac, float(row.geometry.x), float(row.geometry.y),
                                  styles.FACILITY_COLOURS.get(fac.category, "#000000")))
    return FacilityLayer(tuple(marks))

