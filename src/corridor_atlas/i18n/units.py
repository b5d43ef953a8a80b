"""Units in the reader's language: ``bcm/y`` → ``milyar m³/yıl`` (tr), ``mlrd m³/il`` (az).

The keys are the units the catalog and the flows write (``bcm/y``, ``million bbl/day``,
``Mt/y``, ``bbl/d``, ``km``…); each is a message in the ``unit`` context, so its
translations live in the catalogs with every other message, in the terms of
``docs/glossary.md``. A unit not listed is shown as the data writes it.
"""

from __future__ import annotations

from typing import Protocol

from .markers import NC_

__all__ = ["UNITS", "unit"]


class _Translates(Protocol):
    def pgettext(self, context: str, message: str) -> str: ...


UNITS: dict[str, str] = {
    # length and size
    "km": NC_("unit", "km"),
    "in": NC_("unit", "in"),
    "ha": NC_("unit", "ha"),
    "m": NC_("unit", "m"),
    "m²": NC_("unit", "m²"),
    # gas
    "bcm": NC_("unit", "bcm"),
    "bcm/y": NC_("unit", "bcm/y"),
    "mcm/day": NC_("unit", "mcm/day"),
    # oil
    "bbl/d": NC_("unit", "bbl/d"),
    "million bbl": NC_("unit", "million bbl"),
    "million bbl/day": NC_("unit", "million bbl/day"),
    "thousand bbl/day": NC_("unit", "thousand bbl/day"),
    # freight and mass
    "t": NC_("unit", "t"),
    "Mt": NC_("unit", "Mt"),
    "Mt/y": NC_("unit", "Mt/y"),
    "TEU": NC_("unit", "TEU"),
    "containers": NC_("unit", "containers"),
    "million passengers/y": NC_("unit", "million passengers/y"),
    # power
    "MW": NC_("unit", "MW"),
    "GW": NC_("unit", "GW"),
    "TWh": NC_("unit", "TWh"),
    "TWh (million MWh)": NC_("unit", "TWh (million MWh)"),
    # money
    "million USD": NC_("unit", "million USD"),
    "billion USD": NC_("unit", "billion USD"),
    "million EUR": NC_("unit", "million EUR"),
    "billion EUR": NC_("unit", "billion EUR"),
    "billion TRY": NC_("unit", "billion TRY"),
}


def unit(key: str, translator: _Translates) -> str:
    """``key`` as ``translator``'s language writes it (the key itself if not listed)."""
    message = UNITS.get(key)
    return key if message is None else translator.pgettext("unit", message)
