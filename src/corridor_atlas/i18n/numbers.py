"""Numbers, percentages and dates in the reader's convention, through Babel (CLDR).

The same rules as :mod:`corridor_atlas.format` (thousands separators, no false
precision, dates whole or partial), written the way each language writes them:
``1,768`` / ``1.768`` / ``1.768``, ``11.2`` / ``11,2`` / ``11,2``, ``87%`` / ``%87`` /
``87%``, ``24 May 2023`` / ``24 Mayıs 2023`` / ``24 may 2023``.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from .languages import language
from .translate import translator
from .units import unit

__all__ = ["date", "number", "percent", "quantity"]


def _decimals(value: float, sig: int | None) -> tuple[float, int]:
    """``value`` rounded to ``sig`` significant digits, and the decimals to write."""
    if sig is not None and value != 0:
        digits = sig - 1 - math.floor(math.log10(abs(value)))
        value = round(value, digits)
        text = f"{value:.{max(digits, 0)}f}"
    else:
        text = f"{value:.10f}"
    decimals = text.rstrip("0").partition(".")[2] if "." in text else ""
    return value, len(decimals)


def number(value: float, lang: str, *, sig: int | None = None,
           places: int | None = None) -> str:
    """
    ``value`` with ``lang``'s separators, rounded to ``sig`` significant digits if given,
    or written with exactly ``places`` decimals.

    >>> number(1768, "en"), number(1768, "tr"), number(1768, "az")
    ('1,768', '1.768', '1.768')
    >>> number(11.2, "tr"), number(614764.38, "az", sig=3), number(4000.232552, "en")
    ('11,2', '615.000', '4,000.232552')
    >>> number(41.1, "tr", places=2), number(41.1, "en", places=2)
    ('41,10', '41.10')
    """
    if not math.isfinite(value):
        return str(value)
    if places is not None:
        value, decimals = round(float(value), places), places
    else:
        value, decimals = _decimals(float(value), sig)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=language(lang).locale)


def percent(fraction: float, lang: str) -> str:
    """
    A share as a whole percentage.

    >>> percent(0.512, "en"), percent(0.512, "tr"), percent(0.512, "az")
    ('51%', '%51', '51%')
    """
    return format_percent(fraction, locale=language(lang).locale)


def quantity(value: float, unit_key: str, lang: str, *, sig: int | None = None) -> str:
    """
    A number and its unit, both in ``lang``.

    >>> quantity(1768, "km", "tr"), quantity(11.2, "bcm/y", "az")
    ('1.768 km', '11,2 mlrd m³/il')
    """
    return f"{number(value, lang, sig=sig)} {unit(unit_key, translator(lang))}"


def date(text: str, lang: str) -> str:
    """
    An ISO date, whole (``2023-05-24``) or partial (``2008-07``, ``2004``), in ``lang``.

    >>> date("2023-05-24", "en"), date("2023-05-24", "tr"), date("2023-05-24", "az")
    ('24 May 2023', '24 Mayıs 2023', '24 may 2023')
    >>> date("2008-07", "tr"), date("2004", "az")
    ('Temmuz 2008', '2004')
    """
    parts = [int(p) for p in text.split("-")]
    locale = language(lang).locale
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=locale)
    return format_date(dt.date(*parts), format="long", locale=locale)
