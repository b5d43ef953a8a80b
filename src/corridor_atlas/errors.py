"""Errors raised by corridor_atlas.

Every error is a ``ValueError`` subclass so callers can catch bad data with one
``except AtlasError``. Data errors carry the full list of :class:`Problem` s found,
so a user sees every problem at once rather than one per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .i18n.message import Message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, feature or field."""

    file: str
    message: str
    feature: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.feature is not None:
            where.append(f"feature {self.feature!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


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
