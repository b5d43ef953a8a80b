"""The view in the URL: ``?layers=btc,tap&year=2012&route=tap&view=41.2,35.1,6&flows=1``.

``view`` is ``LAT,LON,ZOOM`` or the id of a "Zoom to" preset (``view=south-caucasus``);
``kinds=oil,gas`` and ``status=operating,construction`` are the "Filter by kind and
status" choices (left out while every kind and status is shown); ``lang=tr`` is the
interface's language (left out while it is the browser's).

:func:`parse_query` reads query parameters as users (and the links they share)
send them: unknown ids, malformed numbers and oversized values are dropped, each
with a :class:`Notice` for the app to show, and never raise. :func:`to_query` writes
the current view back, leaving out what equals the default so links stay short.
:func:`standing` tells which notices still describe the URL once the view has moved on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import i18n
from .i18n import N_
from .i18n.languages import UNKNOWN_NOTICE
from .i18n.message import Message

MAX_VALUE_CHARS = 400
MIN_ZOOM, MAX_ZOOM = 2.0, 18.0
KEYS = ("layers", "year", "route", "view", "flows", "kinds", "status", "lang")
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
    lang: str | None = None  # the interface's language (``en``, ``tr``, ``az``)


@dataclass(frozen=True)
class Notice:
    """Something in the URL that was ignored: the parameter it is about, and why.

    ``key`` is the parameter (``None`` for a parameter the atlas does not know);
    ``text`` says what was ignored, in plain English words, and :meth:`text_in` in the
    reader's language.
    """

    key: str | None
    text: str
    said: Message | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, key: str | None, said: Message) -> Notice:
        """The notice ``said`` about ``key``."""
        return cls(key, str(said), said)

    def text_in(self, lang: str = "en") -> str:
        """What was ignored, in ``lang``."""
        return self.said.text(lang) if self.said is not None else self.text

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
        The query parameters (``st.query_params`` or a plain dict). ``lang`` is read
        through :func:`corridor_atlas.i18n.choose`: a value naming no language of the
        atlas is ignored (English, the language it then gets, says so).
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
        notices.append(Notice.of(None, Message.gettext(
            "Ignored the unknown URL parameter {name}.", name=_shown(str(key)))))
    for key, value in list(raw.items()):
        if len(value) > MAX_VALUE_CHARS:
            notices.append(Notice.of(key, Message.gettext(
                "Ignored the URL parameter {name}: longer than {n} characters.",
                name=repr(key), n=MAX_VALUE_CHARS)))
            del raw[key]

    layers = _parse_list(raw, "layers", layer_ids, notices)

    year = None
    if "year" in raw:
        try:
            value = int(raw["year"].strip())
        except ValueError:
            notices.append(Notice.of("year", Message.gettext(
                "Ignored year={value} in the URL: not a whole number.",
                value=_shown(raw["year"]))))
        else:
            if years[0] <= value <= years[1]:
                year = value
            else:
                notices.append(Notice.of("year", Message.gettext(
                    "Ignored year={value} in the URL: the data covers {first}–{last}.",
                    value=str(value), first=str(years[0]), last=str(years[1]))))

    route = None
    if "route" in raw:
        if raw["route"] in route_ids:
            route = raw["route"]
        else:
            notices.append(Notice.of("route", Message.gettext(
                "Ignored route={value} in the URL: no such route.",
                value=_shown(raw["route"]))))

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
            notices.append(Notice.of("flows", Message.gettext(
                "Ignored flows={value} in the URL: use flows=1 or flows=0.",
                value=_shown(raw["flows"]))))
    shown_kinds = _parse_list(raw, "kinds", list(kinds), notices)
    shown_statuses = _parse_list(raw, "status", list(statuses), notices)
    lang = None
    if "lang" in raw and raw["lang"].strip():
        choice = i18n.choose(raw["lang"])
        if choice.fell_back:  # said in English, the language the reader then gets
            asked = raw["lang"].strip()
            notices.append(Notice.of("lang", Message.gettext(
                UNKNOWN_NOTICE, asked=asked if len(asked) <= 40 else asked[:37] + "...")))
        else:
            lang = choice.lang
    return UrlState(layers, year, route, view, preset, flows, shown_kinds,
                    shown_statuses, lang), notices


_UNKNOWN_IDS = {
    "layers": N_("Ignored unknown layer id(s) in the URL: {values}. Known: {known}."),
    "kinds": N_("Ignored unknown kind(s) in the URL: {values}. Known: {known}."),
    "status": N_("Ignored unknown status(es) in the URL: {values}. Known: {known}."),
}


def _parse_list(raw: Mapping[str, str], key: str, known: list[str],
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
        values: Message | str = ", ".join(_shown(u) for u in unknown[:5])
        if len(unknown) > 5:
            values = Message.gettext("{names} and {n} more", names=values, n=len(unknown) - 5)
        notices.append(Notice.of(key, Message.gettext(_UNKNOWN_IDS[key], values=values,
                                                      known=", ".join(known))))
    return good if good or not asked else None


def _parse_view(text: str, notices: list[Notice]) -> tuple[float, float, float] | None:
    parts = text.split(",")
    try:
        lat, lon, zoom = (float(p) for p in parts) if len(parts) == 3 else (math.nan,) * 3
    except ValueError:
        lat = lon = zoom = math.nan
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        notices.append(Notice.of("view", Message.gettext(
            "Ignored view={value} in the URL: expected LAT,LON,ZOOM (three numbers) or the "
            "name of a place to zoom to.", value=_shown(text))))
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        low, high = format(MIN_ZOOM, "g"), format(MAX_ZOOM, "g")
        notices.append(Notice.of("view", Message.gettext(
            "Ignored view={value} in the URL: latitude −85…85, longitude −180…180 and zoom "
            "{low}…{high}.", value=_shown(text), low=low, high=high)))
        return None
    return round(lat, 5), round(lon, 5), round(zoom, 2)


def to_query(state: UrlState, *, default: UrlState) -> dict[str, str]:
    """Query parameters for ``state``, leaving out values equal to ``default``.

    ``lang`` is written when it differs from ``default.lang`` (the app's default: the
    browser's language, through :func:`corridor_atlas.i18n.choose`)."""
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
    if state.lang is not None and state.lang != (default.lang or i18n.DEFAULT):
        query["lang"] = state.lang
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
