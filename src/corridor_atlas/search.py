"""Find a route or a facility by any of its names, in English, Turkish or Azerbaijani.

Names and queries are compared by a folded key (:func:`fold`): case, diacritics,
dashes and punctuation do not matter, so ``"BAKU–TBİLİSİ"``, ``"baku tbilisi"`` and
``"Bakı-Tbilisi"`` are the same text, and so are ``"Iğdır"`` and ``"igdir"``.

Spellings that differ by transliteration rather than by accents are matched
through a second, looser key (:func:`variants`): the Azerbaijani ``x`` and the
English ``kh`` (``Naxçıvan`` / ``Nakhchivan``), ``q`` and ``k`` (``Qars`` / ``Kars``),
``ç`` / ``ch`` and ``ş`` / ``sh``. That key is only ever compared with the same key
of a name, and a match through it ranks just below the same kind of match through
the main key, so the main key stays exact.

:func:`build_index` collects every name of every route (English, short, Turkish,
Azerbaijani, the facts' name and its aliases) and of every facility, with the
extent to zoom to; :meth:`SearchIndex.search` ranks them for a query. Matching is the
same in every language; a hit carries its name in each (:meth:`Hit.label_in`), and
:func:`hit_text` and :func:`pick_note` say what the sidebar shows of it in the reader's
language. The module knows nothing about the user interface.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from babel.lists import format_list

from . import i18n
from .i18n.languages import language
from .layers import Atlas

BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)
HitKind = Literal["route", "facility"]

#: Queries shorter than this (folded, spaces not counted) find nothing.
MIN_QUERY_CHARS = 2
#: Queries longer than this (folded) find nothing.
MAX_QUERY_CHARS = 100
#: Half the side of the box around a facility point, in degrees.
FACILITY_PAD_DEG = 0.1

# Scores: one band per kind of match, so a better kind always ranks higher.
_EXACT, _WORD_PREFIX, _SUBSTRING, _ALL_WORDS = 1.0, 0.7, 0.5, 0.3
_COVERAGE_WEIGHT = 0.1  # more of the name matched ranks higher within a band
_START_BONUS = 0.04  # the name begins with the query
_LOOSE_PENALTY = 0.05  # matched only through the transliteration key

# Letters that Unicode decomposition leaves alone (or that casefold oddly).
_LETTERS = str.maketrans({
    "ı": "i",  # Turkish/Azerbaijani dotless i
    "ə": "e",  # Azerbaijani schwa (Ə casefolds to ə)
    "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th",
})
# Transliteration pairs, applied in this order to a folded key.
_LOOSE_RULES = (("kh", "x"), ("ch", "c"), ("sh", "s"), ("k", "q"))
_SPACES = re.compile(r"\s+")
# A trailing language tag: "… (TR)", or "… (BTQ, AZ)" keeping "(BTQ)".
_LANG_ONLY = re.compile(r"\s*\((?:[A-Z]{2})\)\s*$")
_LANG_AFTER = re.compile(r",\s*[A-Z]{2}\)\s*$")
_MAX_RAW_QUERY = 10 * MAX_QUERY_CHARS  # don't fold megabytes only to reject them


def fold(text: str) -> str:
    """
    The comparison key of a text: case, accents, dashes and punctuation removed.

    ``casefold`` first, then ``ı``/``İ`` become ``i`` (``"İ".casefold()`` is ``i`` plus a
    combining dot, which goes with the other combining marks) and ``ə``/``Ə`` ``e``;
    NFKD splits ``ğ ş ç ö ü â`` into a base letter and a mark, and the marks are
    dropped. Anything that is not a letter or a digit (dashes ``– — ‑``, slashes,
    brackets, underscores) becomes a space, and runs of spaces become one.

    >>> fold("Bakı–Tbilisi–Ərzurum")
    'baki tbilisi erzurum'
    >>> fold("İĞDIR")
    'igdir'
    """
    # NFKD first, so compatibility forms (ℌ, ᵊ, 𝚤) become the letters the rest maps
    text = unicodedata.normalize("NFKD", text).casefold().translate(_LETTERS)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def _loosen(key: str) -> str:
    for old, new in _LOOSE_RULES:
        key = key.replace(old, new)
    return key


def variants(text: str) -> tuple[str, ...]:
    """
    The folded key of ``text``, then its transliteration-neutral key if that differs.

    The second key rewrites the folded text ``kh`` → ``x``, ``ch`` → ``c``,
    ``sh`` → ``s`` and then ``k`` → ``q``, so the English, Turkish and Azerbaijani
    spellings of one place meet: ``nakhchivan``, ``nakhcivan`` and ``naxcivan`` all
    become ``naxcivan``; ``kars`` and ``qars`` become ``qars``. It is not a spelling
    of anything and is only compared with the same key of another text.

    >>> variants("Nakhchivan")
    ('nakhchivan', 'naxcivan')
    >>> variants("Tbilisi")
    ('tbilisi',)
    """
    key = fold(text)
    loose = _loosen(key)
    return (key,) if loose == key else (key, loose)


def strip_language(name: str) -> str:
    """
    A name without its trailing language tag.

    ``"X (TR)"`` becomes ``"X"`` and ``"X (BTQ, AZ)"`` becomes ``"X (BTQ)"``; any two
    capital letters count as a tag, as in the catalog's aliases.
    """
    name = _LANG_ONLY.sub("", name)
    return _LANG_AFTER.sub(")", name).strip()


@dataclass(frozen=True)
class Hit:
    """One thing found: a route or a facility, the name that matched, where it is."""

    kind: HitKind
    id: str
    label: str  # display name, in English
    matched: str  # the name that matched, as spelled in the catalog
    score: float
    bbox: BBox | None  # west, south, east, north; None when it has no geometry
    proxies: tuple[str, ...] = ()  # the box is around these places: its own is not sourced
    # its name and its proxies' names in the other languages: (lang, name, proxies)
    local: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def label_in(self, lang: str) -> str:
        """Its name in ``lang`` (the route's or facility's own, from the catalog)."""
        return next((name for code, name, _ in self.local if code == lang), self.label)

    def proxies_in(self, lang: str) -> tuple[str, ...]:
        """The places standing in for its location, named in ``lang`` where a source
        names them."""
        return next((names for code, _, names in self.local if code == lang), self.proxies)


@dataclass(frozen=True)
class _Entry:
    kind: HitKind
    id: str
    label: str
    name: str
    key: str
    loose: str
    bbox: BBox | None
    order: int  # position among the names of its item: the earlier, the preferred
    proxies: tuple[str, ...] = ()
    local: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def _band(query: str, key: str) -> float | None:
    """The score of ``query`` against one name ``key`` (both folded), or None."""
    if not key:
        return None
    if query == key:
        return _EXACT
    coverage = _COVERAGE_WEIGHT * min(1.0, len(query) / len(key))
    if (" " + key).find(" " + query) >= 0:
        return _WORD_PREFIX + coverage + (_START_BONUS if key.startswith(query) else 0.0)
    if query in key:
        return _SUBSTRING + coverage
    words = query.split()
    if len(words) > 1 and all(w in key for w in words):
        return _ALL_WORDS + coverage
    return None


@dataclass(frozen=True)
class SearchIndex:
    """Every searchable name of an atlas; build it with :func:`build_index`."""

    entries: tuple[_Entry, ...]

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, *, limit: int = 8) -> list[Hit]:
        """
        The routes and facilities whose names match ``query``, best first.

        Parameters
        ----------
        query
            Free text in any of the catalog's languages; case, accents, dashes and
            the usual transliterations do not matter.
        limit
            At most this many hits.

        Returns
        -------
        list[Hit]
            One hit per route or facility, for its best-matching name. An exact
            name ranks above a name with a word starting with the query, above a
            name containing it, above a name containing all its words in any
            order. Ties go by score, then routes before facilities, then label.
            Empty for a query of fewer than 2 or more than 100 folded characters.
        """
        if not isinstance(query, str) or limit < 1 or len(query) > _MAX_RAW_QUERY:
            return []
        key = fold(query)
        if len(key.replace(" ", "")) < MIN_QUERY_CHARS or len(key) > MAX_QUERY_CHARS:
            return []
        loose = _loosen(key)
        best: dict[tuple[str, str], tuple[float, int, _Entry]] = {}
        for entry in self.entries:
            score = _band(key, entry.key)
            loose_score = _band(loose, entry.loose)
            if loose_score is not None:
                loose_score -= _LOOSE_PENALTY
                if score is None or loose_score > score:
                    score = loose_score
            if score is None:
                continue
            score = round(score, 4)
            ident = (entry.kind, entry.id)
            held = best.get(ident)
            if held is None or (score, -entry.order) > (held[0], -held[1]):
                best[ident] = (score, entry.order, entry)
        hits = [Hit(e.kind, e.id, e.label, e.name, score, e.bbox, e.proxies, e.local)
                for score, _, e in best.values()]
        hits.sort(key=lambda h: (-h.score, h.kind != "route", fold(h.label), h.label, h.id))
        return hits[:limit]


def _finite_bbox(bounds: Iterable[float]) -> BBox | None:
    w, s, e, n = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        return None
    return (w, s, e, n)


def _point_bbox(lon: float, lat: float) -> BBox:
    pad = FACILITY_PAD_DEG
    return (max(-180.0, lon - pad), max(-90.0, lat - pad),
            min(180.0, lon + pad), min(90.0, lat + pad))


def _route_bbox(atlas: Atlas, route_id: str) -> BBox | None:
    gdf = atlas.routes.get(route_id)
    if gdf is None or gdf.empty:
        return None
    return _finite_bbox(gdf.total_bounds)


def _facility_bboxes(atlas: Atlas) -> dict[str, BBox]:
    """Boxes around the drawn facility points, by facility id."""
    gdf = atlas.facilities
    if gdf is None or gdf.empty:
        return {}
    ids = gdf["facility_id"] if "facility_id" in gdf else gdf["feature_id"]
    boxes: dict[str, BBox] = {}
    for fid, geom in zip(ids, gdf.geometry, strict=True):
        if fid is None or geom is None or geom.is_empty:
            continue
        bounds = _finite_bbox(geom.bounds)
        if bounds is None:
            continue
        w, s, e, n = bounds
        box = _point_bbox((w + e) / 2, (s + n) / 2) if (w, s) == (e, n) else bounds
        old = boxes.get(str(fid))
        if old is not None:
            box = (min(old[0], box[0]), min(old[1], box[1]),
                   max(old[2], box[2]), max(old[3], box[3]))
        boxes[str(fid)] = box
    return boxes


def _proxy_bbox(facility: Any) -> tuple[BBox | None, tuple[str, ...]]:
    """The box around a facility's sourced proxy points (nearby towns standing in for a
    location no source gives), and their names; ``(None, ())`` without any."""
    points = []
    for proxy in facility.proxy_points:
        try:
            lon, lat = float(proxy["lon"]), float(proxy["lat"])
        except (KeyError, TypeError, ValueError):
            continue
        if math.isfinite(lon) and math.isfinite(lat) and proxy.get("source"):
            points.append((lon, lat, str(proxy.get("name") or "")))
    if not points:
        return None, ()
    boxes = [_point_bbox(lon, lat) for lon, lat, _ in points]
    return ((min(b[0] for b in boxes), min(b[1] for b in boxes),
             max(b[2] for b in boxes), max(b[3] for b in boxes)),
            tuple(name for *_, name in points if name))


def _entries_for(kind: HitKind, item_id: str, label: str, names: Iterable[str],
                 bbox: BBox | None, proxies: tuple[str, ...] = (),
                 local: tuple[tuple[str, str, tuple[str, ...]], ...] = ()) -> list[_Entry]:
    entries: list[_Entry] = []
    seen: set[str] = set()
    for name in names:
        name = strip_language(name or "")
        key = fold(name)
        if not key or key in seen:
            continue
        seen.add(key)
        entries.append(_Entry(kind, item_id, label, name, key, _loosen(key), bbox,
                              len(entries), proxies, local))
    return entries


def build_index(atlas: Atlas) -> SearchIndex:
    """
    Index every name of every route and facility in the atlas's catalog.

    Routes: name, short name, Turkish and Azerbaijani names, the facts' name and
    each alias (language tag such as ``" (TR)"`` removed); the box is the extent of
    the drawn route, ``None`` if its layer did not load. Facilities: name and id
    (underscores as spaces; a match on the id shows the name); the box is a small
    square around the drawn point, or around the catalog's coordinates, or around
    the sourced proxy points that stand in for a location no source gives (the hit
    names them), ``None`` if it has none.
    """
    catalog = atlas.catalog
    if catalog is None:
        return SearchIndex(())
    entries: list[_Entry] = []
    for route in catalog.routes:
        names = [route.name, route.short_name, route.name_tr, route.name_az,
                 route.facts.name, *route.facts.aliases]
        local = tuple((lang, route.name_in(lang), ()) for lang in _OTHER_LANGS)
        entries += _entries_for("route", route.id, route.name, names,
                                _route_bbox(atlas, route.id), local=local)
    drawn = _facility_bboxes(atlas)
    for facility in catalog.facilities.items:
        bbox = drawn.get(facility.id)
        proxies: tuple[str, ...] = ()
        if bbox is None and facility.lon is not None and facility.lat is not None:
            bbox = _point_bbox(facility.lon, facility.lat)
        if bbox is None:
            bbox, proxies = _proxy_bbox(facility)
        id_words = facility.id.replace("_", " ")
        # its id finds it too, but a match on it shows the facility's name: ids are no
        # words for readers
        local = tuple((lang, facility.name_in(lang),
                       tuple(catalog.local_name(p, lang) for p in proxies))
                      for lang in _OTHER_LANGS)
        entries += [replace(e, name=facility.name) if e.name == id_words else e
                    for e in _entries_for("facility", facility.id, facility.name,
                                          [facility.name, id_words], bbox, proxies, local)]
    return SearchIndex(tuple(entries))


_OTHER_LANGS = tuple(code for code in i18n.LANGUAGES if code != i18n.DEFAULT)


def hit_text(hit: Hit, lang: str = "en") -> str:
    """
    A hit as the sidebar lists it: its name in ``lang``, then the name that matched in
    quotes when that is another (``Kars–Nakhchivan railway — “Qars–Naxçıvan”``). Plain
    text: escape it for the medium.
    """
    label = hit.label_in(lang)
    return label if hit.matched == label else f"{label} — “{hit.matched}”"


def _and(names: Iterable[str], lang: str) -> str:
    """Names joined as ``lang`` joins a list: ``A and B``, ``A ve B``, ``A və B``."""
    names = list(names)
    if language(lang).code == "en":
        return " and ".join(names)
    return format_list(names, locale=language(lang).locale)


def pick_note(hit: Hit, lang: str = "en") -> str | None:
    """
    What the sidebar says after ``hit`` is picked, in ``lang``: that no source locates it
    (and what the map shows instead), or ``None`` when the map shows where it is. Plain
    text: escape it for the medium.
    """
    tr = i18n.translator(lang)
    if hit.bbox is None:
        return tr.gettext("No source gives the location of {name}, so the map stays where "
                          "it is.").format(name=hit.label_in(lang))
    if hit.proxies:
        return tr.gettext("No source gives the location of {name} itself: the map shows the "
                          "area of {places}, which stand in for it.").format(
            name=hit.label_in(lang), places=_and(hit.proxies_in(lang), lang))
    return None
