"""Upper and lower case as Turkish and Azerbaijani write them.

Python's ``str.upper`` and ``str.lower`` follow no language: ``"Iğdır".upper()`` gives
``"IĞDIR"`` (right) but ``"istanbul".upper()`` gives ``"ISTANBUL"`` (Turkish:
``"İSTANBUL"``), and ``"IĞDIR".lower()`` gives ``"iğdir"`` (Turkish: ``"ığdır"``). In
Turkish and Azerbaijani dotted i pairs with İ and dotless ı with I; every other letter
(ə/Ə, ğ/Ğ, ö/Ö, ü/Ü, ç/Ç, ş/Ş) follows Unicode's own mapping.
"""

from __future__ import annotations

__all__ = ["lower", "upper"]

_DOTTED = ("tr", "az")
_UPPER = str.maketrans({"i": "İ"})
_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def upper(text: str, lang: str) -> str:
    """
    ``text`` in capitals, as ``lang`` writes them.

    >>> upper("İstanbul", "tr"), upper("Iğdır", "tr"), upper("Naxçıvan Şəki", "az")
    ('İSTANBUL', 'IĞDIR', 'NAXÇIVAN ŞƏKİ')
    >>> upper("pipeline", "en")
    'PIPELINE'
    """
    if lang in _DOTTED:
        text = text.translate(_UPPER)
    return text.upper()


def lower(text: str, lang: str) -> str:
    """
    ``text`` in small letters, as ``lang`` writes them.

    >>> lower("IĞDIR", "tr"), lower("İSTANBUL", "tr"), lower("ŞƏKİ", "az")
    ('ığdır', 'istanbul', 'şəki')
    >>> lower("İSTANBUL", "en")  # İ is i with its dot, not i and a combining dot
    'istanbul'
    """
    text = text.translate(_LOWER) if lang in _DOTTED else text.replace("İ", "i")
    return text.lower()
