"""The atlas on a date: each route's, segment's and facility's status, from its milestones.

Every milestone records its ``effect`` on the status (see
:data:`~corridor_atlas.catalog.Effect`); nothing is read from the wording of its
event. The effects, in date order, drive a small state machine:

* ``planned``, ``construction`` and ``operating`` move a project forward (a step may
  be skipped; a repeated step changes nothing); ``construction`` after a line has been
  in use means it is being rebuilt;
* ``suspended``, ``idle`` and ``closed`` interrupt a line in use, ``resumed`` puts it
  back in use (operating);
* ``expansion`` and ``none`` leave the status as it is.

:func:`check_milestones` rejects anything else (a line suspended before it was built,
resumed without being interrupted, or moved back from operating to construction), and
the build of ``geo/`` runs it (:func:`route_problems`) on every route and facility.

The status *in a year* is the status at the end of that year, or on the catalog's
``as_of`` date for the as-of year and later: milestones dated after ``as_of`` are
targets and never count.

Segments
--------
A milestone may name the route's segments it applies to; otherwise it applies to the
route's own segments. A segment marked ``existing`` (a line that was there before the
route, such as the Azerbaijani main line BTK runs on) is operating whenever the route
is shown and follows only the milestones that name it. The route's own status is the
most advanced of its own segments' (:data:`SUMMARY_ORDER`): a route with one section
in service and another being built is operating.

Disputes
--------
A milestone may carry a :class:`~corridor_atlas.catalog.Dispute`: another source
that says otherwise. The status it leads to is shown as disputed, with both sources,
until a later milestone changes the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from .catalog import Dispute, Effect, Milestone, Route, Status

__all__ = [
    "SUMMARY_ORDER",
    "Period",
    "State",
    "check_milestones",
    "cutoff",
    "first_year",
    "periods",
    "route_problems",
    "route_state",
    "route_status",
    "segment_states",
    "shown_from",
    "state_on",
    "statuses_in",
]

INTERRUPTIONS: Final = frozenset({"suspended", "idle", "closed"})

SUMMARY_ORDER: Final[tuple[Status, ...]] = (
    "operating", "suspended", "idle", "construction", "planned", "closed")
"""How a route's status is read from its own segments': the first found."""


@dataclass(frozen=True)
class State:
    """A status on a date, the milestone that set it, and a dispute if sources disagree."""

    status: Status
    since: str  # the date of the milestone that set it
    milestone: Milestone | None  # None: an existing line, there before the route
    dispute: Dispute | None = None


@dataclass(frozen=True)
class Period:
    """A status held from ``start`` until ``end`` (``None``: still held on the as-of date)."""

    status: Status
    start: str
    end: str | None
    milestone: Milestone | None
    dispute: Dispute | None = None


def cutoff(year: int | None, as_of: str) -> str:
    """The date a year is shown as: its last day, or ``as_of`` from the as-of year on."""
    if year is None or year >= int(as_of[:4]):
        return as_of
    return f"{year}-12-31"


def _step(status: Status | None, effect: Effect) -> Status | None | str:
    """The status after ``effect``; a string starting with ``!`` says why it cannot apply."""
    if effect == "none":
        return status
    if effect == "expansion":
        if status not in ("operating", "suspended", "idle"):
            return f"!an expansion of a line that is {status or 'not begun'}"
        return status
    if effect == "planned":
        if status in (None, "planned", "closed"):
            return "planned"
        return f"!planned after {status}: a status never moves back"
    if effect in ("construction", "operating"):  # construction after use: being rebuilt
        return effect
    if effect == "resumed":
        if status in ("suspended", "idle"):
            return "operating"
        return f"!resumed while {status or 'not begun'}"
    # suspended, idle, closed: only a line that has been in use
    if status in ("operating", "suspended", "idle") or (effect == "closed" and status):
        return effect
    return f"!{effect} while {status or 'not begun'}"


def _ordered(milestones: Iterable[Milestone]) -> list[Milestone]:
    return sorted(milestones, key=lambda m: m.date)


def _run(milestones: Sequence[Milestone], until: str, start: Status | None) -> list[Period]:
    """The periods the milestones dated up to ``until`` lead to, from ``start``.

    A day's last milestone decides how the day ends; a new dispute starts a new period.
    """
    status: Status | None = start
    dispute: Dispute | None = None
    day_end: dict[str, tuple[Status, Milestone, Dispute | None]] = {}
    for m in _ordered(milestones):
        if m.date > until:
            break
        after = _step(status, m.effect)
        if isinstance(after, str) and after.startswith("!"):
            continue  # rejected by check_milestones when geo/ is built
        if after != status or (m.dispute is not None and after is not None):
            status, dispute = after, m.dispute  # type: ignore[assignment]
            assert status is not None
            day_end[m.date] = (status, m, dispute)
    out: list[Period] = []
    held: tuple[Status | None, Dispute | None] = (start, None)
    for date, (status_, milestone, dispute_) in day_end.items():
        if (status_, dispute_) == held:
            continue
        if out:
            last = out[-1]
            out[-1] = Period(last.status, last.start, date, last.milestone, last.dispute)
        out.append(Period(status_, date, None, milestone, dispute_))
        held = (status_, dispute_)
    return out


def check_milestones(milestones: Sequence[Milestone], *, start: Status | None = None
                     ) -> list[str]:
    """What is wrong with the order of these effects (empty: nothing)."""
    problems = []
    status: Status | None = start
    for m in _ordered(milestones):
        after = _step(status, m.effect)
        if isinstance(after, str) and after.startswith("!"):
            problems.append(f"{m.date} {m.event!r}: {after[1:]}")
            continue
        status = after  # type: ignore[assignment]
    return problems


def route_problems(route: Route) -> list[str]:
    """What is wrong with the order of the route's effects, segment by segment."""
    problems = []
    for seg in route.segments or [None]:
        if seg is None:
            found = check_milestones(route.facts.milestones)
        else:
            found = check_milestones(_applies(route, seg.id, seg.existing),
                                     start="operating" if seg.existing else None)
        problems += [p if seg is None else f"segment {seg.id}: {p}" for p in found]
    return list(dict.fromkeys(problems))


