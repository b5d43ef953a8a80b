"""Messages in the reader's language, from the compiled gettext catalogs.

The catalogs are ``locales/<lang>/LC_MESSAGES/corridor_atlas.po`` beside this module,
compiled to ``.mo`` files by the build (``make`` in a checkout, the wheel's build step
when installed; never by hand). English is the language of the code: its messages are
their own translation. The pseudo-locale :data:`~.languages.PSEUDO` returns every
message of the template marked (see :mod:`.pseudo`).

Strings are marked for extraction (``make messages``) by the calls below, written with
a literal: ``tr.gettext("Layers")``, ``tr.ngettext("{n} route", "{n} routes", n)``,
``tr.pgettext("unit", "km")``; a string defined before a translator is at hand is marked
with :func:`N_` (or :func:`NC_` with a context) and translated where it is shown.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass, field
from pathlib import Path

from .languages import DEFAULT, PSEUDO, language
from .markers import N_, NC_

__all__ = ["DOMAIN", "LOCALES", "NC_", "N_", "CatalogMissingError", "Translator", "translator"]

DOMAIN = "corridor_atlas"
LOCALES = Path(__file__).resolve().parent / "locales"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"


class CatalogMissingError(FileNotFoundError):
    """A language's catalog is not compiled (run ``make`` or reinstall the package)."""


@dataclass(frozen=True)
class Translator:
    """gettext, ngettext and pgettext bound to one language."""

    lang: str
    locale: str  # the Babel locale for numbers and dates
    catalog: gettext.NullTranslations = field(repr=False, compare=False)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.catalog.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.catalog.npgettext(context, singular, plural, n)


def mo_path(lang: str) -> Path:
    """Where ``lang``'s compiled catalog is."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@functools.cache
def translator(lang: str = DEFAULT) -> Translator:
    """
    The translator for ``lang`` (``en``, ``tr``, ``az`` or the pseudo-locale).

    Raises :class:`KeyError` for a language the atlas does not have (choose one with
    :func:`~.languages.choose` first) and :class:`CatalogMissingError` when its catalog was
    not compiled.
    """
    lang_info = language(lang)
    if lang == PSEUDO:
        from .pseudo import pseudo_catalog

        return Translator(PSEUDO, lang_info.locale, pseudo_catalog(TEMPLATE))
    if lang == DEFAULT:
        return Translator(lang, lang_info.locale, gettext.NullTranslations())
    path = mo_path(lang)
    try:
        with path.open("rb") as fp:
            catalog = gettext.GNUTranslations(fp)
    except FileNotFoundError as err:
        raise CatalogMissingError(
            f"the {lang_info.native} catalog is not compiled ({path} is missing): run "
            "`make messages-compile` in a checkout, or reinstall the package") from err
    return Translator(lang, lang_info.locale, catalog)
