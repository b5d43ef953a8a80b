"""The pseudo-locale: English with every translated message marked, to find the rest.

With the pseudo-locale (``lang=qps``) each message of the catalog template comes back
accented and between :data:`OPEN` and :data:`CLOSE` (``"Layers"`` → ``"⟦Láýérš⟧"``);
placeholders (``{n}``, ``%(name)s``), HTML tags and entities are kept as they are. A
message that is not in the template (never marked for extraction) comes back as it is.
Text on a page or in an export that is not between the marks was never translated:
:func:`unmarked` finds it.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = ["CLOSE", "OPEN", "PseudoCatalog", "mark", "pseudo_catalog", "unmarked"]

OPEN, CLOSE = "⟦", "⟧"

_ACCENTS = str.maketrans(
    "aceinosuyzACEINOSUYZ",
    "áçéíñóšúýžÁÇÉÍÑÓŠÚÝŽ",
)
# kept as they are: format fields, printf fields, HTML tags and entities, URLs
_KEEP = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgG%]"
                   r"|<[^<>]+>|&#?\w+;|https?://\S+")


def mark(message: str) -> str:
    """
    ``message`` accented and between the marks, its placeholders intact.

    >>> mark("{n} routes in <b>%(year)s</b>")
    '⟦{n} róútéš íñ <b>%(year)s</b>⟧'
    """
    out, last = [], 0
    for found in _KEEP.finditer(message):
        out.append(message[last:found.start()].translate(_ACCENTS))
        out.append(found.group())
        last = found.end()
    out.append(message[last:].translate(_ACCENTS))
    return OPEN + "".join(out) + CLOSE


class PseudoCatalog(gettext.NullTranslations):
    """Marks the messages of a template (by context and id); others pass unchanged."""

    def __init__(self, messages: Iterable[tuple[str | None, str]]) -> None:
        super().__init__()
        self.known = frozenset(messages)

    def _mark(self, context: str | None, message: str) -> str:
        return mark(message) if (context, message) in self.known else message

    def gettext(self, message: str) -> str:
        return self._mark(None, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        chosen = msgid1 if n == 1 else msgid2
        return mark(chosen) if (None, msgid1) in self.known else chosen

    def pgettext(self, context: str, message: str) -> str:
        return self._mark(context, message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        chosen = msgid1 if n == 1 else msgid2
        return mark(chosen) if (context, msgid1) in self.known else chosen


def pseudo_catalog(template: Path) -> PseudoCatalog:
    """The pseudo catalog of the messages in ``template`` (the ``.pot`` file)."""
    with template.open("rb") as fp:
        catalog = read_po(fp)
    messages: list[tuple[str | None, str]] = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        messages += [(message.context, i) for i in ids]
    return PseudoCatalog(messages)


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


def _strip_marked(text: str) -> str:
    """``text`` without its marked spans (which may nest: a marked message that holds a
    marked value)."""
    out, depth = [], 0
    for char in text:
        if char == OPEN:
            depth += 1
            out.append(" ")
        elif char == CLOSE and depth:
            depth -= 1
            out.append(" ")
        elif depth == 0:
            out.append(char)
    return "".join(out)


def unmarked(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """
    The words of ``text`` outside the pseudo-locale's marks: interface text that was not
    translated. ``allowed`` are texts that may stay as they are (data: names, sources,
    quoted notes); they are taken out before looking. Each word once, in order.

    >>> unmarked("⟦Láýérš⟧: BTC ⟦2 róútéš⟧ Legend 2026", allowed=["BTC"])
    ['Legend']
    """
    rest = _strip_marked(text)
    for allow in sorted(set(allowed), key=len, reverse=True):
        if allow:
            rest = rest.replace(allow, " ")
    return list(dict.fromkeys(_WORD.findall(rest)))
