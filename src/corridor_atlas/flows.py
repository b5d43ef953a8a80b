"""What each route carried in a year, against the capacity in force then.

A route's **flow** in a year comes from its sourced annual volumes, never from a
guess: the volume whose ``measure`` is ``throughput`` (all the route carried), or, for
a route whose sources give only parts, the sum of its ``throughput_shares`` when every
part is there that year. Volumes are brought to one unit per **family** by unit
arithmetic only (a year's barrels over its days; tonnes to million tonnes); a figure in
a unit of another kind (tonnes of oil where the family counts barrels) is not
converted, and the year then has no figure.

The capacity is the one whose ``in_force`` years cover the year (see
``scripts/build_geo.py``); utilisation is the volume over that capacity, and is
``None`` when either is missing. A year with no figure is :attr:`Missing.NO_FIGURE`,
never zero and never the last known value.
"""

from __future__ import annotations

import calendar
import enum
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from .catalog import AnnualVolume, Capacity, Catalog, Route

__all__ = ["FAMILY_UNITS", "Family", "Flow", "FlowScale", "Missing", "flow_scales",
           "route_flow"]

Family = Literal["gas", "oil", "freight"]

FAMILY_OF_KIND: dict[str, Family] = {"gas": "gas", "oil": "oil", "rail": "freight"}
FAMILY_UNITS: dict[Family, str] = {"gas": "bcm/y", "oil": "bbl/d", "freight": "Mt/y"}
"""The unit each family's widths and legend are drawn in."""

_Convert = Callable[[float, int], float]  # (value, year) -> value in the family unit

_VOLUME_UNITS: dict[tuple[Family, str], _Convert] = {
    ("gas", "bcm"): lambda v, _y: v,
    ("oil", "million bbl"): lambda v, y: v * 1e6 / (366 if calendar.isleap(y) else 365),
    ("freight", "t"): lambda v, _y: v / 1e6,
    ("freight", "Mt"): lambda v, _y: v,
}
_CAPACITY_UNITS: dict[tuple[Family, str], Callable[[float], float]] = {
    ("gas", "bcm/y"): lambda v: v,
    ("oil", "million bbl/day"): lambda v: v * 1e6,
    ("freight", "Mt/y"): lambda v: v,
}


class Missing(enum.Enum):
    """Why a flow has no volume."""

    NO_FAMILY = "no_family"  # a kind the atlas draws no flows for (power)
    NOT_OPERATING = "not_operating"  # not operating that year: nothing to carry
    NO_FIGURE = "no_figure"  # operating, but no sourced throughput for the year


@dataclass(frozen=True)
class Flow:
    """A route's throughput in one year, its capacity then, and where both come from."""

    route_id: str
    year: int
    family: Family | None
    volume: float | None = None
    volumes: tuple[AnnualVolume, ...] = ()
    capacity: float | None = None
    capacity_figure: Capacity | None = None
    missing: Missing | None = None
    other: tuple[AnnualVolume, ...] = ()

    @property
    def unit(self) -> str | None:
        """The family's unit (``bcm/y``, ``bbl/d``, ``Mt/y``)."""
        return FAMILY_UNITS[self.family] if self.family else None

    @property
    def utilisation(self) -> float | None:
        """Volume over the capacity in force (1.0 = full), or ``None``."""
        if self.volume is None or not self.capacity:
            return None
        return self.volume / self.capacity


def _convert(volume: AnnualVolume, family: Family) -> float | None:
    convert = _VOLUME_UNITS.get((family, volume.unit))
    return None if convert is None else convert(volume.value, volume.year)


def capacity_in_force(route: Route, year: int, family: Family) -> tuple[float, Capacity] | None:
    """The capacity in force in ``year``, in the family's unit, and its catalog figure."""
    for capacity in route.facts.capacity:
        convert = _CAPACITY_UNITS.get((family, capacity.unit))
        if capacity.in_force is not None and capacity.in_force.covers(year) and convert:
            return convert(capacity.value), capacity
    return None


