"""The catalog: every layer of the atlas and every figure shown, each with its source.

``geo/catalog.json`` is validated with pydantic. Each route entry is validated on
its own, so one bad entry drops only that route: :func:`load_catalog` collects
every problem (file, feature, field) and either raises them all at once as a
:class:`~corridor_atlas.errors.CatalogError` or returns them beside the entries
that are good, for an app that must keep drawing the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import CatalogError, Problem

CATALOG_FILE = "catalog.json"

Kind = Literal["oil", "gas", "rail", "power"]
Status = Literal["operating", "construction", "planned", "suspended", "idle", "closed"]
"""A route's, segment's or facility's state on a date: built and in use (``operating``),
being built (``construction``), agreed or planned (``planned``), interrupted
(``suspended``), built but carrying little or nothing (``idle``), or out of use for good
(``closed``)."""
Effect = Literal["planned", "construction", "operating", "suspended", "resumed", "idle",
                 "closed", "expansion", "none"]
"""What a milestone does to the status: sets it (``planned`` … ``closed``), ends a
suspension or an idle period (``resumed``: operating again), or leaves it as it is
(``expansion`` of a line in use, ``none``)."""
Role = Literal["route", "context", "connection"]
"""One of the seven routes; a context layer; or one of the corridor's newer links
("Connections"). Only routes are on when the map opens."""
Location = Literal["site", "area", "centre", "nearby", "none"]
"""What a facility's point stands for: the ``site`` itself, a point for a whole field or
complex (``area``), the ``centre`` of the town a facility is, the ``nearby`` town or
village standing in for a site no source locates, or no point at all (``none``)."""
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Source(_Model):
    """Where a figure comes from. ``url`` may be empty only when flagged as not retained."""

    url: Url | None
    title: Text
    publisher: Text
    date: str | None
    reliability: str | None = None
    url_not_retained: bool = False

    @model_validator(mode="after")
    def _url_or_flag(self) -> Source:
        if self.url is None and not self.url_not_retained:
            raise ValueError("a source needs a url (or url_not_retained: true)")
        return self


class StatusSource(_Model):
    url: Url
    date: str | None


class Alternative(_Model):
    """Another source's value for the same figure."""

    value: float | dict[str, float]
    source: Source
    note: str | None = None


class LengthFigure(_Model):
    value: float | None
    source: Source | None
    alternatives: list[Alternative] = []
    note: str | None = None


class CountryLengthMeta(_Model):
    source: Source | None
    alternatives: list[Alternative] = []
    note: str | None = None
    scpx_values: dict[str, float] | None = None
    scpx_source: Source | None = None
    aze_source: Source | None = None


class DiameterDetail(_Model):
    detail: Text
    source: Source
    extra_sources: list[Source] = []


class InForce(_Model):
    """The years a capacity was the one in force, and what dates them."""

    from_year: int = Field(ge=1900, le=2100)
    until_year: int | None = Field(default=None, ge=1900, le=2100)
    basis: Text

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.until_year is not None and self.until_year < self.from_year:
            raise ValueError(f"until_year {self.until_year} is before from_year "
                             f"{self.from_year}")
        return self

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)


class Capacity(_Model):
    """A capacity as published: ``design``, ``expanded``, ``planned``, or ``practical``
    (what the line could carry in practice). An ``increment`` is capacity added by an
    expansion, not a capacity the line has."""

    value: float
    unit: Text
    what: Literal["design", "expanded", "planned", "practical"]
    source: Source
    note: str | None = None
    in_force: InForce | None = None
    increment: bool = False


class Dispute(_Model):
    """What another source says against a milestone's claim."""

    claim: Text
    source: Source


class Milestone(_Model):
    """A dated event, its source and what it does to the status (``effect``)."""

    date: PartialDate
    event: Text
    source: Source
    note: str | None = None
    effect: Effect
    segments: list[str] = []  # the route's segments (feature ids) it applies to; all if empty
    dispute: Dispute | None = None


