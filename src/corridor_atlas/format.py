"""Numbers as readers read them: thousands separators, no false precision, units."""

from __future__ import annotations

import math

__all__ = ["number", "percent", "quantity"]


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


def quantity(value: float, unit: str, *, sig: int | None = None) -> str:
    """``number(value) unit``: ``'19.7 bcm/y'``."""
    return f"{number(value, sig=sig)} {unit}"


def percent(fraction: float) -> str:
    """``0.512`` → ``'51%'``."""
    return f"{fraction * 100:,.0f}%"
