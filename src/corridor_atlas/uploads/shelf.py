"""A session's uploads: each file read once, the same data drawn once, a few layers at most.

The app hands :meth:`Shelf.update` the files its uploader holds, on every run. Back come
the layers to draw, one note per file that names the file (what it holds, why it is
refused, that it is already on the map, or that there is no room for it) and the layers
whose data was not drawn at the last update, which the map fits to once.

A file's identity on the shelf is its content: the same bytes uploaded again, under any
name, are drawn once and the later copy says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..errors import AtlasError
from ..i18n.message import Message
from .layer import UserLayer
from .limits import Limits
from .messages import file_label, named

MAX_LAYERS = 5
"""Users' layers drawn at once; files past these wait for a place."""

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Upload:
    """One file in the uploader: ``key`` is the uploader's id for it (new for every upload,
    even of the same file), ``name`` the name the user gave it, ``data`` its bytes."""

    key: str
    name: str
    data: bytes


@dataclass(frozen=True)
class Note:
    """One line about one file, starting with the file's name (``file``), in the language
    :meth:`Shelf.update` was asked for."""

    file: str
    level: Level
    text: str


@dataclass(frozen=True)
class Shelved:
    """What an update gives: the layers to draw, a note per file, the layers just drawn."""

    layers: tuple[UserLayer, ...]
    notes: tuple[Note, ...]
    added: tuple[UserLayer, ...]


@dataclass
class _Read:
    label: str
    content: str  # sha256 of the bytes
    data: bytes | None  # until read
    # the layer, or why it is refused (naming the file); the words only, not the error,
    # whose traceback would keep the file's bytes alive for the session
    result: UserLayer | Message | str | None = None


def content_digest(data: bytes) -> str:
    """The identity of a file's content: its SHA-256, whatever its name."""
    return hashlib.sha256(bytes(data)).hexdigest()


@dataclass
class Shelf:
    """The files of one browser session, each read once (see :meth:`update`)."""

    max_layers: int = MAX_LAYERS
    limits: Limits | None = None
    _files: dict[str, _Read] = field(default_factory=dict)
    _drawn: set[str] = field(default_factory=set)  # the contents drawn at the last update

    def update(self, uploads: Iterable[Upload], *, lang: str = "en") -> Shelved:
        """The layers to draw from ``uploads`` (in the uploader's order) and a note per file,
        written in ``lang``.

        A file whose content an earlier file holds is not read: it is noted as already
        added (and read only if that earlier file goes).
        """
        uploads = list(uploads)
        for up in uploads:
            if up.key not in self._files:
                self._files[up.key] = _Read(file_label(up.name), content_digest(up.data),
                                            bytes(up.data))
        for stale in set(self._files) - {up.key for up in uploads}:
            del self._files[stale]

        layers: list[UserLayer] = []
        notes: list[Note] = []
        first: dict[str, tuple[str, bool]] = {}  # content → the file holding it, and if usable
        drawn: list[str] = []
        for up in uploads:
            file = self._files[up.key]
            if file.content in first:
                notes.append(_twin_note(file.label, *first[file.content], lang))
                continue
            result = self._result(file, up.name)
            refused = not isinstance(result, UserLayer)
            first[file.content] = (file.label, not refused)
            if isinstance(result, Message | str):
                notes.append(Note(file.label, "error",
                                  result.text(lang) if isinstance(result, Message) else result))
            elif len(layers) >= self.max_layers:
                full = Message.gettext(
                    "not drawn: the map takes {n} of your own layers at a time; remove one to "
                    "draw this one", n=self.max_layers)
                notes.append(Note(file.label, "warning", named(file.label, full).text(lang)))
            else:
                layers.append(result)
                drawn.append(up.key)
                described = Message("{layer}", values=(("layer", result.describe(lang)),))
                notes.append(Note(file.label, "info",
                                  named(file.label, described).text(lang)))
        added = tuple(self._files[k].result for k in drawn
                      if self._files[k].content not in self._drawn)
        self._drawn = {self._files[k].content for k in drawn}
        return Shelved(tuple(layers), tuple(notes), added)  # type: ignore[arg-type]

    def _result(self, file: _Read, name: str) -> UserLayer | Message | str:
        """The file read (once): its layer, or the line that refuses it."""
        if file.result is None:
            from . import read_upload  # the package's one way in

            assert file.data is not None
            try:
                file.result = read_upload(file.data, name, limits=self.limits)
            except AtlasError as err:
                file.result = err.said if err.said is not None else str(err)
            file.data = None  # read: the bytes are not kept twice
        return file.result


def _twin_note(label: str, original: str, usable: bool, lang: str) -> Note:
    """The note of a file whose content an earlier one (``original``) holds."""
    if label == original:
        said = (Message.gettext("already added; it is drawn once") if usable
                else Message.gettext("already added, which cannot be used (see above)"))
    elif usable:
        said = Message.gettext("already added as {original} (the same data); it is drawn once",
                               original=original)
    else:
        said = Message.gettext("already added as {original} (the same data), which cannot be "
                               "used (see above)", original=original)
    return Note(label, "warning" if usable else "error", named(label, said).text(lang))