class Segment(_Model):
    """One feature of a route's geometry: its id, what it is, and whether the line was
    there before the route (``existing``: it keeps its own status, operating)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+-\d+$")]
    name: Text
    existing: bool = False
    existing_since: PartialDate | None = None
    existing_source: Source | None = None
    existing_note: str | None = None


Measure = Literal["throughput", "share", "count"]
"""What an annual volume measures: all the route carried that year (``throughput``,
possibly counted at one section), one named part of it (``share``), or a count of
containers or trains (``count``)."""


class AnnualVolume(_Model):
    year: int = Field(ge=1900, le=2100)
    value: float
    unit: Text
    what: Text
    measure: Measure
    share: str | None = None
    period_note: str | None = None
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def _share_named(self) -> AnnualVolume:
        if (self.measure == "share") != (self.share is not None):
            raise ValueError("a volume with measure 'share' names its share, and only it")
        return self


class PeriodVolume(_Model):
    period: Text
    value: float
    unit: Text
    what: Text
    source: Source
    note: str | None = None


class Shareholder(_Model):
    name: Text
    pct: float | None = Field(ge=0, le=100)
    as_of: str | None
    source: Source
    note: str | None = None


class Cost(_Model):
    value: float
    unit: Text
    what: Text
    source: Source
    note: str | None = None


class RouteFacts(_Model):
    """The researched facts of one route, as in ``corridor-facts.json``."""

    id: Identifier
    name: Text
    aliases: list[str]
    kind: Text
    status: Text
    status_detail: str
    status_source: StatusSource
    start: str
    end: str
    countries: list[str]
    length_km: LengthFigure
    length_by_country_km: dict[str, float]
    length_by_country_meta: CountryLengthMeta | None
    diameter_in: float | None
    diameter_detail: DiameterDetail | None
    capacity: list[Capacity]
    operator: str | None
    operator_source: list[Source]
    shareholders: list[Shareholder]
    shareholders_previous: list[Shareholder] = []
    milestones: list[Milestone]
    annual_volumes: list[AnnualVolume]
    annual_volume_alternatives: list[AnnualVolume] = []
    annual_volumes_italy_only: list[AnnualVolume] = []
    other_volume_data: list[PeriodVolume] = []
    cost: list[Cost]
    conflicts: list[str]
    notes: str | None
    technical: dict[str, Any] | None = None


class Route(_Model):
    """One line layer: how it is shown, and its facts."""

    id: Identifier
    file: Annotated[str, Field(pattern=r"^routes/[a-z0-9_]+\.geojson$")]
    name: Text
    short_name: Text
    name_tr: Text
    name_az: Text
    kind: Kind
    status: Status
    role: Role
    default_visible: bool
    start_label: Text
    end_label: Text
    flow_direction: Literal["forward", "both"]
    throughput_shares: list[Text] = []
    segments: list[Segment] = []
    facts: RouteFacts

    @model_validator(mode="after")
    def _milestone_segments(self) -> Route:
        known = {s.id for s in self.segments}
        for i, milestone in enumerate(self.facts.milestones):
            unknown = [s for s in milestone.segments if s not in known]
            if unknown:
                raise ValueError(f"facts.milestones[{i}] names segments {unknown} that the "
                                 f"route does not have (it has {sorted(known)})")
        return self

    @property
    def names(self) -> dict[str, str]:
        """Names by language code."""
        return {"en": self.name, "tr": self.name_tr, "az": self.name_az}

    def name_in(self, lang: str) -> str:
        """Its full name in ``lang`` (English for a language it has no name in)."""
        return self.names.get(lang, self.name)

    def short_name_in(self, lang: str) -> str:
        """
        Its short name in ``lang``, taken from its sourced name in that language: the
        abbreviation that name ends with (``… dəmir yolu (BTQ)`` → ``BTQ``); else an
        abbreviation of capitals kept as it is (``BTC``, ``TANAP``); else the places its
        name begins with (``Qars–Naxçıvan dəmir yolu`` → ``Qars–Naxçıvan``); else that
        whole name. English, and a language it has no name in, give ``short_name``.
        """
        local = self.names.get(lang)
        if lang == "en" or local is None:
            return self.short_name
        return local_short_name(self.short_name, local)


_ABBREVIATION = re.compile(r"\(([A-ZÇĞİÖŞÜƏ]{2,})\)\s*$")
_CAPITALS = re.compile(r"[A-ZÇĞİÖŞÜƏ]{2,}")
_PLACES = re.compile(r"^\S+(?:\s*[–-]\s*\S+)+")


def local_short_name(short_name: str, local_name: str) -> str:
    """
    A route's short name in a language, from its full name in that language (see
    :meth:`Route.short_name_in`).

    >>> local_short_name("BTK", "Bakı–Tbilisi–Qars dəmir yolu (BTQ)")
    'BTQ'
    >>> local_short_name("TAP", "Trans Adriyatik Doğal Gaz Boru Hattı")
    'TAP'
    >>> local_short_name("Kars–Nakhchivan", "Qars–Naxçıvan dəmir yolu")
    'Qars–Naxçıvan'
    >>> local_short_name("Kilis–Aleppo", "Kilis-Hələb kəməri")
    'Kilis–Hələb'
    >>> local_short_name("Black Sea cable", "Karadeniz denizaltı enerji kablosu")
    'Karadeniz denizaltı enerji kablosu'
    """
    found = _ABBREVIATION.search(local_name)
    if found:
        return found.group(1)
    if _CAPITALS.fullmatch(short_name):
        return short_name
    places = _PLACES.match(local_name)
    if places and ("–" in short_name or "-" in short_name):
        return re.sub(r"\s*[–-]\s*", "–", places.group(0))
    return local_name


class LocalName(_Model):
    """A name in Turkish or Azerbaijani, as its source writes it."""

    name: Text
    source: Source


LocalLang = Literal["tr", "az"]


class Facility(_Model):
    id: Identifier
    name: Text
    name_tr: LocalName | None = None  # None: no source names it in Turkish
    name_az: LocalName | None = None
    kind: Text
    category: Literal["terminal", "junction", "compressor", "refinery", "field", "station", "city"]
    lon: float | None = Field(ge=-180, le=180)
    lat: float | None = Field(ge=-90, le=90)
    precision: str | None  # the research's note on the coordinate (data, not shown)
    location: Location | None = None
    location_note: str | None = None  # where it is, in words, when the map cannot show it
    facts: dict[str, str | float]
    sources: list[Source] = Field(min_length=1)
    proxy_points: list[dict[str, Any]] = []
    label: str | None = None
    milestones: list[Milestone] = []  # empty: there throughout (a town)
    short_name: str | None = None  # its panel's heading, where ``name`` says more

    @property
    def heading(self) -> str:
        """The facility's name as its panel heads with it: short enough for a phone."""
        return self.short_name or self.name

    def name_in(self, lang: str) -> str:
        """Its name in ``lang``, as a source gives it; the English name where none does."""
        local = {"tr": self.name_tr, "az": self.name_az}.get(lang)
        return self.name if local is None else local.name


