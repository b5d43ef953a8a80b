"""Escaping text from data for the two markups it reaches: HTML and Markdown."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def esc(value: object) -> str:
    """Text from data, safe inside HTML (map tooltips, popups, legend)."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: object) -> str:
    """Text from data, shown literally by a Markdown renderer (no links, no HTML, no emphasis)."""
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")
