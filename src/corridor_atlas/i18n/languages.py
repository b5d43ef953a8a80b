"""The atlas's languages, and which one a reader gets.

A language is chosen from the ``lang`` value of a shared link (``lang=tr``), else from
the browser's language (``tr-TR``, ``az-Latn-AZ``), else English. A value the atlas has
no language for gives English, with :attr:`Choice.fell_back` set so the app can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from babel import Locale, UnknownLocaleError

from .markers import N_

__all__ = ["DEFAULT", "LANGUAGES", "PICKER_LABEL", "PSEUDO", "UNKNOWN_NOTICE", "Choice",
           "Lang", "Language", "choose", "language", "parse_lang"]

Lang = Literal["en", "tr", "az"]
"""A language readers can pick."""

PSEUDO = "qps"
"""The pseudo-locale: English with every translated string marked (see
:mod:`corridor_atlas.i18n.pseudo`). For tests; never offered to readers."""

DEFAULT: Lang = "en"

PICKER_LABEL = N_("Language")
"""The label of the language picker."""

UNKNOWN_NOTICE = N_("The link asks for the language “{asked}”, which the atlas does not "
                    "have; it is shown in English.")
"""The notice when a ``lang`` value names no language of the atlas (``{asked}``: the value,
escaped by the caller)."""


@dataclass(frozen=True)
class Language:
    """A language of the interface."""

    code: Lang
    native: str  # its name in itself, as the picker lists it
    locale: str  # the Babel locale numbers and dates are written in


LANGUAGES: dict[Lang, Language] = {
    "en": Language("en", "English", "en_GB"),
    "tr": Language("tr", "Türkçe", "tr_TR"),
    "az": Language("az", "Azərbaycanca", "az_Latn_AZ"),
}
assert tuple(LANGUAGES) == get_args(Lang)


def language(code: str) -> Language:
    """The language ``code`` (``en``, ``tr``, ``az``, or :data:`PSEUDO`, written as
    English)."""
    if code == PSEUDO:
        return Language(DEFAULT, "English (pseudo)", LANGUAGES[DEFAULT].locale)
    return LANGUAGES[code]  # type: ignore[index]


def parse_lang(value: str | None) -> Lang | None:
    """
    The language a ``lang`` value or a browser locale names, or ``None``.

    >>> parse_lang("tr-TR"), parse_lang("az-Latn-AZ"), parse_lang("AZ"), parse_lang("de")
    ('tr', 'az', 'az', None)
    """
    if not value or not value.strip():
        return None
    text = value.strip().replace("-", "_")
    try:
        code = Locale.parse(text).language
    except (ValueError, TypeError, UnknownLocaleError):
        code = text.split("_", 1)[0].lower()
    return code if code in LANGUAGES else None  # type: ignore[return-value]


@dataclass(frozen=True)
class Choice:
    """The language chosen, where it came from, and whether a value asked for was unknown.

    ``source`` is ``"url"`` (the ``lang`` value), ``"browser"`` (the browser's language)
    or ``"default"``. ``fell_back`` is true when a ``lang`` value was given that the atlas
    has no language for (``asked`` holds it): the reader gets English and a notice.
    """

    lang: str  # a Lang, or PSEUDO when asked for by URL
    source: Literal["url", "browser", "default"]
    fell_back: bool = False
    asked: str | None = None


def choose(lang_value: str | None, browser_locale: str | None = None) -> Choice:
    """
    The language for a reader: the URL's ``lang`` value if it names one, else the
    browser's locale, else English.

    >>> choose("tr", "az-AZ").lang, choose(None, "az-Latn-AZ").lang, choose(None, None).lang
    ('tr', 'az', 'en')
    >>> choose("xx", "tr-TR")
    Choice(lang='en', source='url', fell_back=True, asked='xx')
    """
    if lang_value is not None and lang_value.strip():
        asked = lang_value.strip()
        if asked.lower() == PSEUDO:
            return Choice(PSEUDO, "url")
        lang = parse_lang(asked)
        if lang is None:
            return Choice(DEFAULT, "url", fell_back=True, asked=asked)
        return Choice(lang, "url")
    lang = parse_lang(browser_locale)
    if lang is not None:
        return Choice(lang, "browser")
    return Choice(DEFAULT, "default")
