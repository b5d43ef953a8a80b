"""The view in the URL: ``?layers=btc,tap&year=2012&route=tap&view=41.2,35.1,6&flows=1``.

``view`` is ``LAT,LON,ZOOM`` or the id of a "Zoom to" preset (``view=south-caucasus``);
``kinds=oil,gas`` and ``status=operating,construction`` are the "Filter by kind and
status" choices (left out while every kind and status is shown).

:func:`parse_query` reads query parameters as users (and the links they share)
send them: unknown ids, malformed numbers and oversized values are dropped, each
with a :class:`Notice` for the app to show, and never raise. :func:`to_query` writes
the current view back, leaving out what equals the default so links stay short.
:func:`standing` tells which notices still describe the URL once the view has moved on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_VALUE_CHARS = 400
MIN_ZOOM, MAX_ZOOM = 2.0, 18.0
KEYS = ("layers", "year", "route", "view", "flows", "kinds", "status")
FLOWS_ON, FLOWS_OFF = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


@dataclass(frozen=True)
class UrlState:
    """What a URL asks for; ``None`` where it asks nothing (or nothing usable)."""

    layers: tuple[str, ...] | None = None
    year: int | None = None
    route: str | None = None
    view: tuple[float, float, float] | None = None  # lat, lon, zoom
    preset: str | None = None  # a "Zoom to" preset, instead of a view
    flows: bool | None = None
    kinds: tuple[str, ...] | None = None  # the kinds shown (the kind filter)
    statuses: tuple[str, ...] | None = None  # the statuses shown in the year (status filter)


@dataclass(frozen=True)
class Notice:
    """Something in the URL that was ignored: the parameter it is about, and why.

    ``key`` is the parameter (``None`` for a parameter the atlas does not know);
    ``text`` says what was ignored, in plain words.
    """

    key: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _first(value: str | Iterable[str]) -> str:
    if isinstance(value, str):
        return value
    items = list(value)
    return items[-1] if items else ""


def parse_query(params: Mapping[str, str | Iterable[str]], *, layer_ids: Iterable[str],
                route_ids: Iterable[str], years: tuple[int, int],
                presets: Iterable[str] = (), kinds: Iterable[str] = (),
                statuses: Iterable[str] = ()) -> tuple[UrlState, list[Notice]]:
    """
    Validate query parameters.

    Parameters
    ----------
    params
        The query parameters (``st.query_params`` or a plain dict).
    layer_ids, route_ids
        Ids that may be asked for.
    years
        First and last year a view may show.
    presets
        Ids of the "Zoom to" presets ``view`` may name.
    kinds, statuses
        The kinds and statuses ``kinds`` and ``status`` may list.

    Returns
    -------
    tuple
        The usable state, and one notice per thing ignored.
    """
    layer_ids, route_ids = list(layer_ids), list(route_ids)
    notices: list[Notice] = []
    raw = {key: _first(params[key]) for key in KEYS if key in params}
    for key in sorted(set(params) - set(KEYS)):
        notices.append(Notice(None, f"Ignored the unknown URL parameter {_shown(str(key))}."))
    for key, value in list(raw.items()):
        if len(value) > MAX_VALUE_CHARS:
            notices.append(Notice(key, f"Ignored the URL parameter {key!r}: longer than "
                                       f"{MAX_VALUE_CHARS} characters."))
            del raw[key]

    layers = _parse_list(raw, "layers", layer_ids, "layer id(s)", notices)

    year = None
    if "year" in raw:
        try:
            value = int(raw["year"].strip())
        except ValueError:
            notices.append(Notice("year", f"Ignored year={_shown(raw['year'])} in the URL: "
                                          "not a whole number."))
        else:
            if years[0] <= value <= years[1]:
                year = value
            else:
                notices.append(Notice("year", f"Ignored year={value} in the URL: the data "
                                              f"covers {years[0]}–{years[1]}."))

    route = None
    if "route" in raw:
        if raw["route"] in route_ids:
            route = raw["route"]
        else:
            notices.append(Notice("route", f"Ignored route={_shown(raw['route'])} in the URL: "
                                           "no such route."))

    view = preset = None
    if "view" in raw:
        if raw["view"].strip().lower() in set(presets):
            preset = raw["view"].strip().lower()
        else:
            view = _parse_view(raw["view"], notices)

    flows = None
    if "flows" in raw:
        word = raw["flows"].strip().lower()
        if word in FLOWS_ON or word in FLOWS_OFF:
            flows = word in FLOWS_ON
        else:
            notices.append(Notice("flows", f"Ignored flows={_shown(raw['flows'])} in the URL: "
                                           "use flows=1 or flows=0."))
    shown_kinds = _parse_list(raw, "kinds", list(kinds), "kind(s)", notices)
    shown_statuses = _parse_list(raw, "status", list(statuses), "status(es)", notices)
    return UrlState(layers, year, route, view, preset, flows, shown_kinds,
                    shown_statuses), notices


def _parse_list(raw: Mapping[str, str], key: str, known: list[str], what: str,
                notices: list[Notice]) -> tuple[str, ...] | None:
    """A comma-separated list of known ids: the known ones in order, once each.

    Unknown ids are ignored with a notice naming them; a list of nothing but unknown
    ids is ignored whole (``None``), while an empty value asks for none (``()``).
    """
    if key not in raw:
        return None
    asked = [part.strip() for part in raw[key].split(",") if part.strip()]
    unknown = [a for a in asked if a not in known]
    good = tuple(dict.fromkeys(a for a in asked if a in known))
    if unknown:
        notices.append(Notice(key, f"Ignored unknown {what} in the URL: "
                                   + ", ".join(_shown(u) for u in unknown[:5])
                                   + (f" and {len(unknown) - 5} more" if len(unknown) > 5
                                      else "")
                                   + ". Known: " + ", ".join(known) + "."))
    return good if good or not asked else None


def _parse_view(text: str, notices: list[Notice]) -> tuple[float, float, float] | None:
    parts = text.split(",")
    try:
        lat, lon, zoom = (float(p) for p in parts) if len(parts) == 3 else (math.nan,) * 3
    except ValueError:
        lat = lon = zoom = math.nan
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        notices.append(Notice("view", f"Ignored view={_shown(text)} in the URL: expected "
                                      "LAT,LON,ZOOM (three numbers) or the name of a place "
                                      "to zoom to."))
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        notices.append(Notice("view", f"Ignored view={_shown(text)} in the URL: latitude "
                                      f"−85…85, longitude −180…180 and zoom "
                                      f"{MIN_ZOOM:g}…{MAX_ZOOM:g}."))
        return None
    return round(lat, 5), round(lon, 5), round(zoom, 2)


def to_query(state: UrlState, *, default: UrlState) -> dict[str, str]:
    """Query parameters for ``state``, leaving out values equal to ``default``."""
    query: dict[str, str] = {}
    same_layers = (state.layers is not None and default.layers is not None
                   and set(state.layers) == set(default.layers))
    if state.layers is not None and not same_layers:
        query["layers"] = ",".join(state.layers)
    if state.year is not None and state.year != default.year:
        query["year"] = str(state.year)
    if state.route is not None and state.route != default.route:
        query["route"] = state.route
    if state.preset is not None:
        query["view"] = state.preset
    elif state.view is not None and state.view != default.view:
        lat, lon, zoom = state.view
        query["view"] = f"{lat:.4f},{lon:.4f},{zoom:g}"
    if state.flows is not None and state.flows != bool(default.flows):
        query["flows"] = "1" if state.flows else "0"
    for key, shown, everything in (("kinds", state.kinds, default.kinds),
                                   ("status", state.statuses, default.statuses)):
        if shown is not None and (everything is None or set(shown) != set(everything)):
            query[key] = ",".join(shown)
    return query


def standing(notices: Iterable[Notice], *, opened: Mapping[str, str],
             now: Mapping[str, str]) -> list[Notice]:
    """The notices that still describe the URL.

    ``opened`` is the query the app first wrote for the link (the ignored values
    dropped), ``now`` the query it writes for the view shown now. A notice about a
    parameter stands while that parameter is as it was written then; once the reader
    sets it (a year, layers, a view…), the URL no longer holds what was ignored and
    the notice goes. A notice about an unknown parameter stands until a setting
    changes (moving the map is not one: the map's own fit to its size moves it too).
    """
    def settings(query: Mapping[str, str]) -> dict[str, str]:
        return {k: v for k, v in query.items() if k != "view"}

    return [n for n in notices
            if (settings(now) == settings(opened) if n.key is None
                else now.get(n.key) == opened.get(n.key))]
