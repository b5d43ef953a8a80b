"""How much an upload may hold, and sizes as a message gives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from .. import i18n
from ..errors import AtlasError
from ..i18n.message import Message
from ..settings import MB, max_upload_bytes


@dataclass(frozen=True)
class Limits:
    """
    How much an upload may hold.

    ``max_bytes`` defaults to :func:`corridor_atlas.settings.max_upload_bytes` (25 MB,
    or ``CORRIDOR_ATLAS_MAX_UPLOAD_MB`` megabytes), read when the ``Limits`` is made.
    ``max_ratio`` is the largest unpacked-to-packed size ratio of one zip member
    (members under 1 MB are exempt).
    """

    max_bytes: int = field(default_factory=max_upload_bytes)
    max_features: int = 20_000
    max_vertices: int = 500_000
    max_zip_members: int = 100
    max_unzipped_bytes: int = 200 * MB
    max_ratio: float = 100.0

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_features", "max_vertices", "max_zip_members",
                     "max_unzipped_bytes", "max_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise AtlasError(f"Limits.{name} must be a positive number, got {value!r}")


def size_text(n: float, lang: str = "en") -> str:
    """A size in bytes, kB or MB: ``"1.5 MB"`` (``"1,5 MB"`` in Turkish)."""
    if lang != "en":
        if n >= MB:  # the units' symbols are the same in every language
            return f"{i18n.number(round(n / MB, 1), lang)} MB"
        if n >= 1024:
            return f"{i18n.number(round(n / 1024, 1), lang)} kB"
        return i18n.translator(lang).ngettext("{n} byte", "{n} bytes", int(n)).format(
            n=i18n.number(round(n), lang))
    if n >= MB:
        return f"{n / MB:,.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:,.1f} kB".replace(".0 kB", " kB")
    return f"{n:,.0f} bytes"


def size(n: float) -> partial[str]:
    """A size as a message's value, written in the reader's language."""
    return partial(size_text, n)


def too_big(n: int, limits: Limits) -> Message:
    """The refusal of a file of ``n`` bytes."""
    return Message.gettext("the file is {size}; the limit is {limit}", size=size(n),
                           limit=size(limits.max_bytes))
