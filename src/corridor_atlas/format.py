"""Numbers as readers read them: thousands separators, no false precision, units."""

from __future__ import annotations

import math

__all__ = ["date", "number", "percent", "published", "quantity"]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def number(value: float, *, sig: int | None = None) -> str:
    """
    ``value`` with thousands separators, rounded to ``sig`` significant digits if given.

    >>> number(614764.38, sig=3)
    '615,000'
    >>> number(0.05)
    '0.05'
    >>> number(23.144, sig=3)
    '23.1'
    >>> number(10.0, sig=3)
    '10'
    """
    if not math.isfinite(value):
        return str(value)
    if sig is not None and value != 0:
        digits = sig - 1 - math.floor(math.log10(abs(value)))
        value = round(value, digits)
        decimals = max(digits, 0)
    else:
        decimals = 0 if float(value).is_integer() else len(f"{value:.10f}".rstrip("0")
                                                             .split(".")[1])
    text = f"{value:,.{decimals}f}"
    if sig is not None and "." in text:  # significant digits, not trailing zeros
        text = text.rstrip("0").rstrip(".")
    return text


def published(value: float) -> str:
    """
    A number as written in a source, every digit kept and no separators.

    >>> published(1768.0), published(1.2), published(4000.232552)
    ('1768', '1.2', '4000.232552')
    """
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def quantity(value: float, unit: str, *, sig: int | None = None) -> str:
    """``number(value) unit``: ``'19.7 bcm/y'``."""
    return f"{number(value, sig=sig)} {unit}"


def percent(fraction: float) -> str:
    """``0.512`` → ``'51%'``."""
    return f"{fraction * 100:,.0f}%"


def date(text: str) -> str:
    """
    An ISO date, whole or partial, as readers write it.

    >>> date("2023-05-24")
    '24 May 2023'
    >>> date("2008-07")
    'July 2008'
    >>> date("2004")
    '2004'
    """
    parts = text.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"
