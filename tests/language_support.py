"""What the whole-page language tests (tests/test_app_languages.py, AppTest, and
tests/test_browser_languages.py, Chromium) may find untranslated on a page: the data's
own texts, the atlas's own name and the symbols every language writes alike."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from typing import Any

from corridor_atlas import i18n
from corridor_atlas.catalog import Catalog

# The atlas's own name, the languages' names in themselves, symbols and format names.
OWN_WORDS = ["Corridor Atlas", *(lang.native for lang in i18n.LANGUAGES.values()),
             "km", "m²", "bcm", "A4", "PNG", "PDF", "SVG", "HTML", "GeoJSON", "CSV", "KML"]
# The pseudo-locale writes dates as English does (Babel's month names, not messages), and
# its picker names it by its code.
PSEUDO_WORDS = [i18n.PSEUDO, *(calendar.month_name[m] for m in range(1, 13)),
                *(calendar.month_abbr[m] for m in range(1, 13))]


def strings(value: Any) -> Iterator[str]:
    """Every text in a nested value (dicts, lists, …)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, Iterable):
        for item in value:
            yield from strings(item)


def data_texts(catalog: Catalog) -> list[str]:
    """The data's own texts, which a page may show as they are (names, notes and sources'
    titles as their sources write them), with :data:`OWN_WORDS` and
    :data:`PSEUDO_WORDS`."""
    return [*strings(catalog.model_dump(mode="json")), *OWN_WORDS, *PSEUDO_WORDS]
