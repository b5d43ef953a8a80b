"""Escaping text from data for the two markups it reaches: HTML and Markdown."""

from __future__ import annotations

import html
import re

# Characters that start Markdown (or Streamlit's :colour[...] / :emoji:) constructs anywhere,
# and list or heading markers at the start of the text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>~$:&])")
_MD_LEADING = re.compile(r"^(\s*)([-+>]|\d+)([.)]?)")


def esc(value: object) -> str:
    """Text from data, safe inside HTML (map tooltips, popups, legend)."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: object) -> str:
    """Text from data, shown literally by a Markdown renderer (no links, no HTML, no emphasis)."""
    text = " ".join(("" if value is None else str(value)).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LEADING.sub(_escape_leading, text, count=1)


def _escape_leading(m: re.Match[str]) -> str:
    lead, marker, dot = m.groups()
    if marker.isdigit():  # "1." or "1)" starts an ordered list: escape the punctuation
        return f"{lead}{marker}\\{dot}" if dot else m.group(0)
    return f"{lead}\\{marker}{dot}"


def md_link(text: object, url: str | None) -> str:
    """A Markdown link whose text is shown literally and whose address cannot end the link
    early (brackets, spaces and angle brackets percent-encoded); just the text without a
    url."""
    if not url:
        return md(text)
    safe = "".join(f"%{ord(c):02X}" if c in "()<> " else c for c in url)
    return f"[{md(text)}]({safe})"