def route_flow(route: Route, year: int, *, operating: bool) -> Flow:
    """
    The route's flow in ``year``.

    Parameters
    ----------
    route
        A catalog route.
    year
        The year shown.
    operating
        Whether the route operates that year (its phase, :mod:`corridor_atlas.timeline`);
        a route that does not has no flow to show (:attr:`Missing.NOT_OPERATING`).
    """
    family = FAMILY_OF_KIND.get(route.kind)
    if family is None:
        return Flow(route.id, year, None, missing=Missing.NO_FAMILY)
    of_year = tuple(v for v in route.facts.annual_volumes if v.year == year)
    in_force = capacity_in_force(route, year, family)
    capacity, figure = in_force if in_force else (None, None)
    if not operating:
        return Flow(route.id, year, family, capacity=capacity, capacity_figure=figure,
                    missing=Missing.NOT_OPERATING, other=of_year)
    for volume in of_year:
        value = _convert(volume, family) if volume.measure == "throughput" else None
        if value is not None:
            rest = tuple(v for v in of_year if v is not volume)
            return Flow(route.id, year, family, value, (volume,), capacity, figure,
                        other=rest)
    shares = _shares(route, of_year, family)
    if shares:
        total = math.fsum(value for value, _ in shares)
        used = tuple(v for _, v in shares)
        rest = tuple(v for v in of_year if v not in used)
        return Flow(route.id, year, family, total, used, capacity, figure, other=rest)
    return Flow(route.id, year, family, capacity=capacity, capacity_figure=figure,
                missing=Missing.NO_FIGURE, other=of_year)


def _shares(route: Route, of_year: Iterable[AnnualVolume],
            family: Family) -> list[tuple[float, AnnualVolume]]:
    """Every declared share of the throughput that year, converted; ``[]`` if one is missing."""
    if not route.throughput_shares:
        return []
    found: dict[str, tuple[float, AnnualVolume]] = {}
    for volume in of_year:
        value = _convert(volume, family) if volume.measure == "share" else None
        if value is not None and volume.share in route.throughput_shares:
            found.setdefault(str(volume.share), (value, volume))
    if set(found) != set(route.throughput_shares):
        return []
    return [found[name] for name in route.throughput_shares]


@dataclass(frozen=True)
class FlowScale:
    """One family's width scale: the largest figure drawn widest, and legend ticks."""

    family: Family
    reference: float
    ticks: tuple[float, ...]

    @property
    def unit(self) -> str:
        return FAMILY_UNITS[self.family]


def _nice_ticks(largest: float, count: int = 3) -> tuple[float, ...]:
    """Up to ``count`` round values (1, 2, 5 × 10ⁿ) no larger than ``largest``, ascending."""
    if not largest > 0:
        return ()
    ladder = sorted({m * 10.0 ** e for e in range(math.floor(math.log10(largest)) - 3,
                                                      math.floor(math.log10(largest)) + 1)
                     for m in (1, 2, 5) if m * 10.0 ** e <= largest})
    picks = [ladder[-1]]
    for value in reversed(ladder[:-1]):
        if len(picks) == count:
            break
        if value <= picks[-1] / 2 + 1e-12:
            picks.append(value)
    return tuple(float(f"{v:.6g}") for v in reversed(picks))


def flow_scales(catalog: Catalog) -> dict[Family, FlowScale]:
    """Each family's scale, from the largest throughput any route of it carried in any year.

    The reference is the same in every year, so playing through the years shows the
    corridor filling up.
    """
    largest: dict[Family, float] = {}
    for route in catalog.routes:
        family = FAMILY_OF_KIND.get(route.kind)
        if family is None:
            continue
        for year in sorted({v.year for v in route.facts.annual_volumes}):
            flow = route_flow(route, year, operating=True)
            if flow.volume is not None:
                largest[family] = max(largest.get(family, 0.0), flow.volume)
    return {family: FlowScale(family, value, _nice_ticks(value))
            for family, value in largest.items()}
