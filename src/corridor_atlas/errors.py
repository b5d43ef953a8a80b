"""Errors raised by corridor_atlas.

Every error is a ``ValueError`` subclass so callers can catch bad data with one
``except AtlasError``. Data errors carry the full list of :class:`Problem` s found,
so a user sees every problem at once rather than one per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .i18n.message import Message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, feature or field.

    ``message`` is in English; ``said``, when the problem was found with one, writes it
    in a reader's language (:meth:`text`). The file's, feature's and field's names are
    data, never translated.
    """

    file: str
    message: str
    feature: str | None = None
    field: str | None = None
    said: Message | None = _field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.text()

    def text(self, lang: str = "en") -> str:
        """The problem in ``lang``: where (file, feature, field), then what."""
        where: list[Message | str] = [self.file]
        if self.feature is not None:
            # Translators: a feature of a data file, by its id (quoted)
            where.append(Message.gettext("feature {feature}", feature=repr(self.feature)))
        if self.field is not None:
            # Translators: a field of a feature or a file, by its name (quoted)
            where.append(Message.gettext("field {field}", field=repr(self.field)))
        what = self.said.text(lang) if self.said is not None else self.message
        return ", ".join(w if isinstance(w, str) else w.text(lang) for w in where) + f": {what}"


class AtlasError(ValueError):
    """Base class for every error corridor_atlas raises on bad data or configuration.

    Raised with a :class:`~corridor_atlas.i18n.message.Message`, the error reads in the
    reader's language (:meth:`text`); ``str()`` is its English text either way.
    """

    def __init__(self, *args: Any) -> None:
        said = args[0] if args and isinstance(args[0], Message) else None
        super().__init__(*((str(said), *args[1:]) if said is not None else args))
        self.said: Message | None = said

    def text(self, lang: str = "en") -> str:
        """The error in ``lang`` (as written, if it was raised with plain text)."""
        return self.said.text(lang) if self.said is not None else str(self)


class DataError(AtlasError):
    """One or more problems in the data files, all listed in one message."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the data:\n{lines}")


class CatalogError(DataError):
    """The catalog (``geo/catalog.json``) is missing, malformed or inconsistent."""


class LayerError(DataError):
    """A layer file (GeoJSON) is missing, malformed, or not the geometry it should be."""


class AssetError(AtlasError):
    """A front-end asset is not vendored, or its file is missing."""


class ExportError(AtlasError):
    """An export request is not valid (unknown layer, bad year, bbox or size), or it failed."""


class UploadError(AtlasError):
    """A user's own layer file cannot be shown: one line naming the file and the problem."""


class BrowserUnavailableError(AtlasError):
    """No Chromium to render with; the print render needs none."""
