"""Headline figures: what each route carries against its capacity, where Azerbaijan's gas
goes, and what is being built, as typed values with their sources.

The panels open on these as metric cards. Everything is read from the catalog up to a
year (the year shown; ``None`` is the catalog's as-of date): throughputs and capacities
through :mod:`corridor_atlas.flows` (one unit per family, the capacity whose dates cover
the year), statuses and dates through :mod:`corridor_atlas.timeline`. Nothing is
invented: a figure no source gives is ``None``, a year with no figure is never read as
zero, and a missing year is never filled from another. Nothing here is text for people:
:mod:`corridor_atlas.describe` writes the cards' words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .catalog import AnnualVolume, Catalog, Kind, Milestone, Role, Route, Source, Status
from .figures import Citation
from .flows import FAMILY_OF_KIND, FAMILY_UNITS, capacity_in_force, route_flow
from .i18n import LANGUAGES
from .panels import GAS_DESTINATIONS
from .timeline import cutoff, periods, route_state

__all__ = [
    "BuildHeadline",
    "Dated",
    "ExportHeadline",
    "FlowPoint",
    "Names",
    "RouteHeadline",
    "RouteStart",
    "Sourced",
    "flow_history",
    "gas_exports",
    "part_year",
    "planned",
    "route_headline",
    "route_headlines",
    "route_start",
    "under_construction",
]

GAS_EXPORT_FIELDS: tuple[str, ...] = (
    "total_exports_bcm", "to_europe_bcm", "to_turkiye_bcm", "to_turkiye_via_tanap_bcm",
    "to_georgia_bcm", "to_syria_bcm")
"""The fields of a gas-export year, in the order the cards show them: the total first."""


Names = tuple[tuple[str, str], ...]
"""A route's short name in each language that has one of its own: ``(("tr", "BTK"),
("az", "BTQ"))`` (English is the headline's ``name``)."""


def _names(route: Route) -> Names:
    return tuple((lang, route.short_name_in(lang)) for lang in LANGUAGES if lang != "en")


def _name_in(name: str, names: Names, lang: str) -> str:
    return dict(names).get(lang, name)


@dataclass(frozen=True)
class Sourced:
    """A value in a unit, the year it is for (``None``: not tied to a year), its sources."""

    value: float
    unit: str
    year: int | None = None
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Dated:
    """A dated event and its source. ``target``: dated after the catalog's as-of date, so
    something announced, not something that happened."""

    date: str  # a partial ISO date, as the source gives it
    event: str
    status: Status | None  # the status it led to (None: it changed none)
    target: bool
    sources: tuple[Citation, ...]


def _dated(milestone: Milestone, status: Status | None, as_of: str) -> Dated:
    return Dated(milestone.date, milestone.event, status, milestone.date > as_of,
                 (milestone.source,))


@dataclass(frozen=True)
class RouteHeadline:
    """
    One route's headline figures up to ``year``.

    ``volume`` is the latest throughput with a source up to ``year`` (in the family's
    unit, ``volumes`` the published figures it comes from); ``previous`` the throughput
    of the year before it, when a source gives one; ``volume_capacity`` the capacity in
    force in the volume's year; ``capacity`` the capacity in force in ``year``;
    ``partial_years`` the later years with a figure for only part of what it carried
    (a share, such as what went to one country).
    """

    route_id: str
    name: str
    kind: Kind
    role: Role
    carries: bool  # a kind of line whose flows the atlas measures (not power)
    year: int
    status: Status | None  # in ``year``; None: not yet agreed
    since: Dated | None  # the event that set ``status``
    capacity: Sourced | None
    volume: Sourced | None
    volumes: tuple[AnnualVolume, ...]
    previous: Sourced | None
    volume_capacity: Sourced | None
    partial_years: tuple[int, ...]
    length: Sourced | None
    in_operation: Dated | None  # first in operation, up to ``year``
    names: Names = ()  # its short name in the other languages

    def name_in(self, lang: str) -> str:
        """Its short name in ``lang`` (the route's own, from the catalog)."""
        return _name_in(self.name, self.names, lang)

    @property
    def change(self) -> float | None:
        """The volume less the year before's, when both have a source."""
        if self.volume is None or self.previous is None:
            return None
        return self.volume.value - self.previous.value

    @property
    def utilisation(self) -> float | None:
        """The volume over the capacity in force that year (1.0 = full), or ``None``."""
        if self.volume is None or self.volume_capacity is None or not self.volume_capacity.value:
            return None
        return self.volume.value / self.volume_capacity.value


def part_year(volume: AnnualVolume) -> bool:
    """Whether a volume covers only part of its year, as its source says."""
    return bool(volume.period_note) and not str(volume.period_note).startswith(
        "full calendar year")


def _as_of_year(as_of: str) -> int:
    return int(as_of[:4])


def _capacity(route: Route, year: int) -> Sourced | None:
    family = FAMILY_OF_KIND.get(route.kind)
    found = capacity_in_force(route, year, family) if family else None
    if found is None or family is None:
        return None
    value, figure = found
    return Sourced(value, FAMILY_UNITS[family], year, (figure.source,))


def _throughput(route: Route, year: int) -> tuple[Sourced, tuple[AnnualVolume, ...]] | None:
    flow = route_flow(route, year, operating=True)  # a sourced figure says it carried it
    if flow.volume is None or flow.unit is None:
        return None
    return (Sourced(flow.volume, flow.unit, year, tuple(v.source for v in flow.volumes)),
            flow.volumes)


def _in_operation(route: Route, cut: str, as_of: str) -> Dated | None:
    for period in periods(route, as_of=cut):
        if period.status == "operating" and period.milestone is not None:
            return _dated(period.milestone, "operating", as_of)
    return None


def route_headline(route: Route, year: int | None, *, as_of: str) -> RouteHeadline:
    """
    The headline figures of ``route`` as they stood in ``year`` (``None``: as of ``as_of``).

    Volumes and milestones dated after the year do not count; the capacity is the one in
    force that year (the as-of year's, for later years: a capacity is never read into
    years the sources have not reached).
    """
    shown = min(year if year is not None else _as_of_year(as_of), _as_of_year(as_of))
    cut = cutoff(year, as_of)
    state = route_state(route, year, as_of=as_of)
    volume: Sourced | None = None
    published: tuple[AnnualVolume, ...] = ()
    partial: list[int] = []
    for y in sorted({v.year for v in route.facts.annual_volumes if v.year <= shown},
                    reverse=True):
        found = _throughput(route, y)
        if found is None:
            if any(v.measure == "share" for v in route.facts.annual_volumes if v.year == y):
                partial.append(y)
            continue
        volume, published = found
        break
    previous = None
    volume_capacity = None
    if volume is not None and volume.year is not None:
        before = _throughput(route, volume.year - 1)
        previous = before[0] if before else None
        volume_capacity = _capacity(route, volume.year)
    length = route.facts.length_km
    return RouteHeadline(
        route_id=route.id, name=route.short_name, kind=route.kind, role=route.role,
        carries=route.kind in FAMILY_OF_KIND, year=year if year is not None else _as_of_year(as_of),
        status=state.status if state is not None else None,
        since=(_dated(state.milestone, state.status, as_of)
               if state is not None and state.milestone is not None else None),
        capacity=_capacity(route, shown),
        volume=volume, volumes=published, previous=previous,
        volume_capacity=volume_capacity, partial_years=tuple(sorted(partial)),
        length=(Sourced(length.value, "km", None, (length.source,))
                if length.value is not None and length.source is not None else None),
        in_operation=_in_operation(route, cut, as_of), names=_names(route),
    )


def route_headlines(catalog: Catalog, year: int | None, *,
                    roles: tuple[Role, ...] = ("route",)) -> list[RouteHeadline]:
    """The headline figures of the routes with these roles, in catalog order, for the
    ones that have a capacity or a volume to show (the rest have no headline figure)."""
    out = []
    for route in catalog.routes:
        if route.role not in roles:
            continue
        found = route_headline(route, year, as_of=catalog.as_of)
        if found.capacity is not None or found.volume is not None:
            out.append(found)
    return out


# --------------------------------------------------------------------------- when it began


@dataclass(frozen=True)
class RouteStart:
    """When a route's story begins in the data: its first status and the event that set
    it, its first milestone, and the first year with a sourced annual volume."""

    route_id: str
    name: str
    first: Dated | None  # the first event that gave the route a status
    first_milestone: Dated | None
    first_volume_year: int | None
    names: Names = ()

    def name_in(self, lang: str) -> str:
        """Its short name in ``lang`` (the route's own, from the catalog)."""
        return _name_in(self.name, self.names, lang)


def route_start(route: Route, *, as_of: str) -> RouteStart:
    """Where the route's records begin (everything up to ``as_of``; targets excluded)."""
    found = periods(route, as_of=as_of)
    first = (_dated(found[0].milestone, found[0].status, as_of)
             if found and found[0].milestone is not None else None)
    dated = sorted((m for m in route.facts.milestones if m.date <= as_of), key=lambda m: m.date)
    first_milestone = _dated(dated[0], None, as_of) if dated else None
    years = [v.year for v in (*route.facts.annual_volumes, *route.facts.annual_volume_alternatives,
                              *route.facts.annual_volumes_italy_only)]
    return RouteStart(route.id, route.short_name, first, first_milestone,
                      min(years) if years else None, _names(route))


# --------------------------------------------------------------------------- gas exports


@dataclass(frozen=True)
class ExportHeadline:
    """Azerbaijan's gas exports to one destination in ``year`` (bcm), and the year before."""

    field: str  # the catalog field: ``to_europe_bcm``, ``total_exports_bcm``…
    destination: str  # its name, as the exports chart names it
    year: int
    value: float
    previous: float | None  # the year before, when a source gives it
    unit: str
    sources: tuple[Source, ...]
    note: str | None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.value - self.previous


def gas_exports(catalog: Catalog, year: int | None) -> list[ExportHeadline]:
    """
    Azerbaijan's gas exports by destination in the latest year with figures up to
    ``year`` (``None``: the latest of all), total first; empty when no year has one.
    """
    last = year if year is not None else _as_of_year(catalog.as_of)
    entries = {e.year: e for e in catalog.gas_exports_azerbaijan if e.year <= last}
    if not entries:
        return []
    latest = entries[max(entries)]
    before = entries.get(latest.year - 1)
    out = []
    for field in GAS_EXPORT_FIELDS:
        value = getattr(latest, field)
        if value is None:
            continue
        previous = getattr(before, field) if before is not None else None
        out.append(ExportHeadline(field, GAS_DESTINATIONS[field], latest.year, float(value),
                                  None if previous is None else float(previous), "bcm",
                                  tuple(latest.sources), latest.note))
    return out


# --------------------------------------------------------------------------- being built


@dataclass(frozen=True)
class BuildHeadline:
    """A line under construction (or planned) in a year: since when, and when it is due.

    ``due`` is the event that put it in operation (for a line planned, that began its
    construction or operation; for a past year, from the record) or the first target
    dated after the as-of date; ``None`` when the data has neither.
    """

    route_id: str
    name: str
    kind: Kind
    role: Role
    year: int
    since: Dated | None
    due: Dated | None
    names: Names = ()

    def name_in(self, lang: str) -> str:
        """Its short name in ``lang`` (the route's own, from the catalog)."""
        return _name_in(self.name, self.names, lang)


def _due(route: Route, cut: str, as_of: str) -> Dated | None:
    ordered = sorted(route.facts.milestones, key=lambda m: m.date)
    for m in ordered:
        if cut < m.date <= as_of and m.effect == "operating":
            return _dated(m, "operating", as_of)
    targets = [m for m in ordered if m.date > as_of]
    return _dated(targets[0], None, as_of) if targets else None


def _next_phase(route: Route, cut: str, as_of: str) -> Dated | None:
    """What came next for a line planned on ``cut``, from its recorded phases: the start
    of its construction or of its operation up to ``as_of``; else the first target dated
    after ``as_of``; ``None`` when the data has neither."""
    for period in periods(route, as_of=as_of):
        if (period.start > cut and period.milestone is not None
                and period.status in ("construction", "operating")):
            return _dated(period.milestone, period.status, as_of)
    targets = sorted((m for m in route.facts.milestones if m.date > as_of),
                     key=lambda m: m.date)
    return _dated(targets[0], None, as_of) if targets else None


def _in_status(catalog: Catalog, year: int | None, status: Status,
               after: Callable[[Route, str, str], Dated | None]) -> list[BuildHeadline]:
    """Every line whose status in ``year`` is ``status`` (from its recorded phases), with
    since when and what comes ``after`` it (given the route, the cut-off date and the
    catalog's as-of date)."""
    as_of = catalog.as_of
    cut = cutoff(year, as_of)
    shown = year if year is not None else _as_of_year(as_of)
    out = []
    for route in catalog.routes:
        state = route_state(route, year, as_of=as_of)
        if state is None or state.status != status:
            continue
        since = (_dated(state.milestone, status, as_of)
                 if state.milestone is not None else None)
        out.append(BuildHeadline(route.id, route.short_name, route.kind, route.role, shown,
                                 since, after(route, cut, as_of), _names(route)))
    return out


def planned(catalog: Catalog, year: int | None) -> list[BuildHeadline]:
    """
    Every line planned or agreed in ``year`` (``None``: as of the catalog's date), from
    its recorded phases (:mod:`corridor_atlas.timeline`), never from the wording of a
    note: since when, and what came next (``due``: the start of construction or
    operation, for a past year) or the first target dated after the as-of date (a
    completion the sources announce, such as 2032).
    """
    return _in_status(catalog, year, "planned", _next_phase)


def under_construction(catalog: Catalog, year: int | None) -> list[BuildHeadline]:
    """Every line under construction in ``year`` (``None``: as of the catalog's date)."""
    return _in_status(catalog, year, "construction", _due)


# --------------------------------------------------------------------------- over time


@dataclass(frozen=True)
class FlowPoint:
    """What a route carried in one year (``volume`` ``None``: no sourced figure) against
    the capacity in force then, in its family's unit."""

    route_id: str
    name: str
    kind: Kind
    year: int
    unit: str
    volume: float | None
    capacity: float | None
    sources: tuple[Citation, ...]
    capacity_sources: tuple[Citation, ...]
    part_year: bool = False  # the figure covers only part of the year (say, from June)
    names: Names = ()

    def name_in(self, lang: str) -> str:
        """Its short name in ``lang`` (the route's own, from the catalog)."""
        return _name_in(self.name, self.names, lang)


def flow_history(catalog: Catalog, year: int | None, *,
                 roles: tuple[Role, ...] = ("route",)) -> list[FlowPoint]:
    """
    Each route's yearly throughput from its first to its last sourced figure up to ``year``
    (years between without a figure keep a point with ``volume=None``: a gap, not a zero).
    """
    last = min(year if year is not None else _as_of_year(catalog.as_of),
               _as_of_year(catalog.as_of))
    out: list[FlowPoint] = []
    for route in catalog.routes:
        family = FAMILY_OF_KIND.get(route.kind)
        if route.role not in roles or family is None:
            continue
        found = {y: _throughput(route, y)
                 for y in {v.year for v in route.facts.annual_volumes if v.year <= last}}
        years = sorted(y for y, f in found.items() if f is not None)
        if not years:
            continue
        for y in range(years[0], years[-1] + 1):
            figure = found.get(y)
            capacity = _capacity(route, y)
            out.append(FlowPoint(
                route.id, route.short_name, route.kind, y, FAMILY_UNITS[family],
                figure[0].value if figure else None,
                capacity.value if capacity else None,
                figure[0].sources if figure else (),
                capacity.sources if capacity else (),
                part_year=bool(figure) and any(part_year(v) for v in figure[1]),
                names=_names(route)))
    return out

