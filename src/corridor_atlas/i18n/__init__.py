"""The atlas in English, Turkish and Azerbaijani.

- :mod:`.languages`: the languages (:data:`Lang`), and choosing one (:func:`choose`) from
  a ``lang`` value or the browser's locale;
- :mod:`.translate`: :func:`translator`, gettext bound to a language, from the compiled
  catalogs in ``locales/``;
- :mod:`.numbers`: numbers, percentages, quantities and dates through Babel;
- :mod:`.units`: units in the reader's language;
- :mod:`.case`: upper and lower case with Turkish and Azerbaijani İ/ı;
- :mod:`.pseudo`: the pseudo-locale that marks every translated message, and
  :func:`unmarked`, which finds text that was not translated.

Like the rest of the library, nothing here imports Streamlit.
"""

from __future__ import annotations

from .case import lower, upper
from .languages import DEFAULT, LANGUAGES, PSEUDO, Choice, Lang, Language, choose, parse_lang
from .numbers import date, number, percent, quantity
from .pseudo import unmarked
from .translate import N_, NC_, CatalogMissingError, Translator, translator
from .units import UNITS, unit

__all__ = [
           "DEFAULT",
           "LANGUAGES",
           "NC_",
           "N_",
           "PSEUDO",
           "UNITS",
           "CatalogMissingError",
           "Choice",
           "Lang",
           "Language",
           "Translator",
           "choose",
           "date",
           "lower",
           "number",
           "parse_lang",
           "percent",
           "quantity",
           "translator",
           "unit",
           "unmarked",
           "upper",
]
