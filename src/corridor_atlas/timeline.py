"""The atlas as of a year: each route's and segment's phase, from its dated milestones.

A route passes through three phases, drawn as the style table's statuses:
``"planned"`` (agreed or planned: dotted), ``"construction"`` (dashed) and
``"operating"`` (solid). Before its first milestone it has not begun (``None``) and
is not drawn.

Classifying a milestone
-----------------------
:func:`milestone_phase` reads the event text with the ordered rules of
:data:`RULES` (compiled regular expressions, case-insensitive). The first rule that
matches decides; an event no rule matches is ``None`` (it does not change the phase).
In order:

1. **No change** (``None``): events about a line that already exists or about
   ownership: expansions and capacity increases (``expansion``, ``SCPX``, capacity
   raised or doubled, throughput raised, market test), modernisation, repairs and
   reconstruction; shareholders, stakes, sales and purchases; operatorship;
   cumulative volumes and counts of tankers or barrels exported; shutdowns,
   suspensions, stops, closures, restarts and reopenings; targets and expectations
   (``target``, ``planned completion``, ``due to``, ``expected``, ``not yet``).
2. **Company formed** → planned: a company or joint venture established, formed,
   registered, founded or even "inaugurated" (a company's inauguration never opens a
   line).
3. **Commissioning** → construction: line fill, commissioning gas or oil, test gas
   or oil (the last step of building, before operations).
4. **Operating**: first oil, gas, flow, train, delivery, tanker or cargo (up to two
   words may stand between: "first commercial gas", "first (test) passenger
   train"); inaugurated / inauguration; commissioned; commercial operations or
   deliveries; deliveries start; started or began operating; official opening;
   opened for traffic.
5. **Construction**: groundbreaking; foundation (stone) laid, foundation laying;
   construction began / started / launched / commenced / under way; started
   construction; pipe-laying; welding; works began; equipment installed;
   mechanical completion.
6. **Planned**: agreement, agreed, MoU, memorandum, intergovernmental,
   declaration, protocol, signed, host government, ratified, established, formed,
   registered, founded, FID / final investment decision, feasibility, design,
   surveys, selected, presidential decree or order, allocation of funds, financing,
   PCI / PMI (project of common or mutual interest). A project merely announced or
   proposed (by one company, at a forum) is not yet agreed or planned: no phase.

Phase of a route in a year
--------------------------
:func:`route_phase` takes the most advanced phase of the milestones dated in or
before the year (a milestone counts from its year, whatever its month), then:

* **as-of floor**: from the catalog's as-of year on, the route's current status is
  the floor (the present is known, whatever the milestones say);
* **operating without a milestone**: a route operating today whose milestones never
  say so is operating from the year after its last construction-phase milestone if
  that year is before the as-of year, otherwise (or with no construction milestone)
  from the as-of year;
* **cap**: never beyond the route's current status (a planned route is never
  drawn as operating, whatever a target date says).

A segment (:func:`segment_phase`) follows its route, except existing
infrastructure: a segment whose current class ranks above its route's current
status (an existing line a new route joins) keeps its class once the route has
begun.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final, Literal, get_args

from .catalog import Route

__all__ = [
    "PHASES",
    "PHASE_RANK",
    "RULES",
    "Phase",
    "first_year",
    "milestone_phase",
    "phase_years",
    "route_phase",
    "segment_phase",
    "segment_phases",
    "statuses_in",
]

Phase = Literal["planned", "construction", "operating"]
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)
PHASE_RANK: Final[dict[str, int]] = {phase: rank for rank, phase in enumerate(PHASES, start=1)}
"""planned 1 < construction 2 < operating 3 (not begun ranks 0)."""


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_NO_CHANGE = _rx(
    # expansions of a line that exists
    r"\bexpan(?:sion|ded|ding|d)\b", r"\bSCPX\b", r"\bmarket test\b",
    r"\bcapacity\b[^;]*\b(?:raised|increased|doubl\w*|expan\w*)\b",
    r"\b(?:raise[ds]?|increase[ds]?|doubl\w*)\b[^;]*\bcapacity\b",
    r"\bthroughput\b[^;]*\b(?:raised|increased)\b",
    r"\bmoderni[sz]ation\b", r"\breconstruction\b", r"\brepairs?\b",
    # ownership and operatorship
    r"\bshareholde\w*", r"\bstakes?\b", r"\bsell\w*", r"\bsold\b", r"\bpurchase\w*",
    r"\bacqui\w*", r"\boperatorship\b",
    # records of a running line
    r"\bcumulative\b", r"\b(?:barrels|bbl|tonnes)\s+exported\b",
    r"\b\d[\d,]*(?:st|nd|rd|th)\s+tanker\b",
    # interruptions
    r"\bshut(?:down)?\b", r"\bsuspen\w*", r"\bstopped\b", r"\bclosed\b", r"\bresum\w*",
    r"\breopen\w*", r"\brestart\w*", r"\binterrupt\w*",
    # what has not happened yet
    r"\btargets?\b", r"\bplanned completion\b", r"\bdue to\b", r"\bexpected\b",
    r"\bnot yet\b",
)
_COMPANY = _rx(
    r"\b(?:company|co\.|joint venture|jv)[^;]*\b(?:established|formed|registered|founded"
    r"|incorporated|set up|inaugurated)\b",
    r"\b(?:established|formed|registered|founded|incorporated|set up)\b[^;]*"
    r"\b(?:company|joint venture|jv)\b",
)
_COMMISSIONING = _rx(
    r"\bline[- ]fill\b", r"\bcommissioning\s+(?:gas|oil)\b", r"\btest\s+(?:gas|oil)\b",
)
_OPERATING = _rx(
    r"\bfirst\W+(?:\w+\W+){0,2}?(?:oil|gas|flows?|trains?|deliver\w*|tankers?|cargo(?:es)?)\b",
    r"\binaugurat(?:ed|ion)\b", r"\bcommissioned\b",
    r"\bcommercial\s+(?:operations?|deliveries|gas|oil)\b",
    r"\bdeliveries\b[^;]*\b(?:start\w*|began|begin|commenced)\b",
    r"\b(?:started|began|begins|starts)\s+operat(?:ing|ions)\b",
    r"\bofficial(?:ly)?\s+open(?:ed|ing)\b", r"\bopened\s+(?:for|to)\s+(?:traffic|service)\b",
)
_CONSTRUCTION = _rx(
    r"\bground[- ]?breaking\b", r"\bfoundation[- ]laying\b",
    r"\bfoundation(?:[- ]stone)?\b[^;]*\b(?:laid|laying)\b",
    r"\bconstruction\b[^;]*?\b(?:began|begun|begins|started|starts|launched|commenced"
    r"|under\s?way)\b",
    r"\b(?:began|begins|started|starts|launched)\s+(?:the\s+)?construction\b",
    r"\bpipe[- ]?laying\b", r"\bwelding\b", r"\bworks?\s+(?:began|started|commenced)\b",
    r"\binstalled\b", r"\bmechanical completion\b",
)
_PLANNED = _rx(
    r"\bagree(?:ment|ments|d|s)?\b", r"\bmou\b", r"\bmemorand(?:um|a)\b",
    r"\bintergovernmental\b", r"\bdeclaration\b", r"\bprotocol\b", r"\bsigned\b",
    r"\bhost government\b", r"\bratified\b",
    r"\b(?:established|formed|registered|founded)\b",
    r"\bfid\b", r"\bfinal investment decision\b", r"\bfeasibility\b", r"\bdesign\b",
    r"\bsurveys?\b", r"\bselect(?:s|ed)\b",
    r"\bdecree\b", r"\bpresidential order\b", r"\ballocat\w+[^;]*\bfunds\b", r"\bfinancing\b",
    r"\b(?:pci|pmi)\b", r"\bproject of (?:common|mutual) interest\b",
)

RULES: Final[tuple[tuple[str, Phase | None, re.Pattern[str]], ...]] = (
    ("no change", None, _NO_CHANGE),
    ("company formed", "planned", _COMPANY),
    ("commissioning", "construction", _COMMISSIONING),
    ("operating", "operating", _OPERATING),
    ("construction", "construction", _CONSTRUCTION),
    ("planned", "planned", _PLANNED),
)
"""``(name, phase, pattern)`` in the order they are tried; the first match decides."""


@lru_cache(maxsize=4096)
def milestone_phase(event: str) -> Phase | None:
    """
    The phase a milestone's event text marks, by the first matching rule of :data:`RULES`.

    ``None`` when the event does not change the phase (an expansion, an ownership
    change, an interruption, a target) or no rule matches.
    """
    for _name, phase, pattern in RULES:
        if pattern.search(event):
            return phase
    return None


def _rank(phase: str | None) -> int:
    return 0 if phase is None else PHASE_RANK[phase]


def _phase_of_rank(rank: int) -> Phase | None:
    return None if rank <= 0 else PHASES[rank - 1]


def _dated_phases(route: Route) -> list[tuple[int, Phase]]:
    """``(year, phase)`` of each milestone that marks a phase, in catalog order."""
    out = []
    for m in route.facts.milestones:
        phase = milestone_phase(m.event)
        if phase is not None:
            out.append((int(m.date[:4]), phase))
    return out


def _operating_from(route: Route, dated: list[tuple[int, Phase]], as_of_year: int) -> int | None:
    """The year an operating route counts as operating (see the module's rules)."""
    if route.status != "operating":
        return None
    operating = [y for y, p in dated if p == "operating"]
    if operating:
        return min(operating)
    built = [y for y, p in dated if p == "construction" and y <= as_of_year]
    if built and max(built) + 1 < as_of_year:
        return max(built) + 1
    return as_of_year


def route_phase(route: Route, year: int, *, as_of_year: int) -> Phase | None:
    """
    The route's phase in ``year``; ``None`` if it has not begun.

    Parameters
    ----------
    route
        A catalog route (its milestones and current ``status``).
    year
        The year shown.
    as_of_year
        The catalog's as-of year: from then on the current status is known.

    Notes
    -----
    The most advanced phase of the milestones dated in or before ``year``; an
    operating route whose milestones never say so counts as operating from the
    year after its last construction milestone (if before ``as_of_year``) or from
    ``as_of_year``; from ``as_of_year`` on the current status is the floor; never
    beyond the current status.
    """
    dated = _dated_phases(route)
    rank = max((_rank(p) for y, p in dated if y <= year), default=0)
    start = _operating_from(route, dated, as_of_year)
    if start is not None and year >= start:
        rank = PHASE_RANK["operating"]
    current = _rank(route.status)
    if year >= as_of_year:
        rank = max(rank, current)
    return _phase_of_rank(min(rank, current))


def segment_phase(segment_status: str, route_phase: Phase | None,
                  route_status: str) -> Phase | None:
    """
    A segment's phase, from its current class and its route's phase in the year.

    ``None`` if the route has not begun. A segment whose current class ranks above
    the route's current status is existing infrastructure and keeps its class;
    otherwise the less advanced of its class and the route's phase.
    """
    if route_phase is None:
        return None
    if _rank(segment_status) > _rank(route_status):
        return segment_status  # type: ignore[return-value]
    return _phase_of_rank(min(_rank(segment_status), _rank(route_phase)))


def segment_phases(route: Route, statuses: Iterable[str], year: int | None, *,
                   as_of_year: int | None) -> list[str | None]:
    """
    The phase of each segment (given by its current class) in ``year``.

    With ``year=None``, the current classes, unchanged (the map as of today).

    Raises
    ------
    ValueError
        A year without ``as_of_year``.
    """
    statuses = list(statuses)
    if year is None:
        return list(statuses)
    if as_of_year is None:
        raise ValueError("a year needs the catalog's as_of_year to place it")
    phase = route_phase(route, year, as_of_year=as_of_year)
    return [segment_phase(s, phase, route.status) for s in statuses]


def first_year(route: Route, *, as_of_year: int | None = None) -> int | None:
    """
    The year the route begins: that of its first milestone marking a phase.

    With ``as_of_year``, never later than it (from then on the present status is
    shown); without it, ``None`` for a route with no milestone marking a phase.
    """
    years = [y for y, _ in _dated_phases(route)]
    if as_of_year is not None:
        years.append(as_of_year)
    return min(years, default=None)


def phase_years(route: Route, *, as_of_year: int) -> dict[Phase, int]:
    """
    The year each phase was first reached, as :func:`route_phase` shows it.

    In phase order; a phase the route skipped (no milestone for it) or has not
    reached is absent.
    """
    start = first_year(route, as_of_year=as_of_year)
    assert start is not None
    years: dict[Phase, int] = {}
    for year in range(start, as_of_year + 1):
        phase = route_phase(route, year, as_of_year=as_of_year)
        if phase is not None and phase not in years:
            years[phase] = year
    return {p: years[p] for p in PHASES if p in years}


def statuses_in(routes: Iterable[Route], year: int, *, as_of_year: int) -> dict[str, Phase | None]:
    """Each route's phase in ``year`` (``None``: not begun), by id."""
    return {r.id: route_phase(r, year, as_of_year=as_of_year) for r in routes}
