"""A message written now and read later, in the reader's language.

A problem is often found deep inside the library (a bad upload, a URL value, a file of
the data), long before anyone knows who will read about it. :class:`Message` keeps what
to say (the English message, marked for extraction like every other) and the values it
names; :meth:`Message.text` writes it in a language when it is shown. ``str()`` of a
message is its English text, so errors and logs read as before.

The constructors are named like the translator's calls, so ``make messages`` extracts
their literals: ``Message.gettext("the file is empty")``,
``Message.ngettext("{n} feature", "{n} features", n)``. Values are written in the
reader's language too: a :class:`Message` is translated, a whole number gets the
language's thousands separator (``20,000`` / ``20.000``), a callable is called with the
language (``functools.partial(size_text, n)``), and text (a file's name, a field's name,
a library's own words) stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .languages import language
from .numbers import number
from .translate import translator

__all__ = ["Message", "value_text"]


@dataclass(frozen=True)
class Message:
    """What to tell a reader, to be written in their language (:meth:`text`)."""

    message: str
    plural: str | None = None
    n: int | None = None
    context: str | None = None
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def gettext(cls, message: str, /, **values: Any) -> Message:
        """``message`` with ``values`` for its ``{placeholders}``."""
        return cls(message, values=tuple(values.items()))

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **values: Any) -> Message:
        """The singular or plural form for ``n`` (also given as ``{n}``)."""
        return cls(singular, plural, n, values=tuple({"n": n, **values}.items()))

    @classmethod
    def pgettext(cls, context: str, message: str, /, **values: Any) -> Message:
        """``message`` in ``context``, with ``values``."""
        return cls(message, context=context, values=tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``, its values written in ``lang`` too."""
        tr = translator(lang)
        if self.plural is not None:
            n = int(self.n or 0)
            template = (tr.npgettext(self.context, self.message, self.plural, n)
                        if self.context else tr.ngettext(self.message, self.plural, n))
        else:
            template = (tr.pgettext(self.context, self.message) if self.context
                        else tr.gettext(self.message))
        if not self.values:
            return template
        return template.format_map(_Values(dict(self.values), lang))

    def __str__(self) -> str:
        return self.text()


def value_text(value: Any, lang: str) -> str:
    """One value of a message, as ``lang`` writes it."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if language(lang).code == "en" else number(value, lang)
    if callable(value):
        return str(value(lang))
    return str(value)


class _Values(Mapping[str, str]):
    """A message's values, written in ``lang`` as the template asks for them."""

    def __init__(self, values: dict[str, Any], lang: str) -> None:
        self._values, self._lang = values, lang

    def __getitem__(self, key: str) -> str:
        return value_text(self._values[key], self._lang)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