def _applies(route: Route, segment_id: str, existing: bool) -> list[Milestone]:
    return [m for m in route.facts.milestones
            if segment_id in m.segments or (not m.segments and not existing)]


def _existing(route: Route) -> dict[str, bool]:
    return {s.id: s.existing for s in route.segments}


def _segment_periods(route: Route, segment_id: str, until: str) -> list[Period]:
    existing = _existing(route).get(segment_id, False)
    begun = _run(route.facts.milestones, until, None)
    if existing:
        if not begun:
            return []
        first = Period("operating", begun[0].start, None, None)
        rest = [p for p in _run(_applies(route, segment_id, True), until, "operating")
                if p.end is None or p.end > first.start]  # changes before the route began
        if rest and rest[0].start <= first.start:
            return [Period(rest[0].status, first.start, rest[0].end, rest[0].milestone,
                           rest[0].dispute), *rest[1:]]
        if rest:
            first = Period("operating", first.start, rest[0].start, None)
        return [first, *rest]
    return _run(_applies(route, segment_id, False), until, None)


def _segment_ids(route: Route) -> list[str]:
    return [s.id for s in route.segments] or [f"{route.id}-1"]


def _own(route: Route) -> list[str]:
    own = [s.id for s in route.segments if not s.existing]
    return own or _segment_ids(route)


def state_on(route: Route, date: str, segment: str | None = None) -> State | None:
    """
    The route's (or one ``segment``'s) status on ``date``; ``None``: not begun.

    ``date`` may be partial (``"2005"``, ``"2005-05"``): milestones dated up to it
    count, compared as ISO text.
    """
    if segment is not None:
        periods_ = _segment_periods(route, segment, date)
        if not periods_:
            return None
        last = periods_[-1]
        return State(last.status, last.start, last.milestone, last.dispute)
    states = [s for s in (state_on(route, date, sid) for sid in _own(route)) if s is not None]
    for status in SUMMARY_ORDER:
        found = [s for s in states if s.status == status]
        if found:
            return max(found, key=lambda s: s.since)
    return None


def route_state(route: Route, year: int | None, *, as_of: str) -> State | None:
    """The route's status in ``year`` (``None``: as of ``as_of``); ``None``: not begun."""
    return state_on(route, cutoff(year, as_of))


def route_status(route: Route, year: int | None, *, as_of: str) -> Status | None:
    """Just the status of :func:`route_state`."""
    state = route_state(route, year, as_of=as_of)
    return None if state is None else state.status


def segment_states(route: Route, segment_ids: Iterable[str], year: int | None, *,
                   as_of: str) -> list[State | None]:
    """Each segment's status in ``year`` (``None``: as of ``as_of``)."""
    date = cutoff(year, as_of)
    return [state_on(route, date, str(sid)) for sid in segment_ids]


def periods(route: Route, *, as_of: str, segment: str | None = None) -> list[Period]:
    """
    The route's status periods up to ``as_of``, oldest first (one ``segment``'s if given).

    The route's own periods are those of its own segments' summary: each change of
    the summary starts a period.
    """
    if segment is not None:
        return _segment_periods(route, segment, as_of)
    dates = sorted({m.date for m in route.facts.milestones if m.date <= as_of})
    out: list[Period] = []
    for date in dates:
        state = state_on(route, date)
        if state is None:
            continue
        if out and out[-1].status == state.status and out[-1].dispute == state.dispute:
            continue
        if out:
            last = out[-1]
            out[-1] = Period(last.status, last.start, date, last.milestone, last.dispute)
        out.append(Period(state.status, state.since, None, state.milestone, state.dispute))
    return out


def first_year(route: Route, *, as_of: str) -> int | None:
    """The first year the route is shown (its first milestone with an effect)."""
    found = periods(route, as_of=as_of)
    return int(found[0].start[:4]) if found else None


def shown_from(milestones: Sequence[Milestone], year: int | None, *, as_of: str) -> bool:
    """
    Whether a facility with these milestones exists in ``year``: under construction or
    later, not closed. A facility with no milestone (a town) is always there.
    """
    if not milestones:
        return True
    found = _run(milestones, cutoff(year, as_of), None)
    return bool(found) and found[-1].status not in ("planned", "closed")


def statuses_in(routes: Iterable[Route], year: int | None, *, as_of: str
                ) -> dict[str, Status | None]:
    """Each route's status in ``year`` (``None``: not begun), by id."""
    return {r.id: route_status(r, year, as_of=as_of) for r in routes}
