"""Names and messages: the file as a message names it, the layer's name, GDAL's words.

A user's file name is only ever a label: control characters go, long names are cut, and
no message shows the private folder the file was read from.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n.message import Message

NAME_MAX = 60
LABEL_MAX = 80
TEMP_PREFIX = "corridor-atlas-upload-"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEMP_PATH = re.compile(r"\S*" + re.escape(TEMP_PREFIX) + r"[^/\s'\"]*/?")


class Refusal(Exception):  # noqa: N818 (internal; never escapes the package)
    """A problem found deep inside; :func:`~corridor_atlas.uploads.read_upload` prefixes
    the file's label and raises it as an :class:`~corridor_atlas.errors.UploadError`.

    ``message`` says it in any language; ``str()`` is its English text."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def named(label: str, problem: Message) -> Message:
    """A problem with a file, after the file's name."""
    # the same in every language: not a message to translate
    return Message("{file}: {problem}", values=(("file", label), ("problem", problem)))


def clean(text: str) -> str:
    """One line of NFC text without control characters."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def basename(filename: str) -> str:
    """The last part of a path, whether it uses ``/`` or ``\\``."""
    return re.split(r"[/\\]", filename)[-1]


def file_label(filename: str) -> str:
    """The file as named in messages: control characters removed, at most 80 characters."""
    label = clean(str(filename)) or "upload"  # a name, as a file's name is: not translated
    return label if len(label) <= LABEL_MAX else "…" + label[-(LABEL_MAX - 1):]


def layer_name(filename: str) -> str:
    """The layer's name: the file name without folder or extension, at most 60 characters."""
    base = basename(str(filename))
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    name = clean(stem) or "upload"
    return name if len(name) <= NAME_MAX else name[:NAME_MAX - 1] + "…"


def short(err: BaseException | str, limit: int = 160) -> str:
    """An error's message on one short line, without the private folder's path."""
    text = str(err) if not isinstance(err, str) else err
    text = text.split("; It might help to specify the correct driver")[0]
    text = text.rsplit(" failed: ", 1)[-1]  # SQLite: the query GDAL ran is noise
    text = "; ".join(dict.fromkeys(part.strip() for part in text.split(";")))
    text = _TEMP_PATH.sub("", text)
    text = re.sub(r"\bupload\.(?:geojson|kml|gpkg)\b", "the file", text)  # our own names
    text = re.sub(r"\blayer(\.(?:shp|shx|dbf|prj|cpg))\b", r"the \1", text)
    text = " ".join(text.split())
    if not text and isinstance(err, BaseException):
        text = type(err).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def quote(text: object, limit: int = 40) -> str:
    """User text quoted for a message: one line, bounded."""
    s = str(text)
    return repr(s if len(s) <= limit else s[:limit - 1] + "…")


def num(v: float) -> str:
    """A coordinate as an example in a message."""
    return f"{v:.1f}" if abs(v) >= 1000 else f"{v:g}"