class Facilities(_Model):
    file: Annotated[str, Field(pattern=r"^[a-z0-9_/]+\.geojson$")]
    items: list[Facility]


class Outcome(_Model):
    value: float
    unit: Text
    source: Source
    note: str | None = None


class PlannedFigure(_Model):
    value: float
    unit: Text
    what: Text
    source: Source
    note: str | None = None


class Caveat(_Model):
    """What the sources say against a figure's wording."""

    text: Text
    sources: list[Source] = Field(min_length=1)


class ContextFigure(_Model):
    id: Identifier
    text: Text
    value: float
    unit: Text
    year: int
    source: Source
    support_level: Text
    alternatives: list[Alternative] = []
    note: str | None = None
    outcome: Outcome | None = None
    caveat: Caveat | None = None


class GasExportYear(_Model):
    year: int = Field(ge=1900, le=2100)
    to_turkiye_bcm: float | None
    to_europe_bcm: float | None
    to_georgia_bcm: float | None
    total_exports_bcm: float | None
    to_turkiye_via_tanap_bcm: float | None
    to_syria_bcm: float | None = None
    sources: list[Source] = Field(min_length=1)
    note: str | None = None


class Agreement(_Model):
    id: Identifier
    title: Text
    date: PartialDate
    status: Text
    sources: list[Source] = Field(min_length=1)
    place: str | None = None
    capacity_mw: float | None = None
    parties: list[str] = []
    purpose: str | None = None
    related: list[PlannedFigure] = []
    note: str | None = None


class Attribution(_Model):
    text: Text
    short: str | None = None
    licence: Text
    url: Url


class Catalog(_Model):
    """Everything the atlas shows, validated."""

    schema_version: Literal[1]
    as_of: PartialDate
    as_of_note: str
    method: str
    attribution: list[Attribution] = Field(min_length=1)
    basemap: dict[str, str]
    routes: list[Route]
    facilities: Facilities
    context_figures: list[ContextFigure]
    gas_exports_azerbaijan: list[GasExportYear]
    gas_exports_cumulative: list[PeriodVolume]
    related_agreements: list[Agreement]
    gaps: list[str]
    source_reliability_notes: list[str]
    country_names: dict[str, Text] = {}
    country_codes: dict[str, Text] = {}
    """The country codes the routes' facts use (ISO 3166-1 alpha-3), with each country's
    name for readers: ``{"TUR": "Türkiye"}``."""
    place_names: dict[str, Text] = {}
    local_names: dict[Text, dict[LocalLang, LocalName]] = {}
    """The Turkish and Azerbaijani names of the texts the map writes (route ends, facility
    labels, places, countries), keyed by the English text, each with its source."""

    def local_name(self, text: str, lang: str) -> str:
        """``text`` (a name the map writes) in ``lang``; as it is where no source names it."""
        local = self.local_names.get(text, {}).get(lang)  # type: ignore[call-overload]
        return text if local is None else local.name

    def route(self, route_id: str) -> Route:
        """The route with this id; ``KeyError`` naming the known ids otherwise."""
        for route in self.routes:
            if route.id == route_id:
                return route
        known = ", ".join(r.id for r in self.routes)
        raise KeyError(f"no route {route_id!r} in the catalog; known: {known}")

    @property
    def route_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.routes)


def _problems_from(err: ValidationError, file: str, feature: str | None,
                   prefix: Sequence[str | int] = ()) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = [*prefix, *e["loc"]]
        field = ".".join(str(p) for p in loc) or None
        value = e.get("input")
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        hint = "" if e["type"] == "missing" else f" (got {shown})"
        problems.append(Problem(file, f"{e['msg']}{hint}", feature=feature, field=field))
    return problems


def _entry_name(entry: object, index: int) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
        return entry["id"]
    return f"#{index}"


def load_catalog(geo_dir: Path, *, strict: bool = True) -> tuple[Catalog | None, list[Problem]]:
    """
    Read and validate ``geo_dir / "catalog.json"``.

    Parameters
    ----------
    geo_dir
        Folder that holds ``catalog.json``.
    strict
        Raise on any problem. With ``strict=False``, route entries that fail are
        dropped and reported, and the rest of the catalog is returned.

    Returns
    -------
    tuple
        The catalog (``None`` if nothing usable was found) and the problems.

    Raises
    ------
    CatalogError
        With ``strict=True``, listing every problem found.
    """
    path = Path(geo_dir) / CATALOG_FILE
    file = f"{Path(geo_dir).name}/{CATALOG_FILE}"
    problems: list[Problem] = []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(file, "file not found; run `python scripts/build_geo.py`"))
    except UnicodeDecodeError as err:
        problems.append(Problem(file, f"not UTF-8 text ({err.reason} at byte {err.start})"))
    except json.JSONDecodeError as err:
        problems.append(Problem(file, f"not valid JSON: {err.msg} at line {err.lineno}, "
                                      f"column {err.colno}"))
    if problems:
        if strict:
            raise CatalogError(problems)
        return None, problems
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"expected a JSON object, got {type(raw).__name__}"))
        if strict:
            raise CatalogError(problems)
        return None, problems

    good_routes: list[Route] = []
    seen: set[str] = set()
    routes_raw = raw.get("routes", [])
    if not isinstance(routes_raw, list):
        problems.append(Problem(file, "expected a list", field="routes"))
        routes_raw = []
    for i, entry in enumerate(routes_raw):
        name = _entry_name(entry, i)
        try:
            route = Route.model_validate(entry)
        except ValidationError as err:
            problems.extend(_problems_from(err, file, name, ("routes", i)))
            continue
        if route.id in seen:
            problems.append(Problem(file, f"duplicate route id {route.id!r}; ids must be unique",
                                    feature=name, field=f"routes.{i}.id"))
            continue
        if route.facts.id != route.id:
            problems.append(Problem(file, f"facts.id {route.facts.id!r} differs from id "
                                          f"{route.id!r}", feature=name,
                                    field=f"routes.{i}.facts.id"))
            continue
        seen.add(route.id)
        good_routes.append(route)

    rest = {k: v for k, v in raw.items() if k != "routes"}
    try:
        catalog = Catalog.model_validate({**rest, "routes": []}).model_copy(
            update={"routes": good_routes})
    except ValidationError as err:
        problems.extend(_problems_from(err, file, None))
        catalog = None
    if catalog is not None:
        fac_ids = [f.id for f in catalog.facilities.items]
        for dup in sorted({i for i in fac_ids if fac_ids.count(i) > 1}):
            problems.append(Problem(file, f"duplicate facility id {dup!r}", feature=dup,
                                    field="facilities.items"))
    if problems and strict:
        raise CatalogError(problems)
    return catalog, problems
